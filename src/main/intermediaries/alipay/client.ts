/**
 * Alipay face-to-face (当面付), OpenAPI v2, RSA2 — see docs/protocols.md §2: the operations, each one
 * request signed and one answer verified (signing.ts), the outcome read from the verified answer.
 * The HTTP goes through `deps.http` so every exchange is journalled. Notifications: notification.ts;
 * the daily bill: statement.ts.
 *
 * Outcomes: every answer must be signed; an unsigned or badly signed answer is `untrusted`, never
 * paid. An HTML page, a 5xx, a timeout or `20000` is `unknown`.
 */
import type { AlipayConfig } from '../config';
import { beijingDateTime, fenToYuan, isDay, yuanToFen } from '../money';
import { describeBinary, send, transportFailure } from '../http';
import {
  untrusted,
  type CancelOutcome,
  type Called,
  type Capabilities,
  type ClientDeps,
  type CloseOutcome,
  type CreateInput,
  type CreateOutcome,
  type Exchange,
  type Incoming,
  type PaymentProvider,
  type QueryOutcome,
  type RefundInput,
  type RefundOutcome,
  type RefundQueryOutcome,
  type StatementFileOutcome,
  type StatementOutcome,
  type TradeRef,
  type Untrusted,
  type Verified,
} from '../provider';
import { verifyAlipayNotification } from './notification';
import { AlipaySigner, type Answer, type Data } from './signing';
import { parseAlipayBill } from './statement';
import { s, tradeOf } from './trade';

/** The bill download URL is valid for 30 s (§2.5): fetch it at once, and give up after 30 s. */
const BILL_DOWNLOAD_TIMEOUT_MS = 30_000;
/** Alipay's F2F demo waits 2 s between cancel retries (cancel_duration). */
const CANCEL_RETRY_MS = 2_000;

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
  private readonly signer: AlipaySigner;

  constructor(
    private readonly cfg: AlipayConfig,
    private readonly deps: ClientDeps,
  ) {
    this.signer = new AlipaySigner(cfg, () => deps.now());
  }

  // ---------------------------------------------------------------- wire

  /** Sign a request with the SDK: returns the URL (common params) and the form body (biz_content). */
  signRequest(method: string, biz: Data): { url: string; body: string; params: Record<string, string> } {
    return this.signer.signRequest(method, biz);
  }

  /** §2.3: the answer's signature checked over its raw response object, then its app and seller. */
  verifyAnswer(method: string, raw: string): Answer {
    return this.signer.verifyAnswer(method, raw);
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

  // ---------------------------------------------------------------- checks

  private checkOrder(data: Data, outTradeNo: string, required: boolean): Untrusted | null {
    const got = typeof data.out_trade_no === 'string' ? data.out_trade_no : '';
    if (!got) return required ? untrusted('malformed', 'the answer does not say which order (no out_trade_no)') : null;
    return got === outTradeNo ? null : untrusted('wrong_order', `the answer is about order ${got}, not ${outTradeNo}`);
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
        const trade = tradeOf(a.data);
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
          const trade = tradeOf(a.data);
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
    return verifyAlipayNotification(this.cfg, this.signer, incoming);
  }
}

// ---------------------------------------------------------------- helpers

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
