/**
 * Types of the tidy-up of abandoned unpaid orders, of parked carts' names and of the header's count
 * of payments awaiting an intermediary's answer (src/main/core/sales/tidy.ts,
 * src/main/core/payments/awaiting.ts). Kept apart from types.ts so the branches that split it merge cleanly.
 */

/** Which unpaid orders a tidy-up looks at. */
export type TidyScope =
  /** every unpaid order of an earlier business day */
  | { kind: 'beforeToday' }
  /** every unpaid order created more than `hours` ago */
  | { kind: 'olderThanHours'; hours: number }
  /** the orders the owner ticked on the Orders screen */
  | { kind: 'orders'; orderIds: number[] };

/**
 * Why an order is left alone: a payment still open (the customer may be paying right now), one whose
 * outcome the till does not know, money received on it, an exception not yet resolved (money may
 * sit with the intermediary), or the order is no longer unpaid.
 */
export type TidyBlock = 'payment_open' | 'payment_unknown' | 'money_received' | 'exception_open' | 'not_open';

export interface TidyCandidate {
  id: number;
  number: string;
  businessDay: string;
  createdAt: number;
  totalFen: number;
  itemCount: number;
  /** null: it would be cancelled */
  blocked: TidyBlock | null;
}

export interface TidyPreview {
  candidates: TidyCandidate[];
  /** how many of them would be cancelled */
  cancellable: number;
  /** more orders matched than one tidy-up takes (the rest in the next one) */
  truncated: boolean;
}

export interface TidyResult {
  cancelled: { id: number; number: string }[];
  skipped: { id: number; number: string; why: TidyBlock }[];
  /** the one audit row of the batch (null when nothing was cancelled) */
  auditId: number | null;
}

/** Intermediary payments still waiting for the intermediary's answer (the header's count). */
export interface AwaitingAnswers {
  count: number;
  /** of them, those whose last call had no answer (an outage, a timeout) */
  unknown: number;
  /** when the oldest of them began */
  oldestAt: number | null;
}
