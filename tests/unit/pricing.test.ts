import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { allocate, discountAmount, priceCart } from '../../src/main/core/sales/pricing';
import type { Discount } from '../../src/shared/types';

describe('pricing', () => {
  it('applies percent and amount discounts, never below zero', () => {
    expect(discountAmount(1000, { kind: 'percent', value: 15 })).toBe(150);
    expect(discountAmount(999, { kind: 'percent', value: 50 })).toBe(500); // 499.5 rounds half up
    expect(discountAmount(300, { kind: 'amount', value: 500 })).toBe(300);
    expect(discountAmount(300, null)).toBe(0);
  });

  it('shares an amount exactly by largest remainder', () => {
    expect(allocate(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocate(10, [0, 5, 5])).toEqual([0, 5, 5]);
    expect(allocate(0, [3, 4])).toEqual([0, 0]);
    expect(allocate(7, [0, 0])).toEqual([0, 0]);
  });

  it('prices a worked example', () => {
    const r = priceCart(
      [
        { unitPriceFen: 300, qty: 3, discount: { kind: 'percent', value: 10 } },
        { unitPriceFen: 750, qty: 1, discount: null },
      ],
      { kind: 'amount', value: 101 },
    );
    expect(r).toMatchObject({
      subtotalFen: 1650,
      lineDiscountFen: 90,
      orderDiscountFen: 101,
      totalFen: 1459,
      itemCount: 4,
    });
    expect(r.lines.map((l) => l.orderDiscountShareFen)).toEqual([52, 49]);
  });

  const discount = fc.option(
    fc.oneof(
      fc.record({ kind: fc.constant('percent' as const), value: fc.integer({ min: 1, max: 100 }) }),
      fc.record({ kind: fc.constant('amount' as const), value: fc.integer({ min: 1, max: 100_000 }) }),
    ),
    { nil: null },
  ) as fc.Arbitrary<Discount | null>;
  const line = fc.record({
    unitPriceFen: fc.integer({ min: 0, max: 1_000_000 }),
    qty: fc.integer({ min: 1, max: 9999 }),
    discount,
  });

  it('shares an order discount exactly even when amount × weight passes 2^53 (a found counterexample)', () => {
    const r = priceCart(
      [
        { unitPriceFen: 218988, qty: 8274, discount: { kind: 'amount', value: 45742 } },
        { unitPriceFen: 590890, qty: 7544, discount: { kind: 'percent', value: 23 } },
      ],
      { kind: 'percent', value: 100 },
    );
    expect(r.lines.reduce((a, l) => a + l.orderDiscountShareFen, 0)).toBe(r.orderDiscountFen);
    expect(r.totalFen).toBe(0);
    r.lines.forEach((l) => expect(l.totalFen).toBe(0));
  });

  it('keeps every total an integer, non-negative and consistent for any cart', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), discount, (lines, orderDiscount) => {
        const r = priceCart(lines, orderDiscount);
        const all = [
          r.subtotalFen,
          r.lineDiscountFen,
          r.orderDiscountFen,
          r.totalFen,
          ...r.lines.flatMap((l) => Object.values(l)),
        ];
        expect(all.every((n) => Number.isSafeInteger(n) && n >= 0)).toBe(true);
        expect(r.totalFen).toBe(r.subtotalFen - r.lineDiscountFen - r.orderDiscountFen);
        expect(r.lines.reduce((a, l) => a + l.totalFen, 0)).toBe(r.totalFen);
        expect(r.lines.reduce((a, l) => a + l.orderDiscountShareFen, 0)).toBe(r.orderDiscountFen);
        r.lines.forEach((l) => expect(l.lineDiscountFen + l.orderDiscountShareFen).toBeLessThanOrEqual(l.grossFen));
      }),
    );
  });
});
