/**
 * Types of the counter's own calls (branch s-counter, issue 12): kept apart from types.ts, which
 * other work reshapes at the same time.
 */

/** The order this till was taking an intermediary payment for when it (re)started (`till.resumePayment`). */
export interface ResumablePayment {
  orderId: number;
  orderNumber: string;
  attemptId: number;
  /**
   * true: it was open when the till started and has been paid since (the customer paid while the
   * till was down): show its receipt. Named so once; false: still open, show its pay step.
   */
  paid: boolean;
}
