/**
 * Recovery from a damaged database: what was written after a backup's point is read from the
 * damaged file (row by row, so one bad page loses only the rows on it), exported to a file the owner
 * keeps, and re-entered into the restored backup in one transaction, each row marked in
 * `recovered_rows` (migration 0012). Nothing is silently dropped: a row that cannot be read is listed
 * in the export for manual entry.
 *
 * The backup's point is, per table, its highest id. Rows above it are new; rows at or below it that
 * could still change after the backup (an order still open, a payment not final, a refund under way,
 * an open cash session, an unresolved exception — and every row a new row refers to) are compared
 * with the damaged file and copied over when they differ.
 *
 * Re-entry replays the changes in the order the till made them, so the SQLite triggers that keep
 * stock and the sales-review tables (migrations 0007, 0008) count each recovered sale exactly once:
 * an order is written open, its lines and payments added, then it becomes paid (stock leaves the
 * shelf, the sale is counted), then its refunds are added (counted, restocked), then it takes its
 * final status. Cash sessions are re-opened, their moves added, then closed, then their Zs written.
 *
 * This module reads (`readSinceBackup`); reentry.ts writes the rows back, recovery-export.ts writes
 * the export a person reads. Both files are read through better-sqlite3 directly, not the Store:
 * one is damaged, the tables and columns are chosen as the code runs, and a row that cannot be read
 * must cost only that row.
 */
import BetterSqlite3 from 'better-sqlite3';
import { OPEN_REFUND_STATES, OPEN_STATES, PAID_STATES, SOLD_STATUSES } from '../../../shared/payment-states';
import { literalList } from '../../store/sql';

export type Row = Record<string, unknown>;

/** The tables re-entered, in the order their rows may refer to each other. */
export const RECOVERY_TABLES = [
  'categories',
  'products',
  'cash_sessions',
  'cash_moves',
  'z_reports',
  'orders',
  'order_lines',
  'payment_attempts',
  'payment_exceptions',
  'refunds',
  'payment_journal',
  'audit_log',
] as const;
export type RecoveryTable = (typeof RECOVERY_TABLES)[number];

export interface Unreadable {
  table: RecoveryTable | 'day_counters' | 'sqlite_sequence';
  /** the row's id, or null when a whole range could not be read */
  id: number | null;
  /** for a range: the first id that could not be read */
  fromId?: number;
  error: string;
}

export interface TableRows {
  inserted: Row[];
  updated: Row[];
}

export interface RecoveredSet {
  /** the backup's highest id per table */
  backupMaxIds: Record<RecoveryTable, number>;
  rows: Record<RecoveryTable, TableRows>;
  /** the damaged file's day counters and id sequences, so no number or id is used twice */
  dayCounters: { business_day: string; last_seq: number }[];
  sequences: { name: string; seq: number }[];
  unreadable: Unreadable[];
}

export const PAID: ReadonlySet<string> = new Set(PAID_STATES);
export const SOLD: ReadonlySet<string> = new Set(SOLD_STATUSES);
const SQL_NAME = /^[a-z_]+$/;

export function q(name: string): string {
  if (!SQL_NAME.test(name)) throw new Error(`not a table or column name: ${name}`);
  return `"${name}"`;
}

export function errText(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown };
  const text = typeof e.message === 'string' ? e.message : String(err);
  return typeof e.code === 'string' ? `${e.code}: ${text}` : text;
}

function num(v: unknown): number | null {
  return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : null;
}

/** A read-only reader over one database file that never throws: what fails is recorded. */
class Reader {
  private readonly stmts = new Map<string, BetterSqlite3.Statement>();
  constructor(
    readonly db: BetterSqlite3.Database,
    private readonly unreadable: Unreadable[] | null,
  ) {}

  private stmt(sql: string): BetterSqlite3.Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  /** One row by id; undefined when there is none; null when it cannot be read (recorded). */
  byId(table: RecoveryTable, id: number): Row | undefined | null {
    try {
      return this.stmt(`select * from ${q(table)} where id = ?`).get(id) as Row | undefined;
    } catch (err) {
      this.unreadable?.push({ table, id, error: errText(err) });
      return null;
    }
  }

  /** The highest id: by the table's b-tree, else by sqlite_sequence; null when neither can be read. */
  maxId(table: RecoveryTable): number | null {
    try {
      return num((this.stmt(`select max(id) as m from ${q(table)}`).get() as { m: unknown }).m) ?? 0;
    } catch {
      try {
        return (
          num(
            (this.stmt(`select seq from sqlite_sequence where name = ?`).get(table) as { seq: unknown } | undefined)
              ?.seq,
          ) ?? 0
        );
      } catch {
        return null;
      }
    }
  }

  ids(sql: string, ...params: unknown[]): number[] {
    return (this.stmt(sql).all(...params) as { id: unknown }[])
      .map((r) => num(r.id))
      .filter((v): v is number => v !== null);
  }
}

export function sameRow(a: Row, b: Row): boolean {
  for (const key of Object.keys(a)) {
    if (key in b && a[key] !== b[key]) return false;
  }
  return true;
}

/**
 * Reads everything written after the backup's point from the damaged file. Both files are opened
 * read-only; the damaged one may be the live database (a preview while the till runs: WAL lets it
 * read) or the file after the store was closed (the restore itself).
 */
export function readSinceBackup(damagedFile: string, backupFile: string): RecoveredSet {
  const unreadable: Unreadable[] = [];
  const liveDb = new BetterSqlite3(damagedFile, { readonly: true, fileMustExist: true });
  const bakDb = new BetterSqlite3(backupFile, { readonly: true, fileMustExist: true });
  try {
    const live = new Reader(liveDb, unreadable);
    const bak = new Reader(bakDb, null);
    const backupMaxIds = {} as Record<RecoveryTable, number>;
    const rows = {} as Record<RecoveryTable, TableRows>;
    for (const t of RECOVERY_TABLES) {
      backupMaxIds[t] = bak.maxId(t) ?? 0;
      rows[t] = { inserted: [], updated: [] };
    }

    // rows above the backup's point: new
    for (const t of RECOVERY_TABLES) {
      const from = backupMaxIds[t] + 1;
      const to = live.maxId(t);
      if (to === null) {
        unreadable.push({ table: t, id: null, fromId: from, error: 'the highest id of the table cannot be read' });
        continue;
      }
      for (let id = from; id <= to; id++) {
        const row = live.byId(t, id);
        if (row) rows[t].inserted.push(row);
      }
    }

    // rows the backup has that may have changed since: compared with the damaged file
    const changed = (t: RecoveryTable, ids: Iterable<number>) => {
      const seen = new Set<number>();
      for (const id of ids) {
        if (seen.has(id) || id > backupMaxIds[t]) continue;
        seen.add(id);
        const before = bak.byId(t, id);
        if (!before) continue;
        const after = live.byId(t, id);
        if (after && !sameRow(before, after)) rows[t].updated.push(after);
      }
      rows[t].updated.sort((a, b) => Number(a.id) - Number(b.id));
    };
    const refs = (t: RecoveryTable, column: string) =>
      [...rows[t].inserted, ...rows[t].updated].map((r) => num(r[column])).filter((v): v is number => v !== null);

    changed(
      'refunds',
      bak.ids(`select id from refunds where state in ${literalList(OPEN_REFUND_STATES)} or next_poll_at is not null`),
    );
    changed('payment_exceptions', bak.ids(`select id from payment_exceptions where resolved_at is null`));
    changed('payment_attempts', [
      ...bak.ids(
        `select id from payment_attempts where state in ${literalList(OPEN_STATES)} or next_poll_at is not null or closing_since is not null or "unknown" = 1`,
      ),
      ...refs('refunds', 'attempt_id'),
      ...refs('payment_exceptions', 'attempt_id'),
    ]);
    changed('orders', [
      ...bak.ids(`select id from orders where status = 'open'`),
      ...refs('order_lines', 'order_id'),
      ...refs('payment_attempts', 'order_id'),
      ...refs('refunds', 'order_id'),
      ...refs('payment_exceptions', 'order_id'),
      ...refs('payment_journal', 'order_id'),
    ]);
    changed('cash_sessions', [
      ...bak.ids(`select id from cash_sessions where status = 'open'`),
      ...refs('cash_moves', 'session_id'),
      ...refs('z_reports', 'session_id'),
    ]);

    let dayCounters: RecoveredSet['dayCounters'] = [];
    try {
      dayCounters = liveDb
        .prepare('select business_day, last_seq from day_counters')
        .all() as RecoveredSet['dayCounters'];
    } catch (err) {
      unreadable.push({ table: 'day_counters', id: null, error: errText(err) });
    }
    let sequences: RecoveredSet['sequences'] = [];
    try {
      sequences = liveDb.prepare('select name, seq from sqlite_sequence').all() as RecoveredSet['sequences'];
    } catch (err) {
      unreadable.push({ table: 'sqlite_sequence', id: null, error: errText(err) });
    }
    return { backupMaxIds, rows, dayCounters, sequences, unreadable };
  } finally {
    liveDb.close();
    bakDb.close();
  }
}

/** Rows re-entered per table (inserted + updated). */
export function countRows(set: RecoveredSet): Record<RecoveryTable, number> {
  const out = {} as Record<RecoveryTable, number>;
  for (const t of RECOVERY_TABLES) out[t] = set.rows[t].inserted.length + set.rows[t].updated.length;
  return out;
}

/** The orders re-entered (new or changed), for the owner: number, total, final status. */
export function recoveredOrders(
  set: RecoveredSet,
): { id: number; number: string; totalFen: number; status: string; paidWith: string[] }[] {
  const attempts = [...set.rows.payment_attempts.inserted, ...set.rows.payment_attempts.updated];
  return [...set.rows.orders.inserted, ...set.rows.orders.updated]
    .map((o) => ({
      id: Number(o.id),
      number: String(o.number),
      totalFen: Number(o.total_fen),
      status: String(o.status),
      paidWith: attempts.filter((a) => a.order_id === o.id && PAID.has(String(a.state))).map((a) => String(a.method)),
    }))
    .sort((a, b) => a.id - b.id);
}
