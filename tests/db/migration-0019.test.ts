/**
 * Migration 0019: the print queue's lookup by kind and title is indexed; the queue's reads of owed jobs go
 * through the partial index; a job that reached the printer drops its bytes (a receipt's size a sale).
 */
import { afterEach, expect, it } from 'vitest';
import { openStore } from '../../src/main/store/db';
import { MIGRATION_NAMES } from '../../src/main/store/migrations';
import { ManualClock } from '../../src/main/core/clock';
import { jobByTitleQuery, pendingJobsQuery, PrintQueue } from '../../src/main/core/hardware/print-queue';
import { tempDir } from '../support/temp';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

it('0019-print-job-lookups: indexes (kind, title); a sent job keeps no bytes, a failed one keeps them', async () => {
  const t = tempDir('pos-db-');
  cleanups.push(t.cleanup);
  const before = await openStore({
    dataDir: t.dir,
    migrateTo: MIGRATION_NAMES[MIGRATION_NAMES.indexOf('0019-print-job-lookups') - 1],
  });
  before.store.sqlite
    .prepare(`insert into print_jobs (kind, title, payload, state, created_at, updated_at) values (?, ?, ?, ?, 1, 1)`)
    .run('refund', 'R1', Buffer.from([0x1b, 0x40]), 'sent');
  before.store.close();
  const after = await openStore({ dataDir: t.dir, migrateTo: '0019-print-job-lookups' });
  cleanups.push(() => after.store.close());
  expect(after.migration.applied).toEqual(['0019-print-job-lookups']);
  const { store } = after;
  const plan = (q: { compile(): { sql: string; parameters: readonly unknown[] } }) => {
    const c = q.compile();
    return (store.sqlite.prepare(`EXPLAIN QUERY PLAN ${c.sql}`).all(...c.parameters) as { detail: string }[])
      .map((r) => r.detail)
      .join('; ');
  };
  expect(plan(jobByTitleQuery(store.kysely, 'refund', 'R1'))).toContain('print_jobs_kind_title');
  expect(plan(pendingJobsQuery(store.kysely))).toContain('print_jobs_open');

  const queue = new PrintQueue(store, new ManualClock(1_000), () => undefined);
  expect(queue.has('refund', 'R1')).toBe(true);
  expect(queue.has('refund', 'R2')).toBe(false);
  const ok = queue.add('receipt', 'A1', null, new Uint8Array([1, 2, 3]));
  const bad = queue.add('receipt', 'A2', null, new Uint8Array([4, 5, 6]));
  await queue.drain(async (bytes) => {
    if (bytes[0] === 4) throw new Error('paper out');
  });
  const payload = (id: number) =>
    (store.sqlite.prepare('select payload, state from print_jobs where id = ?').get(id) as {
      payload: Buffer;
      state: string;
    }) ?? null;
  expect(payload(ok)).toEqual({ payload: Buffer.alloc(0), state: 'sent' });
  expect(payload(bad)).toEqual({ payload: Buffer.from([4, 5, 6]), state: 'failed' });
  expect(queue.owed().map((j) => j.title)).toEqual(['A2']);
});
