/**
 * Data safety: automatic verified backups, integrity checks of the live database, and a guided
 * restore from a damaged one (docs/security.md).
 *
 * - **Backups** use SQLite's online backup API in a worker thread with its own read-only connection
 *   (store/sqlite-jobs.ts), so a large store never stalls the counter: daily, after every Z, and on
 *   the owner's "back up now". Each copy is verified (opened read-only, `integrity_check`, a few
 *   tables counted) and recorded — when, why, size, verified or the error — in
 *   `backups/data-safety.json` beside the files (not in the database, which a restore replaces).
 *   Optionally each copy goes to a second folder or drive. Copies older than the retention (a
 *   setting, 14 days) are deleted, never the newest good one, and none while damage is known. A
 *   backup that fails (a full disk, a missing second folder, a failed check) is recorded and shown
 *   to the owner; it never throws into the till.
 * - **Integrity checks** of the live database run in a worker with a read-only connection (WAL
 *   lets it read while the till sells), shortly after start and daily. A failed check, or a query
 *   that meets SQLITE_CORRUPT / SQLITE_NOTADB (core.ts `dispatch`), puts the till in the damaged
 *   state: every screen shows a banner, the owner sees what is damaged.
 * - **Restore** (core/recovery.ts): the newest good backup is verified again; the store is closed;
 *   what was written after the backup is read from the damaged file and exported (restores/<time>/);
 *   a staged copy of the backup is migrated and the sales re-entered in one transaction (marked
 *   recovered, audited, `afterRestore` run inside it); then the damaged file is moved aside (never
 *   deleted) and the staged file takes its place, and the store is reopened inside the running
 *   core. Anything failing before the swap reopens the damaged file as it was. A restore over a
 *   healthy database needs the owner's explicit confirmation.
 */
import { copyFile, rename as renameAsync, rm, stat, unlink } from 'node:fs/promises';
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { PosError } from '../../shared/errors';
import type {
  BackupProblem,
  BackupReason,
  BackupView,
  DamageView,
  DataArea,
  DataSafetyOverview,
  DataSafetySettingsView,
  DataSafetyStatus,
  IntegrityCheckView,
  IntegrityFinding,
  RestorePlan,
  RestoreResult,
  RestoreView,
} from '../../shared/types';
import { DB_FILE, openStore, type Store } from '../store/db';
import { createPrivateFile, ensurePrivateDir, makePrivate, PRIVATE_FILE_MODE } from '../store/file-modes';
import { JobError, runJob, type Finding } from '../store/sqlite-jobs';
import { Audit } from './audit';
import type { Actor, Auth } from './auth';
import { businessDay, type Clock } from './clock';
import type { Events } from './events';
import {
  countRows,
  readSinceBackup,
  recoveredOrders,
  recoveryCsv,
  reenter,
  RECOVERY_TABLES,
  type NotReentered,
  type RecoveredSet,
} from './recovery';
import type { Settings } from './settings';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const DATA_SAFETY_TIMING = {
  /** a backup is due when the last good one is this old */
  backupEveryMs: DAY,
  /** a failed backup is tried again after this */
  retryMs: HOUR,
  /** the first integrity check after start */
  firstCheckAfterMs: 2 * MINUTE,
  checkEveryMs: DAY,
  /** how often the schedule looks at the clock */
  tickMs: MINUTE,
};
export type DataSafetyTiming = typeof DATA_SAFETY_TIMING;

/** The one call that answers while a restore is applied (the banner's: memory only, the store may be closed). */
const WHILE_RESTORING: ReadonlySet<string> = new Set(['dataSafety.status']);

interface BackupRecord extends BackupView {
  /** the last migration the copy has */
  migration: string | null;
  /** where the copy to the second folder was written */
  copyPath: string | null;
}

interface Manifest {
  version: 1;
  backups: BackupRecord[];
  checks: IntegrityCheckView[];
  damage: DamageView | null;
}

export interface DataSafetyOptions {
  store: Store;
  dataDir: string;
  clock: Clock;
  settings: Settings;
  events: Events;
  log?: (line: string) => void;
  /** the store's time zone: the retention keeps one backup per store day */
  timeZone?: () => string;
  timing?: Partial<DataSafetyTiming>;
  /** copies the live database to a file (default: the online backup in a worker); tests simulate a full disk here */
  copier?: (source: string, dest: string) => Promise<void>;
  /**
   * Runs inside the restore's re-entry transaction, on the restored database, before the till sells
   * on it. The till identity is rotated here (`rotateTillIdentity(store, 'restored')`), so a restored
   * database never repeats a trade number used after its backup.
   */
  afterRestore?: (store: Store) => void;
  /**
   * Runs after each verified backup, on the live store: the till identity reseals the live database
   * here (`identity.afterBackup()`), so the backup, if ever put back, is recognised as older.
   */
  afterBackup?: () => void;
  /** stops the background work on the store (pollers, schedules) before a restore closes it … */
  pause?: () => void;
  /** … and starts it again, with the caches reloaded, once the store is open again */
  resume?: () => void;
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

const short = (text: string, max = 160) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function findingOf(f: Finding): IntegrityFinding {
  return { message: short(f.message), table: f.table, area: areaOf(f.table) };
}

function damageOf(since: number, source: DamageView['source'], findings: IntegrityFinding[]): DamageView {
  const tables = [...new Set(findings.map((f) => f.table).filter((t): t is string => t !== null))].sort();
  // pages orphaned by a damaged tree ("Page 12: never used") follow from the mapped findings
  const mapped = findings.filter((f) => f.table !== null);
  const areas = [...new Set((mapped.length > 0 ? mapped : findings).map((f) => f.area))].sort();
  return { since, source, tables, areas, findings: findings.slice(0, 20) };
}

const isCorrupt = (code: string) => code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT');

function problemOf(err: unknown): { problem: BackupProblem; message: string } {
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  const message = short(typeof e.message === 'string' ? e.message : String(err));
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') return { problem: 'disk_full', message };
  if (code === 'ENOENT' || code === 'ENOTDIR' || code.startsWith('SQLITE_CANTOPEN'))
    return { problem: 'folder_missing', message };
  return { problem: 'io', message };
}

const stampOf = (ms: number) => new Date(ms).toISOString().replace(/[:.]/g, '-');

/** Confirms an owner's PIN even when an owner is signed in (a restore replaces the database). */
export async function confirmOwnerPin(auth: Auth, pin: string): Promise<Actor> {
  const me = auth.current();
  if (me.role === 'owner' && me.userId !== null) {
    await auth.verify(me.userId, pin);
    return me;
  }
  return auth.authorize('owner', pin);
}

export class DataSafety {
  private manifest: Manifest;
  private restoring = false;
  private closed = false;
  private inFlight = 0;
  private backingUp: Promise<BackupView> | null = null;
  private checking: Promise<IntegrityCheckView> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private readonly startedAt: number;
  private startCheckDone = false;
  private lastBackupTry: number | null = null;
  /** set by a restore: the restored database is backed up at the next tick */
  private backupSoon = false;
  private readonly timing: DataSafetyTiming;
  private readonly log: (line: string) => void;

  constructor(private readonly o: DataSafetyOptions) {
    this.timing = { ...DATA_SAFETY_TIMING, ...o.timing };
    this.log = o.log ?? (() => undefined);
    this.startedAt = o.clock.now();
    ensurePrivateDir(this.backupDir);
    this.manifest = this.load();
  }

  get backupDir(): string {
    return join(this.o.dataDir, 'backups');
  }

  private get manifestFile(): string {
    return join(this.backupDir, 'data-safety.json');
  }

  private load(): Manifest {
    const empty: Manifest = { version: 1, backups: [], checks: [], damage: null };
    try {
      if (!existsSync(this.manifestFile)) return empty;
      const m = JSON.parse(readFileSync(this.manifestFile, 'utf8')) as Partial<Manifest>;
      return { version: 1, backups: m.backups ?? [], checks: m.checks ?? [], damage: m.damage ?? null };
    } catch (err) {
      this.log(
        `data safety: ${this.manifestFile} could not be read (${(err as Error).message}); starting a new record`,
      );
      return empty;
    }
  }

  /** Writes the record (a temporary file renamed over it); a full disk is logged, the record kept in memory. */
  private save(): void {
    const tmp = `${this.manifestFile}.tmp`;
    try {
      ensurePrivateDir(this.backupDir);
      writeFileSync(tmp, JSON.stringify(this.manifest, null, 1), { mode: PRIVATE_FILE_MODE });
      renameSync(tmp, this.manifestFile);
      makePrivate(this.manifestFile);
    } catch (err) {
      this.log(`data safety: the record could not be saved (${(err as Error).message})`);
      rmSync(tmp, { force: true });
    }
  }

  /** The core is closing: nothing more is started or written (a worker already running ends by itself). */
  close(): void {
    this.closed = true;
    this.stopSchedule();
  }

  private changed(): void {
    if (this.closed) return;
    this.save();
    this.o.events.emit('dataSafety.changed', this.status());
  }

  // ---- views ----------------------------------------------------------------------------------

  /** Backups, newest first (with the internal fields). */
  records(): readonly (BackupView & { file: string })[] {
    return this.manifest.backups.map((b) => ({ ...this.view(b), file: b.id }));
  }

  private view(b: BackupRecord): BackupView {
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

  get damage(): DamageView | null {
    return this.manifest.damage;
  }

  status(): DataSafetyStatus {
    const last = this.manifest.backups[0];
    return {
      damaged: this.manifest.damage !== null,
      damagedSince: this.manifest.damage?.since ?? null,
      restoring: this.restoring,
      lastBackupAt: last?.at ?? null,
      lastBackupOk: last ? last.ok : null,
      lastCopyOk: last?.copy ? last.copy.ok : null,
    };
  }

  settingsView(): DataSafetySettingsView {
    const v = this.o.settings.values;
    return { retentionDays: v.backupRetentionDays, secondFolder: v.backupSecondFolder };
  }

  private restores(): RestoreView[] {
    try {
      return this.o.store
        .all(this.o.store.kysely.selectFrom('data_restores').selectAll().orderBy('id', 'desc').limit(10))
        .map((r) => {
          const unreadable = JSON.parse(r.unreadable) as { unreadable?: unknown[]; notReentered?: unknown[] };
          return {
            id: r.id,
            at: r.at,
            actor: r.actor,
            backupFile: r.backup_file,
            backupAt: r.backup_at,
            damagedFile: join(this.o.dataDir, r.damaged_file),
            exportFile: join(this.o.dataDir, r.export_file),
            reentered: JSON.parse(r.reentered) as Record<string, number>,
            unreadable: (unreadable.unreadable?.length ?? 0) + (unreadable.notReentered?.length ?? 0),
          };
        });
    } catch (err) {
      this.log(`data safety: the restores could not be read (${(err as Error).message})`);
      return [];
    }
  }

  overview(): DataSafetyOverview {
    return {
      status: this.status(),
      damage: this.manifest.damage,
      backups: this.manifest.backups.map((b) => this.view(b)),
      checks: this.manifest.checks,
      settings: this.settingsView(),
      dataDir: this.o.dataDir,
      backupDir: this.backupDir,
      restores: this.restores(),
    };
  }

  /** The owner's settings: retention and the second folder (audited). */
  setSettings(
    next: { retentionDays: number; secondFolder: string | null },
    actor: Actor,
    audit: Audit,
  ): DataSafetySettingsView {
    let folder = next.secondFolder?.trim() || null;
    if (folder !== null) {
      if (!isAbsolute(folder)) {
        throw new PosError(
          'INVALID_INPUT',
          'The second backup folder must be a full path, from the root of a drive (a USB drive or another disk).',
          { field: 'secondFolder' },
        );
      }
      folder = resolve(folder);
      const inside = relative(this.o.dataDir, folder);
      if (inside === '' || (!inside.startsWith('..') && !isAbsolute(inside))) {
        throw new PosError(
          'INVALID_INPUT',
          'The second backup folder must be outside the data directory: choose another drive or folder.',
          { field: 'secondFolder' },
        );
      }
      let isDir = false;
      try {
        isDir = statSync(folder).isDirectory();
      } catch {
        isDir = false;
      }
      if (!isDir) {
        throw new PosError(
          'BACKUP_FOLDER_MISSING',
          `There is no folder ${short(folder, 60)}: plug the drive in or create the folder, then save again.`,
          {
            folder: short(folder, 60),
          },
        );
      }
    }
    const before = this.settingsView();
    this.o.store.tx(() => {
      this.o.settings.set('backupRetentionDays', next.retentionDays);
      this.o.settings.set('backupSecondFolder', folder);
      audit.record(actor, 'dataSafety.settings', null, { before, after: this.settingsView() });
    });
    this.o.events.emit('dataSafety.changed', this.status());
    return this.settingsView();
  }

  // ---- the gate around every call -------------------------------------------------------------

  /** Runs a contract call, counting it; while a restore is applied only the banner's calls answer. */
  async track<T>(method: string, fn: () => T | Promise<T>): Promise<T> {
    if (this.restoring && !WHILE_RESTORING.has(method)) {
      throw new PosError(
        'DATA_RESTORING',
        'The database is being restored from a backup; wait a moment and try again.',
      );
    }
    this.inFlight++;
    try {
      return await fn();
    } finally {
      this.inFlight--;
    }
  }

  /** A query met SQLITE_CORRUPT / SQLITE_NOTADB: the till is damaged until a check says otherwise. */
  reportCorruption(method: string, message: string): void {
    if (this.restoring) return;
    this.log(`data safety: ${method} found the database damaged: ${message}`);
    if (!this.manifest.damage) {
      this.manifest.damage = damageOf(this.o.clock.now(), 'query', [
        { message: short(message), table: null, area: 'unknown' },
      ]);
      this.changed();
    }
    void this.check('query');
  }

  // ---- backups --------------------------------------------------------------------------------

  private defaultCopier = async (source: string, dest: string): Promise<void> => {
    await runJob({ kind: 'backup', source, dest });
  };

  /** Takes a backup now (one at a time: a second call joins the one running). Never rejects. */
  backup(reason: BackupReason): Promise<BackupView> {
    if (this.backingUp) return this.backingUp;
    if (this.closed)
      return Promise.resolve({
        id: '',
        at: this.o.clock.now(),
        reason,
        bytes: null,
        ok: false,
        problem: 'io',
        message: 'the till is closing',
        counts: null,
        copy: null,
        ms: null,
      });
    this.backingUp = this.backupOnce(reason).finally(() => {
      this.backingUp = null;
    });
    return this.backingUp;
  }

  private async backupOnce(reason: BackupReason): Promise<BackupView> {
    const at = this.o.clock.now();
    this.lastBackupTry = at;
    const started = Date.now();
    const record: BackupRecord = {
      id: '',
      at,
      reason,
      bytes: null,
      ok: false,
      problem: null,
      message: null,
      counts: null,
      copy: null,
      ms: null,
      migration: null,
      copyPath: null,
    };
    let dest: string | null = null;
    try {
      ensurePrivateDir(this.backupDir);
      dest = this.newBackupFile(at, reason);
      record.id = dest.slice(this.backupDir.length + 1);
      await (this.o.copier ?? this.defaultCopier)(this.o.store.file, dest);
      makePrivate(dest);
      const verified = await runJob({ kind: 'verify', file: dest, mode: 'integrity', tables: RECOVERY_TABLES });
      record.bytes = (await stat(dest)).size;
      if (!verified.ok) {
        record.problem = 'verify_failed';
        record.message = short(verified.findings.map((f) => f.message).join('; '));
        // a copy that fails its check is no backup: it is not kept (the live file is the better evidence)
        await unlink(dest).catch(() => undefined);
      } else {
        record.ok = true;
        record.counts = verified.counts ?? null;
        record.migration = verified.migration ?? null;
        try {
          this.o.afterBackup?.();
        } catch (err) {
          this.log(`data safety: after the backup: ${(err as Error).message}`);
        }
      }
    } catch (err) {
      const isVerify = err instanceof JobError && isCorrupt(err.code);
      const p = isVerify ? { problem: 'verify_failed' as const, message: short(err.message) } : problemOf(err);
      record.problem = p.problem;
      record.message = p.message;
      if (dest) await unlink(dest).catch(() => undefined);
    }
    record.ms = Date.now() - started;
    if (record.ok && dest) await this.copyToSecondFolder(record, dest);
    if (!record.ok) this.log(`data safety: the ${reason} backup failed (${record.problem}: ${record.message})`);
    this.manifest.backups.unshift(record);
    if (record.ok) await this.prune();
    this.changed();
    return this.view(record);
  }

  private newBackupFile(at: number, reason: BackupReason): string {
    const base = `${DB_FILE.replace('.sqlite', '')}-${reason}-${stampOf(at)}`;
    for (let n = 1; ; n++) {
      const path = join(this.backupDir, `${base}${n === 1 ? '' : `-${n}`}.sqlite`);
      if (existsSync(path)) continue;
      createPrivateFile(path);
      return path;
    }
  }

  private async copyToSecondFolder(record: BackupRecord, file: string): Promise<void> {
    const folder = this.o.settings.values.backupSecondFolder;
    if (!folder) return;
    try {
      // never created here: a drive that is not plugged in must not be replaced by a local folder
      if (!(await stat(folder)).isDirectory())
        throw Object.assign(new Error(`${folder} is not a folder`), { code: 'ENOTDIR' });
      const target = join(folder, record.id);
      const tmp = `${target}.partial`;
      try {
        await copyFile(file, tmp);
        makePrivate(tmp);
        await renameAsync(tmp, target);
      } catch (err) {
        await unlink(tmp).catch(() => undefined);
        throw err;
      }
      record.copy = { ok: true, problem: null, message: null };
      record.copyPath = target;
    } catch (err) {
      const p = problemOf(err);
      record.copy = { ok: false, problem: p.problem, message: p.message };
      this.log(`data safety: the copy to the second folder failed (${p.problem}: ${p.message})`);
    }
  }

  /**
   * Deletes backups older than the retention, and of the older days all but the newest good backup of
   * each day (a Z's backup and the daily one are near copies: a year-old store is ~750 MB a copy), so
   * the folder holds about one copy a day. Never the newest good one, and nothing while damage is known.
   */
  private async prune(): Promise<void> {
    if (this.manifest.damage) return;
    const now = this.o.clock.now();
    const cutoff = now - this.o.settings.values.backupRetentionDays * DAY;
    const newestGood = this.manifest.backups.find((b) => b.ok);
    const keep: BackupRecord[] = [];
    const daysKept = new Set<string>();
    const dayOf = (at: number) => (this.o.timeZone ? businessDay(at, this.o.timeZone()) : new Date(at).toDateString());
    const today = dayOf(now);
    // newest first: the first good backup met for a past day is that day's newest
    for (const b of [...this.manifest.backups].sort((x, y) => y.at - x.at)) {
      const age = dayOf(b.at);
      const dayKeeper = b.ok && (age === today || !daysKept.has(age));
      // a failed backup left no file, only its record, which the owner still sees within the retention
      if (b === newestGood || (b.at >= cutoff && (dayKeeper || !b.ok))) {
        if (b.ok) daysKept.add(age);
        keep.push(b);
        continue;
      }
      if (b.id) await unlink(join(this.backupDir, b.id)).catch(() => undefined);
      if (b.copyPath) await unlink(b.copyPath).catch(() => undefined);
    }
    this.manifest.backups = keep;
  }

  // ---- integrity checks -----------------------------------------------------------------------

  /** Checks the live database in a worker (read-only). Never rejects. */
  check(trigger: IntegrityCheckView['trigger']): Promise<IntegrityCheckView> {
    if (this.checking) return this.checking;
    this.checking = this.checkOnce(trigger).finally(() => {
      this.checking = null;
    });
    return this.checking;
  }

  private async checkOnce(trigger: IntegrityCheckView['trigger']): Promise<IntegrityCheckView> {
    const at = this.o.clock.now();
    this.startCheckDone = true;
    let view: IntegrityCheckView;
    try {
      const r = await runJob({ kind: 'check', file: this.o.store.file, mode: 'integrity' });
      view = { at, trigger, ok: r.ok, findings: r.findings.map(findingOf), ms: r.ms, error: null };
    } catch (err) {
      const code = err instanceof JobError ? err.code : '';
      const message = short((err as Error).message ?? String(err));
      // a file SQLite cannot read at all is damaged; a check that could not run (busy, no worker) is not a finding
      view = isCorrupt(code)
        ? { at, trigger, ok: false, findings: [{ message, table: null, area: 'unknown' }], ms: null, error: null }
        : { at, trigger, ok: false, findings: [], ms: null, error: message };
    }
    if (this.restoring) return view;
    this.manifest.checks = [view, ...this.manifest.checks].slice(0, 20);
    if (!view.ok && view.error === null) {
      this.manifest.damage = damageOf(this.manifest.damage?.since ?? at, 'check', view.findings);
      this.log(
        `data safety: the integrity check found damage in ${this.manifest.damage.tables.join(', ') || 'the file'}`,
      );
    } else if (view.ok && this.manifest.damage) {
      this.manifest.damage = null;
    }
    this.changed();
    return view;
  }

  // ---- the schedule ---------------------------------------------------------------------------

  startSchedule(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.runDue(), this.timing.tickMs);
    this.timer.unref?.();
  }

  stopSchedule(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * What is due by the store's clock: the integrity check (shortly after start, then daily) and the
   * backup (daily since the last good one; a failed one again after an hour). Tests call this with a
   * ManualClock.
   */
  runDue(): Promise<void> {
    if (this.ticking) return this.ticking;
    this.ticking = this.runDueOnce()
      .catch((err: unknown) => this.log(`data safety: ${(err as Error).stack ?? String(err)}`))
      .finally(() => {
        this.ticking = null;
      });
    return this.ticking;
  }

  private async runDueOnce(): Promise<void> {
    if (this.restoring) return;
    const now = this.o.clock.now();
    const lastCheck = this.manifest.checks[0]?.at ?? null;
    const checkDue = this.startCheckDone
      ? lastCheck === null || now - lastCheck >= this.timing.checkEveryMs
      : now - this.startedAt >= this.timing.firstCheckAfterMs ||
        (lastCheck !== null && now - lastCheck >= this.timing.checkEveryMs);
    if (checkDue) await this.check(this.startCheckDone ? 'daily' : 'start');
    const lastGood = this.manifest.backups.find((b) => b.ok)?.at ?? null;
    const lastTry = this.lastBackupTry ?? this.manifest.backups[0]?.at ?? null;
    const backupDue = this.backupSoon || lastGood === null || now - lastGood >= this.timing.backupEveryMs;
    if (
      backupDue &&
      (this.backupSoon || lastTry === null || now - lastTry >= this.timing.retryMs || lastTry === lastGood)
    ) {
      this.backupSoon = false;
      await this.backup('daily');
    }
  }

  // ---- restore --------------------------------------------------------------------------------

  private backupFile(b: BackupRecord): string {
    return join(this.backupDir, b.id);
  }

  /** The backup to restore: the one asked for, else the newest verified one whose file is there. */
  private pickBackup(id: string | undefined): BackupRecord | null {
    const usable = this.manifest.backups.filter((b) => b.ok && existsSync(this.backupFile(b)));
    if (id === undefined) return usable[0] ?? null;
    return usable.find((b) => b.id === id) ?? null;
  }

  private restoreDir(at: number): string {
    return join(this.o.dataDir, 'restores', stampOf(at));
  }

  /** What a restore would bring back and re-enter; nothing is changed. */
  async restorePlan(backupId?: string): Promise<RestorePlan> {
    let healthy = false;
    if (!this.manifest.damage) healthy = (await this.check('manual')).ok;
    const backup = this.pickBackup(backupId);
    const restoreDir = this.restoreDir(this.o.clock.now());
    if (!backup)
      return {
        damage: this.manifest.damage,
        healthy,
        backup: null,
        reentry: {},
        orders: [],
        unreadable: [],
        restoreDir,
      };
    const set = readSinceBackup(this.o.store.file, this.backupFile(backup));
    return {
      damage: this.manifest.damage,
      healthy,
      backup: this.view(backup),
      reentry: countRows(set),
      orders: recoveredOrders(set),
      unreadable: set.unreadable,
      restoreDir,
    };
  }

  private async waitForCalls(): Promise<void> {
    const until = Date.now() + 15_000;
    // the restore's own call is one of them
    while (this.inFlight > 1 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    await Promise.allSettled([this.backingUp, this.checking, this.ticking]);
  }

  /**
   * Restores a verified backup and re-enters what was written since (see the file's comment).
   * `actor` confirmed with the owner's PIN; `confirmHealthy` is needed when no damage is known.
   */
  async restore(input: { backupId?: string; confirmHealthy?: boolean }, actor: Actor): Promise<RestoreResult> {
    if (this.restoring) throw new PosError('DATA_RESTORING', 'A restore is already under way.');
    const backup = this.pickBackup(input.backupId);
    if (!backup) {
      throw new PosError(
        'NO_GOOD_BACKUP',
        'There is no verified backup to restore. Copy the data folder somewhere safe before anything else.',
        {
          backupId: input.backupId ? short(input.backupId, 40) : null,
        },
      );
    }
    if (!this.manifest.damage) {
      const check = await this.check('manual');
      if (check.ok && !input.confirmHealthy) {
        throw new PosError(
          'RESTORE_NOT_NEEDED',
          'The database passed its integrity check: restoring it would replace a healthy database. Confirm explicitly to restore anyway.',
        );
      }
    }
    const again = await runJob({
      kind: 'verify',
      file: this.backupFile(backup),
      mode: 'integrity',
      tables: RECOVERY_TABLES,
    }).catch((err: Error) => ({ ok: false, findings: [{ message: err.message, table: null, index: null }], ms: 0 }));
    if (!again.ok) {
      backup.ok = false;
      backup.problem = 'verify_failed';
      backup.message = short(again.findings.map((f) => f.message).join('; '));
      this.changed();
      throw new PosError('NO_GOOD_BACKUP', `The backup ${backup.id} no longer passes its check; choose another.`, {
        backupId: short(backup.id, 60),
      });
    }

    this.restoring = true;
    this.o.events.emit('dataSafety.changed', this.status());
    const store = this.o.store;
    const at = this.o.clock.now();
    const dir = this.restoreDir(at);
    const rel = (path: string) => relative(this.o.dataDir, path);
    const damagedFile = join(dir, `damaged-${DB_FILE}`);
    const exportFile = join(dir, 'sales-since-backup.json');
    const exportCsv = join(dir, 'sales-since-backup.csv');
    try {
      this.o.pause?.();
      await this.waitForCalls();
      ensurePrivateDir(dir);
      try {
        store.close();
      } catch (err) {
        this.log(`data safety: closing the damaged store: ${(err as Error).message}`);
      }
      let result: { set: RecoveredSet; restoreId: number; failed: NotReentered[]; checkMs: number };
      try {
        result = await this.stageAndSwap({ backup, actor, at, dir, damagedFile, exportFile, exportCsv, rel });
      } finally {
        // the restored file, or (when anything failed before the swap) the damaged file as it was
        const { store: reopened } = await openStore({ dataDir: this.o.dataDir, now: () => this.o.clock.now() });
        store.adopt(reopened);
      }
      this.manifest.damage = null;
      // the restored file was checked before it took the damaged one's place
      this.manifest.checks = [
        {
          at: this.o.clock.now(),
          trigger: 'restore' as const,
          ok: true,
          findings: [],
          ms: result.checkMs,
          error: null,
        },
        ...this.manifest.checks,
      ].slice(0, 20);
      this.backupSoon = true;
      this.restoring = false;
      this.changed();
      this.log(`data safety: restored ${backup.id}; damaged file kept at ${damagedFile}; export at ${exportFile}`);
      const unreadable = [
        ...result.set.unreadable,
        ...result.failed.map((f) => ({ table: f.table, id: f.id, error: `not re-entered: ${f.error}` })),
      ];
      return {
        restoreId: result.restoreId,
        backup: this.view(backup),
        damagedFile,
        exportFile,
        exportCsv,
        reentered: Object.fromEntries(
          Object.entries(countRows(result.set)).map(([table, n]) => [
            table,
            n - result.failed.filter((f) => f.table === table).length,
          ]),
        ),
        orders: recoveredOrders(result.set),
        unreadable,
      };
    } catch (err) {
      const e = err instanceof PosError ? err : null;
      this.log(`data safety: the restore failed: ${(err as Error).stack ?? String(err)}`);
      throw (
        e ??
        new PosError(
          'RESTORE_FAILED',
          `The restore failed and the database was left as it was (${short((err as Error).message ?? String(err), 120)}).`,
        )
      );
    } finally {
      this.restoring = false;
      this.o.resume?.();
      this.o.events.emit('dataSafety.changed', this.status());
    }
  }

  private async stageAndSwap(a: {
    backup: BackupRecord;
    actor: Actor;
    at: number;
    dir: string;
    damagedFile: string;
    exportFile: string;
    exportCsv: string;
    rel: (path: string) => string;
  }): Promise<{ set: RecoveredSet; restoreId: number; failed: NotReentered[]; checkMs: number }> {
    const live = this.o.store.file;
    // 1. what was written since the backup, read from the damaged file (closed: nothing is added meanwhile)
    const set = readSinceBackup(live, this.backupFile(a.backup));
    const writeExport = (failed: NotReentered[]) => {
      const body = {
        format: 'counter-pos-recovery/1',
        createdAt: new Date(a.at).toISOString(),
        backup: { file: a.backup.id, at: new Date(a.backup.at).toISOString() },
        damagedFile: a.rel(a.damagedFile),
        note: 'Everything written after the backup that could be read from the damaged database. "unreadable" and "notReentered" must be entered by hand.',
        ...set,
        notReentered: failed,
      };
      writeFileSync(a.exportFile, JSON.stringify(body, null, 1), { mode: PRIVATE_FILE_MODE });
      writeFileSync(a.exportCsv, recoveryCsv({ ...set, unreadable: [...set.unreadable, ...failed] }), {
        mode: PRIVATE_FILE_MODE,
      });
    };
    writeExport([]);

    // 2. a staged copy of the backup, migrated, with the sales re-entered (the live file is untouched)
    const staging = join(a.dir, 'staging');
    ensurePrivateDir(staging);
    const stagedFile = join(staging, DB_FILE);
    createPrivateFile(stagedFile);
    await copyFile(this.backupFile(a.backup), stagedFile);
    makePrivate(stagedFile);
    const { store: staged } = await openStore({ dataDir: staging, now: () => this.o.clock.now() });
    let outcome: { restoreId: number; failed: NotReentered[] };
    try {
      outcome = reenter(
        staged,
        new Audit(staged, this.o.clock),
        set,
        {
          at: a.at,
          actor: a.actor,
          backupFile: a.backup.id,
          backupAt: a.backup.at,
          damagedFile: a.rel(a.damagedFile),
          exportFile: a.rel(a.exportFile),
        },
        this.o.afterRestore,
      );
    } finally {
      staged.close();
    }
    if (outcome.failed.length > 0) writeExport(outcome.failed);
    const check = await runJob({ kind: 'check', file: stagedFile, mode: 'integrity' });
    if (!check.ok) throw new Error(`the restored copy failed its check: ${check.findings[0]?.message ?? ''}`);

    // 3. the swap: the damaged file (with its -wal/-shm) kept aside, the staged file in its place
    const moved: [string, string][] = [];
    try {
      for (const suffix of ['', '-wal', '-shm']) {
        if (!existsSync(live + suffix)) continue;
        renameSync(live + suffix, a.damagedFile + suffix);
        moved.push([a.damagedFile + suffix, live + suffix]);
      }
      renameSync(stagedFile, live);
    } catch (err) {
      for (const [from, to] of moved.reverse()) renameSync(from, to);
      throw err;
    }
    await rm(staging, { recursive: true, force: true });
    return { set, ...outcome, checkMs: check.ms };
  }
}
