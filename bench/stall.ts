/**
 * Background work never holds the counter (issue 10, part 3). While each heavy job runs, a clerk
 * scans a barcode every ~10 ms through the real HTTP transport (`cart.scan` from another thread, as
 * the page would, so the probe's own timing does not stop with the till's), and
 * `perf_hooks.monitorEventLoopDelay` on the till's thread records its longest stall. Each job runs
 * twice in the same run on the same data: **before**, as the app did it, on the counter's own thread
 * (`createCore({ tasks: 'inline' })`: the same task functions, in place), and **after**, in the
 * worker (core/worker-tasks.ts). Goal: the longest stall ≤ 50 ms.
 *
 * Jobs: a 20,000-row catalogue CSV preview (new products, pinyin computed) and its apply (the write
 * and the search index rebuilt); a 7 MB CSV cell; a 100k-row statement import for Alipay (zip, GBK)
 * and WeChat (text), from the downloaded file (parse, check, match, store); on a 1M-order store: a
 * year's sales report CSV export, and a verified backup and an integrity check (worker only, as
 * before this change: they were moved off the thread earlier; the measure was a timed test before).
 *
 * The 1M-order store: `POS_AGED_STORE=DIR` (a generated data directory, copied, never opened in
 * place), else the reports bench's cached history (bench/reports.ts; generated once if missing).
 */
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { SYSTEM_ACTOR } from '../src/main/core/people/auth';
import { ManualClock } from '../src/main/core/clock';
import { createCore, type Core } from '../src/main/core/core';
import { decimal, writeCsv } from '../src/main/core/platform/csv';
import { DB_FILE } from '../src/main/store/db';
import { startWebServer, type WebServer } from '../src/main/web-server';
import { fenToYuanString } from '../src/shared/money';
import type { ImportPreview, ImportUpload } from '../src/shared/types';
import { barcodeOf, generateCatalogue } from './generate';
import { agedDataset } from './reports';
import { alipayBill, dayPayments, seedPayments, wechatBill, type DayPayments } from './statement-files';
import { fmt, median, must, p95, progress, quantile, row, tempDir, type Row } from './stats';

export interface StallOptions {
  quick: boolean;
}

const DAY = '2026-11-26';
const CLOCK = '2026-11-27T02:00:00Z';
const OWNER_PIN = '8888';
/** DRI-001 in the demo catalogue */
const SCAN_CODE = '6901939621608';

// ---- the clerk at the counter ---------------------------------------------------------------------

/**
 * The probe: another thread sends `cart.scan` every 10 ms over HTTP (up to six at once, as a page
 * would) and clears the cart now and then; each scan's start (epoch ms) and latency are kept.
 */
const PROBE = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { port, token, code } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: 6 });
const now = () => performance.timeOrigin + performance.now();
const samples = [];
const inflight = new Set();
let running = true;
let sent = 0;
function call(method, input) {
  return new Promise((resolve) => {
    const body = JSON.stringify({ method, input });
    const t0 = now();
    inflight.add(t0);
    const done = (r) => { inflight.delete(t0); resolve(r); };
    const req = http.request({ host: '127.0.0.1', port, path: '/api/invoke', method: 'POST', agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: 'Bearer ' + token } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => done({ t0, ms: now() - t0, ok: res.statusCode === 200 && text.startsWith('{"ok":true') }));
    });
    req.on('error', () => done({ t0, ms: now() - t0, ok: false }));
    req.end(body);
  });
}
async function loop() {
  let next = now();
  while (running) {
    next += 10;
    sent++;
    if (sent % 200 === 0) void call('cart.clear', {});
    else void call('cart.scan', { code }).then((s) => samples.push([s.t0, s.ms, s.ok ? 1 : 0]));
    const wait = next - now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    else next = now();
  }
}
void loop();
// answers once every scan sent up to \`until\` has its answer
async function take(until) {
  while ([...inflight].some((t0) => t0 <= until)) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setImmediate(r));
  parentPort.postMessage(samples.splice(0));
}
parentPort.on('message', (m) => {
  if (m.type === 'take') void take(m.until);
  if (m.type === 'stop') { running = false; void take(now()).then(() => { agent.destroy(); process.exit(0); }); }
});
`;

interface Probe {
  /** the scans started in [from, to] (epoch ms): latency in ms, and whether each was answered ok */
  window(from: number, to: number): Promise<{ ms: number[]; failed: number }>;
  stop(): Promise<void>;
}

function startProbe(web: WebServer): Probe {
  const worker = new Worker(PROBE, { eval: true, workerData: { port: web.port, token: web.token, code: SCAN_CODE } });
  const kept: [number, number, number][] = [];
  const take = (message: { type: 'take'; until: number } | { type: 'stop' }) =>
    new Promise<void>((done) => {
      worker.once('message', (batch: [number, number, number][]) => {
        kept.push(...batch);
        done();
      });
      worker.postMessage(message);
    });
  return {
    async window(from, to) {
      await take({ type: 'take', until: to });
      const inside = kept.filter(([t0]) => t0 >= from && t0 <= to);
      return { ms: inside.map(([, ms]) => ms), failed: inside.filter(([, , ok]) => ok === 0).length };
    },
    async stop() {
      await take({ type: 'stop' });
      await new Promise<void>((done) => worker.once('exit', () => done()));
    },
  };
}

interface Measured {
  /** the job's own time */
  ms: number;
  /** how long a worker held the store's write gate meanwhile (calls that write waited that long) */
  gateMs: number;
  /** the longest event-loop delay on the till's thread while it ran */
  stall: number;
  p99: number;
  /** how long the till's thread itself was busy meanwhile (event-loop utilisation × time) */
  busyMs: number;
  /**
   * the longest the till's thread was busy between two turns of a 1 ms timer: its own longest block
   * (a stall the machine causes, a thread descheduled while it waits, is not in it)
   */
  ownMs: number;
  /**
   * Linux: within those turns, the most CPU time the thread used, and the longest it waited for a
   * CPU while runnable (/proc/thread-self/schedstat): what of a stall is the till's work and what
   * the machine's other load
   */
  cpuMs: number | null;
  queuedMs: number | null;
  scans: number[];
  failed: number;
}

const epoch = () => performance.timeOrigin + performance.now();

/** This thread's time on a CPU and waiting for one, in ns (Linux), or null. */
function schedstat(): { run: number; wait: number } | null {
  try {
    const [run, wait] = readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ').map(Number);
    return run === undefined || wait === undefined ? null : { run, wait };
  } catch {
    return null;
  }
}

/** Records how long background writers hold the store's write gate (the time a scan can wait for a commit). */
function watchGate(core: Core): { take(): number } {
  const gate = core.store.writeGate;
  const acquire = gate.acquire.bind(gate);
  let held = 0;
  gate.acquire = async () => {
    const release = await acquire();
    const t0 = performance.now();
    return () => {
      held += performance.now() - t0;
      release();
    };
  };
  return {
    take() {
      const ms = held;
      held = 0;
      return ms;
    },
  };
}

async function measure(probe: Probe, gate: { take(): number } | null, job: () => Promise<unknown>): Promise<Measured> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  await new Promise((r) => setTimeout(r, 300)); // the scans of the moment before, settled
  h.enable();
  // the histogram measures from its own previous tick: let it tick before the job can hold the loop
  await new Promise((r) => setTimeout(r, 10));
  const from = epoch();
  const elu = performance.eventLoopUtilization();
  let tick = elu;
  let ownMs = 0;
  let sched = schedstat();
  let cpuMs: number | null = sched ? 0 : null;
  let queuedMs: number | null = sched ? 0 : null;
  const turns = setInterval(() => {
    const now = performance.eventLoopUtilization();
    ownMs = Math.max(ownMs, performance.eventLoopUtilization(now, tick).active);
    tick = now;
    const s = schedstat();
    if (s && sched) {
      cpuMs = Math.max(cpuMs ?? 0, (s.run - sched.run) / 1e6);
      queuedMs = Math.max(queuedMs ?? 0, (s.wait - sched.wait) / 1e6);
      sched = s;
    }
  }, 1);
  gate?.take();
  const t0 = performance.now();
  await job();
  const ms = performance.now() - t0;
  const to = epoch();
  // a job that held the thread to its end has a timer waiting to fire late: let it, so it is counted
  await new Promise((r) => setTimeout(r, 20));
  clearInterval(turns);
  h.disable();
  const busy = performance.eventLoopUtilization(elu);
  const { ms: scans, failed } = await probe.window(from, to);
  return {
    ms,
    gateMs: gate?.take() ?? 0,
    stall: h.max / 1e6,
    p99: h.percentile(99) / 1e6,
    busyMs: busy.active,
    ownMs,
    cpuMs,
    queuedMs,
    scans,
    failed,
  };
}

// ---- the till -------------------------------------------------------------------------------------

interface Till {
  core: Core;
  web: WebServer;
  probe: Probe;
  gate: { take(): number };
  call<T>(method: string, input: unknown): Promise<T>;
  close(): Promise<void>;
}

async function openTill(
  dir: string,
  tasks: 'inline' | 'worker',
  options: { clock?: ManualClock; seed?: boolean } = {},
): Promise<Till> {
  const core = await createCore({
    dataDir: dir,
    mode: 'browser',
    poll: false,
    tasks,
    timeZone: 'Asia/Shanghai',
    ...(options.clock ? { clock: options.clock } : {}),
    seed: options.seed ?? true,
  });
  const web = await startWebServer(core, {
    port: 0,
    rendererDir: resolve(__dirname, '../out/renderer'),
    log: () => undefined,
  });
  const owner = core.auth.users().find((u) => u.role === 'owner');
  if (!owner) throw new Error('no owner');
  must(await core.dispatch('auth.login', { userId: owner.id, pin: OWNER_PIN }));
  const probe = startProbe(web);
  await new Promise((r) => setTimeout(r, 500)); // the probe's first calls (worker start, connections)
  return {
    core,
    web,
    probe,
    gate: watchGate(core),
    call: async <T>(method: string, input: unknown) => must(await core.dispatch(method, input)) as T,
    async close() {
      await probe.stop();
      await web.close();
      core.close();
    },
  };
}

async function upload(t: Till, bytes: Buffer): Promise<string> {
  let uploadId: string | undefined;
  for (let i = 0; i === 0 || i < bytes.length; i += 36 * 1024) {
    const chunk = bytes.subarray(i, i + 36 * 1024).toString('base64');
    uploadId = (await t.call<ImportUpload>('catalog.importUpload', uploadId ? { uploadId, chunk } : { chunk }))
      .uploadId;
  }
  return uploadId as string;
}

/** `n` new products as the catalogue CSV (UTF-8 with a BOM, as the export writes it). */
function catalogueCsv(n: number): Buffer {
  const cat = generateCatalogue(n, 4242);
  const rows = cat.products.map((p, i) => [
    `N${p.sku}`,
    p.barcode ? barcodeOf(700_000 + i) : '',
    p.nameZh,
    p.nameEn,
    p.category,
    decimal(fenToYuanString(p.priceFen)),
    p.unit,
    1,
    5,
  ]);
  return Buffer.from(
    writeCsv([['sku', 'barcode', 'name_zh', 'name_en', 'category', 'price', 'unit', 'active', 'stock'], ...rows], {
      bom: true,
    }),
  );
}

/** A file with one 7 MB cell (a name), as someone pasted by mistake: refused row by row, read whole. */
function bigCellCsv(): Buffer {
  return Buffer.from(
    `sku,barcode,name_zh,name_en,category,price,unit,active,stock\r\nBIG-1,,"${'x'.repeat(7 * 1024 * 1024)}",Long,drinks,1.00,瓶,1,0\r\n`,
  );
}

// ---- results ----------------------------------------------------------------------------------------

interface Pair {
  job: string;
  before: Measured[];
  after: Measured[];
}

/** Of the thread's turns: the most CPU one used, the longest it waited for a CPU. */
function cpu(m: Measured[]): string {
  const used = m.map((x) => x.cpuMs).filter((x): x is number => x !== null);
  const queued = m.map((x) => x.queuedMs).filter((x): x is number => x !== null);
  return used.length === 0
    ? ''
    : `, on a CPU at most ${fmt(median(used))} ms a turn, waiting for one up to ${fmt(median(queued))}`;
}

function describe(m: Measured[]): string {
  const scans = m.flatMap((x) => x.scans);
  const failed = m.reduce((a, x) => a + x.failed, 0);
  const stall = m.map((x) => x.stall);
  const gate = median(m.map((x) => x.gateMs));
  return (
    `longest stall ${fmt(median(stall))} ms (max ${fmt(Math.max(...stall))}; its own longest block ${fmt(median(m.map((x) => x.ownMs)))}${cpu(m)}), job ${fmt(median(m.map((x) => x.ms)))} ms, the till's thread busy ${fmt(median(m.map((x) => x.busyMs)))} ms of it` +
    `${gate > 0 ? `, the write gate held ${fmt(gate)} ms` : ''}; ` +
    `scan→cart p50 ${fmt(quantile(scans, 0.5))} / p95 ${fmt(p95(scans))} / max ${fmt(Math.max(...scans))} ms (${scans.length} scans${failed ? `, ${failed} failed` : ''})`
  );
}

function rows(pairs: readonly Pair[], idle: Measured[]): Row[] {
  const out: Row[] = [];
  const idleScans = idle.flatMap((x) => x.scans);
  out.push(
    row(
      "stall: nothing running (the machine's own noise)",
      'ms',
      idle.map((x) => x.stall),
      '—',
      `longest event-loop delay over 2 s while the probe scans (its own longest block ${fmt(median(idle.map((x) => x.ownMs)))} ms${cpu(idle)}, busy ${fmt(median(idle.map((x) => x.busyMs)))} ms with the probe's scans); ` +
        `scan→cart p50 ${fmt(quantile(idleScans, 0.5))} / p95 ${fmt(p95(idleScans))} / max ${fmt(Math.max(...idleScans))} ms`,
    ),
  );
  for (const p of pairs) {
    const before =
      p.before.length > 0
        ? `before (the same job on the counter's thread, this run): ${describe(p.before)}`
        : 'before: not measured';
    const ratio =
      p.before.length > 0
        ? ` (×${fmt(median(p.before.map((x) => x.stall)) / Math.max(1, median(p.after.map((x) => x.stall))))} shorter)`
        : '';
    out.push(
      row(
        `stall: ${p.job}`,
        'ms',
        p.after.map((x) => x.stall),
        '≤ 50 ms',
        `after (worker): ${describe(p.after)}${ratio}; ${before}`,
      ),
    );
  }
  return out;
}

// ---- the run ----------------------------------------------------------------------------------------

async function counterJobs(
  template: string,
  mode: 'inline' | 'worker',
  runs: number,
  files: { alipay: Awaited<ReturnType<typeof alipayBill>>; wechat: ReturnType<typeof wechatBill> },
  out: Map<string, Pair>,
  idle: Measured[],
): Promise<void> {
  const t = tempDir(`stall-${mode}`);
  try {
    cpSync(template, t.dir, { recursive: true });
    const till = await openTill(t.dir, mode, { clock: new ManualClock(CLOCK) });
    const put = (job: string, m: Measured) => {
      const p = out.get(job) ?? { job, before: [], after: [] };
      (mode === 'inline' ? p.before : p.after).push(m);
      out.set(job, p);
      progress(
        `stall: ${mode} ${job}: ${fmt(m.ms)} ms, longest stall ${fmt(m.stall)} ms (own block ${fmt(m.ownMs)}${cpu([m])}), busy ${fmt(m.busyMs)} ms, gate ${fmt(m.gateMs)} ms, scans p95 ${fmt(p95(m.scans))} ms`,
      );
    };
    try {
      if (mode === 'worker')
        for (let i = 0; i < runs; i++)
          idle.push(await measure(till.probe, till.gate, () => new Promise((r) => setTimeout(r, 2_000))));
      const csv = catalogueCsv(20_000);
      const id = await upload(till, csv);
      let preview: ImportPreview | null = null;
      for (let i = 0; i < runs; i++) {
        put(
          'catalogue CSV preview, 20,000 new products (2.2 MB, pinyin)',
          await measure(till.probe, till.gate, async () => {
            preview = await till.call<ImportPreview>('catalog.importPreview', {
              uploadId: id,
              retireMissing: false,
              setStock: false,
            });
          }),
        );
      }
      const token = (preview as ImportPreview | null)?.token;
      if (!token) throw new Error('the 20,000-row preview has no token');
      put(
        'catalogue CSV apply, 20,000 new products (write + search index)',
        await measure(till.probe, till.gate, () => till.call('catalog.importApply', { token })),
      );
      const big = await upload(till, bigCellCsv());
      for (let i = 0; i < runs; i++) {
        put(
          'catalogue CSV preview, one 7 MB cell',
          await measure(till.probe, till.gate, () =>
            till.call('catalog.importPreview', { uploadId: big, retireMissing: false, setStock: false }),
          ),
        );
      }
      for (const [provider, file] of [
        ['alipay', files.alipay],
        ['wechat', files.wechat],
      ] as const) {
        const label = `${provider === 'alipay' ? 'Alipay' : 'WeChat'} statement import, 100k rows from the file (${(file.file.length / 1024 ** 2).toFixed(1)} MB: parse, check, match, store)`;
        // a copy of the file, made before: the download's own buffer is handed to the worker
        const copy = new Uint8Array(file.file);
        put(
          label,
          await measure(till.probe, till.gate, async () => {
            const outcome = await till.core.reconciliation.importInBackground(
              { file: copy, format: file.format },
              { provider, day: DAY, actor: SYSTEM_ACTOR, trigger: 'manual', startedAt: Date.parse(CLOCK) },
            );
            if (outcome.outcome !== 'imported') throw new Error(`${provider}: ${JSON.stringify(outcome)}`);
          }),
        );
      }
    } finally {
      await till.close();
    }
  } finally {
    t.cleanup();
  }
}

async function agedJobs(source: string, runs: number, out: Map<string, Pair>): Promise<void> {
  const t = tempDir('stall-aged');
  try {
    progress(`stall: copying the 1M-order store ${source}…`);
    cpSync(source, t.dir, { recursive: true });
    rmSync(join(t.dir, 'backups'), { recursive: true, force: true });
    rmSync(join(t.dir, 'generated.json'), { force: true });
    const db = new BetterSqlite3(join(t.dir, DB_FILE), { readonly: true });
    const { first, last } = db
      .prepare('select min(business_day) as first, max(business_day) as last from orders')
      .get() as { first: string; last: string };
    db.close();
    for (const mode of ['inline', 'worker'] as const) {
      const till = await openTill(t.dir, mode, { seed: false });
      try {
        const put = (job: string, m: Measured) => {
          const p = out.get(job) ?? { job, before: [], after: [] };
          (mode === 'inline' ? p.before : p.after).push(m);
          out.set(job, p);
          progress(
            `stall: ${mode} ${job}: ${fmt(m.ms)} ms, longest stall ${fmt(m.stall)} ms (own block ${fmt(m.ownMs)}${cpu([m])}), busy ${fmt(m.busyMs)} ms, gate ${fmt(m.gateMs)} ms, scans p95 ${fmt(p95(m.scans))} ms`,
          );
        };
        await till.call('reports.exportCsv', { from: first, to: last }); // warm: pages cached, the worker started
        for (let i = 0; i < runs; i++) {
          put(
            `sales report CSV export, a year (${first}…${last}) of a 1M-order store`,
            await measure(till.probe, till.gate, () => till.call('reports.exportCsv', { from: first, to: last })),
          );
        }
        if (mode === 'worker') {
          put(
            'verified backup + integrity check of the 1M-order store (worker before and after this change)',
            await measure(till.probe, till.gate, async () => {
              const backup = await till.core.dataSafety.backup('manual');
              const check = await till.core.dataSafety.check('manual');
              if (!backup.ok || !check.ok)
                throw new Error(`backup ${backup.ok} (${backup.message ?? ''}), check ${check.ok}`);
            }),
          );
        }
      } finally {
        await till.close();
      }
    }
  } finally {
    t.cleanup();
  }
}

export async function benchStall(options: StallOptions): Promise<Row[]> {
  const runs = options.quick ? 1 : 3;
  const size = options.quick ? 20_000 : 100_000;
  const out = new Map<string, Pair>();
  const idle: Measured[] = [];

  // a till with the day's intermediary payments, copied for each mode
  const template = tempDir('stall-template');
  try {
    progress(
      `stall: a till with ${size.toLocaleString('en')} Alipay and ${size.toLocaleString('en')} WeChat payments on ${DAY}…`,
    );
    const core = await createCore({
      dataDir: template.dir,
      mode: 'browser',
      poll: false,
      clock: new ManualClock(CLOCK),
      timeZone: 'Asia/Shanghai',
    });
    core.close();
    const alipay = dayPayments('alipay', DAY, size, 1);
    const wechat = dayPayments('wechat', DAY, size, 2);
    const db = new BetterSqlite3(join(template.dir, DB_FILE));
    seedPayments(db, alipay, 1_000_000);
    seedPayments(db, wechat, 2_000_000);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const files = { alipay: await alipayBill(alipay), wechat: wechatBill(wechat) };
    for (const mode of ['inline', 'worker'] as const) await counterJobs(template.dir, mode, runs, files, out, idle);
  } finally {
    template.cleanup();
  }

  const aged = process.env['POS_AGED_STORE'] ?? (await agedDataset(options.quick));
  if (existsSync(join(aged, DB_FILE))) await agedJobs(aged, runs, out);
  else progress(`stall: no 1M-order store at ${aged}: the report export and the backup are not measured`);

  return rows([...out.values()], idle);
}

export type { DayPayments };
