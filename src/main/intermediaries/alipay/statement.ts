/**
 * Alipay's `trade` bill (docs/protocols.md §2.9): a zip of GBK CSVs, the business detail (业务明细) read row by row.
 * Pure and synchronous, and apart from the client (and its SDK) so that a worker thread can parse a
 * 100k-row bill without loading the rest (core/worker-tasks.ts).
 */
import iconv from 'iconv-lite';
import { beijingDay, isDay, parseBeijing, yuanToFen } from '../money';
import type { StatementOutcome, StatementRow } from '../provider';
import { csvCells, statementOf } from '../statement';
import { readZip, ZipError } from '../zip';

const DETAIL_HEADER = '支付宝交易号';

function invalid(reason: string): StatementOutcome {
  return { kind: 'invalid', reason };
}

export function parseAlipayBill(file: Buffer, day: string, sellerId: string | null): StatementOutcome {
  if (!isDay(day)) return invalid(`${day} is not a day (YYYY-MM-DD)`);
  let entries;
  try {
    entries = readZip(file);
  } catch (err) {
    return invalid(err instanceof ZipError ? err.message : `not a zip archive: ${(err as Error).message}`);
  }
  let detail: string | null = null;
  let utf8Seen = false;
  for (const e of entries) {
    const gbk = iconv.decode(e.data, 'gbk');
    if (gbk.split(/\r?\n/).some((l) => l.trim().startsWith(`${DETAIL_HEADER},`))) {
      if (gbk.includes('\ufffd')) return invalid(`${e.name} is not valid GBK text`);
      if (detail !== null) return invalid('the zip holds more than one business detail (业务明细) file');
      detail = gbk;
    } else if (e.data.toString('utf8').includes(DETAIL_HEADER)) {
      utf8Seen = true;
    }
  }
  if (detail === null) {
    return invalid(
      utf8Seen
        ? 'the bill is encoded as UTF-8, not GBK as Alipay bills are'
        : 'the zip holds no business detail (业务明细) CSV with a 支付宝交易号 header',
    );
  }
  const lines = detail.replace(/^\ufeff/, '').split(/\r?\n/);
  let merchantId: string | null = null;
  let headerAt = -1;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!.trim();
    if (l.startsWith('#')) {
      const acct = /账号[：:]\s*\[?\s*([0-9A-Za-z@._-]+)\s*\]?/.exec(l);
      if (acct && merchantId === null) merchantId = acct[1]!;
      const start = /起始日期[：:]\s*\[?\s*(\d{4})\D(\d{2})\D(\d{2})/.exec(l);
      if (start) {
        const fileDay = `${start[1]}-${start[2]}-${start[3]}`;
        if (fileDay !== day) return invalid(`the bill is for ${fileDay}, not ${day}`);
      }
      continue;
    }
    if (l.startsWith(`${DETAIL_HEADER},`)) {
      headerAt = i;
      break;
    }
    if (l !== '') return invalid(`unexpected line ${i + 1} before the header: ${JSON.stringify(l.slice(0, 60))}`);
  }
  if (headerAt < 0) return invalid('no header line');
  if (sellerId && merchantId && !merchantId.startsWith(sellerId)) {
    return invalid(`the bill is for account ${merchantId}, not seller ${sellerId}`);
  }
  const header = csvCells(lines[headerAt]!);
  const col = (prefix: string): number => header.findIndex((h) => h.startsWith(prefix));
  const cTradeNo = col('支付宝交易号');
  const cOut = col('商户订单号');
  const cType = col('业务类型');
  const cDone = col('完成时间');
  const cAmount = col('订单金额');
  const cReceived = col('商家实收');
  const cFee = col('服务费');
  const cRefundNo = col('退款批次号');
  for (const [name, c] of Object.entries({
    商户订单号: cOut,
    业务类型: cType,
    完成时间: cDone,
    订单金额: cAmount,
    服务费: cFee,
    退款批次号: cRefundNo,
  })) {
    if (c < 0) return invalid(`the header has no ${name} column`);
  }
  const rows: StatementRow[] = [];
  let ended = false;
  let footerCount: number | null = null;
  for (let i = headerAt + 1; i < lines.length; i++) {
    const l = lines[i]!.trim();
    if (l === '') continue;
    if (l.startsWith('#')) {
      if (/业务明细列表结束/.test(l)) ended = true;
      const trade = /交易合计[：:]\s*(\d+)\s*笔/.exec(l);
      const refund = /退款合计[：:]\s*(\d+)\s*笔/.exec(l);
      if (trade) footerCount = (footerCount ?? 0) + Number(trade[1]);
      if (refund) footerCount = (footerCount ?? 0) + Number(refund[1]);
      continue;
    }
    if (ended) return invalid(`line ${i + 1} comes after the end of the detail list`);
    const cells = csvCells(l);
    const where = `line ${i + 1}`;
    if (cells.length !== header.length)
      return invalid(`${where} has ${cells.length} cells, the header has ${header.length}`);
    const outTradeNo = cells[cOut]!;
    if (!outTradeNo) return invalid(`${where} has no 商户订单号`);
    const kind = cells[cType]!;
    if (kind !== '交易' && kind !== '退款')
      return invalid(`${where} has 业务类型 ${JSON.stringify(kind)}, expected 交易 or 退款`);
    const amount = yuanToFen(cells[cAmount]!);
    if (amount === null) return invalid(`${where} has an unreadable amount ${JSON.stringify(cells[cAmount])}`);
    // a refund row's own amount is in 商家实收 (negative); 订单金额 may repeat the order's total
    const refundAmount = kind === '退款' && cReceived >= 0 ? yuanToFen(cells[cReceived]!) : amount;
    if (refundAmount === null)
      return invalid(`${where} has an unreadable 商家实收 ${JSON.stringify(cells[cReceived])}`);
    const fee = cells[cFee] === '' ? 0 : yuanToFen(cells[cFee]!);
    if (fee === null) return invalid(`${where} has an unreadable fee ${JSON.stringify(cells[cFee])}`);
    const at = parseBeijing(cells[cDone]!);
    if (at === null) return invalid(`${where} has an unreadable 完成时间 ${JSON.stringify(cells[cDone])}`);
    if (beijingDay(at) !== day) return invalid(`${where} is dated ${cells[cDone]}, not ${day}: the wrong day's bill`);
    const refundNo = cells[cRefundNo] || null;
    rows.push({
      outTradeNo,
      tradeNo: cTradeNo >= 0 ? cells[cTradeNo] || null : null,
      type: kind === '交易' ? 'payment' : 'refund',
      amountFen: Math.abs(kind === '交易' ? amount : refundAmount),
      feeFen: Math.abs(fee),
      refundNo: kind === '退款' ? refundNo : null,
      status: kind,
      at,
    });
  }
  if (!ended) return invalid('the detail list has no end line (业务明细列表结束): the file is truncated');
  if (footerCount !== null && footerCount !== rows.length) {
    return invalid(`the footer counts ${footerCount} rows but the file has ${rows.length}: truncated or altered`);
  }
  return { kind: 'statement', statement: statementOf('alipay', day, merchantId, rows) };
}
