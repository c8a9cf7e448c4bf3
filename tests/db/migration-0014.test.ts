/** Migration 0014: indexes for the hot queries (tests/db/query-plans.test.ts), on an existing store. */
import { afterEach, expect, it } from 'vitest';
import { openStore } from '../../src/main/store/db';
import { MIGRATION_NAMES } from '../../src/main/store/migrations';
import { tempDir } from '../support/temp';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

it('0014-hot-indexes: indexes the open payments, refunds by payment, audit rows by subject and reconciliation items by payment and refund', async () => {
  const t = tempDir('pos-db-');
  cleanups.push(t.cleanup);
  const before = await openStore({
    dataDir: t.dir,
    migrateTo: MIGRATION_NAMES[MIGRATION_NAMES.indexOf('0014-hot-indexes') - 1],
  });
  const db = before.store.sqlite;
  db.prepare(
    `insert into orders (number, business_day, seq, status, clerk, terminal, subtotal_fen, line_discount_fen,
       order_discount_fen, total_fen, item_count, created_at) values ('20261126-0001', '2026-11-26', 1, 'open', 'c', 't', 100, 0, 0, 100, 1, 0)`,
  ).run();
  db.prepare(
    `insert into payment_attempts (order_id, method, mode, out_trade_no, amount_fen, state, created_at, updated_at) values (1, 'alipay', 'qr', 'A1', 100, 'pending', 5, 5)`,
  ).run();
  before.store.close();
  const after = await openStore({ dataDir: t.dir, migrateTo: '0014-hot-indexes' });
  cleanups.push(() => after.store.close());
  expect(after.migration.applied).toEqual(['0014-hot-indexes']);
  const s = after.store.sqlite;
  const plan = (sql: string) =>
    (s.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join('; ');
  expect(
    plan(
      `select * from payment_attempts where state in ('created', 'pending') and method != 'cash' order by created_at`,
    ),
  ).toContain('payment_attempts_open');
  expect(plan(`select count(*) from refunds where attempt_id = 1`)).toContain('refunds_attempt');
  expect(plan(`select count(*) from audit_log where subject = 'Z-T01-0001'`)).toContain('audit_log_subject');
  expect(plan(`select id from recon_items where refund_id = 1`)).toContain('recon_items_refund');
  expect(plan(`select id from recon_items where attempt_id = 1`)).toContain('recon_items_attempt');
  expect(s.prepare('select out_trade_no, state from payment_attempts').all()).toEqual([
    { out_trade_no: 'A1', state: 'pending' },
  ]);
});
