/**
 * Cash sessions, cash moves and Z reports (migration 0009).
 * Kysely table types: times are epoch milliseconds, money integer fen, booleans 0/1.
 */
import type { Generated, Selectable } from 'kysely';

/** The tables of this domain in `Database` (schema.ts). */
export interface CashTables {
  cash_sessions: CashSessionsTable;
  cash_moves: CashMovesTable;
  z_reports: ZReportsTable;
}

export interface CashSessionsTable {
  id: Generated<number>;
  terminal: string;
  business_day: string;
  status: 'open' | 'closed';
  opened_at: number;
  opened_by: string;
  opened_by_id: number | null;
  float_fen: number;
  /** JSON DenominationCounts, when the float was counted by denomination */
  float_denominations: string | null;
  closed_at: number | null;
  closed_by: string | null;
  approved_by: string | null;
  expected_fen: number | null;
  counted_fen: number | null;
  counted_denominations: string | null;
  variance_fen: number | null;
  variance_reason: string | null;
}

export interface CashMovesTable {
  id: Generated<number>;
  session_id: number;
  kind: 'in' | 'out';
  amount_fen: number;
  reason: string;
  at: number;
  actor: string;
  approved_by: string | null;
}

export interface ZReportsTable {
  id: Generated<number>;
  session_id: number;
  terminal: string;
  seq: number;
  number: string;
  business_day: string;
  opened_at: number;
  closed_at: number;
  closed_by: string;
  approved_by: string | null;
  sales_fen: number;
  net_fen: number;
  expected_fen: number;
  counted_fen: number;
  variance_fen: number;
  /** JSON ZReport */
  content: string;
}

export type CashSessionRow = Selectable<CashSessionsTable>;

export type CashMoveRow = Selectable<CashMovesTable>;

export type ZReportRow = Selectable<ZReportsTable>;
