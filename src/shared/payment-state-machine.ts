/**
 * The payment-attempt state machine, pure. Every change of an attempt's state goes through
 * `transition`, and the store applies it as a conditional update (`… WHERE id = ? AND state = ?`)
 * together with its journal row in one transaction.
 *
 *   created ──submitted──▶ pending ──paid──▶ paid ──refunded_part──▶ partially_refunded ──refunded_all──▶ refunded
 *      │                     │  ├─declined──▶ failed
 *      │                     │  ├─closed────▶ closed    (the clerk stopped it; upstream close/cancel succeeded)
 *      │                     │  └─expired───▶ expired   (the deadline passed; upstream close/cancel succeeded,
 *      │                     │                            or a query proved there is no trade)
 *      └─(paid | declined | closed | expired, when the first answer is already final)
 *
 * `unknown` is not a state: it is a flag on a pending attempt whose last call had no definite
 * answer. `paid` is never downgraded; money reported for a closed, expired or failed attempt is not a
 * transition but an exception (late money) the owner resolves: by a refund (the attempt stays as it
 * is), or by accepting it onto the order — `late_accepted`, the one event that leaves a final unpaid
 * state, only to `paid`, only by an owner's audited decision.
 */
import type { AttemptState } from './types';

export type AttemptEvent =
  | 'submitted'
  | 'paid'
  | 'declined'
  | 'closed'
  | 'expired'
  | 'refunded_part'
  | 'refunded_all'
  /** the owner accepts money reported after the local close onto the order (audited) */
  | 'late_accepted';

export const ATTEMPT_STATES: readonly AttemptState[] = [
  'created',
  'pending',
  'paid',
  'failed',
  'closed',
  'expired',
  'partially_refunded',
  'refunded',
];

export const ATTEMPT_EVENTS: readonly AttemptEvent[] = [
  'submitted',
  'paid',
  'declined',
  'closed',
  'expired',
  'refunded_part',
  'refunded_all',
  'late_accepted',
];

const TABLE: Record<AttemptState, Partial<Record<AttemptEvent, AttemptState>>> = {
  created: { submitted: 'pending', paid: 'paid', declined: 'failed', closed: 'closed', expired: 'expired' },
  pending: { paid: 'paid', declined: 'failed', closed: 'closed', expired: 'expired' },
  paid: { refunded_part: 'partially_refunded', refunded_all: 'refunded' },
  partially_refunded: { refunded_part: 'partially_refunded', refunded_all: 'refunded' },
  refunded: {},
  failed: { late_accepted: 'paid' },
  closed: { late_accepted: 'paid' },
  expired: { late_accepted: 'paid' },
};

/** The state after `event`, or null when the event is not allowed from `from`. */
export function transition(from: AttemptState, event: AttemptEvent): AttemptState | null {
  return TABLE[from][event] ?? null;
}

/** Replays a journal of events from `created`, skipping the ones the machine refused (as the store does). */
export function replay(events: readonly AttemptEvent[]): AttemptState {
  let s: AttemptState = 'created';
  for (const e of events) s = transition(s, e) ?? s;
  return s;
}
