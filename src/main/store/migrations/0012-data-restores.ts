import { sql, type Kysely, type Migration } from 'kysely';

/**
 * A guided restore from a damaged database (core/data-safety/: restore.ts, recovery.ts,
 * reentry.ts): `data_restores` records each restore (which backup, where the damaged file was kept,
 * the export of the sales made since the backup, what was re-entered and what could not be read),
 * and `recovered_rows` marks every row re-entered from the damaged file, so an order, payment,
 * refund or cash move typed back in by the restore is never mistaken for one written at the
 * counter. Both are append-only.
 */
export const m0012DataRestores: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('data_restores')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('at', 'integer', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('approved_by', 'text')
      // the backup restored (its file name in backups/) and when it was taken
      .addColumn('backup_file', 'text', (c) => c.notNull())
      .addColumn('backup_at', 'integer', (c) => c.notNull())
      // paths relative to the data directory
      .addColumn('damaged_file', 'text', (c) => c.notNull())
      .addColumn('export_file', 'text', (c) => c.notNull())
      // JSON: rows re-entered per table; what could not be read (listed in the export for manual entry)
      .addColumn('reentered', 'text', (c) => c.notNull())
      .addColumn('unreadable', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('recovered_rows')
      .addColumn('restore_id', 'integer', (c) => c.notNull().references('data_restores.id'))
      .addColumn('table_name', 'text', (c) => c.notNull())
      .addColumn('row_id', 'integer', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull().check(sql`action in ('inserted', 'updated')`))
      .addPrimaryKeyConstraint('recovered_rows_pk', ['table_name', 'row_id', 'restore_id'])
      .execute();
    for (const table of ['data_restores', 'recovered_rows']) {
      await sql
        .raw(
          `create trigger ${table}_no_update before update on ${table} begin select raise(abort, '${table} is append-only'); end`,
        )
        .execute(db);
      await sql
        .raw(
          `create trigger ${table}_no_delete before delete on ${table} begin select raise(abort, '${table} is append-only'); end`,
        )
        .execute(db);
    }
  },
};
