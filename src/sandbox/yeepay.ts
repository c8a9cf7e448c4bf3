/**
 * YeePay legacy "node" interface (docs/protocols.md §1): `Buy` through the cashier page with the browser
 * return (r9_BType=1) and the server call (r9_BType=2); `QueryOrdDetail` and `RefundOrd` on the
 * command URL (plain-text key=value lines, GBK URL-encoded values); plus a signed statement GET.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import iconv from 'iconv-lite';
import type { Ctx } from './context';
import { randomDigits } from './context';
import { contentTypeCharset, gbkUrlEncode, normaliseCharset, parseForm, rawQuery, redirect, send } from './http';
import { parseYuanStrict, yeepayAmount } from './money';
import { notifyUrlFor, yeepayCallbackParams, yeepayCallbackUrl } from './notify';
import { cashierPage, messagePage } from './pages';
import { deliver } from './respond';
import { numParam, type TransportPlan } from './scenarios';
import { yeepayHmac, yeepayHmacMatches } from './signing';
import { extraOf, type Trade } from './store';
import { addRefund, markFailed, markPaid, markScanned, newTrade, newTradeNo, startPaying } from './trades';
import { yeepayStatement, billWindow } from './statements';

export const YEEPAY_BASE = '/yeepay/app-merchant-proxy';
export const BUY_FIELDS = [
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
const QUERY_FIELDS = [
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
const REFUND_FIELDS = ['r0_Cmd', 'r1_Code', 'r2_TrxId', 'r3_Amt', 'r4_Cur'] as const;

/** Result codes: 1 and 50 are the gateway's (§1.6); the others are the sandbox's documented choices. */
export const YEEPAY_CODES = {
  ok: '1',
  notFound: '50',
  badHmac: '-1',
  badMerchant: '2',
  notRefundable: '7',
  refundTooMuch: '10',
  refundFailed: '11',
  badRequest: '-100',
} as const;

const TEXT_TYPE = 'text/plain;charset=GBK';
const NO_PLAN: TransportPlan = { delayMs: 0, fault: null, badSignature: false, amountDeltaFen: 0 };

async function readParams(req: IncomingMessage, body: Buffer): Promise<Record<string, string>> {
  const charset = normaliseCharset(contentTypeCharset(req));
  return { ...parseForm(rawQuery(req.url), charset), ...parseForm(body, charset) };
}

function payStatus(t: Trade): string {
  if (t.status === 'paid') return 'SUCCESS';
  if (t.status === 'closed' || t.status === 'failed' || t.status === 'revoked') return 'CANCELED';
  return 'INIT';
}

function errorPage(res: ServerResponse, code: string, message: string): void {
  send(
    res,
    200,
    'text/html; charset=utf-8',
    messagePage('易宝支付 YeePay', `错误 Error ${code}: ${message}`, { testid: 'cashier-error' }),
  );
}

export function cashierPath(t: Trade): string {
  return `${YEEPAY_BASE}/cashier/${encodeURIComponent(t.trade_no)}`;
}

/** `…/node`: the Buy request (form POST or GET, GBK or UTF-8). */
export async function handleNode(ctx: Ctx, req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
  const p = await readParams(req, body);
  const v = (k: string) => p[k] ?? '';
  if (v('p0_Cmd') !== 'Buy') return errorPage(res, '-100', 'p0_Cmd 必须为 Buy');
  if (v('p1_MerId') !== ctx.creds.yeepay.merchantId) return errorPage(res, '2', '商户编号无效 merchant not found');
  if (!v('hmac') || !yeepayHmacMatches(ctx.creds.yeepay.key, BUY_FIELDS.map(v), v('hmac')))
    return errorPage(res, '-1', '签名校验失败 hmac check failed');
  const fen = parseYuanStrict(v('p3_Amt'));
  if (fen === null || fen < 1 || !/^\d+(\.\d{1,2})?$/.test(v('p3_Amt')))
    return errorPage(res, '-100', 'p3_Amt 金额格式错误 (yuan, up to 2 decimals)');
  if (!/^https?:\/\/\S+$/i.test(v('p8_Url'))) return errorPage(res, '-100', 'p8_Url 无效');
  if (v('p2_Order').length > 50) return errorPage(res, '-100', 'p2_Order 过长');
  if (v('pr_NeedResponse') !== '' && v('pr_NeedResponse') !== '0' && v('pr_NeedResponse') !== '1')
    return errorPage(res, '-100', 'pr_NeedResponse 只能为0或1');
  const otn = v('p2_Order') || `YP${ctx.now()}${randomDigits(4)}`;
  const plan = ctx.scenarios.transport('yeepay', otn, 'create');
  let t = ctx.store.trade('yeepay', otn);
  if (plan.fault === 'http_500') return deliver(res, plan, 'text/html', '');
  if (t) {
    if (t.status === 'paid') return errorPage(res, '-100', '订单已支付 order already paid');
    if (t.status === 'closed' || t.status === 'failed' || t.status === 'revoked')
      return errorPage(res, '-100', '订单已取消 order cancelled; use a new p2_Order');
    if (t.amount_fen !== fen) return errorPage(res, '-100', '订单号重复 p2_Order already used with another amount');
  } else {
    const extra: Record<string, string> = {};
    for (const k of BUY_FIELDS) extra[k] = v(k);
    t = newTrade(ctx, {
      provider: 'yeepay',
      out_trade_no: otn,
      trade_no: newTradeNo('yeepay', ctx.now()),
      mode: 'redirect',
      status: 'created',
      amount_fen: fen,
      subject: v('p5_Pid'),
      notify_url: v('p8_Url'),
      extra: JSON.stringify(extra),
    });
  }
  if (plan.delayMs > 0 || plan.fault)
    return deliver(
      res,
      plan,
      'text/html; charset=utf-8',
      `<html><head><meta http-equiv="refresh" content="0;url=${cashierPath(t)}"></head></html>`,
    );
  redirect(res, cashierPath(t));
}

/** `…/cashier/{r2_TrxId}`: the cashier page (GET) and its Pay / Cancel (POST). */
export function handleCashier(ctx: Ctx, req: IncomingMessage, res: ServerResponse, trxId: string, body: Buffer): void {
  let t = ctx.store.tradeByTradeNo('yeepay', trxId);
  if (!t)
    return send(
      res,
      404,
      'text/html; charset=utf-8',
      messagePage('易宝支付 YeePay', '订单不存在 Unknown order', { testid: 'cashier-error' }),
    );
  const x = extraOf(t);
  const returnUrl = () => {
    // the browser return uses the scenarios without consuming them (the server call does)
    const mismatch = ctx.scenarios.find('amount_mismatch', 'yeepay', t?.out_trade_no ?? null, 'notify');
    const bad = ctx.scenarios.find('bad_signature', 'yeepay', t?.out_trade_no ?? null, 'notify');
    const target = notifyUrlFor(ctx, 'yeepay', x['p8_Url'] ?? null) ?? x['p8_Url'] ?? '';
    return yeepayCallbackUrl(
      target,
      yeepayCallbackParams(ctx, t as Trade, '1', {
        amountDeltaFen: mismatch ? numParam(mismatch, 'delta_fen', 100) : 0,
        badSignature: Boolean(bad),
      }),
    );
  };
  if (req.method === 'POST' && (t.status === 'created' || t.status === 'scanned')) {
    const form = parseForm(body, normaliseCharset(contentTypeCharset(req)));
    if (form['action'] === 'cancel') {
      markFailed(ctx, t, 'cancelled on the cashier page');
      return send(
        res,
        200,
        'text/html; charset=utf-8',
        messagePage('易宝支付 YeePay', '支付已取消 Payment cancelled — you can close this window', {
          testid: 'cashier-state',
        }),
      );
    }
    if (form['action'] === 'pay') {
      const bank = form['bank'] || x['pd_FrpId'] || 'YJZF-NET';
      ctx.store.updateTrade('yeepay', t.out_trade_no, { extra: JSON.stringify({ ...x, bank }) });
      x['bank'] = bank;
      t = markScanned(ctx, t);
      const decline = ctx.scenarios.take('decline', 'yeepay', t.out_trade_no, 'pay');
      const paying = ctx.scenarios.take('user_paying', 'yeepay', t.out_trade_no, 'pay');
      if (decline) {
        markFailed(ctx, t, 'declined by the bank');
        return send(
          res,
          200,
          'text/html; charset=utf-8',
          messagePage('易宝支付 YeePay', '支付失败 Payment declined by the bank', { testid: 'cashier-state' }),
        );
      }
      if (paying) {
        startPaying(
          ctx,
          t,
          numParam(paying, 'seconds', 10),
          paying.params['outcome'] === 'decline' ? 'decline' : 'pay',
        );
        return redirect(res, cashierPath(t));
      }
      t = markPaid(ctx, t);
      return redirect(res, returnUrl());
    }
  }
  switch (t.status) {
    case 'paid':
      return redirect(res, returnUrl());
    case 'paying':
      return send(
        res,
        200,
        'text/html; charset=utf-8',
        messagePage('易宝支付 YeePay', '银行处理中… Processing at the bank…', {
          testid: 'cashier-state',
          cls: 'wait',
          refreshSeconds: 1,
        }),
      );
    case 'created':
    case 'scanned':
      t = markScanned(ctx, t);
      return send(
        res,
        200,
        'text/html; charset=utf-8',
        cashierPage({
          trade: t,
          merchant: `Counter POS 沙箱商户 (${ctx.creds.yeepay.merchantId})`,
          action: cashierPath(t),
          presetBank: x['pd_FrpId'] ?? '',
        }),
      );
    default:
      return send(
        res,
        200,
        'text/html; charset=utf-8',
        messagePage(
          '易宝支付 YeePay',
          t.close_reason?.includes('declined') ? '支付失败 Payment declined' : '支付已取消 Payment cancelled',
          { testid: 'cashier-state' },
        ),
      );
  }
}

/** Plain-text answer: `key=value` lines, values GBK URL-encoded, hmac over `signed` in order. */
function lines(
  ctx: Ctx,
  fields: [string, string][],
  signedKeys: readonly string[] | null,
  plan: TransportPlan,
  note?: string,
): string {
  const map = new Map(fields);
  const out = fields.map(([k, val]) => `${k}=${gbkUrlEncode(val)}`);
  if (signedKeys) {
    const key = plan.badSignature ? 'sandbox-wrong-key' : ctx.creds.yeepay.key;
    out.push(
      `hmac=${yeepayHmac(
        key,
        signedKeys.map((k) => map.get(k) ?? ''),
      )}`,
    );
  }
  if (note) out.push(note);
  return out.join('\n') + '\n';
}

function queryFields(ctx: Ctx, t: Trade | null, order: string, code: string, deltaFen: number): [string, string][] {
  const x = t ? extraOf(t) : {};
  const refunds = t ? ctx.store.refunds('yeepay', t.out_trade_no).filter((r) => r.status === 'SUCCESS') : [];
  return [
    ['r0_Cmd', 'QueryOrdDetail'],
    ['r1_Code', code],
    ['r2_TrxId', t?.trade_no ?? ''],
    ['r3_Amt', t ? yeepayAmount(t.amount_fen + deltaFen) : ''],
    ['r4_Cur', t ? 'RMB' : ''],
    ['r5_Pid', x['p5_Pid'] ?? ''],
    ['r6_Order', order],
    ['r8_MP', x['pa_MP'] ?? ''],
    ['rb_PayStatus', t ? payStatus(t) : ''],
    ['rc_RefundCount', t ? String(refunds.length) : ''],
    ['rd_RefundAmt', t ? yeepayAmount(refunds.reduce((s, r) => s + r.amount_fen, 0)) : ''],
  ];
}

/** `…/command`: QueryOrdDetail and RefundOrd. */
export async function handleCommand(ctx: Ctx, req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
  const p = await readParams(req, body);
  const v = (k: string) => p[k] ?? '';
  const cmd = v('p0_Cmd');
  const plain = (text: string, plan = NO_PLAN) => deliver(res, plan, TEXT_TYPE, iconv.encode(text, 'gbk'));
  if (cmd !== 'QueryOrdDetail' && cmd !== 'RefundOrd')
    return plain(
      lines(
        ctx,
        [
          ['r0_Cmd', cmd],
          ['r1_Code', YEEPAY_CODES.badRequest],
        ],
        null,
        NO_PLAN,
        'unknown p0_Cmd',
      ),
    );
  if (v('p1_MerId') !== ctx.creds.yeepay.merchantId)
    return plain(
      lines(
        ctx,
        [
          ['r0_Cmd', cmd],
          ['r1_Code', YEEPAY_CODES.badMerchant],
        ],
        null,
        NO_PLAN,
        'merchant not found',
      ),
    );

  if (cmd === 'QueryOrdDetail') {
    const order = v('p2_Order');
    if (!yeepayHmacMatches(ctx.creds.yeepay.key, [cmd, v('p1_MerId'), order], v('hmac')))
      return plain(lines(ctx, queryFields(ctx, null, order, YEEPAY_CODES.badHmac, 0), QUERY_FIELDS, NO_PLAN));
    const plan = ctx.scenarios.transport('yeepay', order || null, 'query');
    if (plan.fault === 'http_500') return deliver(res, plan, TEXT_TYPE, '');
    const t = order ? ctx.store.trade('yeepay', order) : null;
    return plain(
      lines(
        ctx,
        queryFields(ctx, t, order, t ? YEEPAY_CODES.ok : YEEPAY_CODES.notFound, plan.amountDeltaFen),
        QUERY_FIELDS,
        plan,
      ),
      plan,
    );
  }

  // RefundOrd
  const signedIn = [cmd, v('p1_MerId'), v('pb_TrxId'), v('p3_Amt'), v('p4_Cur'), v('p5_Desc')];
  const answer = (code: string, t: Trade | null, plan: TransportPlan, fen?: number) =>
    plain(
      lines(
        ctx,
        [
          ['r0_Cmd', 'RefundOrd'],
          ['r1_Code', code],
          ['r2_TrxId', v('pb_TrxId')],
          ['r3_Amt', fen !== undefined ? yeepayAmount(fen + plan.amountDeltaFen) : v('p3_Amt')],
          ['r4_Cur', v('p4_Cur')],
        ],
        REFUND_FIELDS,
        plan,
      ),
      plan,
    );
  if (!yeepayHmacMatches(ctx.creds.yeepay.key, signedIn, v('hmac'))) return answer(YEEPAY_CODES.badHmac, null, NO_PLAN);
  const t = ctx.store.tradeByTradeNo('yeepay', v('pb_TrxId'));
  const plan = ctx.scenarios.transport('yeepay', t?.out_trade_no ?? null, 'refund');
  if (plan.fault === 'http_500') return deliver(res, plan, TEXT_TYPE, '');
  if (!t) return answer(YEEPAY_CODES.notFound, null, plan);
  const fen = parseYuanStrict(v('p3_Amt'));
  if (fen === null || fen < 1 || (v('p4_Cur') !== 'CNY' && v('p4_Cur') !== 'RMB'))
    return answer(YEEPAY_CODES.badRequest, t, plan);
  if (t.status !== 'paid') return answer(YEEPAY_CODES.notRefundable, t, plan);
  if (ctx.scenarios.take('refund_failed', 'yeepay', t.out_trade_no, 'refund'))
    return answer(YEEPAY_CODES.refundFailed, t, plan);
  if (fen > t.amount_fen - ctx.store.refundedFen('yeepay', t.out_trade_no))
    return answer(YEEPAY_CODES.refundTooMuch, t, plan);
  const pending = ctx.scenarios.take('refund_pending', 'yeepay', t.out_trade_no, 'refund');
  addRefund(
    ctx,
    t,
    `YR${ctx.now()}${randomDigits(6)}`,
    fen,
    v('p5_Desc'),
    pending ? numParam(pending, 'seconds', 60) : 0,
  );
  return answer(YEEPAY_CODES.ok, t, plan, fen);
}

/** `…/statement`: the sandbox's daily CSV, by a signed GET (docs/sandbox.md). */
export async function handleStatement(ctx: Ctx, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const p = await readParams(req, Buffer.alloc(0));
  const v = (k: string) => p[k] ?? '';
  const text = (code: string, note: string) =>
    send(
      res,
      200,
      TEXT_TYPE,
      iconv.encode(
        lines(
          ctx,
          [
            ['r0_Cmd', 'DownloadStatement'],
            ['r1_Code', code],
          ],
          null,
          NO_PLAN,
          note,
        ),
        'gbk',
      ),
    );
  if (v('p0_Cmd') !== 'DownloadStatement') return text(YEEPAY_CODES.badRequest, 'p0_Cmd must be DownloadStatement');
  if (v('p1_MerId') !== ctx.creds.yeepay.merchantId) return text(YEEPAY_CODES.badMerchant, 'merchant not found');
  if (!yeepayHmacMatches(ctx.creds.yeepay.key, [v('p0_Cmd'), v('p1_MerId'), v('p2_Date')], v('hmac')))
    return text(YEEPAY_CODES.badHmac, 'hmac check failed');
  if (!billWindow(v('p2_Date'))) return text(YEEPAY_CODES.badRequest, 'p2_Date must be yyyy-MM-dd or yyyy-MM');
  const plan = ctx.scenarios.transport('yeepay', null, 'bill');
  return deliver(res, plan, 'text/csv; charset=utf-8', yeepayStatement(ctx, v('p2_Date')));
}
