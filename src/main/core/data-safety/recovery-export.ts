/**
 * The export the owner keeps after a restore, as CSV for a person: one line per order, payment,
 * refund, cash move and Z re-entered, then every row that could not be read, for manual entry.
 */
import { decimal, writeCsv, type CsvDecimal, type CsvValue } from '../platform/csv';
import type { RecoveredSet, RecoveryTable } from './recovery';

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
