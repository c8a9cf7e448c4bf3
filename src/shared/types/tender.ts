/**
 * Split tender (组合支付): an order paid by several parts — some cash, the rest by QR or payment
 * code, or two intermediaries. A part is one payment attempt for some of what the order owes; the
 * order is paid when its paid parts cover the total. What the pay screen, the order and the
 * receipt show of the parts.
 */
import type { Fen } from '../money';

// What a payment is, here rather than in sales.ts so that the parts need nothing of the order's
// file (sales.ts imports this one; the other way round would be an import circle).
export type PaymentMethod = 'cash' | 'yeepay' | 'alipay' | 'wechat';
export type PaymentMode = 'cash' | 'qr' | 'redirect' | 'payment_code';
export type AttemptState =
  | 'created'
  | 'pending'
  | 'paid'
  | 'failed'
  | 'closed'
  | 'expired'
  | 'partially_refunded'
  | 'refunded';

/** One part of an order's payment (a payment attempt that took, or may take, the customer's money). */
export interface TenderPart {
  attemptId: number;
  method: PaymentMethod;
  mode: PaymentMode;
  amountFen: Fen;
  state: AttemptState;
  /** cash only: what the customer handed over and the change given */
  tenderedFen: Fen | null;
  changeFen: Fen | null;
  paidAt: number | null;
}

/** How far an order's payment has come: what its paid parts hold and what it still owes. */
export interface TenderProgress {
  /** the paid parts, in the order they were paid (refunded ones included: they were paid) */
  parts: TenderPart[];
  /** the sum of the paid parts */
  paidFen: Fen;
  /** total − paidFen, never below 0 */
  owedFen: Fen;
}

/** What one paid part of an order can still give back (a refund goes back the way the part was paid). */
export interface RefundPart {
  attemptId: number;
  method: PaymentMethod;
  paidFen: Fen;
  /** refunded or being refunded (not failed) */
  refundedFen: Fen;
  refundableFen: Fen;
}
