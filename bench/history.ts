/**
 * A realistic store history written straight into a fresh data directory's database (migrated by
 * the app's own `openStore`), for the sales-review bench and for trying the app on a big store:
 *
 * - the demo catalogue plus ~1,000 generated products in the same 8 categories, sold with a
 *   long-tailed popularity (a few best sellers, many slow movers);
 * - `days` business days ending yesterday (store time, Asia/Shanghai), busier at weekends and towards
 *   the end (a growing shop), open 07:00–23:00 with morning, lunch and evening peaks;
 * - four users (three clerks on morning and evening shifts, the owner covering), two tills;
 * - 1–8 lines an order (about 3), mostly one of each, some line and order discounts priced by the
 *   app's own `priceCart`;
 * - cash most often, Alipay and WeChat by QR or payment code, some YeePay cashier pages;
 * - about 2 % of sales refunded (in full, by line or by amount) with their `refunds` rows, the
 *   attempt and order states a real refund leaves; a few orders cancelled, a few left open;
 * - day counters, so the next sale today continues the numbering; the report summary tables filled
 *   by the same SQL the migration uses, once at the end (`Reports.rebuild`).
 *
 * Orders, lines and payments go in with prepared statements, one transaction per chunk of 20,000
 * orders (synchronous=OFF while generating: a half-written history is thrown away, not repaired).
 * There is no payment journal: history only, the timelines of these orders are empty.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { hashPin } from '../src/main/core/people/auth';
import { businessDay, ManualClock } from '../src/main/core/clock';
import { orderNumber } from '../src/main/core/sales/orders';
import { priceCart, type PricingLine } from '../src/main/core/sales/pricing';
import { Reports } from '../src/main/core/reports/reports';
import { DEMO_CATALOGUE, importCatalogue, loadPinyin } from '../src/main/core/catalogue/seed';
import { DB_FILE, openStore } from '../src/main/store/db';
import type { Discount } from '../src/shared/types';
import { generateCatalogue } from './generate';

export interface HistoryOptions {
  dataDir: string;
  orders: number;
  days: number;
  seed: number;
  /** the last business day (default: yesterday in the store's time zone, so today starts empty) */
  endDay?: string;
  /** generated products beside the demo catalogue */
  products?: number;
  progress?: (line: string) => void;
}

export interface HistoryResult {
  orders: number;
  lines: number;
  payments: number;
  refunds: number;
  cancelled: number;
  open: number;
  firstDay: string;
  lastDay: string;
  /** wall time, ms: the rows, then the summary tables */
  writeMs: number;
  rollupMs: number;
  totalMs: number;
  bytes: number;
}

export const HISTORY_TIME_ZONE = 'Asia/Shanghai';
const TZ_OFFSET_MS = 8 * 3_600_000; // Shanghai has no daylight saving time
const CHUNK = 20_000;

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A sampler for weighted choices (cumulative weights, binary search). */
function weighted<T>(items: readonly T[], weights: readonly number[], random: () => number): () => T {
  const cum: number[] = [];
  let sum = 0;
  for (const w of weights) cum.push((sum += w));
  return () => {
    const x = random() * sum;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cum[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    return items[lo] as T;
  };
}

/** Shares of the day's orders per hour, 07:00–22:59. */
const HOUR_WEIGHTS = [0, 0, 0, 0, 0, 0, 0, 5, 9, 6, 4, 5, 9, 8, 4, 3, 4, 6, 10, 9, 7, 5, 3, 1];
/** Monday … Sunday */
const WEEKDAY_WEIGHTS = [0.92, 0.9, 0.93, 0.97, 1.1, 1.22, 1.15];

const METHODS: readonly {
  method: 'cash' | 'alipay' | 'wechat' | 'yeepay';
  mode: 'cash' | 'qr' | 'payment_code' | 'redirect';
  letter: string;
  weight: number;
}[] = [
  { method: 'cash', mode: 'cash', letter: 'C', weight: 44 },
  { method: 'alipay', mode: 'qr', letter: 'A', weight: 17 },
  { method: 'alipay', mode: 'payment_code', letter: 'A', weight: 10 },
  { method: 'wechat', mode: 'qr', letter: 'W', weight: 14 },
  { method: 'wechat', mode: 'payment_code', letter: 'W', weight: 10 },
  { method: 'yeepay', mode: 'redirect', letter: 'Y', weight: 5 },
];

const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`);
const addDays = (day: string, n: number) => new Date(dayMs(day) + n * 86_400_000).toISOString().slice(0, 10);

export async function generateHistory(options: HistoryOptions): Promise<HistoryResult> {
  const started = performance.now();
  const say = options.progress ?? (() => undefined);
  const random = rng(options.seed);
  if (existsSync(join(options.dataDir, DB_FILE))) {
    throw new Error(`${join(options.dataDir, DB_FILE)} exists: the generator writes only into a fresh data directory.`);
  }
  const { store } = await openStore({ dataDir: options.dataDir });
  try {
    const db = store.sqlite;
    const endDay = options.endDay ?? addDays(businessDay(Date.now(), HISTORY_TIME_ZONE), -1);
    const firstDay = addDays(endDay, -(options.days - 1));

    // the store: settings, users, catalogue
    const setting = db.prepare(
      `insert into settings (key, value) values (?, ?) on conflict (key) do update set value = excluded.value`,
    );
    setting.run('store.timeZone', JSON.stringify(HISTORY_TIME_ZONE));
    setting.run('catalogue.seeded', 'true');
    const users = [
      { name: '收银员 01', role: 'clerk', pin: '1234' },
      { name: '收银员 02', role: 'clerk', pin: '2345' },
      { name: '收银员 03', role: 'clerk', pin: '3456' },
      { name: '店长', role: 'owner', pin: '8888' },
    ] as const;
    const now0 = dayMs(firstDay) - 86_400_000;
    for (const u of users) {
      const { hash, salt } = await hashPin(u.pin);
      db.prepare(
        `insert into users (name, role, pin_hash, pin_salt, created_at, updated_at) values (?, ?, ?, ?, ?, ?)`,
      ).run(u.name, u.role, hash, salt, now0, now0);
    }
    const pinyin = await loadPinyin();
    importCatalogue(store, DEMO_CATALOGUE, now0, pinyin);
    importCatalogue(store, generateCatalogue(options.products ?? 1_000, options.seed), now0, pinyin);
    new Reports(store, new ManualClock(now0), () => HISTORY_TIME_ZONE).syncTimeZone();
    const products = db
      .prepare(`select id, sku, barcode, name_zh, name_en, price_fen from products order by id`)
      .all() as {
      id: number;
      sku: string;
      barcode: string | null;
      name_zh: string;
      name_en: string;
      price_fen: number;
    }[];
    // popularity: a long tail in a shuffled order, the demo products (what the shop is known for) first
    const ranks = products.map((_, i) => i);
    for (let i = ranks.length - 1; i > DEMO_CATALOGUE.products.length; i--) {
      const j = DEMO_CATALOGUE.products.length + Math.floor(random() * (i - DEMO_CATALOGUE.products.length + 1));
      [ranks[i], ranks[j]] = [ranks[j] as number, ranks[i] as number];
    }
    const rankOf = new Map(ranks.map((p, rank) => [p, rank]));
    const productWeights = products.map((_, i) => 1 / Math.pow(1 + (rankOf.get(i) ?? i), 0.85));
    const pickProduct = weighted(products, productWeights, random);
    const pickMethod = weighted(
      METHODS,
      METHODS.map((m) => m.weight),
      random,
    );
    const pickHour = weighted(
      HOUR_WEIGHTS.map((_, h) => h),
      HOUR_WEIGHTS,
      random,
    );
    const pickLines = weighted([1, 2, 3, 4, 5, 6, 7, 8], [20, 21, 19, 14, 10, 7, 5, 4], random);

    // orders per day: weekday shape, a slow growth over the period, day-to-day noise
    const dayWeights: number[] = [];
    for (let d = 0; d < options.days; d++) {
      const weekday = (new Date(dayMs(addDays(firstDay, d))).getUTCDay() + 6) % 7;
      dayWeights.push(
        (WEEKDAY_WEIGHTS[weekday] as number) *
          (0.85 + (0.3 * d) / Math.max(1, options.days - 1)) *
          (0.9 + 0.2 * random()),
      );
    }
    const weightSum = dayWeights.reduce((a, b) => a + b, 0);
    const perDay = dayWeights.map((w) => Math.floor((w / weightSum) * options.orders));
    for (
      let i = 0, short = options.orders - perDay.reduce((a, b) => a + b, 0);
      short > 0;
      i = (i + 1) % perDay.length, short--
    )
      perDay[i]! += 1;

    const insOrder = db.prepare(
      `insert into orders (number, business_day, seq, status, clerk, terminal, subtotal_fen, line_discount_fen, order_discount_kind, order_discount_value,
         order_discount_fen, total_fen, item_count, created_at, paid_at, cancelled_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insLine = db.prepare(
      `insert into order_lines (order_id, line_no, product_id, sku, barcode, name_zh, name_en, unit_price_fen, qty, gross_fen, discount_kind, discount_value,
         line_discount_fen, order_discount_share_fen, total_fen) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insAttempt = db.prepare(
      `insert into payment_attempts (order_id, method, mode, out_trade_no, amount_fen, state, unknown, tendered_fen, change_fen, created_at, updated_at, paid_at, trade_no)
       values (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?)`,
    );
    const insRefund = db.prepare(
      `insert into refunds (order_id, attempt_id, refund_no, method, amount_fen, trade_fen, state, reason, lines, restock, requested_by, created_at, updated_at, finished_at, last_outcome)
       values (?, ?, ?, ?, ?, ?, 'succeeded', ?, ?, ?, '店长', ?, ?, ?, ?)`,
    );
    const insCounter = db.prepare(`insert into day_counters (business_day, last_seq) values (?, ?)`);
    const setStatus = db.prepare(`update orders set status = ? where id = ?`);

    const result: HistoryResult = {
      orders: 0,
      lines: 0,
      payments: 0,
      refunds: 0,
      cancelled: 0,
      open: 0,
      firstDay,
      lastDay: endDay,
      writeMs: 0,
      rollupMs: 0,
      totalMs: 0,
      bytes: 0,
    };
    const nowMs = Date.now();
    const lastInstant = dayMs(addDays(endDay, 1)) - TZ_OFFSET_MS - 2 * 3_600_000; // 22:00 on the last day
    /** `t`, or the next time the shop is open (07:00–22:00 store time) */
    const opening = (t: number) => {
      const local = t + TZ_OFFSET_MS;
      const hour = Math.floor((local % 86_400_000) / 3_600_000);
      if (hour >= 7 && hour < 22) return t;
      const day = Math.floor(local / 86_400_000) * 86_400_000 + (hour >= 22 ? 86_400_000 : 0);
      return day - TZ_OFFSET_MS + 8 * 3_600_000 + Math.floor(random() * 10 * 3_600_000);
    };
    db.pragma('synchronous = OFF');
    let pending = 0;
    const reasons = ['顾客退货 customer returned it', '商品破损 damaged', '多收 charged twice', '过期 past its date'];

    const writeDay = (d: number) => {
      const day = addDays(firstDay, d);
      const n = perDay[d] as number;
      // the day's instants, in order, so numbers follow the clock
      const times: number[] = [];
      for (let i = 0; i < n; i++)
        times.push(dayMs(day) - TZ_OFFSET_MS + pickHour() * 3_600_000 + Math.floor(random() * 3_600_000));
      times.sort((a, b) => a - b);
      let seq = 0;
      for (const created of times) {
        seq++;
        const localHour = Math.floor(((created + TZ_OFFSET_MS) % 86_400_000) / 3_600_000);
        const evening = localHour >= 15;
        const clerk = evening ? (random() < 0.85 ? '收银员 03' : '店长') : random() < 0.55 ? '收银员 01' : '收银员 02';
        const busy = [8, 12, 13, 18, 19].includes(localHour);
        const terminal = busy ? (random() < 0.5 ? 'T01' : 'T02') : random() < 0.85 ? 'T01' : 'T02';

        const count = pickLines();
        const chosen = new Map<number, (typeof products)[number]>();
        for (let i = 0; i < count; i++) {
          const p = pickProduct();
          chosen.set(p.id, p);
        }
        const items = [...chosen.values()];
        const pricing: PricingLine[] = items.map((p) => {
          const q = random();
          const qty = q < 0.78 ? 1 : q < 0.93 ? 2 : q < 0.98 ? 3 : 4 + Math.floor(random() * 6);
          const discount: Discount | null =
            random() < 0.04
              ? random() < 0.6
                ? { kind: 'percent', value: [5, 10, 15, 20][Math.floor(random() * 4)] as number }
                : { kind: 'amount', value: Math.min(p.price_fen * qty, 50 * (1 + Math.floor(random() * 4))) }
              : null;
          return { unitPriceFen: p.price_fen, qty, discount };
        });
        const orderDiscount: Discount | null =
          random() < 0.03
            ? random() < 0.7
              ? { kind: 'percent', value: 5 + 5 * Math.floor(random() * 3) }
              : { kind: 'amount', value: 100 * (1 + Math.floor(random() * 5)) }
            : null;
        const priced = priceCart(pricing, orderDiscount);
        const number = orderNumber(day, seq);
        const fate = random();
        const cancelled = fate < 0.003;
        // a few orders confirmed and never paid nor cancelled (the customer walked away, nobody tidied up)
        const open = !cancelled && fate < 0.0035;
        const m = pickMethod();
        const paidAt =
          created +
          (m.mode === 'cash' ? 20_000 : m.mode === 'payment_code' ? 8_000 : 45_000) +
          Math.floor(random() * 20_000);
        const status = cancelled ? 'cancelled' : open ? 'open' : 'paid';
        const orderId = Number(
          insOrder.run(
            number,
            day,
            seq,
            status,
            clerk,
            terminal,
            priced.subtotalFen,
            priced.lineDiscountFen,
            orderDiscount?.kind ?? null,
            orderDiscount?.value ?? null,
            priced.orderDiscountFen,
            priced.totalFen,
            priced.itemCount,
            created,
            status === 'paid' ? paidAt : null,
            cancelled ? created + 60_000 : null,
          ).lastInsertRowid,
        );
        items.forEach((p, i) => {
          const l = pricing[i] as PricingLine;
          const pl = priced.lines[i]!;
          insLine.run(
            orderId,
            i + 1,
            p.id,
            p.sku,
            p.barcode,
            p.name_zh,
            p.name_en,
            p.price_fen,
            l.qty,
            pl.grossFen,
            l.discount?.kind ?? null,
            l.discount?.value ?? null,
            pl.lineDiscountFen,
            pl.orderDiscountShareFen,
            pl.totalFen,
          );
        });
        result.orders++;
        result.lines += items.length;
        if (cancelled) {
          result.cancelled++;
          continue;
        }
        if (open) {
          result.open++;
          continue;
        }
        const cash = m.mode === 'cash';
        const tendered = cash ? Math.ceil((priced.totalFen + 1) / 5_000) * 5_000 : null;
        let attemptState: string = 'paid';
        let orderStatus = 'paid';
        // about 2 % refunded, some time after the sale
        const refund = random() < 0.02;
        let refundRow: { fen: number; lines: string | null; finished: number; restock: number } | null = null;
        if (refund) {
          const kind = random();
          // the same day mostly, else within five days, while the shop is open, never after the history ends
          const finished = Math.min(
            lastInstant,
            opening(
              paidAt + (random() < 0.6 ? Math.floor(random() * 4 * 3_600_000) : Math.floor(random() * 5 * 86_400_000)),
            ),
          );
          if (kind < 0.4 || items.length === 1) {
            refundRow = {
              fen: priced.totalFen,
              lines: JSON.stringify(
                priced.lines.map((pl, i) => ({ lineNo: i + 1, qty: pricing[i]!.qty, amountFen: pl.totalFen })),
              ),
              finished,
              restock: 1,
            };
            attemptState = 'refunded';
            orderStatus = 'refunded';
          } else if (kind < 0.8) {
            const i = Math.floor(random() * items.length);
            const qty = pricing[i]!.qty;
            const back = 1 + Math.floor(random() * qty);
            const fen = back === qty ? priced.lines[i]!.totalFen : Math.round((priced.lines[i]!.totalFen * back) / qty);
            refundRow = {
              fen,
              lines: JSON.stringify([{ lineNo: i + 1, qty: back, amountFen: fen }]),
              finished,
              restock: random() < 0.5 ? 1 : 0,
            };
            attemptState = fen >= priced.totalFen ? 'refunded' : 'partially_refunded';
            orderStatus = attemptState;
          } else {
            const fen = Math.max(1, Math.round(priced.totalFen * (0.1 + 0.4 * random())));
            refundRow = { fen, lines: null, finished, restock: 0 };
            attemptState = fen >= priced.totalFen ? 'refunded' : 'partially_refunded';
            orderStatus = attemptState;
          }
          if (refundRow.fen <= 0) {
            refundRow = null;
            attemptState = 'paid';
            orderStatus = 'paid';
          }
        }
        const outTradeNo = `${number.replace('-', '')}${m.letter}1`;
        const attemptId = Number(
          insAttempt.run(
            orderId,
            m.method,
            m.mode,
            outTradeNo,
            priced.totalFen,
            attemptState,
            tendered,
            tendered === null ? null : tendered - priced.totalFen,
            created + 5_000,
            refundRow ? refundRow.finished : paidAt,
            paidAt,
            cash ? null : `${m.letter}${String(orderId).padStart(12, '0')}`,
          ).lastInsertRowid,
        );
        result.payments++;
        if (orderStatus !== 'paid') setStatus.run(orderStatus, orderId);
        if (refundRow) {
          const { fen, lines, finished, restock } = refundRow;
          insRefund.run(
            orderId,
            attemptId,
            `${outTradeNo}R1`,
            m.method,
            fen,
            priced.totalFen,
            reasons[Math.floor(random() * reasons.length)],
            lines,
            restock,
            finished - (cash ? 0 : 4_000),
            finished,
            finished,
            cash ? 'cash' : 'succeeded',
          );
          result.refunds++;
        }
      }
      if (seq > 0) insCounter.run(day, seq);
      pending += seq;
    };

    const t0 = performance.now();
    let d = 0;
    while (d < options.days) {
      store.tx(() => {
        pending = 0;
        while (d < options.days && pending < CHUNK) writeDay(d++);
      });
      say(
        `${result.orders.toLocaleString('en')} orders (${firstDay} … ${addDays(firstDay, d - 1)}), ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      );
    }
    result.writeMs = performance.now() - t0;
    say('filling the report summary tables…');
    const t1 = performance.now();
    new Reports(store, new ManualClock(nowMs), () => HISTORY_TIME_ZONE).rebuild();
    result.rollupMs = performance.now() - t1;
    db.pragma('synchronous = FULL');
    db.pragma('wal_checkpoint(TRUNCATE)');
    const size = db
      .prepare('select page_count * page_size as bytes from pragma_page_count(), pragma_page_size()')
      .get() as { bytes: number };
    result.bytes = size.bytes;
    result.totalMs = performance.now() - started;
    return result;
  } finally {
    store.close();
  }
}
