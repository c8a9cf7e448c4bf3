/**
 * The reference definition of the sales report: the same `SalesReport` computed by plain GROUP BY
 * over the raw tables (orders, order_lines, payment_attempts, refunds), nothing precomputed. It reads
 * every order of the range, so it is slow on a big store; the tests hold `Reports.sales` equal to it
 * on generated histories, and the bench times both on the same data. A test oracle: it lives with the
 * tests, never in the app.
 *
 * What counts (see migration 0008 for the why):
 * - a sale: an order paid, partially refunded or refunded, on its business day, at the store-time hour
 *   it was created, under the method of the payment holding its money (its paid or partially refunded
 *   attempt, else the refunded one paid last); a split tender (migration 0021: a paid attempt for
 *   less than the total) counts each part's amount under its method — its gross the part's share of
 *   the order's gross, rounded down, the last part taking the rest — and the order and its items once,
 *   under its last part;
 * - a refund: succeeded, of the payment holding the order's money (or of any part of a split tender), on the store-time day and hour it
 *   finished, under its attempt's method; by line, also against each line's product.
 *
 * Store time comes from `report_tz` (the zone's offsets); the tests check those against Intl.
 */
import type {
  ReportCategoryRow,
  ReportMethodRow,
  ReportProductRow,
  ReportTotals,
  SalesReport,
} from '../../src/shared/types';
import type { Store } from '../../src/main/store/db';
import { addDays, checkRange, totals } from '../../src/main/core/reports/reports';

const PAID = `('paid', 'partially_refunded', 'refunded')`;
const HOLDER = (order: string) =>
  `(select x.id from payment_attempts x where x.order_id = ${order} and x.state in ${PAID}
     order by case when x.state = 'refunded' then 1 else 0 end, x.paid_at desc, x.id desc limit 1)`;
const SPLIT = `exists (select 1 from payment_attempts s where s.order_id = o.id and s.state in ${PAID} and s.amount_fen < o.total_fen)`;
const OFFSET = (t: string) =>
  `coalesce((select z.offset_min from report_tz z where z.from_ms <= ${t} order by z.from_ms desc limit 1), 0) * 60000`;
const LOCAL_DAY = (t: string) => `strftime('%Y-%m-%d', (${t} + ${OFFSET(t)}) / 1000, 'unixepoch')`;
const LOCAL_HOUR = (t: string) => `cast(strftime('%H', (${t} + ${OFFSET(t)}) / 1000, 'unixepoch') as integer)`;
const T = `coalesce(r.finished_at, r.updated_at)`;

interface Acc {
  orders: number;
  items: number;
  gross_fen: number;
  discount_fen: number;
  refund_fen: number;
  refunds: number;
  refund_items: number;
}

interface RefundLine {
  lineNo: number;
  qty: number;
  amountFen: number;
}

function parseLines(text: string | null): RefundLine[] {
  if (text === null) return [];
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(v)) return [];
  const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? Math.trunc(x) : 0);
  return v.map((e: unknown) => {
    const o = (typeof e === 'object' && e !== null ? e : {}) as Record<string, unknown>;
    return { lineNo: num(o.lineNo), qty: num(o.qty), amountFen: num(o.amountFen) };
  });
}

const zero = (): Acc => ({
  orders: 0,
  items: 0,
  gross_fen: 0,
  discount_fen: 0,
  refund_fen: 0,
  refunds: 0,
  refund_items: 0,
});

/** The report by GROUP BY over the raw tables. */
export function referenceReport(store: Store, from: string, to: string, top = 10): SalesReport {
  const days = checkRange(from, to);
  const db = store.sqlite;
  const fromMs = Date.parse(`${from}T00:00:00Z`) - 2 * 86_400_000;
  const toMs = Date.parse(`${to}T00:00:00Z`) + 3 * 86_400_000;

  // every sale of the range, grouped by every dimension at once
  const sales = db
    .prepare(
      `select o.business_day as day, ${LOCAL_HOUR('o.created_at')} as hour,
              coalesce(h.method, 'none') as method, coalesce(h.mode, 'none') as mode, o.clerk as clerk, o.terminal as terminal,
              count(*) as orders, sum(o.item_count) as items, sum(o.subtotal_fen) as gross_fen,
              sum(o.line_discount_fen + o.order_discount_fen) as discount_fen
       from orders o left join payment_attempts h on h.id = ${HOLDER('o.id')}
       where o.status in ${PAID} and o.business_day between ? and ? and not ${SPLIT}
       group by 1, 2, 3, 4, 5, 6`,
    )
    .all(from, to) as ({
    day: string;
    hour: number;
    method: string;
    mode: string;
    clerk: string;
    terminal: string;
  } & Acc)[];
  // split tenders, part by part, shared out here in plain arithmetic
  const splitParts = db
    .prepare(
      `select o.id as order_id, o.business_day as day, ${LOCAL_HOUR('o.created_at')} as hour, h.id as id, h.method as method,
              h.mode as mode, o.clerk as clerk, o.terminal as terminal, o.item_count as items, o.subtotal_fen as subtotal,
              o.total_fen as total, h.amount_fen as amount
       from orders o join payment_attempts h on h.order_id = o.id and h.state in ${PAID}
       where o.status in ${PAID} and o.business_day between ? and ? and ${SPLIT}
       order by o.id, h.id`,
    )
    .all(from, to) as {
    order_id: number;
    day: string;
    hour: number;
    id: number;
    method: string;
    mode: string;
    clerk: string;
    terminal: string;
    items: number;
    subtotal: number;
    total: number;
    amount: number;
  }[];
  splitParts.forEach((x, i) => {
    const last = splitParts[i + 1]?.order_id !== x.order_id;
    const siblings = splitParts.filter((y) => y.order_id === x.order_id && y.id !== x.id);
    const gross = last
      ? x.subtotal - siblings.reduce((n, y) => n + Math.floor((x.subtotal * y.amount) / x.total), 0)
      : Math.floor((x.subtotal * x.amount) / x.total);
    sales.push({
      ...x,
      ...zero(),
      orders: last ? 1 : 0,
      items: last ? x.items : 0,
      gross_fen: gross,
      discount_fen: gross - x.amount,
    });
  });

  // every refund that counts, finishing in the range (a wide time window, then its store-time day)
  const refunds = db
    .prepare(
      `select * from (
         select ${LOCAL_DAY(T)} as day, ${LOCAL_HOUR(T)} as hour, a.method as method, a.mode as mode,
                o.clerk as clerk, o.terminal as terminal, r.order_id as order_id, r.amount_fen as amount_fen, r.lines as lines
         from refunds r join orders o on o.id = r.order_id join payment_attempts a on a.id = r.attempt_id
         where r.state = 'succeeded' and o.status in ${PAID}
           and (r.attempt_id = ${HOLDER('r.order_id')} or a.amount_fen < o.total_fen)
           and ${T} between ? and ?)
       where day between ? and ?`,
    )
    .all(fromMs, toMs, from, to) as {
    day: string;
    hour: number;
    method: string;
    mode: string;
    clerk: string;
    terminal: string;
    order_id: number;
    amount_fen: number;
    lines: string | null;
  }[];

  const groups = {
    all: new Map<string, Acc>(),
    day: new Map<string, Acc>(),
    hour: new Map<string, Acc>(),
    method: new Map<string, Acc>(),
    clerk: new Map<string, Acc>(),
    terminal: new Map<string, Acc>(),
  };
  const keys = (r: { day: string; hour: number; method: string; mode: string; clerk: string; terminal: string }) =>
    ({
      all: '',
      day: r.day,
      hour: String(r.hour),
      method: `${r.method}|${r.mode}`,
      clerk: r.clerk,
      terminal: r.terminal,
    }) as const;
  const acc = (m: Map<string, Acc>, k: string) => {
    let a = m.get(k);
    if (!a) m.set(k, (a = zero()));
    return a;
  };
  for (const s of sales) {
    const ks = keys(s);
    for (const g of Object.keys(groups) as (keyof typeof groups)[]) {
      const a = acc(groups[g], ks[g]);
      a.orders += s.orders;
      a.items += s.items;
      a.gross_fen += s.gross_fen;
      a.discount_fen += s.discount_fen;
    }
  }

  // products and categories: the range's order lines, then refunds by line
  const productSales = db
    .prepare(
      `select l.product_id as product_id, count(*) as orders, sum(l.qty) as qty, sum(l.gross_fen) as gross_fen,
              sum(l.line_discount_fen + l.order_discount_share_fen) as discount_fen
       from orders o join order_lines l on l.order_id = o.id
       where o.status in ${PAID} and o.business_day between ? and ?
       group by l.product_id`,
    )
    .all(from, to) as { product_id: number; orders: number; qty: number; gross_fen: number; discount_fen: number }[];
  const prod = new Map<
    number,
    { orders: number; qty: number; gross_fen: number; discount_fen: number; refund_fen: number; refund_qty: number }
  >();
  const p = (id: number) => {
    let x = prod.get(id);
    if (!x) prod.set(id, (x = { orders: 0, qty: 0, gross_fen: 0, discount_fen: 0, refund_fen: 0, refund_qty: 0 }));
    return x;
  };
  for (const r of productSales)
    Object.assign(p(r.product_id), {
      orders: r.orders,
      qty: r.qty,
      gross_fen: r.gross_fen,
      discount_fen: r.discount_fen,
    });

  const lineProduct = db.prepare(`select product_id from order_lines where order_id = ? and line_no = ?`).pluck();
  for (const r of refunds) {
    const lines = parseLines(r.lines);
    const ks = keys(r);
    for (const g of Object.keys(groups) as (keyof typeof groups)[]) {
      const a = acc(groups[g], ks[g]);
      a.refund_fen += r.amount_fen;
      a.refunds += 1;
      a.refund_items += lines.reduce((s, l) => s + l.qty, 0);
    }
    for (const l of lines) {
      const productId = lineProduct.get(r.order_id, l.lineNo) as number | undefined;
      if (productId === undefined) continue;
      const x = p(productId);
      x.refund_fen += l.amountFen;
      x.refund_qty += l.qty;
    }
  }

  const isZero = (t: ReportTotals) =>
    t.orders === 0 &&
    t.grossFen === 0 &&
    t.discountFen === 0 &&
    t.refundFen === 0 &&
    t.refunds === 0 &&
    t.items === 0 &&
    t.refundItems === 0;
  const byDay = [];
  for (let d = from, i = 0; i < days; d = addDays(d, 1), i++) byDay.push({ day: d, ...totals(groups.day.get(d)) });
  const byHour = Array.from({ length: 24 }, (_, hour) => ({ hour, ...totals(groups.hour.get(String(hour))) }));
  const methodOrder = ['cash', 'alipay', 'wechat', 'yeepay', 'none'];
  const modeOrder = ['cash', 'qr', 'payment_code', 'redirect', 'none'];
  const byMethod = [...groups.method]
    .map(([k, a]) => {
      const [method, mode] = k.split('|') as [ReportMethodRow['method'], ReportMethodRow['mode']];
      return { method, mode, ...totals(a) };
    })
    .filter((r) => !isZero(r))
    .sort(
      (a, b) =>
        methodOrder.indexOf(a.method) - methodOrder.indexOf(b.method) ||
        modeOrder.indexOf(a.mode) - modeOrder.indexOf(b.mode),
    );
  const byClerk = [...groups.clerk]
    .map(([clerk, a]) => ({ clerk, ...totals(a) }))
    .filter((r) => !isZero(r))
    .sort((a, b) => b.netFen - a.netFen || a.clerk.localeCompare(b.clerk));
  const byTerminal = [...groups.terminal]
    .map(([terminal, a]) => ({ terminal, ...totals(a) }))
    .filter((r) => !isZero(r))
    .sort((a, b) => a.terminal.localeCompare(b.terminal));

  const info = new Map(
    (
      db.prepare(`select id, sku, name_zh, name_en, category_id from products`).all() as {
        id: number;
        sku: string;
        name_zh: string;
        name_en: string;
        category_id: number;
      }[]
    ).map((r) => [r.id, r]),
  );
  const products: ReportProductRow[] = [...prod]
    .map(([id, s]) => {
      const i = info.get(id);
      const salesFen = s.gross_fen - s.discount_fen;
      return {
        productId: id,
        sku: i?.sku ?? String(id),
        nameZh: i?.name_zh ?? String(id),
        nameEn: i?.name_en ?? String(id),
        categoryId: i?.category_id ?? null,
        orders: s.orders,
        qty: s.qty,
        grossFen: s.gross_fen,
        discountFen: s.discount_fen,
        salesFen,
        refundFen: s.refund_fen,
        refundQty: s.refund_qty,
        netFen: salesFen - s.refund_fen,
      };
    })
    .filter(
      (x) =>
        !(
          x.orders === 0 &&
          x.qty === 0 &&
          x.grossFen === 0 &&
          x.discountFen === 0 &&
          x.refundFen === 0 &&
          x.refundQty === 0
        ),
    )
    .sort((a, b) => b.netFen - a.netFen || b.qty - a.qty || a.productId - b.productId);
  const others = products.slice(top);
  const rest: ReportProductRow | null =
    others.length === 0
      ? null
      : others.reduce<ReportProductRow>(
          (s, r) => ({
            ...s,
            orders: s.orders + r.orders,
            qty: s.qty + r.qty,
            grossFen: s.grossFen + r.grossFen,
            discountFen: s.discountFen + r.discountFen,
            salesFen: s.salesFen + r.salesFen,
            refundFen: s.refundFen + r.refundFen,
            refundQty: s.refundQty + r.refundQty,
            netFen: s.netFen + r.netFen,
          }),
          {
            productId: 0,
            sku: '',
            nameZh: '其他',
            nameEn: 'Others',
            categoryId: null,
            orders: 0,
            qty: 0,
            grossFen: 0,
            discountFen: 0,
            salesFen: 0,
            refundFen: 0,
            refundQty: 0,
            netFen: 0,
          },
        );

  const cats = new Map(
    (
      db.prepare(`select id, code, name_zh, name_en, color from categories`).all() as {
        id: number;
        code: string;
        name_zh: string;
        name_en: string;
        color: string;
      }[]
    ).map((c) => [c.id, c]),
  );
  const byCat = new Map<number | null, ReportCategoryRow>();
  for (const x of products) {
    const key = x.categoryId !== null && cats.has(x.categoryId) ? x.categoryId : null;
    const c = key === null ? undefined : cats.get(key);
    const row = byCat.get(key) ?? {
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
    row.products += 1;
    row.orders += x.orders;
    row.qty += x.qty;
    row.grossFen += x.grossFen;
    row.discountFen += x.discountFen;
    row.salesFen += x.salesFen;
    row.refundFen += x.refundFen;
    row.refundQty += x.refundQty;
    row.netFen += x.netFen;
    byCat.set(key, row);
  }
  const summary = totals(groups.all.get(''));
  return {
    from,
    to,
    days,
    timeZone: '',
    generatedAt: 0,
    summary,
    byDay,
    byHour,
    byMethod,
    byClerk,
    byTerminal,
    products: {
      top: products.slice(0, top),
      rest,
      restCount: others.length,
      count: products.length,
      unallocatedRefundFen: summary.refundFen - products.reduce((s, x) => s + x.refundFen, 0),
    },
    byCategory: [...byCat.values()].sort((a, b) => b.netFen - a.netFen || (a.categoryId ?? 0) - (b.categoryId ?? 0)),
  };
}
