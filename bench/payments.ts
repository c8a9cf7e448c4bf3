/**
 * Confirm → QR data ready against the embedded intermediary sandbox (issue 3, "Measure"):
 * `dispatch('checkout.confirm')` then `dispatch('payments.start', { mode: 'qr' })` until it returns
 * the `qrContent`, for Alipay and WeChat, each sample a fresh order (the cart is filled untimed).
 * In the same loop, interleaved: a bare loopback HTTP round trip (node:http on 127.0.0.1 answering
 * a small body, called with fetch, keep-alive), so the ratio p50(confirm → QR) / p50(bare RTT) is
 * taken under the same conditions.
 *
 * The sandbox runs in this process (`startSandbox`), as the app's embedded one does in its main
 * process, so its request verification, answer signing and its own SQLite write are part of the
 * exchange. The clients' HTTP is wrapped (`clientDeps.http`) only to time the exchange itself.
 *
 * One deviation from the app's defaults: the poll intervals are set to an hour. `payments.start`
 * kicks the poller even with `poll: false`, and with hundreds of open QR attempts piling up (one
 * per sample) every attempt older than `fastPollMs` (1 s) would be queried in the background during
 * the later samples — a load a till with one open payment never has.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createCore, type Core } from '../src/main/core/core';
import { DEFAULT_TIMING } from '../src/main/core/payments/attempts';
import { fetchHttp } from '../src/main/intermediaries/http';
import type { Http } from '../src/main/intermediaries/provider';
import { startSandbox, type SandboxHandle } from '../src/sandbox/server';
import type { AttemptView, OrderView } from '../src/shared/types';
import { fmt, median, must, pick, progress, quantile, rng, row, tempDir, type Row } from './stats';

export interface PaymentsOptions {
  /** timed samples per provider (and bare round trips) */
  samples: number;
  warmup: number;
}

const PROVIDERS = ['alipay', 'wechat'] as const;
type QrProvider = (typeof PROVIDERS)[number];
const LABEL: Record<QrProvider, string> = { alipay: 'Alipay', wechat: 'WeChat' };
const HOUR = 3_600_000;

interface Samples {
  total: number[];
  confirm: number[];
  start: number[];
  http: number[];
}

const p99 = (xs: readonly number[]) => quantile(xs, 0.99);

async function bareServer(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': '2' });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/ping` };
}

export async function benchPayments(options: PaymentsOptions): Promise<Row[]> {
  const sbDir = tempDir('payments-sandbox');
  const coreDir = tempDir('payments-core');
  let sandbox: SandboxHandle | undefined;
  let core: Core | undefined;
  let bare: { server: Server; url: string } | undefined;
  try {
    sandbox = await startSandbox({ port: 0, dataDir: sbDir.dir });
    // time each exchange the clients make (fetch → in-process sandbox → body read)
    let lastHttpMs = Number.NaN;
    let exchanges = 0;
    const timedHttp: Http = async (req) => {
      const t = performance.now();
      try {
        return await fetchHttp(req);
      } finally {
        lastHttpMs = performance.now() - t;
        exchanges++;
      }
    };
    core = await createCore({
      dataDir: coreDir.dir,
      mode: 'browser',
      sandboxBaseUrl: sandbox.baseUrl,
      poll: false,
      timeZone: 'Asia/Shanghai',
      timing: { ...DEFAULT_TIMING, fastPollMs: HOUR, slowPollMs: HOUR, retryMs: HOUR, orphanAfterMs: HOUR },
      clientDeps: { http: timedHttp },
    });
    const c = core;
    const offered = c.payments.options();
    for (const p of PROVIDERS) {
      if (!offered.some((o) => o.provider === p && o.mode === 'qr'))
        throw new Error(`${p} qr is not offered with the embedded sandbox`);
    }
    bare = await bareServer();
    const bareUrl = bare.url;
    const products = c.catalog.products(null);
    if (products.length === 0) throw new Error('the demo catalogue is empty');
    const random = rng(31);

    const samples: Record<QrProvider, Samples> = {
      alipay: { total: [], confirm: [], start: [], http: [] },
      wechat: { total: [], confirm: [], start: [], http: [] },
    };
    const rtt: number[] = [];

    const sample = async (provider: QrProvider, record: boolean) => {
      // a fresh order of 1–3 lines, built untimed
      const lines = 1 + Math.floor(random() * 3);
      for (let l = 0; l < lines; l++) c.carts.add(pick(random, products).id, 1 + Math.floor(random() * 2));
      lastHttpMs = Number.NaN;
      const before = exchanges;
      const t0 = performance.now();
      const order = must(await c.dispatch('checkout.confirm', {})) as OrderView;
      const t1 = performance.now();
      const view = must(await c.dispatch('payments.start', { orderId: order.id, provider, mode: 'qr' })) as AttemptView;
      const t2 = performance.now();
      if (!view.qrContent) {
        throw new Error(
          `${provider} start for order ${order.number} gave no QR (state ${view.state}: ${JSON.stringify(view.lastOutcome)} ${view.message ?? ''})`,
        );
      }
      if (exchanges - before !== 1)
        throw new Error(`${provider} start made ${exchanges - before} HTTP exchanges, expected 1`);
      if (record) {
        const s = samples[provider];
        s.total.push(t2 - t0);
        s.confirm.push(t1 - t0);
        s.start.push(t2 - t1);
        s.http.push(lastHttpMs);
      }
    };
    const roundTrip = async (record: boolean) => {
      const t = performance.now();
      const res = await fetch(bareUrl, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'ping=1' });
      const text = await res.text();
      const ms = performance.now() - t;
      if (text !== 'ok') throw new Error(`bare server answered ${JSON.stringify(text)}`);
      if (record) rtt.push(ms);
    };

    const started = performance.now();
    for (let i = 0; i < options.warmup + options.samples; i++) {
      const record = i >= options.warmup;
      // alternate which provider goes first, so neither always follows the bare round trip
      const seq: readonly QrProvider[] = i % 2 === 0 ? PROVIDERS : [...PROVIDERS].reverse();
      for (const p of seq) await sample(p, record);
      await roundTrip(record);
    }
    const loopS = (performance.now() - started) / 1000;
    progress(
      `payments: ${options.samples} samples × (Alipay, WeChat, bare RTT) after ${options.warmup} warm-up in ${fmt(loopS)} s`,
    );

    const rttP50 = median(rtt);
    const n = `${options.samples} samples after ${options.warmup} warm-up, fresh order each`;
    const rows: Row[] = [];
    for (const p of PROVIDERS) {
      const s = samples[p];
      const ratio = median(s.total) / rttP50;
      rows.push(
        row(
          `confirm → QR data ready, ${LABEL[p]} (dispatch confirm + start)`,
          'ms',
          s.total,
          'p50 ≤ 10 ms, p99 ≤ 30 ms',
          `p99 ${fmt(p99(s.total))} ms; ratio p50/bare-RTT p50 = ${fmt(ratio)} (goal ≤ 3); ${n}; ` +
            `core commits: confirm and the attempt at synchronous=FULL, the QR answer at NORMAL (no money moved) + 1 signed exchange with the in-process sandbox (its own FULL commit inside)`,
        ),
      );
      rows.push({
        measure: `  ratio p50(confirm → QR) / p50(bare RTT), ${LABEL[p]}`,
        unit: '×',
        median: ratio,
        p95: null,
        goal: '≤ 3',
        notes: `p99/p99: ${fmt(p99(s.total) / p99(rtt))}`,
      });
    }
    rows.push(
      row(
        '  bare loopback HTTP round trip',
        'ms',
        rtt,
        '—',
        `p99 ${fmt(p99(rtt))} ms; node:http on 127.0.0.1, POST 6 B → 2 B, fetch keep-alive, same process; interleaved with the samples above`,
      ),
    );
    const allConfirm = PROVIDERS.flatMap((p) => samples[p].confirm);
    rows.push(
      row(
        '  checkout.confirm alone (1 tx)',
        'ms',
        allConfirm,
        '—',
        `p99 ${fmt(p99(allConfirm))} ms; both providers' samples; writes the order, re-reads it`,
      ),
    );
    for (const p of PROVIDERS) {
      const s = samples[p];
      const rest = s.start.map((ms, i) => ms - (s.http[i] as number));
      rows.push(
        row(
          `  payments.start alone, ${LABEL[p]} (2 tx, one FULL + exchange)`,
          'ms',
          s.start,
          '—',
          `p99 ${fmt(p99(s.start))} ms; outside the HTTP exchange (sign, verify, 2 commits, journal, view): median ${fmt(median(rest))} ms, p95 ${fmt(quantile(rest, 0.95))} ms`,
        ),
      );
      rows.push(
        row(
          `    HTTP exchange with the sandbox, ${LABEL[p]}`,
          'ms',
          s.http,
          '—',
          `p99 ${fmt(p99(s.http))} ms; deps.http = fetchHttp (fetch + AbortSignal.timeout); includes the sandbox's verify, trade write and signed answer; ${fmt(median(s.http) / rttP50)}× bare RTT`,
        ),
      );
    }
    return rows;
  } finally {
    const server = bare?.server;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    core?.close();
    await sandbox?.close();
    coreDir.cleanup();
    sbDir.cleanup();
  }
}
