/**
 * Reading an order, for the clerk and the owner: the day's list, an order with its lines, payments
 * and payment timeline, its receipt, and the timeline exported for a dispute. Reads only; what
 * writes an order is orders.ts.
 */
import { PosError } from '../../../shared/errors';
import type {
  JournalEntry,
  OrderLineView,
  OrderStatus,
  OrderSummary,
  OrderView,
  PaymentMethod,
  PaymentView,
  Receipt,
  TimelineExport,
} from '../../../shared/types';
import { PAID_STATES, isPaid } from '../../../shared/payment-states';
import { inList } from '../../store/sql';
import { tenderProgress } from '../payments/tender';
import { prepared, type Store } from '../../store/db';
import { sql, type Kysely } from 'kysely';
import type { Database, OrderRow } from '../../store/schema';
import { writeCsv } from '../platform/csv';
import type { Settings } from '../settings';
import { toDiscount } from './cart';

/**
 * A business day's orders, newest first, with how each was paid (a clerk's "today's orders";
 * orders_day), with how each was paid: the methods of its paid parts, in the order they were paid,
 * as one list (a join would list the order once per part).
 */
export function ordersOfDayQuery(k: Kysely<Database>, day: string) {
  return k
    .selectFrom('orders')
    .selectAll('orders')
    .select((eb) =>
      eb
        .selectFrom('payment_attempts as pa')
        // one subquery, its few rows in the order they were paid (a second one for the first method
        // cost a full day's list of 2,738 orders ~4 ms more)
        .select(sql<string | null>`group_concat(${sql.ref('pa.method')}, ',' order by ${sql.ref('pa.id')})`.as('m'))
        .whereRef('pa.order_id', '=', 'orders.id')
        .where(inList('pa.state', PAID_STATES))
        .as('methods'),
    )
    .where('orders.business_day', '=', day)
    .orderBy('orders.seq', 'desc');
}

// The reads of every order, built and compiled once (store/db.ts `prepared`).
const ORDER = prepared((k, id: number) => k.selectFrom('orders').selectAll().where('id', '=', id));
const ORDER_LINES = prepared((k, orderId: number) =>
  k.selectFrom('order_lines').selectAll().where('order_id', '=', orderId).orderBy('line_no'),
);
const ORDER_ATTEMPTS = prepared((k, orderId: number) =>
  k.selectFrom('payment_attempts').selectAll().where('order_id', '=', orderId).orderBy('id'),
);
const ORDER_JOURNAL = prepared((k, orderId: number) =>
  k.selectFrom('payment_journal').selectAll().where('order_id', '=', orderId).orderBy('id'),
);

/** The order's row; NOT_FOUND when there is none. */
export function orderRow(store: Store, orderId: number): OrderRow {
  const row = store.first(ORDER(orderId));
  if (!row) throw new PosError('NOT_FOUND', `There is no order ${orderId}.`, { orderId });
  return row;
}

/**
 * An order's row as a summary; `paidBy`: the methods of its paid parts in the order they were paid,
 * as a list or as SQLite's `group_concat` gives it ("cash,alipay"), repeats allowed.
 */
export function orderSummary(r: OrderRow, paidBy: readonly string[] | string | null): OrderSummary {
  const methods: PaymentMethod[] = [];
  for (const m of typeof paidBy === 'string' ? paidBy.split(',') : (paidBy ?? []))
    if (m && !methods.includes(m as PaymentMethod)) methods.push(m as PaymentMethod);
  const method = methods[0] ?? null;
  return {
    id: r.id,
    number: r.number,
    businessDay: r.business_day,
    status: r.status as OrderStatus,
    createdAt: r.created_at,
    paidAt: r.paid_at,
    totalFen: r.total_fen,
    itemCount: r.item_count,
    method,
    methods,
    clerk: r.clerk,
  };
}

function orderLines(store: Store, orderId: number): OrderLineView[] {
  return store.all(ORDER_LINES(orderId)).map((l) => ({
    lineNo: l.line_no,
    productId: l.product_id,
    sku: l.sku,
    nameZh: l.name_zh,
    nameEn: l.name_en,
    unitPriceFen: l.unit_price_fen,
    qty: l.qty,
    grossFen: l.gross_fen,
    discount: toDiscount(l.discount_kind as 'percent' | 'amount' | null, l.discount_value),
    lineDiscountFen: l.line_discount_fen,
    orderDiscountShareFen: l.order_discount_share_fen,
    totalFen: l.total_fen,
  }));
}

export function orderView(store: Store, orderId: number): OrderView {
  const r = orderRow(store, orderId);
  const payments: PaymentView[] = store.all(ORDER_ATTEMPTS(orderId)).map((a) => ({
    id: a.id,
    method: a.method,
    mode: a.mode,
    outTradeNo: a.out_trade_no,
    amountFen: a.amount_fen,
    state: a.state,
    tenderedFen: a.tendered_fen,
    changeFen: a.change_fen,
    createdAt: a.created_at,
    paidAt: a.paid_at,
  }));
  const journal: JournalEntry[] = store.all(ORDER_JOURNAL(orderId)).map((j) => ({
    id: j.id,
    attemptId: j.attempt_id,
    at: j.at,
    kind: j.kind,
    fromState: j.from_state,
    toState: j.to_state,
    detail: j.detail ? (JSON.parse(j.detail) as Record<string, unknown>) : null,
  }));
  return {
    ...orderSummary(
      r,
      payments.filter((p) => isPaid(p.state)).map((p) => p.method),
    ),
    ...tenderProgress(store, orderId, r.total_fen),
    terminal: r.terminal,
    cancelledAt: r.cancelled_at,
    subtotalFen: r.subtotal_fen,
    lineDiscountFen: r.line_discount_fen,
    orderDiscount: toDiscount(r.order_discount_kind, r.order_discount_value),
    orderDiscountFen: r.order_discount_fen,
    lines: orderLines(store, orderId),
    payments,
    journal,
  };
}

/**
 * The payment timeline of an order (every signed request and answer, poll, notification and
 * transition, secrets already redacted when journaled) as JSON or CSV, for a dispute.
 */
export function timelineExport(order: OrderView, format: 'json' | 'csv'): TimelineExport {
  const base = `counter-pos-${order.number}-timeline`;
  if (format === 'json') {
    const body = {
      order: {
        number: order.number,
        status: order.status,
        totalFen: order.totalFen,
        createdAt: new Date(order.createdAt).toISOString(),
      },
      payments: order.payments,
      timeline: order.journal.map((j) => ({ ...j, at: new Date(j.at).toISOString() })),
    };
    return { filename: `${base}.json`, mime: 'application/json', content: JSON.stringify(body, null, 2) + '\n' };
  }
  const rows = [['at', 'order', 'attempt_id', 'kind', 'from_state', 'to_state', 'detail']];
  for (const j of order.journal) {
    rows.push([
      new Date(j.at).toISOString(),
      order.number,
      String(j.attemptId ?? ''),
      j.kind,
      j.fromState ?? '',
      j.toState ?? '',
      j.detail === null ? '' : JSON.stringify(j.detail),
    ]);
  }
  return { filename: `${base}.csv`, mime: 'text/csv', content: writeCsv(rows, { bom: false }) };
}

/** The receipt of an order already read (a sale returns both without reading it twice). */
export function receiptOf(settings: Settings, order: OrderView, reprint: boolean): Receipt {
  // a split tender (组合支付: a part for less than the total): the part that completed the order —
  // its change is what is due now (a cash part taken earlier gave its change then); `parts` lists
  // every part for the paper. A single payment: the one that paid.
  const split = order.parts.some((p) => p.amountFen < order.totalFen);
  const paid = split ? order.parts[order.parts.length - 1] : order.payments.find((p) => isPaid(p.state));
  const s = settings.values;
  return {
    storeName: s.storeName,
    storeAddress: s.storeAddress,
    storePhone: s.storePhone,
    orderId: order.id,
    number: order.number,
    terminal: order.terminal,
    clerk: order.clerk,
    createdAt: order.createdAt,
    paidAt: order.paidAt,
    lines: order.lines,
    subtotalFen: order.subtotalFen,
    lineDiscountFen: order.lineDiscountFen,
    orderDiscountFen: order.orderDiscountFen,
    totalFen: order.totalFen,
    method: paid?.method ?? null,
    tenderedFen: paid?.tenderedFen ?? null,
    changeFen: paid?.changeFen ?? null,
    parts: order.parts,
    reprint,
  };
}
