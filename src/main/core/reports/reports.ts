/**
 * Sales review: totals, by day, hour, payment method, clerk, terminal, product and category over a
 * range of business days, read from the summary tables that migration 0008's triggers keep in step
 * with every sale and refund (see that migration for what counts where). A year's report reads a few
 * thousand summary rows, never the orders: products, methods, clerks and tills come from month rows
 * for whole months and day rows for the days around them (see `splitRange`).
 *
 * `tests/support/report-reference.ts` computes the same report with GROUP BY over the raw tables; the tests and the
 * bench hold the two equal.
 */
import { sql } from 'kysely';
import { PosError } from '../../../shared/errors';
import type {
  ReportCategoryRow,
  ReportMethodRow,
  ReportProductRow,
  ReportTotals,
  SalesReport,
} from '../../../shared/types';
import { MAX_REPORT_DAYS } from '../../../shared/report-range';
import type { Store } from '../../store/db';
import { REPORT_REBUILD_SQL } from '../../store/migrations/0008-report-rollups';
import { offsetTransitions } from '../../store/tz-offsets';
import type { Clock } from '../clock';

const MIN_YEAR = 2000;
const MAX_YEAR = 2099;
const DAY_MS = 86_400_000;

/** Midnight UTC of a `YYYY-MM-DD` that is a real calendar day in 2000–2099, else null. */
export function parseReportDay(day: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < MIN_YEAR || y > MAX_YEAR) return null;
  const t = Date.UTC(y, mo - 1, d);
  return new Date(t).toISOString().slice(0, 10) === day ? t : null;
}

export const dayOf = (t: number): string => new Date(t).toISOString().slice(0, 10);
export const addDays = (day: string, n: number): string =>
  dayOf((parseReportDay(day) ?? Date.parse(`${day}T00:00:00Z`)) + n * DAY_MS);

/** Checks a range of business days; returns its length in days (both ends included). */
export function checkRange(from: string, to: string): number {
  const a = parseReportDay(from);
  const b = parseReportDay(to);
  const refuse = (reason: 'bad_date' | 'backwards' | 'too_long', message: string): never => {
    throw new PosError('REPORT_RANGE_INVALID', message, { from, to, reason, maxDays: MAX_REPORT_DAYS });
  };
  if (a === null) refuse('bad_date', `${from} is not a day between ${MIN_YEAR} and ${MAX_YEAR}.`);
  if (b === null) refuse('bad_date', `${to} is not a day between ${MIN_YEAR} and ${MAX_YEAR}.`);
  const days = ((b as number) - (a as number)) / DAY_MS + 1;
  if (days < 1) refuse('backwards', `The range ends (${to}) before it starts (${from}).`);
  if (days > MAX_REPORT_DAYS)
    refuse('too_long', `The range has ${days} days; a report covers at most ${MAX_REPORT_DAYS}.`);
  return days;
}

/** A piece of a range: whole months or a run of days, added or taken away. */
export type RangePart = { sign: 1 | -1; months: string[] } | { sign: 1 | -1; from: string; to: string };

/**
 * Splits a range so the fewest summary rows are read: whole calendar months from month rows, the
 * other days from day rows; a month mostly inside the range is read whole, less the days outside
 * it (sums subtract exactly). 2026-01-02…2026-04-10 → + months 01, 02, 03, − day 01-01, + days
 * 04-01…04-10. At most 15 days are read by day at each end.
 */
export function splitRange(from: string, to: string): RangePart[] {
  const months: string[] = [];
  const plus: [string, string][] = [];
  const minus: [string, string][] = [];
  let cursor = from;
  while (cursor <= to) {
    const [y, m] = cursor.split('-').map(Number) as [number, number];
    const first = `${cursor.slice(0, 8)}01`;
    const last = dayOf(Date.UTC(y, m, 0));
    const end = last < to ? last : to;
    const inside = (parseReportDay(end)! - parseReportDay(cursor)!) / DAY_MS + 1;
    const length = Number(last.slice(8));
    if (inside === length) {
      months.push(cursor.slice(0, 7));
    } else if (length - inside < inside) {
      months.push(cursor.slice(0, 7));
      if (cursor > first) minus.push([first, addDays(cursor, -1)]);
      if (end < last) minus.push([addDays(end, 1), last]);
    } else {
      const prev = plus[plus.length - 1];
      if (prev && addDays(prev[1], 1) === cursor) prev[1] = end;
      else plus.push([cursor, end]);
    }
    cursor = addDays(last, 1);
  }
  const parts: RangePart[] = [];
  if (months.length > 0) parts.push({ sign: 1, months });
  for (const [a, b] of plus) parts.push({ sign: 1, from: a, to: b });
  for (const [a, b] of minus) parts.push({ sign: -1, from: a, to: b });
  return parts;
}

interface Sums {
  orders: number | null;
  items: number | null;
  gross_fen: number | null;
  discount_fen: number | null;
  refund_fen: number | null;
  refunds: number | null;
  refund_items: number | null;
}

export function totals(s: Partial<Sums> | undefined): ReportTotals {
  const n = (v: number | null | undefined) => Number(v ?? 0);
  const orders = n(s?.orders);
  const grossFen = n(s?.gross_fen);
  const discountFen = n(s?.discount_fen);
  const refundFen = n(s?.refund_fen);
  const salesFen = grossFen - discountFen;
  return {
    orders,
    items: n(s?.items),
    grossFen,
    discountFen,
    salesFen,
    refundFen,
    refunds: n(s?.refunds),
    refundItems: n(s?.refund_items),
    netFen: salesFen - refundFen,
    avgTicketFen: orders > 0 ? Math.round(salesFen / orders) : null,
  };
}

const SALES_SUMS = [
  sql<number>`sum(orders)`.as('orders'),
  sql<number>`sum(items)`.as('items'),
  sql<number>`sum(gross_fen)`.as('gross_fen'),
  sql<number>`sum(discount_fen)`.as('discount_fen'),
  sql<number>`sum(refund_fen)`.as('refund_fen'),
  sql<number>`sum(refunds)`.as('refunds'),
  sql<number>`sum(refund_items)`.as('refund_items'),
] as const;

const zeroSums = (): Sums => ({
  orders: 0,
  items: 0,
  gross_fen: 0,
  discount_fen: 0,
  refund_fen: 0,
  refunds: 0,
  refund_items: 0,
});
function addSums(into: Sums, r: Partial<Sums>, sign: 1 | -1 = 1): void {
  into.orders = Number(into.orders ?? 0) + sign * Number(r.orders ?? 0);
  into.items = Number(into.items ?? 0) + sign * Number(r.items ?? 0);
  into.gross_fen = Number(into.gross_fen ?? 0) + sign * Number(r.gross_fen ?? 0);
  into.discount_fen = Number(into.discount_fen ?? 0) + sign * Number(r.discount_fen ?? 0);
  into.refund_fen = Number(into.refund_fen ?? 0) + sign * Number(r.refund_fen ?? 0);
  into.refunds = Number(into.refunds ?? 0) + sign * Number(r.refunds ?? 0);
  into.refund_items = Number(into.refund_items ?? 0) + sign * Number(r.refund_items ?? 0);
}

const isZero = (t: ReportTotals) =>
  t.orders === 0 &&
  t.grossFen === 0 &&
  t.discountFen === 0 &&
  t.refundFen === 0 &&
  t.refunds === 0 &&
  t.items === 0 &&
  t.refundItems === 0;

interface ProductSums {
  orders: number;
  qty: number;
  gross_fen: number;
  discount_fen: number;
  refund_fen: number;
  refund_qty: number;
}

export class Reports {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly timeZone: () => string,
  ) {}

  private get k() {
    return this.store.kysely;
  }

  /** The zone the summary tables were computed in. */
  storedTimeZone(): string | null {
    return (
      this.store.first(this.k.selectFrom('report_meta').select('value').where('key', '=', 'timeZone'))?.value ?? null
    );
  }

  /**
   * Makes the summary tables follow the store's time zone: when it is not the one they were computed
   * in (the migration guessed the system's; the store's setting differs), the offsets are replaced and
   * every summary row is recomputed, in one transaction. Returns whether it did.
   */
  syncTimeZone(): boolean {
    const zone = this.timeZone();
    if (this.storedTimeZone() === zone) return false;
    const offsets = offsetTransitions(zone);
    this.store.tx(() => {
      this.store.run(this.k.deleteFrom('report_tz'));
      for (const o of offsets)
        this.store.run(this.k.insertInto('report_tz').values({ from_ms: o.fromMs, offset_min: o.offsetMin }));
      this.store.run(
        this.k
          .insertInto('report_meta')
          .values({ key: 'timeZone', value: zone })
          .onConflict((oc) => oc.column('key').doUpdateSet({ value: zone })),
      );
      this.rebuildInTx();
    });
    return true;
  }

  /** Recomputes every summary row from the raw tables (after a bulk import; seconds per million orders). */
  rebuild(): void {
    this.store.tx(() => this.rebuildInTx());
  }

  private rebuildInTx(): void {
    for (const s of REPORT_REBUILD_SQL) this.store.sqlite.prepare(s).run();
  }

  /** The report for business days `from`–`to` with the `top` best-selling products named. */
  sales(from: string, to: string, top = 10): SalesReport {
    const days = checkRange(from, to);
    const { summary, byDay } = this.byDay(from, to);
    const { byMethod, byClerk, byTerminal } = this.byDimensions(from, to);
    const { products, byCategory } = this.byProduct(from, to, top, summary.refundFen);
    return {
      from,
      to,
      days,
      timeZone: this.storedTimeZone() ?? this.timeZone(),
      generatedAt: this.clock.now(),
      summary,
      byDay,
      byHour: this.byHour(from, to),
      byMethod,
      byClerk,
      byTerminal,
      products,
      byCategory,
    };
  }

  /** The totals and every day of the range (from the day × hour rows: 16 or so a day). */
  byDay(from: string, to: string): Pick<SalesReport, 'summary' | 'byDay'> {
    const days = checkRange(from, to);
    const rows = this.store.all(
      this.k
        .selectFrom('report_sales_hour')
        .where('business_day', '>=', from)
        .where('business_day', '<=', to)
        .select(['business_day', ...SALES_SUMS])
        .groupBy('business_day'),
    );
    const byDate = new Map(rows.map((r) => [r.business_day, r]));
    const all = zeroSums();
    const byDay = [];
    for (let d = from, i = 0; i < days; d = addDays(d, 1), i++) {
      const r = byDate.get(d);
      if (r) addSums(all, r);
      byDay.push({ day: d, ...totals(r) });
    }
    return { summary: totals(all), byDay };
  }

  /** Hours 0–23 over the range. */
  byHour(from: string, to: string): SalesReport['byHour'] {
    checkRange(from, to);
    const rows = this.store.all(
      this.k
        .selectFrom('report_sales_hour')
        .where('business_day', '>=', from)
        .where('business_day', '<=', to)
        .select(['hour', ...SALES_SUMS])
        .groupBy('hour'),
    );
    const byHour = new Map(rows.map((r) => [Number(r.hour), r]));
    return Array.from({ length: 24 }, (_, hour) => ({ hour, ...totals(byHour.get(hour)) }));
  }

  /** By payment method and mode, clerk and till: month rows for whole months, day rows for the days around them. */
  byDimensions(from: string, to: string): Pick<SalesReport, 'byMethod' | 'byClerk' | 'byTerminal'> {
    checkRange(from, to);
    const k = this.k;
    const dims = new Map<string, { method: string; mode: string; clerk: string; terminal: string; sums: Sums }>();
    const dimCols = ['method', 'mode', 'clerk', 'terminal'] as const;
    for (const part of splitRange(from, to)) {
      const rows = this.store.all(
        'months' in part
          ? k
              .selectFrom('report_sales_month')
              .where('month', 'in', part.months)
              .select([...dimCols, ...SALES_SUMS])
              .groupBy([...dimCols])
          : k
              .selectFrom('report_sales_day')
              .where('business_day', '>=', part.from)
              .where('business_day', '<=', part.to)
              .select([...dimCols, ...SALES_SUMS])
              .groupBy([...dimCols]),
      );
      for (const r of rows) {
        const key = `${r.method}\u0000${r.mode}\u0000${r.clerk}\u0000${r.terminal}`;
        let cur = dims.get(key);
        if (!cur)
          dims.set(
            key,
            (cur = { method: r.method, mode: r.mode, clerk: r.clerk, terminal: r.terminal, sums: zeroSums() }),
          );
        addSums(cur.sums, r, part.sign);
      }
    }
    const group = <K extends string>(
      keyOf: (d: { method: string; mode: string; clerk: string; terminal: string }) => K,
    ) => {
      const out = new Map<K, Sums>();
      for (const d of dims.values()) {
        const key = keyOf(d);
        let cur = out.get(key);
        if (!cur) out.set(key, (cur = zeroSums()));
        addSums(cur, d.sums);
      }
      return [...out];
    };
    return {
      byMethod: group((d) => `${d.method}|${d.mode}`)
        .map(([key, s]) => {
          const [method, mode] = key.split('|') as [ReportMethodRow['method'], ReportMethodRow['mode']];
          return { method, mode, ...totals(s) };
        })
        .filter((r) => !isZero(r))
        .sort(
          (a, b) =>
            METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method) ||
            MODE_ORDER.indexOf(a.mode) - MODE_ORDER.indexOf(b.mode),
        ),
      byClerk: group((d) => d.clerk)
        .map(([clerk, s]) => ({ clerk, ...totals(s) }))
        .filter((r) => !isZero(r))
        .sort((a, b) => b.netFen - a.netFen || a.clerk.localeCompare(b.clerk)),
      byTerminal: group((d) => d.terminal)
        .map(([terminal, s]) => ({ terminal, ...totals(s) }))
        .filter((r) => !isZero(r))
        .sort((a, b) => a.terminal.localeCompare(b.terminal)),
    };
  }

  /**
   * The `top` products by net sales (and the rest together) and every category. `refundFen` is the
   * range's refunds, to tell how much was refunded by amount rather than by line.
   */
  byProduct(from: string, to: string, top: number, refundFen: number): Pick<SalesReport, 'products' | 'byCategory'> {
    checkRange(from, to);
    const products = this.productRows(from, to).filter(
      (p) =>
        !(
          p.orders === 0 &&
          p.qty === 0 &&
          p.grossFen === 0 &&
          p.discountFen === 0 &&
          p.refundFen === 0 &&
          p.refundQty === 0
        ),
    );
    products.sort((a, b) => b.netFen - a.netFen || b.qty - a.qty || a.productId - b.productId);
    const others = products.slice(top);
    const rest =
      others.length > 0
        ? sumProducts(others, { productId: 0, sku: '', nameZh: '其他', nameEn: 'Others', categoryId: null })
        : null;
    const lineRefunds = products.reduce((s, p) => s + p.refundFen, 0);
    return {
      products: {
        top: products.slice(0, top),
        rest,
        restCount: others.length,
        count: products.length,
        unallocatedRefundFen: refundFen - lineRefunds,
      },
      byCategory: this.categories(products),
    };
  }

  /** Every product sold or refunded in the range, with its current name and category. */
  private productRows(from: string, to: string): ReportProductRow[] {
    const k = this.k;
    const merged = new Map<number, ProductSums>();
    const merge = (rows: ({ product_id: number } & { [K in keyof ProductSums]: number | null })[], sign: 1 | -1) => {
      for (const r of rows) {
        const cur = merged.get(r.product_id) ?? {
          orders: 0,
          qty: 0,
          gross_fen: 0,
          discount_fen: 0,
          refund_fen: 0,
          refund_qty: 0,
        };
        cur.orders += sign * Number(r.orders ?? 0);
        cur.qty += sign * Number(r.qty ?? 0);
        cur.gross_fen += sign * Number(r.gross_fen ?? 0);
        cur.discount_fen += sign * Number(r.discount_fen ?? 0);
        cur.refund_fen += sign * Number(r.refund_fen ?? 0);
        cur.refund_qty += sign * Number(r.refund_qty ?? 0);
        merged.set(r.product_id, cur);
      }
    };
    const sums = [
      sql<number>`sum(orders)`.as('orders'),
      sql<number>`sum(qty)`.as('qty'),
      sql<number>`sum(gross_fen)`.as('gross_fen'),
      sql<number>`sum(discount_fen)`.as('discount_fen'),
      sql<number>`sum(refund_fen)`.as('refund_fen'),
      sql<number>`sum(refund_qty)`.as('refund_qty'),
    ] as const;
    for (const part of splitRange(from, to)) {
      merge(
        this.store.all(
          'months' in part
            ? k
                .selectFrom('report_product_month')
                .where('month', 'in', part.months)
                .select(['product_id', ...sums])
                .groupBy('product_id')
            : k
                .selectFrom('report_product_day')
                .where('business_day', '>=', part.from)
                .where('business_day', '<=', part.to)
                .select(['product_id', ...sums])
                .groupBy('product_id'),
        ),
        part.sign,
      );
    }
    // a product only in the days taken away sums to nothing
    for (const [id, x] of merged) {
      if (
        x.orders === 0 &&
        x.qty === 0 &&
        x.gross_fen === 0 &&
        x.discount_fen === 0 &&
        x.refund_fen === 0 &&
        x.refund_qty === 0
      )
        merged.delete(id);
    }
    const info = new Map<number, { sku: string; name_zh: string; name_en: string; category_id: number }>();
    const ids = [...merged.keys()];
    for (let i = 0; i < ids.length; i += 500) {
      for (const p of this.store.all(
        k
          .selectFrom('products')
          .select(['id', 'sku', 'name_zh', 'name_en', 'category_id'])
          .where('id', 'in', ids.slice(i, i + 500)),
      )) {
        info.set(p.id, p);
      }
    }
    return ids.map((id) => {
      const s = merged.get(id) as ProductSums;
      const p = info.get(id);
      const salesFen = s.gross_fen - s.discount_fen;
      return {
        productId: id,
        sku: p?.sku ?? String(id),
        nameZh: p?.name_zh ?? String(id),
        nameEn: p?.name_en ?? String(id),
        categoryId: p?.category_id ?? null,
        orders: s.orders,
        qty: s.qty,
        grossFen: s.gross_fen,
        discountFen: s.discount_fen,
        salesFen,
        refundFen: s.refund_fen,
        refundQty: s.refund_qty,
        netFen: salesFen - s.refund_fen,
      };
    });
  }

  private categories(products: readonly ReportProductRow[]): ReportCategoryRow[] {
    const cats = new Map(this.store.all(this.k.selectFrom('categories').selectAll()).map((c) => [c.id, c]));
    const byCat = new Map<number | null, ReportCategoryRow>();
    for (const p of products) {
      const key = p.categoryId !== null && cats.has(p.categoryId) ? p.categoryId : null;
      let row = byCat.get(key);
      if (!row) {
        const c = key === null ? undefined : cats.get(key);
        row = {
          categoryId: key,
          code: c?.code ?? '',
          nameZh: c?.name_zh ?? '未分类',
          nameEn: c?.name_en ?? 'Uncategorised',
          color: c?.color ?? '#9e9e9e',
          products: 0,
          orders: 0,
          qty: 0,
          grossFen: 0,
          discountFen: 0,
          salesFen: 0,
          refundFen: 0,
          refundQty: 0,
          netFen: 0,
        };
        byCat.set(key, row);
      }
      row.products += 1;
      row.orders += p.orders;
      row.qty += p.qty;
      row.grossFen += p.grossFen;
      row.discountFen += p.discountFen;
      row.salesFen += p.salesFen;
      row.refundFen += p.refundFen;
      row.refundQty += p.refundQty;
      row.netFen += p.netFen;
    }
    return [...byCat.values()].sort((a, b) => b.netFen - a.netFen || (a.categoryId ?? 0) - (b.categoryId ?? 0));
  }
}

const METHOD_ORDER: readonly ReportMethodRow['method'][] = ['cash', 'alipay', 'wechat', 'yeepay', 'none'];
const MODE_ORDER: readonly ReportMethodRow['mode'][] = ['cash', 'qr', 'payment_code', 'redirect', 'none'];

function sumProducts(
  rows: readonly ReportProductRow[],
  as: Pick<ReportProductRow, 'productId' | 'sku' | 'nameZh' | 'nameEn' | 'categoryId'>,
): ReportProductRow {
  const out: ReportProductRow = {
    ...as,
    orders: 0,
    qty: 0,
    grossFen: 0,
    discountFen: 0,
    salesFen: 0,
    refundFen: 0,
    refundQty: 0,
    netFen: 0,
  };
  for (const r of rows) {
    out.orders += r.orders;
    out.qty += r.qty;
    out.grossFen += r.grossFen;
    out.discountFen += r.discountFen;
    out.salesFen += r.salesFen;
    out.refundFen += r.refundFen;
    out.refundQty += r.refundQty;
    out.netFen += r.netFen;
  }
  return out;
}
