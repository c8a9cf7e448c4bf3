/** Migration 0013: carts remember the share of each discount the owner approved; existing carts keep theirs, with nothing approved. */
import { afterEach, expect, it } from 'vitest';
import { openStore } from '../../src/main/store/db';
import { MIGRATION_NAMES } from '../../src/main/store/migrations';
import { tempDir } from '../support/temp';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

it('0013-discount-approvals: adds the approved shares to carts and cart lines, keeping every cart and its discounts', async () => {
  const t = tempDir('pos-db-');
  cleanups.push(t.cleanup);
  const before = await openStore({
    dataDir: t.dir,
    migrateTo: MIGRATION_NAMES[MIGRATION_NAMES.indexOf('0013-discount-approvals') - 1],
  });
  const db = before.store.sqlite;
  db.prepare(
    `insert into categories (code, name_zh, name_en, color, sort) values ('dri', '饮料', 'Drinks', '#336699', 1)`,
  ).run();
  db.prepare(
    `insert into products (sku, barcode, name_zh, name_en, pinyin, pinyin_initials, category_id, price_fen, unit, active, created_at, updated_at)
     values ('DRI-001', null, '可乐', 'Cola', 'kele', 'kl', 1, 300, '瓶', 1, 0, 0)`,
  ).run();
  db.prepare(
    `insert into carts (status, label, order_discount_kind, order_discount_value, created_at, updated_at) values ('parked', 'x', 'percent', 50, 0, 0)`,
  ).run();
  db.prepare(
    `insert into cart_lines (cart_id, product_id, qty, discount_kind, discount_value, position) values (1, 1, 3, 'amount', 100, 1)`,
  ).run();
  before.store.close();

  const after = await openStore({ dataDir: t.dir, migrateTo: '0013-discount-approvals' });
  cleanups.push(() => after.store.close());
  expect(after.migration.applied).toEqual(['0013-discount-approvals']);
  const s = after.store.sqlite;
  expect(
    s.prepare('select order_discount_kind, order_discount_value, order_discount_approved_ppm from carts').all(),
  ).toEqual([{ order_discount_kind: 'percent', order_discount_value: 50, order_discount_approved_ppm: null }]);
  expect(s.prepare('select qty, discount_kind, discount_value, discount_approved_ppm from cart_lines').all()).toEqual([
    { qty: 3, discount_kind: 'amount', discount_value: 100, discount_approved_ppm: null },
  ]);
  s.prepare('update cart_lines set discount_approved_ppm = 111112').run();
  expect(s.prepare('select discount_approved_ppm from cart_lines').get()).toEqual({ discount_approved_ppm: 111112 });
});
