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
 */
import BetterSqlite3 from 'better-sqlite3';
import { OPEN_REFUND_STATES, OPEN_STATES, PAID_STATES, SOLD_STATUSES } from '../../shared/payment-states';
import type { Store } from '../store/db';
import { literalList } from '../store/sql';
import type { Actor } from './auth';
import type { Audit } from './audit';
import { decimal, writeCsv, type CsvDecimal, type CsvValue } from './platform/csv';

type Row = Record<string, unknown>;

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

const PAID: ReadonlySet<string> = new Set(PAID_STATES);
const SOLD: ReadonlySet<string> = new Set(SOLD_STATUSES);
const SQL_NAME = /^[a-z_]+$/;

function q(name: string): string {
  if (!SQL_NAME.test(name)) throw new Error(`not a table or column name: ${name}`);
  return `"${name}"`;
}

function errText(err: unknown): string {
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

function sameRow(a: Row, b: Row): boolean {
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

// ---- the export the owner keeps ------------------------------------------------------------------

/** A recovered column as a cell of the one CSV writer: text, numbers and amounts as they are, anything else as JSON. */
function csvCell(v: unknown): CsvValue {
  if (v === null || v === undefined || typeof v === 'string' || typeof v === 'number') return v;
  return typeof v === 'object' && 'decimal' in v ? (v as CsvDecimal) : JSON.stringify(v);
}

const yuan = (fen: unknown) => (typeof fen === 'number' ? decimal((fen / 100).toFixed(2)) : '');
const iso = (ms: unknown) => (typeof ms === 'number' ? new Date(ms).toISOString() : '');

/**
 * The export as CSV for a person (UTF-8 with a BOM for Excel): one line per order, payment, refund,
 * cash move and Z, then every row that could not be read — for manual entry. The JSON export beside
 * it holds every column of every row.
 */
export function recoveryCsv(set: RecoveredSet): string {
  const head = ['kind', 'id', 'number_or_reference', 'order_id', 'at', 'amount_yuan', 'status', 'method', 'detail'];
  const lines: unknown[][] = [];
  const all = (t: RecoveryTable) =>
    [...set.rows[t].inserted, ...set.rows[t].updated].sort((a, b) => Number(a.id) - Number(b.id));
  for (const o of all('orders'))
    lines.push([
      'order',
      o.id,
      o.number,
      o.id,
      iso(o.paid_at ?? o.created_at),
      yuan(o.total_fen),
      o.status,
      '',
      `${String(o.item_count)} items · clerk ${String(o.clerk)}`,
    ]);
  for (const l of all('order_lines'))
    lines.push([
      'order_line',
      l.id,
      l.sku,
      l.order_id,
      '',
      yuan(l.total_fen),
      '',
      '',
      `${String(l.qty)} × ${String(l.name_zh)} / ${String(l.name_en)}`,
    ]);
  for (const a of all('payment_attempts'))
    lines.push([
      'payment',
      a.id,
      a.out_trade_no,
      a.order_id,
      iso(a.paid_at ?? a.created_at),
      yuan(a.amount_fen),
      a.state,
      a.method,
      a.trade_no ?? '',
    ]);
  for (const r of all('refunds'))
    lines.push([
      'refund',
      r.id,
      r.refund_no,
      r.order_id,
      iso(r.finished_at ?? r.created_at),
      yuan(r.amount_fen),
      r.state,
      r.method,
      r.reason ?? '',
    ]);
  for (const m of all('cash_moves'))
    lines.push([
      `cash_${String(m.kind)}`,
      m.id,
      `session ${String(m.session_id)}`,
      '',
      iso(m.at),
      yuan(m.amount_fen),
      '',
      'cash',
      m.reason,
    ]);
  for (const s of all('cash_sessions'))
    lines.push([
      'cash_session',
      s.id,
      s.terminal,
      '',
      iso(s.closed_at ?? s.opened_at),
      yuan(s.counted_fen ?? s.float_fen),
      s.status,
      'cash',
      '',
    ]);
  for (const z of all('z_reports'))
    lines.push(['z_report', z.id, z.number, '', iso(z.closed_at), yuan(z.net_fen), '', '', '']);
  for (const u of set.unreadable)
    lines.push([
      'UNREADABLE',
      u.id ?? '',
      u.table,
      '',
      '',
      '',
      'enter by hand',
      '',
      u.id === null && u.fromId !== undefined ? `ids from ${u.fromId}: ${u.error}` : u.error,
    ]);
  return writeCsv([head, ...lines.map((l) => l.map(csvCell))], { bom: true });
}

// ---- re-entry --------------------------------------------------------------------------------

export interface RestoreMeta {
  at: number;
  actor: Actor;
  backupFile: string;
  backupAt: number;
  damagedFile: string;
  exportFile: string;
}

/** A row the restore could read but not write back (a constraint refused it): listed with the export. */
export interface NotReentered {
  table: RecoveryTable;
  id: number;
  error: string;
}

/**
 * Re-enters a recovered set into the restored store, in ONE transaction with its `data_restores`
 * row, a `recovered_rows` mark per row, and the audit row; `afterRestore` runs inside it too (the
 * till identity is rotated there, so a restored database never repeats a trade number). A row the
 * database refuses (a constraint) is rolled back alone and listed in `failed`; everything else is
 * written. Returns the restore's id and the refused rows.
 */
export function reenter(
  store: Store,
  audit: Audit,
  set: RecoveredSet,
  meta: RestoreMeta,
  afterRestore?: (store: Store) => void,
): { restoreId: number; failed: NotReentered[] } {
  const db = store.sqlite;
  const columns = new Map<string, Set<string>>();
  const cols = (t: string) => {
    let c = columns.get(t);
    if (!c) {
      c = new Set(
        (db.prepare(`select name from pragma_table_info(?)`).all(t) as { name: string }[]).map((r) => r.name),
      );
      columns.set(t, c);
    }
    return c;
  };
  const exists = (t: string, id: unknown) =>
    id !== null && id !== undefined && db.prepare(`select 1 from ${q(t)} where id = ?`).get(id) !== undefined;
  const insert = (t: string, row: Row) => {
    const keys = Object.keys(row).filter((k) => cols(t).has(k));
    db.prepare(`insert into ${q(t)} (${keys.map(q).join(', ')}) values (${keys.map(() => '?').join(', ')})`).run(
      ...keys.map((k) => row[k]),
    );
  };
  const update = (t: string, row: Row, only?: readonly string[]) => {
    const keys = Object.keys(row).filter((k) => k !== 'id' && cols(t).has(k) && (!only || only.includes(k)));
    if (keys.length === 0) return;
    db.prepare(`update ${q(t)} set ${keys.map((k) => `${q(k)} = ?`).join(', ')} where id = ?`).run(
      ...keys.map((k) => row[k]),
      row.id,
    );
  };
  const current = (t: string, id: unknown) =>
    db.prepare(`select * from ${q(t)} where id = ?`).get(id) as Row | undefined;

  const failed: NotReentered[] = [];
  const marks: { table: RecoveryTable; id: number; action: 'inserted' | 'updated' }[] = [];
  /** One row's writes in a savepoint: refused, they are rolled back alone and listed. */
  const attempt = (t: RecoveryTable, row: Row, action: 'inserted' | 'updated' | null, fn: () => void): boolean => {
    try {
      db.transaction(fn)();
      if (action) marks.push({ table: t, id: Number(row.id), action });
      return true;
    } catch (err) {
      if (!failed.some((f) => f.table === t && f.id === Number(row.id)))
        failed.push({ table: t, id: Number(row.id), error: errText(err) });
      return false;
    }
  };

  return store.tx(() => {
    const { rows } = set;

    // the catalogue rows new sales refer to (changes to older products are not re-entered)
    for (const c of rows.categories.inserted) attempt('categories', c, 'inserted', () => insert('categories', c));
    for (const p of rows.products.inserted) {
      // its barcode taken back by an older product meanwhile: the product comes back without it
      if (!attempt('products', p, 'inserted', () => insert('products', p))) {
        failed.pop();
        attempt('products', p, 'inserted', () => insert('products', { ...p, barcode: null }));
      }
    }

    // cash: sessions re-opened, their moves added, then closed as they were; then their Zs
    const closing = [
      'status',
      'closed_at',
      'closed_by',
      'approved_by',
      'expected_fen',
      'counted_fen',
      'counted_denominations',
      'variance_fen',
      'variance_reason',
    ];
    const sessions = new Map<number, { row: Row; action: 'inserted' | 'updated' }>();
    for (const s of rows.cash_sessions.inserted) sessions.set(Number(s.id), { row: s, action: 'inserted' });
    for (const s of rows.cash_sessions.updated) sessions.set(Number(s.id), { row: s, action: 'updated' });
    const moves = [...rows.cash_moves.inserted].sort(byId);
    const sessionIds = new Set<number>([...sessions.keys(), ...moves.map((m) => Number(m.session_id))]);
    for (const id of [...sessionIds].sort((a, b) => a - b)) {
      const s = sessions.get(id);
      if (s?.action === 'inserted') {
        const open: Row = { ...s.row, status: 'open' };
        for (const k of closing.slice(1)) open[k] = null;
        if (!exists('users', open.opened_by_id)) open.opened_by_id = null;
        attempt('cash_sessions', s.row, null, () => insert('cash_sessions', open));
      }
      for (const m of moves.filter((mv) => Number(mv.session_id) === id))
        attempt('cash_moves', m, 'inserted', () => insert('cash_moves', m));
      if (s) {
        attempt('cash_sessions', s.row, s.action, () => {
          if (s.row.status === 'closed' && current('cash_sessions', id)?.status === 'open')
            update('cash_sessions', s.row, closing);
        });
      }
    }
    for (const z of [...rows.z_reports.inserted].sort(
      (a, b) => String(a.terminal).localeCompare(String(b.terminal)) || Number(a.seq) - Number(b.seq),
    )) {
      attempt('z_reports', z, 'inserted', () => insert('z_reports', z));
    }

    // orders: written open (or cancelled), lines and payments added, paid, refunds added, final status
    const orders = withActions(rows.orders);
    for (const { row, action } of orders) {
      if (action !== 'inserted') continue;
      const first: Row = { ...row, status: row.status === 'cancelled' ? 'cancelled' : 'open', paid_at: null };
      if (first.status === 'open') first.cancelled_at = null;
      if (!exists('carts', first.cart_id)) first.cart_id = null;
      attempt('orders', row, null, () => insert('orders', first));
    }
    for (const l of [...rows.order_lines.inserted].sort(byId))
      attempt('order_lines', l, 'inserted', () => insert('order_lines', l));
    // attempts leaving "open" or "paid" first, so the one-open and one-success indexes hold at every step
    const holds = (a: Row) => OPEN_STATES.some((s) => s === a.state) || PAID.has(String(a.state));
    const attempts = withActions(rows.payment_attempts).sort(
      (a, b) => Number(holds(a.row)) - Number(holds(b.row)) || Number(a.row.id) - Number(b.row.id),
    );
    for (const { row, action } of attempts) {
      attempt('payment_attempts', row, action, () =>
        action === 'inserted' ? insert('payment_attempts', row) : update('payment_attempts', row),
      );
    }
    for (const { row } of orders) {
      const now = current('orders', row.id);
      if (SOLD.has(String(row.status)) && (now?.status === 'open' || now?.status === 'cancelled')) {
        // the sale: stock leaves the shelf and the sales review counts it (triggers of 0007 and 0008)
        attempt('orders', row, null, () =>
          update('orders', { id: row.id, paid_at: row.paid_at, cancelled_at: row.cancelled_at, status: 'paid' }),
        );
      }
    }
    for (const { row, action } of withActions(rows.payment_exceptions)) {
      attempt('payment_exceptions', row, action, () =>
        action === 'inserted' ? insert('payment_exceptions', row) : update('payment_exceptions', row),
      );
    }
    for (const { row, action } of withActions(rows.refunds)) {
      attempt('refunds', row, action, () => (action === 'inserted' ? insert('refunds', row) : update('refunds', row)));
    }
    for (const { row, action } of orders) {
      const fin: Row = { ...row };
      if (!exists('carts', fin.cart_id)) delete fin.cart_id;
      attempt('orders', row, action, () => {
        const now = current('orders', row.id);
        if (!now) throw new Error('the order could not be written');
        if (!sameRow(fin, now)) update('orders', fin);
      });
    }

    // the journal and the audit log: appended as they were (a user added since the backup is named, not linked)
    for (const j of [...rows.payment_journal.inserted].sort(byId))
      attempt('payment_journal', j, 'inserted', () => insert('payment_journal', j));
    for (const a of [...rows.audit_log.inserted].sort(byId)) {
      attempt('audit_log', a, 'inserted', () =>
        insert('audit_log', exists('users', a.actor_id) ? a : { ...a, actor_id: null }),
      );
    }

    // no order number and no id is given out twice, even one whose row could not be read
    for (const d of set.dayCounters) {
      db.prepare(
        `insert into day_counters (business_day, last_seq) values (?, ?) on conflict (business_day) do update set last_seq = max(last_seq, excluded.last_seq)`,
      ).run(d.business_day, d.last_seq);
    }
    for (const s of set.sequences) {
      if ((RECOVERY_TABLES as readonly string[]).includes(s.name))
        db.prepare(`update sqlite_sequence set seq = max(seq, ?) where name = ?`).run(s.seq, s.name);
    }
    // a product added since the backup counts what the damaged file counted (its sales were re-entered above)
    for (const p of rows.products.inserted) db.prepare('update products set stock = ? where id = ?').run(p.stock, p.id);

    const reentered = {} as Record<RecoveryTable, number>;
    for (const t of RECOVERY_TABLES) reentered[t] = marks.filter((m) => m.table === t).length;
    const restoreId = store.run(
      store.kysely.insertInto('data_restores').values({
        at: meta.at,
        actor: meta.actor.name,
        approved_by: meta.actor.approvedBy,
        backup_file: meta.backupFile,
        backup_at: meta.backupAt,
        damaged_file: meta.damagedFile,
        export_file: meta.exportFile,
        reentered: JSON.stringify(reentered),
        unreadable: JSON.stringify({ unreadable: set.unreadable, notReentered: failed }),
      }),
    ).lastInsertRowid;
    const mark = db.prepare(
      `insert or ignore into recovered_rows (restore_id, table_name, row_id, action) values (?, ?, ?, ?)`,
    );
    for (const m of marks) mark.run(restoreId, m.table, m.id, m.action);

    audit.record(meta.actor, 'data.restore', `restore:${restoreId}`, {
      before: { damagedFile: meta.damagedFile },
      after: {
        backup: meta.backupFile,
        backupAt: meta.backupAt,
        reentered,
        unreadable: set.unreadable.length,
        notReentered: failed.length,
        exportFile: meta.exportFile,
      },
      note: 'database restored from a backup; what was written since the backup re-entered from the damaged file',
    });
    afterRestore?.(store);
    return { restoreId, failed };
  });
}

function byId(a: Row, b: Row): number {
  return Number(a.id) - Number(b.id);
}

function withActions(t: TableRows): { row: Row; action: 'inserted' | 'updated' }[] {
  return [
    ...t.inserted.map((row) => ({ row, action: 'inserted' as const })),
    ...t.updated.map((row) => ({ row, action: 'updated' as const })),
  ].sort((a, b) => byId(a.row, b.row));
}
