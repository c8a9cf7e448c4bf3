/**
 * Giving money back for a paid order: in full, by line (some of the items), or by amount. The money
 * goes back the way it came — through the original intermediary (an idempotent refund, followed to
 * its end by the refund poller) or from the drawer for cash. Items refunded by line may be put back
 * in stock (`restock`).
 *
 * The arithmetic is exact in fen: a line refunded in parts gets, at each step, the difference of
 * round(total × refundedQty ÷ qty) before and after (`lineRefundFen`, src/shared/refund-share.ts,
 * which the refund dialog previews with), so the parts of a line always add up to the line's total,
 * and nothing is ever refunded beyond what was paid (the refundable amount counts every refund not
 * failed, pending ones included).
 *
 * A double-submitted refund (the same `requestKey`) finds the first request instead of refunding
 * again; the same key for another order is refused.
 */
import { PosError } from '../../../shared/errors';
import { lineRefundFen } from '../../../shared/refund-share';
import type { RefundLineQuote, RefundQuote, RefundView } from '../../../shared/types';
import { PAID_STATES, REFUNDABLE_STATUSES, isHolding } from '../../../shared/payment-states';
import { inList } from '../../store/sql';
import type { Store } from '../../store/db';
import type { AttemptRow } from '../../store/schema';
import type { Audit } from '../people/audit';
import type { Actor } from '../people/auth';
import type { Refunds } from './refunds';

export type RefundKind = 'full' | 'lines' | 'amount';

export interface OrderRefundInput {
  orderId: number;
  kind: RefundKind;
  lines?: { lineNo: number; qty: number }[];
  amountFen?: number;
  restock: boolean;
  reason: string;
  requestKey: string;
  /** split tender: the part to refund from (by line or amount); without it, cash parts first, then the others */
  attemptId?: number;
}

interface LineRefund {
  lineNo: number;
  qty: number;
  amountFen: number;
}

export class OrderRefunds {
  constructor(
    private readonly store: Store,
    private readonly refunds: Refunds,
    private readonly audit: Audit,
  ) {}

  private get k() {
    return this.store.kysely;
  }

  /**
   * The payments that hold the order's sale: the one holding its money (a kept one before one given
   * back: a double payment accepted leaves the cash refunded beside the intermediary's paid attempt),
   * or, for a split tender, every paid part (money beyond the total never becomes a paid part:
   * core/payments/attempt-settle.ts).
   */
  private saleParts(orderId: number, totalFen: number): AttemptRow[] {
    const paid = this.store.all(
      this.k
        .selectFrom('payment_attempts')
        .selectAll()
        .where('order_id', '=', orderId)
        .where(inList('state', PAID_STATES))
        .orderBy('id'),
    );
    const holder = [...paid].sort(
      (x, y) => Number(x.state === 'refunded') - Number(y.state === 'refunded') || y.id - x.id,
    )[0];
    if (!holder) return [];
    return holder.amount_fen < totalFen ? paid : [holder];
  }

  /** What can still be refunded, per line, per part and in total. */
  quote(orderId: number): RefundQuote {
    const order = this.store.first(this.k.selectFrom('orders').selectAll().where('id', '=', orderId));
    if (!order) throw new PosError('NOT_FOUND', `There is no order ${orderId}.`, { orderId });
    const parts = this.saleParts(orderId, order.total_fen);
    const rows = this.store.all(
      this.k
        .selectFrom('refunds')
        .selectAll()
        .where('order_id', '=', orderId)
        .where('state', '!=', 'failed')
        .orderBy('id'),
    );
    const byLine = new Map<number, { qty: number; fen: number }>();
    const byPart = new Map<number, number>();
    let refundedFen = 0;
    for (const r of rows) {
      if (!parts.some((p) => p.id === r.attempt_id)) continue; // late money refunded on another attempt
      refundedFen += r.amount_fen;
      byPart.set(r.attempt_id, (byPart.get(r.attempt_id) ?? 0) + r.amount_fen);
      for (const l of r.lines ? (JSON.parse(r.lines) as LineRefund[]) : []) {
        const cur = byLine.get(l.lineNo) ?? { qty: 0, fen: 0 };
        byLine.set(l.lineNo, { qty: cur.qty + l.qty, fen: cur.fen + l.amountFen });
      }
    }
    const paidFen = parts.reduce((n, p) => n + p.amount_fen, 0);
    const lines: RefundLineQuote[] = this.store
      .all(this.k.selectFrom('order_lines').selectAll().where('order_id', '=', orderId).orderBy('line_no'))
      .map((l) => {
        const done = byLine.get(l.line_no) ?? { qty: 0, fen: 0 };
        return {
          lineNo: l.line_no,
          nameZh: l.name_zh,
          nameEn: l.name_en,
          qty: l.qty,
          totalFen: l.total_fen,
          refundedQty: done.qty,
          refundedFen: done.fen,
          refundableQty: l.qty - done.qty,
        };
      });
    // an open order with paid parts (split tender, the rest never paid) gives them back before it is cancelled
    const refundable =
      parts.length > 0 &&
      (REFUNDABLE_STATUSES.includes(order.status) ||
        (order.status === 'open' && parts.some((p) => isHolding(p.state))));
    const first = parts.find((p) => isHolding(p.state)) ?? parts[0];
    return {
      orderId,
      number: order.number,
      status: order.status,
      method: first?.method ?? null,
      attemptId: first?.id ?? null,
      paidFen,
      refundedFen,
      refundableFen: refundable ? Math.max(0, paidFen - refundedFen) : 0,
      lines,
      refunds: rows.map((r) => this.refunds.view(r.id)),
      parts: parts.map((p) => ({
        attemptId: p.id,
        method: p.method,
        paidFen: p.amount_fen,
        refundedFen: byPart.get(p.id) ?? 0,
        refundableFen: refundable ? Math.max(0, p.amount_fen - (byPart.get(p.id) ?? 0)) : 0,
      })),
    };
  }

  /** Writes the refund (cash: done; intermediary: sent) and returns it. */
  async create(input: OrderRefundInput, actor: Actor): Promise<RefundView> {
    const refundId = this.store.tx(() => {
      const existing = this.store.first(
        this.k.selectFrom('refunds').selectAll().where('request_key', '=', input.requestKey),
      );
      if (existing) {
        if (existing.order_id !== input.orderId) {
          throw new PosError('INVALID_INPUT', `Refund request ${input.requestKey} was made for another order.`, {
            field: 'requestKey',
          });
        }
        return { id: existing.id, ids: [existing.id], fresh: false };
      }
      const q = this.quote(input.orderId);
      const openWithParts = q.status === 'open' && q.refundableFen > 0;
      if (q.attemptId === null || !(REFUNDABLE_STATUSES.includes(q.status) || openWithParts)) {
        throw new PosError(
          'ORDER_NOT_REFUNDABLE',
          `Order ${q.number} is ${q.status}; only a paid order can be refunded.`,
          {
            number: q.number,
            status: q.status,
          },
        );
      }
      if (openWithParts && input.kind !== 'full') {
        throw new PosError(
          'ORDER_NOT_REFUNDABLE',
          `Order ${q.number} is open: its paid parts are given back in full before it is cancelled.`,
          { number: q.number, status: q.status },
        );
      }
      const chosen = input.attemptId === undefined ? null : q.parts.find((p) => p.attemptId === input.attemptId);
      if (chosen === undefined || (chosen !== null && input.kind === 'full')) {
        throw new PosError(
          'INVALID_INPUT',
          input.kind === 'full'
            ? 'A full refund gives back every part; choose a part for a refund by line or amount.'
            : `Order ${q.number} has no paid part ${input.attemptId}.`,
          { field: 'attemptId' },
        );
      }
      let lines: LineRefund[] | null = null;
      let amountFen: number;
      if (input.kind === 'amount') {
        amountFen = input.amountFen ?? 0;
      } else {
        const wanted =
          input.kind === 'full'
            ? q.lines.filter((l) => l.refundableQty > 0).map((l) => ({ lineNo: l.lineNo, qty: l.refundableQty }))
            : (input.lines ?? []).filter((l) => l.qty > 0);
        if (wanted.length === 0 && input.kind === 'lines') {
          throw new PosError('INVALID_INPUT', 'Choose at least one item to refund.', { field: 'lines' });
        }
        lines = wanted.map((w) => {
          const l = q.lines.find((x) => x.lineNo === w.lineNo);
          if (!l)
            throw new PosError('INVALID_INPUT', `Order ${q.number} has no line ${w.lineNo}.`, {
              field: 'lines',
              lineNo: w.lineNo,
            });
          if (w.qty > l.refundableQty) {
            throw new PosError(
              'REFUND_TOO_LARGE',
              `Line ${w.lineNo} has ${l.refundableQty} item(s) left to refund, not ${w.qty}.`,
              {
                lineNo: w.lineNo,
                refundableQty: l.refundableQty,
                qty: w.qty,
              },
            );
          }
          return { lineNo: w.lineNo, qty: w.qty, amountFen: lineRefundFen(l, w.qty) };
        });
        amountFen = lines.reduce((sum, l) => sum + l.amountFen, 0);
        // a full refund also returns what an earlier refund by amount left (never more than remains)
        if (input.kind === 'full') amountFen = q.refundableFen;
        amountFen = Math.min(amountFen, q.refundableFen);
      }
      if (amountFen <= 0 || amountFen > q.refundableFen) {
        throw new PosError(
          'REFUND_TOO_LARGE',
          `Order ${q.number} has ${q.refundableFen} fen left to refund; ${amountFen} fen cannot be refunded.`,
          { number: q.number, refundableFen: q.refundableFen, amountFen },
        );
      }
      // split tender: the money goes back to each part's own method — the part the owner chose, or
      // the cash parts first (from the drawer at once), then the others in the order they were paid
      const targets = chosen
        ? [chosen]
        : [...q.parts.filter((p) => p.method === 'cash'), ...q.parts.filter((p) => p.method !== 'cash')];
      if (chosen && amountFen > chosen.refundableFen) {
        throw new PosError(
          'REFUND_TOO_LARGE',
          `That part has ${chosen.refundableFen} fen left to refund; ${amountFen} fen cannot be refunded from it.`,
          { number: q.number, refundableFen: chosen.refundableFen, amountFen },
        );
      }
      const ids: number[] = [];
      let left = amountFen;
      for (const part of targets) {
        const take = Math.min(left, part.refundableFen);
        if (take <= 0) continue;
        const first = ids.length === 0;
        ids.push(
          this.refunds.intent(
            {
              attemptId: part.attemptId,
              amountFen: take,
              reason: input.reason,
              // the lines (what the products report and the restock read) go with the first refund only
              lines: first ? (lines ?? undefined) : undefined,
              restock: first && input.restock && lines !== null,
              requestKey: first ? input.requestKey : `${input.requestKey}.${ids.length + 1}`,
            },
            actor,
          ),
        );
        left -= take;
      }
      const id = ids[0] as number;
      this.audit.record(actor, 'order.refund', `order:${input.orderId}`, {
        before: { status: q.status, refundedFen: q.refundedFen },
        after: {
          refundId: id,
          kind: input.kind,
          amountFen,
          lines,
          restock: input.restock && lines !== null,
          method: q.method,
          ...(ids.length > 1 ? { refundIds: ids } : {}),
        },
        note: input.reason,
      });
      return { id, ids, fresh: true };
    });
    if (!refundId.fresh) return this.refunds.view(refundId.id);
    const first = await this.refunds.send(refundId.id);
    for (const other of refundId.ids.slice(1)) await this.refunds.send(other);
    // the first part's refund answers; the others are in the order's quote and in To check
    return first;
  }
}
