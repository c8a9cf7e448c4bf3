/**
 * The one writer of payment truth. Every write to a payment attempt, a refund, a payment exception,
 * and an order's paid or refunded status is made here, so that one file answers "where is a
 * payment's state written":
 * - an attempt's state changes only by the pure state machine (`transition`, src/main/intermediaries/state.ts),
 *   applied as a conditional update (`… where id = ? and state = <the state read>`) with its
 *   `transition` journal row; an attempt is inserted in `created` (an intermediary's) or born through
 *   the machine (cash: `created`, then `paid` at once, in one insert journaled created → paid);
 * - an order becomes paid, partially refunded or refunded here, with its journal row;
 * - a payment exception is opened here (once per attempt and kind while open) and resolved here;
 * - an owner's override of an open attempt is recorded here (journal and audit);
 * - a refund's state changes only by the moves of `REFUND_MOVES`, the same way.
 *
 * Nothing here opens a transaction, waits, emits an event or picks a durability: the caller (payments,
 * refunds, exceptions, orders) holds the transaction and decides, so the transactions, `synchronous`
 * levels, crash points and events are where they were. `tests/unit/truth-writers.test.ts` fails when
 * any other module of src/main writes these tables or an order's payment status.
 *
 * Why one file of nearly 500 lines rather than several: "where is a payment's state written" has one
 * answer, and the test checks that answer by this file's name. What is no write — the refund's
 * moves, the facts a write may carry — is in truth-rules.ts, which only this file uses.
 */
import { PosError } from '../../../shared/errors';
import type { OrderStatus, RefundState } from '../../../shared/types';
import { transition, type AttemptEvent } from '../../../shared/payment-state-machine';
import { prepared, type Store } from '../../store/db';
import type { AttemptRow, RefundRow } from '../../store/schema';
import type { Audit } from '../people/audit';
import type { Actor } from '../people/auth';
import type { Clock } from '../clock';
import { writeJournal } from '../journal';
import { tenderProgress } from './tender';
import { born, refundMove, type AttemptFacts, type AttemptRef, type RefundFacts } from './truth-rules';

export type { AttemptFacts, RefundFacts } from './truth-rules';

// The writes of every cash sale, built and compiled once (store/db.ts `prepared`).
const NEW_CASH_ATTEMPT = prepared(
  (
    k,
    a: {
      orderId: number;
      outTradeNo: string;
      amountFen: number;
      state: AttemptRow['state'];
      tenderedFen: number;
      changeFen: number;
      now: number;
    },
  ) =>
    k.insertInto('payment_attempts').values({
      order_id: a.orderId,
      method: 'cash',
      mode: 'cash',
      out_trade_no: a.outTradeNo,
      amount_fen: a.amountFen,
      state: a.state,
      unknown: 0,
      tendered_fen: a.tenderedFen,
      change_fen: a.changeFen,
      created_at: a.now,
      updated_at: a.now,
      paid_at: a.now,
    }),
);
const ORDER_PAID = prepared((k, orderId: number, from: OrderStatus, paidAt: number) =>
  k.updateTable('orders').set({ status: 'paid', paid_at: paidAt }).where('id', '=', orderId).where('status', '=', from),
);
const ORDER_TOTAL = prepared((k, orderId: number) =>
  k.selectFrom('orders').select(['status', 'total_fen']).where('id', '=', orderId),
);
const NEW_EXCEPTION = prepared(
  (k, e: { orderId: number; attemptId: number; kind: string; detail: string; openedAt: number }) =>
    k.insertInto('payment_exceptions').values({
      order_id: e.orderId,
      attempt_id: e.attemptId,
      kind: e.kind,
      detail: e.detail,
      opened_at: e.openedAt,
      resolved_at: null,
      resolution: null,
      note: null,
    }),
);

export class PaymentTruth {
  constructor(
    private readonly store: Store,
    private readonly clock: Pick<Clock, 'now'>,
    /** the owner's overrides are audited in the transaction that records them */
    private readonly audit?: Audit,
  ) {}

  private get k() {
    return this.store.kysely;
  }

  // ---- attempts -------------------------------------------------------------------------------

  /** Inserts an intermediary attempt in `created`, journaled; returns its id. */
  createAttempt(
    a: Pick<
      AttemptRow,
      'order_id' | 'method' | 'mode' | 'out_trade_no' | 'amount_fen' | 'deadline_at' | 'next_poll_at'
    >,
    detail: Record<string, unknown>,
  ): number {
    const now = this.clock.now();
    const id = this.store.run(
      this.k.insertInto('payment_attempts').values({
        order_id: a.order_id,
        method: a.method,
        mode: a.mode,
        out_trade_no: a.out_trade_no,
        amount_fen: a.amount_fen,
        state: 'created',
        unknown: 0,
        tendered_fen: null,
        change_fen: null,
        created_at: now,
        updated_at: now,
        paid_at: null,
        deadline_at: a.deadline_at,
        next_poll_at: a.next_poll_at,
        instrument: null,
      }),
    ).lastInsertRowid;
    writeJournal(this.store, now, {
      orderId: a.order_id,
      attemptId: id,
      kind: 'attempt.created',
      from: null,
      to: 'created',
      detail,
    });
    return id;
  }

  /**
   * Applies a state-machine event as a conditional update with its journal row; false when the
   * machine refuses it or the attempt moved meanwhile. An attempt that leaves `pending` is no
   * longer scheduled (unless `set` says when).
   */
  apply(
    a: Pick<AttemptRow, 'id' | 'order_id' | 'state'>,
    event: AttemptEvent,
    set: AttemptFacts = {},
    detail?: unknown,
  ): boolean {
    const to = transition(a.state, event);
    if (!to) return false;
    const now = this.clock.now();
    const changed = this.store.run(
      this.k
        .updateTable('payment_attempts')
        .set({
          ...set,
          state: to,
          updated_at: now,
          ...(to === 'pending' ? {} : { next_poll_at: set.next_poll_at ?? null }),
        })
        .where('id', '=', a.id)
        .where('state', '=', a.state),
    ).changes;
    if (changed !== 1) return false;
    writeJournal(this.store, now, {
      orderId: a.order_id,
      attemptId: a.id,
      kind: 'transition',
      from: a.state,
      to,
      detail: { event, ...(detail as object | undefined) },
    });
    return true;
  }

  /** Writes what an attempt's state does not decide: its schedule, flags and last answer. */
  update(a: Pick<AttemptRow, 'id'>, set: AttemptFacts): void {
    this.store.run(
      this.k
        .updateTable('payment_attempts')
        .set({ ...set, updated_at: this.clock.now() })
        .where('id', '=', a.id),
    );
  }

  /**
   * Cash for an open order, in the caller's transaction: the cash part (born paid through the
   * machine; all the order owes, or a part of it — split tender), an open payment the owner overrode
   * marked so, and the order paid when its parts now cover it, with the journal rows in the order
   * the timeline tells them. Returns the cash attempt's id.
   */
  payCash(
    order: { id: number; number: string },
    cash: { outTradeNo: string; amountFen: number; tenderedFen: number; changeFen: number },
    override: { open: AttemptRow; by: Actor } | null,
  ): number {
    const now = this.clock.now();
    const attemptId = this.store.run(
      NEW_CASH_ATTEMPT({
        orderId: order.id,
        outTradeNo: cash.outTradeNo,
        amountFen: cash.amountFen,
        state: born(transition('created', 'paid')),
        tenderedFen: cash.tenderedFen,
        changeFen: cash.changeFen,
        now,
      }),
    ).lastInsertRowid;
    if (override) {
      const { open, by } = override;
      this.override(open, by, `cash taken while the ${open.method} payment was still open`, 'cash', now);
      writeJournal(this.store, now, {
        orderId: order.id,
        attemptId: open.id,
        kind: 'cash.override',
        detail: {
          by: by.name,
          approvedBy: by.approvedBy,
          reason: `cash taken while the ${open.method} payment was still open; a late ${open.method} payment becomes an exception`,
        },
      });
    }
    writeJournal(this.store, now, {
      orderId: order.id,
      attemptId,
      kind: 'cash.tendered',
      from: 'created',
      to: 'paid',
      detail: { tenderedFen: cash.tenderedFen, changeFen: cash.changeFen, amountFen: cash.amountFen },
    });
    this.coverOrder(order.id, now, { method: 'cash' }, now);
    return attemptId;
  }

  /**
   * Split tender: the order becomes paid (journaled) when its paid parts cover its total and it is
   * still open; false while it owes something, or when it is not open.
   */
  coverOrder(orderId: number, paidAt: number, detail: Record<string, unknown>, now = this.clock.now()): boolean {
    const order = this.store.first(ORDER_TOTAL(orderId));
    if (order?.status !== 'open' || tenderProgress(this.store, orderId, order.total_fen).owedFen > 0) return false;
    return this.markOrderPaid(orderId, 'open', paidAt, detail, now);
  }

  /**
   * The owner lets the order be paid another way while this attempt is open: it is marked
   * overridden (and closing, if it was not), leaves the one-open-attempt index, and keeps being
   * polled and closed; journaled and audited.
   */
  override(a: AttemptRow, actor: Actor, note: string, via: string, now = this.clock.now()): void {
    if (a.overridden_at !== null) return;
    if (!this.audit) throw new PosError('INTERNAL', 'No audit log to record the override.');
    this.store.run(
      this.k
        .updateTable('payment_attempts')
        .set({
          overridden_at: now,
          closing_since: a.closing_since ?? now,
          closing_reason: a.closing_reason ?? 'stopped',
          next_poll_at: a.next_poll_at === null ? null : Math.min(a.next_poll_at, now),
          updated_at: now,
        })
        .where('id', '=', a.id),
    );
    writeJournal(this.store, now, {
      orderId: a.order_id,
      attemptId: a.id,
      kind: 'attempt.override',
      detail: {
        by: actor.name,
        approvedBy: actor.approvedBy,
        via,
        note,
        reason: `the order may be paid another way; a late ${a.method} payment becomes an exception`,
      },
    });
    this.audit.record(actor, 'payment.override', `attempt:${a.id}`, {
      before: { state: a.state, unknown: a.unknown === 1, closing: a.closing_since !== null },
      after: { overridden: true, via },
      note,
    });
  }

  // ---- orders ---------------------------------------------------------------------------------

  /** The order becomes paid if it is still `from`, journaled; false when it is not. */
  markOrderPaid(
    orderId: number,
    from: OrderStatus,
    paidAt: number,
    detail: Record<string, unknown>,
    now = this.clock.now(),
  ): boolean {
    if (this.store.run(ORDER_PAID(orderId, from, paidAt)).changes !== 1) return false;
    writeJournal(this.store, now, { orderId, attemptId: null, kind: 'order.paid', from, to: 'paid', detail });
    return true;
  }

  /** A paid order becomes partially refunded or refunded, journaled. */
  markOrderRefunded(
    orderId: number,
    from: OrderStatus,
    to: 'partially_refunded' | 'refunded',
    detail: Record<string, unknown>,
    now = this.clock.now(),
  ): void {
    this.store.run(
      this.k.updateTable('orders').set({ status: to }).where('id', '=', orderId).where('status', '=', from),
    );
    writeJournal(this.store, now, { orderId, attemptId: null, kind: `order.${to}`, from, to, detail });
  }

  // ---- exceptions -----------------------------------------------------------------------------

  /** Opens a payment exception for the attempt, unless one of this kind is open already; journaled. */
  openException(a: AttemptRef, kind: string, detail: Record<string, unknown>): void {
    const existing = this.store.first(
      this.k
        .selectFrom('payment_exceptions')
        .select('id')
        .where('attempt_id', '=', a.id)
        .where('kind', '=', kind)
        .where('resolved_at', 'is', null),
    );
    if (existing) return;
    const now = this.clock.now();
    this.store.run(
      NEW_EXCEPTION({ orderId: a.order_id, attemptId: a.id, kind, detail: JSON.stringify(detail), openedAt: now }),
    );
    writeJournal(this.store, now, { orderId: a.order_id, attemptId: a.id, kind: `exception.${kind}`, detail });
  }

  /**
   * Opens one exception of `kind` for each of many attempts the caller found without one (the
   * reconciliation's late money: once per attempt, ever, checked in a few batched reads), journaled.
   */
  openExceptions(
    kind: string,
    rows: readonly { orderId: number; attemptId: number; detail: Record<string, unknown> }[],
    now: number,
  ): void {
    for (const r of rows) {
      const detail = JSON.stringify(r.detail);
      this.store.run(NEW_EXCEPTION({ orderId: r.orderId, attemptId: r.attemptId, kind, detail, openedAt: now }));
      writeJournal(this.store, now, {
        orderId: r.orderId,
        attemptId: r.attemptId,
        kind: `exception.${kind}`,
        detail: r.detail,
      });
    }
  }

  /** The owner chose a refund: the exception waits for it (`refunding`); false when it was taken meanwhile. */
  claimException(exceptionId: number, note: string): boolean {
    return (
      this.store.run(
        this.k
          .updateTable('payment_exceptions')
          .set({ resolution: 'refunding', note })
          .where('id', '=', exceptionId)
          .where('resolved_at', 'is', null)
          .where('resolution', 'is', null),
      ).changes === 1
    );
  }

  /** The owner's decision closes the exception (accepted onto the order, or dismissed), journaled. */
  resolveException(
    e: { id: number; order_id: number; attempt_id: number | null },
    resolution: 'accepted' | 'dismissed',
    note: string,
    detail: Record<string, unknown>,
    now = this.clock.now(),
  ): void {
    this.store.run(
      this.k
        .updateTable('payment_exceptions')
        .set({ resolved_at: now, resolution, note })
        .where('id', '=', e.id)
        .where('resolved_at', 'is', null),
    );
    writeJournal(this.store, now, {
      orderId: e.order_id,
      attemptId: e.attempt_id,
      kind: `exception.${resolution}`,
      detail,
    });
  }

  /** The refund the owner chose succeeded: the exception is resolved by it. */
  exceptionRefunded(exceptionId: number, now = this.clock.now()): void {
    this.store.run(
      this.k
        .updateTable('payment_exceptions')
        .set({ resolved_at: now, resolution: 'refunded' })
        .where('id', '=', exceptionId)
        .where('resolved_at', 'is', null),
    );
  }

  /** The refund the owner chose failed: the exception is the owner's again (the note stays). */
  reopenException(exceptionId: number): void {
    this.store.run(
      this.k
        .updateTable('payment_exceptions')
        .set({ resolution: null })
        .where('id', '=', exceptionId)
        .where('resolved_at', 'is', null),
    );
  }

  // ---- refunds --------------------------------------------------------------------------------

  /**
   * Inserts a refund: requested (an intermediary's, sent next), or cash born requested → succeeded
   * at once; journaled as requested. Returns its id.
   */
  createRefund(
    r: Omit<RefundRow, 'id' | 'state' | 'unknown' | 'polls' | 'created_at' | 'updated_at' | 'finished_at'> & {
      cash: boolean;
    },
    now = this.clock.now(),
  ): number {
    const state = r.cash ? born(refundMove('requested', 'succeeded')) : 'requested';
    const id = this.store.run(
      this.k.insertInto('refunds').values({
        order_id: r.order_id,
        attempt_id: r.attempt_id,
        exception_id: r.exception_id,
        refund_no: r.refund_no,
        method: r.method,
        amount_fen: r.amount_fen,
        trade_fen: r.trade_fen,
        state,
        reason: r.reason,
        lines: r.lines,
        restock: r.restock,
        requested_by: r.requested_by,
        created_at: now,
        updated_at: now,
        finished_at: r.cash ? now : null,
        next_poll_at: r.next_poll_at,
        last_outcome: r.last_outcome,
        last_message: r.last_message,
        request_key: r.request_key,
      }),
    ).lastInsertRowid;
    writeJournal(this.store, now, {
      orderId: r.order_id,
      attemptId: r.attempt_id,
      kind: 'refund.requested',
      detail: { refundId: id, refundNo: r.refund_no, amountFen: r.amount_fen, reason: r.reason, by: r.requested_by },
    });
    return id;
  }

  /** Moves a refund to `to` as a conditional update with its journal row; false when not allowed or moved meanwhile. */
  applyRefund(
    r: Pick<RefundRow, 'id' | 'order_id' | 'attempt_id' | 'state'>,
    to: RefundState,
    set: RefundFacts,
    detail: unknown,
    now = this.clock.now(),
  ): boolean {
    if (refundMove(r.state, to) === null) return false;
    const changed = this.store.run(
      this.k
        .updateTable('refunds')
        .set({ ...set, state: to, updated_at: now })
        .where('id', '=', r.id)
        .where('state', '=', r.state),
    ).changes;
    if (changed !== 1) return false;
    writeJournal(this.store, now, {
      orderId: r.order_id,
      attemptId: r.attempt_id,
      kind: 'refund.transition',
      from: r.state,
      to,
      detail,
    });
    return true;
  }

  /** Writes what a refund's state does not decide: its schedule, flags and last answer. */
  updateRefund(r: Pick<RefundRow, 'id'>, set: RefundFacts): void {
    this.store.run(
      this.k
        .updateTable('refunds')
        .set({ ...set, updated_at: this.clock.now() })
        .where('id', '=', r.id),
    );
  }
}
