/**
 * One test per migration: migrate to N-1, insert rows, migrate to N, assert. Plus the refusals:
 * a newer database, a corrupt file, an unwritable directory, each without writing anything.
 */
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { DB_FILE, openStore } from '../../src/main/store/db';
import { LATEST_MIGRATION, MIGRATION_NAMES } from '../../src/main/store/migrations';
import { PosError } from '../../src/shared/errors';
import { tempDir } from '../support/temp';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});
function dir(): string {
  const t = tempDir('pos-db-');
  cleanups.push(t.cleanup);
  return t.dir;
}
const hash = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const tables = (db: BetterSqlite3.Database) =>
  (db.prepare(`select name from sqlite_master where type='table' order by name`).all() as { name: string }[]).map(
    (r) => r.name,
  );

async function storeAt(d: string, migrateTo: string) {
  const { store, migration } = await openStore({ dataDir: d, migrateTo });
  return { store, migration };
}

describe('migrations', () => {
  it('lists migrations in order, the latest last', () => {
    expect(MIGRATION_NAMES).toEqual([...MIGRATION_NAMES].sort());
    expect(LATEST_MIGRATION).toBe(MIGRATION_NAMES.at(-1));
  });

  it('0001-catalogue: creates settings, categories and products with their constraints', async () => {
    const d = dir();
    const { store, migration } = await storeAt(d, '0001-catalogue');
    expect(migration.applied).toEqual(['0001-catalogue']);
    expect(tables(store.sqlite)).toEqual(expect.arrayContaining(['settings', 'categories', 'products']));
    expect(tables(store.sqlite)).not.toContain('carts');
    store.sqlite
      .prepare(`insert into categories (code, name_zh, name_en, color, sort) values ('x', '甲', 'X', '#000', 0)`)
      .run();
    const insert = store.sqlite.prepare(
      `insert into products (sku, barcode, name_zh, name_en, pinyin, pinyin_initials, category_id, price_fen, unit, created_at, updated_at)
       values (?, ?, '甲', 'A', 'jia', 'j', ?, ?, '', 0, 0)`,
    );
    insert.run('A-1', '1', 1, 100);
    expect(() => insert.run('A-2', '2', 1, -1)).toThrow(/CHECK/);
    expect(() => insert.run('A-1', '3', 1, 1)).toThrow(/UNIQUE/);
    expect(() => insert.run('A-4', '4', 99, 1)).toThrow(/FOREIGN KEY/);
    store.close();
  });

  it('0002-carts: adds carts to a database holding a catalogue, keeping it', async () => {
    const d = dir();
    let { store } = await storeAt(d, '0001-catalogue');
    store.sqlite
      .prepare(`insert into categories (code, name_zh, name_en, color, sort) values ('x', '甲', 'X', '#000', 0)`)
      .run();
    store.sqlite
      .prepare(
        `insert into products (sku, barcode, name_zh, name_en, pinyin, pinyin_initials, category_id, price_fen, unit, created_at, updated_at)
         values ('A-1', '1', '甲', 'A', 'jia', 'j', 1, 100, '', 0, 0)`,
      )
      .run();
    store.close();
    const next = await storeAt(d, '0002-carts');
    store = next.store;
    expect(next.migration.applied).toEqual(['0002-carts']);
    expect(next.migration.backup).not.toBeNull();
    expect(store.sqlite.prepare('select sku from products').all()).toEqual([{ sku: 'A-1' }]);
    store.sqlite.prepare(`insert into carts (status, created_at, updated_at) values ('active', 0, 0)`).run();
    const line = store.sqlite.prepare(
      `insert into cart_lines (cart_id, product_id, qty, position) values (1, 1, ?, 1)`,
    );
    expect(() => line.run(0)).toThrow(/CHECK/);
    expect(() => line.run(10_000)).toThrow(/CHECK/);
    line.run(2);
    expect(() =>
      store.sqlite.prepare(`insert into carts (status, created_at, updated_at) values ('bogus', 0, 0)`).run(),
    ).toThrow(/CHECK/);
    store.close();
  });

  it('0003-orders-payments: adds orders and payments beside existing carts; one success per order; an append-only journal', async () => {
    const d = dir();
    let { store } = await storeAt(d, '0002-carts');
    store.sqlite.prepare(`insert into carts (status, created_at, updated_at) values ('parked', 0, 0)`).run();
    store.close();
    const next = await storeAt(d, '0003-orders-payments');
    store = next.store;
    expect(next.migration.applied).toEqual(['0003-orders-payments']);
    expect(store.sqlite.prepare('select status from carts').all()).toEqual([{ status: 'parked' }]);
    store.sqlite
      .prepare(
        `insert into orders (number, business_day, seq, status, clerk, terminal, subtotal_fen, line_discount_fen,
           order_discount_fen, total_fen, item_count, created_at) values ('20261126-0001', '2026-11-26', 1, 'open', 'c', 't', 100, 0, 0, 100, 1, 0)`,
      )
      .run();
    const attempt = store.sqlite.prepare(
      `insert into payment_attempts (order_id, method, mode, out_trade_no, amount_fen, state, created_at, updated_at)
       values (1, 'cash', 'cash', ?, 100, ?, 0, 0)`,
    );
    attempt.run('A1', 'failed');
    attempt.run('A2', 'paid');
    expect(() => attempt.run('A3', 'paid')).toThrow(/UNIQUE/);
    expect(() => attempt.run('A2', 'failed')).toThrow(/UNIQUE/);
    store.sqlite.prepare(`insert into payment_journal (order_id, attempt_id, at, kind) values (1, 2, 0, 'x')`).run();
    expect(() => store.sqlite.prepare(`update payment_journal set kind = 'y'`).run()).toThrow(/append-only/);
    expect(() => store.sqlite.prepare(`delete from payment_journal`).run()).toThrow(/append-only/);
    expect(() =>
      store.sqlite
        .prepare(
          `insert into orders (number, business_day, seq, status, clerk, terminal, subtotal_fen, line_discount_fen,
           order_discount_fen, total_fen, item_count, created_at) values ('20261126-0001b', '2026-11-26', 1, 'open', 'c', 't', 1, 0, 0, 1, 1, 0)`,
        )
        .run(),
    ).toThrow(/UNIQUE/);
    store.close();
  });

  it('0004-payment-attempts: adds polling columns and exceptions beside existing payments; one open attempt per order', async () => {
    const d = dir();
    let { store } = await storeAt(d, '0003-orders-payments');
    store.sqlite
      .prepare(
        `insert into orders (number, business_day, seq, status, clerk, terminal, subtotal_fen, line_discount_fen,
           order_discount_fen, total_fen, item_count, created_at) values ('20261126-0001', '2026-11-26', 1, 'paid', 'c', 't', 100, 0, 0, 100, 1, 0)`,
      )
      .run();
    store.sqlite
      .prepare(
        `insert into payment_attempts (order_id, method, mode, out_trade_no, amount_fen, state, created_at, updated_at)
         values (1, 'cash', 'cash', 'C1', 100, 'paid', 0, 0)`,
      )
      .run();
    store.close();
    const next = await storeAt(d, '0004-payment-attempts');
    store = next.store;
    expect(next.migration.applied).toEqual(['0004-payment-attempts']);
    expect(
      store.sqlite.prepare('select out_trade_no, polls, trade_no, deadline_at from payment_attempts').all(),
    ).toEqual([{ out_trade_no: 'C1', polls: 0, trade_no: null, deadline_at: null }]);
    const attempt = store.sqlite.prepare(
      `insert into payment_attempts (order_id, method, mode, out_trade_no, amount_fen, state, created_at, updated_at, next_poll_at)
       values (1, 'alipay', 'qr', ?, 100, ?, 0, 0, 0)`,
    );
    attempt.run('A1', 'pending');
    expect(() => attempt.run('A2', 'created')).toThrow(/UNIQUE/);
    attempt.run('A3', 'closed');
    store.sqlite
      .prepare(
        `insert into payment_exceptions (order_id, attempt_id, kind, opened_at) values (1, 2, 'amount_mismatch', 0)`,
      )
      .run();
    expect(store.sqlite.prepare('select kind, resolved_at from payment_exceptions').all()).toEqual([
      { kind: 'amount_mismatch', resolved_at: null },
    ]);
    store.close();
  });

  it('0005-users-audit-refunds: users, an append-only audit log and refunds beside existing payments; overridden attempts leave the one-open index; a refunded payment leaves the one-success index', async () => {
    const d = dir();
    let { store } = await storeAt(d, '0004-payment-attempts');
    store.sqlite
      .prepare(
        `insert into orders (number, business_day, seq, status, clerk, terminal, subtotal_fen, line_discount_fen,
           order_discount_fen, total_fen, item_count, created_at) values ('20261126-0001', '2026-11-26', 1, 'open', 'c', 't', 100, 0, 0, 100, 1, 0)`,
      )
      .run();
    const attempt = store.sqlite.prepare(
      `insert into payment_attempts (order_id, method, mode, out_trade_no, amount_fen, state, created_at, updated_at, next_poll_at)
       values (1, ?, ?, ?, 100, ?, 0, 0, 0)`,
    );
    attempt.run('alipay', 'qr', 'A1', 'pending');
    store.close();
    const next = await storeAt(d, '0005-users-audit-refunds');
    store = next.store;
    expect(next.migration.applied).toEqual(['0005-users-audit-refunds']);
    const again = store.sqlite.prepare(
      `insert into payment_attempts (order_id, method, mode, out_trade_no, amount_fen, state, created_at, updated_at, next_poll_at)
       values (1, ?, ?, ?, 100, ?, 0, 0, 0)`,
    );
    expect(store.sqlite.prepare('select out_trade_no, overridden_at from payment_attempts').all()).toEqual([
      { out_trade_no: 'A1', overridden_at: null },
    ]);
    // one open attempt per order, unless the open one was overridden by the owner
    expect(() => again.run('wechat', 'qr', 'W2', 'pending')).toThrow(/UNIQUE/);
    store.sqlite.prepare('update payment_attempts set overridden_at = 1 where id = 1').run();
    again.run('wechat', 'qr', 'W2', 'pending');
    // one success per order, but a payment refunded in full no longer counts
    store.sqlite.prepare("update payment_attempts set state = 'paid' where id = 2").run();
    expect(() => again.run('cash', 'cash', 'C3', 'paid')).toThrow(/UNIQUE/);
    store.sqlite.prepare("update payment_attempts set state = 'refunded' where id = 2").run();
    again.run('cash', 'cash', 'C3', 'paid');
    store.sqlite
      .prepare(
        `insert into users (name, role, pin_hash, pin_salt, created_at, updated_at) values ('o', 'owner', 'h', 's', 0, 0)`,
      )
      .run();
    expect(() =>
      store.sqlite
        .prepare(
          `insert into users (name, role, pin_hash, pin_salt, created_at, updated_at) values ('x', 'boss', 'h', 's', 0, 0)`,
        )
        .run(),
    ).toThrow(/CHECK/);
    store.sqlite
      .prepare(
        `insert into audit_log (at, actor_id, actor_name, actor_role, action) values (0, 1, 'o', 'owner', 'test')`,
      )
      .run();
    expect(() => store.sqlite.prepare(`update audit_log set action = 'forged'`).run()).toThrow(/append-only/);
    expect(() => store.sqlite.prepare(`delete from audit_log`).run()).toThrow(/append-only/);
    const refund = store.sqlite.prepare(
      `insert into refunds (order_id, attempt_id, refund_no, method, amount_fen, trade_fen, state, requested_by, created_at, updated_at)
       values (1, 2, ?, 'wechat', ?, 100, 'requested', 'o', 0, 0)`,
    );
    refund.run('R1', 50);
    expect(() => refund.run('R1', 50)).toThrow(/UNIQUE/);
    expect(() => refund.run('R2', 0)).toThrow(/CHECK/);
    store.close();
  });

  it('opens with WAL, synchronous=FULL and foreign keys, and records each migration', async () => {
    const d = dir();
    const { store, migration } = await openStore({ dataDir: d });
    expect(migration.applied).toEqual(MIGRATION_NAMES);
    expect(migration.backup).toBeNull(); // nothing to back up on a fresh directory
    expect(store.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.sqlite.pragma('synchronous', { simple: true })).toBe(2);
    expect(store.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    store.close();
    const again = await openStore({ dataDir: d });
    expect(again.migration.applied).toEqual([]);
    again.store.close();
  });

  it('takes a backup before migrating an existing database', async () => {
    const d = dir();
    const { store } = await storeAt(d, '0001-catalogue');
    store.sqlite.prepare(`insert into settings (key, value) values ('k', '"v"')`).run();
    store.close();
    const next = await openStore({ dataDir: d });
    next.store.close();
    const backups = readdirSync(join(d, 'backups'));
    expect(backups).toHaveLength(1);
    const copy = new BetterSqlite3(join(d, 'backups', backups[0]!), { readonly: true });
    expect(copy.prepare('select value from settings').get()).toEqual({ value: '"v"' });
    expect(tables(copy)).not.toContain('carts');
    copy.close();
  });
});

describe('the copy before migrating', () => {
  it('holds what was still in the WAL when the till was killed, opens on its own, and is private', async () => {
    const d = dir();
    const { store } = await storeAt(d, '0001-catalogue');
    store.close();
    // a till killed with its last write only in the WAL: the files as a live connection leaves them
    const live = new BetterSqlite3(join(d, DB_FILE));
    live.pragma('journal_mode = WAL');
    live.pragma('wal_autocheckpoint = 0');
    live.prepare(`insert into settings (key, value) values ('in-wal', '"yes"')`).run();
    const killed = dir();
    for (const f of readdirSync(d)) if (f.startsWith(DB_FILE)) copyFileSync(join(d, f), join(killed, f));
    live.close();
    expect(statSync(join(killed, `${DB_FILE}-wal`)).size).toBeGreaterThan(0);

    const next = await openStore({ dataDir: killed });
    next.store.close();
    const [name] = readdirSync(join(killed, 'backups'));
    expect(next.migration.backup).toBe(join(killed, 'backups', name!));
    const copy = new BetterSqlite3(join(killed, 'backups', name!), { readonly: true });
    expect(copy.prepare(`select value from settings where key = 'in-wal'`).get()).toEqual({ value: '"yes"' });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(tables(copy)).not.toContain('carts');
    copy.close();
    if (process.platform !== 'win32') expect(statSync(join(killed, 'backups', name!)).mode & 0o777).toBe(0o600);
  });
});

describe('refusals that write nothing', () => {
  it('refuses a database written by a newer version', async () => {
    const d = dir();
    const { store } = await openStore({ dataDir: d });
    store.sqlite.prepare(`insert into kysely_migration (name, timestamp) values ('9999-from-the-future', 'x')`).run();
    store.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    store.close();
    const file = join(d, DB_FILE);
    const before = hash(file);
    const err = await openStore({ dataDir: d }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PosError);
    expect((err as PosError).code).toBe('DATABASE_TOO_NEW');
    expect((err as PosError).message).toMatch(
      /newer version of Counter POS.*9999-from-the-future.*Nothing was changed/,
    );
    expect(hash(file)).toBe(before);
    expect(existsSync(join(d, 'backups'))).toBe(false);
  });

  it('refuses a corrupt database file and leaves it untouched', async () => {
    const d = dir();
    const file = join(d, DB_FILE);
    writeFileSync(file, Buffer.from('this is not a database, it is a shopping list: milk, eggs'.repeat(200)));
    const before = hash(file);
    const err = await openStore({ dataDir: d }).catch((e: unknown) => e);
    expect((err as PosError).code).toBe('STORAGE_CORRUPT');
    expect((err as PosError).message).toMatch(/left untouched/);
    expect(hash(file)).toBe(before);
  });

  it('refuses a data directory it cannot write', async () => {
    if (process.getuid?.() === 0) {
      // root ignores permissions: use a path below a regular file instead
      const d = dir();
      writeFileSync(join(d, 'file'), 'x');
      const err = await openStore({ dataDir: join(d, 'file', 'pos') }).catch((e: unknown) => e);
      expect((err as PosError).code).toBe('STORAGE_READONLY');
      return;
    }
    const d = dir();
    chmodSync(d, 0o500);
    cleanups.push(() => chmodSync(d, 0o700));
    const err = await openStore({ dataDir: join(d, 'pos') }).catch((e: unknown) => e);
    expect((err as PosError).code).toBe('STORAGE_READONLY');
  });
});
