/**
 * The core: opens the store, seeds the demo catalogue on first run, and implements every contract
 * method. Both transports (Electron IPC and browser-mode HTTP) call `dispatch`, which validates the
 * input with the contract's zod schema and turns every failure into a typed error result.
 */
import { type z } from 'zod';
import { contract, isMethodName } from '../../shared/contract';
import { PosError } from '../../shared/errors';
import { shortPrefix } from '../../shared/text';
import { fail, ok, type Result } from '../../shared/result';
import type { AppInfo, AttemptView, CartView, Locale, OrderView } from '../../shared/types';
import { openStore, type MigrationReport, type Store } from '../store/db';
import { toPosError } from '../store/sqlite-errors';
import { Audit } from './audit';
import { Auth, WHILE_LOCKED, type Actor } from './auth';
import { Carts } from './cart';
import {
  approvalRequired,
  auditOf,
  covered,
  pastLimit,
  shareOf,
  unapproved as unapprovedDiscounts,
} from './discount-limits';
import { Catalog } from './catalogue/catalog';
import { CatalogAdmin } from './catalogue/admin';
import { CatalogueFiles } from './catalogue/csv-files';
import { catalogHandlers } from './catalogue/handlers';
import { businessDay, systemClock, systemTimeZone, type Clock } from './clock';
import { Events } from './events';
import { Orders } from './orders';
import { PaymentSettings } from './payment-settings';
import { FileSecretStore, type SecretStore } from './secrets';
import type { ClientDeps } from '../payments/provider';
import { Exceptions } from './exceptions';
import { OrderRefunds } from './refunds/order-refunds';
import { DEFAULT_TIMING, Payments, type PaymentTiming, type ProviderSource } from './payments/attempts';
import { DEFAULT_REFUND_TIMING, Refunds, type RefundTiming } from './refunds/refunds';
import { browserPrinter, receiptHtml, type ReceiptPrinter } from './printing';
import { seedIfEmpty } from './catalogue/seed';
import { Settings } from './settings';
import { TillIdentity } from './till-identity';
import { Reconciliation } from './reconciliation/reconciliation';
import { reconciliationHandlers } from './reconciliation/handlers';
import { devicesHandlers } from './hardware/handlers';
import { CustomerDisplay } from './customer-display/customer-display';
import { PoleDisplay, openSerialPole, type OpenPole } from './hardware/pole-display';
import { Reports, checkRange } from './reports';
import { CashSessions } from './cash/cash-sessions';
import { cashSessionHandlers } from './cash/handlers';
import { accessRules, type Handlers } from './handlers';
import { DataSafety } from './data-safety/data-safety';
import { dataSafetyHandlers } from './data-safety/handlers';
import type { DataSafetyOptions } from './data-safety/types';
import { TaskPool } from '../store/sqlite-jobs';
import { inlineTasks, workerTasks, type Tasks } from './worker-tasks';

export interface CoreOptions {
  dataDir: string;
  mode: AppInfo['mode'];
  version?: string;
  clock?: Clock;
  printer?: ReceiptPrinter;
  /** The operating system's locale (e.g. `zh-CN`, `en-US`): the default UI language until one is chosen. */
  systemLocale?: string;
  /** Store time zone; default: the setting, else the system's. */
  timeZone?: string;
  /** Skip seeding the demo catalogue (benchmarks that bring their own). */
  seed?: boolean;
  /** The intermediaries, for tests; by default they come from the payment settings. */
  providers?: ProviderSource;
  /** Seals merchant keys (Electron: the OS keychain); default: a key file in the data directory. */
  secrets?: SecretStore;
  /** Base URL of the embedded sandbox, when the app started one. */
  sandboxBaseUrl?: string | null;
  /** A JSON file of payment settings to apply at start-up (automation). */
  paymentsConfigFile?: string;
  /** HTTP, clock and nonce for the intermediary clients (tests). */
  clientDeps?: Partial<ClientDeps>;
  /** Opens a cashier page in a window of the app's own (Electron); absent in browser mode. */
  cashier?: CashierOpener;
  /** Where a cashier page sends the buyer back (YeePay p8_Url), per attempt. */
  returnUrl?: (attemptId: number) => string | undefined;
  /** Poll open payments in the background (default true; tests drive `payments.runDue()` instead). */
  poll?: boolean;
  timing?: PaymentTiming;
  refundTiming?: RefundTiming;
  log?: (line: string) => void;
  /**
   * Runs inside a restore's re-entry transaction on the restored database, before the till sells on
   * it (core/data-safety/restore.ts): wire `rotateTillIdentity(store, 'restored')` here.
   */
  afterRestore?: (store: Store) => void;
  /** Backups and checks: the schedule's timing, the copier (tests simulate a full disk), the hook after each backup. */
  dataSafety?: Pick<DataSafetyOptions, 'timing' | 'copier' | 'afterBackup'>;
  /** Opens the pole display's port (tests: a fake stream); default: the serial port with `serialport`. */
  openPole?: OpenPole;
  /** Where heavy work runs (core/worker-tasks.ts): worker threads (default), or `inline` on this thread (the bench's baseline). */
  tasks?: 'worker' | 'inline';
}

/** A report over more days than this is made in a worker (a year is tens of milliseconds of reads). */
const REPORT_IN_PLACE_DAYS = 92;

/**
 * Calls that only read: they answer while a worker holds the store's write lock. Every other call
 * first waits, with `await`, for that lock to be given back (store/write-gate.ts), so that none of
 * them waits inside SQLite with the counter's event loop stopped.
 */
const READ_ONLY: ReadonlySet<string> = new Set([
  'app.info',
  'catalog.categories',
  'catalog.products',
  'catalog.search',
  'orders.get',
  'orders.list',
  'payments.attention',
  'payments.get',
  'payments.options',
  'payments.forOrder',
  'refunds.quote',
  'settings.payments',
  'auth.users',
  'auth.current',
  'dataSafety.status',
  'cart.parked',
]);

/** Calls after which the customer display reads the cart again (core/customer-display/). */
const CART_CHANGES = /^(cart\.(?!get$|parked$)|checkout\.|orders\.cancel$)/;

export interface CashierOpener {
  open(attempt: AttemptView): Promise<boolean>;
}

export type { Handlers } from './handlers';

export function localeFrom(system: string | undefined): Locale {
  return system?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export interface Core {
  readonly store: Store;
  readonly catalog: Catalog;
  readonly catalogAdmin: CatalogAdmin;
  readonly carts: Carts;
  readonly orders: Orders;
  readonly settings: Settings;
  readonly payments: Payments;
  readonly paymentSettings: PaymentSettings;
  readonly refunds: Refunds;
  readonly exceptions: Exceptions;
  readonly auth: Auth;
  readonly audit: Audit;
  readonly reconciliation: Reconciliation;
  readonly reports: Reports;
  readonly cashSessions: CashSessions;
  /** the till's identity in every trade and refund number (till-identity.ts) */
  readonly identity: TillIdentity;
  readonly dataSafety: DataSafety;
  /** what the customer display shows, and its read-only feed (core/customer-display/) */
  readonly customerDisplay: CustomerDisplay;
  readonly events: Events;
  readonly handlers: Handlers;
  readonly migration: MigrationReport;
  dispatch(method: unknown, input: unknown): Promise<Result<unknown>>;
  close(): void;
}

function describeIssues(error: z.ZodError): { message: string; field: string } {
  // a path may hold a key the caller chose (a settings field): quoted as a short, printable prefix
  const pathOf = (i: z.core.$ZodIssue) =>
    i.path.map((p) => (typeof p === 'string' ? shortPrefix(p) : String(p))).join('.') || '(input)';
  const first = error.issues[0];
  const field = first ? pathOf(first) : '(input)';
  const text = error.issues
    .slice(0, 3)
    .map((i) => `${pathOf(i)}: ${i.message}`)
    .join('; ');
  return { message: `Invalid input — ${text}`, field };
}

export async function createCore(options: CoreOptions): Promise<Core> {
  const clock = options.clock ?? systemClock;
  const printer = options.printer ?? browserPrinter;
  const log = options.log ?? (() => undefined);
  const { store, migration } = await openStore({ dataDir: options.dataDir, now: () => clock.now() });
  try {
    const settings = new Settings(store);
    if (options.seed !== false && !settings.values.catalogueSeeded) {
      const n = await seedIfEmpty(store, clock.now());
      settings.set('catalogueSeeded', true);
      if (n > 0) log(`seeded the demo catalogue: ${n} products`);
    }
    const timeZone = () => options.timeZone ?? settings.values.timeZone ?? systemTimeZone();
    // before anything is sent to an intermediary: a restored or copied database takes a new code
    const identity = new TillIdentity(store, clock, options.dataDir, () => settings.values.terminal, log);
    identity.check();
    const auth = new Auth(store, clock, timeZone);
    await auth.seedIfEmpty();
    const audit = new Audit(store, clock);
    const events = new Events();
    const catalog = new Catalog(store);
    const tasks: Tasks =
      options.tasks === 'inline'
        ? inlineTasks(store)
        : workerTasks(store, new TaskPool({ onError: (err) => log(`task worker failed: ${String(err)}`) }));
    const catalogAdmin = new CatalogAdmin(store, clock, catalog, audit, events);
    const catalogFiles = new CatalogueFiles(clock, timeZone, tasks, catalogAdmin);
    const carts = new Carts(store, catalog, clock, () => settings.values.scaleLayouts);
    const orders = new Orders(
      store,
      carts,
      settings,
      clock,
      events,
      timeZone,
      audit,
      () => auth.current().name,
      identity,
    );
    const customerDisplay = new CustomerDisplay({ carts, orders, settings, clock, events, log });
    // the pole display follows the customer display, on the serial port the owner set (off by default)
    const pole = new PoleDisplay(options.openPole ?? openSerialPole, log);
    void pole.configure(settings.values.poleDisplay);
    const unfollowPole = customerDisplay.subscribe((view) => pole.show(view));
    const secrets = options.secrets ?? new FileSecretStore(options.dataDir);
    const paymentSettings = new PaymentSettings({
      store,
      secrets,
      sandboxBaseUrl: options.sandboxBaseUrl ?? null,
      deps: { now: () => clock.now(), ...options.clientDeps },
      log,
      audit,
    });
    if (options.paymentsConfigFile) paymentSettings.applyFile(options.paymentsConfigFile);
    const payments = new Payments(
      store,
      clock,
      events,
      options.providers ?? paymentSettings,
      options.returnUrl ?? (() => undefined),
      options.timing ?? DEFAULT_TIMING,
      log,
      identity,
    );
    const providerSource = options.providers ?? paymentSettings;
    const refunds = new Refunds(
      store,
      clock,
      events,
      providerSource,
      audit,
      options.refundTiming ?? DEFAULT_REFUND_TIMING,
      log,
      identity,
    );
    const reconciliation = new Reconciliation({
      store,
      clock,
      events,
      providers: providerSource,
      settings,
      audit,
      timeZone,
      log,
      tasks,
    });
    const reports = new Reports(store, clock, timeZone);
    if (reports.syncTimeZone()) log(`sales report tables recomputed for the time zone ${timeZone()}`);
    const exceptions = new Exceptions(
      store,
      clock,
      events,
      payments,
      refunds,
      audit,
      (options.timing ?? DEFAULT_TIMING).orphanAfterMs,
    );
    const orderRefunds = new OrderRefunds(store, refunds, audit);
    const cashSessions = new CashSessions({ store, clock, audit, settings, timeZone, statements: reconciliation });
    const dataSafety = new DataSafety({
      store,
      dataDir: options.dataDir,
      clock,
      timeZone,
      settings,
      events,
      log,
      ...options.dataSafety,
      // a restored database would repeat the trade numbers used after its backup: it takes a new
      // installation code in the re-entry transaction (the hook gets the staged store)
      afterRestore: (restored) => {
        new TillIdentity(restored, clock, options.dataDir, () => settings.values.terminal, log).rotate(
          'restored',
          'the guided restore put back a backup',
        );
        options.afterRestore?.(restored);
      },
      // the live database and its folder get a new seal, so the backup, if ever put back by hand, is known as older
      afterBackup: () => {
        identity.afterBackup();
        options.dataSafety?.afterBackup?.();
      },
      // a restore closes the store: background work stops first, and starts again on the restored file
      pause: () => {
        payments.stopPolling();
        refunds.stopPolling();
        reconciliation.stopSchedule();
      },
      resume: () => {
        identity.afterBackup(); // the restored file's seal is the backup's: seal it as the live one
        settings.reload();
        catalog.reload();
        paymentSettings.rebuild();
        reports.syncTimeZone();
        events.emit('catalog.changed', { kind: 'products' });
        if (options.poll !== false) {
          payments.startPolling();
          refunds.startPolling();
          reconciliation.startSchedule();
        }
      },
    });
    /**
     * A discount above the store's limit needs the owner (the signed-in owner, or an owner's PIN)
     * unless the owner already approved as large a share of it (discount-limits.ts). Returns the
     * approving actor (the change is audited) or null, and the share to remember as approved.
     */
    const discountApproval = async (
      discount: { kind: 'percent' | 'amount'; value: number } | null,
      baseFen: number,
      approvedPpm: number | null,
      approvalPin: string | undefined,
    ): Promise<{ actor: Actor | null; approvedPpm: number | null }> => {
      if (!discount) return { actor: null, approvedPpm: null };
      // more than the amount is refused as DISCOUNT_TOO_LARGE by the cart, whoever asks
      if (discount.kind === 'amount' && discount.value > baseFen) return { actor: null, approvedPpm };
      const ppm = shareOf(discount, baseFen);
      if (!pastLimit(ppm, settings.values.discountLimitPercent) || covered(ppm, approvedPpm))
        return { actor: null, approvedPpm };
      return { actor: await auth.authorize('owner', approvalPin), approvedPpm: Math.max(ppm, approvedPpm ?? 0) };
    };
    const userView = (a: { userId: number | null }) => auth.users().find((u) => u.id === a.userId) ?? null;
    const locale = (): Locale => settings.values.locale ?? localeFrom(options.systemLocale);
    /** An owner's read (docs/security.md, "what a clerk may read"): the owner signed in, or a clerk with an owner's PIN. */
    const access = accessRules(auth);
    const { ownerRead } = access;
    /** An order as a clerk sees it: its timeline without the wire exchanges (the owner exports them with `orders.exportTimeline`). */
    const orderForCaller = (view: OrderView): OrderView =>
      auth.current().role === 'owner'
        ? view
        : { ...view, journal: view.journal.map((j) => (j.kind.startsWith('wire.') ? { ...j, detail: null } : j)) };

    // no data directory here: the renderer has no use for the machine's paths (docs/security.md)
    const info = (): AppInfo => ({
      version: options.version ?? '0.0.0',
      mode: options.mode,
      storeName: settings.values.storeName,
      terminal: settings.values.terminal,
      clerk: auth.current().name,
      locale: locale(),
      businessDay: businessDay(clock.now(), timeZone()),
      timeZone: timeZone(),
      productCount: catalog.size,
      sandbox: (options.providers ?? paymentSettings).all().some((e) => e.sandbox),
      secretsWarning: secrets.warning,
      locked: auth.isLocked(),
    });

    /**
     * Before an order is written (checkout.confirm, checkout.cashSale): the limits are judged again on
     * the final cart; a discount past the limit the owner has not approved (at least as large a share)
     * needs the owner now. Returns the check to run inside the order's transaction, where that
     * approval is audited with the order.
     */
    const confirmChecks = async (approvalPin: string | undefined) => {
      const limit = () => settings.values.discountLimitPercent;
      const me = auth.current();
      // Only the owner signed in, or a PIN given, can approve here: then the cart is read first
      // (without creating one: confirming an empty till writes nothing) and the owner asked before
      // the transaction. A clerk without a PIN is refused by the check inside it, on the same cart.
      const canApprove = me.role === 'owner' || approvalPin !== undefined;
      const current = canApprove ? carts.peek() : null;
      const asked = current ? unapprovedDiscounts(current, carts.approvals(current.id), limit()) : [];
      let actor: Actor | null = null;
      if (asked.length > 0) actor = await auth.authorize('owner', approvalPin);
      return (cart: CartView, order: { id: number; number: string }) => {
        // a cart without a discount has nothing to judge, and its approvals need not be read
        if (cart.orderDiscount === null && cart.lines.every((l) => l.discount === null)) return;
        const past = unapprovedDiscounts(cart, carts.approvals(cart.id), limit());
        if (past.length === 0) return;
        // the cart changed while the owner was asked: what the owner saw must cover what is confirmed
        const seen = (j: (typeof past)[number]) =>
          asked.some((a) => a.scope === j.scope && a.lineId === j.lineId && j.ppm <= a.ppm);
        if (!actor || !past.every(seen)) throw approvalRequired(past, limit(), auth.current().role);
        audit.record(actor, 'discount.confirm', `order:${order.id}`, { after: past.map(auditOf), note: order.number });
      };
    };

    const handlers: Handlers = {
      'app.info': () => info(),
      'app.setLocale': ({ locale: next }) => {
        settings.set('locale', next);
        events.emit('app.localeChanged', { locale: next });
        return info();
      },
      ...catalogHandlers(catalog, catalogAdmin, catalogFiles, access),
      'cart.get': () => carts.view(),
      'cart.add': ({ productId, qty }) => carts.add(productId, qty),
      'cart.scan': ({ code }) => carts.scan(code),
      'cart.setQty': ({ lineId, qty }) => carts.setQty(lineId, qty),
      'cart.remove': ({ lineId }) => carts.remove(lineId),
      'cart.clear': () => carts.clear(),
      'cart.setLineDiscount': async ({ lineId, discount, approvalPin }) => {
        const line = carts.peek()?.lines.find((l) => l.lineId === lineId);
        const { actor, approvedPpm } = await discountApproval(
          discount,
          line?.grossFen ?? 0,
          carts.approvals().lines.get(lineId) ?? null,
          approvalPin,
        );
        return store.tx(() => {
          const before = line?.discount ?? null;
          const view = carts.setLineDiscount(lineId, discount, approvedPpm);
          if (actor) audit.record(actor, 'discount.line', `cart-line:${lineId}`, { before, after: discount });
          return view;
        });
      },
      'cart.setOrderDiscount': async ({ discount, approvalPin }) => {
        const cart = carts.peek();
        const { actor, approvedPpm } = await discountApproval(
          discount,
          cart ? cart.subtotalFen - cart.lineDiscountFen : 0,
          cart ? carts.approvals(cart.id).order : null,
          approvalPin,
        );
        return store.tx(() => {
          const view = carts.setOrderDiscount(discount, approvedPpm);
          if (actor)
            audit.record(actor, 'discount.order', `cart:${view.id}`, {
              before: cart?.orderDiscount ?? null,
              after: discount,
            });
          return view;
        });
      },
      'cart.park': ({ label }) => carts.park(label),
      'cart.parked': () => carts.parked(),
      'cart.resume': ({ cartId }) => carts.resume(cartId),
      'checkout.confirm': async ({ approvalPin }) => orders.confirm(await confirmChecks(approvalPin)),
      // confirm and payCash in one transaction: the same checks, one durable commit, nothing written on a refusal
      'checkout.cashSale': async ({ tenderedFen, approvalPin }) => {
        const paid = orders.cashSale(tenderedFen, await confirmChecks(approvalPin));
        return { ...paid, order: orderForCaller(paid.order) };
      },
      'checkout.payCash': async ({ orderId, tenderedFen, overrideOpenAttempt, approvalPin }) => {
        // an open intermediary payment blocks cash unless an owner overrides it
        const overrideBy =
          overrideOpenAttempt && payments.openAttempt(orderId) ? await auth.authorize('owner', approvalPin) : null;
        const paid = await orders.payCash(orderId, tenderedFen, overrideBy);
        return { ...paid, order: orderForCaller(paid.order) };
      },
      // today's orders are the counter's; another day's are the owner's (a day's orders add up to its takings)
      'orders.list': async ({ businessDay: day, approvalPin }) => {
        if (day !== undefined && day !== businessDay(clock.now(), timeZone())) await ownerRead(approvalPin);
        return orders.list(day);
      },
      'orders.get': ({ orderId }) => orderForCaller(orders.get(orderId)),
      'orders.cancel': async ({ orderId, restoreCart, approvalPin }) => {
        if (restoreCart) return orderForCaller(orders.cancel(orderId, true));
        // a void: the order is cancelled for good, which needs the owner
        const actor = await auth.authorize('owner', approvalPin);
        return store.tx(() => {
          const view = orders.cancel(orderId, false);
          audit.record(actor, 'order.void', `order:${orderId}`, {
            before: { status: 'open' },
            after: { status: view.status },
            note: view.number,
          });
          return view;
        });
      },
      'drawer.open': async ({ reason, approvalPin }) => {
        const actor = await auth.authorize('owner', approvalPin);
        const opened = printer.openDrawer ? await printer.openDrawer().catch(() => false) : false;
        store.tx(() => audit.record(actor, 'drawer.open', null, { after: { opened }, note: reason }));
        return { opened };
      },
      'orders.receipt': ({ orderId, reprint }) => orders.receipt(orderId, reprint ?? true),
      'orders.exportTimeline': async ({ orderId, format, approvalPin }) => {
        await ownerRead(approvalPin);
        return orders.exportTimeline(orderId, format);
      },
      'payments.options': () => payments.options(),
      'payments.start': (input) => payments.start(input),
      'payments.get': ({ attemptId }) => payments.view(attemptId),
      'payments.forOrder': ({ orderId }) => payments.openAttempt(orderId),
      'payments.queryNow': ({ attemptId }) => payments.queryNow(attemptId),
      'payments.stop': ({ attemptId }) => payments.stop(attemptId),
      'payments.openCashier': async ({ attemptId }) => {
        const view = payments.view(attemptId);
        if (!view.redirect)
          throw new PosError('PAYMENT_NOT_FOUND', `Payment ${attemptId} has no cashier page.`, { attemptId });
        return { opened: options.cashier ? await options.cashier.open(view) : false };
      },
      'payments.attention': () => exceptions.attention(),
      'payments.override': async ({ attemptId, note, approvalPin }) =>
        exceptions.override(attemptId, note, await auth.authorize('owner', approvalPin)),
      'exceptions.resolve': async ({ exceptionId, resolution, note, approvalPin }) =>
        exceptions.resolve(exceptionId, resolution, note, await auth.authorize('owner', approvalPin)),
      'refunds.quote': ({ orderId }) => orderRefunds.quote(orderId),
      'refunds.create': async ({ approvalPin, ...input }) =>
        orderRefunds.create(input, await auth.authorize('owner', approvalPin)),
      'auth.users': () => auth.users(),
      'auth.current': () => (auth.isLocked() ? null : userView(auth.current())),
      'auth.login': async ({ userId, pin }) => {
        const actor = await auth.login(userId, pin);
        return userView(actor) as NonNullable<ReturnType<typeof userView>>;
      },
      'auth.lock': () => {
        auth.lock();
        return null;
      },
      'auth.addUser': async ({ name, role, pin, approvalPin }) => {
        const actor = await auth.authorize('owner', approvalPin);
        return auth.addUser(name, role, pin, (u) =>
          audit.record(actor, 'user.add', `user:${u.id}`, { after: { name: u.name, role: u.role } }),
        );
      },
      'auth.setPin': async ({ userId, pin, approvalPin }) => {
        const actor = await auth.authorize('owner', approvalPin);
        return auth.setPin(userId, pin, (u) =>
          audit.record(actor, 'user.setPin', `user:${u.id}`, { after: { name: u.name } }),
        );
      },
      'auth.retire': async ({ userId, approvalPin }) => {
        const actor = await auth.authorize('owner', approvalPin);
        return auth.retire(userId, (u) =>
          audit.record(actor, 'user.retire', `user:${u.id}`, {
            before: { name: u.name, role: u.role, active: true },
            after: { active: false },
          }),
        );
      },
      'audit.export': async ({ from, to, approvalPin }) => {
        await auth.authorize('owner', approvalPin);
        const day = businessDay(clock.now(), timeZone());
        return {
          filename: `audit-log-${day}.csv`,
          mime: 'text/csv' as const,
          content: await tasks.run('audit.csv', { from, to, now: clock.now() }),
        };
      },
      'audit.list': async ({ from, to, approvalPin }) => {
        await auth.authorize('owner', approvalPin);
        return audit.list({ from, to });
      },
      ...dataSafetyHandlers(dataSafety, audit, access),
      // the range is checked before the owner is asked, so no PIN is asked for a report that cannot be made
      // a long range, every export and the printable page are made in a worker (core/worker-tasks.ts)
      'reports.sales': async ({ from, to, top, approvalPin }) => {
        const days = checkRange(from, to);
        await auth.authorize('owner', approvalPin);
        if (days <= REPORT_IN_PLACE_DAYS) return reports.sales(from, to, top);
        return tasks.run('reports.sales', { from, to, top: top ?? 10, now: clock.now(), timeZone: timeZone() });
      },
      'reports.exportCsv': async ({ from, to, approvalPin }) => {
        checkRange(from, to);
        await auth.authorize('owner', approvalPin);
        return tasks.run('reports.csv', { from, to, locale: locale(), now: clock.now(), timeZone: timeZone() });
      },
      'reports.printable': async ({ from, to, top, approvalPin }) => {
        checkRange(from, to);
        await auth.authorize('owner', approvalPin);
        return tasks.run('reports.printable', {
          from,
          to,
          top: top ?? 20,
          locale: locale(),
          storeName: settings.values.storeName,
          now: clock.now(),
          timeZone: timeZone(),
        });
      },
      'settings.payments': () => paymentSettings.views(),
      // where money goes is the owner's: a clerk learns nothing, not even whether the settings would be accepted; saved and audited together
      'settings.setPayment': async ({ approvalPin, ...input }) =>
        paymentSettings.set(input, await auth.authorize('owner', approvalPin)),
      ...devicesHandlers({ store, settings, audit, changed: (view) => void pole.configure(view.pole) }, access),
      ...reconciliationHandlers(reconciliation, access),
      ...cashSessionHandlers(cashSessions, access, { printer, locale, afterZ: () => void dataSafety.backup('z') }),
      'orders.print': async ({ orderId }) => {
        const receipt = orders.receipt(orderId, false);
        try {
          return await printer.print(receipt, receiptHtml(receipt, locale(), timeZone()));
        } catch (err) {
          throw new PosError('PRINT_FAILED', `The receipt could not be printed: ${(err as Error).message}`);
        }
      },
    };

    const dispatch = async (method: unknown, input: unknown): Promise<Result<unknown>> => {
      if (!isMethodName(method)) {
        return fail({
          code: 'UNKNOWN_METHOD',
          message: `There is no method ${JSON.stringify(typeof method === 'string' ? shortPrefix(method) : typeof method)}.`,
        });
      }
      if (auth.isLocked() && !WHILE_LOCKED.has(method)) {
        return fail({ code: 'LOCKED', message: 'The till is locked: sign in first.' });
      }
      const parsed = contract[method].input.safeParse(input ?? {});
      if (!parsed.success) {
        const { message, field } = describeIssues(parsed.error);
        return fail({ code: 'INVALID_INPUT', message, details: { field, method } });
      }
      try {
        // a worker writing a large transaction: wait for its commit here, not inside SQLite
        if (store.writeGate.closed && !READ_ONLY.has(method)) await store.writeGate.open();
        const handler = handlers[method] as (i: unknown) => unknown;
        const value = await dataSafety.track(method, () => handler(parsed.data));
        if (CART_CHANGES.test(method)) customerDisplay.cartChanged();
        return ok(value);
      } catch (err) {
        const e = toPosError(err, store.file);
        if (e.code === 'STORAGE_CORRUPT') dataSafety.reportCorruption(method, e.message);
        if (e.code === 'INTERNAL')
          log(`${method} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        return fail(e.toShape());
      }
    };

    if (options.poll !== false) {
      payments.startPolling();
      refunds.startPolling();
      reconciliation.startSchedule();
      dataSafety.startSchedule();
    }
    return {
      store,
      catalog,
      catalogAdmin,
      carts,
      orders,
      settings,
      payments,
      paymentSettings,
      refunds,
      exceptions,
      auth,
      audit,
      reconciliation,
      reports,
      cashSessions,
      identity,
      dataSafety,
      customerDisplay,
      events,
      handlers,
      migration,
      dispatch,
      close: () => {
        payments.stopPolling();
        refunds.stopPolling();
        reconciliation.stopSchedule();
        dataSafety.close();
        unfollowPole();
        pole.close();
        customerDisplay.close();
        void tasks.close();
        store.close();
      },
    };
  } catch (err) {
    store.close();
    throw err;
  }
}
