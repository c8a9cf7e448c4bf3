/**
 * The counter's own calls (`till.*`): what the till screen needs at start-up that no domain owns.
 *
 * `till.resumePayment`: the till (or its browser page) started while an intermediary payment was
 * open on one of this terminal's orders — the program was restarted in the middle of a QR. The
 * screen opens on that order's pay step instead of an empty Sell, so the clerk sees the customer's
 * payment land (issue 12, finding 4). The customer may well have paid while the till was down, and
 * the poller learns it in the first second after the start, before any page asks: a payment that
 * was open when this process started and is paid now is named once, as paid, so the page opens on
 * its receipt. Only a recent attempt counts: one stuck for hours is To check's business, and must
 * not pin every start of the till to an old order.
 */
import type { ResumablePayment } from '../../../shared/counter-types';
import type { Clock } from '../clock';
import type { CashSessions } from '../cash/cash-sessions';
import type { HandlersOf } from '../handlers';
import type { Payments } from '../payments/attempts';
import type { Orders } from '../sales/orders';

/** How old an open attempt may be and still be the one the till reopens on (a QR lives minutes). */
export const RESUME_WITHIN_MS = 60 * 60 * 1000;

export function tillHandlers(d: {
  cashSessions: Pick<CashSessions, 'pending'>;
  payments: Pick<Payments, 'openAttempt' | 'view'>;
  orders: Pick<Orders, 'get'>;
  clock: Clock;
}): HandlersOf<'till.'> {
  const recent = () => {
    const since = d.clock.now() - RESUME_WITHIN_MS;
    // this terminal's open attempts, oldest first (a handful at most)
    return d.cashSessions.pending().filter((a) => a.createdAt >= since);
  };
  // Taken as the core is built, before the poller's first round: the payments this till was taking
  // when it stopped. Each is named at most once as paid.
  const atStart = recent().map((a) => ({ attemptId: a.attemptId, orderId: a.orderId, orderNumber: a.orderNumber }));
  const shownPaid = new Set<number>();

  return {
    'till.resumePayment': (): ResumablePayment | null => {
      // the newest attempt still open, not overridden by the owner, on an order still to pay
      for (const a of recent().reverse()) {
        const attempt = d.payments.openAttempt(a.orderId);
        if (!attempt || d.orders.get(a.orderId).status !== 'open') continue;
        return { orderId: a.orderId, orderNumber: a.orderNumber, attemptId: attempt.id, paid: false };
      }
      // none: one that was open at the start and was paid since (while the till was down, most likely)
      for (const a of [...atStart].reverse()) {
        if (shownPaid.has(a.attemptId) || d.payments.view(a.attemptId).state !== 'paid') continue;
        shownPaid.add(a.attemptId);
        return { ...a, paid: true };
      }
      return null;
    },
  };
}
