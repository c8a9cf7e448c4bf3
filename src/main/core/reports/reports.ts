/**
 * Sales review: totals, by day, hour, payment method, clerk, terminal, product and category over a
 * range of business days, read from the summary tables that migration 0008's triggers keep in step
 * with every sale and refund (see that migration for what counts where). A year's report reads a few
 * thousand summary rows, never the orders: products, methods, clerks and tills come from month rows
 * for whole months and day rows for the days around them (see `splitRange`).
 *
 * The days of a range and how it is split are report-days.ts; the sums and totals, report-sums.ts.
 *
 * `tests/support/report-reference.ts` computes the same report with GROUP BY over the raw tables; the tests and the
 * bench hold the two equal.
 */
import { sql } from 'kysely';
import type { ReportCategoryRow, ReportMethodRow, ReportProductRow, SalesReport } from '../../../shared/types';
import type { Store } from '../../store/db';
import { REPORT_REBUILD_SQL } from '../../store/migrations/0021-split-tender';
import { offsetTransitions } from '../../store/tz-offsets';
import type { Clock } from '../clock';
import { addDays, checkRange, splitRange } from './report-days';
import {
  addSums,
  isZero,
  METHOD_ORDER,
  MODE_ORDER,
  SALES_SUMS,
  sumProducts,
  totals,
  zeroSums,
  type ProductSums,
  type Sums,
} from './report-sums';

// the range's rules and the totals, for the callers that import them from here
export { addDays, checkRange, dayOf, parseReportDay, splitRange, type RangePart } from './report-days';
export { totals } from './report-sums';

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
