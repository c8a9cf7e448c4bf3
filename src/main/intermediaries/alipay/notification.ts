/**
 * Alipay's asynchronous notification (§2.4): a form POST (or a query) signed RSA2 over its sorted
 * fields; verified with the configured Alipay public key, then checked for this app and seller.
 */
import type { AlipayConfig } from '../config';
import { untrusted, type Incoming, type Verified } from '../provider';
import { notifySignContent, type AlipaySigner } from './signing';
import { tradeOf } from './trade';

export function verifyAlipayNotification(cfg: AlipayConfig, signer: AlipaySigner, incoming: Incoming): Verified {
  const ok = { status: 200, contentType: 'text/plain; charset=utf-8', body: 'success' };
  const fail = { status: 200, contentType: 'text/plain; charset=utf-8', body: 'fail' };
  const fields: Record<string, string> = {};
  if (incoming.method === 'POST' && incoming.body.length > 0) {
    for (const [k, v] of new URLSearchParams(incoming.body.toString('utf8'))) fields[k] = v;
  } else {
    Object.assign(fields, incoming.query);
  }
  const sign = fields.sign;
  if (!sign) return { outcome: untrusted('unsigned', 'the notification carries no sign'), reply: fail };
  if (!signer.check(notifySignContent(fields), sign))
    return {
      outcome: untrusted(
        'bad_signature',
        'the notification signature does not verify with the configured Alipay public key',
      ),
      reply: fail,
    };
  // Signed by Alipay: from here on, answer `success` even when we refuse it, so Alipay stops
  // retrying something that will never be acceptable (as jeepay does).
  if (fields.app_id !== cfg.appId) {
    return {
      outcome: untrusted(
        'wrong_merchant',
        `the notification is for app_id ${fields.app_id ?? '(none)'}, not ${cfg.appId}`,
      ),
      reply: ok,
    };
  }
  if (cfg.sellerId && fields.seller_id && fields.seller_id !== cfg.sellerId) {
    return {
      outcome: untrusted('wrong_merchant', `the notification is for seller ${fields.seller_id}, not ${cfg.sellerId}`),
      reply: ok,
    };
  }
  const outTradeNo = fields.out_trade_no;
  if (!outTradeNo) return { outcome: untrusted('malformed', 'the notification has no out_trade_no'), reply: ok };
  const status = fields.trade_status ?? '';
  if (status === 'TRADE_SUCCESS' || status === 'TRADE_FINISHED') {
    const trade = tradeOf(fields);
    if ('kind' in trade) return { outcome: trade, reply: ok };
    return { outcome: { kind: 'paid', outTradeNo, trade }, reply: ok };
  }
  return { outcome: { kind: 'other', outTradeNo, status: status || fields.notify_type || 'unknown' }, reply: ok };
}
