/** The trade a WeChat Pay answer or notification describes, in fen, or why it cannot be trusted. */
import { fenText, parseBeijing } from '../money';
import { untrusted, type Trade, type Untrusted } from '../provider';
import type { Fields } from './xml';

export function tradeOf(d: Fields): Trade | Untrusted {
  if (d.fee_type && d.fee_type !== 'CNY') return untrusted('wrong_currency', `the trade is in ${d.fee_type}, not CNY`);
  const amountFen = fenText(d.total_fee ?? '');
  if (amountFen === null)
    return untrusted('malformed', `total_fee ${JSON.stringify(d.total_fee ?? null)} is not an amount in fen`);
  return {
    tradeNo: d.transaction_id || null,
    amountFen,
    paidAt: d.time_end ? parseBeijing(d.time_end) : null,
    buyer: d.openid || null,
  };
}
