/**
 * What a refund by line gives back, in integer fen, the same in main (which decides) and on the
 * refund dialog (which previews). A line refunded in parts gets, at each step, the difference of
 * its cumulative share round(total × refunded ÷ sold) before and after, so the parts of a line add
 * up to the line's total exactly, whatever the steps; the step that refunds the last item gives
 * what is left.
 */

/**
 * round(totalFen × part ÷ whole), halves up (as Math.round), in exact integer arithmetic: no
 * float division decides a fen. `whole` > 0; the products stay far below 2^53 for any till's amounts.
 */
export function shareFen(totalFen: number, part: number, whole: number): number {
  // floor((2·total·part + whole) ÷ (2·whole)) = floor(total·part/whole + ½)
  const n = 2 * totalFen * part + whole;
  const d = 2 * whole;
  let q = Math.trunc(n / d);
  // the float quotient can be one off near an integer: settle it by the remainder
  while (n - q * d < 0) q--;
  while (n - q * d >= d) q++;
  return q;
}

/** A sold line as far as refunds go: how many were sold for what, and what was refunded of it already. */
export interface RefundableLine {
  qty: number;
  totalFen: number;
  refundedQty: number;
  refundedFen: number;
}

/** The fen `qty` more items of a line are worth, given what was refunded of it already (0 for none). */
export function lineRefundFen(line: RefundableLine, qty: number): number {
  if (qty <= 0) return 0;
  if (line.refundedQty + qty === line.qty) return line.totalFen - line.refundedFen;
  return (
    shareFen(line.totalFen, line.refundedQty + qty, line.qty) - shareFen(line.totalFen, line.refundedQty, line.qty)
  );
}
