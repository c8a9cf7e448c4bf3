/**
 * Restores from a damaged database (migration 0012).
 * Kysely table types: times are epoch milliseconds, money integer fen, booleans 0/1.
 */
import type { Generated } from 'kysely';

/** The tables of this domain in `Database` (schema.ts). */
export interface DataSafetyTables {
  data_restores: DataRestoresTable;
  recovered_rows: RecoveredRowsTable;
}

export interface DataRestoresTable {
  id: Generated<number>;
  at: number;
  actor: string;
  approved_by: string | null;
  backup_file: string;
  backup_at: number;
  damaged_file: string;
  export_file: string;
  /** JSON: rows re-entered per table */
  reentered: string;
  /** JSON: what could not be read from the damaged file */
  unreadable: string;
}

export interface RecoveredRowsTable {
  restore_id: number;
  table_name: string;
  row_id: number;
  action: 'inserted' | 'updated';
}
