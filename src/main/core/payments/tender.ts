/**
 * Split tender (组合支付), the reading side: an order's paid parts, what they hold and what the
 * order still owes. A part is a payment attempt for some of what the order owes (`amount_fen` ≤
 * owed); the order becomes paid (truth.ts) when its paid parts cover the total. Refunded parts keep
 * counting as paid: money given back never reopens what an order owes, and an open order with a
 * refunded part takes no new part (it is cancelled instead, see `assertPayablePart`).
 *
 * Reads only; every write is in truth.ts. The attempts of one order are found by the
 * payment_attempts_order index (`paidPartsQuery`, registered in core/hot-queries.ts).
 */
import type { Kysely } from 'kysely';
import { PosError } from '../../../shared/errors';
import { formatFen } from '../../../shared/money';
import { PAID_STATES } from '../../../shared/payment-states';
import type { TenderPart, TenderProgress } from '../../../shared/types';
import { prepared, type Store } from '../../store/db';
import type { Database } from '../../store/schema';
import { inList } from '../../store/sql';

/** The paid parts of an order (refunded since or not), in the order they were made. */
export function paidPartsQuery(k: Kysely<Database>, orderId: number) {
  return k
    .selectFrom('payment_attempts')
    .select(['id', 'method', 'mode', 'amount_fen', 'state', 'tendered_fen', 'change_fen', 'paid_at'])
    .where('order_id', '=', orderId)
    .where(inList('state', PAID_STATES))
    .orderBy('id');
}

const PAID_PARTS = prepared((k, orderId: number) => paidPartsQuery(k, orderId));

/** The paid parts of an order, what they hold and what it still owes (never below 0). */
export function tenderProgress(store: Store, orderId: number, totalFen: number): TenderProgress {
  const parts: TenderPart[] = store.all(PAID_PARTS(orderId)).map((a) => ({
    attemptId: a.id,
    method: a.method,
    mode: a.mode,
    amountFen: a.amount_fen,
    state: a.state,
    tenderedFen: a.tendered_fen,
    changeFen: a.change_fen,
    paidAt: a.paid_at,
  }));
  const paidFen = parts.reduce((n, p) => n + p.amountFen, 0);
  return { parts, paidFen, owedFen: Math.max(0, totalFen - paidFen) };
}

/**
 * The amount of a new part for an open order: `wanted` (default: all that is owed) when it is more
 * than 0 and at most what is owed. An order one of whose parts was refunded takes no new part:
 * the money given back still counts as paid, so the rest could never be collected honestly; the
 * owner refunds the other parts and the order is cancelled. Throws; writes nothing.
 */
export function assertPayablePart(
  store: Store,
  order: { id: number; number: string; total_fen: number },
  wanted: number | undefined,
  /** cash settles an order of ¥0.00 (a line discounted to nothing) whole, as before split tender */
  free: 'cash' | 'none' = 'none',
): { amountFen: number; progress: TenderProgress } {
  const progress = tenderProgress(store, order.id, order.total_fen);
  if (progress.parts.some((p) => p.state !== 'paid')) {
    throw new PosError(
      'ORDER_NOT_PAYABLE',
      `Order ${order.number} has a part refunded already; it takes no new payment (refund the rest and cancel it).`,
      { number: order.number, status: 'open' },
    );
  }
  const amountFen = wanted ?? progress.owedFen;
  if (free === 'cash' && order.total_fen === 0 && wanted === undefined && progress.parts.length === 0)
    return { amountFen: 0, progress };
  if (amountFen <= 0 || amountFen > progress.owedFen) {
    throw new PosError(
      'PART_TOO_LARGE',
      `Order ${order.number} owes ${formatFen(progress.owedFen)}; a part of ${formatFen(amountFen)} cannot be taken.`,
      { number: order.number, owedFen: progress.owedFen, amountFen },
    );
  }
  return { amountFen, progress };
}
