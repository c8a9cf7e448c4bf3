/** Sales review (reports.*). All amounts are integer fen; all times are epoch milliseconds. */
import type { PaymentMethod } from './tender';

// ---- sales review (reports.*) --------------------------------------------------------------------

/**
 * Sales and refunds over a range of business days. A sale (an order paid, partially refunded or
 * refunded) counts on its business day; a refund counts on the store-time day it succeeded, against
 * the method it was paid with.
 */
export interface ReportTotals {
  orders: number;
  items: number;
  /** before discounts */
  grossFen: number;
  /** line and order discounts */
  discountFen: number;
  /** gross − discounts: what customers paid */
  salesFen: number;
  refundFen: number;
  /** how many refunds */
  refunds: number;
  /** items refunded by line */
  refundItems: number;
  /** sales − refunds */
  netFen: number;
  /** sales ÷ orders (rounded to the fen); null without orders */
  avgTicketFen: number | null;
}

export interface ReportDayRow extends ReportTotals {
  day: string;
}

export interface ReportHourRow extends ReportTotals {
  /** 0–23, store time */
  hour: number;
}

export interface ReportMethodRow extends ReportTotals {
  method: PaymentMethod | 'none';
  mode: 'cash' | 'qr' | 'redirect' | 'payment_code' | 'none';
}

export interface ReportClerkRow extends ReportTotals {
  clerk: string;
}

export interface ReportTerminalRow extends ReportTotals {
  terminal: string;
}

export interface ReportProductRow {
  productId: number;
  sku: string;
  nameZh: string;
  nameEn: string;
  categoryId: number | null;
  /** orders with the product (order lines) */
  orders: number;
  qty: number;
  grossFen: number;
  discountFen: number;
  salesFen: number;
  /** refunds by line of the product */
  refundFen: number;
  refundQty: number;
  netFen: number;
}

export interface ReportCategoryRow {
  categoryId: number | null;
  code: string;
  nameZh: string;
  nameEn: string;
  color: string;
  /** products of the category sold or refunded in the range */
  products: number;
  /** order lines of its products (an order with two of its products counts twice) */
  orders: number;
  qty: number;
  grossFen: number;
  discountFen: number;
  salesFen: number;
  refundFen: number;
  refundQty: number;
  netFen: number;
}

export interface SalesReport {
  from: string;
  to: string;
  /** days in the range, both ends included */
  days: number;
  timeZone: string;
  generatedAt: number;
  summary: ReportTotals;
  /** every day of the range, in order (zeros where nothing happened) */
  byDay: ReportDayRow[];
  /** hours 0–23 */
  byHour: ReportHourRow[];
  byMethod: ReportMethodRow[];
  byClerk: ReportClerkRow[];
  byTerminal: ReportTerminalRow[];
  products: {
    /** the best sellers by net sales, at most `top` */
    top: ReportProductRow[];
    /** every other product together (productId 0), or null */
    rest: ReportProductRow | null;
    restCount: number;
    /** products sold or refunded in the range */
    count: number;
    /** refunds by amount (not by line): deducted from the totals, not from any product */
    unallocatedRefundFen: number;
  };
  byCategory: ReportCategoryRow[];
}

/** A report as a file the browser saves (CSV). */
export interface ReportFile {
  filename: string;
  mime: 'text/csv';
  content: string;
}

/** A report as a printable HTML page (A4). */
export interface ReportPrintable {
  title: string;
  html: string;
}
