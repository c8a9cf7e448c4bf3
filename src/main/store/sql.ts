/** Small SQL helpers shared by the queries of the core. */
import { sql, type RawBuilder, type SqlBool } from 'kysely';

/**
 * `column in ('a', 'b')` with the values written into the SQL rather than bound. SQLite uses a
 * partial index (`… where state in ('created', 'pending')`) only when it can prove the query's WHERE
 * implies the index's, and a bound parameter never proves anything: with `state in (?, ?)` the poller
 * scanned every payment ever made (tests/db/query-plans.test.ts). Only for the app's own constant
 * lists, never for input.
 */
export function inList(column: string, values: readonly string[]): RawBuilder<SqlBool> {
  return sql<SqlBool>`${sql.ref(column)} in (${sql.join(values.map((v) => sql.lit(v)))})`;
}
