/**
 * Migration 0021: split tender. On an existing store: the one-paid-attempt-per-order index goes (a
 * split order holds its money in several parts), the report triggers count a split order's parts each
 * under its method, and a store's existing sales keep their summary rows.
 */
import { afterEach, expect, it } from 'vitest';
import { openStore } from '../../src/main/store/db';
import { MIGRATION_NAMES } from '../../src/main/store/migrations';
import { tempDir } from '../support/temp';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

const THIS = '0021-split-tender';

it('0021-split-tender: two paid parts of one order are allowed and counted each under its method; old sales keep their rows', async () => {
  const t = tempDir('pos-db-');
  cleanups.push(t.cleanup);
  const before = await openStore({ dataDir: t.dir, migrateTo: MIGRATION_NAMES[MIGRATION_NAMES.indexOf(THIS) - 1] });
  const db = before.store.sqlite;
  const order = (seq: number, status: string) =>
    db
      .prepare(
        `insert into orders (number, business_day, seq, status, clerk, terminal, subtotal_fen, line_discount_fen,
           order_discount_fen, total_fen, item_count, created_at) values (?, '2026-11-26', ?, ?, 'c', 'T01', 1100, 100, 0, 1000, 2, 0)`,
      )
      .run(`20261126-000${seq}`, seq, status).lastInsertRowid;
  const attempt = (orderId: number | bigint, method: string, no: string, fen: number, state = 'paid') =>
    db
      .prepare(
        `insert into payment_attempts (order_id, method, mode, out_trade_no, amount_fen, state, created_at, updated_at, paid_at)
         values (?, ?, ?, ?, ?, ?, 5, 5, 5)`,
      )
      .run(orderId, method, method === 'cash' ? 'cash' : 'qr', no, fen, state);
  // an old cash sale, paid before the migration
  const old = order(1, 'open');
  attempt(old, 'cash', 'C1', 1000);
  db.prepare(`update orders set status = 'paid', paid_at = 5 where id = ?`).run(old);
  // before: a second paid attempt on one order is refused by the index
  const o2 = order(2, 'open');
  attempt(o2, 'cash', 'C2', 400);
  expect(() => attempt(o2, 'alipay', 'A2', 600)).toThrow(/UNIQUE/);
  const rows = () =>
    db.prepare(`select method, orders, items, gross_fen, discount_fen from report_sales_day order by method`).all();
  const oldRows = rows();
  expect(oldRows).toEqual([{ method: 'cash', orders: 1, items: 2, gross_fen: 1100, discount_fen: 100 }]);
  before.store.close();

  const after = await openStore({ dataDir: t.dir, migrateTo: THIS });
  cleanups.push(() => after.store.close());
  expect(after.migration.applied).toEqual([THIS]);
  const s = after.store.sqlite;
  const day = () =>
    s.prepare(`select method, orders, items, gross_fen, discount_fen from report_sales_day order by method`).all();
  expect(day(), 'the old sale keeps its row').toEqual(oldRows);
  // the rest of order 2 by Alipay: allowed now; the order paid counts ¥4 cash and ¥6 Alipay, the order once
  s.prepare(
    `insert into payment_attempts (order_id, method, mode, out_trade_no, amount_fen, state, created_at, updated_at, paid_at)
     values (?, 'alipay', 'qr', 'A2', 600, 'paid', 6, 6, 6)`,
  ).run(o2);
  s.prepare(`update orders set status = 'paid', paid_at = 6 where id = ?`).run(o2);
  expect(day()).toEqual([
    { method: 'alipay', orders: 1, items: 2, gross_fen: 1100 - Math.floor((1100 * 400) / 1000), discount_fen: 60 },
    // the old sale (1000) and the cash part (400): gross 440 (1100 × 400 ÷ 1000), discount 40
    { method: 'cash', orders: 1, items: 2, gross_fen: 1100 + 440, discount_fen: 100 + 40 },
  ]);
  // a refund of the Alipay part counts under Alipay
  s.prepare(
    `insert into refunds (order_id, attempt_id, refund_no, method, amount_fen, trade_fen, state, requested_by, created_at, updated_at, finished_at)
     values (?, (select id from payment_attempts where out_trade_no = 'A2'), 'R1', 'alipay', 100, 600, 'succeeded', 'owner', 7, 7, 7)`,
  ).run(o2);
  expect(s.prepare(`select method, refund_fen from report_sales_day where refund_fen <> 0`).all()).toEqual([
    { method: 'alipay', refund_fen: 100 },
  ]);
});
