/**
 * Finding out the truth of an open attempt: one step asks the intermediary's order-status query
 * (always first: money that arrived must be seen before anything is closed), commits what the
 * answer means (`applyQuery`) and reschedules the next poll; at the deadline or when the clerk
 * stopped it, the step goes on to close or cancel upstream (attempt-close.ts). The background
 * poller (poller.ts) runs `step`; "query now" runs it at once.
 */
import type { AttemptView, ProviderId } from '../../../shared/types';
import type { QueryOutcome } from '../../intermediaries/provider';
import { isFinalUnpaid, isOpen } from '../../../shared/payment-states';
import type { AttemptRow } from '../../store/schema';
import { storeAttemptOutcome } from '../../store/outcomes';
import { crashPoint } from '../crash-points';
import type { AttemptContext } from './attempt-context';
import { closeNotBefore, nextPollAt } from './attempt-schedule';
import { closeUpstream } from './attempt-close';
import { lateCheck, settlePaid } from './attempt-settle';

/** One step for one attempt: close/cancel if closing, else query; then reschedule. */
export async function step(ctx: AttemptContext, attemptId: number): Promise<void> {
  if (!ctx.poller.claim(attemptId)) return;
  try {
    const a = ctx.row(attemptId);
    if (!isOpen(a.state)) return;
    const entry = ctx.providers.get(a.method as ProviderId);
    const now = ctx.clock.now();
    if (!entry && ctx.providers.starting?.()) {
      // the embedded sandbox is on its way (docs/architecture.md): ask again in a moment, nothing to report
      ctx.update(a, { next_poll_at: now + 1_000 });
      return;
    }
    if (!entry) {
      ctx.update(a, {
        next_poll_at: now + 60_000,
        unknown: 1,
        last_message: `${a.method} is not configured; the payment cannot be checked`,
      });
      return;
    }
    const ref = { outTradeNo: a.out_trade_no, amountFen: a.amount_fen, tradeNo: a.trade_no, createdAt: a.created_at };
    if (a.closing_since === null && a.deadline_at !== null && now >= a.deadline_at) {
      ctx.store.tx(() => {
        ctx.update(a, { closing_since: now, closing_reason: 'deadline' });
        ctx.journal(a, 'attempt.deadline', a.state, null, { deadlineAt: a.deadline_at });
      });
    }
    const closing = ctx.row(attemptId).closing_since !== null;
    // Always query first: money that arrived must be seen before anything is closed.
    const q = await ctx.safe(() => entry.provider.query(ref));
    crashPoint('payment.query-answered');
    if (q.exchanges.length > 0) ctx.reach.record(entry.provider.id, q.outcome);
    let settled = false;
    // A routine answer (still unpaid, no trade yet, or no answer) changes only the schedule and the
    // timeline: if a power cut lost it, the next poll would simply ask again. It is committed
    // without waiting for the disk (WAL + synchronous=NORMAL still survives the app being killed),
    // so many open attempts do not cost an fsync per poll; whatever moves state or money is FULL.
    const routine =
      !closing &&
      a.state === 'pending' &&
      (q.outcome.kind === 'pending' || q.outcome.kind === 'not_found' || q.outcome.kind === 'unknown');
    ctx.store.tx(
      () => {
        const cur = ctx.row(attemptId);
        ctx.recordExchanges(cur, q.exchanges);
        settled = applyQuery(ctx, cur, q.outcome, closing);
      },
      routine ? 'normal' : 'full',
    );
    if (settled || !closing) return;
    // parked (a double payment waits for the owner): no close, no more polling
    if (ctx.row(attemptId).next_poll_at === null) return;
    const notBefore = closeNotBefore(a);
    const later = ctx.clock.now();
    if (later < notBefore) {
      // WeChat refuses closeorder within 5 minutes of creation: keep querying until then
      ctx.update(ctx.row(attemptId), {
        next_poll_at: nextPollAt(later, Math.min(notBefore - later, ctx.timing.slowPollMs), null, ctx.stretchMs()),
      });
      return;
    }
    await closeUpstream(ctx, attemptId, entry.provider, ref, q.outcome.kind);
  } finally {
    ctx.poller.release(attemptId);
    const v = ctx.emitIfChanged(attemptId);
    // the backoff counts the steps in a row that ended unsettled; a settling answer resets it
    if (isOpen(v.state) && v.unknown) {
      const streak = Math.min((ctx.unsettled.get(attemptId) ?? 0) + 1, 16);
      ctx.unsettled.delete(attemptId); // re-inserted last: the oldest entries go first below
      ctx.unsettled.set(attemptId, streak);
      if (ctx.unsettled.size > 10_000) ctx.unsettled.delete(ctx.unsettled.keys().next().value as number);
    } else {
      ctx.unsettled.delete(attemptId);
    }
  }
}

/** Applies a query answer; true when the attempt reached a final state. */
export function applyQuery(ctx: AttemptContext, a: AttemptRow, o: QueryOutcome, closing: boolean): boolean {
  const now = ctx.clock.now();
  const polls = a.polls + 1;
  // closing: the close or cancel follows in this step and sets the next poll
  const stretch = ctx.stretchMs();
  const next = closing ? now : ctx.nextPoll(a, now, ctx.pollInterval(a, now), stretch);
  const retry = ctx.nextPoll(a, now, ctx.retryDelay(a.id), stretch);
  if (a.state === 'created') {
    // the create answer was never stored (the app died during the call): whatever upstream says, we are past it
    ctx.apply(
      a,
      'submitted',
      { next_poll_at: next, instrument: a.instrument ?? JSON.stringify({ kind: a.mode }) },
      { recovered: true },
    );
    a = ctx.row(a.id);
  }
  switch (o.kind) {
    case 'paid': {
      ctx.update(a, { polls });
      settlePaid(ctx, ctx.row(a.id), o.trade, 'query');
      const after = unsettledPaid(ctx, ctx.row(a.id), retry);
      // a foreign trade is final for this attempt: never closed or cancelled upstream (it is not ours)
      return after.state === 'paid' || after.foreign_at !== null;
    }
    case 'refunded': {
      ctx.update(a, { polls });
      settlePaid(ctx, ctx.row(a.id), o.trade, 'query (refunded upstream)');
      const after = unsettledPaid(ctx, ctx.row(a.id), retry);
      if (after.foreign_at !== null) return true;
      ctx.openException(after, 'refunded_upstream', { tradeNo: o.trade.tradeNo });
      return after.state === 'paid';
    }
    case 'failed':
      ctx.apply(
        a,
        'declined',
        { polls, last_outcome: storeAttemptOutcome({ kind: 'failed', code: o.code }), last_message: o.message },
        { code: o.code },
      );
      return true;
    case 'closed':
      if (closing) return false; // our own close is being confirmed below
      ctx.apply(a, 'declined', {
        polls,
        last_outcome: storeAttemptOutcome({ kind: 'closed_upstream' }),
        last_message: 'closed by the intermediary',
      });
      return true;
    case 'pending':
    case 'not_found':
      if (!closing && a.mode === 'qr' && !ctx.qrDrawn(a)) {
        // the create got no answer, so no QR was ever shown: nobody can pay this trade. Never a QR
        // box that waits for nothing — with no trade upstream it is over; with one, it is closed there.
        if (o.kind === 'not_found') {
          ctx.apply(
            a,
            'closed',
            { polls, unknown: 0, last_outcome: storeAttemptOutcome({ kind: 'not_found' }), last_message: null },
            { reason: 'qr_never_shown' },
          );
          return true;
        }
        ctx.update(a, {
          polls,
          unknown: 0,
          closing_since: now,
          closing_reason: 'stopped',
          next_poll_at: now,
          last_outcome: storeAttemptOutcome({ kind: o.kind }),
          last_message: null,
        });
        ctx.journal(a, 'attempt.stop', a.state, null, { by: 'till', reason: 'qr_never_shown' });
        return false;
      }
      ctx.update(a, {
        polls,
        unknown: 0,
        next_poll_at: next,
        last_outcome: storeAttemptOutcome({ kind: o.kind }),
        last_message: null,
      });
      return false;
    case 'unknown':
      ctx.update(a, {
        polls,
        unknown: 1,
        next_poll_at: retry,
        last_outcome: storeAttemptOutcome({ kind: 'unknown', closing: false, trouble: o.trouble }),
        last_message: o.reason,
      });
      return false;
    case 'untrusted':
      ctx.update(a, {
        polls,
        unknown: 1,
        next_poll_at: retry,
        last_outcome: storeAttemptOutcome({ kind: 'untrusted', reason: o.reason, closing: false }),
        last_message: o.detail,
      });
      ctx.openException(a, 'untrusted_answer', { op: 'query', reason: o.reason, detail: o.detail });
      return false;
  }
}

/**
 * A "paid" answer that did not pay the attempt and left it open and scheduled — a signed answer
 * with the wrong amount — is asked again only after the backoff, not at the next tick.
 */
export function unsettledPaid(ctx: AttemptContext, after: AttemptRow, retry: number): AttemptRow {
  if (!isOpen(after.state) || after.next_poll_at === null || after.foreign_at !== null) return after;
  ctx.update(after, { next_poll_at: retry });
  return ctx.row(after.id);
}

/**
 * "Query now": ask the intermediary at once (also what a notification or a browser return
 * triggers). On a closed, expired or failed payment it asks once more, for a customer who says
 * they paid: money found then opens a paid-after-close exception.
 */
export async function queryNow(ctx: AttemptContext, attemptId: number): Promise<AttemptView> {
  const a = ctx.row(attemptId);
  if (isOpen(a.state)) {
    ctx.update(a, { next_poll_at: ctx.clock.now() });
    await step(ctx, attemptId);
  } else if (isFinalUnpaid(a.state)) {
    // "the customer says they paid": ask once more; money found now is late money, an exception
    await lateCheck(ctx, attemptId);
  }
  return ctx.changed(attemptId);
}
