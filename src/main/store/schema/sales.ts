/**
 * Carts, the day's order numbers, orders and their lines.
 * Kysely table types: times are epoch milliseconds, money integer fen, booleans 0/1.
 */
import type { Generated, Selectable, Updateable } from 'kysely';

/** The tables of this domain in `Database` (schema.ts). */
export interface SalesTables {
  carts: CartsTable;
  cart_lines: CartLinesTable;
  day_counters: DayCountersTable;
  orders: OrdersTable;
  order_lines: OrderLinesTable;
}

export type CartStatus = 'active' | 'parked' | 'ordered' | 'discarded';

export interface CartsTable {
  id: Generated<number>;
  status: CartStatus;
  label: string | null;
  order_discount_kind: 'percent' | 'amount' | null;
  order_discount_value: number | null;
  /** the largest share of its base (ppm) the owner approved for the order discount (migration 0013) */
  order_discount_approved_ppm: number | null;
  last_product_id: number | null;
  created_at: number;
  updated_at: number;
  parked_at: number | null;
}

export interface CartLinesTable {
  id: Generated<number>;
  cart_id: number;
  product_id: number;
  qty: number;
  discount_kind: 'percent' | 'amount' | null;
  discount_value: number | null;
  /** the largest share of the line's gross (ppm) the owner approved for its discount (migration 0013) */
  discount_approved_ppm: number | null;
  position: number;
  /** a line sold from a scale's label: its code, the price it charges and its weight (migration 0018) */
  label_code: string | null;
  label_price_fen: number | null;
  label_weight_g: number | null;
}

export interface DayCountersTable {
  business_day: string;
  last_seq: number;
}

export interface OrdersTable {
  id: Generated<number>;
  number: string;
  business_day: string;
  seq: number;
  status: 'open' | 'paid' | 'cancelled' | 'partially_refunded' | 'refunded';
  clerk: string;
  terminal: string;
  cart_id: number | null;
  subtotal_fen: number;
  line_discount_fen: number;
  order_discount_kind: 'percent' | 'amount' | null;
  order_discount_value: number | null;
  order_discount_fen: number;
  total_fen: number;
  item_count: number;
  created_at: number;
  paid_at: number | null;
  cancelled_at: number | null;
}

export interface OrderLinesTable {
  id: Generated<number>;
  order_id: number;
  line_no: number;
  product_id: number;
  sku: string;
  barcode: string | null;
  name_zh: string;
  name_en: string;
  unit_price_fen: number;
  qty: number;
  gross_fen: number;
  discount_kind: 'percent' | 'amount' | null;
  discount_value: number | null;
  line_discount_fen: number;
  order_discount_share_fen: number;
  total_fen: number;
  /** the scale label the line was sold from, and its weight (migration 0018); its price is unit_price_fen */
  label_code: string | null;
  label_weight_g: number | null;
}

export type CartRow = Selectable<CartsTable>;

export type CartLineRow = Selectable<CartLinesTable>;

export type OrderRow = Selectable<OrdersTable>;

export type OrderLineRow = Selectable<OrderLinesTable>;

export type OrderUpdate = Updateable<OrdersTable>;
