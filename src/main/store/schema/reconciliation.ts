/**
 * The daily reconciliation (migration 0006).
 * Kysely table types: times are epoch milliseconds, money integer fen, booleans 0/1.
 */
import type { Generated, Selectable } from 'kysely';

/** The tables of this domain in `Database` (schema.ts). */
export interface ReconciliationTables {
  recon_runs: ReconRunsTable;
  recon_lines: ReconLinesTable;
  recon_items: ReconItemsTable;
}

export type ReconRunStatus = 'imported' | 'empty' | 'superseded' | 'refused' | 'unavailable';

export interface ReconRunsTable {
  id: Generated<number>;
  provider: 'alipay' | 'wechat' | 'yeepay';
  /** the statement's day, YYYY-MM-DD (Beijing) */
  day: string;
  /** SHA-256 of the parsed statement; null for a refused or failed download */
  sha256: string | null;
  status: ReconRunStatus;
  trigger: 'manual' | 'scheduled';
  actor: string;
  started_at: number;
  imported_at: number | null;
  merchant_id: string | null;
  row_count: Generated<number>;
  matched_count: Generated<number>;
  /** JSON: the matcher's totals */
  totals: string | null;
  error_code: string | null;
  error: string | null;
}

export interface ReconLinesTable {
  id: Generated<number>;
  run_id: number;
  line_no: number;
  type: 'payment' | 'refund';
  out_trade_no: string;
  trade_no: string | null;
  refund_no: string | null;
  amount_fen: number;
  fee_fen: number;
  status: string;
  at: number | null;
}

export interface ReconItemsTable {
  id: Generated<number>;
  run_id: number;
  category:
    | 'missing_locally'
    | 'missing_upstream'
    | 'amount_mismatch'
    | 'status_mismatch'
    | 'fee_mismatch'
    | 'paid_after_close';
  out_trade_no: string;
  attempt_id: number | null;
  refund_id: number | null;
  refund_no: string | null;
  ours_fen: number | null;
  theirs_fen: number | null;
  /** JSON: {reason, …facts} */
  detail: string;
  /** the neighbour day whose statement may still explain the item */
  awaiting_day: string | null;
  opened_at: number;
  resolved_at: number | null;
  resolution: string | null;
  note: string | null;
  resolved_by: string | null;
}

export type ReconRunRow = Selectable<ReconRunsTable>;

export type ReconItemRow = Selectable<ReconItemsTable>;
