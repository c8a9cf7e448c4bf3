/**
 * The sandbox's own signing code (docs/protocols.md §1.3, §2.2–2.4, §3.2, §3.5), written independently
 * of the app's clients in src/main/intermediaries so that a bug on one side cannot hide in both.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  createSign,
  createVerify,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';

/** Constant-time comparison of two strings (lengths compared first; length is not secret here). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

// ---------------------------------------------------------------- YeePay (HMAC-MD5, §1.3)

export const YEEPAY_MAX_KEY_BYTES = 64;

/**
 * HMAC-MD5 over the values concatenated without separators (UTF-8 key and data), lowercase hex.
 * Keys over 64 bytes are refused: the classic implementations disagree on them (§1.3).
 */
export function yeepayHmac(key: string, values: readonly string[]): string {
  const k = Buffer.from(key, 'utf8');
  if (k.length > YEEPAY_MAX_KEY_BYTES)
    throw new RangeError(`YeePay key is ${k.length} bytes; at most ${YEEPAY_MAX_KEY_BYTES} are accepted`);
  return createHmac('md5', k)
    .update(Buffer.from(values.join(''), 'utf8'))
    .digest('hex');
}

/** Compare a received hmac (any case) with the expected one, in constant time. */
export function yeepayHmacMatches(key: string, values: readonly string[], received: string): boolean {
  return safeEqual(yeepayHmac(key, values), received.trim().toLowerCase());
}

// ---------------------------------------------------------------- Alipay (RSA2, §2.2–2.4)

/**
 * The string to sign: every parameter except `sign` (and the `exclude`d ones), empty values
 * dropped, sorted by key in code-unit (ASCII) order, joined as raw `k=v` with `&`.
 */
export function alipaySignContent(
  params: Readonly<Record<string, string | undefined>>,
  exclude: readonly string[] = [],
): string {
  return Object.keys(params)
    .filter((k) => k !== 'sign' && !exclude.includes(k))
    .filter((k) => {
      const v = params[k];
      return v !== undefined && v !== '';
    })
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((k) => `${k}=${params[k] ?? ''}`)
    .join('&');
}

/** SHA256withRSA (PKCS#1 v1.5), base64. */
/** Decoding a PEM costs more than the signature itself: keep each key decoded once. */
const privateKeys = new Map<string, KeyObject>();
const publicKeys = new Map<string, KeyObject>();
function privateKeyOf(pem: string): KeyObject {
  let k = privateKeys.get(pem);
  if (!k) privateKeys.set(pem, (k = createPrivateKey(pem)));
  return k;
}
function publicKeyOf(pem: string): KeyObject {
  let k = publicKeys.get(pem);
  if (!k) publicKeys.set(pem, (k = createPublicKey(pem)));
  return k;
}

export function rsa2Sign(content: string, privateKeyPem: string): string {
  return createSign('RSA-SHA256').update(content, 'utf8').sign(privateKeyOf(privateKeyPem), 'base64');
}

export function rsa2Verify(content: string, signature: string, publicKeyPem: string): boolean {
  try {
    return createVerify('RSA-SHA256').update(content, 'utf8').verify(publicKeyOf(publicKeyPem), signature, 'base64');
  } catch {
    return false;
  }
}

/**
 * Serialise an answer object the way the gateway does (`/` escaped as `\/`), so that clients must
 * verify the raw text and cannot get away with re-serialising.
 */
export function alipayJson(value: unknown): string {
  return JSON.stringify(value).replace(/\//g, '\\/');
}

/**
 * A signed gateway answer: `{"<key>":<inner>,"sign":"…"}` where the signature covers exactly the
 * raw text of `<inner>` (§2.3).
 */
export function alipaySignedBody(responseKey: string, inner: string, privateKeyPem: string): string {
  const sign = rsa2Sign(inner, privateKeyPem);
  return `{"${responseKey}":${inner},"sign":"${sign}"}`;
}

// ---------------------------------------------------------------- WeChat Pay v2 (§3.2, §3.5)

export type WechatSignType = 'MD5' | 'HMAC-SHA256';

/** `k=v&…` of all non-empty fields except `sign`, sorted by key (ASCII). */
export function wechatSignContent(fields: Readonly<Record<string, string | undefined>>): string {
  return Object.keys(fields)
    .filter((k) => k !== 'sign')
    .filter((k) => {
      const v = fields[k];
      return v !== undefined && v !== '';
    })
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((k) => `${k}=${fields[k] ?? ''}`)
    .join('&');
}

export function wechatSign(
  fields: Readonly<Record<string, string | undefined>>,
  apiKey: string,
  signType: WechatSignType,
): string {
  const temp = `${wechatSignContent(fields)}&key=${apiKey}`;
  const digest =
    signType === 'HMAC-SHA256'
      ? createHmac('sha256', Buffer.from(apiKey, 'utf8')).update(temp, 'utf8').digest('hex')
      : createHash('md5').update(temp, 'utf8').digest('hex');
  return digest.toUpperCase();
}

export function wechatSignMatches(
  fields: Readonly<Record<string, string | undefined>>,
  apiKey: string,
  signType: WechatSignType,
): boolean {
  const got = fields['sign'];
  if (!got) return false;
  return safeEqual(wechatSign(fields, apiKey, signType), got.toUpperCase());
}

/** The refund-notify `req_info` key: the 32 lowercase hex chars of md5(API key), as ASCII bytes. */
function reqInfoKey(apiKey: string): Buffer {
  return Buffer.from(createHash('md5').update(apiKey, 'utf8').digest('hex'), 'ascii');
}

/** AES-256-ECB (PKCS#7), base64: the encryption of a refund notification's `req_info` (§3.5). */
export function wechatEncryptReqInfo(plain: string, apiKey: string): string {
  const c = createCipheriv('aes-256-ecb', reqInfoKey(apiKey), null);
  return Buffer.concat([c.update(plain, 'utf8'), c.final()]).toString('base64');
}

export function wechatDecryptReqInfo(b64: string, apiKey: string): string {
  const d = createDecipheriv('aes-256-ecb', reqInfoKey(apiKey), null);
  return Buffer.concat([d.update(Buffer.from(b64, 'base64')), d.final()]).toString('utf8');
}
