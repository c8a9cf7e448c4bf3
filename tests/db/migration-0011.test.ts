/** Migration 0011: the till identity (an installation code for trade numbers) and foreign trades. */
import { afterEach, expect, it } from 'vitest';
import { openStore } from '../../src/main/store/db';
import { tempDir } from '../support/temp';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

it('0011-till-identity: gives an existing store a fresh installation code and leaves its payments alone', async () => {
  const t = tempDir('pos-db-');
  cleanups.push(t.cleanup);
  const before = await openStore({ dataDir: t.dir, migrateTo: '0010-refund-requests' });
  const db = before.store.sqlite;
  db.prepare(
    `insert into orders (number, business_day, seq, status, clerk, terminal, subtotal_fen, line_discount_fen,
       order_discount_fen, total_fen, item_count, created_at) values ('20261126-0001', '2026-11-26', 1, 'paid', 'c', 't', 100, 0, 0, 100, 1, 0)`,
  ).run();
  db.prepare(
    `insert into payment_attempts (order_id, method, mode, out_trade_no, amount_fen, state, created_at, updated_at)
     values (1, 'alipay', 'qr', '202611260001A1', 100, 'paid', 0, 0)`,
  ).run();
  before.store.close();
  const after = await openStore({ dataDir: t.dir, migrateTo: '0011-till-identity' });
  cleanups.push(() => after.store.close());
  expect(after.migration.applied).toEqual(['0011-till-identity']);
  const s = after.store.sqlite;
  const ids = s.prepare('select installation, reason from till_identity').all() as {
    installation: string;
    reason: string;
  }[];
  expect(ids).toHaveLength(1);
  expect(ids[0]).toMatchObject({ reason: 'migrated' });
  expect(ids[0]!.installation).toMatch(/^[0-9A-HJKMNP-TV-Z]{6}$/);
  expect(s.prepare('select out_trade_no, state, foreign_at from payment_attempts').all()).toEqual([
    { out_trade_no: '202611260001A1', state: 'paid', foreign_at: null },
  ]);
  // a code is never taken twice, and the history is never rewritten
  expect(() =>
    s
      .prepare(`insert into till_identity (installation, reason, created_at) values (?, 'collision', 0)`)
      .run(ids[0]!.installation),
  ).toThrow(/UNIQUE/);
  expect(() => s.prepare(`update till_identity set reason = 'new'`).run()).toThrow(/never changed/);
});

it('0011-till-identity: a new store starts with one identity, reason new', async () => {
  const t = tempDir('pos-db-');
  cleanups.push(t.cleanup);
  const { store } = await openStore({ dataDir: t.dir });
  cleanups.push(() => store.close());
  expect(store.sqlite.prepare('select reason from till_identity').all()).toEqual([{ reason: 'new' }]);
});
