/**
 * The report summary tables (migration 0008), kept by triggers.
 * Kysely table types: times are epoch milliseconds, money integer fen, booleans 0/1.
 */
import type { Generated } from 'kysely';

/** The tables of this domain in `Database` (schema.ts). */
export interface ReportsTables {
  report_sales_day: ReportSalesDayTable;
  report_sales_month: ReportSalesMonthTable;
  report_sales_hour: ReportSalesHourTable;
  report_product_day: ReportProductDayTable;
  report_product_month: ReportProductMonthTable;
  report_tz: ReportTzTable;
  report_meta: ReportMetaTable;
}

/** Measures of sales and refunds, for `report_sales_day` and `report_sales_hour`. */
export interface ReportSalesMeasures {
  orders: Generated<number>;
  items: Generated<number>;
  gross_fen: Generated<number>;
  discount_fen: Generated<number>;
  refund_fen: Generated<number>;
  refunds: Generated<number>;
  refund_items: Generated<number>;
}

export interface ReportSalesDayTable extends ReportSalesMeasures {
  business_day: string;
  /** the method of the payment holding the order's money ('none' when an order has none) */
  method: string;
  mode: string;
  clerk: string;
  terminal: string;
}

export interface ReportSalesMonthTable extends ReportSalesMeasures {
  /** YYYY-MM */
  month: string;
  method: string;
  mode: string;
  clerk: string;
  terminal: string;
}

export interface ReportSalesHourTable extends ReportSalesMeasures {
  business_day: string;
  /** 0–23, store time */
  hour: number;
}

export interface ReportProductMeasures {
  /** order lines of the product */
  orders: Generated<number>;
  qty: Generated<number>;
  gross_fen: Generated<number>;
  discount_fen: Generated<number>;
  refund_fen: Generated<number>;
  refund_qty: Generated<number>;
}

export interface ReportProductDayTable extends ReportProductMeasures {
  business_day: string;
  product_id: number;
}

export interface ReportProductMonthTable extends ReportProductMeasures {
  /** YYYY-MM */
  month: string;
  product_id: number;
}

export interface ReportTzTable {
  from_ms: number;
  offset_min: number;
}

export interface ReportMetaTable {
  key: string;
  value: string;
}
