/**
 * Trade state transitions shared by the three protocols, and the side effects they cause
 * (notifications). Timers (password delays, late payments, expiry, pending refunds) are stored and
 * settled lazily by `tick`, which runs before every request and on the notifier's beat.
 */
import type { Ctx } from './context';
import { randomDigits } from './context';
import { buildPaidNotification, buildRefundNotification, type NotificationMods } from './notify';
import { numParam, type Operation } from './scenarios';
import type { Provider, Refund, Trade, TradeStatus } from './store';

export function newTrade(
  ctx: Ctx,
  fields: Partial<Trade> & Pick<Trade, 'provider' | 'out_trade_no' | 'trade_no' | 'mode' | 'status' | 'amount_fen'>,
): Trade {
  const now = ctx.now();
  const t: Trade = {
    subject: '',
    qr_token: null,
    auth_code: null,
    notify_url: null,
    created_at: now,
    scanned_at: null,
    paid_at: null,
    closed_at: null,
    expires_at: null,
    qr_expires_at: null,
    paying_until: null,
    paying_outcome: null,
    late_pay_at: null,
    merchant_closed: 0,
    close_reason: null,
    extra: '{}',
    updated_at: now,
    ...fields,
  };
  ctx.store.insertTrade(t);
  return t;
}

function reload(ctx: Ctx, t: Trade): Trade {
  return ctx.store.trade(t.provider, t.out_trade_no) ?? t;
}

function update(ctx: Ctx, t: Trade, patch: Partial<Trade>): Trade {
  ctx.store.updateTrade(t.provider, t.out_trade_no, { ...patch, updated_at: ctx.now() });
  return reload(ctx, t);
}

/** Provider-specific trade ids, shaped like the real ones. */
export function newTradeNo(provider: Provider, now: number): string {
  const d = new Date(now + 8 * 3600_000).toISOString().slice(0, 10).replace(/-/g, '');
  if (provider === 'alipay') return `${d}22${randomDigits(18)}`; // 28 digits
  if (provider === 'wechat') return `4200${randomDigits(6)}${d}${randomDigits(10)}`; // 28 digits
  return `${randomDigits(15)}I`; // YeePay r2_TrxId shape, e.g. 914292209794231I
}

export function markScanned(ctx: Ctx, t: Trade): Trade {
  if (t.scanned_at !== null) return t;
  return update(ctx, t, { scanned_at: ctx.now(), status: t.status === 'created' ? 'scanned' : t.status });
}

/** The buyer is entering a password; the trade becomes paid (or declined) when the delay ends. */
export function startPaying(ctx: Ctx, t: Trade, seconds: number, outcome: 'pay' | 'decline'): Trade {
  if (seconds <= 0) return outcome === 'pay' ? markPaid(ctx, t) : markFailed(ctx, t, 'declined by the buyer');
  return update(ctx, t, {
    status: 'paying',
    scanned_at: t.scanned_at ?? ctx.now(),
    paying_until: ctx.now() + Math.round(seconds * 1000),
    paying_outcome: outcome,
  });
}

export function markPaid(ctx: Ctx, t: Trade, at = ctx.now(), late = false): Trade {
  if (t.status === 'paid') return t;
  const next = update(ctx, t, {
    status: 'paid',
    paid_at: at,
    scanned_at: t.scanned_at ?? at,
    paying_until: null,
    paying_outcome: null,
    late_pay_at: null,
    close_reason: late ? `paid after close (${t.close_reason ?? 'closed'})` : t.close_reason,
  });
  enqueuePaid(ctx, next);
  return next;
}

export function markFailed(ctx: Ctx, t: Trade, reason: string): Trade {
  if (t.status === 'paid') return t;
  return update(ctx, t, {
    status: 'failed',
    closed_at: ctx.now(),
    close_reason: reason,
    paying_until: null,
    paying_outcome: null,
  });
}

/**
 * The merchant closed, cancelled or reversed the trade. With the `pay_after_close` scenario the
 * buyer's payment still lands `seconds` later (default 2) and the trade ends paid.
 */
export function closeByMerchant(
  ctx: Ctx,
  t: Trade,
  status: Extract<TradeStatus, 'closed' | 'revoked'>,
  reason: string,
  op: Operation,
): Trade {
  const late = t.status === 'paid' ? null : ctx.scenarios.take('pay_after_close', t.provider, t.out_trade_no, op);
  return update(ctx, t, {
    status,
    closed_at: ctx.now(),
    close_reason: reason,
    merchant_closed: 1,
    paying_until: null,
    paying_outcome: null,
    late_pay_at: late ? ctx.now() + Math.round(numParam(late, 'seconds', 2) * 1000) : null,
  });
}

/** Apply every timer that has fired. */
export function tick(ctx: Ctx): void {
  const now = ctx.now();
  for (const t of ctx.store.dueTrades(now)) {
    if (t.late_pay_at !== null && t.late_pay_at <= now && t.status !== 'paid') {
      markPaid(ctx, t, t.late_pay_at, true);
    } else if (t.status === 'paying' && t.paying_until !== null && t.paying_until <= now) {
      if (t.paying_outcome === 'decline') markFailed(ctx, t, 'declined by the buyer');
      else markPaid(ctx, t, t.paying_until);
    } else if ((t.status === 'created' || t.status === 'scanned') && t.expires_at !== null && t.expires_at <= now) {
      update(ctx, t, { status: 'closed', closed_at: t.expires_at, close_reason: 'expired' });
    }
  }
  const settling = ctx.store.db
    .prepare("SELECT * FROM refunds WHERE status = 'PROCESSING' AND settle_at IS NOT NULL AND settle_at <= ?")
    .all(now) as Refund[];
  if (settling.length > 0) {
    ctx.store.settleRefunds(now);
    for (const r of settling) {
      const done = ctx.store.refund(r.provider, r.out_trade_no, r.out_request_no);
      if (done?.status === 'SUCCESS') enqueueRefund(ctx, done);
    }
  }
}

const MIN = 60_000;
const H = 60 * MIN;
/** Delays before attempts 2, 3, … (docs/protocols.md §2.4, §3.5; YeePay's is undocumented: our choice). */
export const RETRY_SCHEDULES: Record<Provider, readonly number[]> = {
  alipay: [4 * MIN, 10 * MIN, 10 * MIN, H, 2 * H, 6 * H, 15 * H],
  wechat: [
    15_000,
    15_000,
    30_000,
    3 * MIN,
    10 * MIN,
    20 * MIN,
    30 * MIN,
    30 * MIN,
    30 * MIN,
    60 * MIN,
    3 * H,
    3 * H,
    3 * H,
    6 * H,
    6 * H,
  ],
  yeepay: [MIN, 2 * MIN, 5 * MIN, 15 * MIN, 30 * MIN, H, 2 * H, 6 * H],
};

function enqueue(
  ctx: Ctx,
  t: Trade,
  kind: string,
  build: (
    mods: NotificationMods,
  ) => { url: string; method: 'GET' | 'POST'; contentType: string; body: string; retries: boolean } | null,
): void {
  const otn = t.out_trade_no;
  const mismatch = ctx.scenarios.take('amount_mismatch', t.provider, otn, 'notify');
  const bad = ctx.scenarios.take('bad_signature', t.provider, otn, 'notify');
  const built = build({
    amountDeltaFen: mismatch ? numParam(mismatch, 'delta_fen', 100) : 0,
    badSignature: Boolean(bad),
  });
  if (!built) return;
  const dup = ctx.scenarios.take('duplicate_notification', t.provider, otn, 'notify');
  const late = ctx.scenarios.take('late_notification', t.provider, otn, 'notify');
  const scale = ctx.notifyTimeScale;
  const schedule = built.retries ? RETRY_SCHEDULES[t.provider].map((ms) => Math.max(1, Math.round(ms * scale))) : [];
  const now = ctx.now();
  ctx.store.insertNotification({
    provider: t.provider,
    out_trade_no: otn,
    kind,
    url: built.url,
    method: built.method,
    content_type: built.contentType,
    body: built.body,
    schedule: JSON.stringify(schedule),
    next_at: now + (late ? Math.round(numParam(late, 'seconds', 60) * 1000 * scale) : 0),
    duplicate: dup ? Math.max(2, Math.round(numParam(dup, 'copies', 2))) : 1,
    expect: t.provider,
    created_at: now,
  });
  ctx.kick();
}

function enqueuePaid(ctx: Ctx, t: Trade): void {
  enqueue(ctx, t, 'paid', (mods) => buildPaidNotification(ctx, t, mods));
}

export function enqueueRefund(ctx: Ctx, r: Refund): void {
  const t = ctx.store.trade(r.provider, r.out_trade_no);
  if (!t) return;
  enqueue(ctx, t, 'refund', (mods) => buildRefundNotification(ctx, t, r, mods));
}

/** Create a refund record; `pendingSeconds` > 0 keeps it PROCESSING that long. */
export function addRefund(
  ctx: Ctx,
  t: Trade,
  outRequestNo: string,
  amountFen: number,
  reason: string,
  pendingSeconds: number,
  extra: { refundId?: string; notifyUrl?: string | null } = {},
): Refund {
  const now = ctx.now();
  const r: Refund = {
    provider: t.provider,
    out_trade_no: t.out_trade_no,
    out_request_no: outRequestNo,
    refund_id:
      extra.refundId ?? (t.provider === 'wechat' ? `50000${randomDigits(24)}` : `${t.trade_no}R${randomDigits(6)}`),
    amount_fen: amountFen,
    status: pendingSeconds > 0 ? 'PROCESSING' : 'SUCCESS',
    reason,
    created_at: now,
    settle_at: pendingSeconds > 0 ? now + Math.round(pendingSeconds * 1000) : null,
    settle_to: pendingSeconds > 0 ? 'SUCCESS' : null,
    finished_at: pendingSeconds > 0 ? null : now,
  };
  ctx.store.insertRefund(r);
  if (extra.notifyUrl !== undefined) ctx.store.set(`refund_notify_url.${t.provider}.${r.refund_id}`, extra.notifyUrl);
  if (r.status === 'SUCCESS') enqueueRefund(ctx, r);
  return r;
}
