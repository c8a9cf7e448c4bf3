/** Shared statement helpers for the three clients. */
import type { Statement, StatementRow } from './provider';

/**
 * A statement from parsed rows. Totals: `amountFen` sums payment rows, `refundFen` refund rows,
 * `feeFen` is net (fees charged on payments minus fees returned on refunds).
 */
export function statementOf(
  provider: Statement['provider'],
  day: string,
  merchantId: string | null,
  rows: StatementRow[],
): Statement {
  let amountFen = 0;
  let refundFen = 0;
  let feeFen = 0;
  for (const r of rows) {
    if (r.type === 'payment') {
      amountFen += r.amountFen;
      feeFen += r.feeFen;
    } else {
      refundFen += r.amountFen;
      feeFen -= r.feeFen;
    }
  }
  return { provider, day, merchantId, rows, totals: { count: rows.length, amountFen, refundFen, feeFen } };
}

/** Parse one CSV line (quotes allowed), trimming every cell (padding and tabs have been seen). */
export function csvCells(line: string): string[] {
  const cells: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  cells.push(cur.trim());
  return cells;
}
