import { sql, type Kysely, type Migration } from 'kysely';

/**
 * What intermediary payments need on an attempt: the provider's trade number, how the customer pays
 * (the QR content or the cashier-page form), the deadline and the persisted polling schedule; plus
 * the exceptions a payment can raise (an amount mismatch, an untrusted answer, money after close).
 */
export const m0004PaymentAttempts: Migration = {
  async up(db: Kysely<unknown>) {
    const columns: [string, 'text' | 'integer'][] = [
      ['trade_no', 'text'],
      // JSON: {kind:'qr', qrContent} | {kind:'redirect', url, method, fields} | {kind:'payment_code'}
      ['instrument', 'text'],
      ['deadline_at', 'integer'],
      ['next_poll_at', 'integer'],
      // when the closing phase began (deadline reached, or the clerk stopped it)
      ['closing_since', 'integer'],
      // 'stopped' or 'deadline': which final state a successful close leads to
      ['closing_reason', 'text'],
      ['last_outcome', 'text'],
      ['last_message', 'text'],
    ];
    for (const [name, type] of columns) await db.schema.alterTable('payment_attempts').addColumn(name, type).execute();
    await db.schema
      .alterTable('payment_attempts')
      .addColumn('polls', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createIndex('payment_attempts_due')
      .on('payment_attempts')
      .column('next_poll_at')
      .where(sql.ref('state'), 'in', ['created', 'pending'])
      .execute();
    // one open intermediary attempt per order: the same order cannot be charged twice at once
    await db.schema
      .createIndex('payment_attempts_one_open')
      .on('payment_attempts')
      .column('order_id')
      .unique()
      .where(sql.ref('state'), 'in', ['created', 'pending'])
      .execute();

    await db.schema
      .createTable('payment_exceptions')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('order_id', 'integer', (c) => c.notNull().references('orders.id'))
      .addColumn('attempt_id', 'integer', (c) => c.references('payment_attempts.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('detail', 'text')
      .addColumn('opened_at', 'integer', (c) => c.notNull())
      .addColumn('resolved_at', 'integer')
      .addColumn('resolution', 'text')
      .addColumn('note', 'text')
      .execute();
    await db.schema.createIndex('payment_exceptions_open').on('payment_exceptions').column('resolved_at').execute();
  },
};
