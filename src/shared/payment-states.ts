/**
 * The lists of payment states, once: which attempt states are open, paid or final, which refund
 * states are unfinished, which order statuses are a sale. The state machine (src/main/intermediaries/state.ts),
 * the one writer of payment truth (src/main/core/payments/truth.ts), the pollers, the queries and
 * the screens all read them from here.
 *
 * Queries use them through `inList` (src/main/store/sql.ts), which writes the values into the SQL:
 * SQLite uses a partial index (`… where state in ('created', 'pending')`) only when the query names
 * the same literal values. The migrations that created those indexes keep their own copies (a
 * migration is history: it never changes).
 */
import type { AttemptState, OrderStatus, RefundState } from './types';

/** Attempts whose outcome is not known yet: polled, closed or cancelled at the deadline (payment_attempts_due). */
export const OPEN_STATES: readonly AttemptState[] = ['created', 'pending'];

/** Attempts that took the customer's money, refunded since or not. */
export const PAID_STATES: readonly AttemptState[] = ['paid', 'partially_refunded', 'refunded'];

/** Attempts that hold an order's money (paid, not wholly refunded): one per order, or each part of a split tender (migration 0021). */
export const HOLDING_STATES: readonly AttemptState[] = ['paid', 'partially_refunded'];

/** Attempts from which no payment outcome can change any more (refunds aside); money reported now is late money. */
export const FINAL_UNPAID: readonly AttemptState[] = ['failed', 'closed', 'expired'];

/** Refunds not finished yet: sent again or queried until final (refunds_due). */
export const OPEN_REFUND_STATES: readonly RefundState[] = ['requested', 'pending'];

/** Orders that are a sale: paid, refunded since or not. */
export const SOLD_STATUSES: readonly OrderStatus[] = ['paid', 'partially_refunded', 'refunded'];

/** Orders that can still be refunded. */
export const REFUNDABLE_STATUSES: readonly OrderStatus[] = ['paid', 'partially_refunded'];

export function isOpen(state: AttemptState): boolean {
  return OPEN_STATES.includes(state);
}

export function isPaid(state: AttemptState): boolean {
  return PAID_STATES.includes(state);
}

export function isHolding(state: AttemptState): boolean {
  return HOLDING_STATES.includes(state);
}

export function isFinalUnpaid(state: AttemptState): boolean {
  return FINAL_UNPAID.includes(state);
}
