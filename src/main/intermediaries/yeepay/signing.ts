/**
 * YeePay's signing (§1.2–§1.7), one place: HMAC-MD5 with the merchant key over the values of each
 * message's fields in their documented order (UTF-8, lowercase hex), for the Buy form, the
 * commands, their answers and the callbacks.
 */
import { createHmac } from 'node:crypto';
import { safeEqual } from '../http';
import { untrusted, type Untrusted } from '../provider';
import type { Fields } from './form';

/** §1.2: the Buy fields in HMAC order. */
export const BUY_ORDER = [
  'p0_Cmd',
  'p1_MerId',
  'p2_Order',
  'p3_Amt',
  'p4_Cur',
  'p5_Pid',
  'p6_Pcat',
  'p7_Pdesc',
  'p8_Url',
  'p9_SAF',
  'pa_MP',
  'pd_FrpId',
  'pr_NeedResponse',
] as const;
/** §1.4: the callback HMAC order (p1_MerId is the configured one). */
export const CALLBACK_ORDER = [
  'p1_MerId',
  'r0_Cmd',
  'r1_Code',
  'r2_TrxId',
  'r3_Amt',
  'r4_Cur',
  'r5_Pid',
  'r6_Order',
  'r7_Uid',
  'r8_MP',
  'r9_BType',
] as const;
/** §1.6: the QueryOrdDetail answer HMAC order (ra_FrpTrxId is not included). */
export const QUERY_ANSWER_ORDER = [
  'r0_Cmd',
  'r1_Code',
  'r2_TrxId',
  'r3_Amt',
  'r4_Cur',
  'r5_Pid',
  'r6_Order',
  'r8_MP',
  'rb_PayStatus',
  'rc_RefundCount',
  'rd_RefundAmt',
] as const;
/** §1.7 */
export const REFUND_ORDER = ['p0_Cmd', 'p1_MerId', 'pb_TrxId', 'p3_Amt', 'p4_Cur', 'p5_Desc'] as const;
export const REFUND_ANSWER_ORDER = ['r0_Cmd', 'r1_Code', 'r2_TrxId', 'r3_Amt', 'r4_Cur'] as const;

/** §1.3: HMAC-MD5 over the concatenated values (UTF-8), lowercase hex. */
export function yeepayHmac(values: readonly string[], key: string): string {
  return createHmac('md5', Buffer.from(key, 'utf8'))
    .update(Buffer.from(values.join(''), 'utf8'))
    .digest('hex');
}

export function hmacOf(fields: Fields, order: readonly string[], key: string): string {
  return yeepayHmac(
    order.map((k) => fields[k] ?? ''),
    key,
  );
}

/** Verify a command answer's hmac in the given order, and that it answers `cmd`. */
export function checkAnswer(
  key: string,
  a: Fields,
  text: string[],
  order: readonly string[],
  cmd: string,
): Untrusted | null {
  if (Object.keys(a).length === 0) {
    return untrusted(
      'malformed',
      `the answer has no key=value lines${text.length ? `: ${text.join(' ').slice(0, 200)}` : ''}`,
    );
  }
  if (!a.hmac)
    return untrusted(
      'unsigned',
      `the answer carries no hmac (r1_Code=${a.r1_Code ?? '?'}${text.length ? `; ${text.join(' ').slice(0, 200)}` : ''})`,
    );
  const expected = hmacOf(a, order, key);
  if (!safeEqual(expected, a.hmac.trim().toLowerCase()))
    return untrusted('bad_signature', "the answer's hmac does not match (HMAC-MD5 with the configured key)");
  if (a.r0_Cmd !== cmd) return untrusted('malformed', `the answer is for ${a.r0_Cmd ?? '(no command)'}, not ${cmd}`);
  return null;
}
