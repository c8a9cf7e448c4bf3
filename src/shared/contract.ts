/**
 * The one contract between the renderer and the main process. Every call the renderer can make is
 * listed here with the zod schema of its input and the type of its result; every event main pushes
 * is listed in `events`. The preload bridge, the IPC registration, the browser-mode transport and
 * the renderer's client are all derived from this file.
 */
import { z } from 'zod';
import { MAX_QTY } from './limits';
import { MAX_FEN } from './money';
import { DENOMINATION_KEYS, MAX_DENOMINATION_COUNT, Z_NUMBER_PATTERN, denominationTotal } from './cash';
import { LINE_MESSAGE, TEXT_MESSAGE, isCleanText } from './text';
import type { EVENT_NAMES, MethodName } from './methods';
import type { ResumablePayment } from './counter-types';
import type { NetworkTrouble } from './outcomes';
import type { Result } from './result';
import type {
  AppInfo,
  AttentionView,
  AuditEntryView,
  CashPrintOutcome,
  CashReport,
  CashSessionState,
  CashSessionView,
  BackupView,
  DataSafetyOverview,
  DataSafetySettingsView,
  DataSafetyStatus,
  IntegrityCheckView,
  RestorePlan,
  RestoreResult,
  ZSummary,
  ZView,
  RefundQuote,
  ExceptionView,
  RefundView,
  UserView,
  AttemptView,
  PaymentOption,
  ProviderId,
  ProviderSettingsView,
  TimelineExport,
  CartView,
  Category,
  Locale,
  OrderStatus,
  OrderSummary,
  OrderView,
  PaidOrder,
  ParkedCartView,
  PrintOutcome,
  PrinterConfig,
  PrinterStatusView,
  PrintJobView,
  Product,
  CatalogueCategory,
  CatalogueExport,
  CatalogueList,
  CatalogueProduct,
  ImportApplied,
  ImportPreview,
  ImportUpload,
  ProductSaved,
  StockMoveView,
  Receipt,
  ReportFile,
  ReportPrintable,
  SalesReport,
  ReconDaySummary,
  ReconDayView,
  ReconItemView,
  ReconRunResult,
  ReconSettingsView,
  DevicesView,
} from './types';

export { MAX_QTY };

const id = z.number().int().positive().max(2_147_483_647);
const qty = z.number().int().min(1).max(MAX_QTY);
const fen = z.number().int().min(0).max(MAX_FEN);
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const empty = z.object({}).strict();
/**
 * Free text is refused (INVALID_INPUT naming the field) when it holds control characters or bidi
 * overrides (text.ts): `line` for one line (names, codes, search: no TAB or line break either),
 * `multiline` where line breaks are legitimate (notes, reasons typed in a text area, PEM keys).
 */
const line = <S extends z.ZodString>(s: S) => s.refine((v) => isCleanText(v), { message: LINE_MESSAGE });
const multiline = <S extends z.ZodString>(s: S) => s.refine((v) => isCleanText(v, true), { message: TEXT_MESSAGE });
/** an owner's PIN, when a clerk asks for an owner action (the owner approves at the counter) */
const approvalPin = z
  .string()
  .regex(/^\d{4,8}$/)
  .optional();
/** a read that is the owner's (money totals, statements, wire exchanges, the catalogue with stock): only the PIN */
const ownerRead = z.object({ approvalPin }).strict();
/** why an owner decided as they did: kept in the audit log */
const note = multiline(z.string().trim().min(3).max(500));
/** catalogue management: a SKU is letters, digits and - _ . / (no spaces), at most 32 */
const sku = z
  .string()
  .trim()
  .min(1)
  .max(32)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/);
/** a name may be empty when the other language's is not (the core fills it in) */
const productName = line(z.string().trim().max(80));
const stockCount = z.number().int().min(-9_999_999).max(9_999_999);
/** why stock changed: two characters are enough in Chinese (到货, 盘点) */
const stockReason = line(z.string().trim().min(2).max(200));

export const discountSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('percent'), value: z.number().int().min(1).max(100) }).strict(),
  z.object({ kind: z.literal('amount'), value: fen.min(1) }).strict(),
]);

/**
 * The receipt printer's settings. A queue name is CUPS's (letters, digits, `_.@-`, never a leading
 * `-` that `lp` would read as an option); a serial port is a device path or a COM port.
 */
export const printerConfigSchema = z
  .object({
    kind: z.enum(['html', 'network', 'queue', 'serial']),
    host: z
      .string()
      .trim()
      .max(253)
      .regex(/^$|^[A-Za-z0-9][A-Za-z0-9.-]*$|^\[?[0-9A-Fa-f:.]+\]?$/, { message: 'a host name or an IP address' }),
    port: z.number().int().min(1).max(65_535),
    queue: z
      .string()
      .trim()
      .max(127)
      .regex(/^$|^[A-Za-z0-9_.@][A-Za-z0-9_.@-]*$/, { message: 'a print queue name' }),
    serialPath: z
      .string()
      .trim()
      .max(200)
      .regex(/^$|^(\/dev\/[A-Za-z0-9_./-]+|COM\d{1,3})$/, { message: 'a serial port (/dev/… or COMn)' }),
    baudRate: z.union([z.literal(9600), z.literal(19_200), z.literal(38_400), z.literal(57_600), z.literal(115_200)]),
    width: z.union([z.literal(58), z.literal(80)]),
    codePage: z.enum(['gb18030', 'gbk']),
    cutter: z.boolean(),
    status: z.boolean(),
    drawer: z.boolean(),
    drawerPin: z.union([z.literal(2), z.literal(5)]),
    pulseMs: z.number().int().min(50).max(500),
  })
  .strict()
  .refine((c) => c.kind !== 'network' || c.host !== '', { message: 'the printer’s address is needed', path: ['host'] })
  .refine((c) => c.kind !== 'queue' || c.queue !== '', { message: 'the queue name is needed', path: ['queue'] })
  .refine((c) => c.kind !== 'serial' || c.serialPath !== '', {
    message: 'the serial port is needed',
    path: ['serialPath'],
  });

export const setPaymentSchema = z
  .object({
    provider: z.enum(['alipay', 'wechat', 'yeepay']),
    enabled: z.boolean(),
    target: z.enum(['embedded', 'custom']),
    environment: z.enum(['sandbox', 'production']),
    fields: z.record(line(z.string().max(40)), multiline(z.string().max(8192))),
    /** new values for secrets; null clears one; absent keeps it */
    secrets: z.record(line(z.string().max(40)), multiline(z.string().max(8192)).nullable()).optional(),
    /** where money goes is the owner's */
    approvalPin,
  })
  .strict();

/** how many of each CNY denomination (keys: its value in fen), e.g. `{ "10000": 2, "50": 3 }` */
export const denominationsSchema = z
  .partialRecord(z.enum(DENOMINATION_KEYS), z.number().int().min(0).max(MAX_DENOMINATION_COUNT))
  .refine((d) => denominationTotal(d) <= MAX_FEN, { message: 'the counted amount is too large' });
/** why cash moved, or why the count differs: kept on the Z and in the audit log */
const cashReason = multiline(z.string().trim().min(3).max(200));
const zNumberSchema = z.string().max(60).regex(Z_NUMBER_PATTERN);
/** a backup by its file name in backups/ (no path) */
const backupId = z
  .string()
  .max(120)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*\.sqlite$/);

/** Declares a method: its input schema, and (as a phantom) its result type. */
function method<Out>() {
  return <S extends z.ZodType>(input: S) => ({ input, output: undefined as unknown as Out });
}

export const contract = {
  'app.info': method<AppInfo>()(empty),
  'app.setLocale': method<AppInfo>()(z.object({ locale: z.enum(['zh-CN', 'en']) }).strict()),

  'catalog.categories': method<Category[]>()(empty),
  'catalog.products': method<Product[]>()(z.object({ categoryId: id.nullable() }).strict()),
  'catalog.search': method<Product[]>()(
    z.object({ query: line(z.string().max(64)), limit: z.number().int().min(1).max(200).optional() }).strict(),
  ),
  /** the owner's catalogue (core/catalogue/): products with stock, retired too; search by name, pinyin, SKU or barcode */
  'catalog.adminProducts': method<CatalogueList>()(
    z
      .object({
        query: line(z.string().max(64)).optional(),
        categoryId: id.nullable().optional(),
        status: z.enum(['active', 'retired', 'all']).optional(),
        limit: z.number().int().min(1).max(5000).optional(),
        approvalPin,
      })
      .strict(),
  ),
  'catalog.adminCategories': method<CatalogueCategory[]>()(ownerRead),
  /** add (no id) or edit a product (owner; audited). A barcode held by a retired product passes to this one. */
  'catalog.saveProduct': method<ProductSaved>()(
    z
      .object({
        id: id.optional(),
        sku,
        barcode: line(z.string().trim().max(32)).nullable(),
        nameZh: productName,
        nameEn: productName,
        categoryId: id,
        priceFen: fen,
        unit: line(z.string().trim().max(16)),
        /** a new product's first count (an adjustment in its stock history) */
        openingStock: stockCount.optional(),
        approvalPin,
      })
      .strict(),
  ),
  /** retire (gone from the grid, search and scan; kept in past orders) or bring back (owner; audited) */
  'catalog.setActive': method<CatalogueProduct>()(
    z.object({ productId: id, active: z.boolean(), approvalPin }).strict(),
  ),
  'catalog.saveCategory': method<CatalogueCategory>()(
    z
      .object({
        id: id.optional(),
        code: z
          .string()
          .trim()
          .min(1)
          .max(24)
          .regex(/^[a-z0-9][a-z0-9_-]*$/),
        nameZh: productName,
        nameEn: productName,
        color: z.string().regex(/^#[0-9a-fA-F]{6}$/),
        approvalPin,
      })
      .strict(),
  ),
  /** every category's id, in the new order */
  'catalog.reorderCategories': method<CatalogueCategory[]>()(
    z.object({ ids: z.array(id).min(1).max(500), approvalPin }).strict(),
  ),
  /** change a stock count by a delta (received +24, damaged −2) or to a counted value, with the reason (owner; audited) */
  'catalog.adjustStock': method<CatalogueProduct>()(
    z
      .object({ productId: id, mode: z.enum(['delta', 'count']), value: stockCount, reason: stockReason, approvalPin })
      .strict(),
  ),
  'catalog.stockMoves': method<StockMoveView[]>()(
    z.object({ productId: id, limit: z.number().int().min(1).max(500).optional(), approvalPin }).strict(),
  ),
  /** the whole catalogue as CSV (UTF-8 with BOM; columns in docs/testing.md) (owner) */
  'catalog.exportCsv': method<CatalogueExport>()(ownerRead),
  /** send a CSV file in base64 pieces of at most 48 KiB (browser mode takes calls up to 64 KiB); the first piece opens an upload */
  'catalog.importUpload': method<ImportUpload>()(
    z
      .object({
        uploadId: z
          .string()
          .regex(/^[A-Za-z0-9_-]{16,64}$/)
          .optional(),
        chunk: z
          .string()
          .max(48 * 1024)
          .regex(/^[A-Za-z0-9+/]*={0,2}$/),
        approvalPin,
      })
      .strict(),
  ),
  /** check every row of an uploaded file and show what would change; nothing is written */
  'catalog.importPreview': method<ImportPreview>()(
    z
      .object({
        uploadId: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
        retireMissing: z.boolean(),
        setStock: z.boolean(),
        approvalPin,
      })
      .strict(),
  ),
  /** apply exactly what a preview showed, all or nothing (owner; audited) */
  'catalog.importApply': method<ImportApplied>()(
    z.object({ token: z.string().regex(/^[0-9a-f]{64}$/), approvalPin }).strict(),
  ),

  'cart.get': method<CartView>()(empty),
  'cart.add': method<CartView>()(z.object({ productId: id, qty: qty.optional() }).strict()),
  'cart.scan': method<CartView>()(z.object({ code: line(z.string().min(1).max(64)), qty: qty.optional() }).strict()),
  'cart.setQty': method<CartView>()(z.object({ lineId: id, qty }).strict()),
  'cart.remove': method<CartView>()(z.object({ lineId: id }).strict()),
  'cart.clear': method<CartView>()(empty),
  /** above the store's discount limit a clerk needs the owner's PIN */
  'cart.setLineDiscount': method<CartView>()(
    z.object({ lineId: id, discount: discountSchema.nullable(), approvalPin }).strict(),
  ),
  'cart.setOrderDiscount': method<CartView>()(z.object({ discount: discountSchema.nullable(), approvalPin }).strict()),
  'cart.park': method<CartView>()(z.object({ label: line(z.string().max(40)).optional() }).strict()),
  'cart.parked': method<ParkedCartView[]>()(empty),
  'cart.resume': method<CartView>()(z.object({ cartId: id }).strict()),

  /** past the discount limit (judged on the final cart) and not approved yet, a clerk needs the owner's PIN */
  'checkout.confirm': method<OrderView>()(z.object({ approvalPin }).strict()),
  'checkout.payCash': method<PaidOrder>()(
    z
      .object({
        orderId: id,
        tenderedFen: fen,
        /** take cash although an intermediary payment is still being closed upstream (the clerk was warned; journaled) */
        overrideOpenAttempt: z.boolean().optional(),
        /** an owner's PIN for the override (a clerk cannot override alone) */
        approvalPin,
      })
      .strict(),
  ),

  /**
   * the common sale in one call: the active cart confirmed and paid in cash in one transaction (one
   * durable commit); the same checks as confirm then payCash, and a refusal writes nothing
   */
  'checkout.cashSale': method<PaidOrder>()(z.object({ tenderedFen: fen, approvalPin }).strict()),

  /** today's orders (anyone); another day's are the owner's */
  'orders.list': method<OrderSummary[]>()(z.object({ businessDay: day.optional(), approvalPin }).strict()),
  'orders.get': method<OrderView>()(z.object({ orderId: id }).strict()),
  /** back to the cart (restoreCart) is the clerk's; voiding the order (no restore) needs the owner */
  'orders.cancel': method<OrderView>()(
    z.object({ orderId: id, restoreCart: z.boolean().optional(), approvalPin }).strict(),
  ),
  'orders.receipt': method<Receipt>()(
    /** reprint (default true) marks the receipt REPRINT; the first receipt after a payment is not one */
    z.object({ orderId: id, reprint: z.boolean().optional() }).strict(),
  ),
  'orders.print': method<PrintOutcome>()(z.object({ orderId: id }).strict()),
  /** the payment timeline with its wire exchanges, for a dispute (owner) */
  'orders.exportTimeline': method<TimelineExport>()(
    z.object({ orderId: id, format: z.enum(['json', 'csv']), approvalPin }).strict(),
  ),

  'payments.options': method<PaymentOption[]>()(empty),
  'payments.start': method<AttemptView>()(
    z
      .object({
        orderId: id,
        provider: z.enum(['alipay', 'wechat', 'yeepay']),
        mode: z.enum(['qr', 'redirect', 'payment_code']),
        authCode: z
          .string()
          .regex(/^[0-9a-z]{10,40}$/i)
          .optional(),
        bankCode: z
          .string()
          .regex(/^[A-Z0-9-]{2,40}$/)
          .optional(),
      })
      .strict(),
  ),
  'payments.get': method<AttemptView>()(z.object({ attemptId: id }).strict()),
  'payments.forOrder': method<AttemptView | null>()(z.object({ orderId: id }).strict()),
  'payments.queryNow': method<AttemptView>()(z.object({ attemptId: id }).strict()),
  'payments.stop': method<AttemptView>()(z.object({ attemptId: id }).strict()),
  'payments.openCashier': method<{ opened: boolean }>()(z.object({ attemptId: id }).strict()),

  /** payments whose outcome is unknown or overdue, open exceptions, unfinished refunds */
  'payments.attention': method<AttentionView>()(empty),
  /** the owner lets the order be paid another way while this payment is still open (audited) */
  'payments.override': method<AttemptView>()(z.object({ attemptId: id, note, approvalPin }).strict()),
  'exceptions.resolve': method<ExceptionView>()(
    z.object({ exceptionId: id, resolution: z.enum(['refund', 'accept', 'dismiss']), note, approvalPin }).strict(),
  ),

  'refunds.quote': method<RefundQuote>()(z.object({ orderId: id }).strict()),
  /** give money back for a paid order: in full, by line or by amount, the way it was paid (owner) */
  'refunds.create': method<RefundView>()(
    z
      .object({
        orderId: id,
        kind: z.enum(['full', 'lines', 'amount']),
        lines: z
          .array(z.object({ lineNo: z.number().int().min(1).max(10_000), qty }).strict())
          .max(500)
          .optional(),
        amountFen: fen.min(1).optional(),
        restock: z.boolean(),
        reason: note,
        /** the till's idempotency key: the same request sent twice refunds once */
        requestKey: z.string().regex(/^[A-Za-z0-9-]{8,64}$/),
        approvalPin,
      })
      .strict()
      .refine((v) => v.kind !== 'amount' || v.amountFen !== undefined, {
        message: 'amountFen is required for a refund by amount',
        path: ['amountFen'],
      })
      .refine((v) => v.kind !== 'lines' || (v.lines?.length ?? 0) > 0, {
        message: 'lines are required for a refund by line',
        path: ['lines'],
      }),
  ),

  'auth.users': method<UserView[]>()(empty),
  'auth.current': method<UserView | null>()(empty),
  'auth.login': method<UserView>()(z.object({ userId: id, pin: z.string().regex(/^\d{4,8}$/) }).strict()),
  /** open the cash drawer without a sale (owner, audited) */
  'drawer.open': method<{ opened: boolean }>()(z.object({ reason: note, approvalPin }).strict()),
  /** the receipt printer (core/hardware/): its settings (anyone reads; saving is the owner's, audited) */
  'printer.settings': method<PrinterConfig>()(empty),
  'printer.setSettings': method<PrinterConfig>()(z.object({ config: printerConfigSchema, approvalPin }).strict()),
  /** the test page and the status, on the saved printer */
  'printer.test': method<PrintOutcome>()(empty),
  'printer.status': method<PrinterStatusView>()(empty),
  /** receipts and slips not printed yet: offered again, retried or dismissed by the clerk */
  'printer.jobs': method<PrintJobView[]>()(empty),
  'printer.retry': method<PrintOutcome>()(z.object({ jobId: id }).strict()),
  'printer.dismiss': method<PrintJobView[]>()(z.object({ jobId: id }).strict()),
  /** lock the till: nothing but signing in works until someone does */
  'auth.lock': method<null>()(empty),
  'auth.addUser': method<UserView>()(
    z
      .object({
        name: line(z.string().trim().min(1).max(40)),
        role: z.enum(['clerk', 'owner']),
        pin: z.string().regex(/^\d{4,8}$/),
        approvalPin,
      })
      .strict(),
  ),
  'auth.setPin': method<UserView>()(z.object({ userId: id, pin: z.string().regex(/^\d{4,8}$/), approvalPin }).strict()),
  'auth.retire': method<UserView>()(z.object({ userId: id, approvalPin }).strict()),
  'audit.export': method<TimelineExport>()(
    z
      .object({ from: z.number().int().min(0).optional(), to: z.number().int().min(0).optional(), approvalPin })
      .strict(),
  ),
  'audit.list': method<AuditEntryView[]>()(
    z
      .object({ from: z.number().int().min(0).optional(), to: z.number().int().min(0).optional(), approvalPin })
      .strict(),
  ),

  /** data safety (core/data-safety/): is the database damaged, is a restore under way — for the banner (anyone; no paths) */
  'dataSafety.status': method<DataSafetyStatus>()(empty),
  /** backups with their verification, integrity checks, the damage found, settings, past restores (owner: it shows paths) */
  'dataSafety.overview': method<DataSafetyOverview>()(z.object({ approvalPin }).strict()),
  /** take a verified backup now (owner) */
  'dataSafety.backupNow': method<BackupView>()(z.object({ approvalPin }).strict()),
  /** check the live database now (owner) */
  'dataSafety.checkNow': method<IntegrityCheckView>()(z.object({ approvalPin }).strict()),
  /** how long backups are kept, and a second folder or drive for a copy of each (owner; audited) */
  'dataSafety.setSettings': method<DataSafetySettingsView>()(
    z
      .object({
        retentionDays: z.number().int().min(1).max(365),
        secondFolder: line(z.string().trim().max(500)).nullable(),
        approvalPin,
      })
      .strict(),
  ),
  /** what a restore would bring back and re-enter; changes nothing (owner) */
  'dataSafety.restorePlan': method<RestorePlan>()(z.object({ backupId: backupId.optional(), approvalPin }).strict()),
  /**
   * restore a verified backup and re-enter what was written since (owner, always with the owner's
   * PIN, also when an owner is signed in). Over a database that passes its check it needs
   * `confirmHealthy` (RESTORE_NOT_NEEDED otherwise).
   */
  'dataSafety.restore': method<RestoreResult>()(
    z
      .object({
        backupId: backupId.optional(),
        confirmHealthy: z.boolean().optional(),
        approvalPin: z.string().regex(/^\d{4,8}$/),
      })
      .strict(),
  ),

  /** sales review over business days `from`–`to` (owner): totals, by day, hour, method, clerk, terminal, product, category */
  'reports.sales': method<SalesReport>()(
    z.object({ from: day, to: day, top: z.number().int().min(1).max(50).optional(), approvalPin }).strict(),
  ),
  /** the same report as one CSV file (owner) */
  'reports.exportCsv': method<ReportFile>()(z.object({ from: day, to: day, approvalPin }).strict()),
  /** the same report as a printable A4 page (owner) */
  'reports.printable': method<ReportPrintable>()(
    z.object({ from: day, to: day, top: z.number().int().min(1).max(50).optional(), approvalPin }).strict(),
  ),

  'settings.payments': method<ProviderSettingsView[]>()(empty),
  'settings.setPayment': method<ProviderSettingsView>()(setPaymentSchema),
  /** the customer display, the pole display and the scale labels (anyone may read: nothing secret) */
  'devices.settings': method<DevicesView>()(empty),
  /** the owner changes them (PIN), audited; only the fields given */
  'devices.set': method<DevicesView>()(
    z
      .object({
        scaleLayouts: z
          .array(z.string().regex(/^[2FPAWC]{13}$|^[2FPAWC]{18}$/))
          .max(4)
          .optional(),
        pole: z
          .object({
            enabled: z.boolean(),
            port: z
              .string()
              .trim()
              .max(128)
              .regex(/^[A-Za-z0-9/._:\\-]*$/),
            baud: z.union([z.literal(2400), z.literal(4800), z.literal(9600), z.literal(19200), z.literal(38400)]),
            charset: z.enum(['gb18030', 'ascii']),
          })
          .strict()
          .optional(),
        approvalPin,
      })
      .strict(),
  ),

  /** daily reconciliation: recent days with each provider's status and open differences (yesterday first) */
  'recon.days': method<ReconDaySummary[]>()(
    z.object({ limit: z.number().int().min(1).max(92).optional(), approvalPin }).strict(),
  ),
  /** one day: totals per provider and payment mode (till vs statement) and the differences (owner) */
  'recon.day': method<ReconDayView>()(z.object({ day, approvalPin }).strict()),
  /** download, check and import the statements of a past day (owner) */
  'recon.run': method<ReconRunResult>()(
    z
      .object({
        day,
        providers: z
          .array(z.enum(['alipay', 'wechat', 'yeepay']))
          .min(1)
          .max(3)
          .optional(),
        approvalPin,
      })
      .strict(),
  ),
  /** settle a difference; the note goes to the audit log (owner) */
  'recon.resolve': method<ReconItemView>()(
    z
      .object({
        itemId: id,
        resolution: z.enum(['accepted', 'refunded', 'written_off', 'corrected']),
        note,
        approvalPin,
      })
      .strict(),
  ),
  'recon.settings': method<ReconSettingsView>()(ownerRead),
  'recon.setSettings': method<ReconSettingsView>()(
    z
      .object({
        dailyAt: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
        bufferMinutes: z.number().int().min(0).max(180),
        /** parts per million of the amount (0.6 % = 6000) */
        feeRatesPpm: z
          .object({
            alipay: z.number().int().min(0).max(100_000),
            wechat: z.number().int().min(0).max(100_000),
            yeepay: z.number().int().min(0).max(100_000),
          })
          .partial()
          .strict(),
        approvalPin,
      })
      .strict(),
  ),

  /**
   * this terminal's cash session: the open one, the last Z, sales made outside any session. The
   * money totals (expected cash, the last Z, what was sold outside a session) are the owner's: a
   * clerk without the owner's PIN gets the session `blind`, without them.
   */
  'cashSession.current': method<CashSessionState>()(ownerRead),
  /** open the drawer with a float, typed or counted by denomination (a clerk may) */
  'cashSession.open': method<CashSessionView>()(
    z
      .object({ floatFen: fen.optional(), denominations: denominationsSchema.optional() })
      .strict()
      .refine((v) => v.floatFen !== undefined || v.denominations !== undefined, {
        message: 'give the float, or count it by denomination',
        path: ['floatFen'],
      })
      .refine(
        (v) =>
          v.floatFen === undefined ||
          v.denominations === undefined ||
          denominationTotal(v.denominations) === v.floatFen,
        {
          message: 'the float and its denominations differ',
          path: ['denominations'],
        },
      ),
  ),
  /** paid in (a clerk may) or paid out (owner) with a reason; append-only */
  'cashSession.move': method<CashSessionView>()(
    z.object({ kind: z.enum(['in', 'out']), amountFen: fen.min(1), reason: cashReason, approvalPin }).strict(),
  ),
  /** the X report: a read-only snapshot of the open session (owner: its expected cash lets a clerk skim) */
  'cashSession.x': method<CashReport>()(ownerRead),
  'cashSession.printX': method<CashPrintOutcome>()(ownerRead),
  /**
   * close by counting the drawer (owner): writes the numbered, immutable Z. A variance needs a reason;
   * intermediary payments still pending on this terminal refuse the close (CASH_PENDING_PAYMENTS,
   * listed) until `acknowledgePending`.
   */
  'cashSession.close': method<ZView>()(
    z
      .object({
        denominations: denominationsSchema,
        varianceReason: cashReason.optional(),
        acknowledgePending: z.boolean().optional(),
        approvalPin,
      })
      .strict(),
  ),
  /** one Z report (owner) */
  'cashSession.z': method<ZView>()(z.object({ number: zNumberSchema, approvalPin }).strict()),
  /** Z reports, newest first (this terminal's by default) (owner) */
  'cashSession.zList': method<ZSummary[]>()(
    z
      .object({
        limit: z.number().int().min(1).max(500).optional(),
        terminal: line(z.string().min(1).max(40)).optional(),
        approvalPin,
      })
      .strict(),
  ),
  /** print a Z through the receipt printer; every print after the first is marked COPY (owner; audited) */
  'cashSession.printZ': method<CashPrintOutcome>()(z.object({ number: zNumberSchema, approvalPin }).strict()),

  // ---- s-counter
  /** the order this terminal was taking an intermediary payment for when the till (re)started, still open */
  'till.resumePayment': method<ResumablePayment | null>()(empty),
} as const satisfies Record<MethodName, unknown>;

export type Contract = typeof contract;
export type { MethodName };
export type MethodInput<K extends MethodName> = z.input<Contract[K]['input']>;
export type MethodOutput<K extends MethodName> = Contract[K]['output'];

/** Events pushed from main to every renderer. */
export interface Events {
  'order.changed': { orderId: number; number: string; status: OrderStatus };
  'app.localeChanged': { locale: Locale };
  /** the owner changed the catalogue: products (prices, names, retired), categories, an import, or only stock counts */
  'catalog.changed': { kind: 'products' | 'categories' | 'import' | 'stock' };
  'payment.changed': AttemptView;
  /** an intermediary stopped answering (why) or answers again (null): core/payments/reachability.ts */
  'payments.reachability': { provider: ProviderId; unreachable: NetworkTrouble | null };
  'refund.changed': RefundView;
  /** a reconciliation run or resolution changed this day */
  'recon.changed': { day: string };
  /** damage found or cleared, a backup or check recorded, a restore begun or ended */
  'dataSafety.changed': DataSafetyStatus;
}
export type EventName = keyof Events;

type Namespace<K> = K extends `${infer NS}.${string}` ? NS : never;
type Member<K, NS extends string> = K extends `${NS}.${infer M}` ? M : never;

/** `window.pos` (and the browser-mode client): one async function per contract method, by namespace. */
export type PosApi = {
  [NS in Namespace<MethodName>]: {
    [M in Member<MethodName, NS>]: (
      input: MethodInput<`${NS}.${M}` & MethodName>,
    ) => Promise<Result<MethodOutput<`${NS}.${M}` & MethodName>>>;
  };
} & {
  /** Subscribe to a pushed event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
};

/** Both lists in methods.ts must name exactly what the contract declares. */
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _methodsMatch: Exact<keyof Contract, MethodName> = true;
void _methodsMatch;
const _eventsMatch: Exact<EventName, (typeof EVENT_NAMES)[number]> = true;
void _eventsMatch;

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name);
}
