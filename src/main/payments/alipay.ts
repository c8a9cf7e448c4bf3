/**
 * Alipay face-to-face (当面付), OpenAPI v2, RSA2 — see docs/protocols.md §2.
 *
 * Signing and verifying use the official `alipay-sdk` (v4): `sdkExecute` builds and signs the
 * request (its string-to-sign is §2.2; we pass the Beijing `timestamp` ourselves because the SDK
 * formats the machine's local time), and `rsaCheck` does the SHA256withRSA verification with the
 * configured Alipay public key. The HTTP goes through `deps.http` so every exchange is journalled.
 *
 * Two steps are done here rather than by the SDK, deliberately:
 * - the signed substring of a synchronous answer (§2.3) is cut by a JSON-aware scanner instead of
 *   `getSignStr`, which assumes `"sign"` comes after the response object and would mis-cut otherwise;
 *   the data we act on is parsed from exactly that verified substring (so a duplicated key outside
 *   it cannot smuggle in other values). The result equals `getSignStr` on every normal answer (tested).
 * - the notification string-to-sign drops `sign`, `sign_type` and empty values (Java `rsaCheckV1`,
 *   §2.4); the SDK's `checkNotifySign` keeps empty values and also accepts a string with sign_type.
 *
 * Outcomes: every answer must be signed; an unsigned or badly signed answer is `untrusted`, never
 * paid. An HTML page, a 5xx, a timeout or `20000` is `unknown`.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as AlipaySdkModule from 'alipay-sdk';
import type { AlipaySdk } from 'alipay-sdk';
import type { AlipayConfig } from './config';
import { beijingDateTime, fenToYuan, isDay, parseBeijing, yuanToFen } from './money';
import { describeBinary, send, transportFailure } from './http';
import type {
  CancelOutcome,
  Called,
  Capabilities,
  ClientDeps,
  CloseOutcome,
  CreateInput,
  CreateOutcome,
  Exchange,
  Incoming,
  PaymentProvider,
  QueryOutcome,
  RefundInput,
  RefundOutcome,
  RefundQueryOutcome,
  StatementFileOutcome,
  StatementOutcome,
  Trade,
  TradeRef,
  Unknown,
  Untrusted,
  Verified,
} from './provider';
import { parseAlipayBill } from './alipay-statement';

export { parseAlipayBill };

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

/** The bill download URL is valid for 30 s (§2.5): fetch it at once, and give up after 30 s. */
const BILL_DOWNLOAD_TIMEOUT_MS = 30_000;
/** Alipay's F2F demo waits 2 s between cancel retries (cancel_duration). */
const CANCEL_RETRY_MS = 2_000;

type Data = Record<string, unknown>;

/** A verified answer, or the outcome that ends the call. */
type Answer =
  | { ok: true; data: Data; code: string; subCode: string; msg: string; subMsg: string }
  | { ok: false; outcome: Unknown | Untrusted };

let sdkModule: typeof AlipaySdkModule | null = null;

/** Loads alipay-sdk once; the app calls it when idle after start-up so the first QR does not wait. */
export function loadAlipaySdk(): typeof AlipaySdkModule {
  sdkModule ??= createRequire(__filename)('alipay-sdk') as typeof AlipaySdkModule;
  return sdkModule;
}

export class AlipayClient implements PaymentProvider {
  readonly id = 'alipay' as const;
  readonly capabilities: Capabilities = {
    modes: ['qr', 'payment_code'],
    query: true,
    close: true,
    cancel: true,
    refund: true,
    refundQuery: true,
    statement: true,
    notification: true,
    browserReturn: false,
  };
  private sdkInstance: AlipaySdk | null = null;

  constructor(
    private readonly cfg: AlipayConfig,
    private readonly deps: ClientDeps,
  ) {}

  /**
   * The SDK is loaded on first use, not at start-up: with its dependencies it takes about a third of
   * a second to load, which would otherwise delay every launch (see loadAlipaySdk for the warm-up).
   */
  private get sdk(): AlipaySdk {
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

  // ---------------------------------------------------------------- wire

  /** Sign a request with the SDK: returns the URL (common params) and the form body (biz_content). */
  signRequest(method: string, biz: Data): { url: string; body: string; params: Record<string, string> } {
    const clean: Data = {};
    for (const [k, v] of Object.entries(biz)) if (v !== undefined && v !== null && v !== '') clean[k] = v;
    const extra: Data = { timestamp: beijingDateTime(this.deps.now()) };
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

  private async call(op: string, method: string, biz: Data, exchanges: Exchange[]): Promise<Answer> {
    const { url, body } = this.signRequest(method, biz);
    const sent = await send(this.deps, {
      op,
      req: {
        method: 'POST',
        url,
        headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8', accept: 'application/json' },
        body,
      },
      secrets: [],
    });
    exchanges.push(sent.exchange);
    const failed = transportFailure(sent);
    if (failed) return { ok: false, outcome: failed };
    return this.verifyAnswer(method, sent.response!.body.toString('utf8'));
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
    let valid = false;
    try {
      valid = this.sdk.rsaCheck(member.raw, sign, 'RSA2');
    } catch {
      valid = false;
    }
    if (!valid) {
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

  // ---------------------------------------------------------------- checks

  private checkOrder(data: Data, outTradeNo: string, required: boolean): Untrusted | null {
    const got = typeof data.out_trade_no === 'string' ? data.out_trade_no : '';
    if (!got) return required ? untrusted('malformed', 'the answer does not say which order (no out_trade_no)') : null;
    return got === outTradeNo ? null : untrusted('wrong_order', `the answer is about order ${got}, not ${outTradeNo}`);
  }

  private trade(data: Data): Trade | Untrusted {
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

  // ---------------------------------------------------------------- operations

  async create(input: CreateInput): Promise<Called<CreateOutcome>> {
    const exchanges: Exchange[] = [];
    const base = {
      out_trade_no: input.outTradeNo,
      total_amount: fenToYuan(input.amountFen),
      subject: alipaySubject(input.subject),
      time_expire: beijingDateTime(input.expiresAt),
    };
    if (input.mode === 'qr') {
      const a = await this.call(
        'precreate',
        'alipay.trade.precreate',
        { ...base, product_code: 'FACE_TO_FACE_PAYMENT' },
        exchanges,
      );
      if (!a.ok) return { outcome: a.outcome, exchanges };
      if (a.code === '10000') {
        const wrong = this.checkOrder(a.data, input.outTradeNo, true);
        if (wrong) return { outcome: wrong, exchanges };
        const qr = s(a.data.qr_code);
        if (!qr) return { outcome: untrusted('malformed', 'precreate succeeded without a qr_code'), exchanges };
        return { outcome: { kind: 'qr', qrContent: qr }, exchanges };
      }
      return { outcome: this.createFailure(a), exchanges };
    }
    if (input.mode === 'payment_code') {
      if (!input.authCode)
        return {
          outcome: { kind: 'declined', code: 'NO_AUTH_CODE', message: 'no payment code was scanned' },
          exchanges,
        };
      const a = await this.call(
        'pay',
        'alipay.trade.pay',
        { ...base, scene: 'bar_code', auth_code: input.authCode.trim() },
        exchanges,
      );
      if (!a.ok) return { outcome: a.outcome, exchanges };
      if (a.code === '10000') {
        const wrong = this.checkOrder(a.data, input.outTradeNo, true);
        if (wrong) return { outcome: wrong, exchanges };
        const trade = this.trade(a.data);
        if ('kind' in trade) return { outcome: trade, exchanges };
        return { outcome: { kind: 'paid', trade }, exchanges };
      }
      if (a.code === '10003') {
        const wrong = this.checkOrder(a.data, input.outTradeNo, false);
        if (wrong) return { outcome: wrong, exchanges };
        return { outcome: { kind: 'waiting' }, exchanges };
      }
      return { outcome: this.createFailure(a), exchanges };
    }
    return {
      outcome: { kind: 'declined', code: 'UNSUPPORTED_MODE', message: `Alipay face-to-face has no ${input.mode} mode` },
      exchanges,
    };
  }

  private createFailure(a: Extract<Answer, { ok: true }>): CreateOutcome {
    if (isUnknownCode(a)) return { kind: 'unknown', reason: describe(a) };
    // the number is already used at Alipay: a create is sent once per attempt, so it is not this attempt's trade
    if (
      a.subCode === 'ACQ.TRADE_HAS_SUCCESS' ||
      a.subCode === 'ACQ.TRADE_HAS_FINISHED' ||
      a.subCode === 'ACQ.TRADE_HAS_CLOSE' ||
      a.subCode === 'ACQ.CONTEXT_INCONSISTENT'
    ) {
      return { kind: 'taken', code: a.subCode, message: a.subMsg || a.msg || 'the trade number is already used' };
    }
    return { kind: 'declined', code: a.subCode || a.code, message: a.subMsg || a.msg || 'refused' };
  }

  async query(ref: TradeRef): Promise<Called<QueryOutcome>> {
    const exchanges: Exchange[] = [];
    const a = await this.call('query', 'alipay.trade.query', { out_trade_no: ref.outTradeNo }, exchanges);
    if (!a.ok) return { outcome: a.outcome, exchanges };
    if (a.code === '10000') {
      const status = s(a.data.trade_status);
      const required = status === 'TRADE_SUCCESS' || status === 'TRADE_FINISHED';
      const wrong = this.checkOrder(a.data, ref.outTradeNo, required);
      if (wrong) return { outcome: wrong, exchanges };
      switch (status) {
        case 'TRADE_SUCCESS':
        case 'TRADE_FINISHED': {
          const trade = this.trade(a.data);
          if ('kind' in trade) return { outcome: trade, exchanges };
          return { outcome: { kind: 'paid', trade }, exchanges };
        }
        case 'WAIT_BUYER_PAY':
          return { outcome: { kind: 'pending' }, exchanges };
        case 'TRADE_CLOSED':
          return { outcome: { kind: 'closed' }, exchanges };
        default:
          return { outcome: untrusted('malformed', `unknown trade_status ${JSON.stringify(status)}`), exchanges };
      }
    }
    if (a.subCode === 'ACQ.TRADE_NOT_EXIST') return { outcome: { kind: 'not_found' }, exchanges };
    return { outcome: { kind: 'unknown', reason: describe(a) }, exchanges };
  }

  async close(ref: TradeRef): Promise<Called<CloseOutcome>> {
    const exchanges: Exchange[] = [];
    const a = await this.call('close', 'alipay.trade.close', { out_trade_no: ref.outTradeNo }, exchanges);
    if (!a.ok) return { outcome: a.outcome, exchanges };
    if (a.code === '10000') {
      const wrong = this.checkOrder(a.data, ref.outTradeNo, false);
      return { outcome: wrong ?? { kind: 'closed' }, exchanges };
    }
    switch (a.subCode) {
      case 'ACQ.TRADE_NOT_EXIST':
        return { outcome: { kind: 'not_found' }, exchanges };
      case 'ACQ.TRADE_HAS_SUCCESS':
      case 'ACQ.TRADE_HAS_FINISHED':
        return { outcome: { kind: 'paid' }, exchanges };
      case 'ACQ.TRADE_HAS_CLOSE':
        return { outcome: { kind: 'closed' }, exchanges };
      default:
        return { outcome: { kind: 'unknown', reason: `${describe(a)}: query the order` }, exchanges };
    }
  }

  async cancel(ref: TradeRef): Promise<Called<CancelOutcome>> {
    const exchanges: Exchange[] = [];
    const a = await this.call('cancel', 'alipay.trade.cancel', { out_trade_no: ref.outTradeNo }, exchanges);
    if (!a.ok) return { outcome: a.outcome, exchanges };
    const retry = s(a.data.retry_flag) === 'Y';
    const retryAt = this.deps.now() + CANCEL_RETRY_MS;
    if (a.code === '10000') {
      const wrong = this.checkOrder(a.data, ref.outTradeNo, false);
      if (wrong) return { outcome: wrong, exchanges };
      if (retry)
        return {
          outcome: { kind: 'retry', retryAt, reason: 'Alipay asks to call cancel again (retry_flag=Y)' },
          exchanges,
        };
      const action = s(a.data.action);
      if (action === 'close') return { outcome: { kind: 'closed' }, exchanges };
      if (action === 'refund') return { outcome: { kind: 'refunded' }, exchanges };
      // no action: nothing was there to close or refund
      return { outcome: { kind: 'not_found' }, exchanges };
    }
    if (retry) return { outcome: { kind: 'retry', retryAt, reason: `${describe(a)} (retry_flag=Y)` }, exchanges };
    if (a.subCode === 'ACQ.TRADE_NOT_EXIST') return { outcome: { kind: 'not_found' }, exchanges };
    return { outcome: { kind: 'unknown', reason: describe(a) }, exchanges };
  }

  async refund(input: RefundInput): Promise<Called<RefundOutcome>> {
    const exchanges: Exchange[] = [];
    const a = await this.call(
      'refund',
      'alipay.trade.refund',
      {
        out_trade_no: input.outTradeNo,
        refund_amount: fenToYuan(input.refundFen),
        out_request_no: input.refundNo,
        refund_reason: input.reason,
      },
      exchanges,
    );
    if (!a.ok) return { outcome: a.outcome, exchanges };
    if (a.code === '10000') {
      const wrong = this.checkOrder(a.data, input.outTradeNo, true);
      if (wrong) return { outcome: wrong, exchanges };
      // fund_change=Y: this call moved the money. N (e.g. a retry of a refund already made) is
      // confirmed by refundQuery rather than assumed.
      if (s(a.data.fund_change) === 'Y')
        return { outcome: { kind: 'succeeded', refundedFen: input.refundFen }, exchanges };
      return { outcome: { kind: 'accepted' }, exchanges };
    }
    if (isUnknownCode(a)) return { outcome: { kind: 'unknown', reason: describe(a) }, exchanges };
    return { outcome: { kind: 'declined', code: a.subCode || a.code, message: a.subMsg || a.msg }, exchanges };
  }

  async refundQuery(input: RefundInput): Promise<Called<RefundQueryOutcome>> {
    const exchanges: Exchange[] = [];
    const a = await this.call(
      'refund_query',
      'alipay.trade.fastpay.refund.query',
      { out_trade_no: input.outTradeNo, out_request_no: input.refundNo },
      exchanges,
    );
    if (!a.ok) return { outcome: a.outcome, exchanges };
    if (a.code === '10000') {
      const wrong = this.checkOrder(a.data, input.outTradeNo, false);
      if (wrong) return { outcome: wrong, exchanges };
      const reqNo = s(a.data.out_request_no);
      if (reqNo && reqNo !== input.refundNo)
        return {
          outcome: untrusted('wrong_order', `the answer is about refund ${reqNo}, not ${input.refundNo}`),
          exchanges,
        };
      const status = s(a.data.refund_status);
      if (status === 'REFUND_SUCCESS') {
        const fen = yuanToFen(s(a.data.refund_amount));
        if (fen === null)
          return {
            outcome: untrusted('malformed', `refund_amount ${JSON.stringify(a.data.refund_amount)} is not an amount`),
            exchanges,
          };
        return { outcome: { kind: 'succeeded', refundedFen: fen }, exchanges };
      }
      // no refund_status (§2.5): Alipay does not know the request (no out_request_no echoed), or
      // knows it and has not finished it; a retry of the refund with the same out_request_no is safe
      if (!reqNo) return { outcome: { kind: 'not_found' }, exchanges };
      if (!status) return { outcome: { kind: 'pending' }, exchanges };
      return { outcome: { kind: 'failed', code: status, message: s(a.data.refund_status_desc) || status }, exchanges };
    }
    if (a.subCode === 'ACQ.TRADE_NOT_EXIST') return { outcome: { kind: 'not_found' }, exchanges };
    return { outcome: { kind: 'unknown', reason: describe(a) }, exchanges };
  }

  async statement(day: string): Promise<Called<StatementOutcome>> {
    const { outcome, exchanges } = await this.statementFile(day);
    return { outcome: outcome.kind === 'file' ? this.parseStatement(outcome.file, day) : outcome, exchanges };
  }

  async statementFile(day: string): Promise<Called<StatementFileOutcome>> {
    const exchanges: Exchange[] = [];
    if (!isDay(day)) return { outcome: { kind: 'invalid', reason: `${day} is not a day (YYYY-MM-DD)` }, exchanges };
    const a = await this.call(
      'bill_url',
      'alipay.data.dataservice.bill.downloadurl.query',
      { bill_type: 'trade', bill_date: day },
      exchanges,
    );
    if (!a.ok) return { outcome: a.outcome, exchanges };
    if (a.code !== '10000') {
      if (/BILL_NOT_EXIST|NO_BILL/i.test(a.subCode)) return { outcome: { kind: 'none' }, exchanges };
      return { outcome: { kind: 'unknown', reason: describe(a) }, exchanges };
    }
    const url = s(a.data.bill_download_url);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return { outcome: untrusted('malformed', `bill_download_url ${JSON.stringify(url)} is not a URL`), exchanges };
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      return { outcome: untrusted('malformed', `bill_download_url uses ${parsed.protocol}`), exchanges };
    }
    const sent = await send(this.deps, {
      op: 'bill_download',
      req: { method: 'GET', url, headers: {}, timeoutMs: BILL_DOWNLOAD_TIMEOUT_MS },
      requestText: '',
      showResponse: describeBinary,
      secrets: [],
    });
    exchanges.push(sent.exchange);
    const failed = transportFailure(sent);
    if (failed) return { outcome: failed, exchanges };
    return {
      outcome: {
        kind: 'file',
        file: sent.response!.body,
        format: { kind: 'alipay', sellerId: this.cfg.sellerId ?? null },
      },
      exchanges,
    };
  }

  parseStatement(file: Buffer, day: string): StatementOutcome {
    return parseAlipayBill(file, day, this.cfg.sellerId ?? null);
  }

  verifyIncoming(incoming: Incoming): Verified {
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
    const content = notifySignContent(fields);
    let valid = false;
    try {
      valid = this.sdk.rsaCheck(content, sign, 'RSA2');
    } catch {
      valid = false;
    }
    if (!valid)
      return {
        outcome: untrusted(
          'bad_signature',
          'the notification signature does not verify with the configured Alipay public key',
        ),
        reply: fail,
      };
    // Signed by Alipay: from here on, answer `success` even when we refuse it, so Alipay stops
    // retrying something that will never be acceptable (as jeepay does).
    if (fields.app_id !== this.cfg.appId) {
      return {
        outcome: untrusted(
          'wrong_merchant',
          `the notification is for app_id ${fields.app_id ?? '(none)'}, not ${this.cfg.appId}`,
        ),
        reply: ok,
      };
    }
    if (this.cfg.sellerId && fields.seller_id && fields.seller_id !== this.cfg.sellerId) {
      return {
        outcome: untrusted(
          'wrong_merchant',
          `the notification is for seller ${fields.seller_id}, not ${this.cfg.sellerId}`,
        ),
        reply: ok,
      };
    }
    const outTradeNo = fields.out_trade_no;
    if (!outTradeNo) return { outcome: untrusted('malformed', 'the notification has no out_trade_no'), reply: ok };
    const status = fields.trade_status ?? '';
    if (status === 'TRADE_SUCCESS' || status === 'TRADE_FINISHED') {
      const trade = this.trade(fields);
      if ('kind' in trade) return { outcome: trade, reply: ok };
      return { outcome: { kind: 'paid', outTradeNo, trade }, reply: ok };
    }
    return { outcome: { kind: 'other', outTradeNo, status: status || fields.notify_type || 'unknown' }, reply: ok };
  }
}

// ---------------------------------------------------------------- helpers

/**
 * The SDK keeps both keys as PEM text and hands that text to `createSign().sign()` and
 * `createVerify().verify()`, so node:crypto parses the 2048-bit private key again on every request
 * (about 1 ms of the ~1.2 ms a signature costs here, `npm run bench -- --only crypto`) and the public
 * key on every answer. Both accept a parsed `KeyObject` of the same key: after the SDK has
 * formatted its keys, they are parsed once and put back in its configuration. The SDK still builds
 * every string-to-sign and signs and verifies; RSA PKCS#1 v1.5 signatures are deterministic, so the
 * bytes sent are the same (tests/unit/payments/alipay.test.ts). A key node:crypto cannot parse
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

function s(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

function untrusted(reason: Untrusted['reason'], detail: string): Untrusted {
  return { kind: 'untrusted', reason, detail };
}

function describe(a: { code: string; msg: string; subCode: string; subMsg: string }): string {
  return `Alipay answered ${a.code} ${a.msg}${a.subCode ? ` (${a.subCode}${a.subMsg ? `: ${a.subMsg}` : ''})` : ''}`.trim();
}

/** 20000 (service unavailable), ACQ.SYSTEM_ERROR: the outcome is not known; query/retry. */
function isUnknownCode(a: { code: string; subCode: string }): boolean {
  return a.code === '20000' || a.subCode === 'ACQ.SYSTEM_ERROR' || /unknow-error/.test(a.subCode);
}

/** subject may not contain `/ = &` (§2.5); at most 256 characters. */
function alipaySubject(subject: string): string {
  const cleaned = subject.replace(/[/=&]/g, ' ').replace(/\s+/g, ' ').trim();
  return (cleaned || 'Counter POS').slice(0, 256);
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
