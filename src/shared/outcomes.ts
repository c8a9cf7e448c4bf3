/**
 * What an intermediary last said about a payment attempt or a refund, as data, and what the pay
 * screen shows for an attempt (computed in main: `core/payments/display.ts`). The renderer shows
 * `AttemptView.display` as it is: it never reads an outcome to work out a phase, and knows no
 * provider's rules. Main stores an outcome in its own compact text form (`store/outcomes.ts`).
 */

/**
 * Why a call to an intermediary got no answer, as the HTTP layer saw it
 * (`intermediaries/http.ts`). `refused`, `dns` and `no_route` happen before a byte is sent: the
 * intermediary never had the request. The rest may come after it had it: a trade may exist.
 */
export const NETWORK_TROUBLES = ['refused', 'dns', 'no_route', 'timeout', 'reset', 'tls', 'server', 'other'] as const;
export type NetworkTrouble = (typeof NETWORK_TROUBLES)[number];

/** The request never reached the intermediary (nothing can exist upstream because of it). */
export function neverSent(t: NetworkTrouble | null | undefined): t is 'refused' | 'dns' | 'no_route' {
  return t === 'refused' || t === 'dns' || t === 'no_route';
}

/** The last answer about a payment attempt (the create call, the status query, or closing it), or what the till made of it. */
export type AttemptOutcome =
  /** the create call answered with a QR to show */
  | { kind: 'qr' }
  /** the create call answered with a cashier page to open */
  | { kind: 'redirect' }
  /** a payment code: the buyer is confirming on the phone (Alipay 10003, WeChat USERPAYING) */
  | { kind: 'waiting' }
  /** the trade exists upstream, unpaid (an Alipay QR: the customer has scanned it) */
  | { kind: 'pending' }
  /** no trade upstream yet (an Alipay QR nobody has scanned) */
  | { kind: 'not_found' }
  | { kind: 'paid' }
  /** the create call was refused: the intermediary's code (its message is `AttemptView.message`) */
  | { kind: 'declined'; code: string }
  /** the status query reports the trade failed (WeChat PAYERROR) */
  | { kind: 'failed'; code: string }
  /** the create call never reached the intermediary (refused, no such host, no route): failed, nothing to pay late */
  | { kind: 'unreachable'; trouble: 'refused' | 'dns' | 'no_route' }
  /** the intermediary closed the trade itself */
  | { kind: 'closed_upstream' }
  /** an answer about a trade this attempt did not create (its number was used elsewhere): never paid here */
  | { kind: 'foreign_trade' }
  /** reported paid with another amount: an exception, never paid */
  | { kind: 'amount_mismatch' }
  /** paid while the order was already paid another way: an exception waits for the owner */
  | { kind: 'double_payment' }
  /** a double payment's money went back (the refund that resolved it) */
  | { kind: 'refunded' }
  /** no definite answer (a timeout, a 5xx, SYSTEMERROR); `closing`: to the close or cancel; `trouble`: no answer on the wire, why */
  | { kind: 'unknown'; closing: boolean; trouble?: NetworkTrouble }
  /** an answer that failed verification (bad signature, another merchant…); `closing`: to the close or cancel */
  | { kind: 'untrusted'; reason: string; closing: boolean }
  /** the answer to closing the trade upstream (QR, cashier page) or cancelling it (a payment code) */
  | { kind: 'close'; call: 'close' | 'cancel'; answer: CloseAnswer };

/**
 * closed / not_found: over, unpaid; refunded: it had been paid and the cancel gave the money back;
 * paid: paid after all (a query settles it); too_early / retry: refused for now, tried again later.
 */
export type CloseAnswer = 'closed' | 'not_found' | 'refunded' | 'paid' | 'too_early' | 'retry';

/** The last answer about a refund (the refund call or the refund query), or what the till made of it. */
export type RefundOutcome =
  /** given back from the drawer: done at once */
  | { kind: 'cash' }
  | { kind: 'succeeded' }
  /** accepted by the intermediary, its end to be learnt by the refund query */
  | { kind: 'accepted' }
  | { kind: 'pending' }
  /** refused by the refund call, or failed by the refund query: the intermediary's code (its message is `RefundView.message`) */
  | { kind: 'declined'; code: string }
  | { kind: 'failed'; code: string }
  /** the intermediary knows no such refund: it is sent again under the same number */
  | { kind: 'not_found' }
  | { kind: 'unknown' }
  | { kind: 'untrusted'; reason: string }
  /** the intermediary refunded another amount: an exception, never this refund's success */
  | { kind: 'amount_mismatch' };

/** Where an attempt is, as the pay screen draws it (a spinner while it moves, a mark once it is over). */
export type AttemptPhase =
  | 'starting'
  | 'waiting'
  | 'confirming'
  | 'checking'
  | 'closing'
  | 'paid'
  | 'failed'
  | 'closed'
  | 'expired';

/** The sentence that says it: `attempt.status.<key>` in both dictionaries. */
export type AttemptStatusKey =
  | 'starting'
  | 'scan'
  | 'scanned'
  | 'cashier'
  | 'confirming'
  | 'codeSent'
  | 'unknown'
  | 'closing'
  | 'closingLate'
  | 'closeLater'
  | 'closeUnknown'
  | 'paid'
  | 'declined'
  | 'customerCancelled'
  | 'failed'
  | 'unreachable'
  | 'foreign'
  | 'closed'
  | 'expired';

/** What the pay screen shows for an attempt and what it lets the clerk do, decided in main. */
export interface AttemptDisplay {
  phase: AttemptPhase;
  status: AttemptStatusKey;
  /** main's own words under the status: why it is still checking, or the intermediary's reason for a decline */
  detail: string | null;
  /** no answer on the wire: why, shown in the clerk's words (`network.<trouble>`) instead of `detail` */
  trouble: NetworkTrouble | null;
  /** the customer may still pay it: the screen follows it and offers "check now" and "stop" */
  open: boolean;
  /** where the countdown runs to while the customer may pay (the deadline), else null */
  countdownTo: number | null;
  /**
   * Cash for the order meanwhile: `blocked` while the customer may be paying (stop the payment
   * first); `override` while it is being cancelled upstream (cash then needs the owner and is
   * recorded as an override of the payment); `free` once the attempt is over.
   */
  cash: 'blocked' | 'override' | 'free';
}
