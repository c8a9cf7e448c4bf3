/**
 * Alipay's signing (§2.2–§2.4), one place: a request signed RSA2 by the official SDK, an answer's
 * signature checked over the exact substring Alipay signed, a notification's string-to-sign.
 *
 * Signing and verifying use the official `alipay-sdk` (v4): `sdkExecute` builds and signs the
 * request (its string-to-sign is §2.2; we pass the Beijing `timestamp` ourselves because the SDK
 * formats the machine's local time), and `rsaCheck` does the SHA256withRSA verification with the
 * configured Alipay public key.
 *
 * Two steps are done here rather than by the SDK, deliberately:
 * - the signed substring of a synchronous answer (§2.3) is cut by a JSON-aware scanner instead of
 *   `getSignStr`, which assumes `"sign"` comes after the response object and would mis-cut otherwise;
 *   the data we act on is parsed from exactly that verified substring (so a duplicated key outside
 *   it cannot smuggle in other values). The result equals `getSignStr` on every normal answer (tested).
 * - the notification string-to-sign drops `sign`, `sign_type` and empty values (Java `rsaCheckV1`,
 *   §2.4); the SDK's `checkNotifySign` keeps empty values and also accepts a string with sign_type.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as AlipaySdkModule from 'alipay-sdk';
import type { AlipaySdk } from 'alipay-sdk';
import type { AlipayConfig } from '../config';
import { beijingDateTime } from '../money';
import { untrusted, type Unknown, type Untrusted } from '../provider';

/** Parameters the SDK puts in the URL query (its `formatUrl`); everything else goes in the body. */
const URL_ARGS = new Set([
  'app_id',
  'method',
  'format',
  'charset',
  'sign_type',
  'sign',
  'timestamp',
  'version',
  'notify_url',
  'return_url',
  'auth_token',
  'app_auth_token',
  'app_cert_sn',
  'alipay_root_cert_sn',
  'ws_service_url',
]);

export type Data = Record<string, unknown>;

/** A verified answer, or the outcome that ends the call. */
export type Answer =
  | { ok: true; data: Data; code: string; subCode: string; msg: string; subMsg: string }
  | { ok: false; outcome: Unknown | Untrusted };

let sdkModule: typeof AlipaySdkModule | null = null;

/** Loads alipay-sdk once; the app calls it when idle after start-up so the first QR does not wait. */
export function loadAlipaySdk(): typeof AlipaySdkModule {
  sdkModule ??= createRequire(__filename)('alipay-sdk') as typeof AlipaySdkModule;
  return sdkModule;
}

/** Signs requests and checks signatures with one merchant's keys (the SDK loaded on first use). */
export class AlipaySigner {
  private sdkInstance: AlipaySdk | null = null;

  constructor(
    private readonly cfg: AlipayConfig,
    private readonly now: () => number,
  ) {}

  /**
   * The SDK is loaded on first use, not at start-up: with its dependencies it takes about a third of
   * a second to load, which would otherwise delay every launch (see loadAlipaySdk for the warm-up).
   */
  get sdk(): AlipaySdk {
    if (!this.sdkInstance) {
      const { AlipaySdk: Sdk } = loadAlipaySdk();
      this.sdkInstance = new Sdk({
        appId: this.cfg.appId,
        privateKey: this.cfg.appPrivateKeyPem,
        keyType: /BEGIN RSA PRIVATE KEY/.test(this.cfg.appPrivateKeyPem) ? 'PKCS1' : 'PKCS8',
        alipayPublicKey: this.cfg.alipayPublicKeyPem,
        gateway: this.cfg.gatewayUrl,
        signType: 'RSA2',
        camelcase: false,
      });
      preparseKeys(this.sdkInstance);
    }
    return this.sdkInstance;
  }

  /** Sign a request with the SDK: returns the URL (common params) and the form body (biz_content). */
  signRequest(method: string, biz: Data): { url: string; body: string; params: Record<string, string> } {
    const clean: Data = {};
    for (const [k, v] of Object.entries(biz)) if (v !== undefined && v !== null && v !== '') clean[k] = v;
    const extra: Data = { timestamp: beijingDateTime(this.now()) };
    if (this.cfg.notifyUrl && (method === 'alipay.trade.precreate' || method === 'alipay.trade.pay'))
      extra.notify_url = this.cfg.notifyUrl;
    const signed = this.sdk.sdkExecute(method, { bizContent: clean, ...extra }, { bizContentAutoSnakeCase: false });
    const params: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(signed)) params[k] = v;
    const url = new URL(this.cfg.gatewayUrl);
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) {
      if (URL_ARGS.has(k)) url.searchParams.set(k, v);
      else body.set(k, v);
    }
    return { url: url.toString(), body: body.toString(), params };
  }

  /** §2.3: find the response object, verify its raw text against `sign`, parse exactly that text. */
  verifyAnswer(method: string, raw: string): Answer {
    const key = `${method.replaceAll('.', '_')}_response`;
    let top: ReturnType<typeof scanTopLevel>;
    try {
      top = scanTopLevel(raw);
    } catch (err) {
      return { ok: false, outcome: untrusted('malformed', `the answer is not JSON: ${(err as Error).message}`) };
    }
    const respKey = top.has(key) ? key : top.has('error_response') ? 'error_response' : null;
    if (!respKey)
      return { ok: false, outcome: untrusted('malformed', `the answer has neither ${key} nor error_response`) };
    const member = top.get(respKey)!;
    if (member.duplicate)
      return { ok: false, outcome: untrusted('malformed', `${respKey} appears twice in the answer`) };
    if (!member.raw.startsWith('{'))
      return { ok: false, outcome: untrusted('malformed', `${respKey} is not an object`) };
    let data: Data;
    try {
      data = JSON.parse(member.raw) as Data;
    } catch {
      return { ok: false, outcome: untrusted('malformed', `${respKey} is not valid JSON`) };
    }
    const str = (k: string): string =>
      typeof data[k] === 'string' ? (data[k] as string) : typeof data[k] === 'number' ? String(data[k]) : '';
    const summary =
      `${str('code')} ${str('msg')}${str('sub_code') ? ` / ${str('sub_code')} ${str('sub_msg')}` : ''}`.trim();
    const signMember = top.get('sign');
    let sign: unknown = undefined;
    if (signMember) {
      try {
        sign = JSON.parse(signMember.raw);
      } catch {
        sign = undefined;
      }
    }
    if (typeof sign !== 'string' || sign === '') {
      return {
        ok: false,
        outcome: untrusted('unsigned', `the answer carries no signature (it said: ${summary || 'nothing'})`),
      };
    }
    if (!this.check(member.raw, sign)) {
      return {
        ok: false,
        outcome: untrusted(
          'bad_signature',
          `the answer's signature does not verify with the configured Alipay public key (it said: ${summary || 'nothing'})`,
        ),
      };
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data))
      return { ok: false, outcome: untrusted('malformed', `${respKey} is not an object`) };
    if (!str('code')) return { ok: false, outcome: untrusted('malformed', 'the answer has no code') };
    if (str('app_id') && str('app_id') !== this.cfg.appId) {
      return {
        ok: false,
        outcome: untrusted('wrong_merchant', `the answer is for app_id ${str('app_id')}, not ${this.cfg.appId}`),
      };
    }
    if (this.cfg.sellerId && str('seller_id') && str('seller_id') !== this.cfg.sellerId) {
      return {
        ok: false,
        outcome: untrusted('wrong_merchant', `the answer is for seller ${str('seller_id')}, not ${this.cfg.sellerId}`),
      };
    }
    return { ok: true, data, code: str('code'), subCode: str('sub_code'), msg: str('msg'), subMsg: str('sub_msg') };
  }

  /** RSA2 over `content` with the configured Alipay public key; false for anything that does not verify. */
  check(content: string, sign: string): boolean {
    try {
      return this.sdk.rsaCheck(content, sign, 'RSA2');
    } catch {
      return false;
    }
  }
}

/**
 * The SDK keeps both keys as PEM text and hands that text to `createSign().sign()` and
 * `createVerify().verify()`, so node:crypto parses the 2048-bit private key again on every request
 * (about 1 ms of the ~1.2 ms a signature costs here, `npm run bench -- --only crypto`) and the public
 * key on every answer. Both accept a parsed `KeyObject` of the same key: after the SDK has
 * formatted its keys, they are parsed once and put back in its configuration. The SDK still builds
 * every string-to-sign and signs and verifies; RSA PKCS#1 v1.5 signatures are deterministic, so the
 * bytes sent are the same (tests/unit/intermediaries/alipay.test.ts). A key node:crypto cannot parse
 * stays as text and fails where it failed before, at the first signature or check.
 */
function preparseKeys(sdk: AlipaySdk): void {
  const cfg = sdk.config as unknown as { privateKey: string | KeyObject; alipayPublicKey?: string | KeyObject };
  if (typeof cfg.privateKey === 'string') {
    try {
      cfg.privateKey = createPrivateKey(cfg.privateKey);
    } catch {
      // left as text: the SDK's signature throws as it always did
    }
  }
  if (typeof cfg.alipayPublicKey === 'string' && cfg.alipayPublicKey !== '') {
    try {
      cfg.alipayPublicKey = createPublicKey(cfg.alipayPublicKey);
    } catch {
      // left as text: every check fails (untrusted) as it always did
    }
  }
}

/** §2.4: drop sign and sign_type and empty values, sort by key, join raw (decoded) values. */
export function notifySignContent(fields: Record<string, string>): string {
  return Object.keys(fields)
    .filter((k) => k !== 'sign' && k !== 'sign_type' && fields[k] !== '' && fields[k] !== undefined)
    .sort()
    .map((k) => `${k}=${fields[k]}`)
    .join('&');
}

interface Member {
  raw: string;
  duplicate: boolean;
}

/**
 * Scan a JSON object's top level and return each member's raw value text, exactly as received.
 * Throws on anything that is not a well-formed JSON object at the top level.
 */
export function scanTopLevel(text: string): Map<string, Member> {
  let i = 0;
  const n = text.length;
  const ws = (): void => {
    while (i < n && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const readString = (): string => {
    if (text[i] !== '"') throw new Error(`expected a string at ${i}`);
    const start = i;
    i++;
    while (i < n) {
      const c = text[i];
      if (c === '\\') i += 2;
      else if (c === '"') {
        i++;
        return JSON.parse(text.slice(start, i)) as string;
      } else i++;
    }
    throw new Error('unterminated string');
  };
  const skipValue = (): void => {
    ws();
    const c = text[i];
    if (c === '"') {
      readString();
      return;
    }
    if (c === '{' || c === '[') {
      let depth = 0;
      while (i < n) {
        const d = text[i];
        if (d === '"') {
          readString();
          continue;
        }
        if (d === '{' || d === '[') depth++;
        else if (d === '}' || d === ']') {
          depth--;
          if (depth === 0) {
            i++;
            return;
          }
        }
        i++;
      }
      throw new Error('unterminated object');
    }
    const m = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 64));
    if (!m) throw new Error(`unexpected ${JSON.stringify(text.slice(i, i + 10))} at ${i}`);
    i += m[0].length;
  };
  const out = new Map<string, Member>();
  ws();
  if (text[i] !== '{') throw new Error('not a JSON object');
  i++;
  ws();
  if (text[i] === '}') {
    i++;
  } else {
    for (;;) {
      ws();
      const key = readString();
      ws();
      if (text[i] !== ':') throw new Error(`expected : at ${i}`);
      i++;
      ws();
      const start = i;
      skipValue();
      const raw = text.slice(start, i);
      const prev = out.get(key);
      out.set(key, { raw, duplicate: prev !== undefined });
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        break;
      }
      throw new Error(`expected , or } at ${i}`);
    }
  }
  ws();
  if (i !== n) throw new Error('trailing text after the JSON object');
  // the whole thing must also be valid JSON (catches bad escapes the scanner skipped over)
  JSON.parse(text);
  return out;
}
