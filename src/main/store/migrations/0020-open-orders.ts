import { sql, type Kysely, type Migration } from 'kysely';

/**
 * `orders_open`: the unpaid orders by when they were created, for the owner's tidy-up of abandoned
 * ones (core/sales/tidy.ts). Partial: a store keeps every order it ever sold, and only the few still
 * open belong here, so "unpaid and older than N hours" never walks the paid history.
 */
export const m0020OpenOrders: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('orders_open')
      .on('orders')
      .column('created_at')
      .where(sql.ref('status'), '=', 'open')
      .execute();
  },
};
