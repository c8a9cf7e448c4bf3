/**
 * What needs a person: payments whose outcome is unknown or overdue, the exceptions the payment core
 * opened (money after the local close, a double payment, an amount that does not match, an answer
 * that failed its signature check …) and refunds still under way.
 *
 * Every decision here is the owner's (enforced by the caller through `Auth.authorize`), carries a
 * note, and is written to the audit log in the same transaction as its effect:
 * - **refund** late money through the intermediary (an idempotent refund, followed to its end);
 * - **accept** it onto the order (the attempt becomes paid by the one audited event that may leave a
 *   final unpaid state; a cash payment taken meanwhile is given back from the drawer);
 * - **dismiss** an exception that moves no money (acknowledged, e.g. a cancel that refunded by itself);
 * - **override** an open payment: it keeps being polled and closed, but the order may be charged
 *   another way (a late payment on it then becomes a double-payment exception, never a second sale).
 */
import { PosError } from '../../../shared/errors';
import type {
  AttentionAttempt,
  AttentionReason,
  AttentionView,
  AttemptView,
  ExceptionKind,
  ExceptionResolution,
  ExceptionView,
} from '../../../shared/types';
import { transition } from '../../../shared/payment-state-machine';
import { tenderProgress } from '../payments/tender';
import { HOLDING_STATES, OPEN_STATES, isFinalUnpaid, isOpen } from '../../../shared/payment-states';
import { inList } from '../../store/sql';
import type { Kysely } from 'kysely';
import type { Store } from '../../store/db';
import type { AttemptRow, Database, PaymentExceptionsTable } from '../../store/schema';
import { storeAttemptOutcome } from '../../store/outcomes';
import type { Selectable } from 'kysely';
import type { Audit } from '../people/audit';
import type { Actor } from '../people/auth';
import type { Clock } from '../clock';
import type { Events } from '../events';
import { PaymentTruth, type AttemptFacts } from '../payments/truth';
import type { Payments } from '../payments/attempts';
import type { Refunds } from '../refunds/refunds';

type ExceptionRow = Selectable<PaymentExceptionsTable>;

const WEEK_MS = 7 * 24 * 3_600_000;

// ---- hot queries (To check and its badge, on every refresh; explained in tests/db/query-plans.test.ts) ----

/** Open intermediary payments, oldest first (the partial index payment_attempts_open). */
export function openAttemptsQuery(k: Kysely<Database>) {
  return k
    .selectFrom('payment_attempts')
    .selectAll()
    .where(inList('state', OPEN_STATES))
    .where('method', '!=', 'cash')
    .orderBy('created_at');
}

/** Exceptions not yet resolved (payment_exceptions_open). */
export function openExceptionsQuery(k: Kysely<Database>) {
  return k.selectFrom('payment_exceptions').select('id').where('resolved_at', 'is', null).orderBy('id');
}

/** Decisions of the last 7 days, newest first. */
export function recentlyResolvedQuery(k: Kysely<Database>, now: number) {
  return k
    .selectFrom('payment_exceptions')
    .select('id')
    .where('resolved_at', '>=', now - WEEK_MS)
    .orderBy('resolved_at', 'desc')
    .limit(50);
}

export class Exceptions {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly events: Events,
    private readonly payments: Payments,
    private readonly refunds: Refunds,
    private readonly audit: Audit,
    private readonly orphanAfterMs: number,
  ) {
    this.truth = new PaymentTruth(store, clock, audit);
  }

  /** writes every decision's effect: the attempt, the order, the exception, an override */
  private readonly truth: PaymentTruth;

  private get k() {
    return this.store.kysely;
  }

  private row(id: number): ExceptionRow {
    const r = this.store.first(this.k.selectFrom('payment_exceptions').selectAll().where('id', '=', id));
    if (!r) throw new PosError('NOT_FOUND', `There is no payment exception ${id}.`, { exceptionId: id });
    return r;
  }

  private attempt(id: number | null): AttemptRow | undefined {
    return id === null
      ? undefined
      : this.store.first(this.k.selectFrom('payment_attempts').selectAll().where('id', '=', id));
  }

  /** The order's successful payment other than `attemptId`, if any. */
  private otherSuccess(orderId: number, attemptId: number): AttemptRow | undefined {
    return this.store.first(
      this.k
        .selectFrom('payment_attempts')
        .selectAll()
        .where('order_id', '=', orderId)
        .where('id', '!=', attemptId)
        .where(inList('state', HOLDING_STATES)),
    );
  }

  /** Money the intermediary holds for the exception's attempt, as the exception tells it. */
  private heldFen(e: ExceptionRow, a: AttemptRow | undefined): number | null {
    const d = e.detail ? (JSON.parse(e.detail) as Record<string, unknown>) : {};
    if (typeof d.reportedFen === 'number') return d.reportedFen;
    if (typeof d.amountFen === 'number') return d.amountFen;
    return a?.amount_fen ?? null;
  }

  /** What the owner may choose for this exception now. */
  private allowed(e: ExceptionRow, a: AttemptRow | undefined): ExceptionResolution[] {
    if (e.resolved_at !== null || e.resolution !== null || !a || a.method === 'cash')
      return e.resolved_at === null && e.resolution === null ? ['dismiss'] : [];
    const order = this.store.first(
      this.k.selectFrom('orders').select(['status', 'total_fen']).where('id', '=', e.order_id),
    );
    const kind = e.kind as ExceptionKind;
    switch (kind) {
      case 'paid_after_close': {
        // late money may pay an open order for what it still owes (split tender: the rest), or a
        // cancelled one in full; never beside money already holding the order's total
        const progress = order ? tenderProgress(this.store, e.order_id, order.total_fen) : null;
        const acceptable =
          isFinalUnpaid(a.state) &&
          progress !== null &&
          (order?.status === 'open'
            ? progress.parts.every((p) => p.state === 'paid') && a.amount_fen <= progress.owedFen
            : order?.status === 'cancelled' &&
              !this.otherSuccess(e.order_id, a.id) &&
              a.amount_fen === order.total_fen);
        return acceptable ? ['refund', 'accept'] : ['refund'];
      }
      case 'double_payment': {
        // keeping it gives the cash back: only where the cash alone paid the whole order (not a split)
        const other = this.otherSuccess(e.order_id, a.id);
        return a.state === 'pending' &&
          other?.method === 'cash' &&
          other.state === 'paid' &&
          other.amount_fen === order?.total_fen &&
          a.amount_fen === other.amount_fen
          ? ['refund', 'accept']
          : ['refund'];
      }
      case 'paid_order_not_open':
        return order?.status === 'cancelled' ? ['refund', 'accept'] : ['refund', 'dismiss'];
      case 'amount_mismatch':
        return ['refund', 'dismiss'];
      default:
        return ['dismiss'];
    }
  }

  view(id: number): ExceptionView {
    const e = this.row(id);
    const a = this.attempt(e.attempt_id);
    const order = this.store.first(
      this.k.selectFrom('orders').select(['number', 'status']).where('id', '=', e.order_id),
    );
    const refund = this.store.first(
      this.k.selectFrom('refunds').select('id').where('exception_id', '=', e.id).orderBy('id', 'desc'),
    );
    return {
      id: e.id,
      orderId: e.order_id,
      orderNumber: order?.number ?? '',
      orderStatus: order?.status ?? 'open',
      attemptId: e.attempt_id,
      provider: a?.method ?? null,
      outTradeNo: a?.out_trade_no ?? null,
      kind: e.kind as ExceptionKind,
      detail: e.detail ? (JSON.parse(e.detail) as Record<string, unknown>) : {},
      amountFen: this.heldFen(e, a),
      openedAt: e.opened_at,
      resolvedAt: e.resolved_at,
      resolution: e.resolution as ExceptionView['resolution'],
      note: e.note,
      resolutions: this.allowed(e, a),
      refund: refund ? this.refunds.view(refund.id) : null,
    };
  }

  /** The "payments to check" screen. */
  attention(): AttentionView {
    const now = this.clock.now();
    const open = this.store.all(openAttemptsQuery(this.k));
    const attempts: AttentionAttempt[] = [];
    for (const a of open) {
      const reasons: AttentionReason[] = [];
      if (a.unknown === 1) reasons.push('unknown');
      if (a.deadline_at !== null && now > a.deadline_at) reasons.push('overdue');
      if (a.closing_since !== null) reasons.push('closing');
      if (a.state === 'created' && now - a.created_at > this.orphanAfterMs) reasons.push('unanswered');
      if (a.overridden_at !== null) reasons.push('overridden');
      if (a.state === 'pending' && a.next_poll_at === null) reasons.push('parked');
      if (reasons.length === 0) continue;
      attempts.push({
        ...this.payments.view(a.id),
        reasons,
        polls: a.polls,
        nextPollAt: a.next_poll_at,
        overriddenAt: a.overridden_at,
      });
    }
    const openExc = this.store.all(openExceptionsQuery(this.k));
    const resolved = this.store.all(recentlyResolvedQuery(this.k, now));
    return {
      attempts,
      exceptions: openExc.map((e) => this.view(e.id)),
      refunds: this.refunds.unfinished(),
      resolved: resolved.map((e) => this.view(e.id)),
    };
  }

  /** The owner lets an order be paid another way while its payment is still open (audited). */
  override(attemptId: number, note: string, actor: Actor): AttemptView {
    this.store.tx(() => {
      const a = this.attempt(attemptId);
      if (!a || a.method === 'cash')
        throw new PosError('PAYMENT_NOT_FOUND', `There is no intermediary payment ${attemptId}.`, { attemptId });
      if (!isOpen(a.state)) {
        throw new PosError(
          'RESOLUTION_NOT_ALLOWED',
          `Payment ${a.out_trade_no} is ${a.state}; only an open payment can be overridden.`,
          { attemptId, state: a.state },
        );
      }
      this.truth.override(a, actor, note, 'owner');
    });
    this.payments.kick();
    const v = this.payments.view(attemptId);
    this.events.emit('payment.changed', v);
    return v;
  }

  async resolve(
    exceptionId: number,
    resolution: ExceptionResolution,
    note: string,
    actor: Actor,
  ): Promise<ExceptionView> {
    let refundId: number | null = null;
    this.store.tx(() => {
      const e = this.row(exceptionId);
      const a = this.attempt(e.attempt_id);
      if (e.resolved_at !== null || e.resolution !== null) {
        throw new PosError('EXCEPTION_RESOLVED', `Exception ${e.id} is already ${e.resolution ?? 'resolved'}.`, {
          exceptionId: e.id,
          resolution: e.resolution,
        });
      }
      const allowed = this.allowed(e, a);
      if (!allowed.includes(resolution)) {
        throw new PosError(
          'RESOLUTION_NOT_ALLOWED',
          `A ${e.kind} exception cannot be resolved by "${resolution}" now; allowed: ${allowed.join(', ') || 'none'}.`,
          {
            exceptionId: e.id,
            kind: e.kind,
            allowed: allowed.join(','),
          },
        );
      }
      const now = this.clock.now();
      const before = { resolution: e.resolution, attemptState: a?.state ?? null };
      if (resolution === 'refund') {
        const held = this.heldFen(e, a) ?? 0;
        if (!this.truth.claimException(e.id, note))
          throw new PosError('EXCEPTION_RESOLVED', `Exception ${e.id} is being resolved already.`, {
            exceptionId: e.id,
          });
        refundId = this.refunds.intent(
          {
            attemptId: (a as AttemptRow).id,
            amountFen: held,
            tradeFen: held,
            reason: `exception ${e.id}: ${e.kind}`,
            exceptionId: e.id,
          },
          actor,
        );
        this.audit.record(actor, 'exception.refund', `exception:${e.id}`, {
          before,
          after: { resolution: 'refunding', refundId, amountFen: held },
          note,
        });
        return;
      }
      if (resolution === 'accept') this.accept(e, a as AttemptRow, actor, now);
      this.truth.resolveException(
        e,
        resolution === 'accept' ? 'accepted' : 'dismissed',
        note,
        { exceptionId: e.id, by: actor.name, approvedBy: actor.approvedBy, note },
        now,
      );
      this.audit.record(actor, `exception.${resolution}`, `exception:${e.id}`, {
        before,
        after: {
          resolution: resolution === 'accept' ? 'accepted' : 'dismissed',
          attemptState: this.attempt(e.attempt_id)?.state ?? null,
        },
        note,
      });
    });
    if (refundId !== null) await this.refunds.send(refundId);
    const v = this.view(exceptionId);
    if (v.attemptId !== null) this.events.emit('payment.changed', this.payments.view(v.attemptId));
    return v;
  }

  /** Keeps the intermediary's money on the order. */
  private accept(e: ExceptionRow, a: AttemptRow, actor: Actor, now: number): void {
    const detail = e.detail ? (JSON.parse(e.detail) as Record<string, unknown>) : {};
    const tradeNo = typeof detail.tradeNo === 'string' ? detail.tradeNo : a.trade_no;
    if (e.kind === 'double_payment') {
      // the cash taken meanwhile goes back to the customer from the drawer
      const cash = this.otherSuccess(e.order_id, a.id) as AttemptRow;
      this.refunds.intent(
        {
          attemptId: cash.id,
          amountFen: cash.amount_fen,
          reason: `exception ${e.id}: ${a.method} payment kept, cash given back`,
        },
        actor,
      );
      this.move(
        a,
        'paid',
        'paid',
        {
          trade_no: tradeNo,
          paid_at: now,
          next_poll_at: null,
          unknown: 0,
          last_outcome: storeAttemptOutcome({ kind: 'paid' }),
          last_message: 'accepted by the owner',
        },
        now,
        e.id,
      );
    } else if (e.kind === 'paid_after_close') {
      this.move(
        a,
        'late_accepted',
        'paid',
        {
          trade_no: tradeNo,
          paid_at: now,
          unknown: 0,
          last_outcome: storeAttemptOutcome({ kind: 'paid' }),
          last_message: 'late payment accepted by the owner',
        },
        now,
        e.id,
      );
    }
    const order = this.store.first(
      this.k.selectFrom('orders').select(['status', 'number']).where('id', '=', e.order_id),
    );
    const paidDetail = { method: a.method, acceptedBy: actor.name, exceptionId: e.id };
    // an open order is paid when its parts now cover it (split tender: a late part may be the rest)
    const paid =
      order?.status === 'open'
        ? this.truth.coverOrder(e.order_id, now, paidDetail, now)
        : order !== undefined &&
          order.status !== 'paid' &&
          this.truth.markOrderPaid(e.order_id, order.status, now, paidDetail, now);
    if (paid && order) this.events.emit('order.changed', { orderId: e.order_id, number: order.number, status: 'paid' });
  }

  private move(
    a: AttemptRow,
    event: 'paid' | 'late_accepted',
    expect: 'paid',
    set: AttemptFacts,
    now: number,
    exceptionId: number,
  ): void {
    if (transition(a.state, event) !== expect)
      throw new PosError('RESOLUTION_NOT_ALLOWED', `Payment ${a.out_trade_no} is ${a.state} and cannot be accepted.`, {
        attemptId: a.id,
      });
    if (!this.truth.apply(a, event, set, { exceptionId }))
      throw new PosError('RESOLUTION_NOT_ALLOWED', `Payment ${a.out_trade_no} changed meanwhile; look again.`, {
        attemptId: a.id,
      });
  }
}
