import { sql, type Kysely, type Migration } from 'kysely';

/** Carts (the active one and parked ones) and their lines, kept in the database so nothing is lost on a crash. */
export const m0002Carts: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('carts')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('status', 'text', (c) =>
        c.notNull().check(sql`status in ('active', 'parked', 'ordered', 'discarded')`),
      )
      .addColumn('label', 'text')
      .addColumn('order_discount_kind', 'text', (c) => c.check(sql`order_discount_kind in ('percent', 'amount')`))
      .addColumn('order_discount_value', 'integer')
      .addColumn('last_product_id', 'integer')
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'integer', (c) => c.notNull())
      .addColumn('parked_at', 'integer')
      .execute();
    await db.schema.createIndex('carts_status').on('carts').column('status').execute();

    await db.schema
      .createTable('cart_lines')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('cart_id', 'integer', (c) => c.notNull().references('carts.id').onDelete('cascade'))
      .addColumn('product_id', 'integer', (c) => c.notNull().references('products.id'))
      .addColumn('qty', 'integer', (c) => c.notNull().check(sql`qty between 1 and 9999`))
      .addColumn('discount_kind', 'text', (c) => c.check(sql`discount_kind in ('percent', 'amount')`))
      .addColumn('discount_value', 'integer')
      .addColumn('position', 'integer', (c) => c.notNull())
      .addUniqueConstraint('cart_lines_cart_product', ['cart_id', 'product_id'])
      .execute();
  },
};
