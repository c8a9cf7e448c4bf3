import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Who may do what, what they did, and money given back:
 * - `users`: clerks and owners with a PIN kept as a slow salted hash (scrypt), with a lock-out;
 * - `audit_log`: an append-only record of sensitive actions (who, what, when, before/after, note);
 * - `refunds`: money given back for an attempt, through the intermediary (idempotent refund number,
 *   refund query until final) or from the drawer, with its own persisted polling schedule;
 * - one success per order now counts paid and partially refunded attempts: a payment refunded in
 *   full (a customer charged twice, the other payment given back) no longer blocks the one kept;
 * - an owner override on an open attempt: it keeps being polled for the truth, but no longer
 *   stops the order from being charged another way (the one-open-attempt index skips it).
 */
export const m0005UsersAuditRefunds: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('users')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('clerk', 'owner')`))
      .addColumn('pin_hash', 'text', (c) => c.notNull())
      .addColumn('pin_salt', 'text', (c) => c.notNull())
      .addColumn('failed_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('locked_until', 'integer')
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'integer', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('audit_log')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('at', 'integer', (c) => c.notNull())
      .addColumn('actor_id', 'integer', (c) => c.references('users.id'))
      .addColumn('actor_name', 'text', (c) => c.notNull())
      .addColumn('actor_role', 'text', (c) => c.notNull())
      .addColumn('approved_by', 'text')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('subject', 'text')
      .addColumn('before', 'text')
      .addColumn('after', 'text')
      .addColumn('note', 'text')
      .execute();
    await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
    await sql`create trigger audit_log_no_update before update on audit_log
      begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
    await sql`create trigger audit_log_no_delete before delete on audit_log
      begin select raise(abort, 'audit_log is append-only'); end`.execute(db);

    await db.schema
      .createTable('refunds')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('order_id', 'integer', (c) => c.notNull().references('orders.id'))
      .addColumn('attempt_id', 'integer', (c) => c.notNull().references('payment_attempts.id'))
      .addColumn('exception_id', 'integer', (c) => c.references('payment_exceptions.id'))
      .addColumn('refund_no', 'text', (c) => c.notNull().unique())
      .addColumn('method', 'text', (c) => c.notNull())
      .addColumn('amount_fen', 'integer', (c) => c.notNull().check(sql`amount_fen > 0`))
      // what the intermediary holds for the trade (its total): WeChat's total_fee, the refundable cap
      .addColumn('trade_fen', 'integer', (c) => c.notNull())
      .addColumn('state', 'text', (c) =>
        c.notNull().check(sql`state in ('requested', 'pending', 'succeeded', 'failed')`),
      )
      .addColumn('unknown', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('reason', 'text')
      // JSON [{lineNo, qty, amountFen}] for a refund by line; null for an amount
      .addColumn('lines', 'text')
      .addColumn('restock', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('requested_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'integer', (c) => c.notNull())
      .addColumn('finished_at', 'integer')
      .addColumn('next_poll_at', 'integer')
      .addColumn('polls', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_outcome', 'text')
      .addColumn('last_message', 'text')
      .execute();
    await db.schema.createIndex('refunds_order').on('refunds').column('order_id').execute();
    await db.schema
      .createIndex('refunds_due')
      .on('refunds')
      .column('next_poll_at')
      .where(sql.ref('state'), 'in', ['requested', 'pending'])
      .execute();

    await db.schema.alterTable('payment_attempts').addColumn('overridden_at', 'integer').execute();
    await db.schema.dropIndex('payment_attempts_one_open').execute();
    await db.schema
      .createIndex('payment_attempts_one_open')
      .on('payment_attempts')
      .column('order_id')
      .unique()
      .where((eb) =>
        eb.and([eb(sql.ref('state'), 'in', ['created', 'pending']), eb(sql.ref('overridden_at'), 'is', null)]),
      )
      .execute();
    await db.schema.dropIndex('payment_attempts_one_success').execute();
    await db.schema
      .createIndex('payment_attempts_one_success')
      .on('payment_attempts')
      .column('order_id')
      .unique()
      .where(sql.ref('state'), 'in', ['paid', 'partially_refunded'])
      .execute();
  },
};
