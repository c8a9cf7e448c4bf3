/** Shared statement helpers for the three clients. */
import type { Statement, StatementRow } from './provider';

/**
 * A statement from parsed rows. Totals: `amountFen` sums payment rows, `refundFen` refund rows,
 * `feeFen` is net (fees charged on payments minus fees returned on refunds).
 */
export function statementOf(provider: Statement['provider'], day: string, merchantId: string | null, rows: StatementRow[]): Statement {
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
