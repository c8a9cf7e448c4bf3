/** The trade an Alipay answer or notification describes, in fen, or why it cannot be trusted. */
import { parseBeijing, yuanToFen } from '../money';
import { untrusted, type Trade, type Untrusted } from '../provider';
import type { Data } from './signing';

export function s(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

export function tradeOf(data: Data): Trade | Untrusted {
  const currency = s(data.trans_currency);
  if (currency && currency !== 'CNY') return untrusted('wrong_currency', `the trade is in ${currency}, not CNY`);
  const amountFen = yuanToFen(s(data.total_amount));
  if (amountFen === null)
    return untrusted('malformed', `total_amount ${JSON.stringify(data.total_amount)} is not an amount`);
  return {
    tradeNo: s(data.trade_no) || null,
    amountFen,
    paidAt: parseBeijing(s(data.gmt_payment) || s(data.send_pay_date)),
    buyer: s(data.buyer_logon_id) || s(data.buyer_user_id) || null,
  };
}
