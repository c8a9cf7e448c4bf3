/**
 * The namespaced API (`api.cart.add(…)`, `window.pos`) built over any transport from the contract's
 * names (`methods.ts`): the preload's IPC, browser mode's HTTP and WebSocket, the tests' loopback.
 * Types only from the contract, so the preload bundles no schema.
 */
import type { EventName, PosApi } from './contract';
import { METHOD_NAMES, type MethodName } from './methods';
import type { Result } from './result';

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
