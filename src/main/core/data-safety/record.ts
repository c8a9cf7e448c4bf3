/**
 * The record of backups and checks, kept in `backups/data-safety.json` beside the backups (not in
 * the database, which a restore replaces), and what a finding or a failure is called there.
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type {
  BackupProblem,
  BackupView,
  DamageView,
  DataArea,
  IntegrityCheckView,
  IntegrityFinding,
} from '../../../shared/types';
import { ensurePrivateDir, makePrivate, PRIVATE_FILE_MODE } from '../../store/file-modes';
import type { Finding } from '../../store/sqlite-jobs';

export interface BackupRecord extends BackupView {
  /** the last migration the copy has */
  migration: string | null;
  /** where the copy to the second folder was written */
  copyPath: string | null;
}

export interface Manifest {
  version: 1;
  backups: BackupRecord[];
  checks: IntegrityCheckView[];
  damage: DamageView | null;
}

/** Reads the record; a missing or unreadable one starts a new record (logged). */
export function loadManifest(file: string, log: (line: string) => void): Manifest {
  const empty: Manifest = { version: 1, backups: [], checks: [], damage: null };
  try {
    if (!existsSync(file)) return empty;
    const m = JSON.parse(readFileSync(file, 'utf8')) as Partial<Manifest>;
    return { version: 1, backups: m.backups ?? [], checks: m.checks ?? [], damage: m.damage ?? null };
  } catch (err) {
    log(`data safety: ${file} could not be read (${(err as Error).message}); starting a new record`);
    return empty;
  }
}

/** Writes the record (a temporary file renamed over it); a full disk is logged, the record kept in memory. */
export function saveManifest(file: string, dir: string, manifest: Manifest, log: (line: string) => void): void {
  const tmp = `${file}.tmp`;
  try {
    ensurePrivateDir(dir);
    writeFileSync(tmp, JSON.stringify(manifest, null, 1), { mode: PRIVATE_FILE_MODE });
    renameSync(tmp, file);
    makePrivate(file);
  } catch (err) {
    log(`data safety: the record could not be saved (${(err as Error).message})`);
    rmSync(tmp, { force: true });
  }
}

/** A backup as the owner sees it (without the internal fields). */
export function backupView(b: BackupRecord): BackupView {
  return {
    id: b.id,
    at: b.at,
    reason: b.reason,
    bytes: b.bytes,
    ok: b.ok,
    problem: b.problem,
    message: b.message,
    counts: b.counts,
    copy: b.copy,
    ms: b.ms,
  };
}

const AREAS: readonly [RegExp, DataArea][] = [
  [/^(orders|order_lines|day_counters)$/, 'sales'],
  [/^(payment_attempts|payment_journal|payment_exceptions|refunds)$/, 'payments'],
  [/^(cash_sessions|cash_moves|z_reports)$/, 'cash'],
  [/^(products|categories|stock_moves)$/, 'catalogue'],
  [/^(users|audit_log)$/, 'people'],
  [/^report_/, 'reports'],
  [/^recon_/, 'reconciliation'],
  [
    /^(settings|kysely_migration|kysely_migration_lock|sqlite_sequence|sqlite_schema|sqlite_master|data_restores|recovered_rows)$/,
    'settings',
  ],
  [/^(carts|cart_lines)$/, 'carts'],
];

export function areaOf(table: string | null): DataArea {
  if (table === null) return 'unknown';
  return AREAS.find(([re]) => re.test(table))?.[1] ?? 'other';
}

export const short = (text: string, max = 160) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export function findingOf(f: Finding): IntegrityFinding {
  return { message: short(f.message), table: f.table, area: areaOf(f.table) };
}

export function damageOf(since: number, source: DamageView['source'], findings: IntegrityFinding[]): DamageView {
  const tables = [...new Set(findings.map((f) => f.table).filter((t): t is string => t !== null))].sort();
  // pages orphaned by a damaged tree ("Page 12: never used") follow from the mapped findings
  const mapped = findings.filter((f) => f.table !== null);
  const areas = [...new Set((mapped.length > 0 ? mapped : findings).map((f) => f.area))].sort();
  return { since, source, tables, areas, findings: findings.slice(0, 20) };
}

export const isCorrupt = (code: string) => code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT');

export function problemOf(err: unknown): { problem: BackupProblem; message: string } {
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  const message = short(typeof e.message === 'string' ? e.message : String(err));
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') return { problem: 'disk_full', message };
  if (code === 'ENOENT' || code === 'ENOTDIR' || code.startsWith('SQLITE_CANTOPEN'))
    return { problem: 'folder_missing', message };
  return { problem: 'io', message };
}

export const stampOf = (ms: number) => new Date(ms).toISOString().replace(/[:.]/g, '-');
