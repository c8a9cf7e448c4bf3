/**
 * Migration 0006-reconciliation: migrate to 0005, insert rows, migrate to 0006, assert the new tables,
 * their constraints (one run per provider, day and statement hash; append-only lines; a resolved item
 * is final) and that existing payments and refunds are kept.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/main/store/db';
import { tempDir } from '../support/temp';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

describe('0006-reconciliation', () => {
  it('adds runs, lines and items beside existing payments and refunds', async () => {
    const t = tempDir('pos-db-0006-');
    cleanups.push(t.cleanup);
    let { store } = await openStore({ dataDir: t.dir, migrateTo: '0005-users-audit-refunds' });
    const db = () => store.sqlite;
    db()
      .prepare(
        `insert into orders (number, business_day, seq, status, clerk, terminal, subtotal_fen, line_discount_fen,
           order_discount_fen, total_fen, item_count, created_at) values ('20261126-0001', '2026-11-26', 1, 'paid', 'c', 't', 1050, 0, 0, 1050, 2, 0)`,
      )
      .run();
    db()
      .prepare(
        `insert into payment_attempts (order_id, method, mode, out_trade_no, amount_fen, state, created_at, updated_at, paid_at)
         values (1, 'alipay', 'qr', '202611260001A1', 1050, 'partially_refunded', 100, 200, 150)`,
      )
      .run();
    db()
      .prepare(
        `insert into refunds (order_id, attempt_id, refund_no, method, amount_fen, trade_fen, state, requested_by, created_at, updated_at, finished_at)
         values (1, 1, '202611260001A1R1', 'alipay', 500, 1050, 'succeeded', 'owner', 300, 300, 310)`,
      )
      .run();
    store.close();

    const next = await openStore({ dataDir: t.dir, migrateTo: '0006-reconciliation' });
    store = next.store;
    expect(next.migration.applied).toEqual(['0006-reconciliation']);
    expect(next.migration.backup).not.toBeNull();
    expect(db().prepare('select out_trade_no, state, paid_at from payment_attempts').all()).toEqual([
      { out_trade_no: '202611260001A1', state: 'partially_refunded', paid_at: 150 },
    ]);
    expect(db().prepare('select refund_no, finished_at from refunds').all()).toEqual([
      { refund_no: '202611260001A1R1', finished_at: 310 },
    ]);
    const indexes = (
      db().prepare(`select name from sqlite_master where type = 'index'`).all() as { name: string }[]
    ).map((r) => r.name);
    expect(indexes).toEqual(
      expect.arrayContaining([
        'payment_attempts_paid_at',
        'payment_attempts_created_at',
        'refunds_finished_at',
        'recon_lines_trade',
      ]),
    );

    const run = db().prepare(
      `insert into recon_runs (provider, day, sha256, status, trigger, actor, started_at) values (?, '2026-11-26', ?, ?, 'manual', 'owner', 0)`,
    );
    run.run('alipay', 'aa', 'imported');
    // the same statement twice is refused by the database too
    expect(() => run.run('alipay', 'aa', 'imported')).toThrow(/UNIQUE/);
    run.run('wechat', 'aa', 'imported');
    // refused downloads carry no hash and may repeat
    run.run('alipay', null, 'refused');
    run.run('alipay', null, 'refused');
    expect(() => run.run('paypal', 'bb', 'imported')).toThrow(/CHECK/);
    expect(() => run.run('alipay', 'cc', 'bogus')).toThrow(/CHECK/);

    const line = db().prepare(
      `insert into recon_lines (run_id, line_no, type, out_trade_no, amount_fen, fee_fen, status) values (1, 1, ?, '202611260001A1', ?, 6, 'SUCCESS')`,
    );
    line.run('payment', 1050);
    expect(() => line.run('payment', -1)).toThrow(/CHECK/);
    expect(() => line.run('chargeback', 1)).toThrow(/CHECK/);
    expect(() => db().prepare(`update recon_lines set amount_fen = 1`).run()).toThrow(/append-only/);
    expect(() => db().prepare(`delete from recon_lines`).run()).toThrow(/append-only/);

    const item = db().prepare(
      `insert into recon_items (run_id, category, out_trade_no, attempt_id, detail, opened_at) values (1, ?, '202611260001A1', 1, '{"reason":"amount"}', 0)`,
    );
    item.run('amount_mismatch');
    expect(() => item.run('lost_in_the_post')).toThrow(/CHECK/);
    // a resolution needs its time and vice versa
    expect(() => db().prepare(`update recon_items set resolution = 'accepted' where id = 1`).run()).toThrow(/CHECK/);
    db()
      .prepare(
        `update recon_items set resolved_at = 5, resolution = 'accepted', note = 'checked', resolved_by = 'owner' where id = 1`,
      )
      .run();
    expect(() => db().prepare(`update recon_items set note = 'changed' where id = 1`).run()).toThrow(/final/);
    expect(() => db().prepare(`delete from recon_items`).run()).toThrow(/cannot be deleted/);
    expect(() =>
      db()
        .prepare(
          `insert into recon_items (run_id, category, out_trade_no, detail, opened_at) values (99, 'fee_mismatch', 'x', '{}', 0)`,
        )
        .run(),
    ).toThrow(/FOREIGN KEY/);
    store.close();
  });
});
