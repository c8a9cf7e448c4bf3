/**
 * The customer page behind every QR (Alipay qr_code, WeChat code_url): opening it counts as the
 * scan; Pay starts the "entering password" delay, Decline ends the trade.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Ctx } from './context';
import { parseForm, redirect, send } from './http';
import { customerPage, messagePage } from './pages';
import { numParam } from './scenarios';
import type { Trade } from './store';
import { markFailed, markScanned, startPaying } from './trades';

/** Why a QR can no longer be paid, or null. */
export function qrDeadReason(ctx: Ctx, t: Trade): string | null {
  if (t.status === 'paid' || t.status === 'paying' || t.status === 'failed') return null;
  if (t.late_pay_at !== null) return null; // pay_after_close: the buyer can still pay
  if (t.status === 'closed' || t.status === 'revoked')
    return t.close_reason === 'expired' ? '订单已过期 Order expired' : '订单已关闭 Order closed';
  if (t.qr_expires_at !== null && ctx.now() > t.qr_expires_at) return '二维码已过期 QR code expired';
  return null;
}

/** The buyer's password delay on the customer page (seconds), and whether they end up declining. */
export function customerPayPlan(ctx: Ctx, t: Trade): { seconds: number; outcome: 'pay' | 'decline' } {
  const decline = ctx.scenarios.take('decline', t.provider, t.out_trade_no, 'pay');
  const paying = ctx.scenarios.take('user_paying', t.provider, t.out_trade_no, 'pay');
  const seconds = paying ? numParam(paying, 'seconds', 10) : 2;
  return { seconds, outcome: decline || paying?.params['outcome'] === 'decline' ? 'decline' : 'pay' };
}

export function serveCustomerPage(
  ctx: Ctx,
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
  page: { provider: 'alipay' | 'wechat'; token: string; path: string; merchant: string },
): void {
  let t = ctx.store.tradeByQrToken(page.provider, page.token);
  if (!t)
    return send(
      res,
      404,
      'text/html; charset=utf-8',
      messagePage('二维码无效 Invalid code', '二维码无效 This code is not valid', { testid: 'customer-state' }),
    );
  if (req.method === 'POST') {
    const action = parseForm(body, 'utf-8')['action'];
    if (!qrDeadReason(ctx, t) && (t.status === 'created' || t.status === 'scanned')) {
      t = markScanned(ctx, t);
      if (action === 'pay') {
        const plan = customerPayPlan(ctx, t);
        startPaying(ctx, t, plan.seconds, plan.outcome);
      } else if (action === 'decline') markFailed(ctx, t, 'declined by the buyer');
    }
    return redirect(res, page.path);
  }
  if (!qrDeadReason(ctx, t) && t.status === 'created') t = markScanned(ctx, t);
  if (t.late_pay_at !== null && t.scanned_at === null) t = markScanned(ctx, t);
  send(
    res,
    200,
    'text/html; charset=utf-8',
    customerPage({ trade: t, merchant: page.merchant, action: page.path, dead: qrDeadReason(ctx, t) }),
  );
}
