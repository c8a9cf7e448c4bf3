/** Migration 0016: the print queue's table, on an existing store (its rows kept), with its checks and indexes. */
import { afterEach, expect, it } from 'vitest';
import { openStore } from '../../src/main/store/db';
import { MIGRATION_NAMES } from '../../src/main/store/migrations';
import { tempDir } from '../support/temp';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

it('0016-print-jobs: adds the print queue; a job keeps its bytes; unknown states and kinds are refused', async () => {
  const t = tempDir('pos-db-');
  cleanups.push(t.cleanup);
  const before = await openStore({
    dataDir: t.dir,
    migrateTo: MIGRATION_NAMES[MIGRATION_NAMES.indexOf('0016-print-jobs') - 1],
  });
  const hasTable = (db: typeof before.store.sqlite) =>
    db.prepare(`select count(*) as n from sqlite_master where type = 'table' and name = 'print_jobs'`).get() as {
      n: number;
    };
  expect(hasTable(before.store.sqlite).n).toBe(0);
  before.store.close();
  const after = await openStore({ dataDir: t.dir, migrateTo: '0016-print-jobs' });
  cleanups.push(() => after.store.close());
  expect(after.migration.applied).toEqual(['0016-print-jobs']);
  const s = after.store.sqlite;
  const insert = s.prepare(
    `insert into print_jobs (kind, title, payload, state, created_at, updated_at) values (?, 'T', ?, ?, 1, 1)`,
  );
  insert.run('receipt', Buffer.from([0x1b, 0x40, 0xc4, 0xe3]), 'pending');
  expect(s.prepare('select payload, attempts, cause from print_jobs').get()).toEqual({
    payload: Buffer.from([0x1b, 0x40, 0xc4, 0xe3]),
    attempts: 0,
    cause: null,
  });
  expect(() => insert.run('receipt', Buffer.from([1]), 'lost')).toThrow(/CHECK/);
  expect(() => insert.run('poster', Buffer.from([1]), 'pending')).toThrow(/CHECK/);
  const plan = (sql: string) =>
    (s.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join('; ');
  expect(plan(`select id from print_jobs where state in ('pending', 'sending', 'failed') order by id`)).toContain(
    'print_jobs_open',
  );
  expect(plan(`select id from print_jobs where order_id = 1`)).toContain('print_jobs_order');
});
