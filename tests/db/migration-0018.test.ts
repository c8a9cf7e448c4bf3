/** Migration 0018: cart and order lines learn the scale label they were sold from; existing lines keep theirs. */
import { afterEach, expect, it } from 'vitest';
import { openStore } from '../../src/main/store/db';
import { MIGRATION_NAMES } from '../../src/main/store/migrations';
import { tempDir } from '../support/temp';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

it('0018-scale-labels: keeps every cart line, allows two label lines of one product, one catalogue line only', async () => {
  const t = tempDir('pos-db-');
  cleanups.push(t.cleanup);
  const before = await openStore({
    dataDir: t.dir,
    migrateTo: MIGRATION_NAMES[MIGRATION_NAMES.indexOf('0018-scale-labels') - 1],
  });
  const db = before.store.sqlite;
  db.prepare(
    `insert into categories (code, name_zh, name_en, color, sort) values ('fru', '水果', 'Fruit', '#336699', 1)`,
  ).run();
  db.prepare(
    `insert into products (sku, barcode, name_zh, name_en, pinyin, pinyin_initials, category_id, price_fen, unit, active, created_at, updated_at)
     values ('00123', null, '苹果', 'Apples', 'pingguo', 'pg', 1, 1280, 'kg', 1, 0, 0)`,
  ).run();
  db.prepare(`insert into carts (status, created_at, updated_at) values ('active', 0, 0)`).run();
  db.prepare(
    `insert into cart_lines (cart_id, product_id, qty, discount_kind, discount_value, discount_approved_ppm, position)
     values (1, 1, 3, 'amount', 100, 5000, 1)`,
  ).run();
  before.store.close();

  const after = await openStore({ dataDir: t.dir, migrateTo: '0018-scale-labels' });
  cleanups.push(() => after.store.close());
  expect(after.migration.applied).toEqual(['0018-scale-labels']);
  const s = after.store.sqlite;
  expect(s.prepare('select * from cart_lines').all()).toEqual([
    {
      id: 1,
      cart_id: 1,
      product_id: 1,
      qty: 3,
      discount_kind: 'amount',
      discount_value: 100,
      position: 1,
      discount_approved_ppm: 5000,
      label_code: null,
      label_price_fen: null,
      label_weight_g: null,
    },
  ]);
  // one catalogue-priced line per product, as before
  expect(() =>
    s.prepare(`insert into cart_lines (cart_id, product_id, qty, position) values (1, 1, 1, 2)`).run(),
  ).toThrow(/UNIQUE/);
  // any number of label lines
  const label = s.prepare(
    `insert into cart_lines (cart_id, product_id, qty, position, label_code, label_price_fen, label_weight_g) values (1, 1, 1, ?, '2100123005236', 669, 523)`,
  );
  label.run(2);
  label.run(3);
  // a label line always has its price
  expect(() =>
    s.prepare(`insert into cart_lines (cart_id, product_id, qty, position, label_code) values (1, 1, 1, 4, 'x')`).run(),
  ).toThrow(/CHECK/);
  // the cascade from carts still holds
  s.prepare('delete from carts where id = 1').run();
  expect(s.prepare('select count(*) as n from cart_lines').get()).toEqual({ n: 0 });
  expect(s.prepare('select label_code, label_weight_g from order_lines').all()).toEqual([]);
});
