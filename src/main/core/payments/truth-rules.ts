/**
 * The rules the one writer of payment truth (truth.ts) writes by, with no write of their own: what
 * may be written beside a state, the moves of a refund, and the state a cash payment or refund is
 * born in. Only truth.ts uses them; the attempt's own moves are the pure table of
 * src/shared/payment-state-machine.ts.
 */
import type { RefundState } from '../../../shared/types';
import type { AttemptRow, RefundRow } from '../../store/schema';

/** What may be written to an attempt beside its state (the state moves only by `apply`). */
export type AttemptFacts = Omit<Partial<AttemptRow>, 'id' | 'order_id' | 'state'>;

/** What may be written to a refund beside its state (the state moves only by `applyRefund`). */
export type RefundFacts = Omit<Partial<RefundRow>, 'id' | 'order_id' | 'attempt_id' | 'state'>;

export type AttemptRef = Pick<AttemptRow, 'id' | 'order_id'>;

/**
 * A refund's moves: requested (its number committed) → pending (accepted, queried until final) →
 * succeeded or failed; a query that knows no such refund sends it back to requested (sent again
 * under the same number). Cash is given from the drawer: born requested → succeeded in one insert.
 */
const REFUND_MOVES: Readonly<Record<RefundState, readonly RefundState[]>> = {
  requested: ['pending', 'succeeded', 'failed'],
  pending: ['succeeded', 'failed', 'requested'],
  succeeded: [],
  failed: [],
};

/** `to` when a refund may move there from `from`, else null. */
export function refundMove(from: RefundState, to: RefundState): RefundState | null {
  return REFUND_MOVES[from].includes(to) ? to : null;
}

/** The state a cash attempt or refund is born in: through the machine, from where every one starts. */
export function born<S>(to: S | null): S {
  if (to === null) throw new Error('the state machine refuses a cash payment or refund');
  return to;
}
