/**
 * What the pay screen shows for an intermediary payment attempt: its phase, the sentence that says
 * it, main's words under it, and what the clerk may do meanwhile (follow it, see the countdown,
 * take cash). Decided here, from the attempt and the intermediary's last answer, so the renderer
 * shows it as it is and knows no provider's rules.
 */
import type { AttemptDisplay, AttemptPhase, AttemptStatusKey } from '../../../shared/outcomes';
import type { AttemptView } from '../../../shared/types';

export type DisplayFacts = Pick<
  AttemptView,
  'state' | 'provider' | 'mode' | 'unknown' | 'closing' | 'lastOutcome' | 'message' | 'deadlineAt'
> & {
  /** before this the intermediary refuses to close the trade (WeChat: 5 minutes after it was created), else 0 */
  closeNotBefore: number;
};

function over(phase: AttemptPhase, status: AttemptStatusKey, detail: string | null = null): AttemptDisplay {
  return { phase, status, detail, trouble: null, open: false, countdownTo: null, cash: 'free' };
}

/** The attempt as the clerk sees it at `now` (the store's clock). */
export function attemptDisplay(a: DisplayFacts, now: number): AttemptDisplay {
  const o = a.lastOutcome;
  switch (a.state) {
    case 'paid':
    case 'partially_refunded':
    case 'refunded':
      return over('paid', 'paid');
    case 'failed':
      // the customer cancelled or gave up on the phone and the intermediary closed the trade: said in
      // the clerk's words (older rows carry main's English note "closed by the intermediary": not shown)
      if (o?.kind === 'closed_upstream') return over('failed', 'customerCancelled');
      // the create never reached the intermediary: nothing exists there, nothing can be paid late
      if (o?.kind === 'unreachable') return { ...over('failed', 'unreachable'), trouble: o.trouble };
      // the intermediary's reason for a decline, or main's account of a failure
      return over(
        'failed',
        o?.kind === 'foreign_trade' ? 'foreign' : o?.kind === 'declined' ? 'declined' : 'failed',
        a.message,
      );
    case 'closed':
      return over('closed', 'closed');
    case 'expired':
      return over('expired', 'expired');
    case 'created':
    case 'pending':
      break;
  }
  if (a.closing) {
    // being closed or cancelled upstream: the clerk may take cash meanwhile, with the owner
    const refused = o?.kind === 'close' && (o.answer === 'too_early' || o.answer === 'retry');
    const status: AttemptStatusKey =
      now < a.closeNotBefore || refused
        ? 'closeLater'
        : a.unknown
          ? 'closeUnknown'
          : a.deadlineAt !== null && now >= a.deadlineAt
            ? 'closingLate'
            : 'closing';
    const trouble = o?.kind === 'unknown' ? (o.trouble ?? null) : null;
    return { phase: 'closing', status, detail: null, trouble, open: true, countdownTo: null, cash: 'override' };
  }
  const moving = (phase: AttemptPhase, status: AttemptStatusKey, detail: string | null = null): AttemptDisplay => ({
    phase,
    status,
    detail,
    trouble: null,
    open: true,
    countdownTo: a.deadlineAt,
    cash: 'blocked',
  });
  // main's reason it is still checking: in the clerk's words when no answer came on the wire
  if (a.unknown && o?.kind === 'unknown' && o.trouble) return { ...moving('checking', 'unknown'), trouble: o.trouble };
  if (a.unknown) return moving('checking', 'unknown', a.message);
  if (a.state === 'created') return moving('starting', 'starting');
  if (a.mode === 'payment_code') {
    return o?.kind === 'waiting' || o?.kind === 'pending'
      ? moving('confirming', 'confirming')
      : moving('checking', 'codeSent');
  }
  if (a.mode === 'redirect') return moving('waiting', 'cashier');
  // an Alipay QR shows up upstream only once scanned: "pending" then means the customer is paying
  if (a.provider === 'alipay' && o?.kind === 'pending') return moving('confirming', 'scanned');
  return moving('waiting', 'scan');
}
