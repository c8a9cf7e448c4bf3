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
import { PAID_STATES, REFUNDABLE_STATUSES } from '../../../shared/payment-states';
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

  private paidAttempt(orderId: number): AttemptRow | undefined {
    return this.store.first(
      this.k
        .selectFrom('payment_attempts')
        .selectAll()
        .where('order_id', '=', orderId)
        .where(inList('state', PAID_STATES))
        // the payment that holds the money: a kept one before one given back (a double payment
        // accepted leaves the cash refunded beside the intermediary's paid attempt)
        .orderBy((eb) => eb.case().when('state', '=', 'refunded').then(1).else(0).end())
        .orderBy('id', 'desc'),
    );
  }

  /** What can still be refunded, per line and in total. */
  quote(orderId: number): RefundQuote {
    const order = this.store.first(this.k.selectFrom('orders').selectAll().where('id', '=', orderId));
    if (!order) throw new PosError('NOT_FOUND', `There is no order ${orderId}.`, { orderId });
    const attempt = this.paidAttempt(orderId);
    const rows = this.store.all(
      this.k
        .selectFrom('refunds')
        .selectAll()
        .where('order_id', '=', orderId)
        .where('state', '!=', 'failed')
        .orderBy('id'),
    );
    const byLine = new Map<number, { qty: number; fen: number }>();
    let refundedFen = 0;
    for (const r of rows) {
      if (attempt && r.attempt_id !== attempt.id) continue; // late money refunded on another attempt
      refundedFen += r.amount_fen;
      for (const l of r.lines ? (JSON.parse(r.lines) as LineRefund[]) : []) {
        const cur = byLine.get(l.lineNo) ?? { qty: 0, fen: 0 };
        byLine.set(l.lineNo, { qty: cur.qty + l.qty, fen: cur.fen + l.amountFen });
      }
    }
    const paidFen = attempt?.amount_fen ?? 0;
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
    const refundable = attempt !== undefined && REFUNDABLE_STATUSES.includes(order.status);
    return {
      orderId,
      number: order.number,
      status: order.status,
      method: attempt?.method ?? null,
      attemptId: attempt?.id ?? null,
      paidFen,
      refundedFen,
      refundableFen: refundable ? Math.max(0, paidFen - refundedFen) : 0,
      lines,
      refunds: rows.map((r) => this.refunds.view(r.id)),
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
        return { id: existing.id, fresh: false };
      }
      const q = this.quote(input.orderId);
      if (q.attemptId === null || !REFUNDABLE_STATUSES.includes(q.status)) {
        throw new PosError(
          'ORDER_NOT_REFUNDABLE',
          `Order ${q.number} is ${q.status}; only a paid order can be refunded.`,
          {
            number: q.number,
            status: q.status,
          },
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
      const id = this.refunds.intent(
        {
          attemptId: q.attemptId,
          amountFen,
          reason: input.reason,
          lines: lines ?? undefined,
          restock: input.restock && lines !== null,
          requestKey: input.requestKey,
        },
        actor,
      );
      this.audit.record(actor, 'order.refund', `order:${input.orderId}`, {
        before: { status: q.status, refundedFen: q.refundedFen },
        after: {
          refundId: id,
          kind: input.kind,
          amountFen,
          lines,
          restock: input.restock && lines !== null,
          method: q.method,
        },
        note: input.reason,
      });
      return { id, fresh: true };
    });
    if (refundId.fresh) return this.refunds.send(refundId.id);
    return this.refunds.view(refundId.id);
  }
}
