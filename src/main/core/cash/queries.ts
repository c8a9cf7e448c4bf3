/**
 * The payments of a terminal's window: the drawer's cash, the sales per method and the payments not
 * final yet. Registered in core/hot-queries.ts (the drawer's state is on the clerk's screen).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema';
import { inList, unindexed } from '../../store/sql';
import { OPEN_STATES, PAID_STATES } from '../../../shared/payment-states';

/*
 * The payments of a terminal's window. A terminal holds half of a two-till shop's orders, so its
 * index narrows nothing: these queries find the window's payments by `paid_at` (or the few open ones
 * by their partial index) and check the terminal on each (`unindexed`, store/sql.ts). Registered in
 * core/hot-queries.ts (the drawer's state is on the clerk's screen).
 */

/** Cash taken on `terminal` from `from` to `until` (inclusive): the drawer's cash sales. */
export function drawerCashQuery(k: Kysely<Database>, terminal: string, from: number, until: number) {
  return k
    .selectFrom('payment_attempts as pa')
    .innerJoin('orders as o', 'o.id', 'pa.order_id')
    .select((eb) => eb.fn.sum<number>('pa.amount_fen').as('fen'))
    .where(unindexed<string>('o.terminal'), '=', terminal)
    .where('pa.method', '=', 'cash')
    .where(inList('pa.state', PAID_STATES))
    .where('pa.paid_at', '>=', from)
    .where('pa.paid_at', '<=', until);
}

/** Sales per method on `terminal` from `from` to `until` (inclusive): the X and the Z. */
export function sessionSalesQuery(k: Kysely<Database>, terminal: string, from: number, until: number) {
  return k
    .selectFrom('payment_attempts as pa')
    .innerJoin('orders as o', 'o.id', 'pa.order_id')
    .select([
      'pa.method',
      (eb) => eb.fn.countAll<number>().as('n'),
      (eb) => eb.fn.sum<number>('pa.amount_fen').as('fen'),
    ])
    .where(unindexed<string>('o.terminal'), '=', terminal)
    .where(inList('pa.state', PAID_STATES))
    .where('pa.paid_at', '>=', from)
    .where('pa.paid_at', '<=', until)
    .groupBy('pa.method');
}

/** Intermediary payments not final yet on `terminal`'s orders. */
export function pendingAttemptsQuery(k: Kysely<Database>, terminal: string) {
  return (
    k
      .selectFrom('payment_attempts as pa')
      .innerJoin('orders as o', 'o.id', 'pa.order_id')
      .select([
        'pa.id',
        'pa.order_id',
        'o.number',
        'pa.method',
        'pa.mode',
        'pa.amount_fen',
        'pa.state',
        'pa.unknown',
        'pa.created_at',
      ])
      .where(unindexed<string>('o.terminal'), '=', terminal)
      .where('pa.method', '!=', 'cash')
      .where(inList('pa.state', OPEN_STATES))
      // sorted once the few open rows are found: in rowid order SQLite would walk every payment
      .orderBy(unindexed<number>('pa.id'))
  );
}

/**
 * This terminal's open session, if any: read before every cash payment when the store requires an
 * open drawer (drawer-rule.ts). `status` as a literal, so the one-open-per-terminal partial index applies.
 */
export function openSessionQuery(k: Kysely<Database>, terminal: string) {
  return k
    .selectFrom('cash_sessions')
    .select(['id', 'opened_at'])
    .where('terminal', '=', terminal)
    .where(inList('status', ['open']));
}
