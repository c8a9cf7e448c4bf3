/**
 * The notifications each provider sends, built and signed here (queued by trades.ts, delivered by
 * notifier.ts): Alipay's form POST (docs/protocols.md §2.4), WeChat's XML POST (§3.5, refund notify with encrypted
 * req_info) and YeePay's server-to-server callback (r9_BType=2, §1.4/1.5).
 */
import type { Ctx } from './context';
import { randomAlnum } from './context';
import { gbkUrlEncode } from './http';
import { feeFen, yeepayAmount, yuan } from './money';
import {
  alipaySignContent,
  rsa2Sign,
  wechatEncryptReqInfo,
  wechatSign,
  yeepayHmac,
  type WechatSignType,
} from './signing';
import { extraOf, type Provider, type Refund, type Trade } from './store';
import { fmtCompact, fmtDateTime } from './time';
import { buildXml } from './xml';

export const SANDBOX_BUYER = {
  alipayUserId: '2088000000000002',
  alipayLogonId: '138****8000',
  wechatOpenId: 'oSandboxBuyer0000000000000001',
};

/** How a scenario alters a notification: a wrong amount, a bad signature. */
export interface NotificationMods {
  amountDeltaFen: number;
  badSignature: boolean;
}

/** The notify URL for a trade: the configured one if it overrides, else the request's, else the configured one. */
export function notifyUrlFor(ctx: Ctx, provider: Provider, requested: string | null): string | null {
  const configured = ctx.store.get(`notify_url.${provider}`);
  const override = ctx.store.get(`notify_url.${provider}.override`) === '1';
  if (configured && (override || !requested)) return configured;
  return requested && /^https?:\/\//i.test(requested) ? requested : null;
}

export interface BuiltNotification {
  url: string;
  method: 'GET' | 'POST';
  contentType: string;
  body: string;
  retries: boolean;
}

function form(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
}

function alipaySignNotify(ctx: Ctx, all: Record<string, string>, bad: boolean): Record<string, string> {
  // never send empty fields: some verifiers (the Node SDK) do not drop them before verifying
  const fields = Object.fromEntries(Object.entries(all).filter(([, v]) => v !== ''));
  const content = alipaySignContent(fields, ['sign_type']);
  const key = bad ? ctx.wrongAlipayKey : ctx.creds.alipay.platformPrivateKey;
  return { ...fields, sign: rsa2Sign(content, key) };
}

function alipayNotifyFields(ctx: Ctx, t: Trade, mods: NotificationMods): Record<string, string> {
  const amount = yuan(t.amount_fen + mods.amountDeltaFen);
  const paidAt = t.paid_at ?? ctx.now();
  return {
    gmt_create: fmtDateTime(t.created_at),
    charset: 'utf-8',
    gmt_payment: fmtDateTime(paidAt),
    notify_time: fmtDateTime(ctx.now()),
    subject: t.subject,
    buyer_id: SANDBOX_BUYER.alipayUserId,
    buyer_logon_id: SANDBOX_BUYER.alipayLogonId,
    invoice_amount: amount,
    version: '1.0',
    notify_id: `2024${randomAlnum(30, '0123456789abcdef')}`,
    fund_bill_list: JSON.stringify([{ amount, fundChannel: 'ALIPAYACCOUNT' }]),
    notify_type: 'trade_status_sync',
    out_trade_no: t.out_trade_no,
    total_amount: amount,
    trade_status: 'TRADE_SUCCESS',
    trade_no: t.trade_no,
    auth_app_id: ctx.creds.alipay.appId,
    receipt_amount: amount,
    point_amount: '0.00',
    buyer_pay_amount: amount,
    app_id: ctx.creds.alipay.appId,
    sign_type: 'RSA2',
    seller_id: ctx.creds.alipay.sellerId,
  };
}

function wechatNotify(ctx: Ctx, t: Trade, fields: Record<string, string>, mods: NotificationMods): string {
  const signType = (extraOf(t)['sign_type'] as WechatSignType | undefined) ?? 'MD5';
  const all: Record<string, string> = { ...fields, nonce_str: randomAlnum(32) };
  if (signType === 'HMAC-SHA256') all['sign_type'] = 'HMAC-SHA256';
  const key = mods.badSignature ? 'sandbox-wrong-key-sandbox-wrong-k' : ctx.creds.wechat.apiKey;
  all['sign'] = wechatSign(all, key, signType);
  return buildXml(all);
}

/** YeePay callback parameters in wire order, with hmac (V2 order: p1_MerId, r0…r9_BType). */
export function yeepayCallbackParams(ctx: Ctx, t: Trade, btype: '1' | '2', mods: NotificationMods): [string, string][] {
  const x = extraOf(t);
  const paidAt = t.paid_at ?? ctx.now();
  const signed: [string, string][] = [
    ['p1_MerId', ctx.creds.yeepay.merchantId],
    ['r0_Cmd', 'Buy'],
    ['r1_Code', '1'],
    ['r2_TrxId', t.trade_no],
    ['r3_Amt', yeepayAmount(t.amount_fen + mods.amountDeltaFen)],
    ['r4_Cur', 'RMB'],
    ['r5_Pid', x['p5_Pid'] ?? ''],
    ['r6_Order', t.out_trade_no],
    ['r7_Uid', ''],
    ['r8_MP', x['pa_MP'] ?? ''],
    ['r9_BType', btype],
  ];
  const key = mods.badSignature ? 'sandbox-wrong-key' : ctx.creds.yeepay.key;
  const hmac = yeepayHmac(
    key,
    signed.map(([, v]) => v),
  );
  return [
    ...signed,
    ['rb_BankId', x['bank'] ?? '1000000-NET'],
    ['ro_BankOrderId', `${t.trade_no.slice(0, 10)}B`],
    ['rp_PayDate', fmtCompact(paidAt)],
    ['rq_CardNo', ''],
    ['ru_Trxtime', fmtCompact(ctx.now())],
    ['rq_SourceFee', '0.0'],
    ['rq_TargetFee', yeepayAmount(feeFen(t.amount_fen))],
    ['hmac', hmac],
  ];
}

/** `p8_Url` plus the callback as a GBK-encoded query string. */
export function yeepayCallbackUrl(base: string, params: [string, string][]): string {
  const q = params.map(([k, v]) => `${k}=${gbkUrlEncode(v)}`).join('&');
  return `${base}${base.includes('?') ? '&' : '?'}${q}`;
}

export function buildPaidNotification(ctx: Ctx, t: Trade, mods: NotificationMods): BuiltNotification | null {
  const x = extraOf(t);
  if (t.provider === 'alipay') {
    const url = notifyUrlFor(ctx, 'alipay', t.notify_url);
    if (!url) return null;
    const fields = alipaySignNotify(ctx, alipayNotifyFields(ctx, t, mods), mods.badSignature);
    return {
      url,
      method: 'POST',
      contentType: 'application/x-www-form-urlencoded; charset=utf-8',
      body: form(fields),
      retries: true,
    };
  }
  if (t.provider === 'wechat') {
    if (t.mode !== 'qr') return null; // micropay sends no notification (§3.3)
    const url = notifyUrlFor(ctx, 'wechat', t.notify_url);
    if (!url) return null;
    const fee = String(t.amount_fen + mods.amountDeltaFen);
    const fields: Record<string, string> = {
      appid: ctx.creds.wechat.appId,
      attach: x['attach'] ?? '',
      bank_type: 'OTHERS',
      cash_fee: fee,
      fee_type: 'CNY',
      is_subscribe: 'N',
      mch_id: ctx.creds.wechat.mchId,
      openid: SANDBOX_BUYER.wechatOpenId,
      out_trade_no: t.out_trade_no,
      result_code: 'SUCCESS',
      return_code: 'SUCCESS',
      time_end: fmtCompact(t.paid_at ?? ctx.now()),
      total_fee: fee,
      trade_type: 'NATIVE',
      transaction_id: t.trade_no,
    };
    if (!fields['attach']) delete fields['attach'];
    return {
      url,
      method: 'POST',
      contentType: 'text/xml; charset=utf-8',
      body: wechatNotify(ctx, t, fields, mods),
      retries: true,
    };
  }
  const url = notifyUrlFor(ctx, 'yeepay', x['p8_Url'] ?? null);
  if (!url) return null;
  return {
    url: yeepayCallbackUrl(url, yeepayCallbackParams(ctx, t, '2', mods)),
    method: 'GET',
    contentType: '',
    body: '',
    retries: x['pr_NeedResponse'] === '1',
  };
}

export function buildRefundNotification(
  ctx: Ctx,
  t: Trade,
  r: Refund,
  mods: NotificationMods,
): BuiltNotification | null {
  if (t.provider === 'alipay') {
    const url = notifyUrlFor(ctx, 'alipay', t.notify_url);
    if (!url) return null;
    const refunded = ctx.store.refundedFen('alipay', t.out_trade_no);
    const fields = alipayNotifyFields(ctx, t, mods);
    fields['trade_status'] = refunded >= t.amount_fen ? 'TRADE_CLOSED' : 'TRADE_SUCCESS';
    fields['refund_fee'] = yuan(refunded);
    fields['gmt_refund'] = fmtDateTime(r.finished_at ?? ctx.now());
    fields['out_biz_no'] = r.out_request_no;
    if (fields['trade_status'] === 'TRADE_CLOSED') fields['gmt_close'] = fields['gmt_refund'];
    return {
      url,
      method: 'POST',
      contentType: 'application/x-www-form-urlencoded; charset=utf-8',
      body: form(alipaySignNotify(ctx, fields, mods.badSignature)),
      retries: true,
    };
  }
  if (t.provider === 'wechat') {
    const stored = ctx.store.get(`refund_notify_url.wechat.${r.refund_id}`);
    const url = notifyUrlFor(ctx, 'wechat', stored);
    if (!url) return null;
    const info = buildXml({
      out_refund_no: r.out_request_no,
      out_trade_no: t.out_trade_no,
      refund_account: 'REFUND_SOURCE_RECHARGE_FUNDS',
      refund_fee: String(r.amount_fen + mods.amountDeltaFen),
      refund_id: r.refund_id,
      refund_recv_accout: '支付用户零钱',
      refund_request_source: 'API',
      refund_status: 'SUCCESS',
      settlement_refund_fee: String(r.amount_fen + mods.amountDeltaFen),
      settlement_total_fee: String(t.amount_fen),
      success_time: fmtDateTime(r.finished_at ?? ctx.now()),
      total_fee: String(t.amount_fen),
      transaction_id: t.trade_no,
    })
      .replace(/^<xml>/, '<root>')
      .replace(/<\/xml>$/, '</root>');
    const key = mods.badSignature ? 'sandbox-wrong-key-sandbox-wrong-k' : ctx.creds.wechat.apiKey;
    const body = buildXml({
      return_code: 'SUCCESS',
      appid: ctx.creds.wechat.appId,
      mch_id: ctx.creds.wechat.mchId,
      nonce_str: randomAlnum(32),
      req_info: wechatEncryptReqInfo(info, key),
    });
    return { url, method: 'POST', contentType: 'text/xml; charset=utf-8', body, retries: true };
  }
  return null;
}

/** Did the merchant acknowledge? (Alipay: exactly `success`; WeChat: return_code SUCCESS; YeePay: starts with `success`.) */
export function acknowledged(provider: Trade['provider'], body: string): boolean {
  if (provider === 'alipay') return body.trim() === 'success';
  if (provider === 'wechat') return /<return_code>\s*(<!\[CDATA\[)?\s*SUCCESS\s*(\]\]>)?\s*<\/return_code>/.test(body);
  return /^success/i.test(body.trimStart());
}
