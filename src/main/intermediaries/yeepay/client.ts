/**
 * YeePay legacy "node" interface, HMAC-MD5 — see docs/protocols.md §1: the operations. Signing:
 * signing.ts; the GBK forms: form.ts; the callbacks: notification.ts; the statement: statement.ts.
 *
 * - `create` (mode `redirect` only) signs the Buy form; the buyer's browser posts it to the node URL
 *   (no request is sent from here; the signed form is journalled as a hand-off exchange).
 * - `query` = QueryOrdDetail, `refund` = RefundOrd (after a query when the YeePay trade id is not
 *   known yet), both POSTed to the command URL; the answers are GBK URL-encoded `key=value` lines
 *   whose hmac is verified in the documented field order.
 * - `verifyIncoming` verifies the browser return (r9_BType=1) and the server call (r9_BType=2), signed
 *   with the CONFIGURED merchant id; another p1_MerId is refused; the server call is answered `success`.
 * - `statement` reads the sandbox's documented CSV (see docs/sandbox.md) from `statementUrl` when
 *   one is configured; the legacy interface itself has no statement download.
 *
 * Unsupported operations (close, cancel, refund query: the legacy interface has none; `qr` and
 * `payment_code` modes) are declared false in `capabilities`, and calling one anyway throws
 * `UnsupportedOperation`: that is a caller bug, not an outcome of a conversation with YeePay.
 *
 * The MAC input is UTF-8 while forms travel as GBK (§1.3), so p5_Pid/p6_Pcat/p7_Pdesc/pa_MP and the
 * refund reason are sent only when they are printable ASCII (otherwise empty / a fixed word).
 */
import iconv from 'iconv-lite';
import type { YeepayConfig } from '../config';
import { fenToYuan, isDay, yuanToFen } from '../money';
import { handedOff, send, transportFailure, UnsupportedOperation } from '../http';
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
  type Unknown,
  type Verified,
} from '../provider';
import { formBody, parseCommandAnswer, type Fields } from './form';
import { verifyYeepayCallback } from './notification';
import { BUY_ORDER, checkAnswer, hmacOf, QUERY_ANSWER_ORDER, REFUND_ANSWER_ORDER, REFUND_ORDER } from './signing';
import { parseYeepayStatement } from './statement';
import { tradeOf } from './trade';

function asciiOrEmpty(s: string, max = 50): string {
  const t = s.trim();
  return /^[\x20-\x7e]*$/.test(t) ? t.slice(0, max) : '';
}

export class YeepayClient implements PaymentProvider {
  readonly id = 'yeepay' as const;
  readonly capabilities: Capabilities;

  constructor(
    private readonly cfg: YeepayConfig,
    private readonly deps: ClientDeps,
  ) {
    if (Buffer.byteLength(cfg.key, 'utf8') > 64) {
      throw new RangeError(
        'YeePay key is longer than 64 bytes: the HMAC-MD5 implementations disagree on such keys, so it is refused (issued keys are 60 characters)',
      );
    }
    if (cfg.key.length === 0) throw new RangeError('YeePay key is empty');
    this.capabilities = {
      modes: ['redirect'],
      query: true,
      close: false,
      cancel: false,
      refund: true,
      refundQuery: false,
      statement: Boolean(cfg.statementUrl),
      notification: true,
      browserReturn: true,
    };
  }

  private get secrets(): string[] {
    return [this.cfg.key];
  }

  /** The signed Buy form (§1.2). */
  buyFields(input: CreateInput): Fields {
    const f: Fields = {
      p0_Cmd: 'Buy',
      p1_MerId: this.cfg.merchantId,
      p2_Order: input.outTradeNo,
      p3_Amt: fenToYuan(input.amountFen),
      p4_Cur: 'CNY',
      p5_Pid: asciiOrEmpty(input.subject),
      p6_Pcat: '',
      p7_Pdesc: '',
      p8_Url: input.returnUrl ?? '',
      p9_SAF: '0',
      pa_MP: '',
      pd_FrpId: input.bankCode ?? '',
      pr_NeedResponse: '1',
    };
    f.hmac = hmacOf(f, BUY_ORDER, this.cfg.key);
    return f;
  }

  async create(input: CreateInput): Promise<Called<CreateOutcome>> {
    if (input.mode !== 'redirect') throw new UnsupportedOperation('yeepay', `create in ${input.mode} mode`);
    if (!input.returnUrl) {
      return {
        outcome: { kind: 'declined', code: 'NO_RETURN_URL', message: 'a YeePay payment needs a return URL (p8_Url)' },
        exchanges: [],
      };
    }
    if (input.bankCode !== undefined && !/^[A-Za-z0-9-]{1,40}$/.test(input.bankCode)) {
      return {
        outcome: {
          kind: 'declined',
          code: 'BAD_BANK_CODE',
          message: `bank code ${JSON.stringify(input.bankCode)} is not a YeePay channel code`,
        },
        exchanges: [],
      };
    }
    const fields = this.buyFields(input);
    const ex = handedOff('Buy', this.deps.now(), this.cfg.nodeUrl, formBody(fields), this.secrets);
    return { outcome: { kind: 'redirect', url: this.cfg.nodeUrl, method: 'POST', fields }, exchanges: [ex] };
  }

  private async command(
    op: string,
    fields: Fields,
    exchanges: Exchange[],
  ): Promise<{ ok: true; fields: Fields; text: string[] } | { ok: false; outcome: Unknown }> {
    const sent = await send(this.deps, {
      op,
      req: {
        method: 'POST',
        url: this.cfg.commandUrl,
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=GBK' },
        body: formBody(fields),
      },
      showResponse: (b) => iconv.decode(b, 'gbk'),
      secrets: this.secrets,
    });
    exchanges.push(sent.exchange);
    const failed = transportFailure(sent);
    if (failed) return { ok: false, outcome: failed };
    const parsed = parseCommandAnswer(sent.response!.body);
    return { ok: true, ...parsed };
  }

  private async queryInto(ref: TradeRef, exchanges: Exchange[]): Promise<QueryOutcome> {
    const req: Fields = { p0_Cmd: 'QueryOrdDetail', p1_MerId: this.cfg.merchantId, p2_Order: ref.outTradeNo };
    req.hmac = hmacOf(req, ['p0_Cmd', 'p1_MerId', 'p2_Order'], this.cfg.key);
    const r = await this.command('QueryOrdDetail', req, exchanges);
    if (!r.ok) return r.outcome;
    const a = r.fields;
    const bad = checkAnswer(this.cfg.key, a, r.text, QUERY_ANSWER_ORDER, 'QueryOrdDetail');
    if (bad) return bad;
    if (a.r6_Order && a.r6_Order !== ref.outTradeNo)
      return untrusted('wrong_order', `the answer is about order ${a.r6_Order}, not ${ref.outTradeNo}`);
    if (a.r1_Code === '50') return { kind: 'not_found' };
    if (a.r1_Code !== '1') return { kind: 'unknown', reason: `YeePay query failed (r1_Code=${a.r1_Code ?? '?'})` };
    if (a.r6_Order !== ref.outTradeNo)
      return untrusted('wrong_order', `the answer does not name order ${ref.outTradeNo}`);
    switch (a.rb_PayStatus) {
      case 'SUCCESS': {
        const trade = tradeOf(a);
        if ('kind' in trade) return trade;
        const refunded = yuanToFen(a.rd_RefundAmt ?? '0') ?? 0;
        return refunded > 0 ? { kind: 'refunded', trade } : { kind: 'paid', trade };
      }
      case 'INIT':
      case 'AUTHORIZED':
        return { kind: 'pending' };
      case 'CANCELED':
        return { kind: 'closed' };
      default:
        return {
          kind: 'failed',
          code: a.rb_PayStatus ?? 'UNKNOWN',
          message: `YeePay pay status ${a.rb_PayStatus ?? '(none)'}`,
        };
    }
  }

  async query(ref: TradeRef): Promise<Called<QueryOutcome>> {
    const exchanges: Exchange[] = [];
    const outcome = await this.queryInto(ref, exchanges);
    return { outcome, exchanges };
  }

  close(_ref: TradeRef): Promise<Called<CloseOutcome>> {
    return Promise.reject(new UnsupportedOperation('yeepay', 'close'));
  }

  cancel(_ref: TradeRef): Promise<Called<CancelOutcome>> {
    return Promise.reject(new UnsupportedOperation('yeepay', 'cancel'));
  }

  refundQuery(_input: RefundInput): Promise<Called<RefundQueryOutcome>> {
    return Promise.reject(new UnsupportedOperation('yeepay', 'refund query'));
  }

  async refund(input: RefundInput): Promise<Called<RefundOutcome>> {
    const exchanges: Exchange[] = [];
    let trxId = input.tradeNo ?? null;
    if (!trxId) {
      // RefundOrd names the payment by YeePay's r2_TrxId: learn it from a query first
      const q = await this.queryInto(input, exchanges);
      if (q.kind === 'unknown' || q.kind === 'untrusted') return { outcome: q, exchanges };
      if (q.kind !== 'paid' && q.kind !== 'refunded') {
        return {
          outcome: {
            kind: 'declined',
            code: 'NOT_PAID',
            message: `the order is ${q.kind.replace('_', ' ')} at YeePay; nothing to refund`,
          },
          exchanges,
        };
      }
      trxId = q.trade.tradeNo;
      if (!trxId) return { outcome: untrusted('malformed', 'the query answer has no r2_TrxId to refund'), exchanges };
    }
    const req: Fields = {
      p0_Cmd: 'RefundOrd',
      p1_MerId: this.cfg.merchantId,
      pb_TrxId: trxId,
      p3_Amt: fenToYuan(input.refundFen),
      p4_Cur: 'CNY',
      p5_Desc: asciiOrEmpty(input.reason, 100) || 'refund',
    };
    req.hmac = hmacOf(req, REFUND_ORDER, this.cfg.key);
    const r = await this.command('RefundOrd', req, exchanges);
    if (!r.ok) return { outcome: r.outcome, exchanges };
    const a = r.fields;
    const bad = checkAnswer(this.cfg.key, a, r.text, REFUND_ANSWER_ORDER, 'RefundOrd');
    if (bad) return { outcome: bad, exchanges };
    if (a.r1_Code !== '1')
      return {
        outcome: {
          kind: 'declined',
          code: `r1_Code=${a.r1_Code ?? '?'}`,
          message: r.text.join(' ') || 'YeePay refused the refund',
        },
        exchanges,
      };
    const cur = a.r4_Cur ?? '';
    if (cur !== '' && cur !== 'RMB' && cur !== 'CNY')
      return { outcome: untrusted('wrong_currency', `the refund is in ${cur}`), exchanges };
    const fen = a.r3_Amt ? yuanToFen(a.r3_Amt) : input.refundFen;
    if (fen === null)
      return { outcome: untrusted('malformed', `r3_Amt ${JSON.stringify(a.r3_Amt)} is not an amount`), exchanges };
    if (fen !== input.refundFen)
      return {
        outcome: untrusted('malformed', `YeePay refunded ${a.r3_Amt}, not ${fenToYuan(input.refundFen)}`),
        exchanges,
      };
    return { outcome: { kind: 'succeeded', refundedFen: fen }, exchanges };
  }

  async statement(day: string): Promise<Called<StatementOutcome>> {
    const { outcome, exchanges } = await this.statementFile(day);
    return { outcome: outcome.kind === 'file' ? this.parseStatement(outcome.file, day) : outcome, exchanges };
  }

  async statementFile(day: string): Promise<Called<StatementFileOutcome>> {
    if (!this.cfg.statementUrl) throw new UnsupportedOperation('yeepay', 'statement (no statement URL configured)');
    const exchanges: Exchange[] = [];
    if (!isDay(day)) return { outcome: { kind: 'invalid', reason: `${day} is not a day (YYYY-MM-DD)` }, exchanges };
    const req: Fields = { p0_Cmd: 'DownloadStatement', p1_MerId: this.cfg.merchantId, p2_Date: day };
    req.hmac = hmacOf(req, ['p0_Cmd', 'p1_MerId', 'p2_Date'], this.cfg.key);
    const url = new URL(this.cfg.statementUrl);
    for (const [k, v] of Object.entries(req)) url.searchParams.set(k, v);
    const sent = await send(this.deps, {
      op: 'DownloadStatement',
      req: { method: 'GET', url: url.toString(), headers: {} },
      requestText: '',
      secrets: this.secrets,
    });
    exchanges.push(sent.exchange);
    const failed = transportFailure(sent);
    if (failed) return { outcome: failed, exchanges };
    const body = sent.response!.body;
    if (body.subarray(0, 7).toString('latin1') === 'r0_Cmd=') {
      // an error answer in the command format (bad hmac, wrong merchant, bad date…)
      const a = parseCommandAnswer(body);
      return {
        outcome: {
          kind: 'unknown',
          reason: `YeePay refused the statement (r1_Code=${a.fields.r1_Code ?? '?'}${a.text.length ? `: ${a.text.join(' ')}` : ''})`,
        },
        exchanges,
      };
    }
    return {
      outcome: { kind: 'file', file: body, format: { kind: 'yeepay', merchantId: this.cfg.merchantId } },
      exchanges,
    };
  }

  parseStatement(file: Buffer, day: string): StatementOutcome {
    return parseYeepayStatement(file, day, this.cfg.merchantId);
  }

  verifyIncoming(incoming: Incoming): Verified {
    return verifyYeepayCallback(this.cfg, incoming);
  }
}
