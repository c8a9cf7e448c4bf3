/**
 * The print queue (migration 0016).
 * Kysely table types: times are epoch milliseconds, money integer fen, booleans 0/1.
 */
import type { Generated } from 'kysely';

/** The tables of this domain in `Database` (schema.ts). */
export interface PrintQueueTables {
  print_jobs: PrintJobsTable;
}

export interface PrintJobsTable {
  id: Generated<number>;
  kind: 'receipt' | 'reprint' | 'refund' | 'x' | 'z' | 'move' | 'test';
  title: string;
  order_id: number | null;
  payload: Uint8Array;
  state: 'pending' | 'sending' | 'sent' | 'failed' | 'dismissed';
  cause: string | null;
  attempts: Generated<number>;
  created_at: number;
  updated_at: number;
}
