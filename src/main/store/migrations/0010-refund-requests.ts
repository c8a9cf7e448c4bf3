import { sql, type Kysely, type Migration } from 'kysely';

/**
 * A refund request's idempotency key from the till: the same "refund" pressed twice (a double
 * click, a retry after a lost answer) finds the first request instead of refunding again.
 */
export const m0010RefundRequests: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('refunds').addColumn('request_key', 'text').execute();
    await db.schema
      .createIndex('refunds_request_key')
      .on('refunds')
      .column('request_key')
      .unique()
      .where(sql.ref('request_key'), 'is not', null)
      .execute();
  },
};
