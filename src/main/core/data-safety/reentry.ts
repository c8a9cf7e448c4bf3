/**
 * Re-entry: the rows read from the damaged file (recovery.ts) written into the restored backup, in
 * the order the till made them, so the SQLite triggers that keep stock and the sales-review tables
 * (migrations 0007, 0008) count each recovered sale exactly once. The rows are written with
 * better-sqlite3 statements on the staged store's connection: their tables and columns are chosen
 * as the code runs, and each row is tried in its own savepoint.
 */
import { OPEN_STATES } from '../../../shared/payment-states';
import type { Store } from '../../store/db';
import type { Actor } from '../people/auth';
import type { Audit } from '../people/audit';
import {
  errText,
  PAID,
  SOLD,
  q,
  RECOVERY_TABLES,
  sameRow,
  type RecoveredSet,
  type RecoveryTable,
  type Row,
  type TableRows,
} from './recovery';

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
