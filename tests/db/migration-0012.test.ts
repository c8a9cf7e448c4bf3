/** Migration 0012: the record of restores from a damaged database and the marks on recovered rows, append-only. */
import { afterEach, expect, it } from 'vitest';
import { openStore } from '../../src/main/store/db';
import { tempDir } from '../support/temp';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

it('0012-data-restores: adds data_restores and recovered_rows, keeping existing rows; both refuse updates and deletes', async () => {
  const t = tempDir('pos-db-');
  cleanups.push(t.cleanup);
  const before = await openStore({ dataDir: t.dir, migrateTo: '0011-till-identity' });
  before.store.sqlite
    .prepare(
      `insert into orders (number, business_day, seq, status, clerk, terminal, subtotal_fen, line_discount_fen,
         order_discount_fen, total_fen, item_count, created_at) values ('20261126-0001', '2026-11-26', 1, 'paid', 'c', 't', 100, 0, 0, 100, 1, 0)`,
    )
    .run();
  before.store.close();
  const after = await openStore({ dataDir: t.dir, migrateTo: '0012-data-restores' });
  cleanups.push(() => after.store.close());
  expect(after.migration.applied).toEqual(['0012-data-restores']);
  const db = after.store.sqlite;
  expect(db.prepare('select number from orders').all()).toEqual([{ number: '20261126-0001' }]);
  db.prepare(
    `insert into data_restores (at, actor, approved_by, backup_file, backup_at, damaged_file, export_file, reentered, unreadable)
     values (1, '店长', null, 'counter-pos-daily-x.sqlite', 0, 'restores/x/damaged-counter-pos.sqlite', 'restores/x/sales-since-backup.json', '{}', '{}')`,
  ).run();
  const mark = db.prepare(
    `insert into recovered_rows (restore_id, table_name, row_id, action) values (?, 'orders', 1, ?)`,
  );
  mark.run(1, 'inserted');
  expect(() => mark.run(1, 'inserted')).toThrow(/UNIQUE|PRIMARY KEY/);
  expect(() => mark.run(1, 'guessed')).toThrow(/CHECK/);
  expect(() => mark.run(9, 'updated')).toThrow(/FOREIGN KEY/);
  expect(() => db.prepare(`update recovered_rows set action = 'updated'`).run()).toThrow(/append-only/);
  expect(() => db.prepare(`delete from recovered_rows`).run()).toThrow(/append-only/);
  expect(() => db.prepare(`update data_restores set actor = 'x'`).run()).toThrow(/append-only/);
  expect(() => db.prepare(`delete from data_restores`).run()).toThrow(/append-only/);
});
