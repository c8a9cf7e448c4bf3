/**
 * Data safety: backups, integrity checks, restore (src/main/core/data-safety/). All amounts are
 * integer fen; all times are epoch milliseconds.
 */
import type { Fen } from '../money';

// ---- data safety: backups, integrity checks, restore (src/main/core/data-safety/) -----------------

/** daily: the daily schedule; z: after a Z closed a drawer; manual: "back up now" */
export type BackupReason = 'daily' | 'z' | 'manual';
/** why a backup (or its copy to the second folder) failed, in words the owner can act on */
export type BackupProblem = 'disk_full' | 'folder_missing' | 'verify_failed' | 'io';

export interface BackupView {
  /** the file's name in backups/ (its id) */
  id: string;
  at: number;
  reason: BackupReason;
  bytes: number | null;
  /** written and verified (opened read-only, integrity check ok, tables counted) */
  ok: boolean;
  problem: BackupProblem | null;
  /** the error's first words (English), for the owner and the log */
  message: string | null;
  /** rows of a few tables in the copy */
  counts: Record<string, number> | null;
  /** the copy to the second folder, when one is set */
  copy: { ok: boolean; problem: BackupProblem | null; message: string | null } | null;
  ms: number | null;
}

/** What part of the till a damaged table belongs to. */
export type DataArea =
  | 'sales'
  | 'payments'
  | 'cash'
  | 'catalogue'
  | 'people'
  | 'reports'
  | 'reconciliation'
  | 'settings'
  | 'carts'
  | 'other'
  | 'unknown';

export interface IntegrityFinding {
  /** SQLite's message (English), shortened */
  message: string;
  table: string | null;
  area: DataArea;
}

export interface IntegrityCheckView {
  at: number;
  trigger: 'start' | 'daily' | 'manual' | 'query' | 'restore';
  ok: boolean;
  findings: IntegrityFinding[];
  ms: number | null;
  /** the check could not run (busy, no worker): not a finding */
  error: string | null;
}

/** The live database is damaged: what the check (or a failing query) found. */
export interface DamageView {
  since: number;
  source: 'check' | 'query';
  areas: DataArea[];
  tables: string[];
  /** the first findings (at most 20) */
  findings: IntegrityFinding[];
}

/** For everyone at the till (the banner): no paths, no details. */
export interface DataSafetyStatus {
  damaged: boolean;
  damagedSince: number | null;
  /** a restore is being applied: every call but this one waits */
  restoring: boolean;
  lastBackupAt: number | null;
  lastBackupOk: boolean | null;
  /** the last backup's copy to the second folder (null: none was asked for) */
  lastCopyOk: boolean | null;
}

export interface DataSafetySettingsView {
  /** automatic backups are kept this many days (the newest good one always) */
  retentionDays: number;
  /** a second folder or drive that receives a copy of every backup */
  secondFolder: string | null;
}

export interface RestoreView {
  id: number;
  at: number;
  actor: string;
  backupFile: string;
  backupAt: number;
  damagedFile: string;
  exportFile: string;
  reentered: Record<string, number>;
  unreadable: number;
}

/** The owner's Data safety screen. */
export interface DataSafetyOverview {
  status: DataSafetyStatus;
  damage: DamageView | null;
  backups: BackupView[];
  checks: IntegrityCheckView[];
  settings: DataSafetySettingsView;
  dataDir: string;
  backupDir: string;
  restores: RestoreView[];
}

/** A row the restore could not read from the damaged file (or not write back): to be entered by hand. */
export interface UnreadableRow {
  table: string;
  id: number | null;
  fromId?: number;
  error: string;
}

export interface RecoveredOrder {
  id: number;
  number: string;
  totalFen: Fen;
  status: string;
  paidWith: string[];
}

/** What a restore would do, shown before the owner confirms. */
export interface RestorePlan {
  damage: DamageView | null;
  /** no damage is known and a check just passed: restoring needs `confirmHealthy` */
  healthy: boolean;
  backup: BackupView | null;
  /** rows that would be re-entered, per table */
  reentry: Record<string, number>;
  orders: RecoveredOrder[];
  unreadable: UnreadableRow[];
  /** where the export and the damaged file will be kept */
  restoreDir: string;
}

export interface RestoreResult {
  restoreId: number;
  backup: BackupView;
  damagedFile: string;
  exportFile: string;
  exportCsv: string;
  reentered: Record<string, number>;
  orders: RecoveredOrder[];
  unreadable: UnreadableRow[];
}
