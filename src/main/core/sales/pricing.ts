/**
 * Pure pricing in integer fen. Line discounts first, then the order discount, which is shared out
 * over the lines in proportion to their net amounts (largest remainder, so shares add up exactly);
 * refunds by line in a later issue rely on those shares.
 */
import { roundDiv, type Fen } from '../../../shared/money';
import type { Discount } from '../../../shared/types';

export interface PricingLine {
  unitPriceFen: Fen;
  qty: number;
  discount: Discount | null;
}

export interface PricedLine {
  grossFen: Fen;
  lineDiscountFen: Fen;
  orderDiscountShareFen: Fen;
  totalFen: Fen;
}

export interface PricedCart {
  lines: PricedLine[];
  itemCount: number;
  subtotalFen: Fen;
  lineDiscountFen: Fen;
  orderDiscountFen: Fen;
  totalFen: Fen;
}

export function discountAmount(baseFen: Fen, discount: Discount | null): Fen {
  if (!discount) return 0;
  if (discount.kind === 'percent') return roundDiv(baseFen * discount.value, 100);
  return Math.min(discount.value, baseFen);
}

/**
 * Splits `amount` over `weights` in proportion, exactly (largest remainder, ties to the earlier line).
 * The products amount × weight can pass 2^53 on a large cart, so they are taken in BigInt.
 */
export function allocate(amount: Fen, weights: readonly Fen[]): Fen[] {
  const total = weights.reduce((a, b) => a + b, 0);
  if (amount === 0 || total === 0) return weights.map(() => 0);
  const a = BigInt(amount);
  const t = BigInt(total);
  const shares = weights.map((w) => Number((a * BigInt(w)) / t));
  let left = amount - shares.reduce((x, y) => x + y, 0);
  const order = weights
    .map((w, i) => ({ i, rem: (a * BigInt(w)) % t }))
    .sort((x, y) => (y.rem > x.rem ? 1 : y.rem < x.rem ? -1 : x.i - y.i));
  for (const { i } of order) {
    if (left <= 0) break;
    shares[i] = (shares[i] ?? 0) + 1;
    left -= 1;
  }
  return shares;
}

export function priceCart(lines: readonly PricingLine[], orderDiscount: Discount | null): PricedCart {
  const gross = lines.map((l) => l.unitPriceFen * l.qty);
  const lineDisc = lines.map((l, i) => discountAmount(gross[i] ?? 0, l.discount));
  const net = gross.map((g, i) => g - (lineDisc[i] ?? 0));
  const subtotalFen = gross.reduce((a, b) => a + b, 0);
  const lineDiscountFen = lineDisc.reduce((a, b) => a + b, 0);
  const afterLines = subtotalFen - lineDiscountFen;
  const orderDiscountFen = discountAmount(afterLines, orderDiscount);
  const shares = allocate(orderDiscountFen, net);
  return {
    lines: lines.map((_, i) => ({
      grossFen: gross[i] ?? 0,
      lineDiscountFen: lineDisc[i] ?? 0,
      orderDiscountShareFen: shares[i] ?? 0,
      totalFen: (net[i] ?? 0) - (shares[i] ?? 0),
    })),
    itemCount: lines.reduce((a, l) => a + l.qty, 0),
    subtotalFen,
    lineDiscountFen,
    orderDiscountFen,
    totalFen: afterLines - orderDiscountFen,
  };
}
