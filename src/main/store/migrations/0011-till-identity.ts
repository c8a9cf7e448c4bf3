import { randomInt } from 'node:crypto';
import { sql, type Kysely, type Migration } from 'kysely';

/** Crockford's base-32 alphabet: no I, L, O or U, so a code read aloud or typed is not misread. */
export const IDENTITY_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const IDENTITY_LENGTH = 6;

/** A fresh random installation code: 6 characters of base 32, 30 bits. */
export function newInstallationCode(): string {
  let s = '';
  for (let i = 0; i < IDENTITY_LENGTH; i++) s += IDENTITY_ALPHABET[randomInt(IDENTITY_ALPHABET.length)];
  return s;
}

/**
 * The till's identity, which goes into every trade and refund number it sends to an intermediary
 * (an intermediary's trade number is unique per merchant account, and several tills — or one till
 * after a reinstall or a restore — share the account):
 * - `till_identity`: every installation code this data has used, append-only, newest last, with why
 *   it was taken (`new`, `migrated`, `restored`, `moved`, `collision`). A code is never taken twice.
 * - `payment_attempts.foreign_at`: set when the intermediary answered about a trade this attempt did
 *   not create (its number was taken, or the trade was paid before the attempt existed): such an
 *   attempt never pays an order, is never closed, cancelled or refunded upstream, and is an
 *   exception for the owner.
 */
export const m0011TillIdentity: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('till_identity')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('installation', 'text', (c) =>
        c
          .notNull()
          .unique()
          .check(sql`length(installation) = 6`),
      )
      .addColumn('reason', 'text', (c) =>
        c.notNull().check(sql`reason in ('new', 'migrated', 'restored', 'moved', 'collision')`),
      )
      .addColumn('detail', 'text')
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .execute();
    await sql`create trigger till_identity_no_update before update on till_identity
      begin select raise(abort, 'a till identity is never changed'); end`.execute(db);
    await sql`create trigger till_identity_no_delete before delete on till_identity
      begin select raise(abort, 'a till identity is never deleted'); end`.execute(db);
    await db.schema.alterTable('payment_attempts').addColumn('foreign_at', 'integer').execute();
    const used = await sql<{ n: number }>`select count(*) as n from payment_attempts`.execute(db);
    const reason = Number(used.rows[0]?.n ?? 0) > 0 ? 'migrated' : 'new';
    await sql`insert into till_identity (installation, reason, detail, created_at) values (${newInstallationCode()}, ${reason}, null, ${Date.now()})`.execute(
      db,
    );
  },
};
