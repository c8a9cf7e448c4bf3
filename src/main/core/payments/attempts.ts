/**
 * Intermediary payments for an order: start an attempt (QR, cashier-page redirect or the buyer's
 * payment code), then find out the truth by polling the order-status query until it is final,
 * closing or cancelling upstream at the deadline or when the clerk stops it.
 *
 * The outbox shape throughout: commit the intent, call the intermediary outside any transaction,
 * commit the result with its journal rows. Every answer is checked (signature and ids by the
 * client, amount here); a mismatch or an untrusted answer opens an exception and never marks
 * anything paid. The schedule is persisted (`next_poll_at`), so a restart resumes every open attempt.
 *
 * This is the front the rest of the core calls; each part of an attempt's life is its own module,
 * a function of the shared AttemptContext (attempt-context.ts: the store, the poller, the one
 * writer): the timing and the rule of the next poll (attempt-schedule.ts), the poller's indexed
 * reads (attempt-queries.ts), starting (attempt-start.ts), polling and reading each answer
 * (attempt-poll.ts), closing or cancelling upstream (attempt-close.ts), a paid answer
 * (attempt-settle.ts) and the notifications (attempt-incoming.ts).
 */
import type { AttemptView, PaymentOption, ProviderId } from '../../../shared/types';
import type { Incoming } from '../../intermediaries/provider';
import { OPEN_STATES, isOpen } from '../../../shared/payment-states';
import { inList } from '../../store/sql';
import type { Store } from '../../store/db';
import type { Clock } from '../clock';
import type { Events } from '../events';
import type { TillIdentity } from './till-identity';
import { Reachability } from './reachability';
import { AttemptContext, type ProviderSource } from './attempt-context';
import { DEFAULT_TIMING, type PaymentTiming } from './attempt-schedule';
import { start, type StartInput } from './attempt-start';
import { queryNow, step } from './attempt-poll';
import { Notifications } from './attempt-incoming';

// what the callers import from this front, wherever it is written
export type { ProviderEntry, ProviderSource } from './attempt-context';
export {
  closeNotBefore,
  DEFAULT_MAX_CONCURRENT_POLLS,
  DEFAULT_MAX_POLLS_PER_SECOND,
  DEFAULT_MAX_RETRY_MS,
  DEFAULT_NO_CLOSE_GRACE_MS,
  DEFAULT_TIMING,
  MIN_POLL_GAP_MS,
  nextPollAt,
  type PaymentTiming,
} from './attempt-schedule';
export { dueAttemptsQuery, nextPollQuery, polledCountQuery } from './attempt-queries';
export { FOREIGN_TRADE_MARGIN_MS } from './attempt-settle';
export { NOTIFIED_QUERY_GAP_MS } from './attempt-incoming';
export type { StartInput } from './attempt-start';

export class Payments {
  constructor(
    store: Store,
    clock: Clock,
    private readonly events: Events,
    private readonly providers: ProviderSource,
    private readonly returnUrl: (attemptId: number) => string | undefined,
    timing: PaymentTiming = DEFAULT_TIMING,
    log: (line: string) => void = () => undefined,
    /** builds trade numbers unique per merchant account, and takes a new code when one proves taken */
    private readonly identity: Pick<TillIdentity, 'tradeNo' | 'rotate'>,
  ) {
    this.reach = new Reachability((provider, unreachable) => {
      this.events.emit('payments.reachability', { provider, unreachable });
      if (!unreachable) this.resume(provider);
    });
    this.ctx = new AttemptContext(store, clock, events, providers, timing, log, this.reach, (id) => step(this.ctx, id));
    this.notifications = new Notifications(this.ctx);
  }

  /** Each intermediary's reachability from the till's recent calls; answering again resumes its pending work at once. */
  readonly reach: Reachability;

  private readonly ctx: AttemptContext;
  private readonly notifications: Notifications;

  options(): PaymentOption[] {
    const out: PaymentOption[] = [];
    for (const { provider, sandbox } of this.providers.all()) {
      const unreachable = this.reach.trouble(provider.id);
      for (const mode of provider.capabilities.modes) out.push({ provider: provider.id, mode, sandbox, unreachable });
    }
    return out;
  }

  // ---- reading ------------------------------------------------------------------------------

  view(attemptId: number): AttemptView {
    return this.ctx.view(attemptId);
  }

  /** The open (created or pending) attempt of an order, if any, unless the owner overrode it. */
  openAttempt(orderId: number): AttemptView | null {
    const r = this.ctx.store.first(
      this.ctx.k
        .selectFrom('payment_attempts')
        .select('id')
        .where('order_id', '=', orderId)
        .where(inList('state', OPEN_STATES))
        .where('overridden_at', 'is', null)
        .where('method', '!=', 'cash'),
    );
    return r ? this.view(r.id) : null;
  }

  // ---- starting (attempt-start.ts) ------------------------------------------------------------

  start(input: StartInput): Promise<AttemptView> {
    return start(this.ctx, { identity: this.identity, returnUrl: this.returnUrl }, input);
  }

  // ---- the clerk ----------------------------------------------------------------------------

  /** The clerk gives up on this attempt: close or cancel it upstream, then it ends as closed. */
  async stop(attemptId: number): Promise<AttemptView> {
    const a = this.ctx.row(attemptId);
    if (isOpen(a.state)) {
      this.ctx.store.tx(() => {
        const now = this.ctx.clock.now();
        this.ctx.update(a, { closing_since: a.closing_since ?? now, closing_reason: 'stopped', next_poll_at: now });
        this.ctx.journal(a, 'attempt.stop', a.state, null, { by: 'clerk' });
      });
      await step(this.ctx, attemptId);
    }
    return this.ctx.changed(attemptId);
  }

  /**
   * "Query now": ask the intermediary at once (also what a notification or a browser return
   * triggers). On a closed, expired or failed payment it asks once more, for a customer who says
   * they paid: money found then opens a paid-after-close exception.
   */
  queryNow(attemptId: number): Promise<AttemptView> {
    return queryNow(this.ctx, attemptId);
  }

  /** A notification or browser return from an intermediary (attempt-incoming.ts). */
  incoming(providerId: ProviderId, incoming: Incoming): Promise<{ status: number; contentType: string; body: string }> {
    return this.notifications.incoming(providerId, incoming);
  }

  // ---- polling -------------------------------------------------------------------------------

  /**
   * Starts the background poller (also resumes every unfinished attempt after a restart): a bounded
   * pool of `maxConcurrentPolls`, most overdue first, woken for the earliest `next_poll_at`; the
   * tick (`intervalMs`) is the backstop that notices attempts scheduled by other code paths (a new
   * attempt, a clerk's stop). See core/payments/poller.ts.
   */
  startPolling(intervalMs = 250): void {
    this.resume(); // after a restart: a payment made while the till was down shows paid without a click
    this.ctx.poller.start(intervalMs);
  }

  /**
   * Every open attempt (of `provider`, or all) is asked about now rather than at its scheduled time:
   * at start-up, when the providers change (the embedded sandbox came up) and when an intermediary
   * answers again after an outage. A parked attempt (no next poll) stays parked.
   */
  resume(provider?: ProviderId): void {
    const now = this.ctx.clock.now();
    let q = this.ctx.k
      .selectFrom('payment_attempts')
      .selectAll()
      .where(inList('state', OPEN_STATES))
      .where('method', '!=', 'cash')
      .where('next_poll_at', '>', now);
    if (provider) q = q.where('method', '=', provider);
    const rows = this.ctx.store.all(q);
    if (rows.length === 0) return;
    this.ctx.store.tx(() => {
      for (const r of rows) this.ctx.update(r, { next_poll_at: now });
    }, 'normal');
    for (const r of rows) this.ctx.unsettled.delete(r.id);
    this.ctx.poller.kick();
  }

  stopPolling(): void {
    this.ctx.poller.stop();
  }

  /** Starts due attempts in the free slots of the pool (only while polling runs). */
  kick(): void {
    this.ctx.poller.kick();
  }

  /**
   * Every open attempt whose time has come, each with at most one call in flight, at most
   * `maxConcurrentPolls` at a time; resolves when all of them are done. Tests (and anything
   * driving a manual clock) call this directly; the background poller uses the pool.
   */
  runDue(): Promise<number> {
    return this.ctx.poller.runDue();
  }

  /** One step for one attempt (attempt-poll.ts): close/cancel if closing, else query; then reschedule. */
  step(attemptId: number): Promise<void> {
    return step(this.ctx, attemptId);
  }
}
