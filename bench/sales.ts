/**
 * Complete cash sales per second through the core (3 × cart.add → checkout.confirm →
 * checkout.payCash, every call through `dispatch`, i.e. validated by the contract's zod schemas),
 * against bare better-sqlite3 inserts of the same rows into the same schema at the same sync level
 * (WAL, synchronous=FULL, foreign keys on), in the same run, interleaved run by run.
 *
 * Two bare baselines:
 *  - "1 tx/sale": the rows a paid sale leaves (day counter, order, 3 order lines, payment attempt,
 *    3 journal rows) in one transaction: the cheapest durable way to record the sale.
 *  - "5 tx/sale": the same rows plus the cart rows, committed in the same five transactions the core
 *    commits (one per cart.add, one for confirm, one for payCash), so the ratio to it isolates the
 *    core's own overhead from the cost of five fsyncs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, cpSync, existsSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { endianness, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type BetterSqlite3 from 'better-sqlite3';
import { createCore, type Core } from '../src/main/core/core';
import { orderNumber } from '../src/main/core/sales/orders';
import { DEMO_CATALOGUE, importCatalogue } from '../src/main/core/catalogue/seed';
import { openStore, type Store } from '../src/main/store/db';
import type { CartView, OrderView, PaidOrder } from '../src/shared/types';
import { startWebProcess } from './web-process';
import { fmt, median, must, p95, progress, rng, row, tempDir, type Row } from './stats';

export interface SalesOptions {
  runs: number;
  salesPerRun: number;
  warmup: number;
}

interface Item {
  id: number;
  sku: string;
  barcode: string | null;
  nameZh: string;
  nameEn: string;
  priceFen: number;
}

/** Three distinct products per sale, the same sequence for every variant. */
function basket(random: () => number, products: readonly Item[]): [Item, Item, Item] {
  const chosen = new Set<number>();
  while (chosen.size < 3) chosen.add(Math.floor(random() * products.length));
  const [a, b, c] = [...chosen].map((i) => products[i] as Item);
  return [a as Item, b as Item, c as Item];
}

/** Cash handed over: the total rounded up to the next ¥100 note. */
const tenderFor = (totalFen: number) => Math.ceil((totalFen + 1) / 10_000) * 10_000;

interface RunResult {
  salesPerSec: number;
  saleMs: number[];
}

interface CoreRunResult extends RunResult {
  addMs: number[];
  confirmMs: number[];
  payMs: number[];
}

/** `oneCall`: the cart confirmed and paid in one call (checkout.cashSale) instead of confirm then payCash. */
async function coreRun(options: SalesOptions, seed: number, direct: boolean, oneCall = false): Promise<CoreRunResult> {
  const tmp = tempDir('sales-core');
  const core: Core = await createCore({
    dataDir: tmp.dir,
    mode: 'browser',
    timeZone: 'Asia/Shanghai',
    newStoreRequiresDrawer: false, // sells cash without opening a drawer
  });
  try {
    const products: Item[] = core.catalog.products(null);
    const random = rng(seed);
    const addMs: number[] = [];
    const confirmMs: number[] = [];
    const payMs: number[] = [];
    const saleMs: number[] = [];
    const h = core.handlers;
    const sale = async (record: boolean) => {
      const t0 = performance.now();
      let cart: CartView | undefined;
      for (const p of basket(random, products)) {
        const t = performance.now();
        if (direct) cart = await h['cart.add']({ productId: p.id });
        else cart = must(await core.dispatch('cart.add', { productId: p.id })) as CartView;
        if (record) addMs.push(performance.now() - t);
      }
      if (oneCall) {
        const t = performance.now();
        const tenderedFen = tenderFor(cart!.totalFen);
        const paid = must(await core.dispatch('checkout.cashSale', { tenderedFen })) as PaidOrder;
        if (paid.order.status !== 'paid')
          throw new Error(`order ${paid.order.number} is ${paid.order.status} after cashSale`);
        if (record) {
          payMs.push(performance.now() - t);
          saleMs.push(performance.now() - t0);
        }
        return;
      }
      let t = performance.now();
      const order = direct
        ? await h['checkout.confirm']({})
        : (must(await core.dispatch('checkout.confirm', {})) as OrderView);
      if (record) confirmMs.push(performance.now() - t);
      t = performance.now();
      const tenderedFen = tenderFor(order.totalFen);
      const paid = direct
        ? await h['checkout.payCash']({ orderId: order.id, tenderedFen })
        : (must(await core.dispatch('checkout.payCash', { orderId: order.id, tenderedFen })) as PaidOrder);
      if (paid.order.status !== 'paid') throw new Error(`order ${order.number} is ${paid.order.status} after payCash`);
      if (record) {
        payMs.push(performance.now() - t);
        saleMs.push(performance.now() - t0);
      }
    };
    for (let i = 0; i < options.warmup; i++) await sale(false);
    const start = performance.now();
    for (let i = 0; i < options.salesPerRun; i++) await sale(true);
    const elapsed = performance.now() - start;
    return { salesPerSec: (options.salesPerRun / elapsed) * 1000, saleMs, addMs, confirmMs, payMs };
  } finally {
    core.close();
    tmp.cleanup();
  }
}

/** Prepared statements for the rows a sale writes. */
function statements(db: BetterSqlite3.Database) {
  return {
    counterGet: db.prepare<[string], { last_seq: number }>('select last_seq from day_counters where business_day = ?'),
    counterUpsert: db.prepare(
      'insert into day_counters (business_day, last_seq) values (?, ?) on conflict (business_day) do update set last_seq = excluded.last_seq',
    ),
    order: db.prepare(
      `insert into orders (number, business_day, seq, status, clerk, terminal, cart_id, subtotal_fen, line_discount_fen,
         order_discount_kind, order_discount_value, order_discount_fen, total_fen, item_count, created_at, paid_at, cancelled_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, 0, null, null, 0, ?, ?, ?, ?, null)`,
    ),
    line: db.prepare(
      `insert into order_lines (order_id, line_no, product_id, sku, barcode, name_zh, name_en, unit_price_fen, qty, gross_fen,
         discount_kind, discount_value, line_discount_fen, order_discount_share_fen, total_fen)
       values (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, null, null, 0, 0, ?)`,
    ),
    attempt: db.prepare(
      `insert into payment_attempts (order_id, method, mode, out_trade_no, amount_fen, state, unknown, tendered_fen, change_fen,
         created_at, updated_at, paid_at)
       values (?, 'cash', 'cash', ?, ?, 'paid', 0, ?, ?, ?, ?, ?)`,
    ),
    paid: db.prepare(`update orders set status = 'paid', paid_at = ? where id = ? and status = 'open'`),
    journal: db.prepare(
      'insert into payment_journal (order_id, attempt_id, at, kind, from_state, to_state, detail) values (?, ?, ?, ?, ?, ?, ?)',
    ),
    cart: db.prepare(
      `insert into carts (status, label, order_discount_kind, order_discount_value, last_product_id, created_at, updated_at, parked_at)
       values ('active', null, null, null, null, ?, ?, null)`,
    ),
    cartLine: db.prepare(
      `insert into cart_lines (cart_id, product_id, qty, discount_kind, discount_value, position) values (?, ?, 1, null, null, ?)`,
    ),
    cartTouch: db.prepare('update carts set updated_at = ?, last_product_id = ? where id = ?'),
    cartOrdered: db.prepare(`update carts set status = 'ordered', updated_at = ? where id = ?`),
  };
}

async function bareRun(options: SalesOptions, seed: number, shape: '1tx' | '2tx' | '5tx'): Promise<RunResult> {
  const tmp = tempDir(`sales-bare-${shape}`);
  let store: Store | undefined;
  try {
    // openStore gives the app's exact schema (migrations, indexes, triggers) and pragmas.
    store = (await openStore({ dataDir: tmp.dir })).store;
    importCatalogue(store, DEMO_CATALOGUE, Date.now());
    const db = store.sqlite;
    const pragma = `${String(db.pragma('journal_mode', { simple: true }))}/${String(db.pragma('synchronous', { simple: true }))}`;
    if (pragma !== 'wal/2') throw new Error(`bare baseline runs at ${pragma}, not wal/2 (FULL)`);
    const products = db
      .prepare(
        'select id, sku, barcode, name_zh as nameZh, name_en as nameEn, price_fen as priceFen from products order by category_id, sku',
      )
      .all() as Item[];
    const s = statements(db);
    const random = rng(seed);
    const day = '2026-11-26';
    const immediate = <T>(fn: () => T): T => db.transaction(fn).immediate();

    const nextSeq = () => {
      const seq = (s.counterGet.get(day)?.last_seq ?? 0) + 1;
      s.counterUpsert.run(day, seq);
      return seq;
    };
    const writeOrder = (items: readonly Item[], cartId: number | null, status: 'open' | 'paid', now: number) => {
      const seq = nextSeq();
      const number = orderNumber(day, seq);
      const total = items.reduce((a, p) => a + p.priceFen, 0);
      const orderId = Number(
        s.order.run(
          number,
          day,
          seq,
          status,
          'clerk',
          'T1',
          cartId,
          total,
          total,
          items.length,
          now,
          status === 'paid' ? now : null,
        ).lastInsertRowid,
      );
      items.forEach((p, i) =>
        s.line.run(orderId, i + 1, p.id, p.sku, p.barcode, p.nameZh, p.nameEn, p.priceFen, p.priceFen, p.priceFen),
      );
      return { orderId, number, total };
    };
    const writePayment = (orderId: number, number: string, total: number, now: number, markPaid: boolean) => {
      const tendered = tenderFor(total);
      const attemptId = Number(
        s.attempt.run(orderId, `${number.replace('-', '')}C1`, total, tendered, tendered - total, now, now, now)
          .lastInsertRowid,
      );
      if (markPaid && s.paid.run(now, orderId).changes !== 1) throw new Error('order not open');
      s.journal.run(
        orderId,
        attemptId,
        now,
        'cash.tendered',
        'created',
        'paid',
        JSON.stringify({ tenderedFen: tendered, changeFen: tendered - total, amountFen: total }),
      );
      s.journal.run(orderId, null, now, 'order.paid', 'open', 'paid', JSON.stringify({ method: 'cash' }));
    };

    const sale1 = (items: readonly Item[]) =>
      immediate(() => {
        const now = Date.now();
        const { orderId, number, total } = writeOrder(items, null, 'paid', now);
        s.journal.run(
          orderId,
          null,
          now,
          'order.created',
          null,
          'open',
          JSON.stringify({ totalFen: total, items: items.length }),
        );
        writePayment(orderId, number, total, now, false);
      });

    // The core commits cart edits at synchronous=NORMAL (redoable by the clerk) and orders and
    // payments at FULL; the same-shape baseline does exactly the same.
    const relaxed = <T>(fn: () => T): T => {
      db.pragma('synchronous = NORMAL');
      try {
        return immediate(fn);
      } finally {
        db.pragma('synchronous = FULL');
      }
    };
    const sale2 = (items: readonly Item[]) => {
      const { orderId, number, total } = immediate(() => {
        const now = Date.now();
        const o = writeOrder(items, null, 'open', now);
        s.journal.run(
          o.orderId,
          null,
          now,
          'order.created',
          null,
          'open',
          JSON.stringify({ totalFen: o.total, items: items.length }),
        );
        return o;
      });
      immediate(() => writePayment(orderId, number, total, Date.now(), true));
    };

    const sale5 = (items: readonly Item[]) => {
      let cartId = 0;
      items.forEach((p, i) =>
        relaxed(() => {
          const now = Date.now();
          if (i === 0) cartId = Number(s.cart.run(now, now).lastInsertRowid);
          s.cartLine.run(cartId, p.id, i + 1);
          s.cartTouch.run(now, p.id, cartId);
        }),
      );
      const { orderId, number, total } = immediate(() => {
        const now = Date.now();
        const o = writeOrder(items, cartId, 'open', now);
        s.cartOrdered.run(now, cartId);
        s.journal.run(
          o.orderId,
          null,
          now,
          'order.created',
          null,
          'open',
          JSON.stringify({ totalFen: o.total, items: items.length }),
        );
        return o;
      });
      immediate(() => writePayment(orderId, number, total, Date.now(), true));
    };

    const sale = shape === '1tx' ? sale1 : shape === '2tx' ? sale2 : sale5;
    const saleMs: number[] = [];
    for (let i = 0; i < options.warmup; i++) sale(basket(random, products));
    const start = performance.now();
    for (let i = 0; i < options.salesPerRun; i++) {
      const items = basket(random, products);
      const t = performance.now();
      sale(items);
      saleMs.push(performance.now() - t);
      // keep the same event-loop shape as the core loop, which awaits every call
      await Promise.resolve();
    }
    const elapsed = performance.now() - start;
    return { salesPerSec: (options.salesPerRun / elapsed) * 1000, saleMs };
  } finally {
    store?.close();
    tmp.cleanup();
  }
}

export async function benchSales(options: SalesOptions): Promise<Row[]> {
  const core: CoreRunResult[] = [];
  const oneCall: CoreRunResult[] = [];
  const direct: CoreRunResult[] = [];
  const bare1: RunResult[] = [];
  const bare2: RunResult[] = [];
  const bare5: RunResult[] = [];
  for (let r = 0; r < options.runs; r++) {
    const seed = 1000 + r;
    // interleaved, so drift (page cache, CPU frequency, other load) hits every variant alike
    core.push(await coreRun(options, seed, false));
    bare1.push(await bareRun(options, seed, '1tx'));
    bare2.push(await bareRun(options, seed, '2tx'));
    bare5.push(await bareRun(options, seed, '5tx'));
    direct.push(await coreRun(options, seed, true));
    oneCall.push(await coreRun(options, seed, false, true));
    progress(
      `sales run ${r + 1}/${options.runs}: core ${fmt(core[r]!.salesPerSec)}/s, bare 1tx ${fmt(bare1[r]!.salesPerSec)}/s, ` +
        `bare 5tx ${fmt(bare5[r]!.salesPerSec)}/s, core without zod ${fmt(direct[r]!.salesPerSec)}/s`,
    );
  }
  const rate = (rs: RunResult[]) => median(rs.map((x) => x.salesPerSec));
  const all = (rs: RunResult[], pickMs: (x: CoreRunResult) => number[]) => (rs as CoreRunResult[]).flatMap(pickMs);
  const coreRate = rate(core);
  const bare1Rate = rate(bare1);
  const bare2Rate = rate(bare2);
  const bare5Rate = rate(bare5);
  const directRate = rate(direct);
  const n = `${options.runs} runs × ${options.salesPerRun} sales`;
  const latency = (rs: RunResult[]) => rs.flatMap((x) => x.saleMs);
  const rateRow = (measure: string, rs: RunResult[], goal: string, notes: string): Row => ({
    measure,
    unit: 'sales/s',
    median: rate(rs),
    // the p95 of a throughput is its slow tail: the 5th percentile of per-sale rates
    p95: 1000 / p95(latency(rs)),
    goal,
    notes,
  });
  return [
    rateRow(
      'cash sales/s through the core (dispatch + zod)',
      core,
      '≥ 0.5 × bare',
      `ratio core/bare(2 tx) = ${fmt(coreRate / bare2Rate)}; core/bare(1 tx) = ${fmt(coreRate / bare1Rate)}; ${n}; ` +
        `3 cart commits at NORMAL + order and payment at FULL; p95 column = 1/p95 sale latency`,
    ),
    rateRow(
      'cash sales/s, bare SQLite (2 tx/sale: order, then payment)',
      bare2,
      '—',
      'the rows a paid sale leaves, in the two durable commits the design requires (the order is on disk before tender)',
    ),
    rateRow(
      'cash sales/s, bare SQLite (1 tx/sale)',
      bare1,
      '—',
      `WAL + synchronous=FULL, same schema, prepared statements`,
    ),
    rateRow(
      'cash sales/s, bare SQLite (5 tx/sale, same shape)',
      bare5,
      '—',
      `ratio core/bare(same shape) = ${fmt(coreRate / bare5Rate)}: the core's own overhead at equal commits and sync levels`,
    ),
    rateRow(
      'cash sales/s through core.handlers (no zod)',
      direct,
      '—',
      `zod validation costs ${fmt(((directRate - coreRate) / directRate) * 100)}% of the throughput`,
    ),
    rateRow(
      'cash sales/s through the core, one call (3 cart.add + checkout.cashSale)',
      oneCall,
      '—',
      `ratio one-call/bare(1 tx) = ${fmt(rate(oneCall) / bare1Rate)}; one-call/5-call = ${fmt(rate(oneCall) / coreRate)}; the order and its cash in one FULL commit`,
    ),
    row(
      '  sale latency through the core',
      'ms',
      latency(core),
      '—',
      `bare 1 tx: median ${fmt(median(latency(bare1)))} ms; one call: median ${fmt(median(latency(oneCall)))} ms`,
    ),
    row(
      '  per checkout.cashSale (1 tx)',
      'ms',
      all(oneCall, (x) => x.payMs),
      '—',
      'order, lines, cash attempt, journal in one transaction, then order + receipt',
    ),
    row(
      '  per cart.add (1 tx)',
      'ms',
      all(core, (x) => x.addMs),
      '—',
      'dispatch → validate → tx → cart view',
    ),
    row(
      '  per checkout.confirm (1 tx)',
      'ms',
      all(core, (x) => x.confirmMs),
      '—',
      'writes the order, then re-reads it',
    ),
    row(
      '  per checkout.payCash (1 tx)',
      'ms',
      all(core, (x) => x.payMs),
      '—',
      'attempt + journal, then order + receipt',
    ),
  ];
}

// ---- the same sale through the running till's HTTP API ---------------------------------------------

/**
 * A program's client of browser mode's API: node:http with one kept-alive connection, JSON in and
 * out, the bearer token (what an integration or a test harness would use; fetch/undici costs about
 * another millisecond per call on the client side, measured in its own row).
 */
class HttpApi {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  constructor(
    private readonly origin: URL,
    private readonly token: string,
  ) {}

  call<T>(method: string, input: unknown = {}): Promise<T> {
    const body = JSON.stringify({ method, input });
    return new Promise<T>((resolve, reject) => {
      const req = httpRequest(
        {
          host: this.origin.hostname,
          port: this.origin.port,
          path: '/api/invoke',
          method: 'POST',
          agent: this.agent,
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${this.token}`,
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            try {
              const r = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
                ok: boolean;
                value?: T;
                error?: { code: string; message: string };
              };
              if (r.ok) resolve(r.value as T);
              else reject(new Error(`${method}: ${r.error?.code}: ${r.error?.message}`));
            } catch (err) {
              reject(err as Error);
            }
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /** The same call through fetch (undici), as a page or most scripts would make it. */
  async fetch<T>(method: string, input: unknown = {}): Promise<T> {
    const res = await fetch(new URL('/api/invoke', this.origin), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
      body: JSON.stringify({ method, input }),
    });
    const r = (await res.json()) as { ok: boolean; value?: T; error?: { code: string; message: string } };
    if (!r.ok) throw new Error(`${method}: ${r.error?.code}: ${r.error?.message}`);
    return r.value as T;
  }

  close(): void {
    this.agent.destroy();
  }
}

/**
 * Write transactions committed so far, read from the WAL index (the `-shm` file SQLite maps): its
 * header's `iChange` counter goes up by one per committed write transaction, whoever commits it.
 */
function commitCounter(dataDir: string): { read: () => number; close: () => void } {
  const fd = openSync(join(dataDir, 'counter-pos.sqlite-shm'), 'r');
  const header = Buffer.alloc(12);
  const le = endianness() === 'LE';
  return {
    read: () => {
      readSync(fd, header, 0, 12, 0);
      return le ? header.readUInt32LE(8) : header.readUInt32BE(8);
    },
    close: () => closeSync(fd),
  };
}

/**
 * Counts fsync/fdatasync calls of a process (every thread) while attached, with strace. Null where
 * strace is missing or may not attach (not Linux, ptrace restricted): the table then says n/a.
 */
async function traceFsyncs(pid: number): Promise<{ stop: () => Promise<number> } | null> {
  if (process.platform !== 'linux') return null;
  const out = join(tmpdir(), `counter-pos-bench-fsyncs-${process.pid}-${pid}-${Date.now()}.txt`);
  let child: ChildProcess;
  try {
    child = spawn('strace', ['-f', '-p', String(pid), '-e', 'trace=fsync,fdatasync', '-o', out], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  } catch {
    return null;
  }
  const attached = await new Promise<boolean>((done) => {
    let err = '';
    const timer = setTimeout(() => done(false), 5_000);
    child.once('error', () => {
      clearTimeout(timer);
      done(false);
    });
    child.once('exit', () => {
      clearTimeout(timer);
      done(false);
    });
    child.stderr?.on('data', (c: Buffer) => {
      err += c.toString('utf8');
      // one line per thread; give it a moment to reach them all
      if (/attached/.test(err)) {
        clearTimeout(timer);
        setTimeout(() => done(true), 300);
      }
    });
  });
  if (!attached) {
    child.kill('SIGKILL');
    rmSync(out, { force: true });
    return null;
  }
  return {
    stop: async () => {
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      child.kill('SIGINT');
      await exited;
      const text = existsSync(out) ? readFileSync(out, 'utf8') : '';
      rmSync(out, { force: true });
      return text.split('\n').filter((l) => /\b(fsync|fdatasync)\(/.test(l) && !l.includes('resumed>')).length;
    },
  };
}

export interface HttpSalesOptions {
  /** measured sales per path, interleaved one by one */
  sales: number;
  warmup: number;
  /** sales per path while strace counts fsyncs (not timed) */
  traced: number;
  /**
   * A data directory holding a generated store (`npm run generate`); it is copied, never opened in
   * place, and the sale is measured there too. Also from BENCH_AGED_STORE.
   */
  agedStore?: string | null;
}

interface PathSamples {
  saleMs: number[];
  commits: number[];
  fsyncsPerSale: number | null;
}

const NOOP = 'dataSafety.status';

async function httpSalesOn(
  label: string,
  dataDir: string,
  options: HttpSalesOptions,
  startTimeoutMs: number,
): Promise<Row[]> {
  const web = await startWebProcess(dataDir, startTimeoutMs, performance.now(), { POS_SANDBOX: 'off' });
  const api = new HttpApi(new URL(web.origin), web.token);
  let counter: ReturnType<typeof commitCounter> | undefined;
  try {
    // the start-up work that runs just after "ready" (identity seal, report time zone, polling) settles first
    await new Promise((r) => setTimeout(r, 1_500));
    const products = (await api.call<Item[]>('catalog.products', { categoryId: null })).slice(0, 200);
    counter = commitCounter(dataDir);
    const commits = counter.read;
    const random = rng(7);
    const per: Record<string, number[]> = {
      add: [],
      confirm: [],
      payCash: [],
      cashSale: [],
      noop: [],
      noopFetch: [],
      cashSaleFetchSale: [],
    };
    const old: PathSamples = { saleMs: [], commits: [], fsyncsPerSale: null };
    const fast: PathSamples = { saleMs: [], commits: [], fsyncsPerSale: null };

    /** 3 × cart.add → checkout.confirm → checkout.payCash (exact cash): 5 calls */
    const oldSale = async (record: boolean) => {
      const c0 = commits();
      const t0 = performance.now();
      for (const p of basket(random, products)) {
        const t = performance.now();
        await api.call('cart.add', { productId: p.id });
        if (record) per.add!.push(performance.now() - t);
      }
      let t = performance.now();
      const order = await api.call<OrderView>('checkout.confirm', {});
      if (record) per.confirm!.push(performance.now() - t);
      t = performance.now();
      const paid = await api.call<PaidOrder>('checkout.payCash', { orderId: order.id, tenderedFen: order.totalFen });
      if (record) per.payCash!.push(performance.now() - t);
      if (paid.order.status !== 'paid') throw new Error(`order ${order.number} is ${paid.order.status}`);
      if (record) {
        old.saleMs.push(performance.now() - t0);
        old.commits.push(commits() - c0);
      }
    };
    /** 3 × cart.add → checkout.cashSale (exact cash, the total from the last cart answer): 4 calls */
    const fastSale = async (record: boolean, viaFetch = false) => {
      const c0 = commits();
      const t0 = performance.now();
      let cart: CartView | undefined;
      for (const p of basket(random, products)) {
        const t = performance.now();
        cart = viaFetch
          ? await api.fetch<CartView>('cart.add', { productId: p.id })
          : await api.call<CartView>('cart.add', { productId: p.id });
        if (record && !viaFetch) per.add!.push(performance.now() - t);
      }
      const t = performance.now();
      const input = { tenderedFen: cart!.totalFen };
      const paid = viaFetch
        ? await api.fetch<PaidOrder>('checkout.cashSale', input)
        : await api.call<PaidOrder>('checkout.cashSale', input);
      if (paid.order.status !== 'paid' || paid.order.totalFen !== cart!.totalFen)
        throw new Error(`cash sale ${paid.order.number}: ${paid.order.status}, ${paid.order.totalFen}`);
      if (viaFetch) {
        if (record) per.cashSaleFetchSale!.push(performance.now() - t0);
        return;
      }
      if (record) {
        per.cashSale!.push(performance.now() - t);
        fast.saleMs.push(performance.now() - t0);
        fast.commits.push(commits() - c0);
      }
    };
    const noop = async () => {
      const t = performance.now();
      await api.call(NOOP, {});
      per.noop!.push(performance.now() - t);
      const u = performance.now();
      await api.fetch(NOOP, {});
      per.noopFetch!.push(performance.now() - u);
    };

    for (let i = 0; i < options.warmup; i++) {
      await oldSale(false);
      await fastSale(false);
      await fastSale(false, true);
      await noop();
    }
    per.noop = [];
    per.noopFetch = [];
    // interleaved sale by sale (ABAB…), so load from elsewhere on the machine hits both paths alike
    for (let i = 0; i < options.sales; i++) {
      if (i % 2 === 0) {
        await oldSale(true);
        await fastSale(true);
      } else {
        await fastSale(true);
        await oldSale(true);
      }
      await noop();
      if (i % 4 === 0) await fastSale(true, true);
    }

    // fsyncs, in a pass of their own: strace slows every traced call, so nothing here is timed
    for (const [path, sale] of [
      [old, oldSale],
      [fast, fastSale],
    ] as const) {
      const trace = await traceFsyncs(web.pid);
      if (!trace) break;
      for (let i = 0; i < options.traced; i++) await sale(false);
      path.fsyncsPerSale = (await trace.stop()) / options.traced;
    }

    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const io = (p: PathSamples) =>
      `${fmt(mean(p.commits))} commits/sale, ${p.fsyncsPerSale === null ? 'fsyncs n/a (no strace)' : `${fmt(p.fsyncsPerSale)} fsyncs/sale`}`;
    const oldP50 = median(old.saleMs);
    const fastP50 = median(fast.saleMs);
    const n = `${options.sales} sales per path, interleaved`;
    return [
      row(
        `cash sale over HTTP, old path: 3 cart.add + confirm + payCash (${label})`,
        'ms',
        old.saleMs,
        '—',
        `5 calls; ${io(old)} (3 cart commits at NORMAL, order and payment at FULL); ${n}`,
      ),
      row(
        `cash sale over HTTP, one-call path: 3 cart.add + checkout.cashSale (${label})`,
        'ms',
        fast.saleMs,
        '≤ 6 ms p50',
        `4 calls; ${io(fast)} (order and payment in one FULL commit); new/old p50 = ${fmt(fastP50 / oldP50)}; ${n}`,
      ),
      row(`  cart.add over HTTP (${label})`, 'ms', per.add!, '—', 'both paths'),
      row(`  checkout.confirm over HTTP (${label})`, 'ms', per.confirm!, '—', 'old path'),
      row(`  checkout.payCash over HTTP (${label})`, 'ms', per.payCash!, '—', 'old path'),
      row(`  checkout.cashSale over HTTP (${label})`, 'ms', per.cashSale!, '—', 'one-call path'),
      row(
        `no-op call over HTTP: ${NOOP} (${label})`,
        'ms',
        per.noop!,
        '—',
        'node:http client, one kept-alive connection: transport + dispatch',
      ),
      row(
        `  the same no-op through fetch (${label})`,
        'ms',
        per.noopFetch!,
        '—',
        'undici on the client side adds this much per call',
      ),
      row(
        `  one-call cash sale through fetch (${label})`,
        'ms',
        per.cashSaleFetchSale!,
        '—',
        `4 calls with fetch; every 4th round`,
      ),
    ];
  } finally {
    counter?.close();
    api.close();
    await web.stop();
  }
}

/**
 * The 3-item exact-cash sale through browser mode's real HTTP transport (`out/main/web.js` in its
 * own process, as a user starts it), the old 5-call path against the one-call path, interleaved,
 * on an empty store and, when one is given, on a copy of a generated year-old store.
 */
export async function benchSalesHttp(options: HttpSalesOptions): Promise<Row[]> {
  const rows: Row[] = [];
  const empty = tempDir('sales-http');
  try {
    progress('sales over HTTP: empty store');
    rows.push(...(await httpSalesOn('empty store', empty.dir, options, 30_000)));
  } finally {
    empty.cleanup();
  }
  const aged = options.agedStore ?? process.env.BENCH_AGED_STORE ?? null;
  if (!aged) {
    rows.push({
      measure: 'cash sale over HTTP (aged store)',
      unit: '',
      median: null,
      p95: null,
      goal: '—',
      notes: 'not run: set BENCH_AGED_STORE to a generated data directory (npm run generate)',
    });
    return rows;
  }
  if (!existsSync(join(aged, 'counter-pos.sqlite')))
    throw new Error(`BENCH_AGED_STORE=${aged} holds no counter-pos.sqlite`);
  const copy = tempDir('sales-http-aged');
  try {
    progress(`sales over HTTP: copying the aged store…`);
    cpSync(aged, copy.dir, { recursive: true });
    // a store written by an older version is migrated (and backed up first) on open: allow for it
    rows.push(...(await httpSalesOn('aged store, 1M orders', copy.dir, options, 900_000)));
  } finally {
    copy.cleanup();
  }
  return rows;
}
