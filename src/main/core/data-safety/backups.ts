/**
 * Backups: SQLite's online backup in a worker thread with its own read-only connection
 * (store/sqlite-jobs.ts), so a large store never stalls the counter. Each copy is verified (opened
 * read-only, `integrity_check`, a few tables counted) and recorded — when, why, size, verified or
 * the error. Optionally each copy goes to a second folder or drive. Copies older than the retention
 * are deleted, never the newest good one, and none while damage is known. A backup that fails (a
 * full disk, a missing second folder, a failed check) is recorded and shown to the owner; it never
 * throws into the till.
 */
import { copyFile, rename as renameAsync, stat, unlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BackupReason, BackupView } from '../../../shared/types';
import { DB_FILE } from '../../store/db';
import { createPrivateFile, ensurePrivateDir, makePrivate } from '../../store/file-modes';
import { JobError, runJob } from '../../store/sqlite-jobs';
import { businessDay } from '../clock';
import { RECOVERY_TABLES } from './recovery';
import { backupView, isCorrupt, problemOf, short, stampOf, type BackupRecord } from './record';
import { DAY, type SafetyState } from './types';

export class Backups {
  private backingUp: Promise<BackupView> | null = null;
  private lastBackupTry: number | null = null;

  constructor(private readonly s: SafetyState) {}

  /** The backup running now, if one is. */
  get running(): Promise<BackupView> | null {
    return this.backingUp;
  }

  /** When a backup was last tried since start (null: not yet). */
  get lastTry(): number | null {
    return this.lastBackupTry;
  }

  private defaultCopier = async (source: string, dest: string): Promise<void> => {
    await runJob({ kind: 'backup', source, dest }, { signal: this.s.closing });
  };

  /** Takes a backup now (one at a time: a second call joins the one running). Never rejects. */
  backup(reason: BackupReason): Promise<BackupView> {
    if (this.backingUp) return this.backingUp;
    if (this.s.isClosed())
      return Promise.resolve({
        id: '',
        at: this.s.o.clock.now(),
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
    const at = this.s.o.clock.now();
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
      ensurePrivateDir(this.s.backupDir);
      dest = this.newBackupFile(at, reason);
      record.id = dest.slice(this.s.backupDir.length + 1);
      await (this.s.o.copier ?? this.defaultCopier)(this.s.o.store.file, dest);
      makePrivate(dest);
      const verified = await runJob(
        { kind: 'verify', file: dest, mode: 'integrity', tables: RECOVERY_TABLES },
        { signal: this.s.closing },
      );
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
          this.s.o.afterBackup?.();
        } catch (err) {
          this.s.log(`data safety: after the backup: ${(err as Error).message}`);
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
    if (!record.ok) this.s.log(`data safety: the ${reason} backup failed (${record.problem}: ${record.message})`);
    this.s.manifest.backups.unshift(record);
    if (record.ok) await this.prune();
    this.s.changed();
    return backupView(record);
  }

  private newBackupFile(at: number, reason: BackupReason): string {
    const base = `${DB_FILE.replace('.sqlite', '')}-${reason}-${stampOf(at)}`;
    for (let n = 1; ; n++) {
      const path = join(this.s.backupDir, `${base}${n === 1 ? '' : `-${n}`}.sqlite`);
      if (existsSync(path)) continue;
      createPrivateFile(path);
      return path;
    }
  }

  private async copyToSecondFolder(record: BackupRecord, file: string): Promise<void> {
    const folder = this.s.o.settings.values.backupSecondFolder;
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
      this.s.log(`data safety: the copy to the second folder failed (${p.problem}: ${p.message})`);
    }
  }

  /**
   * Deletes backups older than the retention, and of the older days all but the newest good backup of
   * each day (a Z's backup and the daily one are near copies: a year-old store is ~750 MB a copy), so
   * the folder holds about one copy a day. Never the newest good one, and nothing while damage is known.
   */
  private async prune(): Promise<void> {
    if (this.s.manifest.damage) return;
    const now = this.s.o.clock.now();
    const cutoff = now - this.s.o.settings.values.backupRetentionDays * DAY;
    const newestGood = this.s.manifest.backups.find((b) => b.ok);
    const keep: BackupRecord[] = [];
    const daysKept = new Set<string>();
    const dayOf = (at: number) =>
      this.s.o.timeZone ? businessDay(at, this.s.o.timeZone()) : new Date(at).toDateString();
    const today = dayOf(now);
    // newest first: the first good backup met for a past day is that day's newest
    for (const b of [...this.s.manifest.backups].sort((x, y) => y.at - x.at)) {
      const age = dayOf(b.at);
      const dayKeeper = b.ok && (age === today || !daysKept.has(age));
      // a failed backup left no file, only its record, which the owner still sees within the retention
      if (b === newestGood || (b.at >= cutoff && (dayKeeper || !b.ok))) {
        if (b.ok) daysKept.add(age);
        keep.push(b);
        continue;
      }
      if (b.id) await unlink(join(this.s.backupDir, b.id)).catch(() => undefined);
      if (b.copyPath) await unlink(b.copyPath).catch(() => undefined);
    }
    this.s.manifest.backups = keep;
  }
}
