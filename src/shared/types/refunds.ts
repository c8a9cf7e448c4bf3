/**
 * Refunds: what was given back, and what an order can still give back. All amounts are integer
 * fen; all times are epoch milliseconds.
 */
import type { Fen } from '../money';
import type { RefundOutcome } from '../outcomes';
import type { OrderStatus } from './sales';
import type { PaymentMethod, RefundPart } from './tender';

export type RefundState = 'requested' | 'pending' | 'succeeded' | 'failed';

export interface RefundView {
  id: number;
  orderId: number;
  orderNumber: string;
  attemptId: number;
  refundNo: string;
  method: PaymentMethod;
  amountFen: Fen;
  state: RefundState;
  /** the last refund call had no definite answer; it is retried with the same refund number */
  unknown: boolean;
  reason: string | null;
  requestedBy: string;
  createdAt: number;
  finishedAt: number | null;
  lastOutcome: RefundOutcome | null;
  message: string | null;
}

export interface RefundLineQuote {
  lineNo: number;
  nameZh: string;
  nameEn: string;
  qty: number;
  totalFen: Fen;
  refundedQty: number;
  refundedFen: Fen;
  refundableQty: number;
}

/** What an order's refund can still be: per line and in total, and the refunds so far. */
export interface RefundQuote {
  orderId: number;
  number: string;
  status: OrderStatus;
  /** how it was paid; the money goes back the same way */
  method: PaymentMethod | null;
  attemptId: number | null;
  paidFen: Fen;
  /** refunded or being refunded (not failed) */
  refundedFen: Fen;
  refundableFen: Fen;
  lines: RefundLineQuote[];
  refunds: RefundView[];
  /** each paid part (split tender: several; a single payment: one); a refund goes back to each part's method */
  parts: RefundPart[];
}
