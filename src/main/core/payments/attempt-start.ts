/**
 * Starting an intermediary payment for an order: the attempt (its trade number, amount and
 * deadline) is committed before the create call, the call is made outside any transaction, and its
 * answer — a QR, a cashier page, "the buyer is confirming", paid at once, declined, no answer — is
 * committed with its journal rows (`applyCreate`). If the app dies during the call, the poller finds
 * the attempt and asks upstream.
 */
import { PosError } from '../../../shared/errors';
import { isPaymentCodeOf, maskPaymentCode } from '../../../shared/payment-code';
import { neverSent } from '../../../shared/outcomes';
import type { AttemptView, ProviderId } from '../../../shared/types';
import type { Called, CreateOutcome, PayMode } from '../../intermediaries/provider';
import { OPEN_STATES } from '../../../shared/payment-states';
import { inList } from '../../store/sql';
import type { AttemptRow } from '../../store/schema';
import { storeAttemptOutcome } from '../../store/outcomes';
import { crashPoint } from '../crash-points';
import type { TillIdentity } from './till-identity';
import type { AttemptContext, Instrument } from './attempt-context';
import { markForeign, settlePaid } from './attempt-settle';
import { assertPayablePart } from './tender';

const PROVIDER_LETTER: Record<ProviderId, string> = { alipay: 'A', wechat: 'W', yeepay: 'Y' };

export interface StartInput {
  orderId: number;
  provider: ProviderId;
  mode: PayMode;
  authCode?: string;
  bankCode?: string;
  /** this part of the order (split tender); default all that it still owes */
  amountFen?: number;
}

/** What starting needs besides the context: the trade numbers, and the return page of a redirect. */
export interface StartDeps {
  /** builds trade numbers unique per merchant account, and takes a new code when one proves taken */
  identity: Pick<TillIdentity, 'tradeNo' | 'rotate'>;
  returnUrl: (attemptId: number) => string | undefined;
}

function deadlineFor(ctx: AttemptContext, provider: ProviderId, mode: PayMode, now: number): number {
  if (mode === 'qr') return now + ctx.timing.qrTtlMs;
  if (mode === 'redirect') return now + ctx.timing.redirectTtlMs;
  return now + ctx.timing.codeTtlMs[provider];
}

export async function start(ctx: AttemptContext, deps: StartDeps, input: StartInput): Promise<AttemptView> {
  const entry = ctx.providers.get(input.provider);
  if (!entry || !entry.provider.capabilities.modes.includes(input.mode)) {
    throw new PosError('PAYMENT_METHOD_UNAVAILABLE', `${input.provider} ${input.mode} is not enabled.`, {
      provider: input.provider,
      mode: input.mode,
    });
  }
  const authCode = input.authCode?.trim();
  if (input.mode === 'payment_code' && (!authCode || !isPaymentCodeOf(input.provider, authCode))) {
    throw new PosError(
      'INVALID_PAYMENT_CODE',
      `"${maskPaymentCode(authCode ?? '')}" is not a ${input.provider} payment code.`,
      {
        provider: input.provider,
      },
    );
  }
  const now = ctx.clock.now();
  ctx.poller.wake();
  const attemptId = ctx.store.tx(() => {
    const order = ctx.store.first(ctx.k.selectFrom('orders').selectAll().where('id', '=', input.orderId));
    if (!order) throw new PosError('NOT_FOUND', `There is no order ${input.orderId}.`, { orderId: input.orderId });
    if (order.status !== 'open') {
      throw new PosError('ORDER_NOT_PAYABLE', `Order ${order.number} is ${order.status} and cannot be paid.`, {
        number: order.number,
        status: order.status,
      });
    }
    const open = ctx.store.first(
      ctx.k
        .selectFrom('payment_attempts')
        .select('id')
        .where('order_id', '=', order.id)
        .where(inList('state', OPEN_STATES))
        .where('overridden_at', 'is', null),
    );
    if (open) {
      throw new PosError('PAYMENT_IN_PROGRESS', `Order ${order.number} already has a payment in progress.`, {
        number: order.number,
        attemptId: open.id,
      });
    }
    // the part: all the order still owes, or what the clerk typed (split tender)
    const { amountFen } = assertPayablePart(ctx.store, order, input.amountFen);
    const n = ctx.store.first(
      ctx.k
        .selectFrom('payment_attempts')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('order_id', '=', order.id),
    );
    const outTradeNo = deps.identity.tradeNo(order.number, PROVIDER_LETTER[input.provider], Number(n?.n ?? 0) + 1);
    return ctx.truth.createAttempt(
      {
        order_id: order.id,
        method: input.provider,
        mode: input.mode,
        out_trade_no: outTradeNo,
        amount_fen: amountFen,
        deadline_at: deadlineFor(ctx, input.provider, input.mode, now),
        // if the app dies during the create call, the poller finds this attempt and asks upstream
        next_poll_at: now + ctx.timing.orphanAfterMs,
      },
      { provider: input.provider, mode: input.mode, outTradeNo, amountFen, sandbox: entry.sandbox },
    );
  });

  crashPoint('payment.intent-written');
  ctx.poller.claim(attemptId);
  try {
    const a = ctx.row(attemptId);
    const returnUrl = input.mode === 'redirect' ? deps.returnUrl(attemptId) : undefined;
    let called: Called<CreateOutcome>;
    try {
      called = await entry.provider.create({
        outTradeNo: a.out_trade_no,
        amountFen: a.amount_fen,
        subject: `Order ${a.out_trade_no}`,
        mode: input.mode,
        authCode,
        bankCode: input.bankCode,
        returnUrl,
        expiresAt: a.deadline_at ?? now,
      });
    } catch (err) {
      called = { outcome: { kind: 'unknown', reason: (err as Error).message }, exchanges: [] };
    }
    crashPoint('payment.create-answered');
    if (called.exchanges.length > 0) ctx.reach.record(input.provider, called.outcome);
    // A QR, a cashier page or "the buyer is confirming" moves no money: that answer is committed
    // without waiting for the disk, like a routine poll (it survives the app being killed; a power
    // cut in the next moments can lose it, and the attempt, committed in full before the call,
    // is then found by the poller as one whose answer was lost and settled from what the
    // intermediary says). Every other answer (paid, declined, taken, unknown, untrusted) is FULL.
    const offered =
      called.outcome.kind === 'qr' || called.outcome.kind === 'redirect' || called.outcome.kind === 'waiting';
    ctx.store.tx(() => applyCreate(ctx, ctx.row(attemptId), called), offered ? 'normal' : 'full');
    if (called.outcome.kind === 'taken') {
      // the number is in use at the intermediary: the next attempt must not collide again
      deps.identity.rotate('collision', `${input.provider} ${called.outcome.code} for ${a.out_trade_no}`);
    }
  } finally {
    ctx.poller.release(attemptId);
  }
  // the first poll is due in a second: wake the pool for it rather than wait for the backstop tick
  ctx.poller.schedule(ctx.clock.now());
  return ctx.changed(attemptId);
}

export function applyCreate(ctx: AttemptContext, a: AttemptRow, called: Called<CreateOutcome>): void {
  ctx.recordExchanges(a, called.exchanges);
  const o = called.outcome;
  const now = ctx.clock.now();
  const next = ctx.nextPoll(a, now, ctx.pollInterval(a, now));
  switch (o.kind) {
    case 'qr':
    case 'redirect': {
      const instrument: Instrument =
        o.kind === 'qr'
          ? { kind: 'qr', qrContent: o.qrContent }
          : { kind: 'redirect', redirect: { url: o.url, method: o.method, fields: o.fields } };
      ctx.apply(a, 'submitted', {
        instrument: JSON.stringify(instrument),
        next_poll_at: next,
        last_outcome: storeAttemptOutcome({ kind: o.kind }),
        last_message: null,
      });
      return;
    }
    case 'waiting':
      ctx.apply(a, 'submitted', {
        instrument: JSON.stringify({ kind: 'payment_code' }),
        next_poll_at: next,
        last_outcome: storeAttemptOutcome({ kind: 'waiting' }),
        last_message: 'the buyer is confirming on the phone',
      });
      return;
    case 'paid':
      ctx.apply(a, 'submitted', {
        instrument: JSON.stringify({ kind: 'payment_code' }),
        next_poll_at: next,
        last_outcome: storeAttemptOutcome({ kind: 'paid' }),
      });
      settlePaid(ctx, ctx.row(a.id), o.trade, 'create');
      return;
    case 'declined':
      ctx.apply(
        a,
        'declined',
        { last_outcome: storeAttemptOutcome({ kind: 'declined', code: o.code }), last_message: o.message },
        { code: o.code, message: o.message },
      );
      return;
    case 'taken':
      markForeign(ctx, a, { op: 'create', code: o.code, message: o.message });
      return;
    case 'unknown':
      if (neverSent(o.trouble)) {
        // refused, no such host, no route: the intermediary never had the request, so no trade
        // exists and nothing can be paid late — a definite failure (cash needs no owner)
        ctx.apply(
          a,
          'declined',
          { last_outcome: storeAttemptOutcome({ kind: 'unreachable', trouble: o.trouble }), last_message: o.reason },
          { trouble: o.trouble, reason: o.reason },
        );
        return;
      }
      ctx.apply(a, 'submitted', {
        unknown: 1,
        next_poll_at: ctx.nextPoll(a, now, ctx.timing.retryMs),
        last_outcome: storeAttemptOutcome({ kind: 'unknown', closing: false, trouble: o.trouble }),
        last_message: o.reason,
        instrument: a.mode === 'payment_code' ? JSON.stringify({ kind: 'payment_code' }) : null,
      });
      return;
    case 'untrusted':
      ctx.apply(a, 'submitted', {
        unknown: 1,
        next_poll_at: ctx.nextPoll(a, now, ctx.timing.retryMs),
        last_outcome: storeAttemptOutcome({ kind: 'untrusted', reason: o.reason, closing: false }),
        last_message: o.detail,
      });
      ctx.openException(ctx.row(a.id), 'untrusted_answer', { op: 'create', reason: o.reason, detail: o.detail });
      return;
  }
}
