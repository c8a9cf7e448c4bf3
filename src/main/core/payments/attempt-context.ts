/**
 * What every step of an intermediary payment shares (core/payments/attempts.ts is the front): the
 * store, the clock, the providers, the background poller and the one writer of payment truth, and
 * the small helpers each step uses — reading an attempt and its view, the journal, the writes (each
 * wakes the poller), the events after a change, and the schedule of an attempt's next poll.
 *
 * The steps themselves are functions of this context, one module per job: starting a payment
 * (attempt-start.ts), polling and reading its answers (attempt-poll.ts), closing or cancelling it
 * upstream (attempt-close.ts), a paid answer (attempt-settle.ts) and the notifications
 * (attempt-incoming.ts).
 */
import { PosError } from '../../../shared/errors';
import type { AttemptView, ProviderId } from '../../../shared/types';
import type { Called, Exchange, PaymentProvider, Unknown } from '../../intermediaries/provider';
import type { AttemptEvent } from '../../../shared/payment-state-machine';
import { isOpen } from '../../../shared/payment-states';
import type { Store } from '../../store/db';
import type { AttemptRow } from '../../store/schema';
import { readAttemptOutcome } from '../../store/outcomes';
import type { Clock } from '../clock';
import { crashPoint } from '../crash-points';
import type { Events } from '../events';
import { Poller } from './poller';
import { PaymentTruth, type AttemptFacts } from './truth';
import { attemptDisplay } from './display';
import type { Reachability } from './reachability';
import { tenderProgress } from './tender';
import {
  closeNotBefore,
  DEFAULT_MAX_CONCURRENT_POLLS,
  DEFAULT_MAX_POLLS_PER_SECOND,
  DEFAULT_MAX_RETRY_MS,
  nextPollAt,
  type PaymentTiming,
} from './attempt-schedule';
import { dueAttemptsQuery, nextPollQuery, polledCountQuery } from './attempt-queries';

export interface ProviderEntry {
  provider: PaymentProvider;
  /** points at a sandbox rather than the real intermediary */
  sandbox: boolean;
}

/** The enabled, configured providers; rebuilt when settings change. */
export interface ProviderSource {
  /** the providers are still being set up (the embedded sandbox is starting): a missing one may come */
  starting?(): boolean;
  get(id: ProviderId): ProviderEntry | undefined;
  all(): ProviderEntry[];
}

/** What the create call offered the buyer, stored on the attempt (`instrument`). */
export interface Instrument {
  kind: 'qr' | 'redirect' | 'payment_code';
  qrContent?: string;
  redirect?: { url: string; method: 'GET' | 'POST'; fields: Record<string, string> };
}

export class AttemptContext {
  constructor(
    readonly store: Store,
    readonly clock: Clock,
    readonly events: Events,
    readonly providers: ProviderSource,
    readonly timing: PaymentTiming,
    readonly log: (line: string) => void,
    /** each intermediary's reachability from the till's recent calls */
    readonly reach: Reachability,
    /** one step of one attempt (attempt-poll.ts `step`), what the poller runs */
    step: (attemptId: number) => Promise<void>,
  ) {
    this.truth = new PaymentTruth(store, clock);
    this.poller = new Poller(
      {
        due: (now, limit) => {
          const query = dueAttemptsQuery(this.k, now);
          return this.store.all(limit === null ? query : query.limit(limit)).map((r) => r.id);
        },
        step,
        nextAt: (now) => this.store.first(nextPollQuery(this.k, now))?.at ?? null,
      },
      {
        now: () => clock.now(),
        maxConcurrent: timing.maxConcurrentPolls ?? DEFAULT_MAX_CONCURRENT_POLLS,
        log,
        name: 'poller',
        item: 'attempt',
      },
    );
  }

  /**
   * The background poller of open attempts (core/payments/poller.ts). Only these modules schedule an
   * attempt's polls, so every write here (start, a state change, an update) wakes it from quiet,
   * and so does an explicit `kick` (an override).
   */
  readonly poller: Poller;

  /** every write to an attempt, an exception and an order's status goes through the one writer */
  readonly truth: PaymentTruth;

  get k() {
    return this.store.kysely;
  }

  // ---- reading ------------------------------------------------------------------------------

  row(attemptId: number): AttemptRow {
    const row = this.store.first(this.k.selectFrom('payment_attempts').selectAll().where('id', '=', attemptId));
    if (!row || row.method === 'cash')
      throw new PosError('PAYMENT_NOT_FOUND', `There is no intermediary payment ${attemptId}.`, { attemptId });
    return row;
  }

  view(attemptId: number): AttemptView {
    const r = this.row(attemptId);
    const order = this.store.first(
      this.k.selectFrom('orders').select(['number', 'total_fen']).where('id', '=', r.order_id),
    );
    const inst = r.instrument ? (JSON.parse(r.instrument) as Instrument) : null;
    const view: Omit<AttemptView, 'display'> = {
      id: r.id,
      orderId: r.order_id,
      orderNumber: order?.number ?? '',
      provider: r.method,
      mode: r.mode,
      outTradeNo: r.out_trade_no,
      amountFen: r.amount_fen,
      state: r.state,
      unknown: r.unknown === 1,
      closing: r.closing_since !== null,
      qrContent: inst?.qrContent ?? null,
      redirect: inst?.redirect ?? null,
      createdAt: r.created_at,
      deadlineAt: r.deadline_at,
      paidAt: r.paid_at,
      lastOutcome: readAttemptOutcome(r.last_outcome),
      message: r.last_message,
      orderOwedFen: order ? tenderProgress(this.store, r.order_id, order.total_fen).owedFen : 0,
    };
    return { ...view, display: attemptDisplay({ ...view, closeNotBefore: closeNotBefore(r) }, this.clock.now()) };
  }

  // ---- journal and transitions ----------------------------------------------------------------

  journal(
    a: Pick<AttemptRow, 'id' | 'order_id'>,
    kind: string,
    from: string | null,
    to: string | null,
    detail: unknown,
  ): void {
    this.store.run(
      this.k.insertInto('payment_journal').values({
        order_id: a.order_id,
        attempt_id: a.id,
        at: this.clock.now(),
        kind,
        from_state: from,
        to_state: to,
        detail: detail === undefined ? null : JSON.stringify(detail),
      }),
    );
  }

  recordExchanges(a: AttemptRow, exchanges: readonly Exchange[]): void {
    for (const x of exchanges) this.journal(a, `wire.${x.op}`, null, null, x);
  }

  /** Applies a state-machine event (the one writer); returns false when the machine refuses it. */
  apply(a: AttemptRow, event: AttemptEvent, set: AttemptFacts = {}, detail?: unknown): boolean {
    this.poller.wake();
    return this.truth.apply(a, event, set, detail);
  }

  update(a: AttemptRow, set: AttemptFacts): void {
    this.poller.wake();
    this.truth.update(a, set);
  }

  openException(a: AttemptRow, kind: string, detail: Record<string, unknown>): void {
    this.truth.openException(a, kind, detail);
  }

  changed(attemptId: number): AttemptView {
    const v = this.view(attemptId);
    if (v.state === 'paid') crashPoint('payment.paid-committed'); // committed, before any event or receipt
    this.events.emit('payment.changed', v);
    if (v.state === 'paid') {
      // a part of a split tender leaves its order open until the parts cover it
      const order = this.store.first(this.k.selectFrom('orders').select('status').where('id', '=', v.orderId));
      this.events.emit('order.changed', { orderId: v.orderId, number: v.orderNumber, status: order?.status ?? 'paid' });
    }
    return v;
  }

  /** The schedule's interval for an attempt at `now`: fast while the customer is likely paying, then slow; payment codes at their provider's. */
  pollInterval(a: Pick<AttemptRow, 'method' | 'mode' | 'created_at'>, now: number): number {
    const provider = a.method as ProviderId;
    return a.mode === 'payment_code'
      ? this.timing.codePollMs[provider]
      : now - a.created_at < this.timing.fastForMs
        ? this.timing.fastPollMs
        : this.timing.slowPollMs;
  }

  /**
   * The next poll of an attempt asked about at `now` (`nextPollAt`): `wantedMs` later, stretched when
   * more attempts are open than the cap allows at their intervals, on the deadline rather than past it
   * (the step that closes or cancels at the deadline runs at the deadline, not up to one interval after it).
   */
  nextPoll(
    a: Pick<AttemptRow, 'deadline_at' | 'closing_since'>,
    now: number,
    wantedMs: number,
    stretchMs = this.stretchMs(),
  ): number {
    return nextPollAt(now, wantedMs, a.closing_since === null ? a.deadline_at : null, stretchMs);
  }

  get maxPollsPerSecond(): number {
    return Math.max(1, this.timing.maxPollsPerSecond ?? DEFAULT_MAX_POLLS_PER_SECOND);
  }

  /** open attempts ÷ the cap: the shortest interval that keeps all of them within it */
  stretchMs(): number {
    const open = Number(this.store.first(polledCountQuery(this.k))?.n ?? 0);
    return Math.ceil((open * 1000) / this.maxPollsPerSecond);
  }

  /** attempt id → how many steps in a row ended without a settling answer (unknown, untrusted, wrong amount) */
  readonly unsettled = new Map<number, number>();

  /** The backoff after an answer that settles nothing: `retryMs`, doubling with each such step in a row, up to `maxRetryMs`. */
  retryDelay(attemptId: number): number {
    const streak = this.unsettled.get(attemptId) ?? 0;
    const max = Math.max(this.timing.retryMs, this.timing.maxRetryMs ?? DEFAULT_MAX_RETRY_MS);
    return Math.min(max, this.timing.retryMs * 2 ** Math.min(streak, 16));
  }

  private readonly lastEmitted = new Map<number, string>();
  emitIfChanged(attemptId: number): AttemptView {
    const v = this.view(attemptId);
    const sig = `${v.state}|${v.unknown}|${v.closing}|${JSON.stringify(v.lastOutcome)}|${v.display.status}`;
    if (this.lastEmitted.get(attemptId) === sig) return v;
    this.lastEmitted.set(attemptId, sig);
    if (v.state === 'paid') crashPoint('payment.paid-committed'); // committed, before any event or receipt
    this.events.emit('payment.changed', v);
    if (v.state === 'paid')
      this.events.emit('order.changed', { orderId: v.orderId, number: v.orderNumber, status: 'paid' });
    if (!isOpen(v.state)) this.lastEmitted.delete(attemptId);
    return v;
  }

  async safe<T>(call: () => Promise<Called<T>>): Promise<Called<T | Unknown>> {
    try {
      return await call();
    } catch (err) {
      return { outcome: { kind: 'unknown', reason: (err as Error).message }, exchanges: [] };
    }
  }

  /** A QR attempt whose create answered with the code to show (else the screen never drew one). */
  qrDrawn(a: AttemptRow): boolean {
    const inst = a.instrument ? (JSON.parse(a.instrument) as Instrument) : null;
    return inst?.kind === 'qr' && Boolean(inst.qrContent);
  }
}
