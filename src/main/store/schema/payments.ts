/**
 * Payment attempts, their journal and exceptions, and refunds: the tables that only
 * core/payments/truth.ts writes (the journal aside).
 * Kysely table types: times are epoch milliseconds, money integer fen, booleans 0/1.
 */
import type { Generated, Selectable } from 'kysely';
import type { StoredAttemptOutcome, StoredRefundOutcome } from '../outcomes';

/** The tables of this domain in `Database` (schema.ts). */
export interface PaymentsTables {
  payment_attempts: PaymentAttemptsTable;
  payment_journal: PaymentJournalTable;
  payment_exceptions: PaymentExceptionsTable;
  refunds: RefundsTable;
}

export interface PaymentAttemptsTable {
  id: Generated<number>;
  order_id: number;
  method: 'cash' | 'yeepay' | 'alipay' | 'wechat';
  mode: 'cash' | 'qr' | 'redirect' | 'payment_code';
  out_trade_no: string;
  amount_fen: number;
  state: 'created' | 'pending' | 'paid' | 'failed' | 'closed' | 'expired' | 'partially_refunded' | 'refunded';
  unknown: number;
  tendered_fen: number | null;
  change_fen: number | null;
  created_at: number;
  updated_at: number;
  paid_at: number | null;
  trade_no: string | null;
  instrument: string | null;
  deadline_at: number | null;
  next_poll_at: number | null;
  polls: Generated<number>;
  closing_since: number | null;
  closing_reason: 'stopped' | 'deadline' | null;
  /** written and read through store/outcomes.ts */
  last_outcome: StoredAttemptOutcome | null;
  last_message: string | null;
  /** the owner let the order be charged another way while this attempt was still open */
  overridden_at: Generated<number | null>;
  /** the intermediary answered about a trade this attempt did not create (migration 0011): never paid, never closed upstream */
  foreign_at: Generated<number | null>;
}

export interface PaymentExceptionsTable {
  id: Generated<number>;
  order_id: number;
  attempt_id: number | null;
  kind: string;
  detail: string | null;
  opened_at: number;
  resolved_at: number | null;
  resolution: string | null;
  note: string | null;
}

export interface PaymentJournalTable {
  id: Generated<number>;
  order_id: number;
  attempt_id: number | null;
  at: number;
  kind: string;
  from_state: string | null;
  to_state: string | null;
  detail: string | null;
}

export type RefundState = 'requested' | 'pending' | 'succeeded' | 'failed';

export interface RefundsTable {
  id: Generated<number>;
  order_id: number;
  attempt_id: number;
  exception_id: number | null;
  refund_no: string;
  method: 'cash' | 'yeepay' | 'alipay' | 'wechat';
  amount_fen: number;
  trade_fen: number;
  state: RefundState;
  unknown: Generated<number>;
  reason: string | null;
  lines: string | null;
  restock: Generated<number>;
  requested_by: string;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
  next_poll_at: number | null;
  polls: Generated<number>;
  /** written and read through store/outcomes.ts */
  last_outcome: StoredRefundOutcome | null;
  last_message: string | null;
  /** the till's idempotency key for the request (migration 0010) */
  request_key: Generated<string | null>;
}

export type AttemptRow = Selectable<PaymentAttemptsTable>;

export type JournalRow = Selectable<PaymentJournalTable>;

export type RefundRow = Selectable<RefundsTable>;
