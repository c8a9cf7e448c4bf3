import type { Kysely, Migration } from 'kysely';

/**
 * `print_jobs` grows with every receipt (one row a sale where a printer is set), so its lookups need
 * an index like any table that ages (tests/db/query-plans.test.ts):
 * - `print_jobs_kind_title`: whether a slip of this kind and title was ever written (a refund
 *   answered twice prints one slip, core/refunds/handlers.ts), on every refund's answer.
 * The owed jobs (pending, sending, failed) are read through `print_jobs_open` (0016), which the
 * queue's queries now reach with literal states (core/hardware/print-queue.ts).
 */
export const m0019PrintJobLookups: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.createIndex('print_jobs_kind_title').on('print_jobs').columns(['kind', 'title']).execute();
  },
};
