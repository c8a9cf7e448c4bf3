import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The receipt printer's durable queue (core/hardware/print-queue.ts). A job's ESC/POS bytes are
 * written here before they are sent; `state`: `pending` (written, never handed to the printer),
 * `sending` (handed over, not yet acknowledged), `sent`, `failed` (kept and offered again, `cause`
 * says why) or `dismissed`. `order_id` ties a receipt to its order: a later print of it is a reprint.
 */
export const m0016PrintJobs: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('print_jobs')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('kind', 'text', (c) =>
        c.notNull().check(sql`kind in ('receipt', 'reprint', 'refund', 'x', 'z', 'move', 'test')`),
      )
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('order_id', 'integer', (c) => c.references('orders.id'))
      .addColumn('payload', 'blob', (c) => c.notNull())
      .addColumn('state', 'text', (c) =>
        c.notNull().check(sql`state in ('pending', 'sending', 'sent', 'failed', 'dismissed')`),
      )
      .addColumn('cause', 'text')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'integer', (c) => c.notNull())
      .execute();
    // the jobs still owed (pending, sending, failed) are few: the start-up and the clerk's list read only them
    await db.schema
      .createIndex('print_jobs_open')
      .on('print_jobs')
      .column('id')
      .where(sql.ref('state'), 'in', ['pending', 'sending', 'failed'])
      .execute();
    await db.schema.createIndex('print_jobs_order').on('print_jobs').column('order_id').execute();
  },
};
