/**
 * The arithmetic of a sales report over summary rows: the sums a query selects (`SALES_SUMS`), adding
 * and taking away a part of a range, the totals a row shows (`totals`: sales, net, average ticket),
 * and the order the methods and modes are listed in. Pure; reports.ts reads the rows.
 */
import { sql } from 'kysely';
import type { ReportMethodRow, ReportProductRow, ReportTotals } from '../../../shared/types';

export interface Sums {
  orders: number | null;
  items: number | null;
  gross_fen: number | null;
  discount_fen: number | null;
  refund_fen: number | null;
  refunds: number | null;
  refund_items: number | null;
}

export function totals(s: Partial<Sums> | undefined): ReportTotals {
  const n = (v: number | null | undefined) => Number(v ?? 0);
  const orders = n(s?.orders);
  const grossFen = n(s?.gross_fen);
  const discountFen = n(s?.discount_fen);
  const refundFen = n(s?.refund_fen);
  const salesFen = grossFen - discountFen;
  return {
    orders,
    items: n(s?.items),
    grossFen,
    discountFen,
    salesFen,
    refundFen,
    refunds: n(s?.refunds),
    refundItems: n(s?.refund_items),
    netFen: salesFen - refundFen,
    avgTicketFen: orders > 0 ? Math.round(salesFen / orders) : null,
  };
}

export const SALES_SUMS = [
  sql<number>`sum(orders)`.as('orders'),
  sql<number>`sum(items)`.as('items'),
  sql<number>`sum(gross_fen)`.as('gross_fen'),
  sql<number>`sum(discount_fen)`.as('discount_fen'),
  sql<number>`sum(refund_fen)`.as('refund_fen'),
  sql<number>`sum(refunds)`.as('refunds'),
  sql<number>`sum(refund_items)`.as('refund_items'),
] as const;

export const zeroSums = (): Sums => ({
  orders: 0,
  items: 0,
  gross_fen: 0,
  discount_fen: 0,
  refund_fen: 0,
  refunds: 0,
  refund_items: 0,
});
export function addSums(into: Sums, r: Partial<Sums>, sign: 1 | -1 = 1): void {
  into.orders = Number(into.orders ?? 0) + sign * Number(r.orders ?? 0);
  into.items = Number(into.items ?? 0) + sign * Number(r.items ?? 0);
  into.gross_fen = Number(into.gross_fen ?? 0) + sign * Number(r.gross_fen ?? 0);
  into.discount_fen = Number(into.discount_fen ?? 0) + sign * Number(r.discount_fen ?? 0);
  into.refund_fen = Number(into.refund_fen ?? 0) + sign * Number(r.refund_fen ?? 0);
  into.refunds = Number(into.refunds ?? 0) + sign * Number(r.refunds ?? 0);
  into.refund_items = Number(into.refund_items ?? 0) + sign * Number(r.refund_items ?? 0);
}

export const isZero = (t: ReportTotals) =>
  t.orders === 0 &&
  t.grossFen === 0 &&
  t.discountFen === 0 &&
  t.refundFen === 0 &&
  t.refunds === 0 &&
  t.items === 0 &&
  t.refundItems === 0;

export interface ProductSums {
  orders: number;
  qty: number;
  gross_fen: number;
  discount_fen: number;
  refund_fen: number;
  refund_qty: number;
}

export const METHOD_ORDER: readonly ReportMethodRow['method'][] = ['cash', 'alipay', 'wechat', 'yeepay', 'none'];
export const MODE_ORDER: readonly ReportMethodRow['mode'][] = ['cash', 'qr', 'payment_code', 'redirect', 'none'];

export function sumProducts(
  rows: readonly ReportProductRow[],
  as: Pick<ReportProductRow, 'productId' | 'sku' | 'nameZh' | 'nameEn' | 'categoryId'>,
): ReportProductRow {
  const out: ReportProductRow = {
    ...as,
    orders: 0,
    qty: 0,
    grossFen: 0,
    discountFen: 0,
    salesFen: 0,
    refundFen: 0,
    refundQty: 0,
    netFen: 0,
  };
  for (const r of rows) {
    out.orders += r.orders;
    out.qty += r.qty;
    out.grossFen += r.grossFen;
    out.discountFen += r.discountFen;
    out.salesFen += r.salesFen;
    out.refundFen += r.refundFen;
    out.refundQty += r.refundQty;
    out.netFen += r.netFen;
  }
  return out;
}
