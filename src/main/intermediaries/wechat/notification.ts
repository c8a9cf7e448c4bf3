/**
 * WeChat Pay's payment notification (§3.5): an XML POST signed like an answer, acknowledged in XML.
 * One signed with our key but for another merchant is acknowledged, so it is not retried for a day.
 */
import type { WechatConfig } from '../config';
import { untrusted, type Incoming, type Verified } from '../provider';
import { checkSigned } from './signing';
import { tradeOf } from './trade';
import { parseXml, toXml, type Fields } from './xml';

export function verifyWechatNotification(cfg: WechatConfig, incoming: Incoming): Verified {
  const okReply = {
    status: 200,
    contentType: 'text/xml; charset=utf-8',
    body: toXml({ return_code: 'SUCCESS', return_msg: 'OK' }),
  };
  const failReply = (msg: string) => ({
    status: 200,
    contentType: 'text/xml; charset=utf-8',
    body: toXml({ return_code: 'FAIL', return_msg: msg }),
  });
  let d: Fields;
  try {
    d = parseXml(incoming.body.toString('utf8'));
  } catch (err) {
    return {
      outcome: untrusted('malformed', `the notification is not WeChat XML: ${(err as Error).message}`),
      reply: failReply('bad XML'),
    };
  }
  if (d.return_code !== 'SUCCESS') {
    return {
      outcome: untrusted('malformed', `notification with return_code ${d.return_code ?? '(none)'}`),
      reply: failReply('return_code'),
    };
  }
  const bad = checkSigned(cfg, d);
  if (bad) {
    // signed with our key but for another merchant: acknowledge so it is not retried for a day
    const reply = bad.reason === 'wrong_merchant' ? okReply : failReply('签名失败');
    return { outcome: bad, reply };
  }
  if (!d.out_trade_no)
    return { outcome: untrusted('malformed', 'the notification has no out_trade_no'), reply: okReply };
  if (d.result_code === 'SUCCESS') {
    const trade = tradeOf(d);
    if ('kind' in trade) return { outcome: trade, reply: okReply };
    return { outcome: { kind: 'paid', outTradeNo: d.out_trade_no, trade }, reply: okReply };
  }
  return {
    outcome: { kind: 'other', outTradeNo: d.out_trade_no, status: d.err_code || d.result_code || 'FAIL' },
    reply: okReply,
  };
}
