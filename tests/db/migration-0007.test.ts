/**
 * Migration 0007-catalogue-stock: migrate to 0006, insert a catalogue, orders and refunds, migrate to
 * 0007, assert: stock starts at 0 and nothing else changes; stock_moves is append-only; the triggers
 * take stock when an order becomes paid (from open or cancelled, once) and put it back when a refund
 * with restock succeeds (inserted succeeded, or updated to succeeded), and never block a refund whose
 * lines are null or malformed.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/main/store/db';
import { tempDir } from '../support/temp';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function seed(db: BetterSqlite3.Database): void {
  db.prepare(
    `insert into categories (code, name_zh, name_en, color, sort) values ('x', '甲', 'X', '#000000', 0)`,
  ).run();
  const p = db.prepare(
    `insert into products (sku, barcode, name_zh, name_en, pinyin, pinyin_initials, category_id, price_fen, unit, created_at, updated_at)
     values (?, ?, ?, ?, '', '', 1, ?, '件', 0, 0)`,
  );
  p.run('A-1', '6901939621608', '可乐', 'Cola', 300);
  p.run('B-1', null, '薯片', 'Chips', 750);
  const o = db.prepare(
    `insert into orders (number, business_day, seq, status, clerk, terminal, subtotal_fen, line_discount_fen,
       order_discount_fen, total_fen, item_count, created_at, paid_at) values (?, '2026-11-26', ?, ?, '收银员 01', 't', 0, 0, 0, 0, 0, 5, ?)`,
  );
  o.run('20261126-0001', 1, 'paid', 10); // paid before the migration: took no stock
  o.run('20261126-0002', 2, 'open', null);
  o.run('20261126-0003', 3, 'cancelled', null);
  const l = db.prepare(
    `insert into order_lines (order_id, line_no, product_id, sku, barcode, name_zh, name_en, unit_price_fen, qty, gross_fen,
       line_discount_fen, order_discount_share_fen, total_fen) values (?, ?, ?, 'S', null, 'n', 'n', 1, ?, 0, 0, 0, 0)`,
  );
  l.run(1, 1, 1, 2);
  l.run(2, 1, 1, 3);
  l.run(2, 2, 2, 1);
  l.run(3, 1, 2, 4);
  const a = db.prepare(
    `insert into payment_attempts (order_id, method, mode, out_trade_no, amount_fen, state, created_at, updated_at) values (?, ?, ?, ?, 100, ?, 0, 0)`,
  );
  a.run(1, 'cash', 'cash', 'T1', 'paid');
  a.run(2, 'alipay', 'qr', 'T2', 'pending');
  a.run(3, 'wechat', 'qr', 'T3', 'closed');
}

const refund = (
  db: BetterSqlite3.Database,
  orderId: number,
  attemptId: number,
  no: string,
  state: string,
  restock: number,
  lines: string | null,
) =>
  Number(
    db
      .prepare(
        `insert into refunds (order_id, attempt_id, refund_no, method, amount_fen, trade_fen, state, reason, lines, restock, requested_by, created_at, updated_at, finished_at)
         values (?, ?, ?, 'cash', 100, 100, ?, 'r', ?, ?, '店长', 50, 50, ?)`,
      )
      .run(orderId, attemptId, no, state, lines, restock, state === 'succeeded' ? 60 : null).lastInsertRowid,
  );

describe('0007-catalogue-stock', () => {
  async function migrated(): Promise<Store> {
    const t = tempDir('pos-db-0007-');
    cleanups.push(t.cleanup);
    const before = await openStore({ dataDir: t.dir, migrateTo: '0006-reconciliation' });
    seed(before.store.sqlite);
    before.store.close();
    const next = await openStore({ dataDir: t.dir, migrateTo: '0007-catalogue-stock' });
    cleanups.push(() => next.store.close());
    expect(next.migration.applied).toEqual(['0007-catalogue-stock']);
    expect(next.migration.backup).not.toBeNull();
    return next.store;
  }
  const stock = (db: BetterSqlite3.Database) => db.prepare('select sku, stock from products order by id').all();
  const moves = (db: BetterSqlite3.Database) =>
    db
      .prepare(
        'select product_id, delta, reason, order_id, refund_id, actor, at, stock_after from stock_moves order by id',
      )
      .all();

  it('keeps the catalogue and orders, every product at stock 0, no moves for the past', async () => {
    const store = await migrated();
    const db = store.sqlite;
    expect(stock(db)).toEqual([
      { sku: 'A-1', stock: 0 },
      { sku: 'B-1', stock: 0 },
    ]);
    expect(db.prepare('select number, status from orders order by id').all()).toEqual([
      { number: '20261126-0001', status: 'paid' },
      { number: '20261126-0002', status: 'open' },
      { number: '20261126-0003', status: 'cancelled' },
    ]);
    expect(moves(db)).toEqual([]);
  });

  it('stock_moves is append-only and checks its reason and delta', async () => {
    const db = (await migrated()).sqlite;
    const ins = db.prepare(
      `insert into stock_moves (product_id, delta, reason, actor, at, stock_after) values (1, ?, ?, 'o', 0, 0)`,
    );
    ins.run(5, 'adjustment');
    expect(() => ins.run(0, 'adjustment')).toThrow(/CHECK/);
    expect(() => ins.run(1, 'theft')).toThrow(/CHECK/);
    expect(() =>
      db
        .prepare(
          `insert into stock_moves (product_id, delta, reason, actor, at, stock_after) values (99, 1, 'import', 'o', 0, 0)`,
        )
        .run(),
    ).toThrow(/FOREIGN KEY/);
    expect(() => db.prepare(`update stock_moves set delta = 6`).run()).toThrow(/append-only/);
    expect(() => db.prepare(`delete from stock_moves`).run()).toThrow(/append-only/);
  });

  it('an order becoming paid takes its lines off the shelf, once, whoever marks it', async () => {
    const db = (await migrated()).sqlite;
    db.prepare(`update orders set status = 'paid', paid_at = 1000 where id = 2`).run();
    expect(stock(db)).toEqual([
      { sku: 'A-1', stock: -3 },
      { sku: 'B-1', stock: -1 },
    ]);
    expect(moves(db)).toEqual([
      {
        product_id: 1,
        delta: -3,
        reason: 'sale',
        order_id: 2,
        refund_id: null,
        actor: '收银员 01',
        at: 1000,
        stock_after: -3,
      },
      {
        product_id: 2,
        delta: -1,
        reason: 'sale',
        order_id: 2,
        refund_id: null,
        actor: '收银员 01',
        at: 1000,
        stock_after: -1,
      },
    ]);
    // later transitions take nothing more
    db.prepare(`update orders set status = 'partially_refunded' where id = 2`).run();
    db.prepare(`update orders set status = 'paid' where id = 2`).run();
    expect(moves(db)).toHaveLength(2);
    // late money accepted on a cancelled order is a sale too
    db.prepare(`update orders set status = 'paid', paid_at = 2000 where id = 3`).run();
    expect(stock(db)).toEqual([
      { sku: 'A-1', stock: -3 },
      { sku: 'B-1', stock: -5 },
    ]);
    // an order updated without becoming paid takes nothing
    db.prepare(`update orders set clerk = 'x' where id = 1`).run();
    expect(moves(db)).toHaveLength(3);
  });

  it('a succeeded refund with restock puts its lines back; by amount, without restock, or malformed, it does not and still succeeds', async () => {
    const db = (await migrated()).sqlite;
    db.prepare(`update orders set status = 'paid', paid_at = 1000 where id = 2`).run();
    // cash: inserted succeeded
    const r1 = refund(db, 2, 2, 'R1', 'succeeded', 1, JSON.stringify([{ lineNo: 1, qty: 2, amountFen: 600 }]));
    expect(stock(db)).toEqual([
      { sku: 'A-1', stock: -1 },
      { sku: 'B-1', stock: -1 },
    ]);
    expect(moves(db).at(-1)).toEqual({
      product_id: 1,
      delta: 2,
      reason: 'refund_restock',
      order_id: 2,
      refund_id: r1,
      actor: '店长',
      at: 60,
      stock_after: -1,
    });
    // intermediary: requested, then succeeded
    const r2 = refund(db, 2, 2, 'R2', 'requested', 1, JSON.stringify([{ lineNo: 2, qty: 1, amountFen: 750 }]));
    expect(stock(db)).toEqual([
      { sku: 'A-1', stock: -1 },
      { sku: 'B-1', stock: -1 },
    ]);
    db.prepare(`update refunds set state = 'pending' where id = ?`).run(r2);
    db.prepare(`update refunds set state = 'succeeded', finished_at = 70 where id = ?`).run(r2);
    expect(stock(db)).toEqual([
      { sku: 'A-1', stock: -1 },
      { sku: 'B-1', stock: 0 },
    ]);
    // updating a succeeded refund again restocks nothing more
    db.prepare(`update refunds set state = 'succeeded', updated_at = 80 where id = ?`).run(r2);
    expect(stock(db)).toEqual([
      { sku: 'A-1', stock: -1 },
      { sku: 'B-1', stock: 0 },
    ]);
    const count = moves(db).length;
    // by amount, no restock, failed, malformed: the refund is written, stock untouched
    refund(db, 2, 2, 'R3', 'succeeded', 1, null);
    refund(db, 2, 2, 'R4', 'succeeded', 0, JSON.stringify([{ lineNo: 1, qty: 1, amountFen: 300 }]));
    refund(db, 2, 2, 'R5', 'failed', 1, JSON.stringify([{ lineNo: 1, qty: 1, amountFen: 300 }]));
    refund(db, 2, 2, 'R6', 'succeeded', 1, 'not json');
    refund(db, 2, 2, 'R7', 'succeeded', 1, '{"lineNo": 1, "qty": 1}');
    refund(
      db,
      2,
      2,
      'R8',
      'succeeded',
      1,
      '[1, "x", null, {"lineNo": "a", "qty": 1}, {"lineNo": 9, "qty": 1}, {"lineNo": 1, "qty": -4}]',
    );
    const r9 = refund(db, 2, 2, 'R9', 'requested', 1, '[{"lineNo": 1, "qty": "lots"}]');
    db.prepare(`update refunds set state = 'succeeded' where id = ?`).run(r9);
    expect(db.prepare(`select count(*) n from refunds where state = 'succeeded'`).get()).toEqual({ n: 8 });
    expect(moves(db)).toHaveLength(count);
    expect(stock(db)).toEqual([
      { sku: 'A-1', stock: -1 },
      { sku: 'B-1', stock: 0 },
    ]);
  });

  it('a refund of an order paid before stock was counted restocks nothing', async () => {
    const db = (await migrated()).sqlite;
    refund(db, 1, 1, 'R1', 'succeeded', 1, JSON.stringify([{ lineNo: 1, qty: 2, amountFen: 600 }]));
    expect(moves(db)).toEqual([]);
    expect(stock(db)).toEqual([
      { sku: 'A-1', stock: 0 },
      { sku: 'B-1', stock: 0 },
    ]);
  });
});
