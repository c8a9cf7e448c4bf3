/** Kysely table types. Times are epoch milliseconds; money is integer fen; booleans are 0/1. */
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { StoredAttemptOutcome, StoredRefundOutcome } from './outcomes';

export interface SettingsTable {
  key: string;
  value: string;
}

export interface CategoriesTable {
  id: Generated<number>;
  code: string;
  name_zh: string;
  name_en: string;
  color: string;
  sort: number;
}

export interface ProductsTable {
  id: Generated<number>;
  sku: string;
  barcode: string | null;
  name_zh: string;
  name_en: string;
  /** full pinyin of name_zh without tones or spaces, e.g. `kekoukele` */
  pinyin: string;
  /** first letters of each syllable of name_zh, e.g. `kkkl` */
  pinyin_initials: string;
  category_id: number;
  price_fen: number;
  unit: string;
  active: number;
  created_at: number;
  updated_at: number;
  /** how many the shop holds; may go negative (migration 0007; moved by triggers on sales and restocking refunds) */
  stock: Generated<number>;
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

export interface PaymentAttemptsTable {
  id: Generated<number>;
  order_id: number;
  method: 'cash' | 'yeepay' | 'alipay' | 'wechat';
  mode: 'cash' | 'qr' | 'redirect' | 'payment_code';
  out_trade_no: string;
  amount_fen: number;
  state: 'created' | 'pending' | 'paid' | 'failed' | 'closed' | 'expired' | 'partially_refunded' | 'refunded';
  unknown: number;
  tendered_fen: number | null;
  change_fen: number | null;
  created_at: number;
  updated_at: number;
  paid_at: number | null;
  trade_no: string | null;
  instrument: string | null;
  deadline_at: number | null;
  next_poll_at: number | null;
  polls: Generated<number>;
  closing_since: number | null;
  closing_reason: 'stopped' | 'deadline' | null;
  /** written and read through store/outcomes.ts */
  last_outcome: StoredAttemptOutcome | null;
  last_message: string | null;
  /** the owner let the order be charged another way while this attempt was still open */
  overridden_at: Generated<number | null>;
  /** the intermediary answered about a trade this attempt did not create (migration 0011): never paid, never closed upstream */
  foreign_at: Generated<number | null>;
}

export interface PaymentExceptionsTable {
  id: Generated<number>;
  order_id: number;
  attempt_id: number | null;
  kind: string;
  detail: string | null;
  opened_at: number;
  resolved_at: number | null;
  resolution: string | null;
  note: string | null;
}

export interface PaymentJournalTable {
  id: Generated<number>;
  order_id: number;
  attempt_id: number | null;
  at: number;
  kind: string;
  from_state: string | null;
  to_state: string | null;
  detail: string | null;
}

export type Role = 'clerk' | 'owner';

export interface UsersTable {
  id: Generated<number>;
  name: string;
  role: Role;
  /** scrypt(pin, salt), hex */
  pin_hash: string;
  pin_salt: string;
  failed_count: Generated<number>;
  locked_until: number | null;
  active: Generated<number>;
  created_at: number;
  updated_at: number;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  actor_id: number | null;
  actor_name: string;
  actor_role: Role | 'system';
  /** the owner who approved a clerk's action with a PIN, when not the actor */
  approved_by: string | null;
  action: string;
  subject: string | null;
  before: string | null;
  after: string | null;
  note: string | null;
}

export type RefundState = 'requested' | 'pending' | 'succeeded' | 'failed';

export interface RefundsTable {
  id: Generated<number>;
  order_id: number;
  attempt_id: number;
  exception_id: number | null;
  refund_no: string;
  method: 'cash' | 'yeepay' | 'alipay' | 'wechat';
  amount_fen: number;
  trade_fen: number;
  state: RefundState;
  unknown: Generated<number>;
  reason: string | null;
  lines: string | null;
  restock: Generated<number>;
  requested_by: string;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
  next_poll_at: number | null;
  polls: Generated<number>;
  /** written and read through store/outcomes.ts */
  last_outcome: StoredRefundOutcome | null;
  last_message: string | null;
  /** the till's idempotency key for the request (migration 0010) */
  request_key: Generated<string | null>;
}

/** Every installation code this data has used (migration 0011; core/payments/till-identity.ts), append-only. */
export interface TillIdentityTable {
  id: Generated<number>;
  installation: string;
  reason: 'new' | 'migrated' | 'restored' | 'moved' | 'collision';
  detail: string | null;
  created_at: number;
}

export interface Database {
  settings: SettingsTable;
  till_identity: TillIdentityTable;
  categories: CategoriesTable;
  products: ProductsTable;
  carts: CartsTable;
  cart_lines: CartLinesTable;
  day_counters: DayCountersTable;
  orders: OrdersTable;
  order_lines: OrderLinesTable;
  payment_attempts: PaymentAttemptsTable;
  payment_journal: PaymentJournalTable;
  payment_exceptions: PaymentExceptionsTable;
  users: UsersTable;
  audit_log: AuditLogTable;
  refunds: RefundsTable;
}

export type ProductRow = Selectable<ProductsTable>;
export type NewProduct = Insertable<ProductsTable>;
export type CartRow = Selectable<CartsTable>;
export type CartLineRow = Selectable<CartLinesTable>;
export type OrderRow = Selectable<OrdersTable>;
export type OrderLineRow = Selectable<OrderLinesTable>;
export type AttemptRow = Selectable<PaymentAttemptsTable>;
export type JournalRow = Selectable<PaymentJournalTable>;
export type OrderUpdate = Updateable<OrdersTable>;
export type UserRow = Selectable<UsersTable>;
export type AuditRow = Selectable<AuditLogTable>;
export type RefundRow = Selectable<RefundsTable>;

// ---- reconciliation (migration 0006) -------------------------------------------------------------

export type ReconRunStatus = 'imported' | 'empty' | 'superseded' | 'refused' | 'unavailable';

export interface ReconRunsTable {
  id: Generated<number>;
  provider: 'alipay' | 'wechat' | 'yeepay';
  /** the statement's day, YYYY-MM-DD (Beijing) */
  day: string;
  /** SHA-256 of the parsed statement; null for a refused or failed download */
  sha256: string | null;
  status: ReconRunStatus;
  trigger: 'manual' | 'scheduled';
  actor: string;
  started_at: number;
  imported_at: number | null;
  merchant_id: string | null;
  row_count: Generated<number>;
  matched_count: Generated<number>;
  /** JSON: the matcher's totals */
  totals: string | null;
  error_code: string | null;
  error: string | null;
}

export interface ReconLinesTable {
  id: Generated<number>;
  run_id: number;
  line_no: number;
  type: 'payment' | 'refund';
  out_trade_no: string;
  trade_no: string | null;
  refund_no: string | null;
  amount_fen: number;
  fee_fen: number;
  status: string;
  at: number | null;
}

export interface ReconItemsTable {
  id: Generated<number>;
  run_id: number;
  category:
    | 'missing_locally'
    | 'missing_upstream'
    | 'amount_mismatch'
    | 'status_mismatch'
    | 'fee_mismatch'
    | 'paid_after_close';
  out_trade_no: string;
  attempt_id: number | null;
  refund_id: number | null;
  refund_no: string | null;
  ours_fen: number | null;
  theirs_fen: number | null;
  /** JSON: {reason, …facts} */
  detail: string;
  /** the neighbour day whose statement may still explain the item */
  awaiting_day: string | null;
  opened_at: number;
  resolved_at: number | null;
  resolution: string | null;
  note: string | null;
  resolved_by: string | null;
}

// Declaration merging adds the reconciliation tables to `Database` above.
export interface Database {
  recon_runs: ReconRunsTable;
  recon_lines: ReconLinesTable;
  recon_items: ReconItemsTable;
}

export type ReconRunRow = Selectable<ReconRunsTable>;
export type ReconItemRow = Selectable<ReconItemsTable>;

// ---- stock (migration 0007) ----------------------------------------------------------------------

export type StockReason = 'sale' | 'refund_restock' | 'adjustment' | 'import';

/** Append-only: every change of a product's stock count. Sales and restocking refunds are written by triggers. */
export interface StockMovesTable {
  id: Generated<number>;
  product_id: number;
  delta: number;
  reason: StockReason;
  order_id: number | null;
  refund_id: number | null;
  /** who: the clerk of the order, who asked for the refund, or the owner who adjusted or imported */
  actor: string;
  /** the owner whose PIN approved a clerk's adjustment or import */
  approved_by: string | null;
  at: number;
  note: string | null;
  stock_after: number;
}

// Declaration merging adds the stock moves to `Database` above.
export interface Database {
  stock_moves: StockMovesTable;
}

export type StockMoveRow = Selectable<StockMovesTable>;

// ---- cash sessions and Z reports (migration 0009) -------------------------------------------------

export interface CashSessionsTable {
  id: Generated<number>;
  terminal: string;
  business_day: string;
  status: 'open' | 'closed';
  opened_at: number;
  opened_by: string;
  opened_by_id: number | null;
  float_fen: number;
  /** JSON DenominationCounts, when the float was counted by denomination */
  float_denominations: string | null;
  closed_at: number | null;
  closed_by: string | null;
  approved_by: string | null;
  expected_fen: number | null;
  counted_fen: number | null;
  counted_denominations: string | null;
  variance_fen: number | null;
  variance_reason: string | null;
}

export interface CashMovesTable {
  id: Generated<number>;
  session_id: number;
  kind: 'in' | 'out';
  amount_fen: number;
  reason: string;
  at: number;
  actor: string;
  approved_by: string | null;
}

export interface ZReportsTable {
  id: Generated<number>;
  session_id: number;
  terminal: string;
  seq: number;
  number: string;
  business_day: string;
  opened_at: number;
  closed_at: number;
  closed_by: string;
  approved_by: string | null;
  sales_fen: number;
  net_fen: number;
  expected_fen: number;
  counted_fen: number;
  variance_fen: number;
  /** JSON ZReport */
  content: string;
}

// Declaration merging adds the cash tables to `Database` above.
export interface Database {
  cash_sessions: CashSessionsTable;
  cash_moves: CashMovesTable;
  z_reports: ZReportsTable;
}

export type CashSessionRow = Selectable<CashSessionsTable>;
export type CashMoveRow = Selectable<CashMovesTable>;
export type ZReportRow = Selectable<ZReportsTable>;

// ---- restores from a damaged database (migration 0012) ------------------------------------------

export interface DataRestoresTable {
  id: Generated<number>;
  at: number;
  actor: string;
  approved_by: string | null;
  backup_file: string;
  backup_at: number;
  damaged_file: string;
  export_file: string;
  /** JSON: rows re-entered per table */
  reentered: string;
  /** JSON: what could not be read from the damaged file */
  unreadable: string;
}

export interface RecoveredRowsTable {
  restore_id: number;
  table_name: string;
  row_id: number;
  action: 'inserted' | 'updated';
}

// Declaration merging adds the restore tables to `Database` above.
export interface Database {
  data_restores: DataRestoresTable;
  recovered_rows: RecoveredRowsTable;
}

// ---- the print queue (migration 0016) -----------------------------------------------------------

export interface PrintJobsTable {
  id: Generated<number>;
  kind: 'receipt' | 'reprint' | 'refund' | 'x' | 'z' | 'move' | 'test';
  title: string;
  order_id: number | null;
  payload: Uint8Array;
  state: 'pending' | 'sending' | 'sent' | 'failed' | 'dismissed';
  cause: string | null;
  attempts: Generated<number>;
  created_at: number;
  updated_at: number;
}

// Declaration merging adds the print queue to `Database` above.
export interface Database {
  print_jobs: PrintJobsTable;
}

// ---- report summary tables (migration 0008), kept by triggers ------------------------------------

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

// Declaration merging adds the report tables to `Database` above.
export interface Database {
  report_sales_day: ReportSalesDayTable;
  report_sales_month: ReportSalesMonthTable;
  report_sales_hour: ReportSalesHourTable;
  report_product_day: ReportProductDayTable;
  report_product_month: ReportProductMonthTable;
  report_tz: ReportTzTable;
  report_meta: ReportMetaTable;
}
