/**
 * The drawer of this terminal: its sessions, their window (opening → close, both inclusive; never at
 * or before the previous close, so no sale is on two Zs), the cash expected in it (float + cash
 * sales − cash refunds + paid in − paid out), its moves, and the payments still pending on it.
 */
import type { DenominationCounts } from '../../../shared/cash';
import { PosError } from '../../../shared/errors';
import type {
  CashMoveView,
  CashSessionState,
  CashSessionView,
  DrawerTotals,
  PendingAttemptView,
} from '../../../shared/types';
import type { Store } from '../../store/db';
import type { CashSessionRow } from '../../store/schema';
import { inList, unindexed } from '../../store/sql';
import { businessDay } from '../clock';
import { PAID_STATES } from '../../../shared/payment-states';
import { drawerCashQuery, pendingAttemptsQuery } from './queries';
import type { CashSessionsOptions } from './types';

export function parseCounts(json: string | null): DenominationCounts | null {
  return json === null ? null : (JSON.parse(json) as DenominationCounts);
}

export class Drawer {
  constructor(private readonly o: CashSessionsOptions) {}

  private get k() {
    return this.o.store.kysely;
  }

  private get store(): Store {
    return this.o.store;
  }

  /** This till's terminal id (settings). */
  terminal(): string {
    return this.o.settings.values.terminal;
  }

  /** The store's business day of an instant. */
  day(ms: number): string {
    return businessDay(ms, this.o.timeZone());
  }

  openRow(terminal: string): CashSessionRow | undefined {
    return this.store.first(
      this.k.selectFrom('cash_sessions').selectAll().where('terminal', '=', terminal).where('status', '=', 'open'),
    );
  }

  /** This terminal's open session; CASH_SESSION_NOT_OPEN when there is none. */
  requireOpen(): CashSessionRow {
    const terminal = this.terminal();
    const s = this.openRow(terminal);
    if (!s)
      throw new PosError(
        'CASH_SESSION_NOT_OPEN',
        `No cash session is open on ${terminal}: open the drawer with a float first.`,
        { terminal },
      );
    return s;
  }

  /**
   * Sales paid on this terminal while no session was open: since the last close (or, when no session
   * was ever closed here, during today's business day), up to the opening of the current session.
   */
  outsideSession(terminal: string, openedAt: number | null, now: number): CashSessionState['outsideSession'] {
    const lastClose = this.store.first(
      this.k
        .selectFrom('cash_sessions')
        .select((eb) => eb.fn.max<number | null>('closed_at').as('at'))
        .where('terminal', '=', terminal)
        .where('status', '=', 'closed'),
    )?.at;
    let q = this.k
      .selectFrom('payment_attempts as pa')
      .innerJoin('orders as o', 'o.id', 'pa.order_id')
      .select([
        'pa.method',
        (eb) => eb.fn.countAll<number>().as('n'),
        (eb) => eb.fn.sum<number>('pa.amount_fen').as('fen'),
        (eb) => eb.fn.min<number>('pa.paid_at').as('since'),
      ])
      .where(unindexed<string>('o.terminal'), '=', terminal)
      .where(inList('pa.state', PAID_STATES));
    q =
      lastClose !== null && lastClose !== undefined
        ? q.where('pa.paid_at', '>', lastClose)
        : q.where('o.business_day', '=', this.day(now));
    if (openedAt !== null) q = q.where('pa.paid_at', '<', openedAt);
    const rows = this.store.all(q.groupBy('pa.method'));
    let count = 0;
    let salesFen = 0;
    let cashFen = 0;
    let since = Number.POSITIVE_INFINITY;
    for (const r of rows) {
      count += Number(r.n);
      salesFen += Number(r.fen ?? 0);
      if (r.method === 'cash') cashFen += Number(r.fen ?? 0);
      since = Math.min(since, Number(r.since));
    }
    return count === 0 ? null : { count, salesFen, cashFen, since };
  }

  moves(sessionId: number): CashMoveView[] {
    return this.store
      .all(this.k.selectFrom('cash_moves').selectAll().where('session_id', '=', sessionId).orderBy('id'))
      .map((m) => ({
        id: m.id,
        kind: m.kind,
        amountFen: m.amount_fen,
        reason: m.reason,
        at: m.at,
        by: m.actor,
        approvedBy: m.approved_by,
      }));
  }

  view(s: CashSessionRow): CashSessionView {
    const z = this.store.first(this.k.selectFrom('z_reports').select('number').where('session_id', '=', s.id));
    return {
      id: s.id,
      terminal: s.terminal,
      businessDay: s.business_day,
      status: s.status,
      openedAt: s.opened_at,
      openedBy: s.opened_by,
      floatFen: s.float_fen,
      floatDenominations: parseCounts(s.float_denominations),
      closedAt: s.closed_at,
      closedBy: s.closed_by,
      zNumber: z?.number ?? null,
      expectedFen: s.status === 'closed' ? (s.expected_fen ?? 0) : this.totals(s, this.windowEnd(s)).expectedFen,
      moves: this.moves(s.id),
    };
  }

  /**
   * Where the session's window starts: its opening, but never at or before the previous close on the
   * terminal (a sale in the very millisecond of that close is on the previous Z), so windows never overlap.
   */
  windowStart(s: CashSessionRow): number {
    const prev = this.store.first(
      this.k
        .selectFrom('cash_sessions')
        .select((eb) => eb.fn.max<number | null>('closed_at').as('at'))
        .where('terminal', '=', s.terminal)
        .where('id', '<', s.id),
    )?.at;
    return prev === null || prev === undefined ? s.opened_at : Math.max(s.opened_at, prev + 1);
  }

  /** Where an open session's window ends now (never before it starts). */
  windowEnd(s: CashSessionRow): number {
    return Math.max(this.o.clock.now(), this.windowStart(s));
  }

  viewById(id: number): CashSessionView {
    const s = this.store.first(this.k.selectFrom('cash_sessions').selectAll().where('id', '=', id));
    if (!s) throw new PosError('NOT_FOUND', `There is no cash session ${id}.`, { sessionId: id });
    return this.view(s);
  }

  /** The drawer's lines over the session's window, up to `until` (inclusive). */
  totals(s: CashSessionRow, until: number): DrawerTotals {
    const from = this.windowStart(s);
    const cash = this.store.first(drawerCashQuery(this.k, s.terminal, from, until));
    const refunds = this.store.first(
      this.k
        .selectFrom('refunds as r')
        .innerJoin('orders as o', 'o.id', 'r.order_id')
        .select((eb) => eb.fn.sum<number>('r.amount_fen').as('fen'))
        .where(unindexed<string>('o.terminal'), '=', s.terminal)
        .where('r.method', '=', 'cash')
        .where('r.state', '=', 'succeeded')
        .where('r.finished_at', '>=', from)
        .where('r.finished_at', '<=', until),
    );
    const moves = this.store.all(
      this.k
        .selectFrom('cash_moves')
        .select(['kind', (eb) => eb.fn.sum<number>('amount_fen').as('fen')])
        .where('session_id', '=', s.id)
        .where('at', '<=', until)
        .groupBy('kind'),
    );
    const cashSalesFen = Number(cash?.fen ?? 0);
    const cashRefundsFen = Number(refunds?.fen ?? 0);
    const paidInFen = Number(moves.find((m) => m.kind === 'in')?.fen ?? 0);
    const paidOutFen = Number(moves.find((m) => m.kind === 'out')?.fen ?? 0);
    return {
      floatFen: s.float_fen,
      cashSalesFen,
      cashRefundsFen,
      paidInFen,
      paidOutFen,
      expectedFen: s.float_fen + cashSalesFen - cashRefundsFen + paidInFen - paidOutFen,
    };
  }

  /** Intermediary payments not final yet on this terminal's orders (any age: each still matters). */
  pending(terminal = this.terminal()): PendingAttemptView[] {
    return this.store.all(pendingAttemptsQuery(this.k, terminal)).map((a) => ({
      attemptId: a.id,
      orderId: a.order_id,
      orderNumber: a.number,
      provider: a.method,
      mode: a.mode,
      amountFen: a.amount_fen,
      state: a.state,
      unknown: a.unknown === 1,
      createdAt: a.created_at,
    }));
  }
}
