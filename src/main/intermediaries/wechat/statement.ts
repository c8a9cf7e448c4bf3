/**
 * WeChat Pay's downloadbill text (docs/protocols.md §3.4, the ALL format): backtick-led fields, a totals header and
 * line at the end. Pure and synchronous, and apart from the client so that a worker thread can parse
 * a 100k-row bill without loading the rest (core/worker-tasks.ts).
 */
import { beijingDay, isDay, parseBeijing, yuanToFen, yuanToFenRounded } from '../money';
import type { StatementOutcome, StatementRow } from '../provider';
import { statementOf } from '../statement';

function billCells(line: string): string[] | null {
  if (!line.startsWith('`')) return null;
  return line
    .slice(1)
    .split(',`')
    .map((c) => c.trim());
}

function invalid(reason: string): StatementOutcome {
  return { kind: 'invalid', reason };
}

export function parseWechatBill(file: Buffer, day: string, mchId: string | null): StatementOutcome {
  if (!isDay(day)) return invalid(`${day} is not a day (YYYY-MM-DD)`);
  const text = file.toString('utf8');
  if (text.includes('\ufffd')) return invalid('the bill is not UTF-8 text (another encoding?)');
  const lines = text
    .replace(/^\ufeff/, '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (lines.length < 3)
    return invalid('the bill is too short: a header, the totals header and the totals line are required');
  const header = lines[0]!.split(',').map((h) => h.trim());
  if (header[0] !== '交易时间')
    return invalid(`the first line is not the bill header: ${JSON.stringify(lines[0]!.slice(0, 60))}`);
  const totalsHeader = lines[lines.length - 2]!.split(',').map((h) => h.trim());
  if (totalsHeader[0] !== '总交易单数')
    return invalid('the totals header (总交易单数…) is missing: the file is truncated');
  const totals = billCells(lines[lines.length - 1]!);
  if (!totals || totals.length !== totalsHeader.length)
    return invalid('the totals line is missing or damaged: the file is truncated');
  const col = (name: string): number => header.indexOf(name);
  const cTime = col('交易时间');
  const cMch = col('商户号');
  const cTxn = col('微信订单号');
  const cOut = col('商户订单号');
  const cState = col('交易状态');
  const cCur = col('货币种类');
  const cOrder = col('订单金额') >= 0 ? col('订单金额') : col('总金额') >= 0 ? col('总金额') : col('应结订单金额');
  const cRefundNo = col('商户退款单号');
  const cRefund = col('退款金额');
  const cFee = col('手续费');
  for (const [name, c] of Object.entries({
    商户号: cMch,
    商户订单号: cOut,
    交易状态: cState,
    订单金额: cOrder,
    手续费: cFee,
  })) {
    if (c < 0) return invalid(`the header has no ${name} column`);
  }
  const rows: StatementRow[] = [];
  for (let i = 1; i < lines.length - 2; i++) {
    const where = `line ${i + 1}`;
    const cells = billCells(lines[i]!);
    if (!cells) return invalid(`${where} is not a bill row (fields start with a backtick)`);
    if (cells.length !== header.length)
      return invalid(`${where} has ${cells.length} fields, the header has ${header.length}`);
    if (mchId && cells[cMch] !== mchId) return invalid(`${where} is for merchant ${cells[cMch]}, not ${mchId}`);
    if (cCur >= 0 && cells[cCur] && cells[cCur] !== 'CNY') return invalid(`${where} is in ${cells[cCur]}, not CNY`);
    const at = parseBeijing(cells[cTime]!);
    if (at === null) return invalid(`${where} has an unreadable 交易时间 ${JSON.stringify(cells[cTime])}`);
    if (beijingDay(at) !== day) return invalid(`${where} is dated ${cells[cTime]}, not ${day}: the wrong day's bill`);
    const outTradeNo = cells[cOut]!;
    if (!outTradeNo) return invalid(`${where} has no 商户订单号`);
    const state = cells[cState]!;
    const order = yuanToFen(cells[cOrder]!);
    if (order === null) return invalid(`${where} has an unreadable amount ${JSON.stringify(cells[cOrder])}`);
    const fee = cells[cFee] === '' ? 0 : yuanToFenRounded(cells[cFee]!);
    if (fee === null) return invalid(`${where} has an unreadable fee ${JSON.stringify(cells[cFee])}`);
    let type: StatementRow['type'];
    let amountFen: number;
    let refundNo: string | null = null;
    if (state === 'SUCCESS') {
      type = 'payment';
      amountFen = Math.abs(order);
    } else if (state === 'REFUND' || state === 'REVOKED') {
      type = 'refund';
      const refund = cRefund >= 0 ? yuanToFen(cells[cRefund]!) : null;
      if (cRefund >= 0 && refund === null)
        return invalid(`${where} has an unreadable 退款金额 ${JSON.stringify(cells[cRefund])}`);
      amountFen = refund !== null && refund !== 0 ? Math.abs(refund) : Math.abs(order);
      refundNo = cRefundNo >= 0 ? cells[cRefundNo] || null : null;
      if (refundNo === '0') refundNo = null;
    } else {
      return invalid(`${where} has 交易状态 ${JSON.stringify(state)}, expected SUCCESS, REFUND or REVOKED`);
    }
    rows.push({
      outTradeNo,
      tradeNo: cTxn >= 0 ? cells[cTxn] || null : null,
      type,
      amountFen,
      feeFen: Math.abs(fee),
      refundNo,
      status: state,
      at,
    });
  }
  const count = Number(totals[0]);
  if (!Number.isInteger(count))
    return invalid(`the totals line's 总交易单数 ${JSON.stringify(totals[0])} is not a number`);
  if (count !== rows.length)
    return invalid(`the totals count ${count} rows but the file has ${rows.length}: truncated or altered`);
  for (let k = 1; k < totals.length; k++) {
    if (yuanToFenRounded(totals[k]!) === null)
      return invalid(`the totals line's ${totalsHeader[k]} ${JSON.stringify(totals[k])} is not an amount`);
  }
  return { kind: 'statement', statement: statementOf('wechat', day, mchId, rows) };
}
