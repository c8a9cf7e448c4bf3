/**
 * Ending an open attempt upstream once it is past its deadline or the clerk stopped it: close an
 * unpaid QR or cashier-page trade, cancel (reverse) a payment code, or — for a provider with no
 * close (YeePay) — let the query just made decide. The attempt is final only on a definite answer;
 * a trade this attempt did not create is never closed, cancelled or reversed.
 */
import type {
  CancelOutcome,
  Called,
  CloseOutcome,
  PaymentProvider,
  QueryOutcome,
  Unknown,
} from '../../intermediaries/provider';
import type { AttemptEvent } from '../../../shared/payment-state-machine';
import { isOpen } from '../../../shared/payment-states';
import type { AttemptRow } from '../../store/schema';
import { storeAttemptOutcome } from '../../store/outcomes';
import { crashPoint } from '../crash-points';
import type { AttemptContext } from './attempt-context';
import { DEFAULT_NO_CLOSE_GRACE_MS, nextPollAt } from './attempt-schedule';

/**
 * YeePay has no close (docs/protocols.md §1.12): the query just made decides. Cancelled upstream
 * (or the clerk's stop) is over; anything else (no answer, an untrusted one) is asked again.
 */
export function endWithoutClose(ctx: AttemptContext, a: AttemptRow, queried: QueryOutcome['kind'], now: number): void {
  const grace = ctx.timing.noCloseGraceMs ?? DEFAULT_NO_CLOSE_GRACE_MS;
  const graceOver = now >= (a.closing_since ?? now) + grace;
  const ended =
    queried === 'closed'
      ? ({ kind: 'closed_upstream' } as const)
      : (queried === 'pending' || queried === 'not_found') && graceOver
        ? { kind: queried }
        : null;
  if (!ended) {
    ctx.update(a, { next_poll_at: nextPollAt(now, ctx.timing.slowPollMs, null, ctx.stretchMs()) });
    return;
  }
  ctx.store.tx(() => {
    const cur = ctx.row(a.id);
    if (!isOpen(cur.state)) return;
    ctx.apply(
      cur,
      cur.closing_reason === 'stopped' ? 'closed' : 'expired',
      {
        last_outcome: storeAttemptOutcome(ended),
        last_message: null,
      },
      { upstream: queried, noClose: true },
    );
  });
}

/** Close (unpaid) or cancel/reverse (payment codes) upstream; final only on a definite answer. */
export async function closeUpstream(
  ctx: AttemptContext,
  attemptId: number,
  provider: PaymentProvider,
  ref: Parameters<PaymentProvider['close']>[0],
  queried: QueryOutcome['kind'],
): Promise<void> {
  const a = ctx.row(attemptId);
  // never close, cancel or reverse a trade this attempt did not create: it may be another till's paid sale
  if (a.foreign_at !== null) return;
  const useCancel = a.mode === 'payment_code' && provider.capabilities.cancel;
  const call = useCancel ? 'cancel' : 'close';
  const now = ctx.clock.now();
  if (!useCancel && !provider.capabilities.close) {
    endWithoutClose(ctx, a, queried, now);
    return;
  }
  const called: Called<CloseOutcome | CancelOutcome | Unknown> = useCancel
    ? await ctx.safe(() => provider.cancel(ref))
    : await ctx.safe(() => provider.close(ref));
  crashPoint('payment.close-answered');
  if (called.exchanges.length > 0) ctx.reach.record(provider.id, called.outcome);
  // past the deadline: the wanted wait, at least a second, stretched like every poll
  const again = (wantedMs: number) => nextPollAt(ctx.clock.now(), wantedMs, null, ctx.stretchMs());
  ctx.store.tx(() => {
    const cur = ctx.row(attemptId);
    ctx.recordExchanges(cur, called.exchanges);
    if (!isOpen(cur.state)) return;
    const o = called.outcome;
    const final: AttemptEvent = cur.closing_reason === 'stopped' ? 'closed' : 'expired';
    switch (o.kind) {
      case 'closed':
      case 'not_found':
        ctx.apply(
          cur,
          final,
          { last_outcome: storeAttemptOutcome({ kind: 'close', call, answer: o.kind }), last_message: null },
          { upstream: o.kind },
        );
        return;
      case 'refunded':
        // the buyer had paid just before the cancel; the cancel gave the money back
        ctx.apply(cur, final, {
          last_outcome: storeAttemptOutcome({ kind: 'close', call: 'cancel', answer: 'refunded' }),
          last_message: 'paid, then refunded by the cancel',
        });
        ctx.openException(ctx.row(cur.id), 'refunded_by_cancel', { outTradeNo: cur.out_trade_no });
        return;
      case 'paid':
        // query again to settle it: in a second, or after the backoff when the query before could not settle it (a wrong amount)
        ctx.update(cur, {
          next_poll_at: again(cur.unknown === 1 ? ctx.retryDelay(cur.id) : 0),
          last_outcome: storeAttemptOutcome({ kind: 'close', call: 'close', answer: 'paid' }),
        });
        return;
      case 'too_early':
      case 'retry':
        ctx.update(cur, {
          next_poll_at: again(o.retryAt - ctx.clock.now()),
          last_outcome: storeAttemptOutcome({ kind: 'close', call, answer: o.kind }),
        });
        return;
      case 'unknown':
        ctx.update(cur, {
          unknown: 1,
          next_poll_at: again(ctx.retryDelay(cur.id)),
          last_outcome: storeAttemptOutcome({ kind: 'unknown', closing: true, trouble: o.trouble }),
          last_message: o.reason,
        });
        return;
      case 'untrusted':
        ctx.update(cur, {
          unknown: 1,
          next_poll_at: again(ctx.retryDelay(cur.id)),
          last_outcome: storeAttemptOutcome({ kind: 'untrusted', reason: o.reason, closing: true }),
        });
        ctx.openException(cur, 'untrusted_answer', {
          op: useCancel ? 'cancel' : 'close',
          reason: o.reason,
          detail: o.detail,
        });
        return;
    }
  });
}
