/**
 * Migration 0009-cash-sessions: migrate to the migration before it, insert an order with its
 * payment, migrate to 0009, assert the new tables and what the database itself enforces: one open
 * session per terminal, a closed session is final, moves only into an open session and never
 * changed, Z numbers unique and gapless per terminal, Z reports never changed or deleted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/main/store/db';
import { MIGRATION_NAMES } from '../../src/main/store/migrations';
import { tempDir } from '../support/temp';

const N = '0009-cash-sessions';
const PREVIOUS = MIGRATION_NAMES[MIGRATION_NAMES.indexOf(N) - 1]!;

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

describe(N, () => {
  it('adds cash sessions, moves and Z reports beside existing orders, with their rules in the database', async () => {
    expect(MIGRATION_NAMES).toContain(N);
    const t = tempDir('pos-db-0009-');
    cleanups.push(t.cleanup);
    let { store } = await openStore({ dataDir: t.dir, migrateTo: PREVIOUS });
    const db = () => store.sqlite;
    db()
      .prepare(
        `insert into orders (number, business_day, seq, status, clerk, terminal, subtotal_fen, line_discount_fen,
           order_discount_fen, total_fen, item_count, created_at, paid_at) values ('20261126-0001', '2026-11-26', 1, 'paid', 'c', 'T01', 300, 0, 0, 300, 1, 10, 20)`,
      )
      .run();
    db()
      .prepare(
        `insert into payment_attempts (order_id, method, mode, out_trade_no, amount_fen, state, tendered_fen, change_fen, created_at, updated_at, paid_at)
         values (1, 'cash', 'cash', '202611260001C1', 300, 'paid', 500, 200, 20, 20, 20)`,
      )
      .run();
    store.close();

    const next = await openStore({ dataDir: t.dir, migrateTo: N });
    store = next.store;
    expect(next.migration.applied).toEqual([N]);
    expect(next.migration.backup).not.toBeNull();
    expect(db().prepare('select number, status from orders').all()).toEqual([
      { number: '20261126-0001', status: 'paid' },
    ]);
    expect(db().prepare('select out_trade_no, amount_fen from payment_attempts').all()).toEqual([
      { out_trade_no: '202611260001C1', amount_fen: 300 },
    ]);

    const open = db().prepare(
      `insert into cash_sessions (terminal, business_day, status, opened_at, opened_by, float_fen) values (?, '2026-11-26', 'open', 100, 'clerk', ?)`,
    );
    open.run('T01', 20_000);
    // one open session per terminal; another terminal may have its own
    expect(() => open.run('T01', 0)).toThrow(/UNIQUE/);
    open.run('T02', 0);
    expect(() => open.run('T03', -1)).toThrow(/CHECK/);

    const move = db().prepare(
      `insert into cash_moves (session_id, kind, amount_fen, reason, at, actor) values (?, ?, ?, ?, 200, 'clerk')`,
    );
    move.run(1, 'in', 1000, 'change from the bank');
    expect(() => move.run(1, 'sideways', 1000, 'nope')).toThrow(/CHECK/);
    expect(() => move.run(1, 'out', 0, 'nothing at all')).toThrow(/CHECK/);
    expect(() => move.run(1, 'out', 100, '  ')).toThrow(/CHECK/);
    expect(() => db().prepare(`update cash_moves set amount_fen = 1`).run()).toThrow(/append-only/);
    expect(() => db().prepare(`delete from cash_moves`).run()).toThrow(/append-only/);

    const close = db().prepare(
      `update cash_sessions set status = 'closed', closed_at = 900, closed_by = 'owner', expected_fen = ?, counted_fen = ?, variance_fen = ?, variance_reason = ? where id = 1`,
    );
    // the variance must be counted − expected, and a non-zero one needs its reason
    expect(() => close.run(21_300, 21_000, 0, null)).toThrow(/CHECK/);
    expect(() => close.run(21_300, 21_000, -300, null)).toThrow(/CHECK/);
    expect(() => db().prepare(`update cash_sessions set status = 'closed' where id = 1`).run()).toThrow(/CHECK/);
    close.run(21_300, 21_000, -300, 'a 3 yuan coin fell behind the drawer');
    // a closed session is final, cannot be deleted, and takes no more moves
    expect(() =>
      db().prepare(`update cash_sessions set variance_reason = 'changed my mind' where id = 1`).run(),
    ).toThrow(/final/);
    expect(() => db().prepare(`delete from cash_sessions where id = 2`).run()).toThrow(/cannot be deleted/);
    expect(() => move.run(1, 'in', 100, 'too late for this')).toThrow(/open cash session/);
    // after the close, the terminal may open again
    open.run('T01', 0);

    const z = db().prepare(
      `insert into z_reports (session_id, terminal, seq, number, business_day, opened_at, closed_at, closed_by, sales_fen, net_fen, expected_fen, counted_fen, variance_fen, content)
       values (?, ?, ?, ?, '2026-11-26', 100, 900, 'owner', 300, 300, 21300, 21000, -300, '{}')`,
    );
    // gapless: the first Z of a terminal is 1, then 2, …
    expect(() => z.run(1, 'T01', 2, 'Z-T01-0002')).toThrow(/gapless/);
    z.run(1, 'T01', 1, 'Z-T01-0001');
    expect(() => z.run(1, 'T01', 2, 'Z-T01-0002')).toThrow(/UNIQUE/); // one Z per session
    expect(() => z.run(2, 'T01', 1, 'Z-T01-0001')).toThrow(/UNIQUE|gapless/);
    expect(() => z.run(2, 'T02', 1, 'Z-T01-0001')).toThrow(/UNIQUE/); // numbers are unique
    z.run(2, 'T02', 1, 'Z-T02-0001'); // each terminal counts its own
    expect(() => db().prepare(`update z_reports set counted_fen = 21300`).run()).toThrow(/append-only/);
    expect(() =>
      db().prepare(`update z_reports set content = '{"forged":true}' where number = 'Z-T01-0001'`).run(),
    ).toThrow(/append-only/);
    expect(() => db().prepare(`delete from z_reports`).run()).toThrow(/append-only/);
    expect(db().prepare('select number from z_reports order by id').all()).toEqual([
      { number: 'Z-T01-0001' },
      { number: 'Z-T02-0001' },
    ]);
    store.close();
  });
});
