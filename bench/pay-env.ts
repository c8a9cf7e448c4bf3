/**
 * Shared by the payment-truth benches (payment-latency, pending-load): the intermediary sandbox as
 * a separate process — as the app's embedded one runs (`src/main/sandbox-child.ts`), so its request
 * verification, signing and SQLite work do not share the core's event loop — its control API, and
 * the real clients (`createProvider(sandboxConfigs(base))`, what the payment settings build for
 * the embedded default) behind a `ProviderSource` that lets a bench watch every status query.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createProvider, sandboxConfigs } from '../src/main/intermediaries';
import type { ProviderSource } from '../src/main/core/payments/attempts';
import type { Called, PaymentProvider, ProviderId, QueryOutcome, TradeRef } from '../src/main/intermediaries/provider';

const ROOT = resolve(__dirname, '..');
const SANDBOX_MAIN = resolve(ROOT, 'src/sandbox/main.ts');

export interface SandboxProcess {
  baseUrl: string;
  child: ChildProcess;
  /** POST/GET a control-API path under /_sandbox/ (JSON); throws on an HTTP error */
  control<T = Record<string, unknown>>(path: string, body?: unknown, method?: 'GET' | 'POST'): Promise<T>;
  stop(): Promise<void>;
}

/**
 * `node --import tsx src/sandbox/main.ts --port 0 --data-dir DIR` under the bench's own runtime
 * (the source, not out/, so `--only` runs without a build measure the current sandbox).
 */
export async function startSandboxProcess(dataDir: string, timeoutMs = 20_000): Promise<SandboxProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', SANDBOX_MAIN, '--port', '0', '--data-dir', dataDir], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: process.env,
  });
  let out = '';
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
  };
  try {
    const baseUrl = await new Promise<string>((done, fail) => {
      const timer = setTimeout(
        () => fail(new Error(`the sandbox printed no listening line within ${timeoutMs} ms:\n${out}`)),
        timeoutMs,
      );
      child.stdout?.on('data', (c: Buffer) => {
        out += c.toString('utf8');
        const m = /listening at (http:\/\/\S+)/.exec(out);
        if (m?.[1]) {
          clearTimeout(timer);
          done(m[1].replace(/\/$/, ''));
        }
      });
      child.stderr?.on('data', (c: Buffer) => (out += c.toString('utf8')));
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        fail(new Error(`the sandbox exited (${code ?? signal}) before it was ready:\n${out}`));
      });
    });
    const control = async <T>(
      path: string,
      body?: unknown,
      method: 'GET' | 'POST' = body === undefined ? 'GET' : 'POST',
    ): Promise<T> => {
      for (let attempt = 1; ; attempt++) {
        let res: Response;
        try {
          res = await fetch(`${baseUrl}/_sandbox/${path}`, {
            method,
            headers: { 'content-type': 'application/json' },
            ...(method === 'POST' ? { body: JSON.stringify(body ?? {}) } : {}),
          });
        } catch (err) {
          // "fetch failed": typically a kept-alive socket the server closed just then; a GET is safe to repeat
          if (method === 'GET' && attempt < 3) continue;
          throw err;
        }
        const text = await res.text();
        if (!res.ok) throw new Error(`sandbox ${method} /_sandbox/${path}: HTTP ${res.status} ${text}`);
        return JSON.parse(text) as T;
      }
    };
    return { baseUrl, child, control, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * No notification may reach the core: a counter PC has no public address. The embedded default
 * sends no Alipay notify_url and WeChat's `https://notify.invalid/…`; this also clears any URL the
 * sandbox might have been given, and checks.
 */
export async function noNotifications(sandbox: SandboxProcess): Promise<void> {
  for (const provider of ['alipay', 'wechat', 'yeepay'] as const)
    await sandbox.control('notify-url', { provider, url: null });
  const urls = await sandbox.control<Record<string, { url: string | null }>>('notify-url');
  for (const [p, v] of Object.entries(urls))
    if (v.url !== null) throw new Error(`the sandbox still has a ${p} notify URL: ${v.url}`);
}

export interface QueryObserver {
  /** called as the poller hands a query to the client, before anything is signed or sent */
  start?(provider: ProviderId, ref: TradeRef): void;
  /** called with the answer */
  done?(provider: ProviderId, ref: TradeRef, outcome: QueryOutcome['kind'], ms: number): void;
}

/** Alipay and WeChat clients for the sandbox, with the status query observed. */
export function observedProviders(baseUrl: string, observer: QueryObserver): ProviderSource & { inFlight(): number } {
  const cfgs = sandboxConfigs(baseUrl);
  let inFlight = 0;
  const wrap = (p: PaymentProvider): PaymentProvider => {
    const query = async (ref: TradeRef): Promise<Called<QueryOutcome>> => {
      observer.start?.(p.id, ref);
      inFlight++;
      const t = performance.now();
      try {
        const called = await p.query(ref);
        observer.done?.(p.id, ref, called.outcome.kind, performance.now() - t);
        return called;
      } finally {
        inFlight--;
      }
    };
    // everything else is the client itself (its methods keep working: `this` finds the client's state through the prototype)
    return Object.create(p, { query: { value: query } }) as PaymentProvider;
  };
  const entries = new Map<ProviderId, { provider: PaymentProvider; sandbox: boolean }>([
    ['alipay', { provider: wrap(createProvider(cfgs.alipay)), sandbox: true }],
    ['wechat', { provider: wrap(createProvider(cfgs.wechat)), sandbox: true }],
  ]);
  return {
    get: (id) => entries.get(id),
    all: () => [...entries.values()],
    inFlight: () => inFlight,
  };
}

/** Waits `ms`; with a signal, ends early (without throwing) when it is aborted. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((done) => {
    if (signal?.aborted) return done();
    const timer = setTimeout(finish, Math.max(0, ms));
    function finish() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', finish);
      done();
    }
    signal?.addEventListener('abort', finish, { once: true });
  });
}

/** `fetch failed` and friends: the request may or may not have reached the server. */
export function isNetworkError(err: unknown): boolean {
  return err instanceof TypeError;
}
