/**
 * The one contract between the renderer and the main process. Every call the renderer can make is
 * listed here with the zod schema of its input and the type of its result; every event main pushes
 * is listed in `events`. The preload bridge, the IPC registration, the browser-mode transport and
 * the renderer's client are all derived from this file.
 *
 * The methods' schemas are declared by domain in contract/ (issue 11: no file over ~500 lines) and
 * spread here in the order the contract has always had: the method list, and so the seeded fuzzer's
 * draws (tests/security/fuzz.test.ts), stay the same. A domain whose methods are not together in that
 * order (people, hardware, payments) declares two objects.
 */
import type { z } from 'zod';
import { MAX_QTY } from './limits';
import type { EVENT_NAMES, MethodName } from './methods';
import type { NetworkTrouble } from './outcomes';
import type { Result } from './result';
import type { AttemptView, DataSafetyStatus, Locale, OrderStatus, ProviderId, RefundView } from './types';
import { appMethods } from './contract/app';
import { catalogueMethods } from './contract/catalogue';
import { salesMethods } from './contract/sales';
import { paymentsMethods, paymentSettingsMethods } from './contract/payments';
import { refundsMethods } from './contract/refunds';
import { signInMethods, peopleMethods } from './contract/people';
import { printerMethods, devicesMethods } from './contract/hardware';
import { dataSafetyMethods } from './contract/data-safety';
import { reportsMethods } from './contract/reports';
import { reconciliationMethods } from './contract/reconciliation';
import { cashMethods } from './contract/cash';
import { deviceSettingsMethods } from './contract/device-settings';
import { tidyMethods } from './contract/tidy';
import { tillMethods } from './contract/till';

export { MAX_QTY };
export { discountSchema } from './contract/sales';
export { printerConfigSchema } from './contract/hardware';
export { setPaymentSchema } from './contract/payments';
export { denominationsSchema } from './contract/cash';

export const contract = {
  ...appMethods,
  ...catalogueMethods,
  ...salesMethods,
  ...paymentsMethods,
  ...refundsMethods,
  ...signInMethods,
  ...printerMethods,
  ...peopleMethods,
  ...dataSafetyMethods,
  ...reportsMethods,
  ...paymentSettingsMethods,
  ...devicesMethods,
  ...reconciliationMethods,
  ...cashMethods,
  ...deviceSettingsMethods,
  ...tidyMethods,
  ...tillMethods,
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
