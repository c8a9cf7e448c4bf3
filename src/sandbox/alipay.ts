/**
 * Alipay open-platform gateway (`POST /alipay/gateway.do`, docs/protocols.md §2): request signature and
 * app id checked as the real gateway does, face-to-face trade methods, refunds, bill links; every
 * answer (error_response too) signed with the platform key over the raw inner object text.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Ctx } from './context';
import { randomAlnum } from './context';
import { callerBase, contentTypeCharset, normaliseCharset, parseForm, rawQuery, short } from './http';
import { parseYuanStrict, yuan } from './money';
import { SANDBOX_BUYER } from './notify';
import { serveCustomerPage } from './customer';
import { deliver } from './respond';
import { numParam, type Operation, type TransportPlan } from './scenarios';
import { alipayJson, alipaySignContent, alipaySignedBody, rsa2Verify } from './signing';
import type { Trade } from './store';
import { fmtDateTime, parseDateTime, parseTimeoutExpress } from './time';
import { closeByMerchant, markFailed, markScanned, newTrade, newTradeNo, startPaying } from './trades';
import { MSG, bizStr, exists, fail, findTrade, invalid, notExist, ok, type Fields, type Req } from './alipay-answers';
import { billUrl } from './alipay-bills';
import { refund, refundQuery } from './alipay-refunds';

export { billToken, handleBillDownload } from './alipay-bills';

export const ALIPAY_METHODS: Record<string, Operation> = {
  'alipay.trade.precreate': 'create',
  'alipay.trade.pay': 'pay',
  'alipay.trade.query': 'query',
  'alipay.trade.cancel': 'cancel',
  'alipay.trade.close': 'close',
  'alipay.trade.refund': 'refund',
  'alipay.trade.fastpay.refund.query': 'refund_query',
  'alipay.data.dataservice.bill.downloadurl.query': 'bill',
};

/** Body of the signed answer. Amount fields are shifted for the amount_mismatch scenario. */
function answerBody(ctx: Ctx, responseKey: string, fields: Fields, plan: TransportPlan): string {
  if (plan.amountDeltaFen !== 0) {
    for (const k of ['total_amount', 'receipt_amount', 'buyer_pay_amount', 'invoice_amount', 'refund_amount']) {
      const v = fields[k];
      if (typeof v === 'string') {
        const fen = parseYuanStrict(v);
        if (fen !== null && fen > 0) fields[k] = yuan(fen + plan.amountDeltaFen);
      }
    }
  }
  const inner = alipayJson(fields);
  return alipaySignedBody(
    responseKey,
    inner,
    plan.badSignature ? ctx.wrongAlipayKey : ctx.creds.alipay.platformPrivateKey,
  );
}

const NO_PLAN: TransportPlan = { delayMs: 0, fault: null, badSignature: false, amountDeltaFen: 0 };
const JSON_TYPE = 'text/html;charset=utf-8'; // what the real gateway declares for its JSON

export function alipayQrUrl(base: string, token: string): string {
  return `${base}/alipay/qr/${token}`;
}

function tradeFields(ctx: Ctx, t: Trade): Fields {
  const paid = t.status === 'paid' || t.status === 'revoked' ? t.paid_at !== null : false;
  const amount = yuan(t.amount_fen);
  return {
    trade_no: t.trade_no,
    out_trade_no: t.out_trade_no,
    buyer_logon_id: SANDBOX_BUYER.alipayLogonId,
    trade_status: tradeStatus(ctx, t),
    total_amount: amount,
    buyer_pay_amount: paid ? amount : '0.00',
    point_amount: '0.00',
    invoice_amount: paid ? amount : '0.00',
    ...(paid && t.paid_at !== null ? { send_pay_date: fmtDateTime(t.paid_at) } : {}),
    receipt_amount: paid ? amount : '0.00',
    ...(paid ? { fund_bill_list: [{ fund_channel: 'ALIPAYACCOUNT', amount }] } : {}),
    buyer_user_id: SANDBOX_BUYER.alipayUserId,
  };
}

/** §2.6: WAIT_BUYER_PAY, TRADE_SUCCESS, TRADE_CLOSED (unpaid, cancelled, or fully refunded). */
export function tradeStatus(ctx: Ctx, t: Trade): string {
  if (t.status === 'paid')
    return ctx.store.refundedFen('alipay', t.out_trade_no) >= t.amount_fen ? 'TRADE_CLOSED' : 'TRADE_SUCCESS';
  if (t.status === 'scanned' || t.status === 'paying' || t.status === 'created') return 'WAIT_BUYER_PAY';
  return 'TRADE_CLOSED';
}

/** Magic payment-code suffixes (docs/sandbox.md): what the buyer's phone does by default. */
export function codeBehaviour(
  authCode: string,
  amountFen: number,
): { kind: 'pay' | 'decline' | 'system_error'; seconds: number; outcome: 'pay' | 'decline' } {
  if (authCode.endsWith('4444')) return { kind: 'decline', seconds: 0, outcome: 'decline' };
  if (authCode.endsWith('1111')) return { kind: 'pay', seconds: 10, outcome: 'pay' };
  if (authCode.endsWith('2222')) return { kind: 'pay', seconds: 10, outcome: 'decline' };
  if (authCode.endsWith('3333')) return { kind: 'system_error', seconds: 0, outcome: 'pay' };
  // the password rule: large amounts need the buyer's password
  return { kind: 'pay', seconds: amountFen > 100_000 ? 10 : 0, outcome: 'pay' };
}

function parseExpiry(biz: Fields, now: number, fallbackMs: number): number | 'invalid' {
  const te = bizStr(biz, 'time_expire');
  if (te) {
    const at = parseDateTime(te);
    return at === null ? 'invalid' : at;
  }
  const tx = bizStr(biz, 'timeout_express');
  if (tx) {
    const ms = parseTimeoutExpress(tx, now);
    return ms === null ? 'invalid' : now + ms;
  }
  return now + fallbackMs;
}

type Checked = { ok: true; otn: string; fen: number; subject: string } | { ok: false; answer: Fields };

function validateNewTrade(biz: Fields): Checked {
  const no = (answer: Fields): Checked => ({ ok: false, answer });
  const otn = bizStr(biz, 'out_trade_no');
  if (!otn) return no(invalid('out_trade_no 不能为空'));
  if (!/^[A-Za-z0-9_]{1,64}$/.test(otn)) return no(invalid('out_trade_no 只能由字母、数字、下划线组成，长度不超过64'));
  const fen = parseYuanStrict(bizStr(biz, 'total_amount'));
  if (fen === null || fen < 1 || fen > 10_000_000_000)
    return no(invalid('total_amount 金额必须在0.01~100000000之间，最多两位小数'));
  const subject = bizStr(biz, 'subject');
  if (!subject) return no(invalid('subject 不能为空'));
  return { ok: true, otn, fen, subject };
}

function precreate({ ctx, params, biz, base }: Req): Fields {
  const v = validateNewTrade(biz);
  if (!v.ok) return v.answer;
  const existing = ctx.store.trade('alipay', v.otn);
  if (existing) {
    if (existing.status === 'paid') return fail('40004', 'ACQ.TRADE_HAS_SUCCESS', '交易已被支付');
    if (existing.status !== 'created' && existing.status !== 'scanned')
      return fail('40004', 'ACQ.TRADE_HAS_CLOSE', '交易已经关闭');
    if (existing.amount_fen !== v.fen || existing.mode !== 'qr')
      return fail('40004', 'ACQ.CONTEXT_INCONSISTENT', '交易信息被篡改');
    return ok({ out_trade_no: v.otn, qr_code: alipayQrUrl(base, existing.qr_token ?? '') });
  }
  const now = ctx.now();
  const expires = parseExpiry(biz, now, 3 * 3600_000);
  if (expires === 'invalid') return invalid('timeout_express / time_expire');
  const qrTx = bizStr(biz, 'qr_code_timeout_express');
  const qrMs = qrTx ? parseTimeoutExpress(qrTx, now) : null;
  const token = `bax${randomAlnum(22)}`;
  newTrade(ctx, {
    provider: 'alipay',
    out_trade_no: v.otn,
    trade_no: newTradeNo('alipay', now),
    mode: 'qr',
    status: 'created',
    amount_fen: v.fen,
    subject: v.subject,
    qr_token: token,
    notify_url: params['notify_url'] ?? null,
    expires_at: expires,
    // the QR is valid for 2 h at most, whatever is asked (§2.5)
    qr_expires_at: now + Math.min(2 * 3600_000, qrMs ?? 2 * 3600_000, Math.max(0, expires - now)),
    extra: JSON.stringify({
      store_id: bizStr(biz, 'store_id') ?? '',
      operator_id: bizStr(biz, 'operator_id') ?? '',
      terminal_id: bizStr(biz, 'terminal_id') ?? '',
    }),
  });
  return ok({ out_trade_no: v.otn, qr_code: alipayQrUrl(base, token) });
}

function pay({ ctx, params, biz }: Req): Fields {
  const scene = bizStr(biz, 'scene') ?? 'bar_code';
  if (scene !== 'bar_code' && scene !== 'security_code') return invalid('scene');
  const authCode = bizStr(biz, 'auth_code') ?? '';
  const v = validateNewTrade(biz);
  if (!v.ok) return v.answer;
  if (!/^(2[5-9]|30)\d{14,22}$/.test(authCode))
    return fail(
      '40004',
      'ACQ.PAYMENT_AUTH_CODE_INVALID',
      '支付失败，获取顾客账户信息失败，请顾客刷新付款码后重新收款，如再次收款失败，请联系管理员处理。[SOUNDWAVE_PARSER_FAIL]',
    );
  let t = ctx.store.trade('alipay', v.otn);
  if (t) {
    if (t.amount_fen !== v.fen) return fail('40004', 'ACQ.CONTEXT_INCONSISTENT', '交易信息被篡改');
    if (t.status === 'paid') return fail('40004', 'ACQ.TRADE_HAS_SUCCESS', '交易已被支付');
    if (t.status === 'paying') return { code: '10003', msg: MSG['10003'], ...payFields(t, false) };
    if (t.status !== 'created' && t.status !== 'scanned') return fail('40004', 'ACQ.TRADE_HAS_CLOSE', '交易已经关闭');
    t = markScanned(ctx, t);
  } else {
    const now = ctx.now();
    const expires = parseExpiry(biz, now, 3 * 3600_000);
    if (expires === 'invalid') return invalid('timeout_express / time_expire');
    t = newTrade(ctx, {
      provider: 'alipay',
      out_trade_no: v.otn,
      trade_no: newTradeNo('alipay', now),
      mode: 'code',
      status: 'scanned',
      scanned_at: now,
      amount_fen: v.fen,
      subject: v.subject,
      auth_code: authCode,
      notify_url: params['notify_url'] ?? null,
      expires_at: null,
      extra: JSON.stringify({
        store_id: bizStr(biz, 'store_id') ?? '',
        operator_id: bizStr(biz, 'operator_id') ?? '',
        terminal_id: bizStr(biz, 'terminal_id') ?? '',
      }),
    });
  }
  const b = codeBehaviour(authCode, v.fen);
  const decline = ctx.scenarios.take('decline', 'alipay', v.otn, 'pay');
  const paying = ctx.scenarios.take('user_paying', 'alipay', v.otn, 'pay');
  const sysErr = ctx.scenarios.take('system_error', 'alipay', v.otn, 'pay');
  if (decline || b.kind === 'decline') {
    markFailed(ctx, t, 'buyer balance not enough');
    return fail('40004', 'ACQ.BUYER_BALANCE_NOT_ENOUGH', '买家余额不足');
  }
  const seconds = paying ? numParam(paying, 'seconds', 10) : b.seconds;
  const outcome = paying ? (paying.params['outcome'] === 'decline' ? 'decline' : 'pay') : b.outcome;
  t = startPaying(ctx, t, seconds, outcome);
  if (sysErr || b.kind === 'system_error') return fail('20000', 'ACQ.SYSTEM_ERROR', '系统错误');
  if (t.status === 'paying') return { code: '10003', msg: MSG['10003'], ...payFields(t, false) };
  if (t.status === 'failed') return fail('40004', 'ACQ.BUYER_BALANCE_NOT_ENOUGH', '买家余额不足');
  return ok(payFields(t, true));
}

function payFields(t: Trade, paid: boolean): Fields {
  const amount = yuan(t.amount_fen);
  return {
    trade_no: t.trade_no,
    out_trade_no: t.out_trade_no,
    buyer_logon_id: SANDBOX_BUYER.alipayLogonId,
    total_amount: amount,
    receipt_amount: paid ? amount : '0.00',
    buyer_pay_amount: paid ? amount : '0.00',
    point_amount: '0.00',
    invoice_amount: paid ? amount : '0.00',
    ...(paid && t.paid_at !== null
      ? { gmt_payment: fmtDateTime(t.paid_at), fund_bill_list: [{ fund_channel: 'ALIPAYACCOUNT', amount }] }
      : {}),
    buyer_user_id: SANDBOX_BUYER.alipayUserId,
  };
}

function query({ ctx, biz }: Req): Fields {
  if (!bizStr(biz, 'out_trade_no') && !bizStr(biz, 'trade_no')) return invalid('out_trade_no 和 trade_no 不能同时为空');
  const t = findTrade(ctx, biz);
  if (!t || !exists(t)) return notExist();
  return ok(tradeFields(ctx, t));
}

function cancel({ ctx, biz }: Req): Fields {
  if (!bizStr(biz, 'out_trade_no') && !bizStr(biz, 'trade_no')) return invalid('out_trade_no 和 trade_no 不能同时为空');
  const t = findTrade(ctx, biz);
  if (t && !exists(t)) {
    // unscanned QR: no trade upstream; the sandbox still retires the code (docs/sandbox.md)
    if (t.status === 'created') closeByMerchant(ctx, t, 'closed', 'cancelled before scan', 'cancel');
    return notExist();
  }
  if (!t) return notExist();
  if (ctx.now() - t.created_at > 24 * 3600_000) return fail('40004', 'ACQ.CANCEL_NOT_ALLOWED', '超过撤销时间范围');
  const ids = { trade_no: t.trade_no, out_trade_no: t.out_trade_no };
  switch (t.status) {
    case 'paid':
      closeByMerchant(ctx, t, 'revoked', 'cancelled after payment (refunded)', 'cancel');
      return ok({
        ...ids,
        retry_flag: 'N',
        action: 'refund',
        gmt_refund_pay: fmtDateTime(ctx.now()),
        refund_settlement_id: '',
      });
    case 'revoked':
      return ok({ ...ids, retry_flag: 'N', action: 'refund' });
    case 'closed':
    case 'failed':
      return ok({ ...ids, retry_flag: 'N', action: 'close' });
    default:
      closeByMerchant(ctx, t, 'closed', 'cancelled', 'cancel');
      return ok({ ...ids, retry_flag: 'N', action: 'close' });
  }
}

function close({ ctx, biz }: Req): Fields {
  if (!bizStr(biz, 'out_trade_no') && !bizStr(biz, 'trade_no')) return invalid('out_trade_no 和 trade_no 不能同时为空');
  const t = findTrade(ctx, biz);
  if (t && !exists(t)) {
    if (t.status === 'created') closeByMerchant(ctx, t, 'closed', 'closed before scan', 'close');
    return notExist();
  }
  if (!t) return notExist();
  if (t.status === 'paid') return fail('40004', 'ACQ.TRADE_STATUS_ERROR', '交易状态不合法');
  if (t.status === 'closed' || t.status === 'failed' || t.status === 'revoked')
    return fail('40004', 'ACQ.TRADE_HAS_CLOSE', '交易已经关闭');
  closeByMerchant(ctx, t, 'closed', 'closed by merchant', 'close');
  return ok({ trade_no: t.trade_no, out_trade_no: t.out_trade_no });
}

const OPS: Record<Operation, (r: Req) => Fields> = {
  create: precreate,
  pay,
  query,
  cancel,
  close,
  refund,
  refund_query: refundQuery,
  bill: billUrl,
  notify: () => ok(),
};

/** Check the common parameters and the signature; the first problem as an answer, or null. */
function checkRequest(ctx: Ctx, params: Record<string, string>): Fields | null {
  if (!params['app_id']) return fail('40001', 'isv.missing-app-id', '缺少AppID参数');
  if (params['app_id'] !== ctx.creds.alipay.appId) return fail('40002', 'isv.invalid-app-id', '无效的AppID参数');
  if (!params['sign']) return fail('40001', 'isv.missing-signature', '缺少签名参数');
  if (!params['sign_type']) return fail('40001', 'isv.missing-signature-type', '缺少签名类型参数');
  if (params['sign_type'] !== 'RSA2')
    return fail('40002', 'isv.invalid-signature-type', '无效的签名类型参数 (the sandbox accepts RSA2)');
  if (!params['timestamp']) return fail('40001', 'isv.missing-timestamp', '缺少时间戳参数');
  if (parseDateTime(params['timestamp']) === null) return fail('40002', 'isv.invalid-timestamp', '非法的时间戳参数');
  if (!params['version']) return fail('40001', 'isv.missing-version', '缺少版本参数');
  if (params['version'] !== '1.0') return fail('40002', 'isv.invalid-parameter', '参数无效: version');
  if (params['format'] && params['format'].toUpperCase() !== 'JSON')
    return fail('40002', 'isv.invalid-format', '无效的数据格式参数');
  const content = alipaySignContent(params);
  if (!rsa2Verify(content, params['sign'], ctx.creds.alipay.appPublicKey))
    return fail(
      '40002',
      'isv.invalid-signature',
      `验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为：${short(content, 64)}`,
    );
  return null;
}

/** `POST /alipay/gateway.do` (GET accepted too). */
export async function handleGateway(ctx: Ctx, req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
  const query = rawQuery(req.url);
  const queryParams = parseForm(query, null);
  const charset = normaliseCharset(queryParams['charset'] ?? contentTypeCharset(req));
  const params = { ...parseForm(query, charset ?? 'utf-8'), ...parseForm(body, charset ?? 'utf-8') };
  const method = params['method'];
  const op = method ? ALIPAY_METHODS[method] : undefined;
  // the answer is keyed by the method asked for (even an unknown one); error_response only without one
  const responseKey =
    method && /^[A-Za-z0-9.]{1,100}$/.test(method) ? `${method.replace(/\./g, '_')}_response` : 'error_response';
  const answer = (fields: Fields, plan = NO_PLAN) =>
    deliver(res, plan, JSON_TYPE, answerBody(ctx, responseKey, fields, plan));

  if (!method) return answer(fail('40001', 'isv.missing-method', '缺少方法名参数'));
  if (!op) return answer(fail('40002', 'isv.invalid-method', '不存在的方法名'));
  if (!charset) return answer(fail('40002', 'isv.invalid-charset', '字符集错误'));
  const problem = checkRequest(ctx, params);
  if (problem) return answer(problem);
  let biz: Fields = {};
  if (params['biz_content']) {
    try {
      const parsed: unknown = JSON.parse(params['biz_content']);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      biz = parsed as Fields;
    } catch {
      return answer(fail('40002', 'isv.invalid-parameter', 'biz_content 不是合法的JSON'));
    }
  }
  const otn =
    bizStr(biz, 'out_trade_no') ??
    (bizStr(biz, 'trade_no')
      ? (ctx.store.tradeByTradeNo('alipay', bizStr(biz, 'trade_no') ?? '')?.out_trade_no ?? null)
      : null);
  const plan = ctx.scenarios.transport('alipay', otn, op);
  if (plan.fault === 'http_500') return deliver(res, plan, JSON_TYPE, '');
  const fields = OPS[op]({ ctx, params, biz, base: callerBase(req, ctx.baseUrl) });
  return answer(fields, plan);
}

// ---------------------------------------------------------------- the customer page

export async function handleCustomerPage(
  ctx: Ctx,
  req: IncomingMessage,
  res: ServerResponse,
  token: string,
  body: Buffer,
): Promise<void> {
  serveCustomerPage(ctx, req, res, body, {
    provider: 'alipay',
    token,
    path: alipayQrUrl('', token),
    merchant: `Counter POS 沙箱商户 (${ctx.creds.alipay.sellerId})`,
  });
}
