/**
 * Orders: confirming a cart writes the order (lines, totals, a number a clerk can read aloud)
 * before any payment; cash payment completes it in one transaction with its payment record and
 * journal row; orders can be listed, opened, cancelled while unpaid, and their receipts rebuilt
 * (what reads an order is order-views.ts).
 */
import { PosError } from '../../../shared/errors';
import { formatFen } from '../../../shared/money';
import type { CartView, OrderSummary, OrderView, PaidOrder, Receipt, TimelineExport } from '../../../shared/types';
import { OPEN_STATES, PAID_STATES, isHolding } from '../../../shared/payment-states';
import { assertPayablePart, tenderProgress } from '../payments/tender';
import { inList } from '../../store/sql';
import { prepared, type Store } from '../../store/db';
import type { AttemptRow, OrderLineRow, OrderRow } from '../../store/schema';
import type { Carts } from './cart';
import { businessDay, type Clock } from '../clock';
import type { Audit } from '../people/audit';
import type { Actor } from '../people/auth';
import { crashPoint } from '../crash-points';
import { shareOf } from './discount-limits';
import type { Events } from '../events';
import type { TillIdentity } from '../payments/till-identity';
import { writeJournal } from '../journal';
import { PaymentTruth } from '../payments/truth';
import { priceCart } from './pricing';
import { orderRow, orderSummary, ordersOfDayQuery, orderView, receiptOf, timelineExport } from './order-views';
import type { Settings } from '../settings';
import { checkDrawerForCash } from '../cash/drawer-rule';

/** The most change a till hands out; a larger tender is a typing mistake, not a sale. */
export const MAX_CHANGE_FEN = 100_000;

export function orderNumber(day: string, seq: number): string {
  return `${day.replaceAll('-', '')}-${String(seq).padStart(4, '0')}`;
}

// The queries of every sale, built and compiled once (store/db.ts `prepared`).
const DAY_COUNTER = prepared((k, day: string) =>
  k.selectFrom('day_counters').select('last_seq').where('business_day', '=', day),
);
const SET_DAY_COUNTER = prepared((k, day: string, seq: number) =>
  k.updateTable('day_counters').set({ last_seq: seq }).where('business_day', '=', day),
);
const NEW_DAY_COUNTER = prepared((k, day: string, seq: number) =>
  k.insertInto('day_counters').values({ business_day: day, last_seq: seq }),
);
const NEW_ORDER = prepared((k, o: Omit<OrderRow, 'id'>) =>
  k.insertInto('orders').values({
    number: o.number,
    business_day: o.business_day,
    seq: o.seq,
    status: o.status,
    clerk: o.clerk,
    terminal: o.terminal,
    cart_id: o.cart_id,
    subtotal_fen: o.subtotal_fen,
    line_discount_fen: o.line_discount_fen,
    order_discount_kind: o.order_discount_kind,
    order_discount_value: o.order_discount_value,
    order_discount_fen: o.order_discount_fen,
    total_fen: o.total_fen,
    item_count: o.item_count,
    created_at: o.created_at,
    paid_at: o.paid_at,
    cancelled_at: o.cancelled_at,
  }),
);
const NEW_ORDER_LINE = prepared((k, l: Omit<OrderLineRow, 'id'>) =>
  k.insertInto('order_lines').values({
    order_id: l.order_id,
    line_no: l.line_no,
    product_id: l.product_id,
    sku: l.sku,
    barcode: l.barcode,
    name_zh: l.name_zh,
    name_en: l.name_en,
    unit_price_fen: l.unit_price_fen,
    qty: l.qty,
    gross_fen: l.gross_fen,
    discount_kind: l.discount_kind,
    discount_value: l.discount_value,
    line_discount_fen: l.line_discount_fen,
    order_discount_share_fen: l.order_discount_share_fen,
    total_fen: l.total_fen,
    label_code: l.label_code,
    label_weight_g: l.label_weight_g,
  }),
);
const CART_ORDERED = prepared((k, cartId: number, now: number) =>
  k.updateTable('carts').set({ status: 'ordered', updated_at: now }).where('id', '=', cartId),
);
const OPEN_ATTEMPT = prepared((k, orderId: number) =>
  k
    .selectFrom('payment_attempts')
    .selectAll()
    .where('order_id', '=', orderId)
    .where(inList('state', OPEN_STATES))
    .where('overridden_at', 'is', null),
);
const ATTEMPT_COUNT = prepared((k, orderId: number) =>
  k
    .selectFrom('payment_attempts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('order_id', '=', orderId),
);
export class Orders {
  constructor(
    private readonly store: Store,
    private readonly carts: Carts,
    private readonly settings: Settings,
    private readonly clock: Clock,
    private readonly events: Events,
    private readonly timeZone: () => string,
    private readonly audit?: Audit,
    /** who is selling: the signed-in user (default: the clerk name in the settings) */
    private readonly clerkName?: () => string,
    /** payment numbers carry the till's identity (cash ones never leave the till, but stay unique with the rest) */
    private readonly identity?: Pick<TillIdentity, 'tradeNo'>,
  ) {
    this.truth = new PaymentTruth(store, clock, audit);
  }

  /** writes the cash attempt, the order paid and an owner's override (the one writer of payment truth) */
  private readonly truth: PaymentTruth;

  private get k() {
    return this.store.kysely;
  }

  today(): string {
    return businessDay(this.clock.now(), this.timeZone());
  }

  private journal(
    orderId: number,
    attemptId: number | null,
    kind: string,
    from: string | null,
    to: string | null,
    detail: unknown,
  ): void {
    writeJournal(this.store, this.clock.now(), { orderId, attemptId, kind, from, to, detail });
  }

  /**
   * Turns the active cart into an open order, priced from the database now. `inTx` runs inside the
   * transaction with the cart as it is confirmed and the new order: it may refuse (throw: nothing is
   * written) or write beside it (the owner's approval of its discounts, audited).
   */
  confirm(inTx?: (cart: CartView, order: { id: number; number: string }) => void): OrderView {
    const id = this.store.tx(() => this.writeOrder(inTx));
    crashPoint('order.confirmed');
    const order = this.get(id);
    this.events.emit('order.changed', { orderId: id, number: order.number, status: order.status });
    return order;
  }

  /**
   * The common sale in one step: the active cart confirmed and paid in cash, in ONE transaction
   * committed at synchronous=FULL (one fsync instead of two). It writes exactly what `confirm` then
   * `payCash` write — the order, its lines, the same journal rows — so the timeline, the receipt,
   * the stock and report triggers and the Z see no difference. A refusal (an empty cart, a discount
   * the owner has not approved, too little or too much tendered) writes nothing: no open order is
   * left behind, the cart stays as it was.
   */
  cashSale(tenderedFen: number, inTx?: (cart: CartView, order: { id: number; number: string }) => void): PaidOrder {
    const id = this.store.tx(() => {
      const orderId = this.writeOrder(inTx);
      // a kill here leaves nothing of the sale on disk (the transaction never committed): the cart is as it was
      crashPoint('order.cash-sale-in-tx');
      this.takeCash(orderId, tenderedFen, null);
      return orderId;
    });
    crashPoint('order.cash-sale-committed');
    const order = this.get(id);
    this.events.emit('order.changed', { orderId: id, number: order.number, status: order.status });
    return { order, receipt: this.receiptOf(order, false) };
  }

  /** Writes the active cart as an open order (inside the caller's transaction); returns its id. */
  private writeOrder(inTx?: (cart: CartView, order: { id: number; number: string }) => void): number {
    const cart = this.carts.activeRow();
    const view = this.carts.view(cart);
    if (view.lines.length === 0)
      throw new PosError('CART_EMPTY', 'The cart is empty: add something before checking out.');
    const priced = priceCart(
      view.lines.map((l) => ({ unitPriceFen: l.unitPriceFen, qty: l.qty, discount: l.discount })),
      view.orderDiscount,
    );
    const now = this.clock.now();
    const day = businessDay(now, this.timeZone());
    const counter = this.store.first(DAY_COUNTER(day));
    const seq = (counter?.last_seq ?? 0) + 1;
    if (counter) {
      this.store.run(SET_DAY_COUNTER(day, seq));
    } else {
      this.store.run(NEW_DAY_COUNTER(day, seq));
    }
    const s = this.settings.values;
    const orderId = this.store.run(
      NEW_ORDER({
        number: orderNumber(day, seq),
        business_day: day,
        seq,
        status: 'open',
        clerk: this.clerkName?.() ?? s.clerk,
        terminal: s.terminal,
        cart_id: cart.id,
        subtotal_fen: priced.subtotalFen,
        line_discount_fen: priced.lineDiscountFen,
        order_discount_kind: view.orderDiscount?.kind ?? null,
        order_discount_value: view.orderDiscount?.value ?? null,
        order_discount_fen: priced.orderDiscountFen,
        total_fen: priced.totalFen,
        item_count: priced.itemCount,
        created_at: now,
        paid_at: null,
        cancelled_at: null,
      }),
    ).lastInsertRowid;
    view.lines.forEach((l, i) => {
      const p = priced.lines[i]!;
      this.store.run(
        NEW_ORDER_LINE({
          order_id: orderId,
          line_no: i + 1,
          product_id: l.productId,
          sku: l.sku,
          barcode: l.barcode,
          name_zh: l.nameZh,
          name_en: l.nameEn,
          unit_price_fen: l.unitPriceFen,
          qty: l.qty,
          gross_fen: p.grossFen,
          discount_kind: l.discount?.kind ?? null,
          discount_value: l.discount?.value ?? null,
          line_discount_fen: p.lineDiscountFen,
          order_discount_share_fen: p.orderDiscountShareFen,
          total_fen: p.totalFen,
          label_code: l.labelCode,
          label_weight_g: l.weightG,
        }),
      );
    });
    this.store.run(CART_ORDERED(cart.id, now));
    this.journal(orderId, null, 'order.created', null, 'open', { totalFen: priced.totalFen, items: priced.itemCount });
    inTx?.(view, { id: orderId, number: orderNumber(day, seq) });
    return orderId;
  }

  private row(orderId: number): OrderRow {
    return orderRow(this.store, orderId);
  }

  /** The order's last paid part (the one a double-submitted "complete" would repeat). */
  private lastPaidPart(orderId: number): AttemptRow | undefined {
    return this.store.first(
      this.k
        .selectFrom('payment_attempts')
        .selectAll()
        .where('order_id', '=', orderId)
        .where('state', 'in', PAID_STATES)
        .orderBy('id', 'desc'),
    );
  }

  /**
   * Cash for an open order: all it owes, or a part of it (`amountFen`, split tender; the order is
   * paid when its parts cover it). An intermediary payment still open on the order blocks it, unless
   * an owner overrides (`overrideBy`, authorized by the caller): that payment is then marked
   * overridden and closed upstream, audited, and any late money on it becomes an exception.
   */
  payCash(orderId: number, tenderedFen: number, overrideBy: Actor | null = null, amountFen?: number): PaidOrder {
    const done = this.store.tx(() => this.takeCash(orderId, tenderedFen, overrideBy, amountFen));
    crashPoint('order.cash-paid');
    const order = this.get(orderId);
    if (done) this.events.emit('order.changed', { orderId, number: order.number, status: order.status });
    return { order, receipt: this.receiptOf(order, false) };
  }

  /** Records cash for an open order (inside the caller's transaction); false when it was already paid with this very tender. */
  private takeCash(orderId: number, tenderedFen: number, overrideBy: Actor | null, wantedFen?: number): boolean {
    const order = this.row(orderId);
    if (order.status === 'paid') {
      // A double-submitted "complete": the same cash tender is answered with the same sale.
      const paid = this.lastPaidPart(orderId);
      if (paid?.method === 'cash' && paid.tendered_fen === tenderedFen) return false;
    }
    if (order.status !== 'open') {
      throw new PosError('ORDER_NOT_PAYABLE', `Order ${order.number} is ${order.status} and cannot be paid.`, {
        number: order.number,
        status: order.status,
      });
    }
    if (order.status === 'open' && wantedFen !== undefined) {
      // A double-submitted cash part (split tender): the same part, tendered the same, just before is
      // answered with the order as it is (two cash parts in a row are never needed: one would do)
      const last = this.lastPaidPart(orderId);
      if (last?.method === 'cash' && last.amount_fen === wantedFen && last.tendered_fen === tenderedFen) return false;
    }
    // the store's "open drawer before cash" rule, judged in this transaction (cash/drawer-rule.ts)
    checkDrawerForCash(this.store, this.settings);
    const open = this.store.first(OPEN_ATTEMPT(orderId));
    if (open && !overrideBy) {
      throw new PosError(
        'PAYMENT_IN_PROGRESS',
        `Order ${order.number} has a ${open.method} payment in progress; it must end (paid, or closed upstream) before cash is taken, unless the owner overrides.`,
        { number: order.number, attemptId: open.id, closing: open.closing_since !== null },
      );
    }
    // the part: all the order still owes, or what the clerk typed (split tender)
    const { amountFen } = assertPayablePart(this.store, order, wantedFen, 'cash');
    if (tenderedFen < amountFen) {
      throw new PosError(
        'TENDER_TOO_LOW',
        `${formatFen(tenderedFen)} tendered is less than the ${formatFen(amountFen)} due.`,
        { tenderedFen, totalFen: amountFen },
      );
    }
    const changeFen = tenderedFen - amountFen;
    if (changeFen > MAX_CHANGE_FEN) {
      throw new PosError(
        'INVALID_INPUT',
        `${formatFen(tenderedFen)} tendered for ${formatFen(amountFen)} would mean ${formatFen(changeFen)} change; check the amount.`,
        { tenderedFen, totalFen: amountFen, field: 'tenderedFen' },
      );
    }
    const n = Number(this.store.first(ATTEMPT_COUNT(orderId))?.n ?? 0) + 1;
    this.truth.payCash(
      { id: orderId, number: order.number },
      {
        outTradeNo: this.identity?.tradeNo(order.number, 'C', n) ?? `${order.number.replace('-', '')}C${n}`,
        amountFen,
        tenderedFen,
        changeFen,
      },
      open && overrideBy ? { open, by: overrideBy } : null,
    );
    return true;
  }

  /** Cancels an unpaid order; with `restoreCart`, its lines go back into the active cart for editing. */
  cancel(orderId: number, restoreCart = false): OrderView {
    this.store.tx(() => {
      const order = this.row(orderId);
      if (order.status !== 'open') {
        throw new PosError(
          'ORDER_NOT_CANCELLABLE',
          `Order ${order.number} is ${order.status}; only an unpaid order can be cancelled.`,
          {
            number: order.number,
            status: order.status,
          },
        );
      }
      const open = this.store.first(
        this.k
          .selectFrom('payment_attempts')
          .select('id')
          .where('order_id', '=', orderId)
          .where(inList('state', OPEN_STATES)),
      );
      if (open) {
        throw new PosError(
          'PAYMENT_IN_PROGRESS',
          `Order ${order.number} has a payment in progress; stop it before cancelling the order.`,
          {
            number: order.number,
            attemptId: open.id,
          },
        );
      }
      // split tender: money held by a paid part goes back first (the owner's refund), never with a void
      const held = tenderProgress(this.store, orderId, order.total_fen).parts.filter((p) => isHolding(p.state));
      if (held.length > 0) {
        throw new PosError(
          'ORDER_HAS_PAID_PARTS',
          `Order ${order.number} has ${held.length} paid part(s); the owner refunds them before it can be cancelled.`,
          { number: order.number, paidFen: held.reduce((n, p) => n + p.amountFen, 0) },
        );
      }
      const now = this.clock.now();
      this.store.run(
        this.k
          .updateTable('orders')
          .set({ status: 'cancelled', cancelled_at: now })
          .where('id', '=', orderId)
          .where('status', '=', 'open'),
      );
      this.journal(orderId, null, 'order.cancelled', 'open', 'cancelled', { restoreCart });
      if (restoreCart) {
        // the discounts go back approved as they were confirmed (within the limit, or approved by the owner)
        const approved = (kind: string | null, value: number | null, baseFen: number): number | null =>
          kind === null || value === null ? null : shareOf({ kind: kind as 'percent' | 'amount', value }, baseFen);
        const lines = this.store.all(
          this.k.selectFrom('order_lines').selectAll().where('order_id', '=', orderId).orderBy('line_no'),
        );
        this.carts.clear();
        const cart = this.carts.activeRow();
        lines.forEach((l, i) => {
          this.store.run(
            this.k.insertInto('cart_lines').values({
              cart_id: cart.id,
              product_id: l.product_id,
              qty: l.qty,
              discount_kind: l.discount_kind as 'percent' | 'amount' | null,
              discount_value: l.discount_value,
              discount_approved_ppm: approved(l.discount_kind, l.discount_value, l.gross_fen),
              position: i + 1,
              // a scale label's line goes back at the label's price
              label_code: l.label_code,
              label_price_fen: l.label_code === null ? null : l.unit_price_fen,
              label_weight_g: l.label_weight_g,
            }),
          );
        });
        this.store.run(
          this.k
            .updateTable('carts')
            .set({
              order_discount_kind: order.order_discount_kind,
              order_discount_value: order.order_discount_value,
              order_discount_approved_ppm: approved(
                order.order_discount_kind,
                order.order_discount_value,
                order.subtotal_fen - order.line_discount_fen,
              ),
            })
            .where('id', '=', cart.id),
        );
      }
    });
    const order = this.get(orderId);
    this.events.emit('order.changed', { orderId, number: order.number, status: order.status });
    return order;
  }

  list(day?: string): OrderSummary[] {
    const rows = this.store.all(ordersOfDayQuery(this.k, day ?? this.today()));
    return rows.map((r) => orderSummary(r, r.methods));
  }

  get(orderId: number): OrderView {
    return orderView(this.store, orderId);
  }

  /**
   * The payment timeline of an order (every signed request and answer, poll, notification and
   * transition, secrets already redacted when journaled) as JSON or CSV, for a dispute.
   */
  exportTimeline(orderId: number, format: 'json' | 'csv'): TimelineExport {
    return timelineExport(this.get(orderId), format);
  }

  receipt(orderId: number, reprint: boolean): Receipt {
    return this.receiptOf(this.get(orderId), reprint);
  }

  /** The receipt of an order already read (a sale returns both without reading it twice). */
  receiptOf(order: OrderView, reprint: boolean): Receipt {
    return receiptOf(this.settings, order, reprint);
  }
}
