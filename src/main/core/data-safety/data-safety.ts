/**
 * Data safety: automatic verified backups, integrity checks of the live database, and a guided
 * restore from a damaged one (docs/security.md).
 *
 * - **Backups** (backups.ts) use SQLite's online backup API in a worker thread with its own
 *   read-only connection (store/sqlite-jobs.ts), so a large store never stalls the counter: daily,
 *   after every Z, and on the owner's "back up now". Each copy is verified and recorded in
 *   `backups/data-safety.json` beside the files (record.ts; not in the database, which a restore
 *   replaces). Optionally each copy goes to a second folder or drive; old copies are pruned. A
 *   backup that fails is recorded and shown to the owner; it never throws into the till.
 * - **Integrity checks** (checks.ts) of the live database run in a worker with a read-only
 *   connection, shortly after start and daily. A failed check, or a query that meets SQLITE_CORRUPT
 *   / SQLITE_NOTADB (core.ts `dispatch`), puts the till in the damaged state: every screen shows a
 *   banner, the owner sees what is damaged.
 * - **Restore** (restore.ts, recovery.ts, reentry.ts): the newest good backup put back with what
 *   was written since re-entered, the damaged file kept aside. While it is applied every call but
 *   the banner's is refused (`track`).
 *
 * This class holds the record and the schedule, and answers the owner's screen; the contract's
 * `dataSafety.*` is in handlers.ts.
 */
import { statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { PosError } from '../../../shared/errors';
import type {
  BackupReason,
  BackupView,
  DamageView,
  DataSafetyOverview,
  DataSafetySettingsView,
  DataSafetyStatus,
  IntegrityCheckView,
  RestorePlan,
  RestoreResult,
} from '../../../shared/types';
import { ensurePrivateDir } from '../../store/file-modes';
import type { Audit } from '../people/audit';
import type { Actor } from '../people/auth';
import { Backups } from './backups';
import { IntegrityChecks } from './checks';
import { backupView, damageOf, loadManifest, saveManifest, short, type Manifest } from './record';
import { Restorer } from './restore';
import { DATA_SAFETY_TIMING, type DataSafetyOptions, type DataSafetyTiming, type SafetyState } from './types';

/** The one call that answers while a restore is applied (the banner's: memory only, the store may be closed). */
const WHILE_RESTORING: ReadonlySet<string> = new Set(['dataSafety.status']);

export class DataSafety {
  private readonly manifest: Manifest;
  private restoring = false;
  private closed = false;
  private readonly stopping = new AbortController();
  private inFlight = 0;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private readonly startedAt: number;
  /** set by a restore: the restored database is backed up at the next tick */
  private backupSoon = false;
  private readonly timing: DataSafetyTiming;
  private readonly log: (line: string) => void;
  private readonly backups: Backups;
  private readonly checks: IntegrityChecks;
  private readonly restorer: Restorer;

  constructor(private readonly o: DataSafetyOptions) {
    this.timing = { ...DATA_SAFETY_TIMING, ...o.timing };
    this.log = o.log ?? (() => undefined);
    this.startedAt = o.clock.now();
    ensurePrivateDir(this.backupDir);
    this.manifest = loadManifest(this.manifestFile, this.log);
    const state: SafetyState = {
      o,
      manifest: this.manifest,
      backupDir: this.backupDir,
      isClosed: () => this.closed,
      closing: this.stopping.signal,
      isRestoring: () => this.restoring,
      changed: () => this.changed(),
      log: this.log,
    };
    this.backups = new Backups(state);
    this.checks = new IntegrityChecks(state);
    this.restorer = new Restorer({
      ...state,
      status: () => this.status(),
      check: (trigger) => this.check(trigger),
      setRestoring: (on) => {
        this.restoring = on;
      },
      waitForCalls: () => this.waitForCalls(),
      backupSoon: () => {
        this.backupSoon = true;
      },
    });
  }

  get backupDir(): string {
    return join(this.o.dataDir, 'backups');
  }

  private get manifestFile(): string {
    return join(this.backupDir, 'data-safety.json');
  }

  /** The core is closing: nothing more is started or written; a backup or check running is stopped. */
  close(): void {
    this.closed = true;
    this.stopSchedule();
    this.stopping.abort();
  }

  private changed(): void {
    if (this.closed) return;
    saveManifest(this.manifestFile, this.backupDir, this.manifest, this.log);
    this.o.events.emit('dataSafety.changed', this.status());
  }

  // ---- views ----------------------------------------------------------------------------------

  /** Backups, newest first (with the internal fields). */
  records(): readonly (BackupView & { file: string })[] {
    return this.manifest.backups.map((b) => ({ ...backupView(b), file: b.id }));
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

  overview(): DataSafetyOverview {
    return {
      status: this.status(),
      damage: this.manifest.damage,
      backups: this.manifest.backups.map((b) => backupView(b)),
      checks: this.manifest.checks,
      settings: this.settingsView(),
      dataDir: this.o.dataDir,
      backupDir: this.backupDir,
      restores: this.restorer.past(),
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

  // ---- backups and checks ---------------------------------------------------------------------

  /** Takes a backup now (one at a time: a second call joins the one running). Never rejects. */
  backup(reason: BackupReason): Promise<BackupView> {
    return this.backups.backup(reason);
  }

  /** Checks the live database in a worker (read-only). Never rejects. */
  check(trigger: IntegrityCheckView['trigger']): Promise<IntegrityCheckView> {
    return this.checks.check(trigger);
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
    const checkDue = this.checks.startDone
      ? lastCheck === null || now - lastCheck >= this.timing.checkEveryMs
      : now - this.startedAt >= this.timing.firstCheckAfterMs ||
        (lastCheck !== null && now - lastCheck >= this.timing.checkEveryMs);
    if (checkDue) await this.check(this.checks.startDone ? 'daily' : 'start');
    const lastGood = this.manifest.backups.find((b) => b.ok)?.at ?? null;
    const lastTry = this.backups.lastTry ?? this.manifest.backups[0]?.at ?? null;
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

  /** What a restore would bring back and re-enter; nothing is changed. */
  restorePlan(backupId?: string): Promise<RestorePlan> {
    return this.restorer.restorePlan(backupId);
  }

  private async waitForCalls(): Promise<void> {
    const until = Date.now() + 15_000;
    // the restore's own call is one of them
    while (this.inFlight > 1 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    await Promise.allSettled([this.backups.running, this.checks.running, this.ticking]);
  }

  /**
   * Restores a verified backup and re-enters what was written since (see the file's comment).
   * `actor` confirmed with the owner's PIN; `confirmHealthy` is needed when no damage is known.
   */
  restore(input: { backupId?: string; confirmHealthy?: boolean }, actor: Actor): Promise<RestoreResult> {
    return this.restorer.restore(input, actor);
  }
}
