/**
 * The guided restore: the newest good backup (or the one the owner chose) is verified again; the
 * store is closed; what was written after the backup is read from the damaged file and exported
 * (restores/<time>/); a staged copy of the backup is migrated and the sales re-entered in one
 * transaction (recovery.ts, reentry.ts: marked recovered, audited, `afterRestore` run inside it);
 * then the damaged file is moved aside (never deleted) and the staged file takes its place, and the
 * store is reopened inside the running core. Anything failing before the swap reopens the damaged
 * file as it was. A restore over a healthy database needs the owner's explicit confirmation.
 */
import { copyFile, rm } from 'node:fs/promises';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PosError } from '../../../shared/errors';
import type {
  DataSafetyStatus,
  IntegrityCheckView,
  RestorePlan,
  RestoreResult,
  RestoreView,
} from '../../../shared/types';
import { DB_FILE, openStore } from '../../store/db';
import { createPrivateFile, ensurePrivateDir, makePrivate, PRIVATE_FILE_MODE } from '../../store/file-modes';
import { runJob } from '../../store/sqlite-jobs';
import { Audit } from '../people/audit';
import type { Actor } from '../people/auth';
import { countRows, readSinceBackup, recoveredOrders, RECOVERY_TABLES, type RecoveredSet } from './recovery';
import { recoveryCsv } from './recovery-export';
import { reenter, type NotReentered } from './reentry';
import { backupView, short, stampOf, type BackupRecord } from './record';
import type { SafetyState } from './types';

/** What a restore needs of data safety besides the shared state. */
export interface RestoreHost extends SafetyState {
  status(): DataSafetyStatus;
  check(trigger: IntegrityCheckView['trigger']): Promise<IntegrityCheckView>;
  /** a restore is applied from now on, or no more: meanwhile every call but the banner's is refused */
  setRestoring(on: boolean): void;
  /** waits for the calls in flight (but the restore's own) and the backup or check running */
  waitForCalls(): Promise<void>;
  /** the restored database is backed up at the next tick */
  backupSoon(): void;
}

export class Restorer {
  constructor(private readonly h: RestoreHost) {}

  /** The last restores, newest first (from the database: a restore is recorded in the restored file). */
  past(): RestoreView[] {
    try {
      return this.h.o.store
        .all(this.h.o.store.kysely.selectFrom('data_restores').selectAll().orderBy('id', 'desc').limit(10))
        .map((r) => {
          const unreadable = JSON.parse(r.unreadable) as { unreadable?: unknown[]; notReentered?: unknown[] };
          return {
            id: r.id,
            at: r.at,
            actor: r.actor,
            backupFile: r.backup_file,
            backupAt: r.backup_at,
            damagedFile: join(this.h.o.dataDir, r.damaged_file),
            exportFile: join(this.h.o.dataDir, r.export_file),
            reentered: JSON.parse(r.reentered) as Record<string, number>,
            unreadable: (unreadable.unreadable?.length ?? 0) + (unreadable.notReentered?.length ?? 0),
          };
        });
    } catch (err) {
      this.h.log(`data safety: the restores could not be read (${(err as Error).message})`);
      return [];
    }
  }

  private backupFile(b: BackupRecord): string {
    return join(this.h.backupDir, b.id);
  }

  /** The backup to restore: the one asked for, else the newest verified one whose file is there. */
  private pickBackup(id: string | undefined): BackupRecord | null {
    const usable = this.h.manifest.backups.filter((b) => b.ok && existsSync(this.backupFile(b)));
    if (id === undefined) return usable[0] ?? null;
    return usable.find((b) => b.id === id) ?? null;
  }

  private restoreDir(at: number): string {
    return join(this.h.o.dataDir, 'restores', stampOf(at));
  }

  /** What a restore would bring back and re-enter; nothing is changed. */
  async restorePlan(backupId?: string): Promise<RestorePlan> {
    let healthy = false;
    if (!this.h.manifest.damage) healthy = (await this.h.check('manual')).ok;
    const backup = this.pickBackup(backupId);
    const restoreDir = this.restoreDir(this.h.o.clock.now());
    if (!backup)
      return {
        damage: this.h.manifest.damage,
        healthy,
        backup: null,
        reentry: {},
        orders: [],
        unreadable: [],
        restoreDir,
      };
    const set = readSinceBackup(this.h.o.store.file, this.backupFile(backup));
    return {
      damage: this.h.manifest.damage,
      healthy,
      backup: backupView(backup),
      reentry: countRows(set),
      orders: recoveredOrders(set),
      unreadable: set.unreadable,
      restoreDir,
    };
  }

  /**
   * Restores a verified backup and re-enters what was written since (see the file's comment).
   * `actor` confirmed with the owner's PIN; `confirmHealthy` is needed when no damage is known.
   */
  async restore(input: { backupId?: string; confirmHealthy?: boolean }, actor: Actor): Promise<RestoreResult> {
    if (this.h.isRestoring()) throw new PosError('DATA_RESTORING', 'A restore is already under way.');
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
    if (!this.h.manifest.damage) {
      const check = await this.h.check('manual');
      if (check.ok && !input.confirmHealthy) {
        throw new PosError(
          'RESTORE_NOT_NEEDED',
          'The database passed its integrity check: restoring it would replace a healthy database. Confirm explicitly to restore anyway.',
        );
      }
    }
    const again = await runJob(
      { kind: 'verify', file: this.backupFile(backup), mode: 'integrity', tables: RECOVERY_TABLES },
      { signal: this.h.closing },
    ).catch((err: Error) => ({ ok: false, findings: [{ message: err.message, table: null, index: null }], ms: 0 }));
    if (!again.ok) {
      backup.ok = false;
      backup.problem = 'verify_failed';
      backup.message = short(again.findings.map((f) => f.message).join('; '));
      this.h.changed();
      throw new PosError('NO_GOOD_BACKUP', `The backup ${backup.id} no longer passes its check; choose another.`, {
        backupId: short(backup.id, 60),
      });
    }

    this.h.setRestoring(true);
    this.h.o.events.emit('dataSafety.changed', this.h.status());
    const store = this.h.o.store;
    const at = this.h.o.clock.now();
    const dir = this.restoreDir(at);
    const rel = (path: string) => relative(this.h.o.dataDir, path);
    const damagedFile = join(dir, `damaged-${DB_FILE}`);
    const exportFile = join(dir, 'sales-since-backup.json');
    const exportCsv = join(dir, 'sales-since-backup.csv');
    try {
      this.h.o.pause?.();
      await this.h.waitForCalls();
      ensurePrivateDir(dir);
      try {
        store.close();
      } catch (err) {
        this.h.log(`data safety: closing the damaged store: ${(err as Error).message}`);
      }
      let result: { set: RecoveredSet; restoreId: number; failed: NotReentered[]; checkMs: number };
      try {
        result = await this.stageAndSwap({ backup, actor, at, dir, damagedFile, exportFile, exportCsv, rel });
      } finally {
        // the restored file, or (when anything failed before the swap) the damaged file as it was
        const { store: reopened } = await openStore({ dataDir: this.h.o.dataDir, now: () => this.h.o.clock.now() });
        store.adopt(reopened);
      }
      this.h.manifest.damage = null;
      // the restored file was checked before it took the damaged one's place
      this.h.manifest.checks = [
        {
          at: this.h.o.clock.now(),
          trigger: 'restore' as const,
          ok: true,
          findings: [],
          ms: result.checkMs,
          error: null,
        },
        ...this.h.manifest.checks,
      ].slice(0, 20);
      this.h.backupSoon();
      this.h.setRestoring(false);
      this.h.changed();
      this.h.log(`data safety: restored ${backup.id}; damaged file kept at ${damagedFile}; export at ${exportFile}`);
      const unreadable = [
        ...result.set.unreadable,
        ...result.failed.map((f) => ({ table: f.table, id: f.id, error: `not re-entered: ${f.error}` })),
      ];
      return {
        restoreId: result.restoreId,
        backup: backupView(backup),
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
      this.h.log(`data safety: the restore failed: ${(err as Error).stack ?? String(err)}`);
      throw (
        e ??
        new PosError(
          'RESTORE_FAILED',
          `The restore failed and the database was left as it was (${short((err as Error).message ?? String(err), 120)}).`,
        )
      );
    } finally {
      this.h.setRestoring(false);
      this.h.o.resume?.();
      this.h.o.events.emit('dataSafety.changed', this.h.status());
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
    const live = this.h.o.store.file;
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
    const { store: staged } = await openStore({ dataDir: staging, now: () => this.h.o.clock.now() });
    let outcome: { restoreId: number; failed: NotReentered[] };
    try {
      outcome = reenter(
        staged,
        new Audit(staged, this.h.o.clock),
        set,
        {
          at: a.at,
          actor: a.actor,
          backupFile: a.backup.id,
          backupAt: a.backup.at,
          damagedFile: a.rel(a.damagedFile),
          exportFile: a.rel(a.exportFile),
        },
        this.h.o.afterRestore,
      );
    } finally {
      staged.close();
    }
    if (outcome.failed.length > 0) writeExport(outcome.failed);
    const check = await runJob({ kind: 'check', file: stagedFile, mode: 'integrity' }, { signal: this.h.closing });
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
