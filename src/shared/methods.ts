/**
 * The contract's method and event names, free of any dependency, so the sandboxed preload can build
 * `window.pos` without bundling the schemas. `contract.ts` checks at compile time that this list and
 * the contract name exactly the same methods.
 */
import type { EventName, MethodInput, MethodOutput, PosApi } from './contract';
import type { Result } from './result';

export const METHOD_NAMES = [
  'app.info',
  'app.setLocale',
  'catalog.categories',
  'catalog.products',
  'catalog.search',
  'catalog.adminProducts',
  'catalog.adminCategories',
  'catalog.saveProduct',
  'catalog.setActive',
  'catalog.saveCategory',
  'catalog.reorderCategories',
  'catalog.adjustStock',
  'catalog.stockMoves',
  'catalog.exportCsv',
  'catalog.importUpload',
  'catalog.importPreview',
  'catalog.importApply',
  'cart.get',
  'cart.add',
  'cart.scan',
  'cart.setQty',
  'cart.remove',
  'cart.clear',
  'cart.setLineDiscount',
  'cart.setOrderDiscount',
  'cart.park',
  'cart.parked',
  'cart.resume',
  'checkout.confirm',
  'checkout.payCash',
  'checkout.cashSale',
  'orders.list',
  'orders.get',
  'orders.cancel',
  'orders.receipt',
  'orders.print',
  'orders.exportTimeline',
  'payments.options',
  'payments.start',
  'payments.get',
  'payments.forOrder',
  'payments.queryNow',
  'payments.stop',
  'payments.openCashier',
  'payments.attention',
  'payments.override',
  'exceptions.resolve',
  'refunds.quote',
  'refunds.create',
  'auth.users',
  'auth.current',
  'auth.login',
  'audit.list',
  'drawer.open',
  'auth.lock',
  'auth.addUser',
  'auth.setPin',
  'auth.retire',
  'audit.export',
  'dataSafety.status',
  'dataSafety.overview',
  'dataSafety.backupNow',
  'dataSafety.checkNow',
  'dataSafety.setSettings',
  'dataSafety.restorePlan',
  'dataSafety.restore',
  'reports.sales',
  'reports.exportCsv',
  'reports.printable',
  'settings.payments',
  'settings.setPayment',
  'devices.settings',
  'devices.set',
  'recon.days',
  'recon.day',
  'recon.run',
  'recon.resolve',
  'recon.settings',
  'recon.setSettings',
  'cashSession.current',
  'cashSession.open',
  'cashSession.move',
  'cashSession.x',
  'cashSession.printX',
  'cashSession.close',
  'cashSession.z',
  'cashSession.zList',
  'cashSession.printZ',
] as const;

export type MethodName = (typeof METHOD_NAMES)[number];

export const EVENT_NAMES = [
  'order.changed',
  'app.localeChanged',
  'catalog.changed',
  'payment.changed',
  'refund.changed',
  'recon.changed',
  'dataSafety.changed',
] as const satisfies readonly EventName[];

/** The low-level shape a transport provides; `buildApi` turns it into a `PosApi`. */
export interface Transport {
  invoke(method: MethodName, input: unknown): Promise<Result<unknown>>;
  on(event: EventName, listener: (payload: unknown) => void): () => void;
}

/** Builds the namespaced API (`api.cart.add(…)`) over any transport. */
export function buildApi(transport: Transport): PosApi {
  const api: Record<string, unknown> = {};
  for (const name of METHOD_NAMES) {
    const [ns, member] = name.split('.') as [string, string];
    const group = (api[ns] ??= {}) as Record<string, unknown>;
    group[member] = (input?: unknown) => transport.invoke(name, input ?? {});
  }
  api.on = (event: EventName, listener: (payload: unknown) => void) => transport.on(event, listener);
  return api as PosApi;
}

export type { MethodInput, MethodOutput };
