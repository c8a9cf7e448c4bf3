/**
 * Intermediary payments for an order: start an attempt (QR, cashier-page redirect or the buyer's
 * payment code), then find out the truth by polling the order-status query until it is final,
 * closing or cancelling upstream at the deadline or when the clerk stops it.
 *
 * The outbox shape throughout: commit the intent, call the intermediary outside any transaction,
 * commit the result with its journal rows. Every answer is checked (signature and ids by the
 * client, amount here); a mismatch or an untrusted answer opens an exception and never marks
 * anything paid. The schedule is persisted (`next_poll_at`), so a restart resumes every open attempt.
 */
import { PosError } from '../../../shared/errors';
import { isPaymentCodeOf, maskPaymentCode } from '../../../shared/payment-code';
import { neverSent } from '../../../shared/outcomes';
import type { AttemptView, PaymentOption, ProviderId } from '../../../shared/types';
import type {
  Called,
  CancelOutcome,
  CloseOutcome,
  CreateOutcome,
  Exchange,
  Incoming,
  PaymentProvider,
  PayMode,
  QueryOutcome,
  Trade,
  Unknown,
} from '../../intermediaries/provider';
import type { Kysely } from 'kysely';
import type { AttemptEvent } from '../../../shared/payment-state-machine';
import { OPEN_STATES, PAID_STATES, isFinalUnpaid, isOpen, isPaid } from '../../../shared/payment-states';
import { inList } from '../../store/sql';
import type { Store } from '../../store/db';
import type { AttemptRow, Database } from '../../store/schema';
import { readAttemptOutcome, storeAttemptOutcome } from '../../store/outcomes';
import type { Clock } from '../clock';
import { crashPoint } from '../crash-points';
import type { Events } from '../events';
import type { TillIdentity } from './till-identity';
import { SummaryLog } from '../log-summary';
import { Poller } from './poller';
import { PaymentTruth, type AttemptFacts } from './truth';
import { attemptDisplay } from './display';
import { Reachability } from './reachability';

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

const PROVIDER_LETTER: Record<ProviderId, string> = { alipay: 'A', wechat: 'W', yeepay: 'Y' };

/**
 * A trade the intermediary reports paid more than this long before the attempt was created is not
 * the attempt's trade (another till's, or this till's before a restore, under the same number): it
 * never pays the order. The margin is wide because a till's clock may be minutes off the
 * intermediary's; a trade number already taken at the create call is caught without it.
 */
export const FOREIGN_TRADE_MARGIN_MS = 10 * 60_000;
// ---- hot queries (run by the poller on a timer; explained in tests/db/query-plans.test.ts) ----

/** Open intermediary attempts due at `now`, most overdue first (the partial index payment_attempts_due). */
export function dueAttemptsQuery(k: Kysely<Database>, now: number) {
  return k
    .selectFrom('payment_attempts')
    .select('id')
    .where(inList('state', OPEN_STATES))
    .where('method', '!=', 'cash')
    .where('next_poll_at', '<=', now)
    .orderBy('next_poll_at');
}

/**
 * How many open attempts the poller asks about (the stretch of `nextPollAt`): a count over the same
 * partial index, never the table (a cash payment is never open, so the index's rows are the polled ones).
 */
export function polledCountQuery(k: Kysely<Database>) {
  return k
    .selectFrom('payment_attempts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(inList('state', OPEN_STATES))
    .where('next_poll_at', 'is not', null);
}

/** The earliest future poll, for the poller's wake-up timer (the same partial index). */
export function nextPollQuery(k: Kysely<Database>, now: number) {
  return k
    .selectFrom('payment_attempts')
    .select((eb) => eb.fn.min('next_poll_at').as('at'))
    .where(inList('state', OPEN_STATES))
    .where('method', '!=', 'cash')
    .where('next_poll_at', '>', now);
}

/** Repeated notifications for an open attempt query it at most once per this (see `incoming`). */
export const NOTIFIED_QUERY_GAP_MS = 3_000;

/** At most `max` characters of text that came from outside, for a log line. */
function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

interface Instrument {
  kind: 'qr' | 'redirect' | 'payment_code';
  qrContent?: string;
  redirect?: { url: string; method: 'GET' | 'POST'; fields: Record<string, string> };
}

export interface StartInput {
  orderId: number;
  provider: ProviderId;
  mode: PayMode;
  authCode?: string;
  bankCode?: string;
}

/** WeChat accepts closeorder only 5 minutes after the order was created (docs/protocols.md §3.3). */
export function closeNotBefore(a: Pick<AttemptRow, 'method' | 'mode' | 'created_at'>): number {
  return a.method === 'wechat' && a.mode !== 'payment_code' ? a.created_at + 5 * 60_000 + 1_000 : 0;
}

export class Payments {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly events: Events,
    private readonly providers: ProviderSource,
    private readonly returnUrl: (attemptId: number) => string | undefined,
    private readonly timing: PaymentTiming = DEFAULT_TIMING,
    private readonly log: (line: string) => void = () => undefined,
    /** builds trade numbers unique per merchant account, and takes a new code when one proves taken */
    private readonly identity: Pick<TillIdentity, 'tradeNo' | 'rotate'>,
  ) {
    this.truth = new PaymentTruth(store, clock);
    this.poller = new Poller(
      {
        due: (now, limit) => {
          const query = dueAttemptsQuery(this.k, now);
          return this.store.all(limit === null ? query : query.limit(limit)).map((r) => r.id);
        },
        step: (id) => this.step(id),
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
   * The background poller of open attempts (core/payments/poller.ts). Only this class schedules an
   * attempt's polls, so every write here (start, a state change, an update) wakes it from quiet,
   * and so does an explicit `kick` (an override).
   */
  private readonly poller: Poller;

  /** every write to an attempt, an exception and an order's status goes through the one writer */
  private readonly truth: PaymentTruth;

  private get k() {
    return this.store.kysely;
  }

  options(): PaymentOption[] {
    const out: PaymentOption[] = [];
    for (const { provider, sandbox } of this.providers.all()) {
      const unreachable = this.reach.trouble(provider.id);
      for (const mode of provider.capabilities.modes) out.push({ provider: provider.id, mode, sandbox, unreachable });
    }
    return out;
  }

  /** Each intermediary's reachability from the till's recent calls; answering again resumes its pending work at once. */
  readonly reach = new Reachability((provider, unreachable) => {
    this.events.emit('payments.reachability', { provider, unreachable });
    if (!unreachable) this.resume(provider);
  });

  // ---- reading ------------------------------------------------------------------------------

  private row(attemptId: number): AttemptRow {
    const row = this.store.first(this.k.selectFrom('payment_attempts').selectAll().where('id', '=', attemptId));
    if (!row || row.method === 'cash')
      throw new PosError('PAYMENT_NOT_FOUND', `There is no intermediary payment ${attemptId}.`, { attemptId });
    return row;
  }

  view(attemptId: number): AttemptView {
    const r = this.row(attemptId);
    const order = this.store.first(this.k.selectFrom('orders').select('number').where('id', '=', r.order_id));
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
    };
    return { ...view, display: attemptDisplay({ ...view, closeNotBefore: closeNotBefore(r) }, this.clock.now()) };
  }

  /** The open (created or pending) attempt of an order, if any, unless the owner overrode it. */
  openAttempt(orderId: number): AttemptView | null {
    const r = this.store.first(
      this.k
        .selectFrom('payment_attempts')
        .select('id')
        .where('order_id', '=', orderId)
        .where(inList('state', OPEN_STATES))
        .where('overridden_at', 'is', null)
        .where('method', '!=', 'cash'),
    );
    return r ? this.view(r.id) : null;
  }

  // ---- journal and transitions ----------------------------------------------------------------

  private journal(
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

  private recordExchanges(a: AttemptRow, exchanges: readonly Exchange[]): void {
    for (const x of exchanges) this.journal(a, `wire.${x.op}`, null, null, x);
  }

  /** Applies a state-machine event (the one writer); returns false when the machine refuses it. */
  private apply(a: AttemptRow, event: AttemptEvent, set: AttemptFacts = {}, detail?: unknown): boolean {
    this.poller.wake();
    return this.truth.apply(a, event, set, detail);
  }

  private update(a: AttemptRow, set: AttemptFacts): void {
    this.poller.wake();
    this.truth.update(a, set);
  }

  private openException(a: AttemptRow, kind: string, detail: Record<string, unknown>): void {
    this.truth.openException(a, kind, detail);
  }

  private changed(attemptId: number): AttemptView {
    const v = this.view(attemptId);
    if (v.state === 'paid') crashPoint('payment.paid-committed'); // committed, before any event or receipt
    this.events.emit('payment.changed', v);
    if (v.state === 'paid') {
      this.events.emit('order.changed', { orderId: v.orderId, number: v.orderNumber, status: 'paid' });
    }
    return v;
  }

  /**
   * The intermediary answered about a trade this attempt did not create: the attempt ends as failed
   * (an open one) or stays as it is (a final one), is marked foreign so that nothing — a later
   * query, a notification, a statement — pays an order with it or closes, cancels or refunds that
   * trade upstream, and the owner is told.
   */
  private markForeign(a: AttemptRow, detail: Record<string, unknown>): void {
    if (a.foreign_at !== null) return;
    const now = this.clock.now();
    // the pay screen says it from the outcome (core/payments/display.ts); the details are in the exception
    const set = {
      foreign_at: now,
      unknown: 0,
      next_poll_at: null,
      last_outcome: storeAttemptOutcome({ kind: 'foreign_trade' }),
      last_message: null,
    };
    if (isOpen(a.state)) {
      if (!this.apply(a, 'declined', set, { ...detail, foreign: true })) return;
    } else {
      this.update(a, { foreign_at: now });
    }
    this.openException(this.row(a.id), 'foreign_trade', {
      ...detail,
      outTradeNo: a.out_trade_no,
      attemptCreatedAt: a.created_at,
    });
  }

  /** Paid, checked: the amount must be the order's; the order becomes paid in the same transaction. */
  private settlePaid(a: AttemptRow, trade: Trade, via: string): void {
    if (a.foreign_at !== null) {
      // another till's trade under this number: recorded, never paid here
      this.journal(a, 'foreign.paid_ignored', null, null, { via, tradeNo: trade.tradeNo, amountFen: trade.amountFen });
      return;
    }
    if (isPaid(a.state)) {
      if (trade.amountFen === a.amount_fen) return;
    } else if (trade.paidAt !== null && trade.paidAt < a.created_at - FOREIGN_TRADE_MARGIN_MS) {
      // paid before this attempt existed: not its trade
      this.markForeign(a, {
        op: via,
        code: 'PAID_BEFORE_ATTEMPT',
        tradeNo: trade.tradeNo,
        amountFen: trade.amountFen,
        paidAt: trade.paidAt,
      });
      return;
    }
    if (trade.amountFen !== a.amount_fen) {
      this.update(a, {
        unknown: 1,
        last_outcome: storeAttemptOutcome({ kind: 'amount_mismatch' }),
        last_message: `reported paid ${trade.amountFen} fen, expected ${a.amount_fen}`,
      });
      this.openException(a, 'amount_mismatch', {
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
      this.openException(a, 'paid_after_close', {
        amountFen: trade.amountFen,
        tradeNo: trade.tradeNo,
        via,
        state: a.state,
      });
      return;
    }
    const other = this.store.first(
      this.k
        .selectFrom('payment_attempts')
        .select(['id', 'method'])
        .where('order_id', '=', a.order_id)
        .where('id', '!=', a.id)
        .where(inList('state', PAID_STATES)),
    );
    if (other) {
      // the order was paid another way while this payment was still closing: the customer paid twice
      this.update(a, {
        next_poll_at: null,
        unknown: 0,
        last_outcome: storeAttemptOutcome({ kind: 'double_payment' }),
        last_message: `the order was already paid by ${other.method}`,
      });
      this.openException(a, 'double_payment', {
        amountFen: trade.amountFen,
        tradeNo: trade.tradeNo,
        via,
        paidBy: other.method,
        otherAttemptId: other.id,
      });
      return;
    }
    const now = this.clock.now();
    const paidAt = trade.paidAt ?? now;
    if (
      !this.apply(
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
    const paidOrder = this.truth.markOrderPaid(a.order_id, 'open', paidAt, {
      method: a.method,
      outTradeNo: a.out_trade_no,
    });
    if (!paidOrder) {
      const order = this.store.first(this.k.selectFrom('orders').select('status').where('id', '=', a.order_id));
      this.openException(a, 'paid_order_not_open', { orderStatus: order?.status ?? 'missing' });
    }
  }

  // ---- starting -------------------------------------------------------------------------------

  private deadlineFor(provider: ProviderId, mode: PayMode, now: number): number {
    if (mode === 'qr') return now + this.timing.qrTtlMs;
    if (mode === 'redirect') return now + this.timing.redirectTtlMs;
    return now + this.timing.codeTtlMs[provider];
  }

  /** The schedule's interval for an attempt at `now`: fast while the customer is likely paying, then slow; payment codes at their provider's. */
  private pollInterval(a: Pick<AttemptRow, 'method' | 'mode' | 'created_at'>, now: number): number {
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
  private nextPoll(
    a: Pick<AttemptRow, 'deadline_at' | 'closing_since'>,
    now: number,
    wantedMs: number,
    stretchMs = this.stretchMs(),
  ): number {
    return nextPollAt(now, wantedMs, a.closing_since === null ? a.deadline_at : null, stretchMs);
  }

  private get maxPollsPerSecond(): number {
    return Math.max(1, this.timing.maxPollsPerSecond ?? DEFAULT_MAX_POLLS_PER_SECOND);
  }

  /** open attempts ÷ the cap: the shortest interval that keeps all of them within it */
  private stretchMs(): number {
    const open = Number(this.store.first(polledCountQuery(this.k))?.n ?? 0);
    return Math.ceil((open * 1000) / this.maxPollsPerSecond);
  }

  /** attempt id → how many steps in a row ended without a settling answer (unknown, untrusted, wrong amount) */
  private readonly unsettled = new Map<number, number>();

  /** The backoff after an answer that settles nothing: `retryMs`, doubling with each such step in a row, up to `maxRetryMs`. */
  private retryDelay(attemptId: number): number {
    const streak = this.unsettled.get(attemptId) ?? 0;
    const max = Math.max(this.timing.retryMs, this.timing.maxRetryMs ?? DEFAULT_MAX_RETRY_MS);
    return Math.min(max, this.timing.retryMs * 2 ** Math.min(streak, 16));
  }

  async start(input: StartInput): Promise<AttemptView> {
    const entry = this.providers.get(input.provider);
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
    const now = this.clock.now();
    this.poller.wake();
    const attemptId = this.store.tx(() => {
      const order = this.store.first(this.k.selectFrom('orders').selectAll().where('id', '=', input.orderId));
      if (!order) throw new PosError('NOT_FOUND', `There is no order ${input.orderId}.`, { orderId: input.orderId });
      if (order.status !== 'open') {
        throw new PosError('ORDER_NOT_PAYABLE', `Order ${order.number} is ${order.status} and cannot be paid.`, {
          number: order.number,
          status: order.status,
        });
      }
      const open = this.store.first(
        this.k
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
      const n = this.store.first(
        this.k
          .selectFrom('payment_attempts')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('order_id', '=', order.id),
      );
      const outTradeNo = this.identity.tradeNo(order.number, PROVIDER_LETTER[input.provider], Number(n?.n ?? 0) + 1);
      return this.truth.createAttempt(
        {
          order_id: order.id,
          method: input.provider,
          mode: input.mode,
          out_trade_no: outTradeNo,
          amount_fen: order.total_fen,
          deadline_at: this.deadlineFor(input.provider, input.mode, now),
          // if the app dies during the create call, the poller finds this attempt and asks upstream
          next_poll_at: now + this.timing.orphanAfterMs,
        },
        { provider: input.provider, mode: input.mode, outTradeNo, amountFen: order.total_fen, sandbox: entry.sandbox },
      );
    });

    crashPoint('payment.intent-written');
    this.poller.claim(attemptId);
    try {
      const a = this.row(attemptId);
      const returnUrl = input.mode === 'redirect' ? this.returnUrl(attemptId) : undefined;
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
      if (called.exchanges.length > 0) this.reach.record(input.provider, called.outcome);
      // A QR, a cashier page or "the buyer is confirming" moves no money: that answer is committed
      // without waiting for the disk, like a routine poll (it survives the app being killed; a power
      // cut in the next moments can lose it, and the attempt, committed in full before the call,
      // is then found by the poller as one whose answer was lost and settled from what the
      // intermediary says). Every other answer (paid, declined, taken, unknown, untrusted) is FULL.
      const offered =
        called.outcome.kind === 'qr' || called.outcome.kind === 'redirect' || called.outcome.kind === 'waiting';
      this.store.tx(() => this.applyCreate(this.row(attemptId), called), offered ? 'normal' : 'full');
      if (called.outcome.kind === 'taken') {
        // the number is in use at the intermediary: the next attempt must not collide again
        this.identity.rotate('collision', `${input.provider} ${called.outcome.code} for ${a.out_trade_no}`);
      }
    } finally {
      this.poller.release(attemptId);
    }
    // the first poll is due in a second: wake the pool for it rather than wait for the backstop tick
    this.poller.schedule(this.clock.now());
    return this.changed(attemptId);
  }

  private applyCreate(a: AttemptRow, called: Called<CreateOutcome>): void {
    this.recordExchanges(a, called.exchanges);
    const o = called.outcome;
    const now = this.clock.now();
    const next = this.nextPoll(a, now, this.pollInterval(a, now));
    switch (o.kind) {
      case 'qr':
      case 'redirect': {
        const instrument: Instrument =
          o.kind === 'qr'
            ? { kind: 'qr', qrContent: o.qrContent }
            : { kind: 'redirect', redirect: { url: o.url, method: o.method, fields: o.fields } };
        this.apply(a, 'submitted', {
          instrument: JSON.stringify(instrument),
          next_poll_at: next,
          last_outcome: storeAttemptOutcome({ kind: o.kind }),
          last_message: null,
        });
        return;
      }
      case 'waiting':
        this.apply(a, 'submitted', {
          instrument: JSON.stringify({ kind: 'payment_code' }),
          next_poll_at: next,
          last_outcome: storeAttemptOutcome({ kind: 'waiting' }),
          last_message: 'the buyer is confirming on the phone',
        });
        return;
      case 'paid':
        this.apply(a, 'submitted', {
          instrument: JSON.stringify({ kind: 'payment_code' }),
          next_poll_at: next,
          last_outcome: storeAttemptOutcome({ kind: 'paid' }),
        });
        this.settlePaid(this.row(a.id), o.trade, 'create');
        return;
      case 'declined':
        this.apply(
          a,
          'declined',
          { last_outcome: storeAttemptOutcome({ kind: 'declined', code: o.code }), last_message: o.message },
          { code: o.code, message: o.message },
        );
        return;
      case 'taken':
        this.markForeign(a, { op: 'create', code: o.code, message: o.message });
        return;
      case 'unknown':
        if (neverSent(o.trouble)) {
          // refused, no such host, no route: the intermediary never had the request, so no trade
          // exists and nothing can be paid late — a definite failure (cash needs no owner)
          this.apply(
            a,
            'declined',
            { last_outcome: storeAttemptOutcome({ kind: 'unreachable', trouble: o.trouble }), last_message: o.reason },
            { trouble: o.trouble, reason: o.reason },
          );
          return;
        }
        this.apply(a, 'submitted', {
          unknown: 1,
          next_poll_at: this.nextPoll(a, now, this.timing.retryMs),
          last_outcome: storeAttemptOutcome({ kind: 'unknown', closing: false, trouble: o.trouble }),
          last_message: o.reason,
          instrument: a.mode === 'payment_code' ? JSON.stringify({ kind: 'payment_code' }) : null,
        });
        return;
      case 'untrusted':
        this.apply(a, 'submitted', {
          unknown: 1,
          next_poll_at: this.nextPoll(a, now, this.timing.retryMs),
          last_outcome: storeAttemptOutcome({ kind: 'untrusted', reason: o.reason, closing: false }),
          last_message: o.detail,
        });
        this.openException(this.row(a.id), 'untrusted_answer', { op: 'create', reason: o.reason, detail: o.detail });
        return;
    }
  }

  // ---- the clerk ----------------------------------------------------------------------------

  /** The clerk gives up on this attempt: close or cancel it upstream, then it ends as closed. */
  async stop(attemptId: number): Promise<AttemptView> {
    const a = this.row(attemptId);
    if (isOpen(a.state)) {
      this.store.tx(() => {
        const now = this.clock.now();
        this.update(a, { closing_since: a.closing_since ?? now, closing_reason: 'stopped', next_poll_at: now });
        this.journal(a, 'attempt.stop', a.state, null, { by: 'clerk' });
      });
      await this.step(attemptId);
    }
    return this.changed(attemptId);
  }

  /**
   * "Query now": ask the intermediary at once (also what a notification or a browser return
   * triggers). On a closed, expired or failed payment it asks once more, for a customer who says
   * they paid: money found then opens a paid-after-close exception.
   */
  async queryNow(attemptId: number): Promise<AttemptView> {
    const a = this.row(attemptId);
    if (isOpen(a.state)) {
      this.update(a, { next_poll_at: this.clock.now() });
      await this.step(attemptId);
    } else if (isFinalUnpaid(a.state)) {
      // "the customer says they paid": ask once more; money found now is late money, an exception
      await this.lateCheck(attemptId);
    }
    return this.changed(attemptId);
  }

  /** notification-triggered queries: attempt id → when the last one started (see `incoming`) */
  private readonly notifiedQueryAt = new Map<number, number>();
  /** refused and unmatched notifications: one line per kind per minute, the rest counted */
  private readonly refusedLog = new SummaryLog((line) => this.log(line));

  /**
   * A notification or browser return from an intermediary: verified by the client, then treated as
   * a hint only — the status query decides. Each costs at most what it can change:
   * - refused (unsigned, bad signature…) or for an unknown order: no row, one log line per kind a minute;
   * - the same notification again (identical journal detail) adds no journal row;
   * - for an open attempt it triggers a query at once, but at most one per attempt per
   *   NOTIFIED_QUERY_GAP_MS (the poller asks every few seconds anyway);
   * - for a paid attempt nothing more; for a closed one, one "late money" query per close, so a
   *   replay is answered `success` without a query or a row.
   */
  async incoming(
    providerId: ProviderId,
    incoming: Incoming,
  ): Promise<{ status: number; contentType: string; body: string }> {
    const entry = this.providers.get(providerId);
    if (!entry) return { status: 404, contentType: 'text/plain', body: 'not enabled' };
    const verified = entry.provider.verifyIncoming(incoming);
    const o = verified.outcome;
    if (o.kind === 'untrusted') {
      this.refusedLog.line(
        `${providerId} ${o.reason}`,
        `${providerId} notification refused: ${o.reason} ${clip(o.detail, 160)}`,
      );
      return verified.reply;
    }
    const a = this.store.first(
      this.k.selectFrom('payment_attempts').selectAll().where('out_trade_no', '=', o.outTradeNo),
    );
    if (!a) {
      this.refusedLog.line(
        `${providerId} unknown`,
        `${providerId} notification for unknown order ${clip(o.outTradeNo, 40)}`,
      );
      return verified.reply;
    }
    const open = isOpen(a.state);
    const paid = isPaid(a.state);
    const note = { provider: providerId, outcome: o.kind, status: o.kind === 'other' ? o.status : 'paid' };
    // after a close, a "paid" notification is news once (late money), whatever came before the close
    const seen = this.notifiedBefore(a, JSON.stringify(note), open || paid || o.kind !== 'paid' ? null : a.updated_at);
    if (!seen) this.store.tx(() => this.journal(a, 'notification', null, null, note));
    if (open) {
      const now = this.clock.now();
      const last = this.notifiedQueryAt.get(a.id);
      if (last !== undefined && now - last < NOTIFIED_QUERY_GAP_MS && now >= last) return verified.reply;
      this.notifiedQueryAt.set(a.id, now);
      if (this.notifiedQueryAt.size > 1_000) {
        for (const [id, at] of this.notifiedQueryAt)
          if (now - at >= NOTIFIED_QUERY_GAP_MS) this.notifiedQueryAt.delete(id);
      }
      await this.queryNow(a.id);
    } else if (o.kind === 'paid' && !paid && !seen) {
      this.notifiedQueryAt.delete(a.id);
      await this.lateCheck(a.id);
      this.events.emit('payment.changed', this.view(a.id));
    }
    return verified.reply;
  }

  /** Whether this attempt's journal already holds this notification (since `since`, if given). */
  private notifiedBefore(a: AttemptRow, detail: string, since: number | null): boolean {
    let q = this.k
      .selectFrom('payment_journal')
      .select('id')
      .where('order_id', '=', a.order_id)
      .where('attempt_id', '=', a.id)
      .where('kind', '=', 'notification')
      .where('detail', '=', detail);
    if (since !== null) q = q.where('at', '>=', since);
    return this.store.first(q.limit(1)) !== undefined;
  }

  /** A final unpaid attempt reported paid: confirm with a query, then raise the exception. */
  private async lateCheck(attemptId: number): Promise<void> {
    const a = this.row(attemptId);
    const entry = this.providers.get(a.method as ProviderId);
    if (!entry) return;
    const called = await entry.provider.query({
      outTradeNo: a.out_trade_no,
      amountFen: a.amount_fen,
      tradeNo: a.trade_no,
    });
    this.store.tx(() => {
      const now = this.row(attemptId);
      this.recordExchanges(now, called.exchanges);
      if (called.outcome.kind === 'paid') this.settlePaid(now, called.outcome.trade, 'late query');
    });
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
    this.poller.start(intervalMs);
  }

  /**
   * Every open attempt (of `provider`, or all) is asked about now rather than at its scheduled time:
   * at start-up, when the providers change (the embedded sandbox came up) and when an intermediary
   * answers again after an outage. A parked attempt (no next poll) stays parked.
   */
  resume(provider?: ProviderId): void {
    const now = this.clock.now();
    let q = this.k
      .selectFrom('payment_attempts')
      .selectAll()
      .where(inList('state', OPEN_STATES))
      .where('method', '!=', 'cash')
      .where('next_poll_at', '>', now);
    if (provider) q = q.where('method', '=', provider);
    const rows = this.store.all(q);
    if (rows.length === 0) return;
    this.store.tx(() => {
      for (const r of rows) this.update(r, { next_poll_at: now });
    }, 'normal');
    for (const r of rows) this.unsettled.delete(r.id);
    this.poller.kick();
  }

  stopPolling(): void {
    this.poller.stop();
  }

  /** Starts due attempts in the free slots of the pool (only while polling runs). */
  kick(): void {
    this.poller.kick();
  }

  /**
   * Every open attempt whose time has come, each with at most one call in flight, at most
   * `maxConcurrentPolls` at a time; resolves when all of them are done. Tests (and anything
   * driving a manual clock) call this directly; the background poller uses the pool.
   */
  runDue(): Promise<number> {
    return this.poller.runDue();
  }

  /** One step for one attempt: close/cancel if closing, else query; then reschedule. */
  async step(attemptId: number): Promise<void> {
    if (!this.poller.claim(attemptId)) return;
    try {
      const a = this.row(attemptId);
      if (!isOpen(a.state)) return;
      const entry = this.providers.get(a.method as ProviderId);
      const now = this.clock.now();
      if (!entry && this.providers.starting?.()) {
        // the embedded sandbox is on its way (docs/architecture.md): ask again in a moment, nothing to report
        this.update(a, { next_poll_at: now + 1_000 });
        return;
      }
      if (!entry) {
        this.update(a, {
          next_poll_at: now + 60_000,
          unknown: 1,
          last_message: `${a.method} is not configured; the payment cannot be checked`,
        });
        return;
      }
      const ref = { outTradeNo: a.out_trade_no, amountFen: a.amount_fen, tradeNo: a.trade_no, createdAt: a.created_at };
      if (a.closing_since === null && a.deadline_at !== null && now >= a.deadline_at) {
        this.store.tx(() => {
          this.update(a, { closing_since: now, closing_reason: 'deadline' });
          this.journal(a, 'attempt.deadline', a.state, null, { deadlineAt: a.deadline_at });
        });
      }
      const closing = this.row(attemptId).closing_since !== null;
      // Always query first: money that arrived must be seen before anything is closed.
      const q = await this.safe(() => entry.provider.query(ref));
      crashPoint('payment.query-answered');
      if (q.exchanges.length > 0) this.reach.record(entry.provider.id, q.outcome);
      let settled = false;
      // A routine answer (still unpaid, no trade yet, or no answer) changes only the schedule and the
      // timeline: if a power cut lost it, the next poll would simply ask again. It is committed
      // without waiting for the disk (WAL + synchronous=NORMAL still survives the app being killed),
      // so many open attempts do not cost an fsync per poll; whatever moves state or money is FULL.
      const routine =
        !closing &&
        a.state === 'pending' &&
        (q.outcome.kind === 'pending' || q.outcome.kind === 'not_found' || q.outcome.kind === 'unknown');
      this.store.tx(
        () => {
          const cur = this.row(attemptId);
          this.recordExchanges(cur, q.exchanges);
          settled = this.applyQuery(cur, q.outcome, closing);
        },
        routine ? 'normal' : 'full',
      );
      if (settled || !closing) return;
      // parked (a double payment waits for the owner): no close, no more polling
      if (this.row(attemptId).next_poll_at === null) return;
      const notBefore = closeNotBefore(a);
      const later = this.clock.now();
      if (later < notBefore) {
        // WeChat refuses closeorder within 5 minutes of creation: keep querying until then
        this.update(this.row(attemptId), {
          next_poll_at: nextPollAt(later, Math.min(notBefore - later, this.timing.slowPollMs), null, this.stretchMs()),
        });
        return;
      }
      await this.closeUpstream(attemptId, entry.provider, ref, q.outcome.kind);
    } finally {
      this.poller.release(attemptId);
      const v = this.emitIfChanged(attemptId);
      // the backoff counts the steps in a row that ended unsettled; a settling answer resets it
      if (isOpen(v.state) && v.unknown) {
        const streak = Math.min((this.unsettled.get(attemptId) ?? 0) + 1, 16);
        this.unsettled.delete(attemptId); // re-inserted last: the oldest entries go first below
        this.unsettled.set(attemptId, streak);
        if (this.unsettled.size > 10_000) this.unsettled.delete(this.unsettled.keys().next().value as number);
      } else {
        this.unsettled.delete(attemptId);
      }
    }
  }

  private lastEmitted = new Map<number, string>();
  private emitIfChanged(attemptId: number): AttemptView {
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

  private async safe<T>(call: () => Promise<Called<T>>): Promise<Called<T | Unknown>> {
    try {
      return await call();
    } catch (err) {
      return { outcome: { kind: 'unknown', reason: (err as Error).message }, exchanges: [] };
    }
  }

  /** A QR attempt whose create answered with the code to show (else the screen never drew one). */
  private qrDrawn(a: AttemptRow): boolean {
    const inst = a.instrument ? (JSON.parse(a.instrument) as Instrument) : null;
    return inst?.kind === 'qr' && Boolean(inst.qrContent);
  }

  /** Applies a query answer; true when the attempt reached a final state. */
  private applyQuery(a: AttemptRow, o: QueryOutcome, closing: boolean): boolean {
    const now = this.clock.now();
    const polls = a.polls + 1;
    // closing: the close or cancel follows in this step and sets the next poll
    const stretch = this.stretchMs();
    const next = closing ? now : this.nextPoll(a, now, this.pollInterval(a, now), stretch);
    const retry = this.nextPoll(a, now, this.retryDelay(a.id), stretch);
    if (a.state === 'created') {
      // the create answer was never stored (the app died during the call): whatever upstream says, we are past it
      this.apply(
        a,
        'submitted',
        { next_poll_at: next, instrument: a.instrument ?? JSON.stringify({ kind: a.mode }) },
        { recovered: true },
      );
      a = this.row(a.id);
    }
    switch (o.kind) {
      case 'paid': {
        this.update(a, { polls });
        this.settlePaid(this.row(a.id), o.trade, 'query');
        const after = this.unsettledPaid(this.row(a.id), retry);
        // a foreign trade is final for this attempt: never closed or cancelled upstream (it is not ours)
        return after.state === 'paid' || after.foreign_at !== null;
      }
      case 'refunded': {
        this.update(a, { polls });
        this.settlePaid(this.row(a.id), o.trade, 'query (refunded upstream)');
        const after = this.unsettledPaid(this.row(a.id), retry);
        if (after.foreign_at !== null) return true;
        this.openException(after, 'refunded_upstream', { tradeNo: o.trade.tradeNo });
        return after.state === 'paid';
      }
      case 'failed':
        this.apply(
          a,
          'declined',
          { polls, last_outcome: storeAttemptOutcome({ kind: 'failed', code: o.code }), last_message: o.message },
          { code: o.code },
        );
        return true;
      case 'closed':
        if (closing) return false; // our own close is being confirmed below
        this.apply(a, 'declined', {
          polls,
          last_outcome: storeAttemptOutcome({ kind: 'closed_upstream' }),
          last_message: 'closed by the intermediary',
        });
        return true;
      case 'pending':
      case 'not_found':
        if (!closing && a.mode === 'qr' && !this.qrDrawn(a)) {
          // the create got no answer, so no QR was ever shown: nobody can pay this trade. Never a QR
          // box that waits for nothing — with no trade upstream it is over; with one, it is closed there.
          if (o.kind === 'not_found') {
            this.apply(
              a,
              'closed',
              { polls, unknown: 0, last_outcome: storeAttemptOutcome({ kind: 'not_found' }), last_message: null },
              { reason: 'qr_never_shown' },
            );
            return true;
          }
          this.update(a, {
            polls,
            unknown: 0,
            closing_since: now,
            closing_reason: 'stopped',
            next_poll_at: now,
            last_outcome: storeAttemptOutcome({ kind: o.kind }),
            last_message: null,
          });
          this.journal(a, 'attempt.stop', a.state, null, { by: 'till', reason: 'qr_never_shown' });
          return false;
        }
        this.update(a, {
          polls,
          unknown: 0,
          next_poll_at: next,
          last_outcome: storeAttemptOutcome({ kind: o.kind }),
          last_message: null,
        });
        return false;
      case 'unknown':
        this.update(a, {
          polls,
          unknown: 1,
          next_poll_at: retry,
          last_outcome: storeAttemptOutcome({ kind: 'unknown', closing: false, trouble: o.trouble }),
          last_message: o.reason,
        });
        return false;
      case 'untrusted':
        this.update(a, {
          polls,
          unknown: 1,
          next_poll_at: retry,
          last_outcome: storeAttemptOutcome({ kind: 'untrusted', reason: o.reason, closing: false }),
          last_message: o.detail,
        });
        this.openException(a, 'untrusted_answer', { op: 'query', reason: o.reason, detail: o.detail });
        return false;
    }
  }

  /**
   * A "paid" answer that did not pay the attempt and left it open and scheduled — a signed answer
   * with the wrong amount — is asked again only after the backoff, not at the next tick.
   */
  private unsettledPaid(after: AttemptRow, retry: number): AttemptRow {
    if (!isOpen(after.state) || after.next_poll_at === null || after.foreign_at !== null) return after;
    this.update(after, { next_poll_at: retry });
    return this.row(after.id);
  }

  /**
   * YeePay has no close (docs/protocols.md §1.12): the query just made decides. Cancelled upstream
   * ends the attempt at once; "not paid" or "no such order" ends it once the grace past the deadline
   * (or the clerk's stop) is over; anything else (no answer, an untrusted one) is asked again.
   */
  private endWithoutClose(a: AttemptRow, queried: QueryOutcome['kind'], now: number): void {
    const grace = this.timing.noCloseGraceMs ?? DEFAULT_NO_CLOSE_GRACE_MS;
    const graceOver = now >= (a.closing_since ?? now) + grace;
    const ended =
      queried === 'closed'
        ? ({ kind: 'closed_upstream' } as const)
        : (queried === 'pending' || queried === 'not_found') && graceOver
          ? { kind: queried }
          : null;
    if (!ended) {
      this.update(a, { next_poll_at: nextPollAt(now, this.timing.slowPollMs, null, this.stretchMs()) });
      return;
    }
    this.store.tx(() => {
      const cur = this.row(a.id);
      if (!isOpen(cur.state)) return;
      this.apply(
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
  private async closeUpstream(
    attemptId: number,
    provider: PaymentProvider,
    ref: Parameters<PaymentProvider['close']>[0],
    queried: QueryOutcome['kind'],
  ): Promise<void> {
    const a = this.row(attemptId);
    // never close, cancel or reverse a trade this attempt did not create: it may be another till's paid sale
    if (a.foreign_at !== null) return;
    const useCancel = a.mode === 'payment_code' && provider.capabilities.cancel;
    const call = useCancel ? 'cancel' : 'close';
    const now = this.clock.now();
    if (!useCancel && !provider.capabilities.close) {
      this.endWithoutClose(a, queried, now);
      return;
    }
    const called: Called<CloseOutcome | CancelOutcome | Unknown> = useCancel
      ? await this.safe(() => provider.cancel(ref))
      : await this.safe(() => provider.close(ref));
    crashPoint('payment.close-answered');
    if (called.exchanges.length > 0) this.reach.record(provider.id, called.outcome);
    // past the deadline: the wanted wait, at least a second, stretched like every poll
    const again = (wantedMs: number) => nextPollAt(this.clock.now(), wantedMs, null, this.stretchMs());
    this.store.tx(() => {
      const cur = this.row(attemptId);
      this.recordExchanges(cur, called.exchanges);
      if (!isOpen(cur.state)) return;
      const o = called.outcome;
      const final: AttemptEvent = cur.closing_reason === 'stopped' ? 'closed' : 'expired';
      switch (o.kind) {
        case 'closed':
        case 'not_found':
          this.apply(
            cur,
            final,
            { last_outcome: storeAttemptOutcome({ kind: 'close', call, answer: o.kind }), last_message: null },
            { upstream: o.kind },
          );
          return;
        case 'refunded':
          // the buyer had paid just before the cancel; the cancel gave the money back
          this.apply(cur, final, {
            last_outcome: storeAttemptOutcome({ kind: 'close', call: 'cancel', answer: 'refunded' }),
            last_message: 'paid, then refunded by the cancel',
          });
          this.openException(this.row(cur.id), 'refunded_by_cancel', { outTradeNo: cur.out_trade_no });
          return;
        case 'paid':
          // query again to settle it: in a second, or after the backoff when the query before could not settle it (a wrong amount)
          this.update(cur, {
            next_poll_at: again(cur.unknown === 1 ? this.retryDelay(cur.id) : 0),
            last_outcome: storeAttemptOutcome({ kind: 'close', call: 'close', answer: 'paid' }),
          });
          return;
        case 'too_early':
        case 'retry':
          this.update(cur, {
            next_poll_at: again(o.retryAt - this.clock.now()),
            last_outcome: storeAttemptOutcome({ kind: 'close', call, answer: o.kind }),
          });
          return;
        case 'unknown':
          this.update(cur, {
            unknown: 1,
            next_poll_at: again(this.retryDelay(cur.id)),
            last_outcome: storeAttemptOutcome({ kind: 'unknown', closing: true, trouble: o.trouble }),
            last_message: o.reason,
          });
          return;
        case 'untrusted':
          this.update(cur, {
            unknown: 1,
            next_poll_at: again(this.retryDelay(cur.id)),
            last_outcome: storeAttemptOutcome({ kind: 'untrusted', reason: o.reason, closing: true }),
          });
          this.openException(cur, 'untrusted_answer', {
            op: useCancel ? 'cancel' : 'close',
            reason: o.reason,
            detail: o.detail,
          });
          return;
      }
    });
  }
}
