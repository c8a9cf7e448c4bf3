/** The trade a YeePay answer or callback describes, in fen, or why it cannot be trusted. */
import { parseBeijing, yuanToFen } from '../money';
import { untrusted, type Trade, type Untrusted } from '../provider';
import type { Fields } from './form';

export function tradeOf(a: Fields): Trade | Untrusted {
  const cur = a.r4_Cur ?? '';
  if (cur !== '' && cur !== 'RMB' && cur !== 'CNY')
    return untrusted('wrong_currency', `the trade is in ${cur}, not CNY/RMB`);
  const amountFen = yuanToFen(a.r3_Amt ?? '');
  if (amountFen === null) return untrusted('malformed', `r3_Amt ${JSON.stringify(a.r3_Amt ?? null)} is not an amount`);
  return {
    tradeNo: a.r2_TrxId || null,
    amountFen,
    paidAt: a.rp_PayDate ? parseBeijing(a.rp_PayDate) : null,
    buyer: a.r7_Uid || null,
  };
}
