import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Daily reconciliation against the intermediaries' statements:
 * - `recon_runs`: one row per statement import (or refused/failed download) for a provider and day.
 *   A statement is identified by the SHA-256 of its parsed content; UNIQUE (provider, day, sha256)
 *   makes importing the same statement twice a no-op. A later, different statement for the same day
 *   supersedes the earlier run.
 * - `recon_lines`: the statement's rows as imported (append-only), so the neighbour day's rows can be
 *   consulted for payments near midnight and what the intermediary said stays on record.
 * - `recon_items`: the differences, each with its resolution; a resolved item is final.
 * Plus indexes for loading a day's attempts and refunds with one range query each.
 */
export const m0006Reconciliation: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('recon_runs')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('provider', 'text', (c) => c.notNull().check(sql`provider in ('alipay', 'wechat', 'yeepay')`))
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('sha256', 'text')
      .addColumn('status', 'text', (c) =>
        c.notNull().check(sql`status in ('imported', 'empty', 'superseded', 'refused', 'unavailable')`),
      )
      .addColumn('trigger', 'text', (c) => c.notNull().check(sql`trigger in ('manual', 'scheduled')`))
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('started_at', 'integer', (c) => c.notNull())
      .addColumn('imported_at', 'integer')
      .addColumn('merchant_id', 'text')
      .addColumn('row_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('matched_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('totals', 'text')
      .addColumn('error_code', 'text')
      .addColumn('error', 'text')
      .addUniqueConstraint('recon_runs_statement', ['provider', 'day', 'sha256'])
      .execute();
    await db.schema.createIndex('recon_runs_day').on('recon_runs').columns(['day', 'provider']).execute();

    await db.schema
      .createTable('recon_lines')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('run_id', 'integer', (c) => c.notNull().references('recon_runs.id'))
      .addColumn('line_no', 'integer', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull().check(sql`type in ('payment', 'refund')`))
      .addColumn('out_trade_no', 'text', (c) => c.notNull())
      .addColumn('trade_no', 'text')
      .addColumn('refund_no', 'text')
      .addColumn('amount_fen', 'integer', (c) => c.notNull().check(sql`amount_fen >= 0`))
      .addColumn('fee_fen', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('at', 'integer')
      .execute();
    await db.schema.createIndex('recon_lines_trade').on('recon_lines').columns(['run_id', 'out_trade_no']).execute();
    await sql`create trigger recon_lines_no_update before update on recon_lines
      begin select raise(abort, 'recon_lines is append-only'); end`.execute(db);
    await sql`create trigger recon_lines_no_delete before delete on recon_lines
      begin select raise(abort, 'recon_lines is append-only'); end`.execute(db);

    await db.schema
      .createTable('recon_items')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('run_id', 'integer', (c) => c.notNull().references('recon_runs.id'))
      .addColumn('category', 'text', (c) =>
        c
          .notNull()
          .check(
            sql`category in ('missing_locally', 'missing_upstream', 'amount_mismatch', 'status_mismatch', 'fee_mismatch', 'paid_after_close')`,
          ),
      )
      .addColumn('out_trade_no', 'text', (c) => c.notNull())
      .addColumn('attempt_id', 'integer', (c) => c.references('payment_attempts.id'))
      .addColumn('refund_id', 'integer', (c) => c.references('refunds.id'))
      .addColumn('refund_no', 'text')
      .addColumn('ours_fen', 'integer')
      .addColumn('theirs_fen', 'integer')
      .addColumn('detail', 'text', (c) => c.notNull())
      .addColumn('awaiting_day', 'text')
      .addColumn('opened_at', 'integer', (c) => c.notNull())
      .addColumn('resolved_at', 'integer')
      .addColumn('resolution', 'text')
      .addColumn('note', 'text')
      .addColumn('resolved_by', 'text')
      .addCheckConstraint('recon_items_resolved', sql`(resolved_at is null) = (resolution is null)`)
      .execute();
    await db.schema.createIndex('recon_items_run').on('recon_items').column('run_id').execute();
    await db.schema
      .createIndex('recon_items_awaiting')
      .on('recon_items')
      .column('awaiting_day')
      .where(sql.ref('resolved_at'), 'is', null)
      .execute();
    // a resolution is final: a resolved item cannot be changed or removed
    await sql`create trigger recon_items_final before update on recon_items when old.resolved_at is not null
      begin select raise(abort, 'a resolved reconciliation item is final'); end`.execute(db);
    await sql`create trigger recon_items_no_delete before delete on recon_items
      begin select raise(abort, 'recon_items cannot be deleted'); end`.execute(db);

    await db.schema.createIndex('payment_attempts_paid_at').on('payment_attempts').column('paid_at').execute();
    await db.schema.createIndex('payment_attempts_created_at').on('payment_attempts').column('created_at').execute();
    await db.schema.createIndex('refunds_finished_at').on('refunds').column('finished_at').execute();
  },
};
