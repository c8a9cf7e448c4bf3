/** Migration 0010: refunds get the till's idempotency key, unique when present. */
import { afterEach, expect, it } from 'vitest';
import { openStore } from '../../src/main/store/db';
import { tempDir } from '../support/temp';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

it('0010-refund-requests: adds a unique request key to existing refunds, keeping them', async () => {
  const t = tempDir('pos-db-');
  cleanups.push(t.cleanup);
  const before = await openStore({ dataDir: t.dir, migrateTo: '0006-reconciliation' });
  const db = before.store.sqlite;
  db.prepare(
    `insert into orders (number, business_day, seq, status, clerk, terminal, subtotal_fen, line_discount_fen,
       order_discount_fen, total_fen, item_count, created_at) values ('20261126-0001', '2026-11-26', 1, 'paid', 'c', 't', 100, 0, 0, 100, 1, 0)`,
  ).run();
  db.prepare(
    `insert into payment_attempts (order_id, method, mode, out_trade_no, amount_fen, state, created_at, updated_at)
     values (1, 'alipay', 'qr', 'A1', 100, 'paid', 0, 0)`,
  ).run();
  db.prepare(
    `insert into refunds (order_id, attempt_id, refund_no, method, amount_fen, trade_fen, state, requested_by, created_at, updated_at)
     values (1, 1, 'A1R1', 'alipay', 50, 100, 'succeeded', 'o', 0, 0)`,
  ).run();
  before.store.close();
  const after = await openStore({ dataDir: t.dir, migrateTo: '0010-refund-requests' });
  cleanups.push(() => after.store.close());
  expect(after.migration.applied).toContain('0010-refund-requests');
  const s = after.store.sqlite;
  expect(s.prepare('select refund_no, request_key from refunds').all()).toEqual([
    { refund_no: 'A1R1', request_key: null },
  ]);
  const insert = s.prepare(
    `insert into refunds (order_id, attempt_id, refund_no, method, amount_fen, trade_fen, state, requested_by, created_at, updated_at, request_key)
     values (1, 1, ?, 'alipay', 10, 100, 'requested', 'o', 0, 0, ?)`,
  );
  insert.run('A1R2', 'key-00000001');
  insert.run('A1R3', null);
  insert.run('A1R4', null);
  expect(() => insert.run('A1R5', 'key-00000001')).toThrow(/UNIQUE/);
});
