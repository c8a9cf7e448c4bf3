/** The Alipay gateway's refunds (docs/protocols.md §2.5): `alipay.trade.refund` and `alipay.trade.fastpay.refund.query`. */
import { yuan, parseYuanStrict } from './money';
import { SANDBOX_BUYER } from './notify';
import { numParam } from './scenarios';
import { fmtDateTime } from './time';
import { addRefund } from './trades';
import { bizStr, exists, fail, findTrade, invalid, notExist, ok, type Fields, type Req } from './alipay-answers';

export function refund({ ctx, biz }: Req): Fields {
  if (!bizStr(biz, 'out_trade_no') && !bizStr(biz, 'trade_no')) return invalid('out_trade_no 和 trade_no 不能同时为空');
  const fen = parseYuanStrict(bizStr(biz, 'refund_amount'));
  if (fen === null || fen < 1) return invalid('refund_amount');
  const t = findTrade(ctx, biz);
  if (!t || !exists(t)) return notExist();
  const requestNo = bizStr(biz, 'out_request_no') || t.out_trade_no;
  const base = { trade_no: t.trade_no, out_trade_no: t.out_trade_no, buyer_logon_id: SANDBOX_BUYER.alipayLogonId };
  const previous = ctx.store.refund('alipay', t.out_trade_no, requestNo);
  if (previous) {
    if (previous.amount_fen !== fen) return fail('40004', 'ACQ.DISCORDANT_REPEAT_REQUEST', '请求信息不一致');
    return ok({
      ...base,
      fund_change: 'N',
      refund_fee: yuan(ctx.store.refundedFen('alipay', t.out_trade_no)),
      gmt_refund_pay: fmtDateTime(previous.created_at),
      buyer_user_id: SANDBOX_BUYER.alipayUserId,
    });
  }
  if (t.status !== 'paid') return fail('40004', 'ACQ.TRADE_STATUS_ERROR', '交易状态不合法');
  if (ctx.scenarios.take('refund_failed', 'alipay', t.out_trade_no, 'refund'))
    return fail('40004', 'ACQ.SELLER_BALANCE_NOT_ENOUGH', '卖家余额不足');
  if (fen > t.amount_fen - ctx.store.refundedFen('alipay', t.out_trade_no))
    return fail('40004', 'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL', '退款金额超限');
  const pending = ctx.scenarios.take('refund_pending', 'alipay', t.out_trade_no, 'refund');
  const r = addRefund(
    ctx,
    t,
    requestNo,
    fen,
    bizStr(biz, 'refund_reason') ?? '',
    pending ? numParam(pending, 'seconds', 60) : 0,
  );
  return ok({
    ...base,
    fund_change: r.status === 'SUCCESS' ? 'Y' : 'N',
    refund_fee: yuan(ctx.store.refundedFen('alipay', t.out_trade_no)),
    gmt_refund_pay: fmtDateTime(r.created_at),
    buyer_user_id: SANDBOX_BUYER.alipayUserId,
  });
}

export function refundQuery({ ctx, biz }: Req): Fields {
  if (!bizStr(biz, 'out_trade_no') && !bizStr(biz, 'trade_no')) return invalid('out_trade_no 和 trade_no 不能同时为空');
  const t = findTrade(ctx, biz);
  if (!t || !exists(t)) return notExist();
  const requestNo = bizStr(biz, 'out_request_no') || t.out_trade_no;
  const r = ctx.store.refund('alipay', t.out_trade_no, requestNo);
  const ids = { trade_no: t.trade_no, out_trade_no: t.out_trade_no };
  // no refund_status: the refund was not received, failed, or is still processing (§2.5)
  if (!r || r.status !== 'SUCCESS')
    return ok(
      r
        ? { ...ids, out_request_no: requestNo, total_amount: yuan(t.amount_fen), refund_amount: yuan(r.amount_fen) }
        : {},
    );
  return ok({
    ...ids,
    out_request_no: requestNo,
    total_amount: yuan(t.amount_fen),
    refund_amount: yuan(r.amount_fen),
    refund_status: 'REFUND_SUCCESS',
    ...(r.finished_at !== null ? { gmt_refund_pay: fmtDateTime(r.finished_at) } : {}),
  });
}
