/**
 * The tidy-up of abandoned unpaid orders: after declines, expiries and restarts, orders pile up as
 * unpaid (未付款). The owner cancels them with a reason, one, a selection, or all older than today
 * or than some hours (the caller authorizes the owner; sales/handlers.ts).
 *
 * An order is never cancelled while a payment on it is open (pending, or its outcome unknown: the
 * customer may be paying this very moment), when any money was received on it, or while an exception
 * on it is unresolved (late money may sit with the intermediary). These are judged inside the
 * transaction that cancels, and the update itself repeats them as conditions: a payment that turned
 * paid a moment before is seen, and the order is skipped, never cancelled.
 *
 * A tidy-up cancels exactly as a single void does (sales/orders.ts `cancel`): the order's status and
 * cancelled_at, one `order.cancelled` row in its timeline; stock and the sales reports never counted
 * an unpaid order, and the X/Z count it among the cancellations of the moment it was cancelled.
 *
 * Audit: ONE row per tidy-up listing the orders it cancelled (and the reason given), not one
 * per order: the owner made one decision with one reason, and a tidy-up of three hundred orders would
 * otherwise bury the rest of the log. Each order's timeline names that audit row, so either side
 * leads to the other.
 */
import type { Kysely } from 'kysely';
import { PosError } from '../../../shared/errors';
import { OPEN_STATES, PAID_STATES } from '../../../shared/payment-states';
import type { TidyBlock, TidyCandidate, TidyPreview, TidyResult, TidyScope } from '../../../shared/tidy-types';
import type { Store } from '../../store/db';
import type { Database } from '../../store/schema';
import { inList } from '../../store/sql';
import { businessDay, type Clock } from '../clock';
import type { Events } from '../events';
import { writeJournal } from '../journal';
import type { Audit } from '../people/audit';
import type { Actor } from '../people/auth';

/** The most orders one tidy-up cancels: its transaction stays short; the rest go in the next one. */
export const MAX_TIDY = 500;

/** An order's facts and what would stop it being cancelled, in one read. */
function withBlocks(k: Kysely<Database>) {
  return k
    .selectFrom('orders')
    .select(['orders.id', 'orders.number', 'orders.business_day', 'orders.created_at', 'orders.total_fen'])
    .select(['orders.item_count', 'orders.status'])
    .select((eb) => [
      eb
        .exists(
          eb
            .selectFrom('payment_attempts as pa')
            .select('pa.id')
            .whereRef('pa.order_id', '=', 'orders.id')
            .where(inList('pa.state', OPEN_STATES)),
        )
        .as('open_attempt'),
      eb
        .exists(
          eb
            .selectFrom('payment_attempts as pa')
            .select('pa.id')
            .whereRef('pa.order_id', '=', 'orders.id')
            .where(inList('pa.state', OPEN_STATES))
            .where('pa.unknown', '=', 1),
        )
        .as('unknown_attempt'),
      eb
        .exists(
          eb
            .selectFrom('payment_attempts as pa')
            .select('pa.id')
            .whereRef('pa.order_id', '=', 'orders.id')
            .where(inList('pa.state', PAID_STATES)),
        )
        .as('money'),
      eb
        .exists(
          eb
            .selectFrom('payment_exceptions as pe')
            .select('pe.id')
            .where('pe.resolved_at', 'is', null)
            .whereRef('pe.order_id', '=', 'orders.id'),
        )
        .as('exception'),
    ]);
}

/**
 * Unpaid orders created before `before`, oldest first (the partial index orders_open, migration
 * 0020: the status is a literal so SQLite may use it; a year's paid orders are never read).
 */
export function unpaidOrdersQuery(k: Kysely<Database>, before: number, beforeDay?: string) {
  let q = withBlocks(k)
    .where(inList('orders.status', ['open']))
    .where('orders.created_at', '<', before);
  if (beforeDay !== undefined) q = q.where('orders.business_day', '<', beforeDay);
  return q.orderBy('orders.created_at').limit(MAX_TIDY + 1);
}

type Row = ReturnType<typeof withBlocks> extends { execute(): Promise<(infer R)[]> } ? R : never;

function blockOf(r: Row): TidyBlock | null {
  if (Number(r.money)) return 'money_received';
  if (r.status !== 'open') return 'not_open';
  if (Number(r.unknown_attempt)) return 'payment_unknown';
  if (Number(r.open_attempt)) return 'payment_open';
  if (Number(r.exception)) return 'exception_open';
  return null;
}

export class OrderTidy {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly events: Events,
    private readonly audit: Audit,
    private readonly timeZone: () => string,
  ) {}

  private get k() {
    return this.store.kysely;
  }

  /** The orders a scope names, as they are now (at most MAX_TIDY, and whether more matched). */
  private rows(scope: TidyScope): { rows: Row[]; truncated: boolean } {
    const now = this.clock.now();
    if (scope.kind === 'orders') {
      const ids = [...new Set(scope.orderIds)];
      if (ids.length === 0) return { rows: [], truncated: false };
      const rows = this.store.all(withBlocks(this.k).where('orders.id', 'in', ids).orderBy('orders.created_at'));
      if (rows.length !== ids.length) {
        const missing = ids.find((id) => !rows.some((r) => r.id === id)) ?? 0;
        throw new PosError('NOT_FOUND', `There is no order ${missing}.`, { orderId: missing });
      }
      return { rows, truncated: false };
    }
    // "before today": today's unpaid orders may still be paid at the counter; earlier days' are abandoned
    const rows =
      scope.kind === 'olderThanHours'
        ? this.store.all(unpaidOrdersQuery(this.k, now - scope.hours * 3_600_000))
        : this.store.all(unpaidOrdersQuery(this.k, now, businessDay(now, this.timeZone())));
    return { rows: rows.slice(0, MAX_TIDY), truncated: rows.length > MAX_TIDY };
  }

  /** What a tidy-up would do now (nothing is written). */
  preview(scope: TidyScope): TidyPreview {
    const { rows, truncated } = this.rows(scope);
    const candidates: TidyCandidate[] = rows.map((r) => ({
      id: r.id,
      number: r.number,
      businessDay: r.business_day,
      createdAt: r.created_at,
      totalFen: r.total_fen,
      itemCount: r.item_count,
      blocked: blockOf(r),
    }));
    return { candidates, cancellable: candidates.filter((c) => c.blocked === null).length, truncated };
  }

  /**
   * Cancels the scope's unpaid orders that nothing holds, in one transaction with the batch's audit
   * row; the rest are reported with the reason they were left alone.
   */
  tidy(scope: TidyScope, reason: string, actor: Actor): TidyResult {
    const result = this.store.tx((): TidyResult => {
      const now = this.clock.now();
      const cancelled: TidyResult['cancelled'] = [];
      const skipped: TidyResult['skipped'] = [];
      for (const r of this.rows(scope).rows) {
        const why = blockOf(r);
        if (why) {
          skipped.push({ id: r.id, number: r.number, why });
          continue;
        }
        // the conditions again, in the update itself: whatever wrote since the read, an order with
        // an open payment, money or an unresolved exception is not changed
        const done = this.store.run(
          this.k
            .updateTable('orders')
            .set({ status: 'cancelled', cancelled_at: now })
            .where('id', '=', r.id)
            .where(inList('status', ['open']))
            .where((eb) =>
              eb.not(
                eb.exists(
                  eb
                    .selectFrom('payment_attempts as pa')
                    .select('pa.id')
                    .whereRef('pa.order_id', '=', 'orders.id')
                    .where(inList('pa.state', [...OPEN_STATES, ...PAID_STATES])),
                ),
              ),
            )
            .where((eb) =>
              eb.not(
                eb.exists(
                  eb
                    .selectFrom('payment_exceptions as pe')
                    .select('pe.id')
                    .where('pe.resolved_at', 'is', null)
                    .whereRef('pe.order_id', '=', 'orders.id'),
                ),
              ),
            ),
        );
        if (done.changes === 1) cancelled.push({ id: r.id, number: r.number });
        else skipped.push({ id: r.id, number: r.number, why: 'not_open' });
      }
      if (cancelled.length === 0) return { cancelled, skipped, auditId: null };
      const auditId = this.audit.record(actor, 'order.tidy', null, {
        before: { status: 'open' },
        // the orders themselves, not the scope that chose them: the log reads as what was done
        after: { status: 'cancelled', orders: cancelled.map((c) => c.number) },
        note: reason,
      });
      for (const c of cancelled) {
        writeJournal(this.store, now, {
          orderId: c.id,
          attemptId: null,
          kind: 'order.cancelled',
          from: 'open',
          to: 'cancelled',
          detail: { restoreCart: false, tidy: auditId, reason },
        });
      }
      return { cancelled, skipped, auditId };
    });
    for (const c of result.cancelled)
      this.events.emit('order.changed', { orderId: c.id, number: c.number, status: 'cancelled' });
    return result;
  }
}
