import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { lineRefundFen, shareFen, type RefundableLine } from '../../src/shared/refund-share';

/** Splits `qty` items into refund steps of at least one item each, in the order given. */
const steps = (qty: number) =>
  fc.array(fc.integer({ min: 1, max: qty }), { minLength: 1, maxLength: qty }).map((parts) => {
    const out: number[] = [];
    let left = qty;
    for (const p of parts) {
      if (left === 0) break;
      const n = Math.min(p, left);
      out.push(n);
      left -= n;
    }
    if (left > 0) out.push(left);
    return out;
  });

/** Refunds a line step by step as main does, returning each step's fen. */
function refundInSteps(totalFen: number, qty: number, parts: number[]): number[] {
  const line: RefundableLine = { qty, totalFen, refundedQty: 0, refundedFen: 0 };
  return parts.map((n) => {
    const fen = lineRefundFen(line, n);
    line.refundedQty += n;
    line.refundedFen += fen;
    return fen;
  });
}

describe('the refund line share (src/shared/refund-share.ts)', () => {
  it('rounds halves up, exactly', () => {
    expect(shareFen(999, 1, 2)).toBe(500); // 499.5
    expect(shareFen(1000, 1, 3)).toBe(333);
    expect(shareFen(1000, 2, 3)).toBe(667);
    expect(shareFen(1001, 1, 2)).toBe(501); // 500.5
    expect(shareFen(0, 1, 7)).toBe(0);
    expect(shareFen(1000, 3, 3)).toBe(1000);
  });

  it('a worked example: ¥10.00 for 3 items refunded 1 + 2, then the parts add up to the line', () => {
    expect(refundInSteps(1000, 3, [1, 2])).toEqual([333, 667]);
    expect(refundInSteps(1000, 3, [1, 1, 1])).toEqual([333, 334, 333]);
    expect(lineRefundFen({ qty: 3, totalFen: 1000, refundedQty: 1, refundedFen: 333 }, 0)).toBe(0);
  });

  it('is Math.round of the float share wherever that is exact (what main and the dialog computed before)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000_000 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.nat(),
        (total, whole, raw) => {
          const part = raw % (whole + 1);
          expect(shareFen(total, part, whole)).toBe(Math.round((total * part) / whole));
        },
      ),
    );
  });

  it('the parts of a line refunded in any steps add up to the line total exactly, and each refund so far is its rounded proportion', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 1, max: 60 }).chain((qty) => fc.tuple(fc.constant(qty), steps(qty))),
        (total, [qty, parts]) => {
          const fens = refundInSteps(total, qty, parts);
          expect(fens.reduce((a, b) => a + b, 0)).toBe(total);
          let done = 0;
          let paid = 0;
          for (const [i, n] of parts.entries()) {
            done += n;
            paid += fens[i]!;
            expect(fens[i]!).toBeGreaterThanOrEqual(0);
            // the cumulative refund is the rounded proportion of the items refunded so far
            expect(Math.abs(paid * qty - total * done)).toBeLessThanOrEqual(qty / 2);
          }
        },
      ),
    );
  });
});
