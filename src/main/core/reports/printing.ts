/**
 * Receipt printing. The core renders a receipt to self-contained HTML (80 mm paper) and hands it to
 * a `ReceiptPrinter`: the Electron shell prints silently to the default printer and falls back to a
 * PDF; browser mode answers `browser`, and the page prints itself with the browser's print dialog.
 */
import { formatDateTime } from '../../../shared/date-format';
import { formatFen } from '../../../shared/money';
import { DENOMINATION_KEYS, denominationLabel, type DenominationCounts } from '../../../shared/cash';
import type { CashReport, Locale, PrintOutcome, Receipt, ReconSide, ZReport, ZView } from '../../../shared/types';
import type { PrintSlip } from './slip-types';

export interface ReceiptPrinter {
  /**
   * `receipt.number` names the PDF when there is no printer (a receipt, or a Z such as `Z-T01-0001`).
   * `slip`: the same document for an ESC/POS printer (core/hardware/), where one is set up.
   */
  print(receipt: Pick<Receipt, 'number'>, html: string, slip?: PrintSlip): Promise<PrintOutcome>;
  /** kicks the cash drawer wired to the receipt printer, where there is one; absent: no drawer connected */
  openDrawer?(): Promise<boolean>;
}

export const browserPrinter: ReceiptPrinter = {
  print: () => Promise.resolve({ kind: 'browser', path: null }),
};

export const LABELS = {
  en: {
    order: 'Order',
    time: 'Time',
    clerk: 'Clerk',
    terminal: 'Till',
    subtotal: 'Subtotal',
    lineDiscounts: 'Line discounts',
    orderDiscount: 'Order discount',
    total: 'TOTAL',
    method: 'Paid by',
    tendered: 'Tendered',
    change: 'Change',
    reprint: 'REPRINT',
    thanks: 'Thank you for shopping with us',
    cash: 'Cash',
    alipay: 'Alipay',
    wechat: 'WeChat Pay',
    yeepay: 'YeePay',
    unpaid: 'UNPAID',
  },
  'zh-CN': {
    order: '单号',
    time: '时间',
    clerk: '收银员',
    terminal: '收银台',
    subtotal: '小计',
    lineDiscounts: '单品优惠',
    orderDiscount: '整单优惠',
    total: '合计',
    method: '支付方式',
    tendered: '实收',
    change: '找零',
    reprint: '重印',
    thanks: '谢谢惠顾，欢迎再次光临',
    cash: '现金',
    alipay: '支付宝',
    wechat: '微信支付',
    yeepay: '易宝支付',
    unpaid: '未支付',
  },
} as const;

const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/**
 * A moment on paper in the language's one form (shared/date-format.ts): `2026-12-02 14:05` in Chinese,
 * `2 Dec 2026 14:05` in English, as every screen writes it (issue 12: dates were in three forms).
 */
export function stamp(ms: number, timeZone: string, locale: Locale): string {
  return formatDateTime(ms, locale, timeZone);
}

export function receiptHtml(r: Receipt, locale: Locale, timeZone: string): string {
  const L = LABELS[locale];
  const name = (l: { nameZh: string; nameEn: string }) => (locale === 'zh-CN' ? l.nameZh : l.nameEn);
  const row = (label: string, value: string, cls = '') =>
    `<tr class="${cls}"><td>${esc(label)}</td><td class="r">${esc(value)}</td></tr>`;
  const lines = r.lines
    .map(
      (l) =>
        `<tr><td colspan="2">${esc(name(l))}</td></tr>` +
        `<tr><td class="sub">${l.qty} × ${esc(formatFen(l.unitPriceFen))}${l.lineDiscountFen ? ` (−${esc(formatFen(l.lineDiscountFen))})` : ''}</td><td class="r">${esc(formatFen(l.grossFen - l.lineDiscountFen))}</td></tr>`,
    )
    .join('');
  const totals = [
    row(L.subtotal, formatFen(r.subtotalFen)),
    r.lineDiscountFen ? row(L.lineDiscounts, `-${formatFen(r.lineDiscountFen)}`) : '',
    r.orderDiscountFen ? row(L.orderDiscount, `-${formatFen(r.orderDiscountFen)}`) : '',
    row(L.total, formatFen(r.totalFen), 'total'),
    row(L.method, r.method ? L[r.method] : L.unpaid),
    r.tenderedFen !== null ? row(L.tendered, formatFen(r.tenderedFen)) : '',
    r.changeFen !== null ? row(L.change, formatFen(r.changeFen)) : '',
  ].join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(r.number)}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>
@page { size: 80mm auto; margin: 4mm; }
body { font: 12px/1.4 "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif; width: 72mm; margin: 0; color: #000; }
h1 { font-size: 15px; text-align: center; margin: 0 0 2px; }
p { margin: 0; text-align: center; }
table { width: 100%; border-collapse: collapse; margin-top: 6px; }
td { padding: 1px 0; vertical-align: top; }
.r { text-align: right; white-space: nowrap; }
.sub { padding-left: 8px; color: #222; }
.total td { font-size: 16px; font-weight: bold; border-top: 1px dashed #000; padding-top: 4px; }
.rule { border-top: 1px dashed #000; margin: 6px 0; }
.reprint { font-weight: bold; font-size: 14px; border: 1px solid #000; padding: 2px; margin: 4px 0; }
</style></head><body>
<h1>${esc(r.storeName)}</h1><p>${esc(r.storeAddress)}</p><p>${esc(r.storePhone)}</p>
${r.reprint ? `<p class="reprint">${esc(L.reprint)}</p>` : ''}
<div class="rule"></div>
<table>${row(L.order, r.number)}${row(L.time, stamp(r.paidAt ?? r.createdAt, timeZone, locale))}${row(L.clerk, r.clerk)}${row(L.terminal, r.terminal)}</table>
<div class="rule"></div>
<table>${lines}</table>
<div class="rule"></div>
<table>${totals}</table>
<div class="rule"></div>
<p>${esc(L.thanks)}</p>
</body></html>`;
}

// ---- X and Z reports (cash sessions) -------------------------------------------------------------

export const CASH_LABELS = {
  en: {
    x: 'X REPORT',
    xNote: 'Snapshot of the open session, not a close',
    z: 'Z REPORT',
    copy: 'COPY',
    terminal: 'Till',
    day: 'Business day',
    days: 'Days covered',
    opened: 'Opened',
    closed: 'Closed',
    until: 'Up to',
    by: 'by',
    approvedBy: 'approved by',
    sales: 'Sales by method',
    refunds: 'refunds',
    net: 'net',
    totalSales: 'Total sales',
    totalRefunds: 'Refunds',
    totalNet: 'NET',
    orders: 'Orders paid',
    items: 'Items',
    cancelled: 'Cancelled orders',
    discounts: 'Discounts',
    lineDiscounts: 'Line discounts',
    orderDiscounts: 'Order discounts',
    drawer: 'Cash drawer',
    float: 'Opening float',
    cashSales: 'Cash sales',
    cashRefunds: 'Cash refunds',
    paidIn: 'Paid in',
    paidOut: 'Paid out',
    expected: 'Expected in drawer',
    counted: 'Counted',
    variance: 'Variance',
    short: 'SHORT',
    over: 'OVER',
    exact: 'exact',
    reason: 'Reason',
    count: 'Count by denomination',
    floatCount: 'Float by denomination',
    moves: 'Paid in / out',
    intermediaries: 'Intermediaries: till vs statement',
    session: 'This session',
    statement: 'Statement',
    tillDay: 'Whole till that day',
    fee: 'fee',
    notReconciled: 'statement not yet reconciled',
    pending: 'Pending at close (not counted)',
    pendingX: 'Payments still pending (not counted)',
    since: 'Reconciled after the close (not part of this Z)',
    printed: 'Printed',
    none: 'none',
    cash: 'Cash',
    alipay: 'Alipay',
    wechat: 'WeChat Pay',
    yeepay: 'YeePay',
    in: 'IN',
    out: 'OUT',
  },
  'zh-CN': {
    x: 'X 报表',
    xNote: '当前班次快照，非结班',
    z: 'Z 报表（结班）',
    copy: '副本',
    terminal: '收银台',
    day: '营业日',
    days: '覆盖营业日',
    opened: '开班',
    closed: '结班',
    until: '截至',
    by: '操作人',
    approvedBy: '授权人',
    sales: '按支付方式销售',
    refunds: '退款',
    net: '净额',
    totalSales: '销售合计',
    totalRefunds: '退款合计',
    totalNet: '净额',
    orders: '已付订单',
    items: '商品件数',
    cancelled: '已取消订单',
    discounts: '优惠',
    lineDiscounts: '单品优惠',
    orderDiscounts: '整单优惠',
    drawer: '钱箱',
    float: '备用金',
    cashSales: '现金销售',
    cashRefunds: '现金退款',
    paidIn: '存入',
    paidOut: '支出',
    expected: '应有现金',
    counted: '实点现金',
    variance: '差额',
    short: '短款',
    over: '长款',
    exact: '相符',
    reason: '原因',
    count: '点钞明细',
    floatCount: '备用金明细',
    moves: '存入 / 支出',
    intermediaries: '支付机构：本店记录与对账单',
    session: '本班次',
    statement: '对账单',
    tillDay: '全店当日',
    fee: '手续费',
    notReconciled: '对账单尚未核对',
    pending: '结班时未完成的支付（未计入）',
    pendingX: '尚未完成的支付（未计入）',
    since: '结班后核对的对账单（不属于本 Z 报表）',
    printed: '打印时间',
    none: '无',
    cash: '现金',
    alipay: '支付宝',
    wechat: '微信支付',
    yeepay: '易宝支付',
    in: '存入',
    out: '支出',
  },
} as const;

function countRows(
  counts: DenominationCounts | null,
  locale: Locale,
  row: (l: string, v: string, cls?: string) => string,
): string {
  if (!counts) return '';
  return DENOMINATION_KEYS.filter((k) => (counts[k] ?? 0) > 0)
    .map((k) => row(`${denominationLabel(k, locale)} × ${counts[k]}`, formatFen(Number(k) * (counts[k] ?? 0)), 'sub'))
    .join('');
}

/**
 * An X or Z report as self-contained HTML for the receipt printer (80 mm). A Z printed again is
 * marked COPY; statements reconciled after the close are shown apart, as not part of the Z.
 */
export function cashReportHtml(
  r: CashReport | ZReport,
  locale: Locale,
  timeZone: string,
  options: { copy: boolean; reconciledSince?: ZView['reconciledSince']; printedAt: number },
): string {
  const L = CASH_LABELS[locale];
  const z = r.kind === 'Z' ? (r as ZReport) : null;
  const row = (label: string, value: string, cls = '') =>
    `<tr class="${cls}"><td>${esc(label)}</td><td class="r">${esc(value)}</td></tr>`;
  const head = (text: string) => `<h2>${esc(text)}</h2>`;
  const sideText = (s: ReconSide) => `${formatFen(s.sumFen)} (${s.count})`;
  const time = (ms: number) => stamp(ms, timeZone, locale);

  const meta = [
    row(L.terminal, r.terminal),
    row(L.day, r.businessDay),
    r.daysCovered.length > 1 ? row(L.days, r.daysCovered.join(', ')) : '',
    row(L.opened, time(r.openedAt)),
    row(L.by, r.openedBy, 'sub'),
    z ? row(L.closed, time(z.closedAt)) : row(L.until, time(r.until)),
    z ? row(L.by, z.approvedBy ? `${z.closedBy} (${L.approvedBy} ${z.approvedBy})` : z.closedBy, 'sub') : '',
  ].join('');

  const methods = r.methods
    .map(
      (m) =>
        row(`${L[m.method]} (${m.salesCount})`, formatFen(m.salesFen)) +
        (m.refundsFen
          ? row(`${L.refunds} (${m.refundsCount})`, `-${formatFen(m.refundsFen)}`, 'sub') +
            row(L.net, formatFen(m.netFen), 'sub')
          : ''),
    )
    .join('');
  const totals = [
    row(L.totalSales, formatFen(r.totals.salesFen)),
    row(L.totalRefunds, r.totals.refundsFen ? `-${formatFen(r.totals.refundsFen)}` : formatFen(0)),
    row(L.totalNet, formatFen(r.totals.netFen), 'total'),
  ].join('');
  const orders = [
    row(L.orders, String(r.orders.paidCount)),
    row(L.items, String(r.orders.itemCount)),
    row(L.cancelled, `${r.orders.cancelledCount} (${formatFen(r.orders.cancelledFen)})`),
    row(L.lineDiscounts, r.discounts.lineFen ? `-${formatFen(r.discounts.lineFen)}` : formatFen(0)),
    row(L.orderDiscounts, r.discounts.orderFen ? `-${formatFen(r.discounts.orderFen)}` : formatFen(0)),
  ].join('');
  const d = r.drawer;
  const variance = z
    ? z.varianceFen === 0
      ? `${formatFen(0)} (${L.exact})`
      : `${z.varianceFen > 0 ? '+' : ''}${formatFen(z.varianceFen)} ${z.varianceFen < 0 ? L.short : L.over}`
    : '';
  const drawer = [
    row(L.float, formatFen(d.floatFen)),
    countRows(r.floatDenominations, locale, row),
    row(L.cashSales, `+${formatFen(d.cashSalesFen)}`),
    row(L.cashRefunds, `-${formatFen(d.cashRefundsFen)}`),
    row(L.paidIn, `+${formatFen(d.paidInFen)}`),
    row(L.paidOut, `-${formatFen(d.paidOutFen)}`),
    row(L.expected, formatFen(d.expectedFen), 'total'),
    z ? row(L.counted, formatFen(z.countedFen), 'strong') : '',
    z ? row(L.variance, variance, z.varianceFen === 0 ? 'strong' : 'strong variance') : '',
    z?.varianceReason ? `<tr><td colspan="2" class="note">${esc(L.reason)}: ${esc(z.varianceReason)}</td></tr>` : '',
  ].join('');
  const count = z
    ? `<p class="label">${esc(L.count)}</p><table>${countRows(z.countedDenominations, locale, row) || row(L.none, formatFen(0), 'sub')}</table>`
    : '';
  const moves = r.moves.length
    ? `${head(L.moves)}<table>${r.moves
        .map(
          (m) =>
            row(
              `${time(m.at).slice(11, 16)} ${m.kind === 'in' ? L.in : L.out}`,
              `${m.kind === 'in' ? '+' : '-'}${formatFen(m.amountFen)}`,
            ) +
            `<tr><td colspan="2" class="sub">${esc(m.reason)} · ${esc(m.approvedBy ? `${m.by} (${L.approvedBy} ${m.approvedBy})` : m.by)}</td></tr>`,
        )
        .join('')}</table>`
    : '';
  const intermediaries = r.intermediaries.length
    ? `${head(L.intermediaries)}<table>${r.intermediaries
        .map(
          (i) =>
            `<tr class="strong"><td colspan="2">${esc(L[i.provider])}</td></tr>` +
            row(L.session, sideText(i.session.payments), 'sub') +
            (i.session.refunds.sumFen
              ? row(`${L.session} ${L.refunds}`, `-${formatFen(i.session.refunds.sumFen)}`, 'sub')
              : '') +
            i.days
              .map(
                (day) =>
                  `<tr><td colspan="2" class="sub">${esc(day.day)}</td></tr>` +
                  row(L.tillDay, sideText(day.till.payments), 'sub2') +
                  (day.statement
                    ? row(L.statement, sideText(day.statement.payments), 'sub2') +
                      (day.statement.refunds.sumFen
                        ? row(`${L.statement} ${L.refunds}`, `-${formatFen(day.statement.refunds.sumFen)}`, 'sub2')
                        : '') +
                      (day.statement.feeFen
                        ? row(`${L.statement} ${L.fee}`, formatFen(day.statement.feeFen), 'sub2')
                        : '')
                    : `<tr><td colspan="2" class="sub2 note">${esc(L.statement)}: ${esc(L.notReconciled)}</td></tr>`),
              )
              .join(''),
        )
        .join('')}</table>`
    : '';
  const pending = r.pendingAttempts.length
    ? `${head(z ? L.pending : L.pendingX)}<table>${r.pendingAttempts.map((p) => row(`${p.orderNumber} ${L[p.provider]}`, formatFen(p.amountFen), 'sub')).join('')}</table>`
    : '';
  const since = options.reconciledSince?.length
    ? `<div class="rule"></div>${head(L.since)}<table>${options.reconciledSince
        .map(
          (x) =>
            row(`${L[x.provider]} ${x.day}`, sideText(x.statement.payments), 'sub') +
            (x.statement.refunds.sumFen ? row(L.refunds, `-${formatFen(x.statement.refunds.sumFen)}`, 'sub2') : ''),
        )
        .join('')}</table>`
    : '';
  const title = z ? `${L.z} ${z.number}` : L.x;
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(z ? z.number : L.x)}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>
@page { size: 80mm auto; margin: 4mm; }
body { font: 12px/1.4 "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif; width: 72mm; margin: 0; color: #000; }
h1 { font-size: 16px; text-align: center; margin: 0 0 2px; }
h2 { font-size: 13px; margin: 8px 0 2px; border-bottom: 1px solid #000; }
p { margin: 0; text-align: center; }
table { width: 100%; border-collapse: collapse; }
td { padding: 1px 0; vertical-align: top; }
.r { text-align: right; white-space: nowrap; }
.sub td:first-child { padding-left: 8px; }
.sub2 td:first-child { padding-left: 16px; }
.strong td { font-weight: bold; }
.total td { font-size: 14px; font-weight: bold; border-top: 1px dashed #000; }
.variance td { font-size: 14px; }
.note { font-style: italic; }
.label { text-align: left; margin-top: 4px; }
.rule { border-top: 1px dashed #000; margin: 6px 0; }
.copy { font-weight: bold; font-size: 16px; border: 2px solid #000; padding: 2px; margin: 4px 0; letter-spacing: 2px; }
</style></head><body>
<p>${esc(r.storeName)}</p>
<h1>${esc(title)}</h1>
${z ? '' : `<p>${esc(L.xNote)}</p>`}
${options.copy ? `<p class="copy">${esc(L.copy)}</p>` : ''}
<div class="rule"></div>
<table>${meta}</table>
${head(L.sales)}<table>${methods}${totals}</table>
${head(L.discounts)}<table>${orders}</table>
${head(L.drawer)}<table>${drawer}</table>
${count}
${moves}
${intermediaries}
${pending}
${since}
<div class="rule"></div>
<p>${esc(L.printed)} ${esc(time(options.printedAt))}</p>
</body></html>`;
}
