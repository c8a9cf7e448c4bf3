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
import { performance } from 'node:perf_hooks';
import type BetterSqlite3 from 'better-sqlite3';
import { createCore, type Core } from '../src/main/core/core';
import { orderNumber } from '../src/main/core/orders';
import { DEMO_CATALOGUE, importCatalogue } from '../src/main/core/seed';
import { openStore, type Store } from '../src/main/store/db';
import type { OrderView, PaidOrder } from '../src/shared/types';
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

async function coreRun(options: SalesOptions, seed: number, direct: boolean): Promise<CoreRunResult> {
  const tmp = tempDir('sales-core');
  const core: Core = await createCore({ dataDir: tmp.dir, mode: 'browser', timeZone: 'Asia/Shanghai' });
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
      for (const p of basket(random, products)) {
        const t = performance.now();
        if (direct) await h['cart.add']({ productId: p.id });
        else must(await core.dispatch('cart.add', { productId: p.id }));
        if (record) addMs.push(performance.now() - t);
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
      .prepare('select id, sku, barcode, name_zh as nameZh, name_en as nameEn, price_fen as priceFen from products order by category_id, sku')
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
        s.order.run(number, day, seq, status, 'clerk', 'T1', cartId, total, total, items.length, now, status === 'paid' ? now : null)
          .lastInsertRowid,
      );
      items.forEach((p, i) => s.line.run(orderId, i + 1, p.id, p.sku, p.barcode, p.nameZh, p.nameEn, p.priceFen, p.priceFen, p.priceFen));
      return { orderId, number, total };
    };
    const writePayment = (orderId: number, number: string, total: number, now: number, markPaid: boolean) => {
      const tendered = tenderFor(total);
      const attemptId = Number(
        s.attempt.run(orderId, `${number.replace('-', '')}C1`, total, tendered, tendered - total, now, now, now).lastInsertRowid,
      );
      if (markPaid && s.paid.run(now, orderId).changes !== 1) throw new Error('order not open');
      s.journal.run(orderId, attemptId, now, 'cash.tendered', 'created', 'paid', JSON.stringify({ tenderedFen: tendered, changeFen: tendered - total, amountFen: total }));
      s.journal.run(orderId, null, now, 'order.paid', 'open', 'paid', JSON.stringify({ method: 'cash' }));
    };

    const sale1 = (items: readonly Item[]) =>
      immediate(() => {
        const now = Date.now();
        const { orderId, number, total } = writeOrder(items, null, 'paid', now);
        s.journal.run(orderId, null, now, 'order.created', null, 'open', JSON.stringify({ totalFen: total, items: items.length }));
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
        s.journal.run(o.orderId, null, now, 'order.created', null, 'open', JSON.stringify({ totalFen: o.total, items: items.length }));
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
        s.journal.run(o.orderId, null, now, 'order.created', null, 'open', JSON.stringify({ totalFen: o.total, items: items.length }));
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
    rateRow('cash sales/s, bare SQLite (1 tx/sale)', bare1, '—', `WAL + synchronous=FULL, same schema, prepared statements`),
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
    row('  sale latency through the core', 'ms', latency(core), '—', `bare 1 tx: median ${fmt(median(latency(bare1)))} ms`),
    row('  per cart.add (1 tx)', 'ms', all(core, (x) => x.addMs), '—', 'dispatch → validate → tx → cart view'),
    row('  per checkout.confirm (1 tx)', 'ms', all(core, (x) => x.confirmMs), '—', 'writes the order, then re-reads it'),
    row('  per checkout.payCash (1 tx)', 'ms', all(core, (x) => x.payMs), '—', 'attempt + journal, then order + receipt'),
  ];
}
