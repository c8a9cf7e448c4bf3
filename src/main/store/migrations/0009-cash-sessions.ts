import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Cash sessions per terminal and their Z reports:
 * - `cash_sessions`: a drawer opened with a float and closed by counting it. One open session per
 *   terminal (a unique partial index); a closed session is final (no update, no delete).
 * - `cash_moves`: paid in / paid out with a reason, append-only, and only into an open session.
 * - `z_reports`: the Z written at the close: numbered per terminal without gaps (UNIQUE number,
 *   UNIQUE (terminal, seq), and a trigger refusing any seq but the next), its content stored as JSON
 *   at the close, append-only like the audit log.
 */
export const m0009CashSessions: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('cash_sessions')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('terminal', 'text', (c) => c.notNull())
      // the business day of the opening: a session crossing midnight stays on it
      .addColumn('business_day', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open', 'closed')`))
      .addColumn('opened_at', 'integer', (c) => c.notNull())
      .addColumn('opened_by', 'text', (c) => c.notNull())
      .addColumn('opened_by_id', 'integer', (c) => c.references('users.id'))
      .addColumn('float_fen', 'integer', (c) => c.notNull().check(sql`float_fen >= 0`))
      // JSON {"10000": 2, …} when the float was counted by denomination
      .addColumn('float_denominations', 'text')
      .addColumn('closed_at', 'integer')
      .addColumn('closed_by', 'text')
      .addColumn('approved_by', 'text')
      .addColumn('expected_fen', 'integer')
      .addColumn('counted_fen', 'integer', (c) => c.check(sql`counted_fen >= 0`))
      .addColumn('counted_denominations', 'text')
      .addColumn('variance_fen', 'integer')
      .addColumn('variance_reason', 'text')
      .addCheckConstraint(
        'cash_sessions_closed',
        sql`(status = 'open' and closed_at is null and counted_fen is null) or (status = 'closed' and closed_at is not null and closed_by is not null and counted_fen is not null and expected_fen is not null and variance_fen = counted_fen - expected_fen)`,
      )
      .addCheckConstraint(
        'cash_sessions_variance_reason',
        sql`variance_fen is null or variance_fen = 0 or coalesce(length(trim(variance_reason)), 0) >= 3`,
      )
      .execute();
    await db.schema
      .createIndex('cash_sessions_one_open')
      .on('cash_sessions')
      .column('terminal')
      .unique()
      .where(sql.ref('status'), '=', 'open')
      .execute();
    await db.schema
      .createIndex('cash_sessions_terminal')
      .on('cash_sessions')
      .columns(['terminal', 'opened_at'])
      .execute();
    await sql`create trigger cash_sessions_final before update on cash_sessions when old.status = 'closed'
      begin select raise(abort, 'a closed cash session is final'); end`.execute(db);
    await sql`create trigger cash_sessions_no_delete before delete on cash_sessions
      begin select raise(abort, 'cash sessions cannot be deleted'); end`.execute(db);

    await db.schema
      .createTable('cash_moves')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('session_id', 'integer', (c) => c.notNull().references('cash_sessions.id'))
      .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('in', 'out')`))
      .addColumn('amount_fen', 'integer', (c) => c.notNull().check(sql`amount_fen > 0`))
      .addColumn('reason', 'text', (c) => c.notNull().check(sql`length(trim(reason)) >= 3`))
      .addColumn('at', 'integer', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('approved_by', 'text')
      .execute();
    await db.schema.createIndex('cash_moves_session').on('cash_moves').column('session_id').execute();
    await sql`create trigger cash_moves_open_session before insert on cash_moves
      when (select status from cash_sessions where id = new.session_id) is not 'open'
      begin select raise(abort, 'cash moves need an open cash session'); end`.execute(db);
    await sql`create trigger cash_moves_no_update before update on cash_moves
      begin select raise(abort, 'cash_moves is append-only'); end`.execute(db);
    await sql`create trigger cash_moves_no_delete before delete on cash_moves
      begin select raise(abort, 'cash_moves is append-only'); end`.execute(db);

    await db.schema
      .createTable('z_reports')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('session_id', 'integer', (c) => c.notNull().unique().references('cash_sessions.id'))
      .addColumn('terminal', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull().check(sql`seq >= 1`))
      .addColumn('number', 'text', (c) => c.notNull().unique())
      .addColumn('business_day', 'text', (c) => c.notNull())
      .addColumn('opened_at', 'integer', (c) => c.notNull())
      .addColumn('closed_at', 'integer', (c) => c.notNull())
      .addColumn('closed_by', 'text', (c) => c.notNull())
      .addColumn('approved_by', 'text')
      .addColumn('sales_fen', 'integer', (c) => c.notNull())
      .addColumn('net_fen', 'integer', (c) => c.notNull())
      .addColumn('expected_fen', 'integer', (c) => c.notNull())
      .addColumn('counted_fen', 'integer', (c) => c.notNull())
      .addColumn('variance_fen', 'integer', (c) => c.notNull())
      // the whole Z as JSON (ZReport), written at the close
      .addColumn('content', 'text', (c) => c.notNull())
      .addUniqueConstraint('z_reports_terminal_seq', ['terminal', 'seq'])
      .execute();
    await sql`create trigger z_reports_gapless before insert on z_reports
      when new.seq != coalesce((select max(seq) from z_reports where terminal = new.terminal), 0) + 1
      begin select raise(abort, 'Z numbers are gapless per terminal'); end`.execute(db);
    await sql`create trigger z_reports_no_update before update on z_reports
      begin select raise(abort, 'z_reports is append-only'); end`.execute(db);
    await sql`create trigger z_reports_no_delete before delete on z_reports
      begin select raise(abort, 'z_reports is append-only'); end`.execute(db);

    // the window queries of an X or Z: a terminal's payments, refunds and cancellations by time
    await db.schema
      .createIndex('orders_terminal_cancelled')
      .on('orders')
      .columns(['terminal', 'cancelled_at'])
      .execute();
  },
};
