/**
 * The core: opens the store, seeds the demo catalogue on first run, and implements every contract
 * method. Both transports (Electron IPC and browser-mode HTTP) call `dispatch`, which validates the
 * input with the contract's zod schema and turns every failure into a typed error result.
 */
import { type z } from 'zod';
import { contract, isMethodName } from '../../shared/contract';
import { shortPrefix } from '../../shared/text';
import { fail, ok, type Result } from '../../shared/result';
import type { AppInfo, Locale } from '../../shared/types';
import { openStore, type MigrationReport, type Store } from '../store/db';
import { toPosError } from '../store/sqlite-errors';
import { Audit } from './people/audit';
import { Auth, WHILE_LOCKED } from './people/auth';
import { peopleHandlers } from './people/handlers';
import { Carts } from './sales/cart';
import { Catalog } from './catalogue/catalog';
import { CatalogAdmin } from './catalogue/admin';
import { CatalogueFiles } from './catalogue/csv-files';
import { catalogHandlers } from './catalogue/handlers';
import { businessDay, systemClock, systemTimeZone, type Clock } from './clock';
import { crashPoint } from './crash-points';
import { Events } from './events';
import { Orders } from './sales/orders';
import { salesHandlers } from './sales/handlers';
import { OrderTidy } from './sales/tidy';
import { PaymentSettings } from './payments/payment-settings';
import { FileSecretStore, type SecretStore } from './secrets';
import type { ClientDeps } from '../intermediaries/provider';
import { Exceptions } from './exceptions/exceptions';
import { exceptionHandlers } from './exceptions/handlers';
import { paymentHandlers } from './payments/handlers';
import { tillHandlers } from './counter/handlers';
import { OrderRefunds } from './refunds/order-refunds';
import { refundHandlers } from './refunds/handlers';
import { DEFAULT_TIMING, Payments, type PaymentTiming, type ProviderSource } from './payments/attempts';
import { DEFAULT_REFUND_TIMING, Refunds, type RefundTiming } from './refunds/refunds';
import { browserPrinter, type ReceiptPrinter } from './reports/printing';
import { CounterPrinter } from './hardware/counter-printer';
import { printerHandlers } from './hardware/handlers';
import { moveSlip } from './hardware/slip';
import type { TransportTiming } from './hardware/transports';
import { seedIfEmpty } from './catalogue/seed';
import { Settings } from './settings';
import { TillIdentity } from './payments/till-identity';
import { Reconciliation } from './reconciliation/reconciliation';
import { reconciliationHandlers } from './reconciliation/handlers';
import { Reports } from './reports/reports';
import { reportHandlers } from './reports/handlers';
import { devicesHandlers } from './hardware/devices-handlers';
import { RefundSlips } from './hardware/refund-slips';
import { CustomerDisplay } from './customer-display/customer-display';
import { PoleDisplay, openSerialPole, type OpenPole } from './hardware/pole-display';
import { CashSessions } from './cash/cash-sessions';
import { cashSessionHandlers, drawerHandlers } from './cash/handlers';
import { type Handlers } from './handlers';
import { accessRules } from './people/access';
import { DataSafety } from './data-safety/data-safety';
import { dataSafetyHandlers } from './data-safety/handlers';
import type { DataSafetyOptions } from './data-safety/types';
import { TaskPool } from '../store/sqlite-jobs';
import { workerTasks, type Tasks } from './worker-runner';

export interface CoreOptions {
  dataDir: string;
  mode: AppInfo['mode'];
  version?: string;
  clock?: Clock;
  printer?: ReceiptPrinter;
  /** the ESC/POS transports' timeouts (tests shorten them) */
  printerTiming?: TransportTiming;
  /** The operating system's locale (e.g. `zh-CN`, `en-US`): the default UI language until one is chosen. */
  systemLocale?: string;
  /** Store time zone; default: the setting, else the system's. */
  timeZone?: string;
  /** Skip seeding the demo catalogue (benchmarks that bring their own). */
  seed?: boolean;
  /**
   * "Require an open drawer before a cash sale" for a store this start creates (default on, the
   * product's default; an existing store keeps its own value). Test fixtures and benchmarks that sell
   * cash without a drawer pass false (browser mode: POS_NEW_STORE_REQUIRE_DRAWER=off).
   */
  newStoreRequiresDrawer?: boolean;
  /** The intermediaries, for tests; by default they come from the payment settings. */
  providers?: ProviderSource;
  /** Seals merchant keys (Electron: the OS keychain); default: a key file in the data directory. */
  secrets?: SecretStore;
  /** Base URL of the embedded sandbox, when the app started one. */
  sandboxBaseUrl?: string | null;
  /** The embedded sandbox is on its way (`setSandboxBaseUrl` follows): its providers are "starting", not missing. */
  sandboxStarting?: boolean;
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

import { READ_ONLY } from './read-only-methods';
import type { CashierOpener } from './payments/handlers';
export type { CashierOpener };

/** Calls after which the customer display reads the cart again (core/customer-display/). */
const CART_CHANGES = /^(cart\.(?!get$|parked$)|checkout\.|orders\.cancel$)/;

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
  /** the receipt printer, its queue and the cash drawer (core/hardware/) */
  readonly printer: CounterPrinter;
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
  const log = options.log ?? (() => undefined);
  const { store, migration } = await openStore({ dataDir: options.dataDir, now: () => clock.now() });
  try {
    const settings = new Settings(store);
    // a store created now takes the rule on; an upgraded one has no value and reads it off, as before
    if (migration.from === null) settings.set('requireOpenDrawer', options.newStoreRequiresDrawer ?? true);
    if (options.seed !== false && !settings.values.catalogueSeeded) {
      const n = await seedIfEmpty(store, clock.now());
      settings.set('catalogueSeeded', true);
      if (n > 0) log(`seeded the demo catalogue: ${n} products`);
    }
    const timeZone = () => options.timeZone ?? settings.values.timeZone ?? systemTimeZone();
    const counterPrinter = new CounterPrinter({
      store,
      clock,
      settings,
      html: options.printer ?? browserPrinter,
      timing: options.printerTiming,
      log,
    });
    const printer = counterPrinter.receiptPrinter();
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
        ? (await import('./worker-tasks')).inlineTasks(store)
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
      sandboxStarting: options.sandboxStarting ?? false,
      // the providers changed (the sandbox came up, the owner saved settings): pending work resumes at once
      changed: () => payments.resume(),
      // the crash matrix's `http:<op>` points: the intermediary answered, the client has not read it
      deps: { now: () => clock.now(), answered: (op) => crashPoint(`http:${op}`), ...options.clientDeps },
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
    const locale = (): Locale => settings.values.locale ?? localeFrom(options.systemLocale);
    // refund slips: printed once, from refunds.create or when the poller sees an intermediary's refund succeed
    const refundSlips = new RefundSlips({ store, counterPrinter, settings, locale, timeZone });
    const unfollowRefunds = refundSlips.follow(events);
    const access = accessRules(auth);

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

    const handlers: Handlers = {
      'app.info': () => info(),
      'app.setLocale': ({ locale: next }) => {
        settings.set('locale', next);
        events.emit('app.localeChanged', { locale: next });
        return info();
      },
      ...catalogHandlers(catalog, catalogAdmin, catalogFiles, access),
      ...salesHandlers(
        {
          store,
          carts,
          orders,
          payments,
          settings,
          audit,
          clock,
          timeZone,
          printer,
          counterPrinter,
          locale,
          tidy: new OrderTidy(store, clock, events, audit, timeZone),
        },
        access,
      ),
      ...paymentHandlers({ payments, paymentSettings, cashier: options.cashier, store }, access),
      ...exceptionHandlers(exceptions, access),
      ...refundHandlers(orderRefunds, access, refundSlips),
      ...peopleHandlers({ audit, clock, timeZone, tasks }, access),
      ...reportHandlers({ reports, tasks, clock, timeZone, locale, settings }, access),
      ...devicesHandlers(
        {
          store,
          settings,
          audit,
          changed: (view) => void pole.configure(view.pole),
          pole,
          findByCode: (code) => catalog.findByCode(code),
        },
        access,
      ),
      ...reconciliationHandlers(reconciliation, access),
      ...cashSessionHandlers(cashSessions, access, {
        printer,
        locale,
        afterZ: () => void dataSafety.backup('z'),
        afterMove: (move, terminal) =>
          void counterPrinter.afterCash(`paid ${move.kind}`, {
            kind: 'move',
            slip: moveSlip(move, terminal, settings.values.storeName, locale(), timeZone()),
          }),
      }),
      ...printerHandlers(counterPrinter, access, { store, settings, audit, locale, timeZone, now: () => clock.now() }),
      ...drawerHandlers({ store, audit, printer }, access),
      ...dataSafetyHandlers(dataSafety, audit, access),
      ...tillHandlers({ cashSessions, payments, orders, clock }),
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
    void counterPrinter.start();
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
      printer: counterPrinter,
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
        unfollowRefunds();
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
