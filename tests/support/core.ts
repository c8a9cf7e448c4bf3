/** Test helpers: a fresh data directory, a core on it, and a client speaking the loopback transport. */
import { resolve } from 'node:path';
import type { EventName, PosApi } from '../../src/shared/contract';
import { buildApi, type Transport } from '../../src/shared/api';
import type { Result } from '../../src/shared/result';
import { ManualClock } from '../../src/main/core/clock';
import { createCore, type Core, type CoreOptions } from '../../src/main/core/core';
import { startWebServer, type WebServer } from '../../src/main/web-server';
import { tempDir } from './temp';

export { tempDir };

export interface TestCore {
  core: Core;
  clock: ManualClock;
  dir: string;
  close: () => void;
}

/**
 * A core on a fresh data directory, with a manual clock at 2026-11-26 10:00 Shanghai time. The tests
 * sell cash without opening a drawer, so the fresh store opts out of the product's default (a new
 * store requires an open drawer before cash); a test of that rule passes `newStoreRequiresDrawer`.
 */
export async function startCore(options: Partial<CoreOptions> = {}): Promise<TestCore> {
  const { dir, cleanup } = tempDir();
  const clock = new ManualClock('2026-11-26T02:00:00Z');
  const core = await createCore({
    dataDir: dir,
    mode: 'browser',
    clock,
    timeZone: 'Asia/Shanghai',
    newStoreRequiresDrawer: false,
    ...options,
  });
  return {
    core,
    clock,
    dir,
    close: () => {
      core.close();
      cleanup();
    },
  };
}

export function httpTransport(
  web: WebServer,
): Transport & { raw: (body: unknown, headers?: Record<string, string>) => Promise<Response> } {
  const base = `http://127.0.0.1:${web.port}`;
  const raw = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}/api/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${web.token}`, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  return {
    raw,
    async invoke(method, input) {
      const res = await raw({ method, input });
      return (await res.json()) as Result<unknown>;
    },
    on(_event: EventName, _listener: (payload: unknown) => void) {
      return () => undefined;
    },
  };
}

export interface TestServer extends TestCore {
  web: WebServer;
  api: PosApi;
  transport: ReturnType<typeof httpTransport>;
  stop: () => Promise<void>;
}

export async function startServer(options: Partial<CoreOptions> = {}): Promise<TestServer> {
  const tc = await startCore(options);
  const web = await startWebServer(tc.core, { port: 0, rendererDir: resolve(__dirname, '../../out/renderer') });
  const transport = httpTransport(web);
  return {
    ...tc,
    web,
    transport,
    api: buildApi(transport),
    stop: async () => {
      await web.close();
      tc.close();
    },
  };
}

/** Unwraps a result, failing the test with the error if it is not ok. */
export function must<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.value;
}
