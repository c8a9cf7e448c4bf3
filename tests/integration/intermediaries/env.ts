/**
 * The payment clients against the running sandbox over HTTP: start it on port 0 in a temp data
 * directory, drive the buyer's side through its control API (docs/sandbox.md), and receive its
 * notifications on a local HTTP server that hands them to the client's verifyIncoming.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSandbox } from '../../../src/sandbox/server';
import { createProvider, sandboxConfigs, type SandboxConfigs } from '../../../src/main/intermediaries';
import type {
  ClientDeps,
  Incoming,
  PaymentProvider,
  ProviderId,
  Verified,
} from '../../../src/main/intermediaries/provider';
import { beijingDay } from '../../../src/main/intermediaries/money';
import { tempDir } from '../../support/temp';

export interface Env {
  baseUrl: string;
  configs: SandboxConfigs;
  client(p: ProviderId, deps?: Partial<ClientDeps>): PaymentProvider;
  control(path: string, body?: unknown, method?: string): Promise<{ status: number; json: Record<string, unknown> }>;
  scenario(s: Record<string, unknown>): Promise<void>;
  advance(seconds: number): Promise<void>;
  sandboxDay(): Promise<string>;
  close(): Promise<void>;
}

export async function startEnv(): Promise<Env> {
  const tmp = tempDir('pos-pay-clients-');
  // notification retries at 1/1000 of the real schedule
  const sb = await startSandbox({ port: 0, dataDir: tmp.dir, notifyTimeScale: 0.001 });
  const configs = sandboxConfigs(sb.baseUrl);
  const control: Env['control'] = async (path, body = {}, method = 'POST') => {
    const r = await fetch(`${sb.baseUrl}/_sandbox/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: method === 'GET' ? undefined : JSON.stringify(body),
    });
    return { status: r.status, json: (await r.json()) as Record<string, unknown> };
  };
  return {
    baseUrl: sb.baseUrl,
    configs,
    client: (p, deps = {}) => createProvider(configs[p], { timeoutMs: 5000, ...deps }),
    control,
    scenario: async (s) => {
      const r = await control('scenarios', s);
      if (r.status !== 201) throw new Error(`scenario refused: ${JSON.stringify(r.json)}`);
    },
    advance: async (seconds) => {
      await control('clock/advance', { seconds });
    },
    sandboxDay: async () => {
      const r = await control('clock', undefined, 'GET');
      return beijingDay(Number(r.json.now_ms));
    },
    close: async () => {
      await sb.close();
      tmp.cleanup();
    },
  };
}

let seq = 0;
export function otn(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${(seq++).toString(36)}`.toUpperCase();
}

export interface Receiver {
  url: string;
  results: Verified[];
  /** resolves when `n` notifications have been verified */
  waitFor(n: number, ms?: number): Promise<Verified[]>;
  close(): Promise<void>;
}

/** A notify URL served by the client's verifyIncoming, as the app's callback server would. */
export async function startReceiver(client: () => PaymentProvider): Promise<Receiver> {
  const results: Verified[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const incoming: Incoming = {
        method: req.method === 'POST' ? 'POST' : 'GET',
        query: Object.fromEntries(url.searchParams),
        body: Buffer.concat(chunks),
        contentType: req.headers['content-type'] ?? '',
      };
      const v = client().verifyIncoming(incoming);
      results.push(v);
      res.writeHead(v.reply.status, { 'content-type': v.reply.contentType });
      res.end(v.reply.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/notify`,
    results,
    waitFor: async (n, ms = 8000) => {
      const until = Date.now() + ms;
      while (results.length < n && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
      return results;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
