/**
 * The sales report as files: one CSV (every section stacked, a `section` column first, so a
 * spreadsheet can filter it; amounts in yuan with two decimals; a UTF-8 BOM so Excel reads Chinese)
 * and a printable A4 HTML page (self-contained, no script, like the receipt).
 */
import { formatDateTime, formatDay } from '../../../shared/date-format';
import { fenToYuanString, formatFen } from '../../../shared/money';
import type { Locale, ReportTotals, SalesReport } from '../../../shared/types';
import { decimal, writeCsv, type CsvValue } from '../platform/csv';

const LABELS = {
  en: {
    title: 'Sales review',
    range: 'Business days',
    generated: 'Printed',
    timeZone: 'Store time',
    net: 'Net sales',
    gross: 'Gross',
    discounts: 'Discounts',
    sales: 'Sales',
    refunds: 'Refunds',
    refundCount: 'Refund count',
    orders: 'Orders',
    items: 'Items',
    qty: 'Qty',
    avg: 'Average ticket',
    day: 'By day',
    hour: 'By hour of day',
    method: 'By payment method',
    clerk: 'By clerk',
    terminal: 'By till',
    product: 'Best sellers',
    category: 'By category',
    others: 'Others ({count} products)',
    unallocated: 'Refunds by amount (no product)',
    total: 'Total',
    section: 'section',
    key: 'key',
    name: 'name',
    nameOther: 'name (zh)',
    note: 'A sale counts on its business day; a refund on the day it was given, against the method it was paid with.',
    cash: 'Cash',
    alipay: 'Alipay',
    wechat: 'WeChat Pay',
    yeepay: 'YeePay',
    none: 'No payment',
    qr: 'QR',
    payment_code: 'payment code',
    redirect: 'cashier page',
    modeCash: '',
    modeNone: '',
    empty: 'No sales in this range.',
  },
  'zh-CN': {
    title: '销售报表',
    range: '营业日',
    generated: '打印时间',
    timeZone: '门店时间',
    net: '净销售额',
    gross: '原价合计',
    discounts: '优惠',
    sales: '实收',
    refunds: '退款',
    refundCount: '退款笔数',
    orders: '订单数',
    items: '件数',
    qty: '数量',
    avg: '客单价',
    day: '按日',
    hour: '按时段',
    method: '按支付方式',
    clerk: '按收银员',
    terminal: '按收银台',
    product: '畅销商品',
    category: '按分类',
    others: '其他（{count} 种商品）',
    unallocated: '按金额退款（未对应商品）',
    total: '合计',
    section: 'section',
    key: 'key',
    name: '名称',
    nameOther: '名称 (en)',
    note: '销售计入其营业日；退款计入退款当日，并从原支付方式中扣除。',
    cash: '现金',
    alipay: '支付宝',
    wechat: '微信支付',
    yeepay: '易宝支付',
    none: '未支付',
    qr: '扫码',
    payment_code: '付款码',
    redirect: '收银台',
    modeCash: '',
    modeNone: '',
    empty: '此期间没有销售。',
  },
} as const;

type Labels = (typeof LABELS)[Locale];

export function methodLabel(L: Labels, method: string, mode: string): string {
  const m = method in L ? L[method as 'cash'] : method;
  if (mode === 'cash' || mode === 'none' || !(mode in L)) return m;
  return `${m} · ${L[mode as 'qr']}`;
}

/** an amount in yuan with two decimals, written as a number (platform/csv.ts) */
const yuan = (fen: number) => decimal(fenToYuanString(fen));

/** One CSV file with every section of the report. */
export function reportCsv(r: SalesReport, locale: Locale): { filename: string; mime: 'text/csv'; content: string } {
  const L = LABELS[locale];
  const head = [
    L.section,
    L.key,
    L.name,
    L.nameOther,
    L.orders,
    L.items,
    L.gross,
    L.discounts,
    L.sales,
    L.refunds,
    L.refundCount,
    L.net,
    L.avg,
  ];
  const rows: CsvValue[][] = [head];
  const line = (section: string, key: string, name: string, other: string, t: ReportTotals) =>
    rows.push([
      section,
      key,
      name,
      other,
      t.orders,
      t.items,
      yuan(t.grossFen),
      yuan(t.discountFen),
      yuan(t.salesFen),
      yuan(t.refundFen),
      t.refunds,
      yuan(t.netFen),
      t.avgTicketFen === null ? '' : yuan(t.avgTicketFen),
    ]);
  line('summary', `${r.from}..${r.to}`, L.total, '', r.summary);
  for (const d of r.byDay) line('day', d.day, d.day, '', d);
  for (const h of r.byHour) line('hour', String(h.hour), `${String(h.hour).padStart(2, '0')}:00`, '', h);
  for (const m of r.byMethod) line('method', `${m.method}/${m.mode}`, methodLabel(L, m.method, m.mode), '', m);
  for (const c of r.byClerk) line('clerk', c.clerk, c.clerk, '', c);
  for (const t of r.byTerminal) line('terminal', t.terminal, t.terminal, '', t);
  const names = (x: { nameZh: string; nameEn: string }) =>
    locale === 'zh-CN' ? [x.nameZh, x.nameEn] : [x.nameEn, x.nameZh];
  const product = (
    section: string,
    key: string,
    x: {
      nameZh: string;
      nameEn: string;
      orders: number;
      qty: number;
      grossFen: number;
      discountFen: number;
      salesFen: number;
      refundFen: number;
      netFen: number;
    },
  ) => {
    const [a, b] = names(x);
    rows.push([
      section,
      key,
      a ?? '',
      b ?? '',
      x.orders,
      x.qty,
      yuan(x.grossFen),
      yuan(x.discountFen),
      yuan(x.salesFen),
      yuan(x.refundFen),
      '',
      yuan(x.netFen),
      x.orders > 0 ? yuan(Math.round(x.salesFen / x.orders)) : '',
    ]);
  };
  for (const c of r.byCategory) product('category', c.code || '-', c);
  for (const p of r.products.top) product('product', p.sku, p);
  if (r.products.rest)
    product('product', '*', {
      ...r.products.rest,
      nameZh: LABELS['zh-CN'].others.replace('{count}', String(r.products.restCount)),
      nameEn: LABELS.en.others.replace('{count}', String(r.products.restCount)),
    });
  if (r.products.unallocatedRefundFen !== 0)
    rows.push([
      'product',
      '-',
      L.unallocated,
      '',
      '',
      '',
      '',
      '',
      '',
      yuan(r.products.unallocatedRefundFen),
      '',
      yuan(-r.products.unallocatedRefundFen),
      '',
    ]);
  const content = writeCsv(rows, { bom: true });
  return { filename: `counter-pos-sales-${r.from}-to-${r.to}.csv`, mime: 'text/csv', content };
}

const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** A moment in the language's one form (shared/date-format.ts), as the screens and the receipts write it. */
function stamp(ms: number, timeZone: string, locale: Locale): string {
  return formatDateTime(ms, locale, timeZone);
}

/** The report as a printable A4 page. */
export function reportHtml(r: SalesReport, locale: Locale, storeName: string): { title: string; html: string } {
  const L = LABELS[locale];
  const name = (x: { nameZh: string; nameEn: string }) => (locale === 'zh-CN' ? x.nameZh : x.nameEn);
  const title = `${L.title} ${r.from === r.to ? r.from : `${r.from} – ${r.to}`}`;
  const money = (fen: number) => esc(formatFen(fen));
  const cols = `<th class="r">${L.orders}</th><th class="r">${L.items}</th><th class="r">${L.gross}</th><th class="r">${L.discounts}</th><th class="r">${L.refunds}</th><th class="r">${L.net}</th><th class="r">${L.avg}</th>`;
  const cells = (t: ReportTotals) =>
    `<td class="r">${t.orders}</td><td class="r">${t.items}</td><td class="r">${money(t.grossFen)}</td><td class="r">${t.discountFen ? `-${money(t.discountFen)}` : money(0)}</td>` +
    `<td class="r">${t.refundFen ? `-${money(t.refundFen)}` : money(0)}</td><td class="r b">${money(t.netFen)}</td><td class="r">${t.avgTicketFen === null ? '—' : money(t.avgTicketFen)}</td>`;
  const max = (xs: number[]) => Math.max(1, ...xs);
  const bar = (v: number, m: number) =>
    `<span class="bar" style="width:${Math.max(0, Math.round((v / m) * 100))}%"></span>`;
  const table = (heading: string, first: string, body: string[]) =>
    body.length === 0
      ? ''
      : `<h2>${esc(heading)}</h2><table><thead><tr><th>${esc(first)}</th><th class="bars"></th>${cols}</tr></thead><tbody>${body.join('')}</tbody></table>`;

  const dayMax = max(r.byDay.map((d) => d.netFen));
  const days = r.byDay
    .filter((d) => r.days <= 62 || d.orders > 0 || d.refunds > 0)
    .map((d) => `<tr><td>${d.day}</td><td class="bars">${bar(d.netFen, dayMax)}</td>${cells(d)}</tr>`);
  const hours = r.byHour.filter((h) => h.orders > 0 || h.refunds > 0);
  const hourMax = max(hours.map((h) => h.netFen));
  const hourRows = hours.map(
    (h) =>
      `<tr><td>${String(h.hour).padStart(2, '0')}:00</td><td class="bars">${bar(h.netFen, hourMax)}</td>${cells(h)}</tr>`,
  );
  const methodMax = max(r.byMethod.map((m) => m.netFen));
  const methods = r.byMethod.map(
    (m) =>
      `<tr><td>${esc(methodLabel(L, m.method, m.mode))}</td><td class="bars">${bar(m.netFen, methodMax)}</td>${cells(m)}</tr>`,
  );
  const clerkMax = max(r.byClerk.map((c) => c.netFen));
  const clerks = r.byClerk.map(
    (c) => `<tr><td>${esc(c.clerk)}</td><td class="bars">${bar(c.netFen, clerkMax)}</td>${cells(c)}</tr>`,
  );
  const pcols = `<th class="r">${L.qty}</th><th class="r">${L.gross}</th><th class="r">${L.discounts}</th><th class="r">${L.refunds}</th><th class="r">${L.net}</th>`;
  const pcells = (x: { qty: number; grossFen: number; discountFen: number; refundFen: number; netFen: number }) =>
    `<td class="r">${x.qty}</td><td class="r">${money(x.grossFen)}</td><td class="r">${x.discountFen ? `-${money(x.discountFen)}` : money(0)}</td><td class="r">${x.refundFen ? `-${money(x.refundFen)}` : money(0)}</td><td class="r b">${money(x.netFen)}</td>`;
  const catMax = max(r.byCategory.map((c) => c.netFen));
  const cats = r.byCategory.map(
    (c) => `<tr><td>${esc(name(c))}</td><td class="bars">${bar(c.netFen, catMax)}</td>${pcells(c)}</tr>`,
  );
  const prodMax = max(r.products.top.map((p) => p.netFen));
  const prods = r.products.top.map(
    (p) =>
      `<tr><td>${esc(name(p))} <small>${esc(p.sku)}</small></td><td class="bars">${bar(p.netFen, prodMax)}</td>${pcells(p)}</tr>`,
  );
  if (r.products.rest)
    prods.push(
      `<tr class="muted"><td>${esc(L.others.replace('{count}', String(r.products.restCount)))}</td><td></td>${pcells(r.products.rest)}</tr>`,
    );
  if (r.products.unallocatedRefundFen !== 0) {
    prods.push(
      `<tr class="muted"><td>${esc(L.unallocated)}</td><td></td><td></td><td></td><td></td><td class="r">-${money(r.products.unallocatedRefundFen)}</td><td class="r">${money(-r.products.unallocatedRefundFen)}</td></tr>`,
    );
  }
  const ptable = (heading: string, body: string[]) =>
    body.length === 0
      ? ''
      : `<h2>${esc(heading)}</h2><table><thead><tr><th></th><th class="bars"></th>${pcols}</tr></thead><tbody>${body.join('')}</tbody></table>`;
  const s = r.summary;
  const card = (label: string, value: string) =>
    `<div class="card"><div class="label">${esc(label)}</div><div class="value">${value}</div></div>`;
  const html = `<!doctype html><html lang="${locale === 'zh-CN' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><title>${esc(title)}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>
@page { size: A4; margin: 14mm 12mm; }
body { font: 11px/1.35 "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif; color: #000; margin: 0; }
h1 { font-size: 18px; margin: 0 0 2px; }
h2 { font-size: 13px; margin: 14px 0 4px; break-after: avoid; }
.meta { color: #333; margin: 0 0 8px; }
.cards { display: flex; gap: 6px; margin: 8px 0; }
.card { flex: 1; border: 1px solid #000; padding: 4px 6px; }
.card .label { font-size: 10px; }
.card .value { font-size: 15px; font-weight: bold; }
table { width: 100%; border-collapse: collapse; }
th, td { padding: 2px 4px; border-bottom: 1px solid #ccc; text-align: left; vertical-align: top; }
th { border-bottom: 1px solid #000; font-weight: bold; }
tr { break-inside: avoid; }
.r { text-align: right; white-space: nowrap; }
.b { font-weight: bold; }
.bars { width: 22%; }
.bar { display: inline-block; height: 8px; background: #555; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.muted td { color: #444; font-style: italic; }
small { color: #444; }
.note { margin-top: 12px; color: #333; }
</style></head><body>
<h1>${esc(storeName)} · ${esc(L.title)}</h1>
<p class="meta">${esc(L.range)}: ${esc(formatDay(r.from, locale))} – ${esc(formatDay(r.to, locale))} (${r.days}) · ${esc(L.timeZone)}: ${esc(r.timeZone)} · ${esc(L.generated)}: ${esc(stamp(r.generatedAt, r.timeZone, locale))}</p>
<div class="cards">${card(L.net, money(s.netFen))}${card(L.orders, String(s.orders))}${card(L.avg, s.avgTicketFen === null ? '—' : money(s.avgTicketFen))}${card(L.refunds, `-${money(s.refundFen)} (${s.refunds})`)}${card(L.discounts, `-${money(s.discountFen)}`)}</div>
${s.orders === 0 && s.refunds === 0 ? `<p>${esc(L.empty)}</p>` : ''}
${table(L.method, L.method, methods)}
${ptable(L.category, cats)}
${ptable(L.product, prods)}
${table(L.clerk, L.clerk, clerks)}
${table(L.day, L.day, days)}
${table(L.hour, L.hour, hourRows)}
<p class="note">${esc(L.note)}</p>
</body></html>`;
  return { title, html };
}
