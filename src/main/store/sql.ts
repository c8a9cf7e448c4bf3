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

/** `('a', 'b')`: the app's own constant list as SQL text, for a statement written by hand (never for input). */
export function literalList(values: readonly string[]): string {
  return `(${values.map((v) => `'${v.replaceAll("'", "''")}'`).join(', ')})`;
}

/**
 * `+column`: the column's value, in a term SQLite will not answer from an index (SQLite's documented
 * way to take a WHERE term out of the planner's index choice). For a column with a handful of values
 * over a large table, such as an order's terminal (half a year's orders each on a two-till shop):
 * without statistics SQLite takes an equality on an indexed column to narrow to a few rows, and
 * prefers that index to a selective range (the X report walked every order of the terminal, 1.7 s on
 * a year-old store, instead of the session's payments by `paid_at`).
 */
export function unindexed<T>(column: string): RawBuilder<T> {
  return sql<T>`+${sql.ref(column)}`;
}

/** A long list cut into parts of at most `size` values, one `IN (…)` list each (SQLite binds at most 32766 parameters). */
export function chunks<T>(xs: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}
