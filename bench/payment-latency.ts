/**
 * Customer pays → "paid" reaches the renderer (issue 4, "Measure"), with the real background poller
 * and nothing else delivering the news: no notification can reach a counter PC, so the sandbox has
 * no notify URL here and the run checks that the core journaled none.
 *
 * Three schedules side by side in the same run, each its own core (own data directory, own poller
 * started by `createCore` as in the app, own browser-mode WebSocket), each against a sandbox
 * process of its own (order numbers, hence out_trade_no, repeat from core to core) over loopback HTTP
 * with the real Alipay and WeChat clients:
 *   - adaptive: DEFAULT_TIMING (what the app ships);
 *   - fixed 3 s and fixed 5 s (fastPollMs = slowPollMs), the schedules other systems use.
 *
 * Per schedule, `payments` QR attempts (Alipay and WeChat alternately) start at random moments over
 * the first seconds; each is paid at a random moment 2–20 s after its QR appeared, half through the
 * control API (`POST /_sandbox/trades/{p}/{no}/pay`: paid at once), half through the customer page
 * (`POST <qr content>` action=pay: the sandbox's 2 s "entering password", then paid). The instant of
 * payment is the sandbox's own `paid_at` (same machine clock); latency = that → the
 * `payment.changed` (state paid) message arriving on the WebSocket the renderer listens to in
 * browser mode (the in-process event bus is recorded too). Queries per payment: the status queries
 * the poller asked the client for, QR to paid (checked against the core's journal).
 */
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { resolve } from 'node:path';
import { createCore, type Core } from '../src/main/core/core';
import { DEFAULT_TIMING, type PaymentTiming } from '../src/main/core/payments/attempts';
import { startWebServer, type WebServer } from '../src/main/web-server';
import type { AttemptView } from '../src/shared/types';
import {
  isNetworkError,
  noNotifications,
  observedProviders,
  sleep,
  startSandboxProcess,
  type SandboxProcess,
} from './pay-env';
import { fmt, median, must, pick, progress, quantile, rng, tempDir, type Row, type TempDir } from './stats';

export interface LatencyOptions {
  /** QR payments per schedule */
  payments: number;
  /** QRs appear at random moments over this long */
  spreadMs: number;
}

const PAY_MIN_MS = 2_000;
const PAY_MAX_MS = 20_000;
/** the sandbox customer page's "entering password" before the money moves */
const PASSWORD_MS = 2_000;

interface Schedule {
  key: string;
  label: string;
  timing: PaymentTiming;
}

const s = (ms: number) => `${ms / 1000} s`;
const SCHEDULES: readonly Schedule[] = [
  {
    key: 'adaptive',
    label: `adaptive (app default: ${s(DEFAULT_TIMING.fastPollMs)} for the first ${s(DEFAULT_TIMING.fastForMs)}, then ${s(DEFAULT_TIMING.slowPollMs)})`,
    timing: DEFAULT_TIMING,
  },
  { key: 'fixed3', label: 'fixed 3 s', timing: { ...DEFAULT_TIMING, fastPollMs: 3_000, slowPollMs: 3_000 } },
  { key: 'fixed5', label: 'fixed 5 s', timing: { ...DEFAULT_TIMING, fastPollMs: 5_000, slowPollMs: 5_000 } },
];

interface Sample {
  provider: 'alipay' | 'wechat';
  via: 'control' | 'page';
  attemptId: number;
  outTradeNo: string;
  qrAt: number;
  paidAt: number;
  wsAt: number;
  busAt: number;
  queries: number;
}

interface Lane {
  schedule: Schedule;
  sandbox: SandboxProcess;
  sbDir: TempDir;
  dir: TempDir;
  core: Core;
  web: WebServer;
  ws: WebSocket;
  /** attempt id → when its paid event arrived (epoch ms) */
  wsPaid: Map<number, number>;
  busPaid: Map<number, number>;
  waiters: Map<number, () => void>;
  samples: Sample[];
  missed: string[];
  /** out_trade_no → status queries the poller made */
  queries: Map<string, number>;
}

async function openLane(schedule: Schedule): Promise<Lane> {
  const sbDir = tempDir(`latency-${schedule.key}-sandbox`);
  const dir = tempDir(`latency-${schedule.key}`);
  let sandbox: SandboxProcess | undefined;
  let core: Core | undefined;
  let web: WebServer | undefined;
  const queries = new Map<string, number>();
  try {
    sandbox = await startSandboxProcess(sbDir.dir);
    await noNotifications(sandbox);
    core = await createCore({
      dataDir: dir.dir,
      mode: 'browser',
      timeZone: 'Asia/Shanghai',
      providers: observedProviders(sandbox.baseUrl, {
        start: (_p, ref) => queries.set(ref.outTradeNo, (queries.get(ref.outTradeNo) ?? 0) + 1),
      }),
      timing: schedule.timing,
      // poll: default true — createCore starts the background poller, as the app does
    });
    web = await startWebServer(core, { port: 0, rendererDir: resolve(__dirname, '../out/renderer') });
    const ws = new WebSocket(`ws://127.0.0.1:${web.port}/api/events?token=${encodeURIComponent(web.token)}`);
    await new Promise<void>((done, fail) => {
      ws.once('open', () => done());
      ws.once('error', fail);
    });
    const lane: Lane = {
      schedule,
      sandbox,
      sbDir,
      dir,
      core,
      web,
      ws,
      wsPaid: new Map(),
      busPaid: new Map(),
      waiters: new Map(),
      samples: [],
      missed: [],
      queries,
    };
    ws.on('message', (data: Buffer) => {
      const at = Date.now();
      const msg = JSON.parse(data.toString('utf8')) as { event: string; payload: AttemptView };
      if (msg.event !== 'payment.changed' || msg.payload.state !== 'paid' || lane.wsPaid.has(msg.payload.id)) return;
      lane.wsPaid.set(msg.payload.id, at);
      lane.waiters.get(msg.payload.id)?.();
    });
    core.events.subscribe((event, payload) => {
      const v = payload as AttemptView;
      if (event === 'payment.changed' && v.state === 'paid' && !lane.busPaid.has(v.id))
        lane.busPaid.set(v.id, Date.now());
    });
    return lane;
  } catch (err) {
    await web?.close();
    core?.close();
    await sandbox?.stop();
    dir.cleanup();
    sbDir.cleanup();
    throw err;
  }
}

async function closeLane(lane: Lane): Promise<void> {
  lane.ws.terminate();
  await lane.web.close();
  lane.core.close();
  await lane.sandbox.stop();
  lane.dir.cleanup();
  lane.sbDir.cleanup();
}

/** The buyer's action; a network error is retried only after the sandbox shows the action did not land. */
async function customerPays(
  sandbox: SandboxProcess,
  provider: string,
  view: AttemptView,
  via: Sample['via'],
): Promise<void> {
  const path = `trades/${provider}/${encodeURIComponent(view.outTradeNo)}`;
  for (let attempt = 1; ; attempt++) {
    try {
      if (via === 'control') {
        await sandbox.control(`${path}/pay`, {});
      } else {
        const res = await fetch(view.qrContent as string, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'action=pay',
          redirect: 'manual',
        });
        await res.arrayBuffer();
        if (res.status !== 303) throw new Error(`customer page POST for ${view.outTradeNo}: HTTP ${res.status}`);
      }
      return;
    } catch (err) {
      if (!isNetworkError(err) || attempt >= 3) throw err;
      const t = await sandbox.control<{ status: string }>(path);
      if (t.status === 'paying' || t.status === 'paid') return;
    }
  }
}

async function onePayment(
  lane: Lane,
  i: number,
  random: () => number,
  spreadMs: number,
  signal: AbortSignal,
): Promise<void> {
  const c = lane.core;
  const sandbox = lane.sandbox;
  const provider = i % 2 === 0 ? 'alipay' : 'wechat';
  const via = i % 4 < 2 ? 'control' : 'page';
  const startIn = random() * spreadMs;
  const payAfter = PAY_MIN_MS + random() * (PAY_MAX_MS - PAY_MIN_MS);
  const product = pick(random, c.catalog.products(null));
  await sleep(startIn, signal);
  if (signal.aborted) return;
  // cart → order → QR, as the pay screen does (the add and the confirm are synchronous: no other payment interleaves)
  c.carts.add(product.id, 1);
  const order = c.orders.confirm();
  const view = must(await c.dispatch('payments.start', { orderId: order.id, provider, mode: 'qr' })) as AttemptView;
  const qrAt = Date.now();
  if (!view.qrContent)
    throw new Error(
      `${provider} start gave no QR (${view.state}: ${JSON.stringify(view.lastOutcome)} ${view.message ?? ''})`,
    );
  const paidEvent = new Promise<boolean>((done) => {
    if (lane.wsPaid.has(view.id)) return done(true);
    const timer = setTimeout(() => done(false), PAY_MAX_MS + 30_000);
    const finish = (seen: boolean) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      done(seen);
    };
    const onAbort = () => finish(false);
    signal.addEventListener('abort', onAbort, { once: true });
    lane.waiters.set(view.id, () => finish(true));
  });
  // the customer: the money moves `payAfter` after the QR appeared (the customer page adds its 2 s password first)
  await sleep(qrAt + payAfter - (via === 'page' ? PASSWORD_MS : 0) - Date.now(), signal);
  if (signal.aborted) return;
  await customerPays(sandbox, provider, view, via);
  const seen = await paidEvent;
  lane.waiters.delete(view.id);
  if (signal.aborted) return;
  if (!seen) {
    lane.missed.push(view.outTradeNo);
    return;
  }
  const trade = await sandbox.control<{ paid_at: string | null }>(
    `trades/${provider}/${encodeURIComponent(view.outTradeNo)}`,
  );
  if (!trade.paid_at) throw new Error(`the sandbox has no paid_at for ${view.outTradeNo}`);
  lane.samples.push({
    provider,
    via,
    attemptId: view.id,
    outTradeNo: view.outTradeNo,
    qrAt,
    paidAt: Date.parse(trade.paid_at),
    wsAt: lane.wsPaid.get(view.id) as number,
    busAt: lane.busPaid.get(view.id) ?? Number.NaN,
    queries: 0,
  });
}

export async function benchPaymentLatency(options: LatencyOptions): Promise<Row[]> {
  const lanes: Lane[] = [];
  try {
    const opened = await Promise.allSettled(SCHEDULES.map((schedule) => openLane(schedule)));
    for (const o of opened) if (o.status === 'fulfilled') lanes.push(o.value);
    for (const o of opened) if (o.status === 'rejected') throw o.reason;
    const t0 = performance.now();
    // every payment of every lane at once; the first failure stops the others (no stray timers or calls after the lanes close)
    const abort = new AbortController();
    const tasks = lanes.flatMap((lane, k) => {
      const random = rng(401 + k);
      return Array.from({ length: options.payments }, (_, i) =>
        onePayment(lane, i, random, options.spreadMs, abort.signal).catch((err: unknown) => {
          abort.abort();
          throw err;
        }),
      );
    });
    const settled = await Promise.allSettled(tasks);
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    progress(
      `latency: ${SCHEDULES.length} schedules × ${options.payments} QR payments in ${fmt((performance.now() - t0) / 1000)} s`,
    );

    const rows: Row[] = [];
    const p50s: Record<string, number> = {};
    for (const lane of lanes) {
      const db = lane.core.store.sqlite;
      const notes = db.prepare("select count(*) as n from payment_journal where kind = 'notification'").get() as {
        n: number;
      };
      if (notes.n !== 0)
        throw new Error(
          `${lane.schedule.key}: the core journaled ${notes.n} notifications; this bench must run on polling alone`,
        );
      // the journal holds every exchange (`wire.query` for Alipay, `wire.orderquery` for WeChat): it must agree with the queries the clients were asked for
      const journaled = db
        .prepare("select count(*) as n from payment_journal where kind in ('wire.query', 'wire.orderquery')")
        .get() as { n: number };
      let asked = 0;
      for (const smp of lane.samples) {
        smp.queries = lane.queries.get(smp.outTradeNo) ?? 0;
        asked += smp.queries;
      }
      if (lane.missed.length === 0 && journaled.n !== asked)
        throw new Error(`${lane.schedule.key}: ${asked} queries asked of the clients, ${journaled.n} in the journal`);
      const lat = lane.samples.map((x) => x.wsAt - x.paidAt);
      const bus = lane.samples.map((x) => x.busAt - x.paidAt);
      const queries = lane.samples.map((x) => x.queries);
      const rate = lane.samples.map((x) => x.queries / ((x.wsAt - x.qrAt) / 1000));
      const p50 = median(lat);
      const p95 = quantile(lat, 0.95);
      p50s[lane.schedule.key] = p50;
      const byVia = (v: Sample['via']) => lane.samples.filter((x) => x.via === v).map((x) => x.wsAt - x.paidAt);
      const missed = lane.missed.length ? `; ${lane.missed.length} NOT SEEN within ${s(PAY_MAX_MS + 30_000)}` : '';
      const isAdaptive = lane.schedule.key === 'adaptive';
      rows.push({
        measure: `customer pays → "paid" on the WebSocket, ${lane.schedule.label}`,
        unit: 'ms',
        median: p50,
        p95,
        goal: isAdaptive ? 'p50 ≤ 1 s, p95 ≤ 2 s, ≤ 1 query/s' : '—',
        notes:
          `max ${fmt(Math.max(...lat))} ms; ${median(queries)} queries per payment (p95 ${quantile(queries, 0.95)}), ` +
          `${fmt(median(rate))} queries/s per open payment (p95 ${fmt(quantile(rate, 0.95))}); ` +
          `via control API p50 ${fmt(median(byVia('control')))} ms, via customer page p50 ${fmt(median(byVia('page')))} ms; ` +
          `event bus → WebSocket adds p50 ${fmt(median(lat.map((l, i) => l - (bus[i] as number))))} ms; ` +
          `${lane.samples.length} payments paid 2–20 s after the QR${missed}`,
      });
      rows.push({
        measure: `  queries per payment (QR shown → paid), ${lane.schedule.label}`,
        unit: '',
        median: median(queries),
        p95: quantile(queries, 0.95),
        goal: '—',
        notes: `mean ${fmt(queries.reduce((a, b) => a + b, 0) / queries.length)}`,
      });
      rows.push({
        measure: `  queries/s per open payment, ${lane.schedule.label}`,
        unit: 'q/s',
        median: median(rate),
        p95: quantile(rate, 0.95),
        goal: isAdaptive ? '≤ 1' : '—',
        notes: 'queries ÷ (QR shown → paid on screen)',
      });
    }
    const a = p50s['adaptive'] as number;
    rows.push({
      measure: '  ratio p50 latency fixed 3 s / adaptive',
      unit: '×',
      median: (p50s['fixed3'] as number) / a,
      p95: null,
      goal: '—',
      notes: `fixed 5 s / adaptive: ${fmt((p50s['fixed5'] as number) / a)}×`,
    });
    return rows;
  } finally {
    for (const lane of lanes) await closeLane(lane);
  }
}
