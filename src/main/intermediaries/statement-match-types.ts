/**
 * What the statement matcher (statement-match.ts) reads and finds: the till's attempts and refunds as
 * it sees them, the neighbour days, and the items, reasons and totals of a match.
 */
import type { ReconCategory } from '../../shared/types';
import type { StatementRow } from './provider';

export type { ReconCategory };

export const RECON_CATEGORIES: readonly ReconCategory[] = [
  'paid_after_close',
  'missing_locally',
  'missing_upstream',
  'amount_mismatch',
  'status_mismatch',
  'fee_mismatch',
];

/** Why an item was raised, for the owner (each has a sentence in both languages in the UI). */
export type ReconReason =
  /** a payment on the statement the till has no attempt for */
  | 'unknown_trade'
  /** a refund on the statement of a trade the till does not know */
  | 'refund_of_unknown_trade'
  /** the till closed/expired/failed the attempt; the statement says paid */
  | 'paid_after_close'
  /** the till still waits for the attempt (created/pending); the statement says paid */
  | 'pending_locally'
  /** the same trade twice on one statement */
  | 'duplicate_row'
  /** paid amounts differ */
  | 'amount'
  /** refunded amounts differ */
  | 'refund_amount'
  /** the till's refund is still requested/pending; the statement says refunded */
  | 'refund_pending_locally'
  /** the till's refund failed; the statement says refunded */
  | 'refund_failed_locally'
  /** the statement refunds a trade the till holds paid with no refund of that amount */
  | 'refunded_upstream_only'
  /** the intermediary reversed (cancel/REVOKED) a payment the till holds paid */
  | 'reversed_upstream'
  /** paid locally, not on the statement (nor the neighbour day's) */
  | 'paid_locally_absent_upstream'
  /** refunded locally, not on the statement (nor the neighbour day's) */
  | 'refund_absent_upstream'
  /** the fee differs from the configured rate */
  | 'fee';

export type LocalState =
  | 'created'
  | 'pending'
  | 'paid'
  | 'failed'
  | 'closed'
  | 'expired'
  | 'partially_refunded'
  | 'refunded';

/** The till's view of one payment attempt (of the statement's provider). */
export interface LocalAttempt {
  id: number;
  outTradeNo: string;
  mode: string;
  amountFen: number;
  state: LocalState;
  /** not used by the match (the core loads attempts by it; left out of the 100k rows it reads) */
  createdAt?: number;
  paidAt: number | null;
}

export type LocalRefundState = 'requested' | 'pending' | 'succeeded' | 'failed';

/** The till's view of one refund (of the statement's provider). */
export interface LocalRefund {
  id: number;
  attemptId: number;
  outTradeNo: string;
  refundNo: string;
  amountFen: number;
  state: LocalRefundState;
  finishedAt: number | null;
}

/** What a neighbour day's imported statement holds, for the trades the buffer asks about. */
export interface NeighbourDay {
  day: string;
  /** out_trade_nos with a payment row */
  payments: ReadonlySet<string>;
  /** refund keys: the refund number, and `${outTradeNo}#${amountFen}` */
  refunds: ReadonlySet<string>;
}

export interface MatchInput {
  day: string;
  /** the day's first instant and the next day's, epoch ms (the statement's time zone, Beijing) */
  from: number;
  to: number;
  /** the cross-midnight buffer (default 30 minutes) */
  bufferMs: number;
  rows: readonly StatementRow[];
  /** local attempts of this provider: at least those created or paid within the buffered day, plus
   * those the statement names */
  attempts: readonly LocalAttempt[];
  /** lookups the caller made already (`indexAttempts`, and each row's attempt): 100k × 2 hash lookups saved */
  index?: MatchIndex;
  /** local refunds of this provider: those finished within the buffered day, plus those of the
   * attempts and refund numbers the statement names */
  refunds: readonly LocalRefund[];
  /** the previous and next day as imported; `null` when not imported yet */
  previous: NeighbourDay | null;
  next: NeighbourDay | null;
  previousDay: string;
  nextDay: string;
  /** expected fee, parts per million of the amount (0.6 % = 6000); null: fees are not checked */
  feeRatePpm: number | null;
}

export type DetailValue = string | number | boolean | null;

export interface MatchItem {
  category: ReconCategory;
  outTradeNo: string;
  attemptId: number | null;
  refundId: number | null;
  refundNo: string | null;
  oursFen: number | null;
  theirsFen: number | null;
  /** the neighbour day whose statement may still explain this item (not imported yet) */
  awaitingDay: string | null;
  detail: { reason: ReconReason } & Record<string, DetailValue>;
}

export interface Side {
  count: number;
  sumFen: number;
}

export interface MatchTotals {
  /** the till: payments paid within the day (not buffered), refunds that succeeded within it */
  local: { payments: Side; refunds: Side };
  statement: { payments: Side; refunds: Side; feeFen: number };
  /** payments by payment mode (qr, payment_code, redirect; `unknown` for rows the till lacks) */
  byMode: { mode: string; local: Side; statement: Side }[];
}

export interface MatchResult {
  items: MatchItem[];
  matched: { payments: number; refunds: number };
  /** local payments/refunds found on a neighbour day's statement instead (the buffer at work) */
  onNeighbourDay: number;
  totals: MatchTotals;
}

/**
 * The attempts by out_trade_no (index in the attempts array), and whether every out_trade_no is
 * there once (it is the database's unique key; a test may give the same twice).
 */
export interface MatchIndex {
  byTrade: ReadonlyMap<string, number>;
  unique: boolean;
  /** for each statement row, the index of its attempt, or -1 */
  rowAttempt?: Int32Array;
}
