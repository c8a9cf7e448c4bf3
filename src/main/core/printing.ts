/**
 * Receipt printing. The core renders a receipt to self-contained HTML (80 mm paper) and hands it to
 * a `ReceiptPrinter`: the Electron shell prints silently to the default printer and falls back to a
 * PDF; browser mode answers `browser`, and the page prints itself with the browser's print dialog.
 */
import { formatFen } from '../../shared/money';
import type { Locale, PrintOutcome, Receipt } from '../../shared/types';

export interface ReceiptPrinter {
  print(receipt: Receipt, html: string): Promise<PrintOutcome>;
}

export const browserPrinter: ReceiptPrinter = {
  print: () => Promise.resolve({ kind: 'browser', path: null }),
};

const LABELS = {
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

function stamp(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).format(new Date(ms));
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
<table>${row(L.order, r.number)}${row(L.time, stamp(r.paidAt ?? r.createdAt, timeZone))}${row(L.clerk, r.clerk)}${row(L.terminal, r.terminal)}</table>
<div class="rule"></div>
<table>${lines}</table>
<div class="rule"></div>
<table>${totals}</table>
<div class="rule"></div>
<p>${esc(L.thanks)}</p>
</body></html>`;
}
