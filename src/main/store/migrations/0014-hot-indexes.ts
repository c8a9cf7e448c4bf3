import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Indexes for queries that run on a timer or a clerk's action and scanned a large table
 * (tests/db/query-plans.test.ts):
 * - `payment_attempts_open`: the open payments by age (To check), over the open few rows only;
 * - `refunds_attempt`: what was refunded of a payment (refund quotes and refunds);
 * - `audit_log_subject`: how often a Z was printed (COPY on a reprint);
 * - `recon_items_refund`, `recon_items_attempt`: the child side of their foreign keys, so a refund or
 *   payment row never makes SQLite look through every reconciliation item.
 */
export const m0014HotIndexes: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('payment_attempts_open')
      .on('payment_attempts')
      .column('created_at')
      .where(sql.ref('state'), 'in', ['created', 'pending'])
      .execute();
    await db.schema.createIndex('refunds_attempt').on('refunds').column('attempt_id').execute();
    await db.schema.createIndex('audit_log_subject').on('audit_log').column('subject').execute();
    await db.schema
      .createIndex('recon_items_refund')
      .on('recon_items')
      .column('refund_id')
      .where(sql.ref('refund_id'), 'is not', null)
      .execute();
    await db.schema
      .createIndex('recon_items_attempt')
      .on('recon_items')
      .column('attempt_id')
      .where(sql.ref('attempt_id'), 'is not', null)
      .execute();
  },
};
