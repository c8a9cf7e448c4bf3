/**
 * YeePay's callbacks (§1.4, §1.5): the browser return (r9_BType=1, answered with a page) and the
 * server call (r9_BType=2, answered `success`), both signed with the CONFIGURED merchant id;
 * another p1_MerId is refused.
 */
import type { YeepayConfig } from '../config';
import { safeEqual } from '../http';
import { untrusted, type Incoming, type Untrusted, type Verified } from '../provider';
import { parseGbkForm, type Fields } from './form';
import { CALLBACK_ORDER, hmacOf } from './signing';
import { tradeOf } from './trade';

export function verifyYeepayCallback(cfg: YeepayConfig, incoming: Incoming): Verified {
  const f: Fields = { ...incoming.query };
  if (incoming.method === 'POST' && incoming.body.length > 0) Object.assign(f, parseGbkForm(incoming.body));
  const server = f.r9_BType === '2';
  const html = (title: string, status = 200) => ({
    status,
    contentType: 'text/html; charset=utf-8',
    body: `<!doctype html><meta charset="utf-8"><title>${title}</title><p>${title}</p>`,
  });
  const refuse = (u: Untrusted): Verified => ({
    outcome: u,
    reply: server
      ? { status: 200, contentType: 'text/plain; charset=utf-8', body: 'fail' }
      : html('Payment result could not be verified', 400),
  });
  if (!f.hmac) return refuse(untrusted('unsigned', 'the callback carries no hmac'));
  if (f.p1_MerId !== undefined && f.p1_MerId !== cfg.merchantId) {
    return refuse(untrusted('wrong_merchant', `the callback is for merchant ${f.p1_MerId}, not ${cfg.merchantId}`));
  }
  const expected = hmacOf({ ...f, p1_MerId: cfg.merchantId }, CALLBACK_ORDER, cfg.key);
  if (!safeEqual(expected, f.hmac.trim().toLowerCase()))
    return refuse(
      untrusted(
        'bad_signature',
        "the callback's hmac does not match (HMAC-MD5 with the configured merchant id and key)",
      ),
    );
  if (f.r9_BType !== '1' && f.r9_BType !== '2')
    return refuse(untrusted('malformed', `unknown r9_BType ${JSON.stringify(f.r9_BType ?? null)}`));
  if (f.r0_Cmd !== 'Buy')
    return refuse(untrusted('malformed', `the callback is for ${f.r0_Cmd ?? '(no command)'}, not Buy`));
  const outTradeNo = f.r6_Order ?? '';
  if (!outTradeNo) return refuse(untrusted('malformed', 'the callback has no r6_Order'));
  const reply = server
    ? { status: 200, contentType: 'text/plain; charset=utf-8', body: 'success' }
    : html(f.r1_Code === '1' ? 'Payment received — you can close this window' : 'Payment not completed');
  if (f.r1_Code === '1') {
    const trade = tradeOf(f);
    if ('kind' in trade)
      return { outcome: trade, reply: server ? reply : html('Payment result could not be verified', 400) };
    return { outcome: { kind: 'paid', outTradeNo, trade }, reply };
  }
  return { outcome: { kind: 'other', outTradeNo, status: `r1_Code=${f.r1_Code ?? ''}` }, reply };
}
