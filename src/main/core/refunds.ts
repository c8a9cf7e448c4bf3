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
import { PosError } from '../../shared/errors';
import type { ProviderId, RefundView } from '../../shared/types';
import type { Called, RefundInput, RefundOutcome, RefundQueryOutcome } from '../payments/provider';
import { transition } from '../../shared/payment-state-machine';
import { inList } from '../store/sql';
import type { Store } from '../store/db';
import type { Kysely } from 'kysely';
import type { AttemptRow, Database, RefundRow } from '../store/schema';
import type { Audit } from './audit';
import type { Actor } from './auth';
import { SYSTEM_ACTOR } from './auth';
import type { Clock } from './clock';
import { crashPoint } from './crash-points';
import type { Events } from './events';
import type { TillIdentity } from './till-identity';
import { writeExchanges, writeJournal } from './journal';
import type { ProviderSource } from './payments';

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

const OPEN_REFUND_STATES = ['requested', 'pending'] as const;

/** Unfinished refunds (the partial index refunds_due). */
export function unfinishedRefundsQuery(k: Kysely<Database>) {
  return k.selectFrom('refunds').select('id').where(inList('state', OPEN_REFUND_STATES));
}

/** Unfinished refunds due at `now`, most overdue first. */
export function dueRefundsQuery(k: Kysely<Database>, now: number) {
  return unfinishedRefundsQuery(k).where('next_poll_at', '<=', now).orderBy('next_poll_at').limit(100);
}

export class Refunds {
  private readonly inFlight = new Set<number>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

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
  ) {}

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
      lastOutcome: r.last_outcome,
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
    this.quiet = false;
    const id = this.store.run(
      this.k.insertInto('refunds').values({
        order_id: a.order_id,
        attempt_id: a.id,
        exception_id: req.exceptionId ?? null,
        refund_no: this.identity.refundNo(a.out_trade_no, Number(n?.n ?? 0) + 1),
        method: a.method,
        amount_fen: req.amountFen,
        trade_fen: cap,
        state: cash ? 'succeeded' : 'requested',
        reason: req.reason,
        lines: req.lines === undefined ? null : JSON.stringify(req.lines),
        restock: req.restock ? 1 : 0,
        requested_by: actor.approvedBy ? `${actor.name} (approved by ${actor.approvedBy})` : actor.name,
        created_at: now,
        updated_at: now,
        finished_at: cash ? now : null,
        next_poll_at: cash ? null : now,
        last_outcome: cash ? 'cash' : null,
        last_message: null,
        request_key: req.requestKey ?? null,
      }),
    ).lastInsertRowid;
    const r = this.row(id);
    writeJournal(this.store, now, {
      orderId: r.order_id,
      attemptId: r.attempt_id,
      kind: 'refund.requested',
      detail: { refundId: id, refundNo: r.refund_no, amountFen: r.amount_fen, reason: r.reason, by: r.requested_by },
    });
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
    if (this.inFlight.has(refundId)) return;
    this.inFlight.add(refundId);
    try {
      const r = this.row(refundId);
      if (r.state !== 'requested' && r.state !== 'pending') return;
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
      this.inFlight.delete(refundId);
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

  private update(r: RefundRow, set: Partial<RefundRow>): void {
    this.quiet = false;
    this.store.run(
      this.k
        .updateTable('refunds')
        .set({ ...set, updated_at: this.clock.now() })
        .where('id', '=', r.id),
    );
  }

  private apply(r: RefundRow, called: Called<Answer>): void {
    const now = this.clock.now();
    writeExchanges(this.store, now, r.order_id, r.attempt_id, called.exchanges);
    if (r.state !== 'requested' && r.state !== 'pending') return;
    const o = called.outcome;
    const polls = r.polls + 1;
    const moved = (to: RefundRow['state'], set: Partial<RefundRow>, detail: unknown): boolean => {
      const changed = this.store.run(
        this.k
          .updateTable('refunds')
          .set({ ...set, state: to, polls, updated_at: now })
          .where('id', '=', r.id)
          .where('state', '=', r.state),
      ).changes;
      if (changed === 1)
        writeJournal(this.store, now, {
          orderId: r.order_id,
          attemptId: r.attempt_id,
          kind: 'refund.transition',
          from: r.state,
          to,
          detail,
        });
      return changed === 1;
    };
    switch (o.kind) {
      case 'succeeded': {
        if (o.refundedFen !== r.amount_fen) {
          // the intermediary refunded a different amount: never recorded as this refund's success
          this.update(r, {
            polls,
            unknown: 1,
            next_poll_at: null,
            last_outcome: 'amount_mismatch',
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
            { unknown: 0, finished_at: now, next_poll_at: null, last_outcome: 'succeeded', last_message: null },
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
            { unknown: 0, next_poll_at: now + this.timing.queryMs, last_outcome: o.kind, last_message: null },
            { outcome: o.kind },
          );
        else this.update(r, { polls, unknown: 0, next_poll_at: now + this.timing.queryMs, last_outcome: o.kind });
        return;
      case 'declined':
      case 'failed':
        moved(
          'failed',
          {
            unknown: 0,
            finished_at: now,
            next_poll_at: null,
            last_outcome: `${o.kind}:${o.code}`,
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
            last_outcome: 'not_found',
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
          last_outcome: 'unknown',
          last_message: o.reason,
        });
        return;
      case 'untrusted':
        this.update(r, {
          polls,
          unknown: 1,
          next_poll_at: now + this.timing.retryMs,
          last_outcome: `untrusted:${o.reason}`,
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
      this.store.run(
        this.k
          .updateTable('payment_exceptions')
          .set({ resolved_at: now, resolution: 'refunded' })
          .where('id', '=', r.exception_id)
          .where('resolved_at', 'is', null),
      );
      this.audit.record(SYSTEM_ACTOR, 'exception.refunded', `exception:${r.exception_id}`, {
        after: { refundNo: r.refund_no, amountFen: r.amount_fen, via },
      });
    }
    if (a.state === 'pending') {
      // a double payment parked for the owner: its money went back, so it ends closed
      const to = transition(a.state, 'closed');
      if (
        to &&
        this.store.run(
          this.k
            .updateTable('payment_attempts')
            .set({ state: to, next_poll_at: null, unknown: 0, updated_at: now, last_outcome: 'refunded' })
            .where('id', '=', a.id)
            .where('state', '=', a.state),
        ).changes === 1
      ) {
        writeJournal(this.store, now, {
          orderId: a.order_id,
          attemptId: a.id,
          kind: 'transition',
          from: a.state,
          to,
          detail: { event: 'closed', refundNo: r.refund_no },
        });
      }
    } else if (a.state === 'paid' || a.state === 'partially_refunded') {
      const refunded = this.succeededFen(a.id);
      const event = refunded >= a.amount_fen ? 'refunded_all' : 'refunded_part';
      const to = transition(a.state, event);
      if (
        to &&
        this.store.run(
          this.k
            .updateTable('payment_attempts')
            .set({ state: to, updated_at: now })
            .where('id', '=', a.id)
            .where('state', '=', a.state),
        ).changes === 1
      ) {
        writeJournal(this.store, now, {
          orderId: a.order_id,
          attemptId: a.id,
          kind: 'transition',
          from: a.state,
          to,
          detail: { event, refundNo: r.refund_no, refundedFen: refunded },
        });
        const order = this.store.first(
          this.k.selectFrom('orders').select(['status', 'number']).where('id', '=', a.order_id),
        );
        const orderTo = to === 'refunded' ? 'refunded' : 'partially_refunded';
        if (order && (order.status === 'paid' || order.status === 'partially_refunded') && order.status !== orderTo) {
          this.store.run(
            this.k
              .updateTable('orders')
              .set({ status: orderTo })
              .where('id', '=', a.order_id)
              .where('status', '=', order.status),
          );
          writeJournal(this.store, now, {
            orderId: a.order_id,
            attemptId: null,
            kind: `order.${orderTo}`,
            from: order.status,
            to: orderTo,
            detail: { refundNo: r.refund_no },
          });
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
    if (r.exception_id === null) return;
    this.store.run(
      this.k
        .updateTable('payment_exceptions')
        .set({ resolution: null })
        .where('id', '=', r.exception_id)
        .where('resolved_at', 'is', null),
    );
  }

  private openException(r: RefundRow, kind: string, detail: Record<string, unknown>): void {
    const existing = this.store.first(
      this.k
        .selectFrom('payment_exceptions')
        .select('id')
        .where('attempt_id', '=', r.attempt_id)
        .where('kind', '=', kind)
        .where('resolved_at', 'is', null),
    );
    if (existing) return;
    const now = this.clock.now();
    this.store.run(
      this.k.insertInto('payment_exceptions').values({
        order_id: r.order_id,
        attempt_id: r.attempt_id,
        kind,
        detail: JSON.stringify(detail),
        opened_at: now,
        resolved_at: null,
        resolution: null,
        note: null,
      }),
    );
    writeJournal(this.store, now, { orderId: r.order_id, attemptId: r.attempt_id, kind: `exception.${kind}`, detail });
  }

  // ---- polling -------------------------------------------------------------------------------

  /**
   * No unfinished refund: the tick skips its query (the idle till's main wake-up once the payment
   * poller is quiet) until a refund is requested here — a finished refund never becomes unfinished.
   */
  private quiet = false;

  startPolling(intervalMs = 1_000): void {
    if (this.timer) return;
    this.quiet = false;
    this.timer = setInterval(() => {
      if (!this.quiet) this.kick();
    }, intervalMs);
    this.timer.unref?.();
    this.kick();
  }

  stopPolling(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private kick(): void {
    if (this.running || !this.timer) return;
    this.running = this.runDue()
      .then(() => {
        if (this.inFlight.size === 0 && !this.store.first(unfinishedRefundsQuery(this.k).limit(1))) this.quiet = true;
      })
      .catch((err: unknown) => this.log(`refunds: ${(err as Error).stack ?? String(err)}`))
      .finally(() => {
        this.running = null;
      });
  }

  /** Every unfinished refund whose time has come. Tests call this directly. */
  async runDue(): Promise<number> {
    const due = this.store.all(dueRefundsQuery(this.k, this.clock.now()));
    const work = due.filter((d) => !this.inFlight.has(d.id)).map((d) => this.step(d.id));
    await Promise.all(work);
    return work.length;
  }
}
