/**
 * WeChat Pay v2's signing (§3.2), one place: the request fields signed (MD5 or HMAC-SHA256 with the
 * API key), an answer or a notification checked: `return_code`, then the signature with the
 * configured type only (an answer may not downgrade HMAC-SHA256 to MD5), then appid and mch_id.
 * return_code=FAIL answers are not signed by WeChat: they come back as `fail`, never as a result.
 */
import { createHash, createHmac } from 'node:crypto';
import type { WechatConfig } from '../config';
import { safeEqual } from '../http';
import { untrusted, type Unknown, type Untrusted } from '../provider';
import { parseXml, type Fields } from './xml';

export type WechatSignType = 'MD5' | 'HMAC-SHA256';

/** §3.2: sorted non-empty fields except sign, `&key=`, MD5 or HMAC-SHA256(key), upper-case hex. */
export function wechatSign(fields: Fields, apiKey: string, signType: WechatSignType): string {
  const stringA = Object.keys(fields)
    .filter((k) => k !== 'sign' && fields[k] !== undefined && fields[k] !== '')
    .sort()
    .map((k) => `${k}=${fields[k]}`)
    .join('&');
  const temp = `${stringA}&key=${apiKey}`;
  const hex =
    signType === 'MD5'
      ? createHash('md5').update(temp, 'utf8').digest('hex')
      : createHmac('sha256', Buffer.from(apiKey, 'utf8')).update(temp, 'utf8').digest('hex');
  return hex.toUpperCase();
}

export type Answer =
  | { ok: true; d: Fields }
  /** return_code=FAIL: unsigned transport-level refusal */
  | { ok: 'fail'; msg: string }
  | { ok: false; outcome: Unknown | Untrusted };

/** The signed request fields (appid, mch_id, nonce_str, sign_type, sign added). */
export function signFields(cfg: WechatConfig, nonce: string, fields: Fields): Fields {
  const f: Fields = { appid: cfg.appId, mch_id: cfg.mchId, nonce_str: nonce, ...fields };
  if (cfg.signType === 'HMAC-SHA256') f.sign_type = 'HMAC-SHA256';
  for (const k of Object.keys(f)) if (f[k] === undefined || f[k] === '') delete f[k];
  f.sign = wechatSign(f, cfg.apiKey, cfg.signType);
  return f;
}

/** An answer: return_code, then the signature, then appid/mch_id. */
export function verifyWechatAnswer(cfg: WechatConfig, text: string): Answer {
  let d: Fields;
  try {
    d = parseXml(text);
  } catch (err) {
    return { ok: false, outcome: untrusted('malformed', `the answer is not WeChat XML: ${(err as Error).message}`) };
  }
  if (d.return_code === 'FAIL') return { ok: 'fail', msg: d.return_msg || 'return_code=FAIL' };
  if (d.return_code !== 'SUCCESS')
    return { ok: false, outcome: untrusted('malformed', `return_code is ${JSON.stringify(d.return_code ?? null)}`) };
  const bad = checkSigned(cfg, d);
  if (bad) return { ok: false, outcome: bad };
  return { ok: true, d };
}

/** The signature (the configured type only) and the merchant of signed fields. */
export function checkSigned(cfg: WechatConfig, d: Fields): Untrusted | null {
  if (!d.sign)
    return untrusted(
      'unsigned',
      `the answer carries no sign (result ${d.result_code ?? '?'} ${d.err_code ?? ''})`.trim(),
    );
  // the configured type only: an answer may not downgrade HMAC-SHA256 to MD5 by its own sign_type
  const type: WechatSignType = cfg.signType;
  if (d.sign_type !== undefined && d.sign_type !== type)
    return untrusted('bad_signature', `the answer is signed ${d.sign_type}, the configuration says ${type}`);
  const expected = wechatSign(d, cfg.apiKey, type);
  if (!safeEqual(expected, d.sign.toUpperCase())) {
    return untrusted('bad_signature', `the answer's sign does not match (${type} with the configured API key)`);
  }
  if (d.appid !== undefined && d.appid !== cfg.appId)
    return untrusted('wrong_merchant', `the answer is for appid ${d.appid}, not ${cfg.appId}`);
  if (d.mch_id !== undefined && d.mch_id !== cfg.mchId)
    return untrusted('wrong_merchant', `the answer is for mch_id ${d.mch_id}, not ${cfg.mchId}`);
  return null;
}
