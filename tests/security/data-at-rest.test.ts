/**
 * Defect 11: the data directory was 0755 and the database 0644, so any account on the machine could
 * copy the database and guess every 4-digit PIN offline. Now the data directory and its folders are
 * 0700 and every file holding data or secrets 0600 — for a new store and, at start, for an old one.
 */
import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore } from '../../src/main/core/core';
import { ManualClock } from '../../src/main/core/clock';
import { DB_FILE, openStore } from '../../src/main/store/db';
import { tempDir } from '../support/core';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

const mode = (path: string) => statSync(path).mode & 0o777;
const octal = (path: string) => `${path.split('/').slice(-2).join('/')} ${mode(path).toString(8)}`;

async function core(dir: string) {
  const c = await createCore({
    dataDir: dir,
    mode: 'browser',
    newStoreRequiresDrawer: false, // sells cash without opening a drawer
    clock: new ManualClock('2026-11-26T02:00:00Z'),
    timeZone: 'Asia/Shanghai',
    poll: false,
  });
  cleanups.unshift(() => c.close());
  return c;
}

describe.skipIf(process.platform === 'win32')('data at rest: private files (POSIX modes)', () => {
  it('a new store: data directory 0700; database, -wal, -shm, secrets.key, backups 0600', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const dir = join(t.dir, 'till'); // created by the app, not by the test
    const c = await core(dir);
    // a sale, so the WAL has content while the store is open
    c.carts.add(c.catalog.findByCode('DRI-001')!.id, 1);
    const o = c.orders.confirm();
    c.orders.payCash(o.id, o.totalFen, null);
    const backup = await c.dataSafety.backup('manual');
    expect(backup.ok).toBe(true);

    const files = [DB_FILE, `${DB_FILE}-wal`, `${DB_FILE}-shm`, 'secrets.key', join('backups', backup.id)].map((f) =>
      join(dir, f),
    );
    expect([dir, join(dir, 'backups')].map(octal)).toEqual([
      `${dir.split('/').slice(-2).join('/')} 700`,
      `till/backups 700`,
    ]);
    expect(files.map(octal)).toEqual(files.map((f) => `${f.split('/').slice(-2).join('/')} 600`));
  });

  it('the copy taken before a migration is 0600 in a 0700 folder', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const old = await openStore({ dataDir: t.dir, migrateTo: '0009-cash-sessions' });
    old.store.close();
    const { store, migration } = await openStore({ dataDir: t.dir });
    store.close();
    expect(migration.backup).not.toBeNull();
    expect(mode(join(t.dir, 'backups'))).toBe(0o700);
    expect(mode(migration.backup!)).toBe(0o600);
  });

  it('an existing store left readable by everyone (0755 / 0644) is made private at start', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const first = await core(t.dir);
    await first.dataSafety.backup('manual');
    first.close();
    cleanups.shift();
    // what an earlier version left behind
    mkdirSync(join(t.dir, 'receipts'));
    writeFileSync(join(t.dir, 'receipts', '20261126-0001.pdf'), 'pdf');
    const loose = [t.dir, join(t.dir, 'backups'), join(t.dir, 'receipts')];
    for (const d of loose) chmodSync(d, 0o755);
    const looseFiles = [
      join(t.dir, DB_FILE),
      join(t.dir, 'secrets.key'),
      join(t.dir, 'receipts', '20261126-0001.pdf'),
      ...first.dataSafety.records().map((b) => join(t.dir, 'backups', b.file)),
    ];
    for (const f of looseFiles) chmodSync(f, 0o644);
    expect(mode(join(t.dir, DB_FILE))).toBe(0o644);

    await core(t.dir);
    expect(loose.map((d) => mode(d).toString(8))).toEqual(['700', '700', '700']);
    expect(looseFiles.map((f) => mode(f).toString(8))).toEqual(looseFiles.map(() => '600'));
    for (const f of [`${DB_FILE}-wal`, `${DB_FILE}-shm`]) expect(mode(join(t.dir, f))).toBe(0o600);
  });
});
