/**
 * Defect 14, backups: the only copies were those taken before a migration. Now a verified online
 * backup is taken daily and at every Z, kept for a set number of days, optionally copied to a second
 * folder, and every failure (a full disk, a missing folder, a copy that fails its check) is recorded
 * for the owner while the till sells on. The copy runs in a worker: the counter's event loop never
 * stalls, also on a large store.
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core, type CoreOptions } from '../../src/main/core/core';
import { ManualClock } from '../../src/main/core/clock';
import { DB_FILE } from '../../src/main/store/db';
import type { BackupView, DataSafetyOverview, DataSafetySettingsView } from '../../src/shared/types';
import { must, tempDir } from '../support/core';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

const OWNER_PIN = '8888';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function till(options: Partial<CoreOptions> = {}) {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const clock = new ManualClock('2026-11-26T02:00:00Z');
  const core = await createCore({
    dataDir: t.dir,
    mode: 'browser',
    newStoreRequiresDrawer: false, // sells cash without opening a drawer
    clock,
    timeZone: 'Asia/Shanghai',
    poll: false,
    ...options,
  });
  cleanups.unshift(() => core.close());
  const call = async <T>(method: string, input: unknown = {}): Promise<T> =>
    must(await core.dispatch(method, input)) as T;
  return { core, clock, dir: t.dir, call };
}

function sell(core: Core): void {
  core.carts.add(core.catalog.findByCode('DRI-001')!.id, 1);
  const o = core.orders.confirm();
  core.orders.payCash(o.id, o.totalFen, null);
}

const backupFiles = (dir: string) =>
  readdirSync(join(dir, 'backups'))
    .filter((f) => f.endsWith('.sqlite'))
    .sort();

async function until(ok: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('automatic verified backups', () => {
  it('daily by the store clock: due at once on a store without one, then a day after the last good one', async () => {
    let afterBackup = 0;
    const { core, clock, dir } = await till({ dataSafety: { afterBackup: () => void afterBackup++ } });
    const checks = () => core.dataSafety.overview().checks.map((c) => [c.trigger, c.ok]);
    await core.dataSafety.runDue();
    expect(core.dataSafety.records().map((b) => [b.reason, b.ok])).toEqual([['daily', true]]);
    const first = core.dataSafety.records()[0]!;
    expect(first.counts).toMatchObject({ products: 68 });
    expect(first.bytes).toBeGreaterThan(0);
    expect(checks()).toEqual([]);
    // the integrity check: shortly after start …
    clock.advance(3 * 60_000);
    await core.dataSafety.runDue();
    expect(checks()).toEqual([['start', true]]);
    clock.advance(23 * HOUR);
    await core.dataSafety.runDue();
    expect(core.dataSafety.records()).toHaveLength(1);
    expect(checks()).toHaveLength(1);
    clock.advance(HOUR);
    await core.dataSafety.runDue();
    expect(core.dataSafety.records().map((b) => b.reason)).toEqual(['daily', 'daily']);
    expect(backupFiles(dir)).toHaveLength(2);
    expect(afterBackup).toBe(2); // the hook the till identity reseals in, once per good backup
    // … then daily
    clock.advance(3 * 60_000);
    await core.dataSafety.runDue();
    expect(checks()).toEqual([
      ['daily', true],
      ['start', true],
    ]);
  });

  it('at every Z: closing the drawer takes a backup once the Z is committed', async () => {
    const { core, call } = await till();
    await call('cashSession.open', { floatFen: 20_000 });
    sell(core);
    const z = await call<{ z: { number: string } }>('cashSession.close', {
      denominations: { '10000': 2, '100': 3 },
      approvalPin: OWNER_PIN,
    });
    expect(z.z.number).toBe('Z-T01-0001');
    await until(() => core.dataSafety.records().some((b) => b.reason === 'z'));
    const backup = core.dataSafety.records().find((b) => b.reason === 'z')!;
    expect(backup.ok).toBe(true);
    // the copy holds the Z
    const copy = new BetterSqlite3(join(core.dataSafety.backupDir, backup.id), { readonly: true });
    expect(copy.prepare('select number from z_reports').all()).toEqual([{ number: 'Z-T01-0001' }]);
    copy.close();
  });

  it('retention: deletes backups older than the set days only — never the newest good one, never other files', async () => {
    const { core, clock, dir, call } = await till();
    // an owner's own file and a pre-migration copy in the same folder are not the schedule's to delete
    writeFileSync(join(dir, 'backups', 'my-copy.sqlite'), 'x');
    expect((await core.dispatch('dataSafety.setSettings', { retentionDays: 3, secondFolder: null })).ok).toBe(false); // a clerk: owner only
    await call<DataSafetySettingsView>('dataSafety.setSettings', {
      retentionDays: 3,
      secondFolder: null,
      approvalPin: OWNER_PIN,
    });
    for (let day = 0; day < 6; day++) {
      await core.dataSafety.runDue();
      clock.advance(DAY);
    }
    const kept = core.dataSafety.records();
    expect(kept).toHaveLength(4); // today's and the three days before
    expect(Math.min(...kept.map((b) => b.at))).toBeGreaterThanOrEqual(clock.now() - 4 * DAY);
    expect(backupFiles(dir)).toEqual([...kept.map((b) => b.id), 'my-copy.sqlite'].sort());
  });

  it("retention keeps one backup a day for the days before today (a Z's backup and the daily one are near copies)", async () => {
    const { core, clock, dir, call } = await till();
    await call<DataSafetySettingsView>('dataSafety.setSettings', {
      retentionDays: 7,
      secondFolder: null,
      approvalPin: OWNER_PIN,
    });
    for (let day = 0; day < 3; day++) {
      const morning = await core.dataSafety.backup('manual');
      clock.advance(8 * 3_600_000);
      const evening = await core.dataSafety.backup('z');
      expect(morning.ok && evening.ok).toBe(true);
      clock.advance(16 * 3_600_000);
    }
    await core.dataSafety.backup('manual'); // today's first: prunes
    const kept = core.dataSafety.records();
    // today's, then the newest of each earlier day (the Z's), never two of one day
    expect(kept.map((b) => b.reason)).toEqual(['manual', 'z', 'z', 'z']);
    expect(backupFiles(dir)).toEqual(kept.map((b) => b.id).sort());
  });

  it('keeps the newest good backup past the retention when every later one fails', async () => {
    let fail = false;
    const { core, clock, dir, call } = await till({
      dataSafety: {
        copier: async (source, dest) => {
          if (fail) throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
          const db = new BetterSqlite3(source, { readonly: true });
          await db.backup(dest);
          db.close();
        },
      },
    });
    await call('dataSafety.setSettings', { retentionDays: 1, secondFolder: null, approvalPin: OWNER_PIN });
    const good = await core.dataSafety.backup('manual');
    expect(good.ok).toBe(true);
    fail = true;
    clock.advance(5 * DAY);
    await core.dataSafety.runDue();
    expect(core.dataSafety.records().map((b) => [b.reason, b.ok])).toEqual([
      ['daily', false],
      ['manual', true],
    ]);
    expect(backupFiles(dir)).toEqual([good.id]);
  });

  it('a copy that fails its check is reported, not kept as a backup; the till sells on', async () => {
    const { core, call } = await till({
      dataSafety: {
        copier: async (source, dest) => {
          const db = new BetterSqlite3(source, { readonly: true });
          await db.backup(dest);
          db.close();
          // the copy is damaged on its way to the disk: one page overwritten
          const fd = openSync(dest, 'r+');
          writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, 4096 * 3);
          closeSync(fd);
        },
      },
    });
    const b = await core.dataSafety.backup('manual');
    expect(b).toMatchObject({ ok: false, problem: 'verify_failed' });
    expect(b.message).toBeTruthy();
    expect(existsSync(join(core.dataSafety.backupDir, b.id))).toBe(false);
    expect(core.dataSafety.status()).toMatchObject({ lastBackupOk: false, damaged: false });
    const overview = await call<DataSafetyOverview>('dataSafety.overview', { approvalPin: OWNER_PIN });
    expect(overview.backups[0]).toMatchObject({ ok: false, problem: 'verify_failed' });
    sell(core);
  });

  it('a full disk is reported, leaves no partial file, and the backup is tried again an hour later', async () => {
    let full = true;
    const { core, clock, dir } = await till({
      dataSafety: {
        copier: async (source, dest) => {
          if (full) {
            writeFileSync(dest, Buffer.alloc(8192, 1)); // half a copy, then the disk is full
            throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
          }
          const db = new BetterSqlite3(source, { readonly: true });
          await db.backup(dest);
          db.close();
        },
      },
    });
    await core.dataSafety.runDue();
    expect(core.dataSafety.records()[0]).toMatchObject({ ok: false, problem: 'disk_full' });
    expect(backupFiles(dir)).toEqual([]);
    sell(core); // the till is not stopped by it
    clock.advance(30 * 60_000);
    await core.dataSafety.runDue();
    expect(core.dataSafety.records()).toHaveLength(1); // not every minute
    full = false;
    clock.advance(30 * 60_000);
    await core.dataSafety.runDue();
    expect(core.dataSafety.records().map((b) => b.ok)).toEqual([true, false]);
  });

  it('second folder: each backup is copied there; a missing folder is reported, the backup itself kept', async () => {
    const { core, call } = await till();
    const usb = tempDir('pos-usb-');
    cleanups.push(usb.cleanup);
    const missing = await core.dispatch('dataSafety.setSettings', {
      retentionDays: 14,
      secondFolder: join(usb.dir, 'nope'),
      approvalPin: OWNER_PIN,
    });
    expect(missing.ok || missing.error.code).toBe('BACKUP_FOLDER_MISSING');
    const inside = await core.dispatch('dataSafety.setSettings', {
      retentionDays: 14,
      secondFolder: join(core.dataSafety.backupDir),
      approvalPin: OWNER_PIN,
    });
    expect(inside.ok || inside.error.code).toBe('INVALID_INPUT');
    const folder = join(usb.dir, 'pos');
    mkdirSync(folder);
    await call('dataSafety.setSettings', { retentionDays: 14, secondFolder: folder, approvalPin: OWNER_PIN });
    expect(core.audit.list({ action: 'dataSafety.settings' })).toHaveLength(1);

    const first = await call<BackupView>('dataSafety.backupNow', { approvalPin: OWNER_PIN });
    expect(first).toMatchObject({ ok: true, copy: { ok: true } });
    expect(readdirSync(folder)).toEqual([first.id]);

    rmSync(folder, { recursive: true }); // the drive was unplugged
    const second = await call<BackupView>('dataSafety.backupNow', { approvalPin: OWNER_PIN });
    expect(second).toMatchObject({ ok: true, copy: { ok: false, problem: 'folder_missing' } });
    expect(existsSync(folder)).toBe(false); // not created on the local disk in its place
    expect(existsSync(join(core.dataSafety.backupDir, second.id))).toBe(true);
  });

  it('backups and the overview are the owner’s: a clerk is asked for the PIN', async () => {
    const { core } = await till();
    for (const method of [
      'dataSafety.overview',
      'dataSafety.backupNow',
      'dataSafety.checkNow',
      'dataSafety.restorePlan',
    ]) {
      const r = await core.dispatch(method, {});
      expect(r.ok || r.error.code, method).toBe('OWNER_APPROVAL_REQUIRED');
    }
    // the banner's status is everyone's, and shows no path
    const status = must(await core.dispatch('dataSafety.status', {}));
    expect(JSON.stringify(status)).not.toContain(core.dataSafety.backupDir);
  });
});

describe('no stall at the counter', () => {
  it("a backup and an integrity check of a large store run off the counter's thread (it stays mostly idle)", async () => {
    const { core, dir } = await till();
    sell(core);
    // a large store, quickly: bulk rows in the payment journal (append-only, like a year of polls)
    const mb = Number(process.env.POS_BIG_STORE_MB ?? 120);
    const db = new BetterSqlite3(join(dir, DB_FILE));
    db.pragma('synchronous = OFF');
    const rows = Math.round((mb * 1024 * 1024) / 1100);
    db.prepare(
      `with recursive n(i) as (select 1 union all select i + 1 from n where i < ?)
       insert into payment_journal (order_id, attempt_id, at, kind, detail) select 1, null, i, 'bulk', hex(randomblob(500)) from n`,
    ).run(rows);
    db.close();

    // the machine's own noise first (2 cores shared with other work): the same probe, idle, for 2 s
    const probe = () => {
      const h = monitorEventLoopDelay({ resolution: 5 });
      h.enable();
      const elu = performance.eventLoopUtilization();
      const tick = setInterval(() => undefined, 5); // keeps the loop turning
      return () => {
        clearInterval(tick);
        h.disable();
        // the counter's thread's own work in the window (not time it waited for a CPU while idle)
        const busy = performance.eventLoopUtilization(elu);
        return {
          max: h.max / 1e6,
          p99: h.percentile(99) / 1e6,
          activeMs: busy.active,
          windowMs: busy.idle + busy.active,
        };
      };
    };
    const idle = probe();
    await new Promise((r) => setTimeout(r, 2_000));
    const baseline = idle();

    const during = probe();
    const started = Date.now();
    const backup = await core.dataSafety.backup('manual');
    const backupMs = Date.now() - started;
    const check = await core.dataSafety.check('manual');
    const stall = during();
    console.log(
      `store ${backup.bytes! >> 20} MB: backup + verify ${backupMs} ms, integrity check ${check.ms} ms; ` +
        `longest event-loop delay ${stall.max.toFixed(1)} ms (p99 ${stall.p99.toFixed(1)} ms), the counter's thread busy ${stall.activeMs.toFixed(0)} of ${stall.windowMs.toFixed(0)} ms; ` +
        `idle machine: longest delay ${baseline.max.toFixed(1)} ms (p99 ${baseline.p99.toFixed(1)} ms), busy ${baseline.activeMs.toFixed(0)} of ${baseline.windowMs.toFixed(0)} ms`,
    );
    expect(backup.ok).toBe(true);
    expect(check.ok).toBe(true);
    // the copy and the check ran elsewhere: the counter's thread was idle most of the time (with them on
    // it, it is ~100 % busy: a same-thread backup of 70 MB measured 594 ms of delay). This is a share of
    // the thread's own work, not a time: the longest stall itself, with a clerk scanning meanwhile, is
    // measured by the bench on a 1M-order store (bench/stall.ts — `npm run bench -- --only stall`),
    // not here, where other tests share the two cores.
    expect(stall.activeMs / stall.windowMs).toBeLessThan(0.5);
  }, 300_000);
});
