/**
 * An intermediary says a trade is paid: whether that pays the attempt's order. The amount must be
 * the attempt's, the trade must be this attempt's (not one paid before it existed, not one another
 * till made under the same number), the attempt must still be open and the order not already paid
 * another way; anything else opens an exception for the owner and never marks anything paid. The
 * attempt and its order become paid in one transaction, through the one writer (truth.ts).
 */
import type { ProviderId } from '../../../shared/types';
import type { Trade } from '../../intermediaries/provider';
import { PAID_STATES, isFinalUnpaid, isOpen, isPaid } from '../../../shared/payment-states';
import { inList } from '../../store/sql';
import type { AttemptRow } from '../../store/schema';
import { storeAttemptOutcome } from '../../store/outcomes';
import type { AttemptContext } from './attempt-context';

/**
 * A trade the intermediary reports paid more than this long before the attempt was created is not
 * the attempt's trade (another till's, or this till's before a restore, under the same number): it
 * never pays the order. The margin is wide because a till's clock may be minutes off the
 * intermediary's; a trade number already taken at the create call is caught without it.
 */
export const FOREIGN_TRADE_MARGIN_MS = 10 * 60_000;

/**
 * The intermediary answered about a trade this attempt did not create: the attempt ends as failed
 * (an open one) or stays as it is (a final one), is marked foreign so that nothing — a later
 * query, a notification, a statement — pays an order with it or closes, cancels or refunds that
 * trade upstream, and the owner is told.
 */
export function markForeign(ctx: AttemptContext, a: AttemptRow, detail: Record<string, unknown>): void {
  if (a.foreign_at !== null) return;
  const now = ctx.clock.now();
  // the pay screen says it from the outcome (core/payments/display.ts); the details are in the exception
  const set = {
    foreign_at: now,
    unknown: 0,
    next_poll_at: null,
    last_outcome: storeAttemptOutcome({ kind: 'foreign_trade' }),
    last_message: null,
  };
  if (isOpen(a.state)) {
    if (!ctx.apply(a, 'declined', set, { ...detail, foreign: true })) return;
  } else {
    ctx.update(a, { foreign_at: now });
  }
  ctx.openException(ctx.row(a.id), 'foreign_trade', {
    ...detail,
    outTradeNo: a.out_trade_no,
    attemptCreatedAt: a.created_at,
  });
}

/**
 * Paid, checked: the amount must be the attempt's (all the order owed, or a part of it); the order
 * becomes paid in the same transaction when its paid parts now cover it.
 */
export function settlePaid(ctx: AttemptContext, a: AttemptRow, trade: Trade, via: string): void {
  if (a.foreign_at !== null) {
    // another till's trade under this number: recorded, never paid here
    ctx.journal(a, 'foreign.paid_ignored', null, null, { via, tradeNo: trade.tradeNo, amountFen: trade.amountFen });
    return;
  }
  if (isPaid(a.state)) {
    if (trade.amountFen === a.amount_fen) return;
  } else if (trade.paidAt !== null && trade.paidAt < a.created_at - FOREIGN_TRADE_MARGIN_MS) {
    // paid before this attempt existed: not its trade
    markForeign(ctx, a, {
      op: via,
      code: 'PAID_BEFORE_ATTEMPT',
      tradeNo: trade.tradeNo,
      amountFen: trade.amountFen,
      paidAt: trade.paidAt,
    });
    return;
  }
  if (trade.amountFen !== a.amount_fen) {
    ctx.update(a, {
      unknown: 1,
      last_outcome: storeAttemptOutcome({ kind: 'amount_mismatch' }),
      last_message: `reported paid ${trade.amountFen} fen, expected ${a.amount_fen}`,
    });
    ctx.openException(a, 'amount_mismatch', {
      expectedFen: a.amount_fen,
      reportedFen: trade.amountFen,
      tradeNo: trade.tradeNo,
      via,
    });
    return;
  }
  if (isPaid(a.state)) return;
  if (isFinalUnpaid(a.state)) {
    // money after the local close: never dropped, never silently accepted
    ctx.openException(a, 'paid_after_close', {
      amountFen: trade.amountFen,
      tradeNo: trade.tradeNo,
      via,
      state: a.state,
    });
    return;
  }
  // the order's other paid parts (split tender; a single payment has none): money beyond its total
  // — the order paid another way, or by other parts, while this payment was open — is never taken
  // as a payment; the customer paid twice and the owner decides (To check)
  const order = ctx.store.first(
    ctx.k.selectFrom('orders').select(['status', 'total_fen']).where('id', '=', a.order_id),
  );
  const others = ctx.store.all(
    ctx.k
      .selectFrom('payment_attempts')
      .select(['id', 'method', 'amount_fen'])
      .where('order_id', '=', a.order_id)
      .where('id', '!=', a.id)
      .where(inList('state', PAID_STATES)),
  );
  const othersFen = others.reduce((n, o) => n + o.amount_fen, 0);
  const other = others[others.length - 1];
  if (other && othersFen + a.amount_fen > (order?.total_fen ?? 0)) {
    ctx.update(a, {
      next_poll_at: null,
      unknown: 0,
      last_outcome: storeAttemptOutcome({ kind: 'double_payment' }),
      last_message: `the order was already paid by ${other.method}`,
    });
    ctx.openException(a, 'double_payment', {
      amountFen: trade.amountFen,
      tradeNo: trade.tradeNo,
      via,
      paidBy: other.method,
      otherAttemptId: other.id,
      ...(others.length > 1 || othersFen !== order?.total_fen ? { partsFen: othersFen } : {}),
    });
    return;
  }
  const now = ctx.clock.now();
  const paidAt = trade.paidAt ?? now;
  if (
    !ctx.apply(
      a,
      'paid',
      {
        trade_no: trade.tradeNo,
        paid_at: paidAt,
        unknown: 0,
        last_outcome: storeAttemptOutcome({ kind: 'paid' }),
        last_message: null,
      },
      { via, tradeNo: trade.tradeNo },
    )
  )
    return;
  if (order?.status !== 'open') {
    ctx.openException(a, 'paid_order_not_open', { orderStatus: order?.status ?? 'missing' });
    return;
  }
  // the order is paid when its parts cover it; a part of a split tender leaves it open for the rest
  ctx.truth.coverOrder(a.order_id, paidAt, { method: a.method, outTradeNo: a.out_trade_no });
}
/** A final unpaid attempt reported paid: confirm with a query, then raise the exception. */
export async function lateCheck(ctx: AttemptContext, attemptId: number): Promise<void> {
  const a = ctx.row(attemptId);
  const entry = ctx.providers.get(a.method as ProviderId);
  if (!entry) return;
  const called = await entry.provider.query({
    outTradeNo: a.out_trade_no,
    amountFen: a.amount_fen,
    tradeNo: a.trade_no,
  });
  ctx.store.tx(() => {
    const now = ctx.row(attemptId);
    ctx.recordExchanges(now, called.exchanges);
    if (called.outcome.kind === 'paid') settlePaid(ctx, now, called.outcome.trade, 'late query');
  });
}
