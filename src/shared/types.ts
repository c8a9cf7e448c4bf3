/** View types returned by the contract. All amounts are integer fen; all times are epoch milliseconds. */
import type { Fen } from './money';
import type { DenominationCounts } from './cash';
import type { AttemptDisplay, AttemptOutcome, NetworkTrouble, RefundOutcome } from './outcomes';

export type Locale = 'zh-CN' | 'en';
export const LOCALES: readonly Locale[] = ['zh-CN', 'en'];

export type Discount = { kind: 'percent'; value: number } | { kind: 'amount'; value: Fen };

export interface Category {
  id: number;
  code: string;
  nameZh: string;
  nameEn: string;
  color: string;
  productCount: number;
}

export interface Product {
  id: number;
  sku: string;
  barcode: string | null;
  nameZh: string;
  nameEn: string;
  categoryId: number;
  priceFen: Fen;
  unit: string;
}

// ---- catalogue management (src/main/core/catalogue/) --------------------------------------------

/** A product as the owner manages it: retired ones too, with the stock count. */
export interface CatalogueProduct extends Product {
  categoryCode: string;
  active: boolean;
  /** how many the shop holds; negative when more was sold than counted */
  stock: number;
  updatedAt: number;
}

export interface CatalogueList {
  products: CatalogueProduct[];
  /** how many match the filter (the list holds at most `limit`) */
  total: number;
}

export interface CatalogueCategory {
  id: number;
  code: string;
  nameZh: string;
  nameEn: string;
  color: string;
  sort: number;
  activeCount: number;
  retiredCount: number;
}

export interface ProductSaved {
  product: CatalogueProduct;
  /** a retired product that held the barcode and gave it up to this one */
  barcodeFrom: { id: number; sku: string } | null;
}

export type StockMoveReason = 'sale' | 'refund_restock' | 'adjustment' | 'import';

export interface StockMoveView {
  id: number;
  productId: number;
  delta: number;
  reason: StockMoveReason;
  orderId: number | null;
  orderNumber: string | null;
  refundId: number | null;
  actor: string;
  /** the owner whose PIN approved it, when the actor was a clerk */
  approvedBy: string | null;
  at: number;
  note: string | null;
  stockAfter: number;
}

export interface CatalogueExport {
  filename: string;
  /** the CSV text, starting with a BOM (U+FEFF) so Excel reads it as UTF-8 */
  content: string;
  rows: number;
}

export interface ImportUpload {
  uploadId: string;
  receivedBytes: number;
}

export type ImportField = 'barcode' | 'nameZh' | 'nameEn' | 'category' | 'priceFen' | 'unit' | 'active' | 'stock';

export type ImportErrorKind =
  | 'column_count'
  | 'missing_sku'
  | 'bad_sku'
  | 'missing_name'
  | 'too_long'
  | 'bad_text'
  | 'unknown_category'
  | 'bad_price'
  | 'invalid_barcode'
  | 'bad_active'
  | 'bad_stock'
  | 'duplicate_sku'
  | 'duplicate_barcode'
  | 'code_taken';

/** One reason a row is refused; a row may have several. */
export interface ImportRowError {
  /** the file's line the row starts on (the header is line 1) */
  line: number;
  kind: ImportErrorKind;
  /** the CSV column at fault, when there is one */
  column: string | null;
  value: string | null;
  /** what the message needs: expected/got counts, the other line, the other product's SKU, … */
  params: Record<string, string | number>;
  /** the reason in English (logs, testers) */
  message: string;
}

export type ImportValue = string | number | boolean | null;

export interface ImportChange {
  /** the file's line; null for a product the file does not name (retired because missing, or a barcode released) */
  line: number | null;
  productId: number | null;
  sku: string;
  nameZh: string;
  nameEn: string;
  fields: { field: ImportField; from: ImportValue; to: ImportValue }[];
}

export interface ImportPreview {
  /** pass to catalog.importApply; null while any row is refused (nothing can be applied) */
  token: string | null;
  encoding: 'utf-8' | 'utf-8-bom' | 'gbk';
  /** data rows read (the header not counted) */
  rows: number;
  options: { retireMissing: boolean; setStock: boolean };
  errors: ImportRowError[];
  errorCount: number;
  /** rows with at least one error */
  badRows: number;
  added: ImportChange[];
  changed: ImportChange[];
  retired: ImportChange[];
  counts: { added: number; changed: number; unchanged: number; retired: number };
  /** existing products whose stock in the file differs from the till's, left alone because setStock is off */
  stockIgnored: number;
  /** each list holds at most this many entries; the counts are exact */
  listLimit: number;
}

export interface ImportApplied {
  added: number;
  changed: number;
  retired: number;
  unchanged: number;
  stockMoves: number;
}

export interface CartLineView {
  lineId: number;
  productId: number;
  sku: string;
  barcode: string | null;
  nameZh: string;
  nameEn: string;
  unitPriceFen: Fen;
  qty: number;
  /** sold from a scale label (称重码): its code, and the weight it carries (grams) if any; else null */
  labelCode: string | null;
  weightG: number | null;
  grossFen: Fen;
  discount: Discount | null;
  discountFen: Fen;
  totalFen: Fen;
}

export interface CartView {
  id: number;
  label: string | null;
  lines: CartLineView[];
  itemCount: number;
  subtotalFen: Fen;
  lineDiscountFen: Fen;
  orderDiscount: Discount | null;
  orderDiscountFen: Fen;
  totalFen: Fen;
  /** id of the product most recently added or changed, so the UI can highlight it. */
  lastTouchedProductId: number | null;
}

export interface ParkedCartView {
  id: number;
  label: string | null;
  parkedAt: number;
  itemCount: number;
  totalFen: Fen;
  firstItemZh: string | null;
  firstItemEn: string | null;
}

export type OrderStatus = 'open' | 'paid' | 'cancelled' | 'partially_refunded' | 'refunded';
export type PaymentMethod = 'cash' | 'yeepay' | 'alipay' | 'wechat';
export type PaymentMode = 'cash' | 'qr' | 'redirect' | 'payment_code';
export type AttemptState =
  | 'created'
  | 'pending'
  | 'paid'
  | 'failed'
  | 'closed'
  | 'expired'
  | 'partially_refunded'
  | 'refunded';

export interface OrderLineView {
  lineNo: number;
  productId: number;
  sku: string;
  nameZh: string;
  nameEn: string;
  unitPriceFen: Fen;
  qty: number;
  grossFen: Fen;
  discount: Discount | null;
  lineDiscountFen: Fen;
  orderDiscountShareFen: Fen;
  totalFen: Fen;
}

export interface PaymentView {
  id: number;
  method: PaymentMethod;
  mode: PaymentMode;
  outTradeNo: string;
  amountFen: Fen;
  state: AttemptState;
  tenderedFen: Fen | null;
  changeFen: Fen | null;
  createdAt: number;
  paidAt: number | null;
}

export interface JournalEntry {
  id: number;
  attemptId: number | null;
  at: number;
  kind: string;
  fromState: string | null;
  toState: string | null;
  detail: Record<string, unknown> | null;
}

export interface OrderSummary {
  id: number;
  number: string;
  businessDay: string;
  status: OrderStatus;
  createdAt: number;
  paidAt: number | null;
  totalFen: Fen;
  itemCount: number;
  method: PaymentMethod | null;
  clerk: string;
}

export interface OrderView extends OrderSummary {
  terminal: string;
  cancelledAt: number | null;
  subtotalFen: Fen;
  lineDiscountFen: Fen;
  orderDiscount: Discount | null;
  orderDiscountFen: Fen;
  lines: OrderLineView[];
  payments: PaymentView[];
  journal: JournalEntry[];
}

export interface Receipt {
  storeName: string;
  storeAddress: string;
  storePhone: string;
  orderId: number;
  number: string;
  terminal: string;
  clerk: string;
  createdAt: number;
  paidAt: number | null;
  lines: OrderLineView[];
  subtotalFen: Fen;
  lineDiscountFen: Fen;
  orderDiscountFen: Fen;
  totalFen: Fen;
  method: PaymentMethod | null;
  tenderedFen: Fen | null;
  changeFen: Fen | null;
  reprint: boolean;
}

export interface PaidOrder {
  order: OrderView;
  receipt: Receipt;
}

export interface PrintOutcome {
  /** `printer`: sent to the default printer; `pdf`: saved as a PDF (no printer); `browser`: the UI must call window.print(). */
  kind: 'printer' | 'pdf' | 'browser';
  path: string | null;
}

// ---- the receipt printer (core/hardware/) --------------------------------------------------------

/** `html`: the system printer through the HTML path (Electron) or the browser; the others speak ESC/POS. */
export type PrinterKind = 'html' | 'network' | 'queue' | 'serial';
export type PrinterCodePage = 'gb18030' | 'gbk';

export interface PrinterConfig {
  kind: PrinterKind;
  /** network: the printer's address (port 9100 unless `port` says otherwise) */
  host: string;
  port: number;
  /** queue: the operating system's queue name (`lp -d <queue> -o raw`) */
  queue: string;
  /** serial: the port (e.g. /dev/ttyUSB0, COM3) and its speed */
  serialPath: string;
  baudRate: 9600 | 19_200 | 38_400 | 57_600 | 115_200;
  /** paper width: 58 mm prints 32 columns, 80 mm 48 */
  width: 58 | 80;
  codePage: PrinterCodePage;
  cutter: boolean;
  /** the printer answers status requests (DLE EOT): asked before each job and after its last byte */
  status: boolean;
  /** a cash drawer is wired to the printer */
  drawer: boolean;
  /** the drawer's connector pin (2 or 5) and its pulse in milliseconds */
  drawerPin: 2 | 5;
  pulseMs: number;
}

/** Why a print failed, in the words a clerk is shown (error `PRINTER_<CAUSE>`). */
export type PrinterCause =
  | 'refused'
  | 'no-route'
  | 'timeout'
  | 'queue-not-found'
  | 'port-not-found'
  | 'paper-out'
  | 'cover-open'
  | 'offline'
  | 'interrupted'
  | 'unconfirmed'
  | 'unknown';

export type PrintJobKind = 'receipt' | 'reprint' | 'refund' | 'x' | 'z' | 'move' | 'test';

/**
 * A job of the print queue: `pending` written and not yet sent; `sending` handed to the printer and
 * not yet acknowledged; `sent`; `failed` (kept, offered again); `dismissed` by the clerk.
 */
export interface PrintJobView {
  id: number;
  kind: PrintJobKind;
  /** the order, refund or report number it prints */
  title: string;
  state: 'pending' | 'sending' | 'sent' | 'failed' | 'dismissed';
  cause: PrinterCause | null;
  attempts: number;
  createdAt: number;
}

export interface PrinterStatusView {
  /** the printer answered (false: it did not, or it is not an ESC/POS printer) */
  answered: boolean;
  paperOut: boolean;
  coverOpen: boolean;
  offline: boolean;
}

export interface AppInfo {
  version: string;
  mode: 'electron' | 'browser';
  storeName: string;
  terminal: string;
  clerk: string;
  locale: Locale;
  businessDay: string;
  timeZone: string;
  productCount: number;
  /** some enabled intermediary points at a sandbox: show the SANDBOX badge */
  sandbox: boolean;
  /** merchant keys are protected less well than by an OS keychain (browser mode) */
  secretsWarning: string | null;
  /** nobody is signed in: only signing in works */
  locked: boolean;
}

export type ProviderId = 'yeepay' | 'alipay' | 'wechat';
export type IntermediaryMode = 'qr' | 'redirect' | 'payment_code';

/** A way to pay offered on the pay screen. */
export interface PaymentOption {
  provider: ProviderId;
  mode: IntermediaryMode;
  /** the provider points at a sandbox, not a real intermediary */
  sandbox: boolean;
  /** its last call got no answer (core/payments/reachability.ts): why; null while it answers */
  unreachable: NetworkTrouble | null;
}

export interface AttemptView {
  id: number;
  orderId: number;
  orderNumber: string;
  provider: PaymentMethod;
  mode: PaymentMode;
  outTradeNo: string;
  amountFen: Fen;
  state: AttemptState;
  /** the last call had no definite answer: the outcome is being established */
  unknown: boolean;
  /** the app is closing/cancelling it upstream (deadline reached, or the clerk stopped it) */
  closing: boolean;
  qrContent: string | null;
  redirect: { url: string; method: 'GET' | 'POST'; fields: Record<string, string> } | null;
  createdAt: number;
  deadlineAt: number | null;
  paidAt: number | null;
  /** the intermediary's last word, as data (src/shared/outcomes.ts) */
  lastOutcome: AttemptOutcome | null;
  message: string | null;
  /** what the pay screen shows and allows, decided in main */
  display: AttemptDisplay;
}

/**
 * What the customer display shows (core/customer-display/, the `/customer` page; the Electron
 * customer window when it is built): only what the customer may see, read-only, pushed on every change.
 */
export interface CustomerView {
  phase: 'idle' | 'cart' | 'pay' | 'paid' | 'declined';
  storeName: string;
  /** the last lines scanned, oldest first (at most 30; `itemCount` counts them all) */
  lines: CustomerLine[];
  itemCount: number;
  /** what is due: the cart's total, or the order's while it is paid */
  totalFen: Fen;
  discountFen: Fen;
  /** while the customer may scan to pay: the QR (its text, and an SVG drawn in main) and its deadline */
  qr: { provider: PaymentMethod; text: string; svg: string; countdownTo: number | null } | null;
  /** paid: how, how much was tendered (cash) and the change due */
  paid: { method: PaymentMethod | null; tenderedFen: Fen | null; changeFen: Fen | null } | null;
  /** the till's clock when this view was made (a countdown runs on it, not the display's own clock) */
  now: number;
}

export interface CustomerLine {
  nameZh: string;
  nameEn: string;
  qty: number;
  unitPriceFen: Fen;
  weightG: number | null;
  totalFen: Fen;
}

/** The pole display facing the customer and the scale labels (owner's settings, `devices.*`). */
export interface DevicesView {
  /** scale label layouts read by `cart.scan` (core/hardware/scale-barcodes.ts); empty: none */
  scaleLayouts: string[];
  /** the serial pole display (客显, 2×20): where it is and what it can show */
  pole: PoleDisplaySettings;
}

export interface PoleDisplaySettings {
  enabled: boolean;
  /** a serial port, e.g. `/dev/ttyUSB0` or `COM3` */
  port: string;
  baud: number;
  /** `gb18030` for displays with a Chinese font, else `ascii` (English only) */
  charset: 'gb18030' | 'ascii';
}

export interface ProviderSettingsView {
  provider: ProviderId;
  enabled: boolean;
  /** 'embedded': the sandbox the app starts itself, with the demo credentials */
  target: 'embedded' | 'custom';
  environment: 'sandbox' | 'production';
  fields: Record<string, string>;
  /** secrets are never sent: only whether one is set, and a fingerprint to recognise it */
  secrets: Record<string, { set: boolean; fingerprint: string | null }>;
  /** why it cannot be used right now, in plain words; null when it is ready */
  problem: string | null;
  sandbox: boolean;
}

/** An order's payment timeline as a file, for disputes. */
export interface TimelineExport {
  filename: string;
  mime: 'application/json' | 'text/csv';
  content: string;
}

export type UserRole = 'clerk' | 'owner';

export interface UserView {
  id: number;
  name: string;
  role: UserRole;
  /** set while a lock-out after wrong PINs lasts */
  lockedUntil: number | null;
}

export interface AuditEntryView {
  id: number;
  at: number;
  actor: string;
  role: UserRole | 'system';
  approvedBy: string | null;
  action: string;
  subject: string | null;
  before: unknown;
  after: unknown;
  note: string | null;
}

export type RefundState = 'requested' | 'pending' | 'succeeded' | 'failed';

export interface RefundView {
  id: number;
  orderId: number;
  orderNumber: string;
  attemptId: number;
  refundNo: string;
  method: PaymentMethod;
  amountFen: Fen;
  state: RefundState;
  /** the last refund call had no definite answer; it is retried with the same refund number */
  unknown: boolean;
  reason: string | null;
  requestedBy: string;
  createdAt: number;
  finishedAt: number | null;
  lastOutcome: RefundOutcome | null;
  message: string | null;
}

/** What a payment exception is about (opened by the payment core; see docs/architecture.md). */
export type ExceptionKind =
  | 'amount_mismatch'
  | 'paid_after_close'
  | 'double_payment'
  | 'refunded_by_cancel'
  | 'refunded_upstream'
  | 'untrusted_answer'
  | 'paid_order_not_open'
  /** the intermediary answered about a trade the attempt did not create (its number was used elsewhere) */
  | 'foreign_trade';

/** refund: give the money back through the intermediary; accept: keep it on the order; dismiss: acknowledged, nothing to move */
export type ExceptionResolution = 'refund' | 'accept' | 'dismiss';

export interface ExceptionView {
  id: number;
  orderId: number;
  orderNumber: string;
  orderStatus: OrderStatus;
  attemptId: number | null;
  provider: PaymentMethod | null;
  outTradeNo: string | null;
  kind: ExceptionKind;
  detail: Record<string, unknown>;
  /** money the intermediary holds for this attempt, as far as the exception tells */
  amountFen: Fen | null;
  openedAt: number;
  resolvedAt: number | null;
  /** `refunding` while a refund resolution is under way */
  resolution: ExceptionResolution | 'refunding' | 'refunded' | 'accepted' | 'dismissed' | null;
  note: string | null;
  /** what the owner may choose now (empty once resolved or while refunding) */
  resolutions: ExceptionResolution[];
  refund: RefundView | null;
}

export type AttentionReason = 'unknown' | 'overdue' | 'closing' | 'unanswered' | 'overridden' | 'parked';

export interface AttentionAttempt extends AttemptView {
  reasons: AttentionReason[];
  polls: number;
  nextPollAt: number | null;
  overriddenAt: number | null;
}

/** The "payments to check" screen: open payments whose outcome is unknown or overdue, open exceptions, unfinished refunds. */
export interface AttentionView {
  attempts: AttentionAttempt[];
  exceptions: ExceptionView[];
  refunds: RefundView[];
  /** exceptions resolved in the last 7 days, newest first */
  resolved: ExceptionView[];
}

// ---- data safety: backups, integrity checks, restore (src/main/core/data-safety/) -----------------

/** daily: the daily schedule; z: after a Z closed a drawer; manual: "back up now" */
export type BackupReason = 'daily' | 'z' | 'manual';
/** why a backup (or its copy to the second folder) failed, in words the owner can act on */
export type BackupProblem = 'disk_full' | 'folder_missing' | 'verify_failed' | 'io';

export interface BackupView {
  /** the file's name in backups/ (its id) */
  id: string;
  at: number;
  reason: BackupReason;
  bytes: number | null;
  /** written and verified (opened read-only, integrity check ok, tables counted) */
  ok: boolean;
  problem: BackupProblem | null;
  /** the error's first words (English), for the owner and the log */
  message: string | null;
  /** rows of a few tables in the copy */
  counts: Record<string, number> | null;
  /** the copy to the second folder, when one is set */
  copy: { ok: boolean; problem: BackupProblem | null; message: string | null } | null;
  ms: number | null;
}

/** What part of the till a damaged table belongs to. */
export type DataArea =
  | 'sales'
  | 'payments'
  | 'cash'
  | 'catalogue'
  | 'people'
  | 'reports'
  | 'reconciliation'
  | 'settings'
  | 'carts'
  | 'other'
  | 'unknown';

export interface IntegrityFinding {
  /** SQLite's message (English), shortened */
  message: string;
  table: string | null;
  area: DataArea;
}

export interface IntegrityCheckView {
  at: number;
  trigger: 'start' | 'daily' | 'manual' | 'query' | 'restore';
  ok: boolean;
  findings: IntegrityFinding[];
  ms: number | null;
  /** the check could not run (busy, no worker): not a finding */
  error: string | null;
}

/** The live database is damaged: what the check (or a failing query) found. */
export interface DamageView {
  since: number;
  source: 'check' | 'query';
  areas: DataArea[];
  tables: string[];
  /** the first findings (at most 20) */
  findings: IntegrityFinding[];
}

/** For everyone at the till (the banner): no paths, no details. */
export interface DataSafetyStatus {
  damaged: boolean;
  damagedSince: number | null;
  /** a restore is being applied: every call but this one waits */
  restoring: boolean;
  lastBackupAt: number | null;
  lastBackupOk: boolean | null;
  /** the last backup's copy to the second folder (null: none was asked for) */
  lastCopyOk: boolean | null;
}

export interface DataSafetySettingsView {
  /** automatic backups are kept this many days (the newest good one always) */
  retentionDays: number;
  /** a second folder or drive that receives a copy of every backup */
  secondFolder: string | null;
}

export interface RestoreView {
  id: number;
  at: number;
  actor: string;
  backupFile: string;
  backupAt: number;
  damagedFile: string;
  exportFile: string;
  reentered: Record<string, number>;
  unreadable: number;
}

/** The owner's Data safety screen. */
export interface DataSafetyOverview {
  status: DataSafetyStatus;
  damage: DamageView | null;
  backups: BackupView[];
  checks: IntegrityCheckView[];
  settings: DataSafetySettingsView;
  dataDir: string;
  backupDir: string;
  restores: RestoreView[];
}

/** A row the restore could not read from the damaged file (or not write back): to be entered by hand. */
export interface UnreadableRow {
  table: string;
  id: number | null;
  fromId?: number;
  error: string;
}

export interface RecoveredOrder {
  id: number;
  number: string;
  totalFen: Fen;
  status: string;
  paidWith: string[];
}

/** What a restore would do, shown before the owner confirms. */
export interface RestorePlan {
  damage: DamageView | null;
  /** no damage is known and a check just passed: restoring needs `confirmHealthy` */
  healthy: boolean;
  backup: BackupView | null;
  /** rows that would be re-entered, per table */
  reentry: Record<string, number>;
  orders: RecoveredOrder[];
  unreadable: UnreadableRow[];
  /** where the export and the damaged file will be kept */
  restoreDir: string;
}

export interface RestoreResult {
  restoreId: number;
  backup: BackupView;
  damagedFile: string;
  exportFile: string;
  exportCsv: string;
  reentered: Record<string, number>;
  orders: RecoveredOrder[];
  unreadable: UnreadableRow[];
}

// ---- daily reconciliation ------------------------------------------------------------------------

/** A difference between the till and an intermediary's daily statement. */
export type ReconCategory =
  | 'missing_locally'
  | 'missing_upstream'
  | 'amount_mismatch'
  | 'status_mismatch'
  | 'fee_mismatch'
  | 'paid_after_close';

/** How the owner settled a difference (a note is always required). */
export type ReconResolution = 'accepted' | 'refunded' | 'written_off' | 'corrected';
export const RECON_RESOLUTIONS: readonly ReconResolution[] = ['accepted', 'refunded', 'written_off', 'corrected'];

/** Resolutions the app makes itself: found on the neighbour day's statement; replaced by a newer statement. */
export type ReconAutoResolution = 'matched_neighbour_day' | 'superseded';

/** `not_run`: no statement was fetched for that day yet. */
export type ReconRunStatus = 'imported' | 'empty' | 'superseded' | 'refused' | 'unavailable' | 'not_run';

export interface ReconSide {
  count: number;
  sumFen: Fen;
}

export interface ReconProviderDay {
  provider: ProviderId;
  /** the latest import or attempt for the day */
  status: ReconRunStatus;
  /** the imported statement in use (null when none) */
  runId: number | null;
  importedAt: number | null;
  /** when the last download was tried, and by whom (`system` for the daily run) */
  lastTriedAt: number | null;
  lastTriedBy: string | null;
  /** the last try failed: STATEMENT_REFUSED or STATEMENT_UNAVAILABLE, with the reason */
  error: { code: 'STATEMENT_REFUSED' | 'STATEMENT_UNAVAILABLE'; message: string } | null;
  rowCount: number;
  matched: number;
  /** the till, now: payments paid that day and refunds that succeeded that day */
  local: { payments: ReconSide; refunds: ReconSide };
  /** the imported statement (null when none) */
  statement: { payments: ReconSide; refunds: ReconSide; feeFen: Fen } | null;
  /** payments per payment mode (qr, payment_code, redirect; `unknown`: rows the till lacks) */
  byMode: { mode: string; local: ReconSide; statement: ReconSide | null }[];
  open: number;
  awaiting: number;
}

export interface ReconItemView {
  id: number;
  runId: number;
  provider: ProviderId;
  day: string;
  category: ReconCategory;
  /** why, as a code the UI words (see the statement matcher: unknown_trade, paid_after_close, amount, …) */
  reason: string;
  outTradeNo: string;
  attemptId: number | null;
  orderId: number | null;
  orderNumber: string | null;
  refundNo: string | null;
  oursFen: Fen | null;
  theirsFen: Fen | null;
  /** the neighbour day whose statement may still explain it (not imported yet) */
  awaitingDay: string | null;
  detail: Record<string, string | number | boolean | null>;
  openedAt: number;
  resolvedAt: number | null;
  resolution: ReconResolution | ReconAutoResolution | null;
  note: string | null;
  resolvedBy: string | null;
}

export interface ReconDayView {
  day: string;
  /** the day is over (only past days can be reconciled) */
  canRun: boolean;
  providers: ReconProviderDay[];
  /** the differences of the statements in use, open first */
  items: ReconItemView[];
}

export interface ReconDaySummary {
  day: string;
  providers: { provider: ProviderId; status: ReconRunStatus; open: number }[];
  open: number;
  awaiting: number;
}

export interface ReconRunOutcome {
  provider: ProviderId;
  outcome: 'imported' | 'already_imported' | 'empty' | 'refused' | 'unavailable';
  runId: number | null;
  rows: number;
  items: number;
  matched: number;
  /** STATEMENT_REFUSED / STATEMENT_UNAVAILABLE and the reason, for refused and unavailable */
  error: { code: 'STATEMENT_REFUSED' | 'STATEMENT_UNAVAILABLE'; message: string } | null;
}

export interface ReconRunResult {
  day: string;
  outcomes: ReconRunOutcome[];
  view: ReconDayView;
}

export interface ReconSettingsView {
  /** the daily run, store time `HH:MM` (default 10:00; statements are usually ready by then) */
  dailyAt: string;
  /** the cross-midnight buffer in minutes (default 30) */
  bufferMinutes: number;
  /** expected fee per provider, parts per million of the amount (0.6 % = 6000); absent: not checked */
  feeRatesPpm: Partial<Record<ProviderId, number>>;
}

export interface RefundLineQuote {
  lineNo: number;
  nameZh: string;
  nameEn: string;
  qty: number;
  totalFen: Fen;
  refundedQty: number;
  refundedFen: Fen;
  refundableQty: number;
}

/** What an order's refund can still be: per line and in total, and the refunds so far. */
export interface RefundQuote {
  orderId: number;
  number: string;
  status: OrderStatus;
  /** how it was paid; the money goes back the same way */
  method: PaymentMethod | null;
  attemptId: number | null;
  paidFen: Fen;
  /** refunded or being refunded (not failed) */
  refundedFen: Fen;
  refundableFen: Fen;
  lines: RefundLineQuote[];
  refunds: RefundView[];
}

// ---- cash sessions per terminal (src/main/core/cash/) ---------------------------------------------

export type CashMoveKind = 'in' | 'out';

/** Paid in / paid out: cash put into or taken out of the drawer outside a sale, with the reason. */
export interface CashMoveView {
  id: number;
  kind: CashMoveKind;
  amountFen: Fen;
  reason: string;
  at: number;
  by: string;
  /** the owner whose PIN approved a clerk's paid out */
  approvedBy: string | null;
}

export interface CashSessionView {
  id: number;
  terminal: string;
  /** the business day it was opened on: a session crossing midnight stays on that day */
  businessDay: string;
  status: 'open' | 'closed';
  openedAt: number;
  openedBy: string;
  floatFen: Fen;
  floatDenominations: DenominationCounts | null;
  closedAt: number | null;
  closedBy: string | null;
  zNumber: string | null;
  /**
   * float + cash sales − cash refunds + paid in − paid out: now while open, at the close once closed;
   * null for a clerk without the owner's PIN (the drawer is closed blind: docs/security.md)
   */
  expectedFen: Fen | null;
  moves: CashMoveView[];
}

/** One line of the Z list. */
export interface ZSummary {
  number: string;
  seq: number;
  terminal: string;
  businessDay: string;
  openedAt: number;
  closedAt: number;
  closedBy: string;
  approvedBy: string | null;
  salesFen: Fen;
  netFen: Fen;
  expectedFen: Fen;
  countedFen: Fen;
  varianceFen: Fen;
}

/** An intermediary payment not final yet on one of this terminal's orders. */
export interface PendingAttemptView {
  attemptId: number;
  orderId: number;
  orderNumber: string;
  provider: PaymentMethod;
  mode: PaymentMode;
  amountFen: Fen;
  state: AttemptState;
  unknown: boolean;
  createdAt: number;
}

export interface CashSessionState {
  terminal: string;
  /** today's business day */
  businessDay: string;
  session: CashSessionView | null;
  /** null for a clerk without the owner's PIN (`blind`) */
  lastZ: ZSummary | null;
  /** sales paid on this terminal while no session was open (since the last close, or since the start of today): in no Z; the amounts are null when `blind` */
  outsideSession: { count: number; salesFen: Fen | null; cashFen: Fen | null; since: number } | null;
  /** the money totals are left out: a clerk asked without the owner's PIN (they are the owner's) */
  blind: boolean;
}

export interface MethodTotals {
  method: PaymentMethod;
  salesCount: number;
  salesFen: Fen;
  /** refunds that succeeded in the session, deducted from the method they were paid by */
  refundsCount: number;
  refundsFen: Fen;
  netFen: Fen;
}

export interface DrawerTotals {
  floatFen: Fen;
  cashSalesFen: Fen;
  cashRefundsFen: Fen;
  paidInFen: Fen;
  paidOutFen: Fen;
  expectedFen: Fen;
}

/** What an intermediary's statement settled for one business day, beside the till's own total for that day. */
export interface StatementDay {
  day: string;
  /** `imported` / `empty`: reconciled; anything else: the statement is not reconciled yet */
  status: ReconRunStatus;
  statement: { payments: ReconSide; refunds: ReconSide; feeFen: Fen } | null;
  /** the till, the whole store, that day (what the statement is compared with) */
  till: { payments: ReconSide; refunds: ReconSide };
}

export interface IntermediaryTotals {
  provider: ProviderId;
  /** paid locally in this session, on this terminal */
  session: { payments: ReconSide; refunds: ReconSide };
  days: StatementDay[];
}

/** An X report (a snapshot of the open session) or the body of a Z. */
export interface CashReport {
  kind: 'X' | 'Z';
  storeName: string;
  terminal: string;
  sessionId: number;
  businessDay: string;
  /** the business days the session's sales fall on (two when it crossed midnight) */
  daysCovered: string[];
  openedAt: number;
  openedBy: string;
  /** the end of the window: when the X was taken, or the close */
  until: number;
  orders: { paidCount: number; itemCount: number; cancelledCount: number; cancelledFen: Fen };
  methods: MethodTotals[];
  totals: { salesFen: Fen; refundsFen: Fen; netFen: Fen };
  discounts: { lineFen: Fen; orderFen: Fen; totalFen: Fen; orderCount: number };
  drawer: DrawerTotals;
  floatDenominations: DenominationCounts | null;
  moves: CashMoveView[];
  intermediaries: IntermediaryTotals[];
  /** intermediary payments not final yet on this terminal's orders: not counted above */
  pendingAttempts: PendingAttemptView[];
}

/** The Z report: written once at the close, never changed. */
export interface ZReport extends CashReport {
  kind: 'Z';
  format: 1;
  number: string;
  seq: number;
  closedAt: number;
  closedBy: string;
  approvedBy: string | null;
  countedFen: Fen;
  countedDenominations: DenominationCounts;
  /** counted − expected: negative when the drawer is short */
  varianceFen: Fen;
  varianceReason: string | null;
}

export interface ZView {
  z: ZReport;
  /** how many times it was printed (a later print is marked COPY) */
  prints: number;
  /** statements reconciled after the close for the days it covers; shown beside the Z, not part of it */
  reconciledSince: {
    provider: ProviderId;
    day: string;
    statement: { payments: ReconSide; refunds: ReconSide; feeFen: Fen };
  }[];
}

export interface CashPrintOutcome extends PrintOutcome {
  /** a reprint: marked COPY */
  copy: boolean;
}

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
