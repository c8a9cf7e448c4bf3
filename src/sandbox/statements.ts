/**
 * Daily statements in the real formats: Alipay's zip of two GBK CSVs (docs/protocols.md §2.9), WeChat's downloadbill
 * text (§3.4, the 27-column ALL format), and the sandbox's own documented CSV for YeePay.
 * Fees: 0.6 % of each amount, rounded half up to the fen; a refund gives back the fee on its part.
 */
import iconv from 'iconv-lite';
import JSZip from 'jszip';
import type { Ctx } from './context';
import { FEE_RATE_TEXT, feeFen, yuan } from './money';
import { SANDBOX_BUYER } from './notify';
import { extraOf, type Provider, type Refund, type Trade } from './store';
import { beijingDayStart, fmtChinese, fmtDateTime } from './time';

/** `yyyy-MM-dd` → that Beijing day; `yyyy-MM` → that month. Null when invalid. */
export function billWindow(date: string): { from: number; to: number } | null {
  if (/^\d{4}-\d{2}-\d{2}$/.test(date)) {
    const from = beijingDayStart(date);
    return from === null ? null : { from, to: from + 86_400_000 };
  }
  const m = /^(\d{4})-(\d{2})$/.exec(date);
  if (!m) return null;
  const from = beijingDayStart(`${date}-01`);
  if (from === null) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const next = mo === 12 ? `${y + 1}-01-01` : `${y}-${String(mo + 1).padStart(2, '0')}-01`;
  const to = beijingDayStart(next);
  return to === null ? null : { from, to };
}

type Row =
  | { kind: 'trade'; at: number; trade: Trade }
  | { kind: 'refund'; at: number; trade: Trade; refund: Refund }
  | { kind: 'revoke'; at: number; trade: Trade };

/** Every money movement of a provider in a window: payments, refunds, reversals of paid trades. */
export function billRows(ctx: Ctx, provider: Provider, date: string): Row[] {
  const w = billWindow(date);
  if (!w) return [];
  const rows: Row[] = [];
  for (const t of ctx.store.tradesPaidBetween(provider, w.from, w.to))
    rows.push({ kind: 'trade', at: t.paid_at ?? 0, trade: t });
  for (const r of ctx.store.refundsFinishedBetween(provider, w.from, w.to)) {
    const t = ctx.store.trade(provider, r.out_trade_no);
    if (t) rows.push({ kind: 'refund', at: r.finished_at ?? r.created_at, trade: t, refund: r });
  }
  for (const t of ctx.store.tradesRevokedBetween(provider, w.from, w.to))
    rows.push({ kind: 'revoke', at: t.closed_at ?? 0, trade: t });
  return rows.sort((a, b) => a.at - b.at);
}

export function hasBillData(ctx: Ctx, provider: Provider, date: string): boolean {
  return billRows(ctx, provider, date).length > 0;
}

function csvCell(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

const neg = (fen: number): string => (fen === 0 ? '0.00' : `-${yuan(fen)}`);

// ---------------------------------------------------------------- Alipay

export const ALIPAY_DETAIL_HEADER = [
  '支付宝交易号',
  '商户订单号',
  '业务类型',
  '商品名称',
  '创建时间',
  '完成时间',
  '门店编号',
  '门店名称',
  '操作员',
  '终端号',
  '对方账户',
  '订单金额（元）',
  '商家实收（元）',
  '支付宝红包（元）',
  '集分宝（元）',
  '支付宝优惠（元）',
  '商家优惠（元）',
  '券核销金额（元）',
  '券名称',
  '商家红包消费金额（元）',
  '卡消费金额（元）',
  '退款批次号/请求号',
  '服务费（元）',
  '分润（元）',
  '备注',
];

export const ALIPAY_SUMMARY_HEADER = [
  '门店编号',
  '门店名称',
  '交易订单总笔数',
  '退款订单总笔数',
  '订单金额（元）',
  '商家实收（元）',
  '支付宝红包（元）',
  '集分宝（元）',
  '支付宝优惠（元）',
  '商家优惠（元）',
  '券核销金额（元）',
  '商家红包消费金额（元）',
  '卡消费金额（元）',
  '服务费（元）',
  '分润（元）',
  '实收净额（元）',
];

/** The `trade` bill: a zip holding the GBK detail and summary CSVs. */
export async function alipayBillZip(ctx: Ctx, date: string): Promise<Buffer> {
  const w = billWindow(date) ?? { from: 0, to: 0 };
  const account = `${ctx.creds.alipay.sellerId}0156`;
  const rows = billRows(ctx, 'alipay', date);
  const detail: string[][] = [];
  let tradeCount = 0;
  let refundCount = 0;
  let received = 0;
  let refunded = 0;
  const stores = new Map<string, { trades: number; refunds: number; amount: number; received: number; fee: number }>();
  for (const row of rows) {
    const t = row.trade;
    const x = extraOf(t);
    const storeId = x['store_id'] ?? '';
    const s = stores.get(storeId) ?? { trades: 0, refunds: 0, amount: 0, received: 0, fee: 0 };
    stores.set(storeId, s);
    const common = [`${t.trade_no}\t`, `${t.out_trade_no}\t`];
    const where = [storeId, '', x['operator_id'] ?? '', x['terminal_id'] ?? '', SANDBOX_BUYER.alipayLogonId];
    if (row.kind === 'trade') {
      const fee = feeFen(t.amount_fen);
      tradeCount++;
      received += t.amount_fen;
      s.trades++;
      s.amount += t.amount_fen;
      s.received += t.amount_fen;
      s.fee -= fee;
      detail.push([
        ...common,
        '交易',
        t.subject,
        fmtDateTime(t.created_at),
        fmtDateTime(row.at),
        ...where,
        yuan(t.amount_fen),
        yuan(t.amount_fen),
        '0.00',
        '0.00',
        '0.00',
        '0.00',
        '0.00',
        '',
        '0.00',
        '0.00',
        '',
        neg(fee),
        '0.00',
        '',
      ]);
    } else {
      const amount = row.kind === 'refund' ? row.refund.amount_fen : t.amount_fen;
      const fee = feeFen(amount);
      refundCount++;
      refunded += amount;
      s.refunds++;
      s.received -= amount;
      s.fee += fee;
      detail.push([
        ...common,
        '退款',
        t.subject,
        fmtDateTime(t.created_at),
        fmtDateTime(row.at),
        ...where,
        yuan(t.amount_fen),
        neg(amount),
        '0.00',
        '0.00',
        '0.00',
        '0.00',
        '0.00',
        '',
        '0.00',
        '0.00',
        row.kind === 'refund' ? row.refund.out_request_no : t.out_trade_no,
        yuan(fee),
        '0.00',
        row.kind === 'refund' ? row.refund.reason : '撤销退款',
      ]);
    }
  }
  const range = `#起始日期：[${fmtChinese(w.from)}]   终止日期：[${fmtChinese(w.to)}]`;
  const detailLines = [
    '#支付宝业务明细查询',
    `#账号：[${account}]`,
    range,
    '#-----------------------------------------业务明细列表----------------------------------------',
    ALIPAY_DETAIL_HEADER.join(','),
    ...detail.map((r) => r.map(csvCell).join(',')),
    '#-----------------------------------------业务明细列表结束------------------------------------',
    `#交易合计：${tradeCount}笔，商家实收共${yuan(received)}元，商家优惠共0.00元`,
    `#退款合计：${refundCount}笔，商家实收退款共${neg(refunded)}元，商家优惠退款共0.00元`,
    `#导出时间：[${fmtChinese(ctx.now())}]`,
  ];
  const summary: string[][] = [];
  let total = { trades: 0, refunds: 0, amount: 0, received: 0, fee: 0 };
  for (const [storeId, s] of stores) {
    summary.push([
      storeId,
      '',
      String(s.trades),
      String(s.refunds),
      yuan(s.amount),
      signed(s.received),
      '0.00',
      '0.00',
      '0.00',
      '0.00',
      '0.00',
      '0.00',
      '0.00',
      signed(s.fee),
      '0.00',
      signed(s.received + s.fee),
    ]);
    total = {
      trades: total.trades + s.trades,
      refunds: total.refunds + s.refunds,
      amount: total.amount + s.amount,
      received: total.received + s.received,
      fee: total.fee + s.fee,
    };
  }
  summary.push([
    '合计',
    '',
    String(total.trades),
    String(total.refunds),
    yuan(total.amount),
    signed(total.received),
    '0.00',
    '0.00',
    '0.00',
    '0.00',
    '0.00',
    '0.00',
    '0.00',
    signed(total.fee),
    '0.00',
    signed(total.received + total.fee),
  ]);
  const summaryLines = [
    '#支付宝业务汇总查询',
    `#账号：[${account}]`,
    range,
    '#-----------------------------------------业务汇总列表----------------------------------------',
    ALIPAY_SUMMARY_HEADER.join(','),
    ...summary.map((r) => r.map(csvCell).join(',')),
    '#-----------------------------------------业务汇总列表结束------------------------------------',
    `#导出时间：[${fmtChinese(ctx.now())}]`,
  ];
  const day = date.replace(/-/g, '');
  const zip = new JSZip();
  zip.file(`${account}_${day}_业务明细.csv`, iconv.encode(detailLines.join('\r\n') + '\r\n', 'gbk'));
  zip.file(`${account}_${day}_业务明细(汇总).csv`, iconv.encode(summaryLines.join('\r\n') + '\r\n', 'gbk'));
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

function signed(fen: number): string {
  return fen < 0 ? neg(-fen) : yuan(fen);
}

// ---------------------------------------------------------------- WeChat

export const WECHAT_ALL_HEADER = [
  '交易时间',
  '公众账号ID',
  '商户号',
  '特约商户号',
  '设备号',
  '微信订单号',
  '商户订单号',
  '用户标识',
  '交易类型',
  '交易状态',
  '付款银行',
  '货币种类',
  '应结订单金额',
  '代金券金额',
  '微信退款单号',
  '商户退款单号',
  '退款金额',
  '充值券退款金额',
  '退款类型',
  '退款状态',
  '商品名称',
  '商户数据包',
  '手续费',
  '费率',
  '订单金额',
  '申请退款金额',
  '费率备注',
];
export const WECHAT_ALL_TOTALS = [
  '总交易单数',
  '应结订单总金额',
  '退款总金额',
  '充值券退款总金额',
  '手续费总金额',
  '订单总金额',
  '申请退款总金额',
];

/** WeChat fees carry 5 decimals in bills (the sandbox's fee is whole fen, so the last 3 are 0). */
function fee5(fen: number): string {
  return `${fen < 0 ? '-' : ''}${yuan(Math.abs(fen))}000`;
}

/** The downloadbill text for `yyyyMMdd`, or null when there is nothing ("No Bill Exist"). */
export function wechatBill(ctx: Ctx, billDate: string, billType: 'ALL' | 'SUCCESS' | 'REFUND'): string | null {
  const day = `${billDate.slice(0, 4)}-${billDate.slice(4, 6)}-${billDate.slice(6, 8)}`;
  const rows = billRows(ctx, 'wechat', day).filter((r) =>
    billType === 'ALL' ? true : billType === 'SUCCESS' ? r.kind === 'trade' : r.kind !== 'trade',
  );
  if (rows.length === 0) return null;
  let settled = 0;
  let refundedSum = 0;
  let feeSum = 0;
  let orderSum = 0;
  let appliedSum = 0;
  const lines = [WECHAT_ALL_HEADER.join(',')];
  for (const row of rows) {
    const t = row.trade;
    const x = extraOf(t);
    const type = t.mode === 'code' ? 'MICROPAY' : 'NATIVE';
    const head = [
      fmtDateTime(row.at),
      ctx.creds.wechat.appId,
      ctx.creds.wechat.mchId,
      '0',
      x['device_info'] ?? '',
      t.trade_no,
      t.out_trade_no,
      SANDBOX_BUYER.wechatOpenId,
      type,
    ];
    let cells: string[];
    if (row.kind === 'trade') {
      const fee = feeFen(t.amount_fen);
      settled += t.amount_fen;
      orderSum += t.amount_fen;
      feeSum += fee;
      cells = [
        ...head,
        'SUCCESS',
        'OTHERS',
        'CNY',
        yuan(t.amount_fen),
        '0.00',
        '0',
        '0',
        '0.00',
        '0.00',
        '',
        '',
        t.subject,
        x['attach'] ?? '',
        fee5(fee),
        FEE_RATE_TEXT,
        yuan(t.amount_fen),
        '0.00',
        '',
      ];
    } else {
      const amount = row.kind === 'refund' ? row.refund.amount_fen : t.amount_fen;
      const fee = feeFen(amount);
      refundedSum += amount;
      appliedSum += amount;
      feeSum -= fee;
      const ids =
        row.kind === 'refund' ? [row.refund.refund_id, row.refund.out_request_no] : [t.trade_no, t.out_trade_no];
      cells = [
        ...head,
        row.kind === 'refund' ? 'REFUND' : 'REVOKED',
        'OTHERS',
        'CNY',
        '0.00',
        '0.00',
        ...ids,
        yuan(amount),
        '0.00',
        'ORIGINAL',
        'SUCCESS',
        t.subject,
        x['attach'] ?? '',
        fee5(-fee),
        FEE_RATE_TEXT,
        '0.00',
        yuan(amount),
        '',
      ];
    }
    lines.push(cells.map((c) => '`' + c).join(','));
  }
  lines.push(WECHAT_ALL_TOTALS.join(','));
  lines.push(
    [String(rows.length), yuan(settled), yuan(refundedSum), '0.00', fee5(feeSum), yuan(orderSum), yuan(appliedSum)]
      .map((c) => '`' + c)
      .join(','),
  );
  return lines.join('\r\n') + '\r\n';
}

// ---------------------------------------------------------------- YeePay (the sandbox's own format)

export const YEEPAY_STATEMENT_HEADER = [
  'time',
  'merchant_id',
  'trx_id',
  'order_id',
  'type',
  'amount',
  'refund_amount',
  'fee',
  'net',
  'bank_id',
  'product',
  'refund_id',
];

/** UTF-8 CSV, one row per payment or refund, then a `#total` line (docs/sandbox.md). */
export function yeepayStatement(ctx: Ctx, date: string): string {
  const lines = [YEEPAY_STATEMENT_HEADER.join(',')];
  let count = 0;
  let amount = 0;
  let refunds = 0;
  let fees = 0;
  for (const row of billRows(ctx, 'yeepay', date)) {
    const t = row.trade;
    const x = extraOf(t);
    count++;
    if (row.kind === 'trade') {
      const fee = feeFen(t.amount_fen);
      amount += t.amount_fen;
      fees += fee;
      lines.push(
        [
          fmtDateTime(row.at),
          ctx.creds.yeepay.merchantId,
          t.trade_no,
          t.out_trade_no,
          'PAYMENT',
          yuan(t.amount_fen),
          '0.00',
          yuan(fee),
          yuan(t.amount_fen - fee),
          x['bank'] ?? '',
          x['p5_Pid'] ?? '',
          '',
        ]
          .map(csvCell)
          .join(','),
      );
    } else {
      const r = row.kind === 'refund' ? row.refund.amount_fen : t.amount_fen;
      const fee = feeFen(r);
      refunds += r;
      fees -= fee;
      lines.push(
        [
          fmtDateTime(row.at),
          ctx.creds.yeepay.merchantId,
          t.trade_no,
          t.out_trade_no,
          'REFUND',
          '0.00',
          yuan(r),
          neg(fee),
          neg(r - fee),
          x['bank'] ?? '',
          x['p5_Pid'] ?? '',
          row.kind === 'refund' ? row.refund.refund_id : '',
        ]
          .map(csvCell)
          .join(','),
      );
    }
  }
  lines.push(
    ['#total', String(count), yuan(amount), yuan(refunds), signed(fees), signed(amount - refunds - fees)].join(','),
  );
  return lines.join('\n') + '\n';
}
