/**
 * When the payments of the till are asked about, and how long each is offered: the timing an
 * attempt runs on (`PaymentTiming`, `DEFAULT_TIMING`), the caps of the background poller, and the
 * pure rule for an attempt's next poll (`nextPollAt`). Pure: no store, no clock of its own.
 */
import type { AttemptRow } from '../../store/schema';
import type { ProviderId } from '../../intermediaries/provider';

export interface PaymentTiming {
  /** how long a QR is offered before the app closes it */
  qrTtlMs: number;
  /** how long a cashier-page redirect may take */
  redirectTtlMs: number;
  /** how long to wait for a buyer confirming a payment code, per provider (Alipay ~60 s, WeChat 45 s) */
  codeTtlMs: Record<ProviderId, number>;
  /** polling while the customer is likely paying, then slower */
  fastPollMs: number;
  fastForMs: number;
  slowPollMs: number;
  /** payment codes: the documented query interval per provider (Alipay 3–6 s, WeChat 5–10 s) */
  codePollMs: Record<ProviderId, number>;
  /** after no definite answer */
  retryMs: number;
  /** a created attempt whose create answer was never stored is looked at after this long */
  orphanAfterMs: number;
  /** the background poller's pool: calls in flight at most (default DEFAULT_MAX_CONCURRENT_POLLS) */
  maxConcurrentPolls?: number;
  /**
   * The status queries per second the schedule plans for at most, all open attempts together
   * (default DEFAULT_MAX_POLLS_PER_SECOND): see `nextPollAt`.
   */
  maxPollsPerSecond?: number;
  /** after answers that settle nothing, the wait doubles from `retryMs` up to this (default DEFAULT_MAX_RETRY_MS) */
  maxRetryMs?: number;
  /**
   * A provider with no close (YeePay): how long past the deadline (or the clerk's stop) an unpaid
   * trade is still queried before it ends as expired (default DEFAULT_NO_CLOSE_GRACE_MS; docs/protocols.md §1.12)
   */
  noCloseGraceMs?: number;
}

/**
 * Calls in flight at once: 32 answers of ~50 ms round trip are ~640 queries/s, while the answers
 * that arrive together stay few enough that one turn of the event loop (which the clerk's screen
 * shares) handles them in tens of ms, not hundreds. One attempt never has more than one call in
 * flight, whatever this is.
 */
export const DEFAULT_MAX_CONCURRENT_POLLS = 32;

/**
 * The poller never asks about one attempt twice within this, whatever its answers: a notification
 * or the clerk's "check now" may ask sooner, the poller's own schedule never does.
 */
export const MIN_POLL_GAP_MS = 1_000;

/**
 * The published cap on the poller's status queries, all open attempts together. A till has a few
 * open payments: up to this many attempts in their first minute are each asked every second.
 * Beyond it the schedule stretches rather than falls behind: every open attempt is asked every
 * max(its interval, open attempts ÷ this) seconds — 1,000 open QR payments are each asked every
 * 10 s instead of every second — most overdue first, each in turn, and every deadline still gets
 * its poll on time. It also bounds the share of the event loop (which the clerk's screen shares)
 * that polling takes: a query costs the core 2–3 ms of CPU on a busy 2-core machine (sign, HTTP,
 * verify, one commit), so 100 a second is a fifth to a third of a core; uncapped, 1,000 attempts in
 * their first minute took 60 % of a core, fell seconds behind and held a clerk's search up to
 * ~115 ms at p95 (`npm run bench -- --only pending`).
 */
export const DEFAULT_MAX_POLLS_PER_SECOND = 100;

/**
 * Answers that settle nothing (no answer, an answer that fails verification, a signed answer with
 * the wrong amount) are asked again after `retryMs`, then twice as long each time, up to this: a
 * broken or hostile answer is not fetched again every few hundred milliseconds, and an attempt
 * whose answers come right again is back on its ordinary schedule at once.
 */
export const DEFAULT_MAX_RETRY_MS = 30_000;

/**
 * YeePay cannot close a trade: a buyer who opened the bank's page just before the deadline may still
 * finish there. Five minutes past the deadline an answer of "not paid" or "no such order" ends the
 * attempt; money that arrives later is late money (a notification's late check, reconciliation).
 */
export const DEFAULT_NO_CLOSE_GRACE_MS = 5 * 60_000;

/**
 * When the poller asks next about an attempt it has just asked about at `now` (pure; the rule in
 * one place):
 * - `wantedMs` after `now` (the schedule's interval, or a retry's backoff), but no sooner than the
 *   stretch (open attempts ÷ the cap, see DEFAULT_MAX_POLLS_PER_SECOND) and never within
 *   MIN_POLL_GAP_MS;
 * - a poll that would land after the deadline, or within MIN_POLL_GAP_MS before it, lands on the
 *   deadline itself, so the step that closes or cancels runs on time and the poll before it is at
 *   least a second earlier (the gap is shorter only after an ask off the schedule, a clerk's or a
 *   notification's, in the last second).
 */
export function nextPollAt(now: number, wantedMs: number, deadlineAt: number | null, stretchMs = 0): number {
  const delay = Math.max(wantedMs, stretchMs, MIN_POLL_GAP_MS);
  if (deadlineAt !== null && deadlineAt > now && now + delay > deadlineAt - MIN_POLL_GAP_MS) return deadlineAt;
  return now + delay;
}

export const DEFAULT_TIMING: PaymentTiming = {
  qrTtlMs: 3 * 60_000,
  redirectTtlMs: 10 * 60_000,
  codeTtlMs: { alipay: 60_000, wechat: 45_000, yeepay: 60_000 },
  fastPollMs: 1_000,
  fastForMs: 60_000,
  slowPollMs: 3_000,
  codePollMs: { alipay: 3_000, wechat: 5_000, yeepay: 5_000 },
  retryMs: 3_000,
  orphanAfterMs: 15_000,
};

/** WeChat accepts closeorder only 5 minutes after the order was created (docs/protocols.md §3.3). */
export function closeNotBefore(a: Pick<AttemptRow, 'method' | 'mode' | 'created_at'>): number {
  return a.method === 'wechat' && a.mode !== 'payment_code' ? a.created_at + 5 * 60_000 + 1_000 : 0;
}
