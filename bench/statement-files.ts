/**
 * A day of intermediary payments for the benchmarks, as the till holds them (one paid order and
 * attempt each) and as the intermediary's statement file says them: an Alipay `trade` bill (a zip of
 * GBK CSVs, docs/protocols.md §2.9) and a WeChat Pay downloadbill text (§3.4, the ALL format), in the formats the
 * sandbox serves (src/sandbox/statements.ts) and the clients parse.
 */
import type BetterSqlite3 from 'better-sqlite3';
import iconv from 'iconv-lite';
import JSZip from 'jszip';
import type { StatementFormat } from '../src/main/intermediaries/provider';
import { ALIPAY_DETAIL_HEADER, WECHAT_ALL_HEADER, WECHAT_ALL_TOTALS } from '../src/sandbox/statements';
import { fmtChinese, fmtDateTime } from '../src/sandbox/time';
import { rng } from './stats';

export interface DayPayments {
  provider: 'alipay' | 'wechat';
  day: string;
  trades: { outTradeNo: string; tradeNo: string; amountFen: number; paidAt: number; mode: 'qr' | 'payment_code' }[];
}

const BEIJING_MS = 8 * 3600_000;
export const BENCH_MCH_ID = '1900000109';
export const BENCH_ALIPAY_ACCOUNT = '20880000000000010156';

/** `n` payments spread over the Beijing day `day` (none in the last or first minute). */
export function dayPayments(provider: DayPayments['provider'], day: string, n: number, seed = 20261126): DayPayments {
  const random = rng(seed);
  const from = Date.parse(`${day}T00:00:00Z`) - BEIJING_MS;
  const step = Math.floor((86_400_000 - 120_000) / n);
  const letter = provider === 'alipay' ? 'A' : 'W';
  const compact = day.replaceAll('-', '');
  const trades: DayPayments['trades'] = [];
  for (let i = 0; i < n; i++) {
    trades.push({
      outTradeNo: `${compact}${String(i + 1).padStart(6, '0')}T01BENCH${letter}1`,
      tradeNo: `${compact}2200${String(i + 1).padStart(10, '0')}`,
      amountFen: 100 + Math.floor(random() * 20_000),
      paidAt: from + 60_000 + i * step,
      mode: i % 3 === 0 ? 'payment_code' : 'qr',
    });
  }
  return { provider, day, trades };
}

/** Writes the payments as the till's own: a paid order and its paid attempt each (ids from `firstId`). */
export function seedPayments(db: BetterSqlite3.Database, p: DayPayments, firstId: number): void {
  const order = db.prepare(
    `insert into orders (id, number, business_day, seq, status, clerk, terminal, subtotal_fen, line_discount_fen, order_discount_fen, total_fen, item_count, created_at, paid_at)
     values (?, ?, ?, ?, 'paid', 'bench', 'T01', ?, 0, 0, ?, 1, ?, ?)`,
  );
  const attempt = db.prepare(
    `insert into payment_attempts (id, order_id, method, mode, out_trade_no, amount_fen, state, unknown, created_at, updated_at, paid_at)
     values (?, ?, ?, ?, ?, ?, 'paid', 0, ?, ?, ?)`,
  );
  db.transaction(() => {
    p.trades.forEach((t, i) => {
      const id = firstId + i;
      order.run(
        id,
        `${p.day.replaceAll('-', '')}-${String(id).padStart(7, '0')}`,
        p.day,
        id,
        t.amountFen,
        t.amountFen,
        t.paidAt - 30_000,
        t.paidAt,
      );
      attempt.run(id, id, p.provider, t.mode, t.outTradeNo, t.amountFen, t.paidAt - 30_000, t.paidAt, t.paidAt);
    });
  })();
}

const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
const fee = (fen: number) => Math.round(fen * 0.006);

/** The Alipay `trade` bill for the day: its business detail CSV (GBK) in a zip. */
export async function alipayBill(p: DayPayments): Promise<{ file: Buffer; format: StatementFormat }> {
  const from = Date.parse(`${p.day}T00:00:00Z`) - BEIJING_MS;
  const lines = [
    '#支付宝业务明细查询',
    `#账号：[${BENCH_ALIPAY_ACCOUNT}]`,
    `#起始日期：[${fmtChinese(from)}]   终止日期：[${fmtChinese(from + 86_400_000)}]`,
    '#-----------------------------------------业务明细列表----------------------------------------',
    ALIPAY_DETAIL_HEADER.join(','),
  ];
  let received = 0;
  for (const t of p.trades) {
    received += t.amountFen;
    lines.push(
      [
        `${t.tradeNo}\t`,
        `${t.outTradeNo}\t`,
        '交易',
        '便利店消费',
        fmtDateTime(t.paidAt - 30_000),
        fmtDateTime(t.paidAt),
        '',
        '',
        '',
        'T01',
        'buyer@example.com',
        yuan(t.amountFen),
        yuan(t.amountFen),
        '0.00',
        '0.00',
        '0.00',
        '0.00',
        '0.00',
        '',
        '0.00',
        '0.00',
        '',
        `-${yuan(fee(t.amountFen))}`,
        '0.00',
        '',
      ].join(','),
    );
  }
  lines.push(
    '#-----------------------------------------业务明细列表结束------------------------------------',
    `#交易合计：${p.trades.length}笔，商家实收共${yuan(received)}元，商家优惠共0.00元`,
    '#退款合计：0笔，商家实收退款共0.00元，商家优惠退款共0.00元',
    `#导出时间：[${fmtChinese(from + 86_400_000 + 3_600_000)}]`,
  );
  const zip = new JSZip();
  zip.file(
    `${BENCH_ALIPAY_ACCOUNT}_${p.day.replaceAll('-', '')}_业务明细.csv`,
    iconv.encode(`${lines.join('\r\n')}\r\n`, 'gbk'),
  );
  return {
    file: await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }),
    format: { kind: 'alipay', sellerId: null },
  };
}

/** The WeChat Pay downloadbill (ALL) for the day. */
export function wechatBill(p: DayPayments): { file: Buffer; format: StatementFormat } {
  const lines = [WECHAT_ALL_HEADER.join(',')];
  let settled = 0;
  let fees = 0;
  for (const t of p.trades) {
    settled += t.amountFen;
    fees += fee(t.amountFen);
    const cells = [
      fmtDateTime(t.paidAt),
      'wx2421b1c4370ec43b',
      BENCH_MCH_ID,
      '0',
      'T01',
      t.tradeNo,
      t.outTradeNo,
      'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
      t.mode === 'payment_code' ? 'MICROPAY' : 'NATIVE',
      'SUCCESS',
      'OTHERS',
      'CNY',
      yuan(t.amountFen),
      '0.00',
      '0',
      '0',
      '0.00',
      '0.00',
      '',
      '',
      '便利店消费',
      '',
      `${yuan(fee(t.amountFen))}000`,
      '0.60%',
      yuan(t.amountFen),
      '0.00',
      '',
    ];
    lines.push(cells.map((c) => `\`${c}`).join(','));
  }
  lines.push(WECHAT_ALL_TOTALS.join(','));
  lines.push(
    [String(p.trades.length), yuan(settled), '0.00', '0.00', `${yuan(fees)}000`, yuan(settled), '0.00']
      .map((c) => `\`${c}`)
      .join(','),
  );
  return { file: Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8'), format: { kind: 'wechat', mchId: BENCH_MCH_ID } };
}
