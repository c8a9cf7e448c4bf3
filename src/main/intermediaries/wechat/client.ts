/**
 * WeChat Pay v2 (XML), signed MD5 or HMAC-SHA256 — see docs/protocols.md §3: the operations. Signing and
 * checking answers: signing.ts; the XML: xml.ts; notifications: notification.ts; the bill:
 * statement.ts.
 *
 * Every answer with return_code=SUCCESS must carry a valid `sign` (unknown extra fields are signed
 * too and tolerated); appid, mch_id and out_trade_no are checked wherever the answer has them.
 * return_code=FAIL answers are not signed by WeChat: they are never taken as a definite business
 * result except where harmless (a unifiedorder refusal means no QR exists; "No Bill Exist").
 *
 * Timing rules the client enforces itself (docs/protocols.md §3.3), from `TradeRef.createdAt` when the
 * caller provides it: closeorder is refused within 5 min of creation (`too_early`, no request
 * sent); reverse within 15 s (`retry`, no request sent).
 *
 * `time_expire` is sent as the app's deadline but never earlier than WeChat accepts (NATIVE: 5 min
 * after now, MICROPAY: 1 min); the app closes or reverses at its own deadline anyway.
 *
 * Reverse and refund need a client certificate at the real gateway (not at the sandbox): give
 * `deps.http` a TLS agent with the merchant certificate in production.
 */
import type { WechatConfig } from '../config';
import { beijingCompact, fenText, isDay } from '../money';
import { send, transportFailure } from '../http';
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
import { verifyWechatNotification } from './notification';
import { signFields, verifyWechatAnswer, type Answer } from './signing';
import { parseWechatBill } from './statement';
import { tradeOf } from './trade';
import { toXml, type Fields } from './xml';

/** err_code of a create whose number is already used at WeChat Pay (paid, closed, or other parameters) */
const TAKEN: ReadonlySet<string> = new Set(['ORDERPAID', 'ORDERCLOSED', 'OUT_TRADE_NO_USED']);
const CLOSE_MIN_AGE_MS = 5 * 60_000;
const REVERSE_MIN_AGE_MS = 15_000;
const REVERSE_RETRY_MS = 5_000;
const NATIVE_MIN_LIFETIME_MS = 5 * 60_000;
const MICROPAY_MIN_LIFETIME_MS = 60_000;
/** WeChat requires notify_url for unifiedorder; `.invalid` guarantees it never delivers anywhere. */
const NO_NOTIFY_URL = 'https://notify.invalid/counter-pos';

export class WechatClient implements PaymentProvider {
  readonly id = 'wechat' as const;
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
  private readonly base: string;

  constructor(
    private readonly cfg: WechatConfig,
    private readonly deps: ClientDeps,
  ) {
    this.base = cfg.apiBase.replace(/\/+$/, '');
  }

  /** The signed request fields (appid, mch_id, nonce_str, sign_type, sign added). */
  signed(fields: Fields): Fields {
    return signFields(this.cfg, this.deps.nonce(), fields);
  }

  /** return_code, then the signature, then appid/mch_id. */
  verifyAnswer(text: string): Answer {
    return verifyWechatAnswer(this.cfg, text);
  }

  private async post(op: string, path: string, fields: Fields, exchanges: Exchange[]) {
    const body = toXml(this.signed(fields));
    const sent = await send(this.deps, {
      op,
      req: { method: 'POST', url: `${this.base}${path}`, headers: { 'content-type': 'text/xml; charset=utf-8' }, body },
      secrets: [this.cfg.apiKey],
    });
    exchanges.push(sent.exchange);
    return sent;
  }

  private async call(op: string, path: string, fields: Fields, exchanges: Exchange[]): Promise<Answer> {
    const sent = await this.post(op, path, fields, exchanges);
    const failed = transportFailure(sent);
    if (failed) return { ok: false, outcome: failed };
    return this.verifyAnswer(sent.response!.body.toString('utf8'));
  }

  private checkOrder(d: Fields, outTradeNo: string, required: boolean): Untrusted | null {
    if (!d.out_trade_no)
      return required ? untrusted('malformed', 'the answer does not say which order (no out_trade_no)') : null;
    return d.out_trade_no === outTradeNo
      ? null
      : untrusted('wrong_order', `the answer is about order ${d.out_trade_no}, not ${outTradeNo}`);
  }

  // ---------------------------------------------------------------- operations

  async create(input: CreateInput): Promise<Called<CreateOutcome>> {
    const exchanges: Exchange[] = [];
    const now = this.deps.now();
    const base: Fields = {
      body: wechatBody(input.subject),
      out_trade_no: input.outTradeNo,
      total_fee: String(input.amountFen),
      spbill_create_ip: input.clientIp ?? '127.0.0.1',
      time_start: beijingCompact(now),
    };
    if (input.mode === 'qr') {
      const a = await this.call(
        'unifiedorder',
        '/pay/unifiedorder',
        {
          ...base,
          time_expire: beijingCompact(Math.max(input.expiresAt, now + NATIVE_MIN_LIFETIME_MS)),
          notify_url: this.cfg.notifyUrl ?? NO_NOTIFY_URL,
          trade_type: 'NATIVE',
          product_id: input.outTradeNo,
        },
        exchanges,
      );
      if (a.ok === false) return { outcome: a.outcome, exchanges };
      // an unsigned refusal: no QR exists, nothing can have been paid
      if (a.ok === 'fail') return { outcome: { kind: 'declined', code: 'FAIL', message: a.msg }, exchanges };
      const wrong = this.checkOrder(a.d, input.outTradeNo, false);
      if (wrong) return { outcome: wrong, exchanges };
      if (a.d.result_code === 'SUCCESS') {
        if (!a.d.code_url)
          return { outcome: untrusted('malformed', 'unifiedorder succeeded without a code_url'), exchanges };
        return { outcome: { kind: 'qr', qrContent: a.d.code_url }, exchanges };
      }
      const err = a.d.err_code ?? '';
      // the number is already used at WeChat Pay: a create is sent once per attempt, so it is not this attempt's trade
      if (TAKEN.has(err)) return { outcome: { kind: 'taken', code: err, message: a.d.err_code_des || err }, exchanges };
      if (err === 'SYSTEMERROR') return { outcome: { kind: 'unknown', reason: describeErr(a.d) }, exchanges };
      return {
        outcome: { kind: 'declined', code: err || 'FAIL', message: a.d.err_code_des || err || 'refused' },
        exchanges,
      };
    }
    if (input.mode === 'payment_code') {
      if (!input.authCode)
        return {
          outcome: { kind: 'declined', code: 'NO_AUTH_CODE', message: 'no payment code was scanned' },
          exchanges,
        };
      const a = await this.call(
        'micropay',
        '/pay/micropay',
        {
          ...base,
          time_expire: beijingCompact(Math.max(input.expiresAt, now + MICROPAY_MIN_LIFETIME_MS)),
          auth_code: input.authCode.trim(),
        },
        exchanges,
      );
      if (a.ok === false) return { outcome: a.outcome, exchanges };
      // unsigned: cannot prove nothing was charged; query (and reverse) will settle it
      if (a.ok === 'fail')
        return { outcome: { kind: 'unknown', reason: `WeChat refused the request: ${a.msg}` }, exchanges };
      if (a.d.result_code === 'SUCCESS') {
        const wrong = this.checkOrder(a.d, input.outTradeNo, true);
        if (wrong) return { outcome: wrong, exchanges };
        const trade = tradeOf(a.d);
        if ('kind' in trade) return { outcome: trade, exchanges };
        return { outcome: { kind: 'paid', trade }, exchanges };
      }
      const wrong = this.checkOrder(a.d, input.outTradeNo, false);
      if (wrong) return { outcome: wrong, exchanges };
      const err = a.d.err_code ?? '';
      if (err === 'USERPAYING') return { outcome: { kind: 'waiting' }, exchanges };
      if (TAKEN.has(err)) return { outcome: { kind: 'taken', code: err, message: a.d.err_code_des || err }, exchanges };
      if (err === 'SYSTEMERROR' || err === 'BANKERROR' || err === '') {
        return { outcome: { kind: 'unknown', reason: describeErr(a.d) }, exchanges };
      }
      return { outcome: { kind: 'declined', code: err, message: a.d.err_code_des || err }, exchanges };
    }
    return {
      outcome: { kind: 'declined', code: 'UNSUPPORTED_MODE', message: `WeChat Pay v2 here has no ${input.mode} mode` },
      exchanges,
    };
  }

  async query(ref: TradeRef): Promise<Called<QueryOutcome>> {
    const exchanges: Exchange[] = [];
    const a = await this.call('orderquery', '/pay/orderquery', { out_trade_no: ref.outTradeNo }, exchanges);
    if (a.ok === false) return { outcome: a.outcome, exchanges };
    if (a.ok === 'fail')
      return { outcome: { kind: 'unknown', reason: `WeChat refused the query: ${a.msg}` }, exchanges };
    if (a.d.result_code !== 'SUCCESS') {
      if (a.d.err_code === 'ORDERNOTEXIST') return { outcome: { kind: 'not_found' }, exchanges };
      return { outcome: { kind: 'unknown', reason: describeErr(a.d) }, exchanges };
    }
    const state = a.d.trade_state ?? '';
    const paidLike = state === 'SUCCESS' || state === 'REFUND';
    const wrong = this.checkOrder(a.d, ref.outTradeNo, paidLike);
    if (wrong) return { outcome: wrong, exchanges };
    switch (state) {
      case 'SUCCESS':
      case 'REFUND': {
        const trade = tradeOf(a.d);
        if ('kind' in trade) return { outcome: trade, exchanges };
        return { outcome: state === 'SUCCESS' ? { kind: 'paid', trade } : { kind: 'refunded', trade }, exchanges };
      }
      case 'NOTPAY':
      case 'USERPAYING':
      case 'ACCEPT':
        return { outcome: { kind: 'pending' }, exchanges };
      case 'CLOSED':
      case 'REVOKED':
        return { outcome: { kind: 'closed' }, exchanges };
      case 'PAYERROR':
        return {
          outcome: { kind: 'failed', code: state, message: a.d.trade_state_desc || 'payment failed' },
          exchanges,
        };
      default:
        return { outcome: untrusted('malformed', `unknown trade_state ${JSON.stringify(state)}`), exchanges };
    }
  }

  async close(ref: TradeRef): Promise<Called<CloseOutcome>> {
    const exchanges: Exchange[] = [];
    const createdAt = createdAtOf(ref);
    if (createdAt !== null && this.deps.now() < createdAt + CLOSE_MIN_AGE_MS) {
      return { outcome: { kind: 'too_early', retryAt: createdAt + CLOSE_MIN_AGE_MS }, exchanges };
    }
    const a = await this.call('closeorder', '/pay/closeorder', { out_trade_no: ref.outTradeNo }, exchanges);
    if (a.ok === false) return { outcome: a.outcome, exchanges };
    if (a.ok === 'fail')
      return { outcome: { kind: 'unknown', reason: `WeChat refused the close: ${a.msg}` }, exchanges };
    const wrong = this.checkOrder(a.d, ref.outTradeNo, false);
    if (wrong) return { outcome: wrong, exchanges };
    if (a.d.result_code === 'SUCCESS') return { outcome: { kind: 'closed' }, exchanges };
    switch (a.d.err_code) {
      case 'ORDERPAID':
        return { outcome: { kind: 'paid' }, exchanges };
      case 'ORDERCLOSED':
        return { outcome: { kind: 'closed' }, exchanges };
      case 'ORDERNOTEXIST':
        return { outcome: { kind: 'not_found' }, exchanges };
      default:
        return { outcome: { kind: 'unknown', reason: describeErr(a.d) }, exchanges };
    }
  }

  /** reverse (撤销): closes an unpaid micropay, refunds a paid one. */
  async cancel(ref: TradeRef): Promise<Called<CancelOutcome>> {
    const exchanges: Exchange[] = [];
    const now = this.deps.now();
    const createdAt = createdAtOf(ref);
    if (createdAt !== null && now < createdAt + REVERSE_MIN_AGE_MS) {
      return {
        outcome: {
          kind: 'retry',
          retryAt: createdAt + REVERSE_MIN_AGE_MS,
          reason: 'WeChat accepts reverse only 15 s after the payment call',
        },
        exchanges,
      };
    }
    const a = await this.call('reverse', '/secapi/pay/reverse', { out_trade_no: ref.outTradeNo }, exchanges);
    const retryAt = this.deps.now() + REVERSE_RETRY_MS;
    if (a.ok === false) return { outcome: a.outcome, exchanges };
    if (a.ok === 'fail')
      return { outcome: { kind: 'unknown', reason: `WeChat refused the reverse: ${a.msg}` }, exchanges };
    const wrong = this.checkOrder(a.d, ref.outTradeNo, false);
    if (wrong) return { outcome: wrong, exchanges };
    if (a.d.recall === 'Y')
      return { outcome: { kind: 'retry', retryAt, reason: 'WeChat asks to call reverse again (recall=Y)' }, exchanges };
    if (a.d.result_code === 'SUCCESS') return { outcome: { kind: 'closed' }, exchanges };
    switch (a.d.err_code) {
      case 'USERPAYING':
        return {
          outcome: {
            kind: 'retry',
            retryAt,
            reason: 'the buyer is still paying (USERPAYING): query, then reverse again',
          },
          exchanges,
        };
      case 'SYSTEMERROR':
        return { outcome: { kind: 'retry', retryAt, reason: describeErr(a.d) }, exchanges };
      case 'ORDERNOTEXIST':
        return { outcome: { kind: 'not_found' }, exchanges };
      default:
        return { outcome: { kind: 'unknown', reason: describeErr(a.d) }, exchanges };
    }
  }

  async refund(input: RefundInput): Promise<Called<RefundOutcome>> {
    const exchanges: Exchange[] = [];
    const a = await this.call(
      'refund',
      '/secapi/pay/refund',
      {
        out_trade_no: input.outTradeNo,
        out_refund_no: input.refundNo,
        total_fee: String(input.amountFen),
        refund_fee: String(input.refundFen),
        refund_desc: input.reason.slice(0, 80),
      },
      exchanges,
    );
    if (a.ok === false) return { outcome: a.outcome, exchanges };
    if (a.ok === 'fail')
      return { outcome: { kind: 'unknown', reason: `WeChat refused the refund request: ${a.msg}` }, exchanges };
    const wrong = this.checkOrder(a.d, input.outTradeNo, false);
    if (wrong) return { outcome: wrong, exchanges };
    if (a.d.out_refund_no && a.d.out_refund_no !== input.refundNo) {
      return {
        outcome: untrusted('wrong_order', `the answer is about refund ${a.d.out_refund_no}, not ${input.refundNo}`),
        exchanges,
      };
    }
    // SUCCESS means the refund application was accepted; the result comes from refundquery
    if (a.d.result_code === 'SUCCESS') return { outcome: { kind: 'accepted' }, exchanges };
    const err = a.d.err_code ?? '';
    if (err === 'SYSTEMERROR' || err === 'BIZERR_NEED_RETRY' || err === '')
      return { outcome: { kind: 'unknown', reason: describeErr(a.d) }, exchanges };
    return { outcome: { kind: 'declined', code: err, message: a.d.err_code_des || err }, exchanges };
  }

  async refundQuery(input: RefundInput): Promise<Called<RefundQueryOutcome>> {
    const exchanges: Exchange[] = [];
    const a = await this.call('refundquery', '/pay/refundquery', { out_refund_no: input.refundNo }, exchanges);
    if (a.ok === false) return { outcome: a.outcome, exchanges };
    if (a.ok === 'fail')
      return { outcome: { kind: 'unknown', reason: `WeChat refused the refund query: ${a.msg}` }, exchanges };
    if (a.d.result_code !== 'SUCCESS') {
      if (a.d.err_code === 'REFUNDNOTEXIST') return { outcome: { kind: 'not_found' }, exchanges };
      return { outcome: { kind: 'unknown', reason: describeErr(a.d) }, exchanges };
    }
    const wrong = this.checkOrder(a.d, input.outTradeNo, false);
    if (wrong) return { outcome: wrong, exchanges };
    const count = Number(a.d.refund_count ?? '0');
    for (let n = 0; n < (Number.isInteger(count) ? count : 0); n++) {
      if (a.d[`out_refund_no_${n}`] !== input.refundNo) continue;
      const status = a.d[`refund_status_${n}`] ?? '';
      if (status === 'SUCCESS') {
        const fen = fenText(a.d[`refund_fee_${n}`] ?? '');
        if (fen === null) return { outcome: untrusted('malformed', `refund_fee_${n} is not an amount`), exchanges };
        return { outcome: { kind: 'succeeded', refundedFen: fen }, exchanges };
      }
      if (status === 'PROCESSING') return { outcome: { kind: 'pending' }, exchanges };
      return {
        outcome: {
          kind: 'failed',
          code: status || 'UNKNOWN',
          message:
            status === 'CHANGE'
              ? 'refund could not be credited (CHANGE): handle it on the merchant platform'
              : `refund ${status}`,
        },
        exchanges,
      };
    }
    return { outcome: { kind: 'not_found' }, exchanges };
  }

  async statement(day: string): Promise<Called<StatementOutcome>> {
    const { outcome, exchanges } = await this.statementFile(day);
    return { outcome: outcome.kind === 'file' ? this.parseStatement(outcome.file, day) : outcome, exchanges };
  }

  async statementFile(day: string): Promise<Called<StatementFileOutcome>> {
    const exchanges: Exchange[] = [];
    if (!isDay(day)) return { outcome: { kind: 'invalid', reason: `${day} is not a day (YYYY-MM-DD)` }, exchanges };
    const sent = await this.post(
      'downloadbill',
      '/pay/downloadbill',
      { bill_date: day.replaceAll('-', ''), bill_type: 'ALL' },
      exchanges,
    );
    const failed = transportFailure(sent);
    if (failed) return { outcome: failed, exchanges };
    const text = sent.response!.body.toString('utf8');
    if (/^\s*(<\?xml[^>]*\?>\s*)?<xml>/.test(text)) {
      const a = this.verifyAnswer(text);
      if (a.ok === false) return { outcome: a.outcome, exchanges };
      if (a.ok === 'fail') {
        if (/no\s*bill\s*exist/i.test(a.msg)) return { outcome: { kind: 'none' }, exchanges };
        return { outcome: { kind: 'unknown', reason: `WeChat refused the bill download: ${a.msg}` }, exchanges };
      }
      return { outcome: { kind: 'unknown', reason: describeErr(a.d) }, exchanges };
    }
    return {
      outcome: { kind: 'file', file: sent.response!.body, format: { kind: 'wechat', mchId: this.cfg.mchId } },
      exchanges,
    };
  }

  parseStatement(file: Buffer, day: string): StatementOutcome {
    return parseWechatBill(file, day, this.cfg.mchId);
  }

  verifyIncoming(incoming: Incoming): Verified {
    return verifyWechatNotification(this.cfg, incoming);
  }
}

// ---------------------------------------------------------------- helpers

function describeErr(d: Fields): string {
  return `WeChat answered ${d.result_code ?? '?'}${d.err_code ? ` ${d.err_code}` : ''}${d.err_code_des ? `: ${d.err_code_des}` : ''}`;
}

/** `body` is at most 128 bytes (UTF-8). */
function wechatBody(subject: string): string {
  let s = subject.trim() || 'Counter POS';
  while (Buffer.byteLength(s, 'utf8') > 128) s = s.slice(0, -1);
  return s;
}

function createdAtOf(ref: TradeRef): number | null {
  return typeof ref.createdAt === 'number' && Number.isFinite(ref.createdAt) ? ref.createdAt : null;
}
