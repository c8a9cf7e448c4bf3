import { sql, type Kysely, type Migration } from 'kysely';

/** Orders with their lines, payment attempts and the append-only payment journal. */
export const m0003OrdersPayments: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('day_counters')
      .addColumn('business_day', 'text', (c) => c.primaryKey())
      .addColumn('last_seq', 'integer', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('orders')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('number', 'text', (c) => c.notNull().unique())
      .addColumn('business_day', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) =>
        c.notNull().check(sql`status in ('open', 'paid', 'cancelled', 'partially_refunded', 'refunded')`),
      )
      .addColumn('clerk', 'text', (c) => c.notNull())
      .addColumn('terminal', 'text', (c) => c.notNull())
      .addColumn('cart_id', 'integer', (c) => c.references('carts.id'))
      .addColumn('subtotal_fen', 'integer', (c) => c.notNull().check(sql`subtotal_fen >= 0`))
      .addColumn('line_discount_fen', 'integer', (c) => c.notNull().check(sql`line_discount_fen >= 0`))
      .addColumn('order_discount_kind', 'text', (c) => c.check(sql`order_discount_kind in ('percent', 'amount')`))
      .addColumn('order_discount_value', 'integer')
      .addColumn('order_discount_fen', 'integer', (c) => c.notNull().check(sql`order_discount_fen >= 0`))
      .addColumn('total_fen', 'integer', (c) => c.notNull().check(sql`total_fen >= 0`))
      .addColumn('item_count', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .addColumn('paid_at', 'integer')
      .addColumn('cancelled_at', 'integer')
      .execute();
    await db.schema.createIndex('orders_day').on('orders').columns(['business_day', 'seq']).unique().execute();
    await db.schema.createIndex('orders_created').on('orders').column('created_at').execute();

    await db.schema
      .createTable('order_lines')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('order_id', 'integer', (c) => c.notNull().references('orders.id'))
      .addColumn('line_no', 'integer', (c) => c.notNull())
      .addColumn('product_id', 'integer', (c) => c.notNull().references('products.id'))
      .addColumn('sku', 'text', (c) => c.notNull())
      .addColumn('barcode', 'text')
      .addColumn('name_zh', 'text', (c) => c.notNull())
      .addColumn('name_en', 'text', (c) => c.notNull())
      .addColumn('unit_price_fen', 'integer', (c) => c.notNull().check(sql`unit_price_fen >= 0`))
      .addColumn('qty', 'integer', (c) => c.notNull().check(sql`qty >= 1`))
      .addColumn('gross_fen', 'integer', (c) => c.notNull())
      .addColumn('discount_kind', 'text')
      .addColumn('discount_value', 'integer')
      .addColumn('line_discount_fen', 'integer', (c) => c.notNull())
      .addColumn('order_discount_share_fen', 'integer', (c) => c.notNull())
      .addColumn('total_fen', 'integer', (c) => c.notNull().check(sql`total_fen >= 0`))
      .addUniqueConstraint('order_lines_order_line', ['order_id', 'line_no'])
      .execute();

    await db.schema
      .createTable('payment_attempts')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('order_id', 'integer', (c) => c.notNull().references('orders.id'))
      .addColumn('method', 'text', (c) => c.notNull().check(sql`method in ('cash', 'yeepay', 'alipay', 'wechat')`))
      .addColumn('mode', 'text', (c) => c.notNull().check(sql`mode in ('cash', 'qr', 'redirect', 'payment_code')`))
      .addColumn('out_trade_no', 'text', (c) => c.notNull().unique())
      .addColumn('amount_fen', 'integer', (c) => c.notNull().check(sql`amount_fen >= 0`))
      .addColumn('state', 'text', (c) =>
        c
          .notNull()
          .check(
            sql`state in ('created', 'pending', 'paid', 'failed', 'closed', 'expired', 'partially_refunded', 'refunded')`,
          ),
      )
      .addColumn('unknown', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('tendered_fen', 'integer')
      .addColumn('change_fen', 'integer')
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'integer', (c) => c.notNull())
      .addColumn('paid_at', 'integer')
      .execute();
    await db.schema.createIndex('payment_attempts_order').on('payment_attempts').column('order_id').execute();
    // The database itself refuses a second successful payment for one order.
    await db.schema
      .createIndex('payment_attempts_one_success')
      .on('payment_attempts')
      .column('order_id')
      .unique()
      .where(sql.ref('state'), 'in', ['paid', 'partially_refunded', 'refunded'])
      .execute();

    await db.schema
      .createTable('payment_journal')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('order_id', 'integer', (c) => c.notNull().references('orders.id'))
      .addColumn('attempt_id', 'integer', (c) => c.references('payment_attempts.id'))
      .addColumn('at', 'integer', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('from_state', 'text')
      .addColumn('to_state', 'text')
      .addColumn('detail', 'text')
      .execute();
    await db.schema.createIndex('payment_journal_order').on('payment_journal').columns(['order_id', 'id']).execute();
    // Append-only: the database refuses to rewrite history.
    await sql`create trigger payment_journal_no_update before update on payment_journal
      begin select raise(abort, 'payment_journal is append-only'); end`.execute(db);
    await sql`create trigger payment_journal_no_delete before delete on payment_journal
      begin select raise(abort, 'payment_journal is append-only'); end`.execute(db);
  },
};
