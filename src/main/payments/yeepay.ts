/**
 * YeePay legacy "node" interface, HMAC-MD5 — see docs/protocols.md §1.
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
import { createHmac } from 'node:crypto';
import iconv from 'iconv-lite';
import type { YeepayConfig } from './config';
import { fenToYuan, isDay, parseBeijing, yuanToFen } from './money';
import { handedOff, safeEqual, send, transportFailure, UnsupportedOperation } from './http';
import { parseYeepayStatement } from './yeepay-statement';
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

type Fields = Record<string, string>;

/** §1.2: the Buy fields in HMAC order. */
export const BUY_ORDER = [
  'p0_Cmd',
  'p1_MerId',
  'p2_Order',
  'p3_Amt',
  'p4_Cur',
  'p5_Pid',
  'p6_Pcat',
  'p7_Pdesc',
  'p8_Url',
  'p9_SAF',
  'pa_MP',
  'pd_FrpId',
  'pr_NeedResponse',
] as const;
/** §1.4: the callback HMAC order (p1_MerId is the configured one). */
export const CALLBACK_ORDER = [
  'p1_MerId',
  'r0_Cmd',
  'r1_Code',
  'r2_TrxId',
  'r3_Amt',
  'r4_Cur',
  'r5_Pid',
  'r6_Order',
  'r7_Uid',
  'r8_MP',
  'r9_BType',
] as const;
/** §1.6: the QueryOrdDetail answer HMAC order (ra_FrpTrxId is not included). */
export const QUERY_ANSWER_ORDER = [
  'r0_Cmd',
  'r1_Code',
  'r2_TrxId',
  'r3_Amt',
  'r4_Cur',
  'r5_Pid',
  'r6_Order',
  'r8_MP',
  'rb_PayStatus',
  'rc_RefundCount',
  'rd_RefundAmt',
] as const;
/** §1.7 */
export const REFUND_ORDER = ['p0_Cmd', 'p1_MerId', 'pb_TrxId', 'p3_Amt', 'p4_Cur', 'p5_Desc'] as const;
export const REFUND_ANSWER_ORDER = ['r0_Cmd', 'r1_Code', 'r2_TrxId', 'r3_Amt', 'r4_Cur'] as const;

/** §1.3: HMAC-MD5 over the concatenated values (UTF-8), lowercase hex. */
export function yeepayHmac(values: readonly string[], key: string): string {
  return createHmac('md5', Buffer.from(key, 'utf8'))
    .update(Buffer.from(values.join(''), 'utf8'))
    .digest('hex');
}

export function hmacOf(fields: Fields, order: readonly string[], key: string): string {
  return yeepayHmac(
    order.map((k) => fields[k] ?? ''),
    key,
  );
}

/** URL-encode in GBK (the forms travel as GBK). */
export function gbkEncode(value: string): string {
  let out = '';
  for (const b of iconv.encode(value, 'gbk')) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9*\-._]/.test(c) ? c : c === ' ' ? '+' : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Java `URLDecoder.decode(v, "GBK")`: `+` is a space, %XX are GBK bytes; raw bytes pass through. */
export function gbkDecode(bytes: Buffer): string {
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x2b) out.push(0x20);
    else if (
      b === 0x25 &&
      i + 2 < bytes.length + 0 &&
      /^[0-9A-Fa-f]{2}$/.test(bytes.subarray(i + 1, i + 3).toString('latin1'))
    ) {
      out.push(parseInt(bytes.subarray(i + 1, i + 3).toString('latin1'), 16));
      i += 2;
    } else out.push(b);
  }
  return iconv.decode(Buffer.from(out), 'gbk');
}

export function formBody(fields: Fields): string {
  return Object.entries(fields)
    .map(([k, v]) => `${k}=${gbkEncode(v)}`)
    .join('&');
}

/** Parse a GBK URL-encoded form (`a=1&b=2`). */
export function parseGbkForm(body: Buffer): Fields {
  const out: Fields = {};
  let start = 0;
  for (let i = 0; i <= body.length; i++) {
    if (i === body.length || body[i] === 0x26) {
      const part = body.subarray(start, i);
      start = i + 1;
      if (part.length === 0) continue;
      const eq = part.indexOf(0x3d);
      const k = gbkDecode(eq < 0 ? part : part.subarray(0, eq));
      out[k] = eq < 0 ? '' : gbkDecode(part.subarray(eq + 1));
    }
  }
  return out;
}

/** Parse the command answer: `key=value` lines, values GBK URL-encoded; lines without `=` are error text. */
export function parseCommandAnswer(body: Buffer): { fields: Fields; text: string[] } {
  const fields: Fields = {};
  const text: string[] = [];
  let start = 0;
  for (let i = 0; i <= body.length; i++) {
    if (i === body.length || body[i] === 0x0a) {
      let line = body.subarray(start, i);
      start = i + 1;
      if (line.length && line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
      if (line.length === 0) continue;
      const eq = line.indexOf(0x3d);
      if (eq <= 0) {
        text.push(iconv.decode(line, 'gbk').trim());
        continue;
      }
      fields[line.subarray(0, eq).toString('latin1').trim()] = gbkDecode(line.subarray(eq + 1));
    }
  }
  return { fields, text };
}

function asciiOrEmpty(s: string, max = 50): string {
  const t = s.trim();
  return /^[\x20-\x7e]*$/.test(t) ? t.slice(0, max) : '';
}

function untrusted(reason: Untrusted['reason'], detail: string): Untrusted {
  return { kind: 'untrusted', reason, detail };
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

  /** Verify a command answer's hmac in the given order. */
  private checkAnswer(a: Fields, text: string[], order: readonly string[], cmd: string): Untrusted | null {
    if (Object.keys(a).length === 0) {
      return untrusted(
        'malformed',
        `the answer has no key=value lines${text.length ? `: ${text.join(' ').slice(0, 200)}` : ''}`,
      );
    }
    if (!a.hmac)
      return untrusted(
        'unsigned',
        `the answer carries no hmac (r1_Code=${a.r1_Code ?? '?'}${text.length ? `; ${text.join(' ').slice(0, 200)}` : ''})`,
      );
    const expected = hmacOf(a, order, this.cfg.key);
    if (!safeEqual(expected, a.hmac.trim().toLowerCase()))
      return untrusted('bad_signature', "the answer's hmac does not match (HMAC-MD5 with the configured key)");
    if (a.r0_Cmd !== cmd) return untrusted('malformed', `the answer is for ${a.r0_Cmd ?? '(no command)'}, not ${cmd}`);
    return null;
  }

  private tradeOf(a: Fields): Trade | Untrusted {
    const cur = a.r4_Cur ?? '';
    if (cur !== '' && cur !== 'RMB' && cur !== 'CNY')
      return untrusted('wrong_currency', `the trade is in ${cur}, not CNY/RMB`);
    const amountFen = yuanToFen(a.r3_Amt ?? '');
    if (amountFen === null)
      return untrusted('malformed', `r3_Amt ${JSON.stringify(a.r3_Amt ?? null)} is not an amount`);
    return {
      tradeNo: a.r2_TrxId || null,
      amountFen,
      paidAt: a.rp_PayDate ? parseBeijing(a.rp_PayDate) : null,
      buyer: a.r7_Uid || null,
    };
  }

  private async queryInto(ref: TradeRef, exchanges: Exchange[]): Promise<QueryOutcome> {
    const req: Fields = { p0_Cmd: 'QueryOrdDetail', p1_MerId: this.cfg.merchantId, p2_Order: ref.outTradeNo };
    req.hmac = hmacOf(req, ['p0_Cmd', 'p1_MerId', 'p2_Order'], this.cfg.key);
    const r = await this.command('QueryOrdDetail', req, exchanges);
    if (!r.ok) return r.outcome;
    const a = r.fields;
    const bad = this.checkAnswer(a, r.text, QUERY_ANSWER_ORDER, 'QueryOrdDetail');
    if (bad) return bad;
    if (a.r6_Order && a.r6_Order !== ref.outTradeNo)
      return untrusted('wrong_order', `the answer is about order ${a.r6_Order}, not ${ref.outTradeNo}`);
    if (a.r1_Code === '50') return { kind: 'not_found' };
    if (a.r1_Code !== '1') return { kind: 'unknown', reason: `YeePay query failed (r1_Code=${a.r1_Code ?? '?'})` };
    if (a.r6_Order !== ref.outTradeNo)
      return untrusted('wrong_order', `the answer does not name order ${ref.outTradeNo}`);
    switch (a.rb_PayStatus) {
      case 'SUCCESS': {
        const trade = this.tradeOf(a);
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
    const bad = this.checkAnswer(a, r.text, REFUND_ANSWER_ORDER, 'RefundOrd');
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
    if (f.p1_MerId !== undefined && f.p1_MerId !== this.cfg.merchantId) {
      return refuse(
        untrusted('wrong_merchant', `the callback is for merchant ${f.p1_MerId}, not ${this.cfg.merchantId}`),
      );
    }
    const expected = hmacOf({ ...f, p1_MerId: this.cfg.merchantId }, CALLBACK_ORDER, this.cfg.key);
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
      const trade = this.tradeOf(f);
      if ('kind' in trade)
        return { outcome: trade, reply: server ? reply : html('Payment result could not be verified', 400) };
      return { outcome: { kind: 'paid', outTradeNo, trade }, reply };
    }
    return { outcome: { kind: 'other', outTradeNo, status: `r1_Code=${f.r1_Code ?? ''}` }, reply };
  }
}
