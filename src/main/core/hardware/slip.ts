/**
 * What a printed slip says, as blocks, and their layout into lines of a paper width. The receipt's
 * content comes from the same `Receipt` (orders.receipt) and the same labels as the HTML receipt
 * (core/printing.ts): one source of what a receipt says, two renderers (HTML there, ESC/POS in
 * escpos.ts).
 */
import { formatFen } from '../../../shared/money';
import type {
  CashMoveView,
  CashReport,
  Locale,
  PrinterCodePage,
  Receipt,
  RefundView,
  ZReport,
} from '../../../shared/types';
import { CASH_LABELS, LABELS, stamp } from '../reports/printing';
import type { Slip, SlipBlock } from '../reports/slip-types';
import { center, pair, printable, wrap } from './text-width';

export type { PrintSlip, Slip, SlipBlock } from '../reports/slip-types';

export type LaidOut =
  | { t: 'line'; text: string; bold: boolean; big: boolean }
  | { t: 'qr'; data: string }
  | { t: 'barcode'; data: string };

export const COLUMNS: Record<58 | 80, number> = { 58: 32, 80: 48 };

/** The slip as lines of at most `columns` display columns (Chinese counts two). */
export function layout(slip: Slip, columns: number, codePage: PrinterCodePage): LaidOut[] {
  const out: LaidOut[] = [];
  const lines = (texts: string[], bold = false, big = false) => {
    for (const text of texts) out.push({ t: 'line', text, bold, big });
  };
  for (const b of slip.blocks) {
    switch (b.t) {
      case 'title':
        lines(center(b.text, columns, codePage), true, true);
        break;
      case 'center':
        lines(center(b.text, columns, codePage), b.bold ?? false);
        break;
      case 'text':
        lines(wrap(b.text, columns, codePage), b.bold ?? false);
        break;
      case 'pair':
        lines(pair(printable(b.left), printable(b.right), columns, codePage), b.bold ?? false);
        break;
      case 'rule':
        lines(['-'.repeat(columns)]);
        break;
      case 'qr':
      case 'barcode':
        // what a scanner reads: digits, letters and a few signs only
        out.push({ t: b.t, data: b.data.replace(/[^\x20-\x7e]/g, '').slice(0, 120) });
        break;
    }
  }
  return out;
}

// ---- the slips ---------------------------------------------------------------------------------

const amount = (fen: number) => formatFen(fen);
const minus = (fen: number) => `-${formatFen(fen)}`;

/** A sale receipt; a reprint says so under the store's name. The order number is printed as a QR. */
export function receiptSlip(r: Receipt, locale: Locale, timeZone: string): Slip {
  const L = LABELS[locale];
  const name = (l: { nameZh: string; nameEn: string }) => (locale === 'zh-CN' ? l.nameZh : l.nameEn);
  const blocks: SlipBlock[] = [
    { t: 'title', text: r.storeName },
    { t: 'center', text: r.storeAddress },
    { t: 'center', text: r.storePhone },
  ];
  if (r.reprint) blocks.push({ t: 'center', text: `*** ${L.reprint} ***`, bold: true });
  blocks.push(
    { t: 'rule' },
    { t: 'pair', left: L.order, right: r.number },
    { t: 'pair', left: L.time, right: stamp(r.paidAt ?? r.createdAt, timeZone, locale) },
    { t: 'pair', left: L.clerk, right: r.clerk },
    { t: 'pair', left: L.terminal, right: r.terminal },
    { t: 'rule' },
  );
  for (const l of r.lines) {
    blocks.push({ t: 'pair', left: name(l), right: amount(l.grossFen - l.lineDiscountFen) });
    blocks.push({
      t: 'text',
      text: `  ${l.qty} x ${amount(l.unitPriceFen)}${l.lineDiscountFen ? ` (${minus(l.lineDiscountFen)})` : ''}`,
    });
  }
  blocks.push({ t: 'rule' }, { t: 'pair', left: L.subtotal, right: amount(r.subtotalFen) });
  if (r.lineDiscountFen) blocks.push({ t: 'pair', left: L.lineDiscounts, right: minus(r.lineDiscountFen) });
  if (r.orderDiscountFen) blocks.push({ t: 'pair', left: L.orderDiscount, right: minus(r.orderDiscountFen) });
  blocks.push({ t: 'pair', left: L.total, right: amount(r.totalFen), bold: true });
  if (r.parts.length > 1) {
    // split tender (组合支付): each part on its line, tendered and change under the cash part
    for (const p of r.parts) {
      blocks.push({ t: 'pair', left: L[p.method], right: amount(p.amountFen) });
      if (p.tenderedFen !== null) blocks.push({ t: 'pair', left: `  ${L.tendered}`, right: amount(p.tenderedFen) });
      if (p.changeFen !== null) blocks.push({ t: 'pair', left: `  ${L.change}`, right: amount(p.changeFen) });
    }
  } else {
    blocks.push({ t: 'pair', left: L.method, right: r.method ? L[r.method] : L.unpaid });
    if (r.tenderedFen !== null) blocks.push({ t: 'pair', left: L.tendered, right: amount(r.tenderedFen) });
    if (r.changeFen !== null) blocks.push({ t: 'pair', left: L.change, right: amount(r.changeFen) });
  }
  blocks.push({ t: 'rule' }, { t: 'qr', data: r.number }, { t: 'center', text: L.thanks });
  return { number: r.number, blocks };
}

const SLIP_LABELS = {
  en: {
    refund: 'REFUND',
    refundNo: 'Refund no.',
    order: 'Order',
    method: 'Refunded by',
    amount: 'Amount refunded',
    reason: 'Reason',
    by: 'By',
    time: 'Time',
    paidIn: 'PAID IN',
    paidOut: 'PAID OUT',
    approvedBy: 'Approved by',
    test: 'TEST PAGE',
    testLine: 'Printer test: Chinese and English',
    width: 'Paper',
    codePage: 'Code page',
    cutBelow: 'The paper is cut below this line',
  },
  'zh-CN': {
    refund: '退款单',
    refundNo: '退款单号',
    order: '原订单',
    method: '退款方式',
    amount: '退款金额',
    reason: '原因',
    by: '操作人',
    time: '时间',
    paidIn: '存入',
    paidOut: '支出',
    approvedBy: '授权人',
    test: '打印测试页',
    testLine: '打印机测试：中文与 English',
    width: '纸宽',
    codePage: '字符集',
    cutBelow: '此线下方切纸',
  },
} as const;

/** A refund slip (the refund's number as a QR). */
export function refundSlip(r: RefundView, storeName: string, locale: Locale, timeZone: string): Slip {
  const L = SLIP_LABELS[locale];
  const M = LABELS[locale];
  const blocks: SlipBlock[] = [
    { t: 'title', text: storeName },
    { t: 'center', text: L.refund, bold: true },
    { t: 'rule' },
    { t: 'pair', left: L.refundNo, right: r.refundNo },
    { t: 'pair', left: L.order, right: r.orderNumber },
    { t: 'pair', left: L.time, right: stamp(r.finishedAt ?? r.createdAt, timeZone, locale) },
    { t: 'pair', left: L.by, right: r.requestedBy },
    { t: 'pair', left: L.method, right: M[r.method] },
    { t: 'pair', left: L.amount, right: amount(r.amountFen), bold: true },
  ];
  if (r.reason) blocks.push({ t: 'text', text: `${L.reason}: ${r.reason}` });
  blocks.push({ t: 'rule' }, { t: 'qr', data: r.refundNo });
  return { number: r.refundNo, blocks };
}

/** A paid-in or paid-out slip. */
export function moveSlip(m: CashMoveView, terminal: string, storeName: string, locale: Locale, timeZone: string): Slip {
  const L = SLIP_LABELS[locale];
  const C = CASH_LABELS[locale];
  const blocks: SlipBlock[] = [
    { t: 'title', text: storeName },
    { t: 'center', text: m.kind === 'in' ? L.paidIn : L.paidOut, bold: true },
    { t: 'rule' },
    { t: 'pair', left: C.terminal, right: terminal },
    { t: 'pair', left: L.time, right: stamp(m.at, timeZone, locale) },
    { t: 'pair', left: L.by, right: m.by },
  ];
  if (m.approvedBy) blocks.push({ t: 'pair', left: L.approvedBy, right: m.approvedBy });
  blocks.push(
    { t: 'pair', left: m.kind === 'in' ? C.paidIn : C.paidOut, right: amount(m.amountFen), bold: true },
    { t: 'text', text: `${L.reason}: ${m.reason}` },
    { t: 'rule' },
  );
  return { number: `${terminal}-move-${m.id}`, blocks };
}

/** An X report, or a Z (marked COPY when printed again). */
export function cashReportSlip(
  r: CashReport | ZReport,
  locale: Locale,
  timeZone: string,
  options: { copy: boolean; printedAt: number },
): Slip {
  const L = CASH_LABELS[locale];
  const z = r.kind === 'Z' ? (r as ZReport) : null;
  const time = (ms: number) => stamp(ms, timeZone, locale);
  const blocks: SlipBlock[] = [
    { t: 'center', text: r.storeName },
    { t: 'title', text: z ? `${L.z} ${z.number}` : L.x },
  ];
  if (!z) blocks.push({ t: 'center', text: L.xNote });
  if (options.copy) blocks.push({ t: 'center', text: `*** ${L.copy} ***`, bold: true });
  blocks.push(
    { t: 'rule' },
    { t: 'pair', left: L.terminal, right: r.terminal },
    { t: 'pair', left: L.day, right: r.businessDay },
    { t: 'pair', left: L.opened, right: time(r.openedAt) },
    { t: 'pair', left: `  ${L.by}`, right: r.openedBy },
  );
  if (z) {
    blocks.push({ t: 'pair', left: L.closed, right: time(z.closedAt) });
    blocks.push({ t: 'pair', left: `  ${L.by}`, right: z.approvedBy ? `${z.closedBy} (${z.approvedBy})` : z.closedBy });
  } else blocks.push({ t: 'pair', left: L.until, right: time(r.until) });
  blocks.push({ t: 'rule' }, { t: 'text', text: L.sales, bold: true });
  for (const m of r.methods) {
    blocks.push({ t: 'pair', left: `${L[m.method]} (${m.salesCount})`, right: amount(m.salesFen) });
    if (m.refundsFen)
      blocks.push({ t: 'pair', left: `  ${L.refunds} (${m.refundsCount})`, right: minus(m.refundsFen) });
  }
  blocks.push(
    { t: 'pair', left: L.totalSales, right: amount(r.totals.salesFen) },
    { t: 'pair', left: L.totalRefunds, right: r.totals.refundsFen ? minus(r.totals.refundsFen) : amount(0) },
    { t: 'pair', left: L.totalNet, right: amount(r.totals.netFen), bold: true },
    { t: 'rule' },
    { t: 'pair', left: L.orders, right: String(r.orders.paidCount) },
    { t: 'pair', left: L.items, right: String(r.orders.itemCount) },
    { t: 'pair', left: L.cancelled, right: `${r.orders.cancelledCount} (${amount(r.orders.cancelledFen)})` },
    { t: 'pair', left: L.lineDiscounts, right: r.discounts.lineFen ? minus(r.discounts.lineFen) : amount(0) },
    { t: 'pair', left: L.orderDiscounts, right: r.discounts.orderFen ? minus(r.discounts.orderFen) : amount(0) },
    { t: 'rule' },
    { t: 'text', text: L.drawer, bold: true },
    { t: 'pair', left: L.float, right: amount(r.drawer.floatFen) },
    { t: 'pair', left: L.cashSales, right: `+${amount(r.drawer.cashSalesFen)}` },
    { t: 'pair', left: L.cashRefunds, right: minus(r.drawer.cashRefundsFen) },
    { t: 'pair', left: L.paidIn, right: `+${amount(r.drawer.paidInFen)}` },
    { t: 'pair', left: L.paidOut, right: minus(r.drawer.paidOutFen) },
    { t: 'pair', left: L.expected, right: amount(r.drawer.expectedFen), bold: true },
  );
  if (z) {
    const v = z.varianceFen;
    blocks.push(
      { t: 'pair', left: L.counted, right: amount(z.countedFen), bold: true },
      {
        t: 'pair',
        left: L.variance,
        right: v === 0 ? `${amount(0)} ${L.exact}` : `${v > 0 ? '+' : ''}${amount(v)} ${v < 0 ? L.short : L.over}`,
        bold: true,
      },
    );
    if (z.varianceReason) blocks.push({ t: 'text', text: `${L.reason}: ${z.varianceReason}` });
  }
  if (r.moves.length) {
    blocks.push({ t: 'rule' }, { t: 'text', text: L.moves, bold: true });
    for (const m of r.moves)
      blocks.push(
        {
          t: 'pair',
          left: `${time(m.at).slice(11, 16)} ${m.kind === 'in' ? L.in : L.out}`,
          right: `${m.kind === 'in' ? '+' : '-'}${amount(m.amountFen)}`,
        },
        { t: 'text', text: `  ${m.reason} · ${m.by}` },
      );
  }
  if (r.intermediaries.length) {
    blocks.push({ t: 'rule' }, { t: 'text', text: L.intermediaries, bold: true });
    for (const i of r.intermediaries)
      blocks.push({
        t: 'pair',
        left: `${L[i.provider]} ${L.session}`,
        right: `${amount(i.session.payments.sumFen)} (${i.session.payments.count})`,
      });
  }
  if (r.pendingAttempts.length) {
    blocks.push({ t: 'rule' }, { t: 'text', text: z ? L.pending : L.pendingX, bold: true });
    for (const p of r.pendingAttempts)
      blocks.push({ t: 'pair', left: `${p.orderNumber} ${L[p.provider]}`, right: amount(p.amountFen) });
  }
  blocks.push({ t: 'rule' }, { t: 'center', text: `${L.printed} ${time(options.printedAt)}` });
  if (z) blocks.push({ t: 'barcode', data: z.number });
  return { number: z ? z.number : `X-${r.terminal}-${r.sessionId}-${r.until}`, blocks };
}

/** The printer's test page: Chinese, English, a mixed row, a QR and (where there is a cutter) a cut. */
export function testSlip(
  storeName: string,
  settings: { width: 58 | 80; codePage: PrinterCodePage },
  locale: Locale,
  at: string,
): Slip {
  const L = SLIP_LABELS[locale];
  return {
    number: 'TEST',
    blocks: [
      { t: 'title', text: storeName },
      { t: 'center', text: L.test, bold: true },
      { t: 'rule' },
      { t: 'text', text: '中文测试：收银小票打印正常' },
      { t: 'text', text: 'English test: receipt printing works' },
      { t: 'text', text: L.testLine },
      { t: 'pair', left: '可口可乐 Coca-Cola 330ml', right: '￥3.50' },
      { t: 'pair', left: L.width, right: `${settings.width} mm (${COLUMNS[settings.width]})` },
      { t: 'pair', left: L.codePage, right: settings.codePage.toUpperCase() },
      { t: 'pair', left: '时间 Time', right: at },
      { t: 'rule' },
      { t: 'qr', data: 'COUNTER-POS-TEST' },
      { t: 'center', text: L.cutBelow },
    ],
  };
}
