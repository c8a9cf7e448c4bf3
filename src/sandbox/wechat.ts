/**
 * WeChat Pay v2 (`/wechat/pay/*`, `/wechat/secapi/pay/*`, docs/protocols.md §3): XML in and out, MD5 or
 * HMAC-SHA256 signatures checked as the real gateway does, return_code for transport problems,
 * result_code/err_code for business ones, every SUCCESS answer signed with the request's sign type.
 */
import { gzipSync } from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Ctx } from './context';
import { randomAlnum, randomDigits } from './context';
import { callerBase, parseForm, rawQuery } from './http';
import { codeBehaviour } from './alipay';
import { serveCustomerPage } from './customer';
import { SANDBOX_BUYER } from './notify';
import { deliver } from './respond';
import { numParam, type Operation, type TransportPlan } from './scenarios';
import { wechatSign, wechatSignMatches, type WechatSignType } from './signing';
import { extraOf, type Trade } from './store';
import { fmtCompact, fmtDateTime, parseCompact } from './time';
import { addRefund, closeByMerchant, markFailed, markScanned, newTrade, newTradeNo, startPaying } from './trades';
import { wechatBill } from './statements';
import { buildXml, parseXml } from './xml';

export const WECHAT_PATHS: Record<string, Operation> = {
  '/wechat/pay/unifiedorder': 'create',
  '/wechat/pay/micropay': 'pay',
  '/wechat/pay/orderquery': 'query',
  '/wechat/secapi/pay/reverse': 'cancel',
  '/wechat/pay/closeorder': 'close',
  '/wechat/secapi/pay/refund': 'refund',
  '/wechat/pay/refundquery': 'refund_query',
  '/wechat/pay/downloadbill': 'bill',
};

type Fields = Record<string, string | undefined>;
type BillText = { text: string; gzip: boolean };

const XML_TYPE = 'text/xml; charset=utf-8';
const NO_PLAN: TransportPlan = { delayMs: 0, fault: null, badSignature: false, amountDeltaFen: 0 };

/** A transport-level failure: return_code FAIL, unsigned (as the gateway answers them). */
function transportFail(msg: string, extra: Fields = {}): string {
  return buildXml({ return_code: 'FAIL', return_msg: msg, ...extra });
}

const okResult = (fields: Fields = {}): Fields => ({ result_code: 'SUCCESS', ...fields });
const errResult = (code: string, des: string, fields: Fields = {}): Fields => ({
  result_code: 'FAIL',
  err_code: code,
  err_code_des: des,
  ...fields,
});

export function wechatQrUrl(base: string, token: string): string {
  return `${base}/wechat/bizpayurl?pr=${token}`;
}

/** §3.3 trade_state. */
export function tradeState(ctx: Ctx, t: Trade): string {
  switch (t.status) {
    case 'paid':
      return ctx.store.refunds('wechat', t.out_trade_no).length > 0 ? 'REFUND' : 'SUCCESS';
    case 'paying':
      return t.mode === 'code' ? 'USERPAYING' : 'NOTPAY';
    case 'closed':
      return 'CLOSED';
    case 'revoked':
      return 'REVOKED';
    case 'failed':
      return 'PAYERROR';
    default:
      return 'NOTPAY';
  }
}

const STATE_DESC: Record<string, string> = {
  SUCCESS: '支付成功',
  REFUND: '转入退款',
  NOTPAY: '订单未支付',
  CLOSED: '已关闭',
  REVOKED: '已撤销（付款码支付）',
  USERPAYING: '用户支付中（付款码支付）',
  PAYERROR: '支付失败',
};

interface Req {
  ctx: Ctx;
  f: Record<string, string>;
  base: string;
}

function find(ctx: Ctx, f: Record<string, string>): Trade | null {
  if (f['transaction_id']) return ctx.store.tradeByTradeNo('wechat', f['transaction_id']);
  return f['out_trade_no'] ? ctx.store.trade('wechat', f['out_trade_no']) : null;
}

function missing(f: Record<string, string>, keys: string[]): string | null {
  return keys.find((k) => !f[k]) ?? null;
}

type Checked = { ok: true; otn: string; fee: number } | { ok: false; answer: Fields };

function checkOrder(f: Record<string, string>): Checked {
  const otn = f['out_trade_no'] ?? '';
  if (!/^[0-9A-Za-z_\-|*]{1,32}$/.test(otn))
    return { ok: false, answer: errResult('PARAM_ERROR', 'out_trade_no参数格式错误（最长32位，数字、字母、_-|*）') };
  const feeText = f['total_fee'] ?? '';
  if (!/^[1-9]\d{0,9}$/.test(feeText) || Number(feeText) > 10_000_000_000)
    return { ok: false, answer: errResult('PARAM_ERROR', 'total_fee参数格式错误（整数，单位为分）') };
  if (f['fee_type'] && f['fee_type'] !== 'CNY')
    return { ok: false, answer: errResult('PARAM_ERROR', 'fee_type参数错误') };
  return { ok: true, otn, fee: Number(feeText) };
}

function unifiedOrder({ ctx, f, base }: Req): Fields {
  const m = missing(f, ['body', 'out_trade_no', 'total_fee', 'spbill_create_ip', 'notify_url', 'trade_type']);
  if (m) return errResult('LACK_PARAMS', `缺少参数${m}`);
  if (f['trade_type'] !== 'NATIVE') return errResult('PARAM_ERROR', 'trade_type参数错误（沙箱只支持NATIVE）');
  if (!f['product_id']) return errResult('LACK_PARAMS', 'trade_type=NATIVE时，product_id为必填参数');
  const o = checkOrder(f);
  if (!o.ok) return o.answer;
  const existing = ctx.store.trade('wechat', o.otn);
  if (existing) {
    if (existing.status === 'paid') return errResult('ORDERPAID', '该订单已支付');
    if (existing.status !== 'created' && existing.status !== 'scanned') return errResult('ORDERCLOSED', '该订单已关闭');
    if (existing.amount_fen !== o.fee || existing.subject !== f['body'] || existing.mode !== 'qr')
      return errResult('OUT_TRADE_NO_USED', '商户订单号重复');
    const x = extraOf(existing);
    return okResult({
      trade_type: 'NATIVE',
      prepay_id: x['prepay_id'],
      code_url: wechatQrUrl(base, existing.qr_token ?? ''),
    });
  }
  const now = ctx.now();
  let expires = now + 7 * 86_400_000; // without time_expire an order lives for days (§3.3)
  if (f['time_expire']) {
    const at = parseCompact(f['time_expire']);
    if (at === null) return errResult('PARAM_ERROR', 'time_expire参数格式错误');
    if (at < now + 60_000) return errResult('PARAM_ERROR', 'time_expire时间过短，刷卡至少1分钟，其他5分钟');
    expires = at;
  }
  const token = randomAlnum(10, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789');
  const prepayId = `wx${fmtCompact(now)}${randomAlnum(18, '0123456789abcdef')}`;
  newTrade(ctx, {
    provider: 'wechat',
    out_trade_no: o.otn,
    trade_no: newTradeNo('wechat', now),
    mode: 'qr',
    status: 'created',
    amount_fen: o.fee,
    subject: f['body'] ?? '',
    qr_token: token,
    notify_url: f['notify_url'] ?? null,
    expires_at: expires,
    qr_expires_at: Math.min(now + 2 * 3600_000, expires), // code_url is valid 2 h (§3.3)
    extra: JSON.stringify({
      prepay_id: prepayId,
      sign_type: f['sign_type'] || 'MD5',
      attach: f['attach'] ?? '',
      device_info: f['device_info'] ?? '',
      product_id: f['product_id'] ?? '',
      trade_type: 'NATIVE',
    }),
  });
  return okResult({ trade_type: 'NATIVE', prepay_id: prepayId, code_url: wechatQrUrl(base, token) });
}

function paidFields(ctx: Ctx, t: Trade): Fields {
  const x = extraOf(t);
  return {
    openid: SANDBOX_BUYER.wechatOpenId,
    is_subscribe: 'N',
    trade_type: t.mode === 'code' ? 'MICROPAY' : 'NATIVE',
    bank_type: 'OTHERS',
    fee_type: 'CNY',
    total_fee: String(t.amount_fen),
    cash_fee_type: 'CNY',
    cash_fee: String(t.amount_fen),
    transaction_id: t.trade_no,
    out_trade_no: t.out_trade_no,
    attach: x['attach'] || undefined,
    time_end: t.paid_at !== null ? fmtCompact(t.paid_at) : undefined,
  };
}

function micropay({ ctx, f }: Req): Fields {
  const m = missing(f, ['body', 'out_trade_no', 'total_fee', 'spbill_create_ip', 'auth_code']);
  if (m) return errResult('LACK_PARAMS', `缺少参数${m}`);
  const o = checkOrder(f);
  if (!o.ok) return o.answer;
  const authCode = f['auth_code'] ?? '';
  if (!/^1[0-5]\d{16}$/.test(authCode))
    return errResult('AUTH_CODE_INVALID', '请扫描微信支付授权码（18位数字，以10~15开头）');
  let t = ctx.store.trade('wechat', o.otn);
  if (t) {
    if (t.amount_fen !== o.fee) return errResult('OUT_TRADE_NO_USED', '商户订单号重复');
    if (t.status === 'paid') return errResult('ORDERPAID', '订单已支付');
    if (t.status === 'paying') return errResult('USERPAYING', '需要用户输入支付密码');
    if (t.status === 'revoked') return errResult('ORDERREVERSED', '订单已撤销');
    if (t.status === 'closed' || t.status === 'failed') return errResult('ORDERCLOSED', '订单已关闭');
    if (t.mode !== 'code') return errResult('OUT_TRADE_NO_USED', '商户订单号重复');
  } else {
    const now = ctx.now();
    t = newTrade(ctx, {
      provider: 'wechat',
      out_trade_no: o.otn,
      trade_no: newTradeNo('wechat', now),
      mode: 'code',
      status: 'scanned',
      scanned_at: now,
      amount_fen: o.fee,
      subject: f['body'] ?? '',
      auth_code: authCode,
      extra: JSON.stringify({
        sign_type: f['sign_type'] || 'MD5',
        attach: f['attach'] ?? '',
        device_info: f['device_info'] ?? '',
        trade_type: 'MICROPAY',
      }),
    });
  }
  t = markScanned(ctx, t);
  const b = codeBehaviour(authCode, o.fee);
  const decline = ctx.scenarios.take('decline', 'wechat', o.otn, 'pay');
  const paying = ctx.scenarios.take('user_paying', 'wechat', o.otn, 'pay');
  const sysErr = ctx.scenarios.take('system_error', 'wechat', o.otn, 'pay');
  if (decline || b.kind === 'decline') {
    markFailed(ctx, t, 'buyer balance not enough');
    return errResult('NOTENOUGH', '用户余额不足，提示用户换卡支付');
  }
  const seconds = paying ? numParam(paying, 'seconds', 10) : b.seconds;
  const outcome = paying ? (paying.params['outcome'] === 'decline' ? 'decline' : 'pay') : b.outcome;
  t = startPaying(ctx, t, seconds, outcome);
  if (sysErr || b.kind === 'system_error')
    return errResult('SYSTEMERROR', '系统超时，请立即调用被扫订单结果查询API，查询当前订单状态');
  if (t.status === 'paying') return errResult('USERPAYING', '需要用户输入支付密码');
  if (t.status === 'failed') return errResult('TRADE_ERROR', '用户取消支付');
  return okResult(paidFields(ctx, t));
}

function orderQuery({ ctx, f }: Req): Fields {
  if (!f['transaction_id'] && !f['out_trade_no'])
    return errResult('LACK_PARAMS', 'transaction_id、out_trade_no至少填一个');
  const t = find(ctx, f);
  if (!t) return errResult('ORDERNOTEXIST', '此交易订单号不存在');
  const state = tradeState(ctx, t);
  const x = extraOf(t);
  const paidLike = state === 'SUCCESS' || state === 'REFUND' || (t.status === 'revoked' && t.paid_at !== null);
  return okResult({
    device_info: x['device_info'] || undefined,
    ...(paidLike
      ? paidFields(ctx, t)
      : {
          out_trade_no: t.out_trade_no,
          total_fee: String(t.amount_fen),
          trade_type: t.mode === 'code' ? 'MICROPAY' : 'NATIVE',
          attach: x['attach'] || undefined,
        }),
    trade_state: state,
    trade_state_desc: STATE_DESC[state] ?? state,
  });
}

function reverse({ ctx, f }: Req): Fields {
  if (!f['transaction_id'] && !f['out_trade_no'])
    return errResult('LACK_PARAMS', 'transaction_id、out_trade_no至少填一个', { recall: 'N' });
  const t = find(ctx, f);
  if (!t) return errResult('ORDERNOTEXIST', '订单不存在', { recall: 'N' });
  if (t.mode !== 'code') return errResult('TRADE_ERROR', '撤销仅支持付款码支付的订单，请调用关单接口', { recall: 'N' });
  const age = ctx.now() - t.created_at;
  if (age > 7 * 86_400_000) return errResult('REVERSE_EXPIRE', '订单已超过撤销期限（7天）', { recall: 'N' });
  if (t.status === 'revoked') return okResult({ recall: 'N' });
  if (t.status === 'paying') return errResult('USERPAYING', '用户支付中，不能撤销，请稍后再试', { recall: 'Y' });
  if (age < 15_000) return errResult('SYSTEMERROR', '支付结果未确认，请在支付15秒后再调用撤销', { recall: 'Y' });
  closeByMerchant(ctx, t, 'revoked', t.status === 'paid' ? 'reversed after payment (refunded)' : 'reversed', 'cancel');
  return okResult({ recall: 'N' });
}

function closeOrder({ ctx, f }: Req): Fields {
  if (!f['out_trade_no']) return errResult('LACK_PARAMS', '缺少参数out_trade_no');
  const t = ctx.store.trade('wechat', f['out_trade_no']);
  if (!t) return errResult('ORDERNOTEXIST', '订单不存在');
  if (t.status === 'paid') return errResult('ORDERPAID', '订单已支付，不能发起关单');
  if (t.status === 'closed' || t.status === 'revoked' || t.status === 'failed')
    return errResult('ORDERCLOSED', '订单已关闭，无需继续调用');
  if (t.status === 'paying') return errResult('USERPAYING', '用户支付中，请稍后再试');
  if (ctx.now() - t.created_at < 5 * 60_000)
    return errResult('SYSTEMERROR', '订单生成后不能马上调用关单接口，最短调用时间间隔为5分钟');
  closeByMerchant(ctx, t, 'closed', 'closed by merchant', 'close');
  return okResult({});
}

function refund({ ctx, f }: Req): Fields {
  const m = missing(f, ['out_refund_no', 'total_fee', 'refund_fee']);
  if (m) return errResult('LACK_PARAMS', `缺少参数${m}`);
  if (!f['transaction_id'] && !f['out_trade_no'])
    return errResult('LACK_PARAMS', 'transaction_id、out_trade_no至少填一个');
  if (!/^[1-9]\d{0,9}$/.test(f['refund_fee'] ?? '') || !/^[1-9]\d{0,9}$/.test(f['total_fee'] ?? ''))
    return errResult('PARAM_ERROR', 'total_fee/refund_fee参数格式错误');
  const t = find(ctx, f);
  if (!t) return errResult('ORDERNOTEXIST', '订单不存在');
  const fee = Number(f['refund_fee']);
  const ids = { transaction_id: t.trade_no, out_trade_no: t.out_trade_no, out_refund_no: f['out_refund_no'] };
  if (Number(f['total_fee']) !== t.amount_fen)
    return errResult('INVALID_REQUEST', '订单金额或退款金额与之前请求不一致，请核实后再试');
  const previous = ctx.store.refund('wechat', t.out_trade_no, f['out_refund_no'] ?? '');
  if (previous) {
    if (previous.amount_fen !== fee)
      return errResult('INVALID_REQUEST', '订单金额或退款金额与之前请求不一致，请核实后再试');
    return okResult({
      ...ids,
      refund_id: previous.refund_id,
      refund_fee: String(fee),
      total_fee: String(t.amount_fen),
      cash_fee: String(t.amount_fen),
      refund_channel: '',
    });
  }
  if (t.status !== 'paid') return errResult('ERROR', '订单状态错误，不能退款');
  if (ctx.scenarios.take('refund_failed', 'wechat', t.out_trade_no, 'refund'))
    return errResult('NOTENOUGH', '基本账户余额不足，请充值后重新发起');
  if (fee > t.amount_fen - ctx.store.refundedFen('wechat', t.out_trade_no))
    return errResult('INVALID_REQUEST', '退款金额大于支付金额');
  if (ctx.now() - (t.paid_at ?? t.created_at) > 365 * 86_400_000)
    return errResult('TRADE_OVERDUE', '订单已经超过退款期限');
  const pending = ctx.scenarios.take('refund_pending', 'wechat', t.out_trade_no, 'refund');
  const r = addRefund(
    ctx,
    t,
    f['out_refund_no'] ?? '',
    fee,
    f['refund_desc'] ?? '',
    pending ? numParam(pending, 'seconds', 60) : 0,
    {
      refundId: `50000${randomDigits(24)}`,
      notifyUrl: f['notify_url'] ?? null,
    },
  );
  return okResult({
    ...ids,
    refund_id: r.refund_id,
    refund_fee: String(fee),
    total_fee: String(t.amount_fen),
    cash_fee: String(t.amount_fen),
    refund_channel: '',
  });
}

function refundQuery({ ctx, f }: Req): Fields {
  let trade: Trade | null = null;
  let only: string | null = null;
  if (f['refund_id']) {
    const r = ctx.store.refundById('wechat', f['refund_id']);
    if (r) {
      trade = ctx.store.trade('wechat', r.out_trade_no);
      only = r.out_request_no;
    }
  } else if (f['out_refund_no']) {
    const r = ctx.store.refundByRequestNo('wechat', f['out_refund_no']);
    if (r) {
      trade = ctx.store.trade('wechat', r.out_trade_no);
      only = r.out_request_no;
    }
  } else if (f['transaction_id'] || f['out_trade_no']) trade = find(ctx, f);
  else return errResult('LACK_PARAMS', 'refund_id、out_refund_no、transaction_id、out_trade_no至少填一个');
  const refunds = trade
    ? ctx.store.refunds('wechat', trade.out_trade_no).filter((r) => only === null || r.out_request_no === only)
    : [];
  if (!trade || refunds.length === 0) return errResult('REFUNDNOTEXIST', '退款订单查询失败');
  const fields: Fields = {
    transaction_id: trade.trade_no,
    out_trade_no: trade.out_trade_no,
    total_fee: String(trade.amount_fen),
    cash_fee: String(trade.amount_fen),
    refund_count: String(refunds.length),
    refund_fee: String(refunds.reduce((s, r) => s + r.amount_fen, 0)),
  };
  refunds.forEach((r, n) => {
    fields[`out_refund_no_${n}`] = r.out_request_no;
    fields[`refund_id_${n}`] = r.refund_id;
    fields[`refund_channel_${n}`] = 'ORIGINAL';
    fields[`refund_fee_${n}`] = String(r.amount_fen);
    fields[`refund_status_${n}`] =
      r.status === 'SUCCESS' ? 'SUCCESS' : r.status === 'PROCESSING' ? 'PROCESSING' : 'CHANGE';
    fields[`refund_account_${n}`] = 'REFUND_SOURCE_RECHARGE_FUNDS';
    fields[`refund_recv_accout_${n}`] = '支付用户的零钱';
    if (r.finished_at !== null) fields[`refund_success_time_${n}`] = fmtDateTime(r.finished_at);
  });
  return okResult(fields);
}

function downloadBill({ ctx, f }: Req): BillText {
  const date = f['bill_date'] ?? '';
  const type = f['bill_type'] || 'ALL';
  if (!/^\d{8}$/.test(date) || parseCompact(`${date}000000`) === null)
    return { text: transportFail('invalid bill_date', { error_code: '20001' }), gzip: false };
  if (type !== 'ALL' && type !== 'SUCCESS' && type !== 'REFUND')
    return { text: transportFail('invalid bill_type', { error_code: '20001' }), gzip: false };
  if (f['tar_type'] && f['tar_type'] !== 'GZIP')
    return { text: transportFail('invalid tar_type', { error_code: '20001' }), gzip: false };
  const bill = wechatBill(ctx, date, type);
  if (bill === null) return { text: transportFail('No Bill Exist', { error_code: '20002' }), gzip: false };
  return { text: bill, gzip: f['tar_type'] === 'GZIP' };
}

const OPS: Record<Exclude<Operation, 'bill'>, (r: Req) => Fields> = {
  create: unifiedOrder,
  pay: micropay,
  query: orderQuery,
  cancel: reverse,
  close: closeOrder,
  refund,
  refund_query: refundQuery,
  notify: () => okResult(),
};

function signedAnswer(ctx: Ctx, fields: Fields, signType: WechatSignType, plan: TransportPlan): string {
  const all: Fields = {
    return_code: 'SUCCESS',
    return_msg: 'OK',
    appid: ctx.creds.wechat.appId,
    mch_id: ctx.creds.wechat.mchId,
    nonce_str: randomAlnum(16, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'),
    ...fields,
  };
  if (plan.amountDeltaFen !== 0)
    for (const k of ['total_fee', 'cash_fee', 'settlement_total_fee']) {
      const v = all[k];
      if (v && /^\d+$/.test(v)) all[k] = String(Number(v) + plan.amountDeltaFen);
    }
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(all)) if (v !== undefined && v !== '') clean[k] = v;
  clean['sign'] = wechatSign(
    clean,
    plan.badSignature ? 'sandbox-wrong-key-sandbox-wrong-k' : ctx.creds.wechat.apiKey,
    signType,
  );
  return buildXml(clean);
}

export async function handleApi(
  ctx: Ctx,
  req: IncomingMessage,
  res: ServerResponse,
  op: Operation,
  body: Buffer,
): Promise<void> {
  const plain = (text: string) => deliver(res, NO_PLAN, XML_TYPE, text);
  if (req.method !== 'POST') return plain(transportFail('请使用post方法', { err_code: 'REQUIRE_POST_METHOD' }));
  if (body.length === 0) return plain(transportFail('post数据为空', { err_code: 'POST_DATA_EMPTY' }));
  const text = body.toString('utf8');
  if (text.includes('\uFFFD')) return plain(transportFail('编码格式错误，请使用UTF-8编码', { err_code: 'NOT_UTF8' }));
  const f = parseXml(text);
  if (!f) return plain(transportFail('XML格式错误', { err_code: 'XML_FORMAT_ERROR' }));
  if (!f['appid'] || !f['mch_id']) return plain(transportFail(`缺少参数${!f['appid'] ? 'appid' : 'mch_id'}`));
  if (f['mch_id'] !== ctx.creds.wechat.mchId) return plain(transportFail('mch_id不存在，请检查商户号'));
  if (f['appid'] !== ctx.creds.wechat.appId) return plain(transportFail('appid和mch_id不匹配'));
  if (!f['nonce_str']) return plain(transportFail('缺少参数nonce_str'));
  const signType = f['sign_type'] || 'MD5';
  if (signType !== 'MD5' && signType !== 'HMAC-SHA256')
    return plain(transportFail('签名类型错误，sign_type只能是MD5或HMAC-SHA256'));
  if (!f['sign']) return plain(transportFail('缺少参数sign'));
  if (!wechatSignMatches(f, ctx.creds.wechat.apiKey, signType)) return plain(transportFail('签名错误'));

  const otn =
    f['out_trade_no'] ??
    (f['transaction_id'] ? (ctx.store.tradeByTradeNo('wechat', f['transaction_id'])?.out_trade_no ?? null) : null);
  const plan = ctx.scenarios.transport('wechat', otn, op);
  if (plan.fault === 'http_500') return deliver(res, plan, XML_TYPE, '');
  const r: Req = { ctx, f, base: callerBase(req, ctx.baseUrl) };
  if (op === 'bill') {
    const bill = downloadBill(r);
    if (bill.gzip) return deliver(res, plan, 'application/octet-stream', gzipSync(Buffer.from(bill.text, 'utf8')));
    return deliver(res, plan, bill.text.startsWith('<xml>') ? XML_TYPE : 'text/plain; charset=utf-8', bill.text);
  }
  return deliver(res, plan, XML_TYPE, signedAnswer(ctx, OPS[op](r), signType, plan));
}

/** `GET/POST /wechat/bizpayurl?pr=…`: the customer page behind a NATIVE code_url. */
export function handleCustomerPage(ctx: Ctx, req: IncomingMessage, res: ServerResponse, body: Buffer): void {
  const token = parseForm(rawQuery(req.url), 'utf-8')['pr'] ?? '';
  serveCustomerPage(ctx, req, res, body, {
    provider: 'wechat',
    token,
    path: wechatQrUrl('', token),
    merchant: `Counter POS 沙箱商户 (${ctx.creds.wechat.mchId})`,
  });
}
