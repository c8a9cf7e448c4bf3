/**
 * The YeePay statement. The legacy node interface has no statement download; the sandbox serves its
 * own documented daily CSV (docs/sandbox.md) by a signed GET:
 * `statement?p0_Cmd=DownloadStatement&p1_MerId=…&p2_Date=yyyy-MM-dd&hmac=HMAC(p0+p1+p2)`.
 *
 * Format (UTF-8): the header
 * `time,merchant_id,trx_id,order_id,type,amount,refund_amount,fee,net,bank_id,product,refund_id`,
 * one row per PAYMENT or REFUND (time is Beijing `yyyy-MM-dd HH:mm:ss`), then
 * `#total,<count>,<amount>,<refunds>,<fees>,<net>`. A missing total line means a truncated file.
 */
import { isDay, beijingDay, parseBeijing, yuanToFen } from '../money';
import type { StatementOutcome, StatementRow } from '../provider';
import { csvCells, statementOf } from '../statement';

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

const cells = csvCells;

const invalid = (reason: string): StatementOutcome => ({ kind: 'invalid', reason });

export function parseYeepayStatement(file: Buffer, day: string, merchantId: string): StatementOutcome {
  if (!isDay(day)) return invalid(`${day} is not a day (YYYY-MM-DD)`);
  const text = file.toString('utf8');
  if (text.includes('\ufffd')) return invalid('the statement is not UTF-8 text (another encoding?)');
  const lines = text
    .replace(/^\ufeff/, '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (lines.length === 0) return invalid('the statement is empty');
  const header = cells(lines[0]!);
  if (header.join(',') !== YEEPAY_STATEMENT_HEADER.join(','))
    return invalid(`unexpected header: ${JSON.stringify(lines[0]!.slice(0, 80))}`);
  const at = (name: string) => header.indexOf(name);
  const rows: StatementRow[] = [];
  let total: string[] | null = null;
  for (let i = 1; i < lines.length; i++) {
    const where = `line ${i + 1}`;
    const c = cells(lines[i]!);
    if (c[0] === '#total') {
      if (i !== lines.length - 1) return invalid(`${where}: rows after the #total line`);
      total = c;
      break;
    }
    if (c.length !== header.length) return invalid(`${where} has ${c.length} cells, the header has ${header.length}`);
    if (c[at('merchant_id')] !== merchantId)
      return invalid(`${where} is for merchant ${c[at('merchant_id')]}, not ${merchantId}`);
    const time = parseBeijing(c[at('time')]!);
    if (time === null) return invalid(`${where} has an unreadable time ${JSON.stringify(c[at('time')])}`);
    if (beijingDay(time) !== day)
      return invalid(`${where} is dated ${c[at('time')]}, not ${day}: the wrong day's statement`);
    const outTradeNo = c[at('order_id')]!;
    if (!outTradeNo) return invalid(`${where} has no order_id`);
    const type = c[at('type')];
    const amount = yuanToFen(c[at(type === 'REFUND' ? 'refund_amount' : 'amount')]!);
    const fee = yuanToFen(c[at('fee')]!);
    if (amount === null) return invalid(`${where} has an unreadable amount`);
    if (fee === null) return invalid(`${where} has an unreadable fee ${JSON.stringify(c[at('fee')])}`);
    if (type !== 'PAYMENT' && type !== 'REFUND')
      return invalid(`${where} has type ${JSON.stringify(type)}, expected PAYMENT or REFUND`);
    rows.push({
      outTradeNo,
      tradeNo: c[at('trx_id')] || null,
      type: type === 'PAYMENT' ? 'payment' : 'refund',
      amountFen: Math.abs(amount),
      feeFen: Math.abs(fee),
      refundNo: type === 'REFUND' ? c[at('refund_id')] || null : null,
      status: type,
      at: time,
    });
  }
  if (!total) return invalid('no #total line: the statement is truncated');
  if (Number(total[1]) !== rows.length)
    return invalid(`#total counts ${total[1]} rows but the statement has ${rows.length}: truncated or altered`);
  if (rows.length === 0) return { kind: 'none' };
  const statement = statementOf('yeepay', day, merchantId, rows);
  const amount = yuanToFen(total[2] ?? '');
  const refunds = yuanToFen(total[3] ?? '');
  if (amount !== statement.totals.amountFen || refunds !== statement.totals.refundFen) {
    return invalid(`#total amounts (${total[2]}, ${total[3]}) do not add up with the rows: altered`);
  }
  return { kind: 'statement', statement };
}
