/**
 * Refunds: money given back for one payment attempt. Cash comes from the drawer and is done at once;
 * an intermediary refund has the payments' outbox shape:
 *
 *   intent (a `requested` row with its refund number, committed)  →  refund call  →  result committed
 *
 * The refund number is the idempotency key: a refund whose answer was lost (a dead network, the app
 * killed mid-call) is sent again with the same number, and the intermediary refunds at most once.
 * An accepted-but-not-final refund is followed by the refund query until it is final. The schedule
 * is persisted (`next_poll_at`), so a restart resumes every unfinished refund.
 *
 * When a refund succeeds, its effects are committed with it: the attempt (and order) become
 * partially refunded or refunded, or the exception it resolves is closed.
 */
import { PosError } from '../../../shared/errors';
import type { ProviderId, RefundView } from '../../../shared/types';
import type { Called, RefundInput, RefundOutcome, RefundQueryOutcome } from '../../intermediaries/provider';
import { transition } from '../../../shared/payment-state-machine';
import { HOLDING_STATES, OPEN_REFUND_STATES, REFUNDABLE_STATUSES } from '../../../shared/payment-states';
import { inList } from '../../store/sql';
import type { Store } from '../../store/db';
import type { Kysely } from 'kysely';
import type { AttemptRow, Database, RefundRow } from '../../store/schema';
import { readRefundOutcome, storeAttemptOutcome, storeRefundOutcome } from '../../store/outcomes';
import type { Audit } from '../people/audit';
import type { Actor } from '../people/auth';
import { SYSTEM_ACTOR } from '../people/auth';
import type { Clock } from '../clock';
import { crashPoint } from '../crash-points';
import type { Events } from '../events';
import type { TillIdentity } from '../payments/till-identity';
import { Poller } from '../payments/poller';
import { PaymentTruth, type RefundFacts } from '../payments/truth';
import { writeExchanges, writeJournal } from '../journal';
import type { ProviderSource } from '../payments/attempts';

export interface RefundTiming {
  /** between refund queries while the intermediary processes a refund */
  queryMs: number;
  /** before sending a refund again after no definite answer */
  retryMs: number;
}

export const DEFAULT_REFUND_TIMING: RefundTiming = { queryMs: 5_000, retryMs: 5_000 };

export interface RefundRequest {
  attemptId: number;
  amountFen: number;
  reason: string;
  exceptionId?: number | null;
  /** what the intermediary holds for the trade; default the attempt's amount */
  tradeFen?: number;
  lines?: unknown;
  restock?: boolean;
  /** the till's idempotency key (a double-submitted refund finds the first) */
  requestKey?: string;
}

type Answer = RefundOutcome | RefundQueryOutcome | { kind: 'unknown'; reason: string };

// ---- hot queries (the refund poller's timer, To check; explained in tests/db/query-plans.test.ts) ----

/** Unfinished refunds (the partial index refunds_due). */
export function unfinishedRefundsQuery(k: Kysely<Database>) {
  return k.selectFrom('refunds').select('id').where(inList('state', OPEN_REFUND_STATES));
}

/** Unfinished refunds due at `now`, most overdue first (the same partial index). */
export function dueRefundsQuery(k: Kysely<Database>, now: number) {
  return unfinishedRefundsQuery(k).where('next_poll_at', '<=', now).orderBy('next_poll_at');
}

/** The earliest future step of an unfinished refund, for the poller's wake-up timer (the same partial index). */
export function nextRefundPollQuery(k: Kysely<Database>, now: number) {
  return k
    .selectFrom('refunds')
    .select((eb) => eb.fn.min('next_poll_at').as('at'))
    .where(inList('state', OPEN_REFUND_STATES))
    .where('next_poll_at', '>', now);
}

/** Refund calls in flight at most (the refund poller's rounds took up to 100 due refunds at once). */
export const MAX_CONCURRENT_REFUNDS = 100;

export class Refunds {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly events: Events,
    private readonly providers: ProviderSource,
    private readonly audit: Audit,
    private readonly timing: RefundTiming = DEFAULT_REFUND_TIMING,
    private readonly log: (line: string) => void = () => undefined,
    /** refund request numbers unique per merchant account, also after a restore */
    private readonly identity: Pick<TillIdentity, 'refundNo'>,
  ) {
    this.truth = new PaymentTruth(store, clock);
    this.poller = new Poller(
      {
        due: (now, limit) => {
          const query = dueRefundsQuery(this.k, now);
          return this.store.all(limit === null ? query : query.limit(limit)).map((r) => r.id);
        },
        step: (id) => this.step(id),
        nextAt: (now) => this.store.first(nextRefundPollQuery(this.k, now))?.at ?? null,
      },
      { now: () => clock.now(), maxConcurrent: MAX_CONCURRENT_REFUNDS, log, name: 'refunds', item: 'refund' },
    );
  }

  /**
   * The background poller of unfinished refunds (core/payments/poller.ts): quiet while none is
   * unfinished (the idle till's main wake-up once the payment poller is quiet) until a refund is
   * requested or written here.
   */
  private readonly poller: Poller;

  /** writes the refund, its effects on the attempt, the order and the exception (the one writer) */
  private readonly truth: PaymentTruth;

  private get k() {
    return this.store.kysely;
  }

  private row(id: number): RefundRow {
    const r = this.store.first(this.k.selectFrom('refunds').selectAll().where('id', '=', id));
    if (!r) throw new PosError('NOT_FOUND', `There is no refund ${id}.`, { refundId: id });
    return r;
  }

  view(id: number): RefundView {
    const r = this.row(id);
    const order = this.store.first(this.k.selectFrom('orders').select('number').where('id', '=', r.order_id));
    return {
      id: r.id,
      orderId: r.order_id,
      orderNumber: order?.number ?? '',
      attemptId: r.attempt_id,
      refundNo: r.refund_no,
      method: r.method,
      amountFen: r.amount_fen,
      state: r.state,
      unknown: r.unknown === 1,
      reason: r.reason,
      requestedBy: r.requested_by,
      createdAt: r.created_at,
      finishedAt: r.finished_at,
      lastOutcome: readRefundOutcome(r.last_outcome),
      message: r.last_message,
    };
  }

  /** Unfinished refunds (requested or pending), oldest first. */
  unfinished(): RefundView[] {
    return (
      this.store
        .all(unfinishedRefundsQuery(this.k))
        // sorted here: an ORDER BY id makes SQLite walk every refund by rowid instead of the few open ones
        .sort((a, b) => a.id - b.id)
        .map((r) => this.view(r.id))
    );
  }

  /** Money refunded or being refunded (not failed) for an attempt. */
  committedFen(attemptId: number): number {
    const r = this.store.first(
      this.k
        .selectFrom('refunds')
        .select((eb) => eb.fn.sum<number>('amount_fen').as('fen'))
        .where('attempt_id', '=', attemptId)
        .where('state', '!=', 'failed'),
    );
    return Number(r?.fen ?? 0);
  }

  /**
   * Writes the refund intent; call inside the caller's transaction (with its audit row). Cash is
   * given from the drawer and succeeds at once; an intermediary refund is sent by `send`.
   */
  intent(req: RefundRequest, actor: Actor): number {
    const a = this.store.first(this.k.selectFrom('payment_attempts').selectAll().where('id', '=', req.attemptId));
    if (!a)
      throw new PosError('PAYMENT_NOT_FOUND', `There is no payment ${req.attemptId}.`, { attemptId: req.attemptId });
    const cap = req.tradeFen ?? a.amount_fen;
    const already = this.committedFen(a.id);
    if (req.amountFen <= 0 || req.amountFen + already > cap) {
      throw new PosError(
        'REFUND_TOO_LARGE',
        `Refunding ${req.amountFen} fen would exceed what remains refundable (${cap - already} fen).`,
        {
          attemptId: a.id,
          refundableFen: cap - already,
          amountFen: req.amountFen,
        },
      );
    }
    const n = this.store.first(
      this.k
        .selectFrom('refunds')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('attempt_id', '=', a.id),
    );
    const now = this.clock.now();
    const cash = a.method === 'cash';
    this.poller.wake();
    const id = this.truth.createRefund(
      {
        order_id: a.order_id,
        attempt_id: a.id,
        exception_id: req.exceptionId ?? null,
        refund_no: this.identity.refundNo(a.out_trade_no, Number(n?.n ?? 0) + 1),
        method: a.method,
        amount_fen: req.amountFen,
        trade_fen: cap,
        cash,
        reason: req.reason,
        lines: req.lines === undefined ? null : JSON.stringify(req.lines),
        restock: req.restock ? 1 : 0,
        requested_by: actor.approvedBy ? `${actor.name} (approved by ${actor.approvedBy})` : actor.name,
        next_poll_at: cash ? null : now,
        last_outcome: cash ? storeRefundOutcome({ kind: 'cash' }) : null,
        last_message: null,
        request_key: req.requestKey ?? null,
      },
      now,
    );
    const r = this.row(id);
    if (cash) this.settle(r, a, 'cash from the drawer');
    return id;
  }

  /** Sends (or re-sends) a refund now and waits for the answer. */
  async send(refundId: number): Promise<RefundView> {
    crashPoint('refund.intent-written'); // the caller committed the intent; nothing sent yet
    await this.step(refundId);
    return this.view(refundId);
  }

  /** One step for one refund: the refund call while requested, the refund query while pending. */
  async step(refundId: number): Promise<void> {
    if (!this.poller.claim(refundId)) return;
    try {
      const r = this.row(refundId);
      if (!OPEN_REFUND_STATES.includes(r.state)) return;
      const entry = this.providers.get(r.method as ProviderId);
      if (!entry) {
        this.store.tx(() =>
          this.update(r, {
            unknown: 1,
            next_poll_at: this.clock.now() + 60_000,
            last_message: `${r.method} is not configured; the refund cannot be sent`,
          }),
        );
        return;
      }
      const a = this.store.first(
        this.k.selectFrom('payment_attempts').selectAll().where('id', '=', r.attempt_id),
      ) as AttemptRow;
      const input: RefundInput = {
        outTradeNo: a.out_trade_no,
        amountFen: r.trade_fen,
        tradeNo: a.trade_no,
        createdAt: a.created_at,
        refundNo: r.refund_no,
        refundFen: r.amount_fen,
        reason: r.reason ?? 'refund',
      };
      const called: Called<Answer> = await this.safe<Answer>(() =>
        r.state === 'requested' ? entry.provider.refund(input) : entry.provider.refundQuery(input),
      );
      crashPoint('refund.answered');
      this.store.tx(() => this.apply(this.row(refundId), called));
    } finally {
      this.poller.release(refundId);
    }
    this.events.emit('refund.changed', this.view(refundId));
  }

  private async safe<T>(call: () => Promise<Called<T>>): Promise<Called<T | { kind: 'unknown'; reason: string }>> {
    try {
      return await call();
    } catch (err) {
      return { outcome: { kind: 'unknown', reason: (err as Error).message }, exchanges: [] };
    }
  }

  private update(r: RefundRow, set: RefundFacts): void {
    this.poller.wake();
    this.truth.updateRefund(r, set);
  }

  private apply(r: RefundRow, called: Called<Answer>): void {
    const now = this.clock.now();
    writeExchanges(this.store, now, r.order_id, r.attempt_id, called.exchanges);
    if (!OPEN_REFUND_STATES.includes(r.state)) return;
    const o = called.outcome;
    const polls = r.polls + 1;
    const moved = (to: RefundRow['state'], set: RefundFacts, detail: unknown): boolean => {
      this.poller.wake();
      return this.truth.applyRefund(r, to, { ...set, polls }, detail, now);
    };
    switch (o.kind) {
      case 'succeeded': {
        if (o.refundedFen !== r.amount_fen) {
          // the intermediary refunded a different amount: never recorded as this refund's success
          this.update(r, {
            polls,
            unknown: 1,
            next_poll_at: null,
            last_outcome: storeRefundOutcome({ kind: 'amount_mismatch' }),
            last_message: `refunded ${o.refundedFen} fen, asked ${r.amount_fen}`,
          });
          this.openException(r, 'amount_mismatch', {
            op: 'refund',
            refundNo: r.refund_no,
            askedFen: r.amount_fen,
            refundedFen: o.refundedFen,
          });
          return;
        }
        if (
          moved(
            'succeeded',
            {
              unknown: 0,
              finished_at: now,
              next_poll_at: null,
              last_outcome: storeRefundOutcome({ kind: 'succeeded' }),
              last_message: null,
            },
            { refundedFen: o.refundedFen },
          )
        ) {
          const a = this.store.first(
            this.k.selectFrom('payment_attempts').selectAll().where('id', '=', r.attempt_id),
          ) as AttemptRow;
          this.settle(this.row(r.id), a, 'refund succeeded');
        }
        return;
      }
      case 'accepted':
      case 'pending':
        if (r.state === 'requested')
          moved(
            'pending',
            {
              unknown: 0,
              next_poll_at: now + this.timing.queryMs,
              last_outcome: storeRefundOutcome({ kind: o.kind }),
              last_message: null,
            },
            { outcome: o.kind },
          );
        else
          this.update(r, {
            polls,
            unknown: 0,
            next_poll_at: now + this.timing.queryMs,
            last_outcome: storeRefundOutcome({ kind: o.kind }),
          });
        return;
      case 'declined':
      case 'failed':
        moved(
          'failed',
          {
            unknown: 0,
            finished_at: now,
            next_poll_at: null,
            last_outcome: storeRefundOutcome({ kind: o.kind, code: o.code }),
            last_message: o.message,
          },
          { code: o.code, message: o.message },
        );
        this.reopenException(this.row(r.id));
        return;
      case 'not_found':
        // the query knows no such refund: the refund call never arrived; send it again (same number)
        moved(
          'requested',
          {
            next_poll_at: now + this.timing.retryMs,
            last_outcome: storeRefundOutcome({ kind: 'not_found' }),
            last_message: 'the intermediary has no such refund; sending it again',
          },
          { outcome: 'not_found' },
        );
        return;
      case 'unknown':
        this.update(r, {
          polls,
          unknown: 1,
          next_poll_at: now + this.timing.retryMs,
          last_outcome: storeRefundOutcome({ kind: 'unknown' }),
          last_message: o.reason,
        });
        return;
      case 'untrusted':
        this.update(r, {
          polls,
          unknown: 1,
          next_poll_at: now + this.timing.retryMs,
          last_outcome: storeRefundOutcome({ kind: 'untrusted', reason: o.reason }),
          last_message: o.detail,
        });
        this.openException(r, 'untrusted_answer', {
          op: r.state === 'requested' ? 'refund' : 'refund_query',
          reason: o.reason,
          detail: o.detail,
        });
        return;
    }
  }

  /** A succeeded refund's effects, in its transaction: the attempt and order, or the exception it resolves. */
  private settle(r: RefundRow, a: AttemptRow, via: string): void {
    const now = this.clock.now();
    if (r.exception_id !== null) {
      this.truth.exceptionRefunded(r.exception_id, now);
      this.audit.record(SYSTEM_ACTOR, 'exception.refunded', `exception:${r.exception_id}`, {
        after: { refundNo: r.refund_no, amountFen: r.amount_fen, via },
      });
    }
    if (a.state === 'pending') {
      // a double payment parked for the owner: its money went back, so it ends closed
      this.truth.apply(
        a,
        'closed',
        { next_poll_at: null, unknown: 0, last_outcome: storeAttemptOutcome({ kind: 'refunded' }) },
        { refundNo: r.refund_no },
      );
    } else if (HOLDING_STATES.includes(a.state)) {
      const refunded = this.succeededFen(a.id);
      const event = refunded >= a.amount_fen ? 'refunded_all' : 'refunded_part';
      const to = transition(a.state, event);
      if (to && this.truth.apply(a, event, {}, { refundNo: r.refund_no, refundedFen: refunded })) {
        const order = this.store.first(
          this.k.selectFrom('orders').select(['status', 'number']).where('id', '=', a.order_id),
        );
        // split tender: the order is refunded when none of its parts holds money any more
        const stillHeld = this.store.first(
          this.k
            .selectFrom('payment_attempts')
            .select('id')
            .where('order_id', '=', a.order_id)
            .where('id', '!=', a.id)
            .where(inList('state', HOLDING_STATES)),
        );
        const orderTo = to === 'refunded' && !stillHeld ? 'refunded' : 'partially_refunded';
        if (order && REFUNDABLE_STATUSES.includes(order.status) && order.status !== orderTo) {
          this.truth.markOrderRefunded(a.order_id, order.status, orderTo, { refundNo: r.refund_no }, now);
          this.events.emit('order.changed', { orderId: a.order_id, number: order.number, status: orderTo });
        }
      }
    }
    writeJournal(this.store, now, {
      orderId: r.order_id,
      attemptId: r.attempt_id,
      kind: 'refund.succeeded',
      detail: { refundNo: r.refund_no, amountFen: r.amount_fen, via },
    });
  }

  private succeededFen(attemptId: number): number {
    const r = this.store.first(
      this.k
        .selectFrom('refunds')
        .select((eb) => eb.fn.sum<number>('amount_fen').as('fen'))
        .where('attempt_id', '=', attemptId)
        .where('state', '=', 'succeeded'),
    );
    return Number(r?.fen ?? 0);
  }

  /** A failed refund gives its exception back to the owner (the note stays, the resolution is cleared). */
  private reopenException(r: RefundRow): void {
    if (r.exception_id !== null) this.truth.reopenException(r.exception_id);
  }

  private openException(r: RefundRow, kind: string, detail: Record<string, unknown>): void {
    this.truth.openException({ id: r.attempt_id, order_id: r.order_id }, kind, detail);
  }

  // ---- polling -------------------------------------------------------------------------------

  /** Starts the background poller (also resumes every unfinished refund after a restart). */
  startPolling(intervalMs = 1_000): void {
    this.poller.start(intervalMs);
  }

  stopPolling(): void {
    this.poller.stop();
  }

  /** Every unfinished refund whose time has come. Tests call this directly. */
  runDue(): Promise<number> {
    return this.poller.runDue();
  }
}
