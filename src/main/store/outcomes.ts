/**
 * How an outcome (src/shared/outcomes.ts) is kept in `payment_attempts.last_outcome` and
 * `refunds.last_outcome`: a short text, readable in the database (`paid`, `declined:ACQ.TRADE_HAS_CLOSE`,
 * `close:too_early`). It is the text the till has always written, so every row ever stored reads
 * without a migration. The columns' types are branded: only `storeAttemptOutcome` and
 * `storeRefundOutcome` make a value the store accepts, so no code writes a bare string there.
 */
import {
  NETWORK_TROUBLES,
  type AttemptOutcome,
  type CloseAnswer,
  type NetworkTrouble,
  type RefundOutcome,
} from '../../shared/outcomes';

declare const attemptOutcomeText: unique symbol;
declare const refundOutcomeText: unique symbol;
/** `payment_attempts.last_outcome`: written by `storeAttemptOutcome` only */
export type StoredAttemptOutcome = string & { readonly [attemptOutcomeText]: true };
/** `refunds.last_outcome`: written by `storeRefundOutcome` only */
export type StoredRefundOutcome = string & { readonly [refundOutcomeText]: true };

const CLOSE_ANSWERS: readonly CloseAnswer[] = ['closed', 'not_found', 'refunded', 'paid', 'too_early', 'retry'];

function attemptText(o: AttemptOutcome): string {
  switch (o.kind) {
    case 'declined':
    case 'failed':
      return `${o.kind}:${o.code}`;
    case 'unknown':
      return `${o.closing ? 'close:' : ''}unknown${o.trouble ? `:${o.trouble}` : ''}`;
    case 'unreachable':
      return `unreachable:${o.trouble}`;
    case 'untrusted':
      return `${o.closing ? 'close:' : ''}untrusted:${o.reason}`;
    case 'close':
      return `${o.call}:${o.answer}`;
    default:
      return o.kind;
  }
}

export function storeAttemptOutcome(o: AttemptOutcome): StoredAttemptOutcome {
  return attemptText(o) as StoredAttemptOutcome;
}

const SIMPLE_ATTEMPT = new Set<string>([
  'qr',
  'redirect',
  'waiting',
  'pending',
  'not_found',
  'paid',
  'closed_upstream',
  'foreign_trade',
  'amount_mismatch',
  'double_payment',
  'refunded',
]);

/** The text after `prefix`, when `text` starts with it. */
function after(text: string, prefix: string): string | null {
  return text.startsWith(prefix) ? text.slice(prefix.length) : null;
}

/** Reads a stored attempt outcome; null for none, or for a text no version of the till wrote. */
export function readAttemptOutcome(text: string | null): AttemptOutcome | null {
  if (text === null) return null;
  if (SIMPLE_ATTEMPT.has(text)) return { kind: text } as AttemptOutcome;
  if (text === 'unknown') return { kind: 'unknown', closing: false };
  if (text === 'close:unknown') return { kind: 'unknown', closing: true };
  let rest = after(text, 'unreachable:');
  if (rest === 'refused' || rest === 'dns' || rest === 'no_route') return { kind: 'unreachable', trouble: rest };
  rest = after(text, 'close:unknown:') ?? after(text, 'unknown:');
  if (rest !== null && (NETWORK_TROUBLES as readonly string[]).includes(rest))
    return { kind: 'unknown', closing: text.startsWith('close:'), trouble: rest as NetworkTrouble };
  rest = after(text, 'close:untrusted:');
  if (rest !== null) return { kind: 'untrusted', reason: rest, closing: true };
  if ((rest = after(text, 'untrusted:')) !== null) return { kind: 'untrusted', reason: rest, closing: false };
  if ((rest = after(text, 'declined:')) !== null) return { kind: 'declined', code: rest };
  if ((rest = after(text, 'failed:')) !== null) return { kind: 'failed', code: rest };
  for (const call of ['close', 'cancel'] as const) {
    rest = after(text, `${call}:`);
    if (rest !== null && (CLOSE_ANSWERS as readonly string[]).includes(rest))
      return { kind: 'close', call, answer: rest as CloseAnswer };
  }
  return null;
}

export function storeRefundOutcome(o: RefundOutcome): StoredRefundOutcome {
  switch (o.kind) {
    case 'declined':
    case 'failed':
      return `${o.kind}:${o.code}` as StoredRefundOutcome;
    case 'untrusted':
      return `untrusted:${o.reason}` as StoredRefundOutcome;
    default:
      return o.kind as StoredRefundOutcome;
  }
}

const SIMPLE_REFUND = new Set<string>([
  'cash',
  'succeeded',
  'accepted',
  'pending',
  'not_found',
  'unknown',
  'amount_mismatch',
]);

/** Reads a stored refund outcome; null for none, or for a text no version of the till wrote. */
export function readRefundOutcome(text: string | null): RefundOutcome | null {
  if (text === null) return null;
  if (SIMPLE_REFUND.has(text)) return { kind: text } as RefundOutcome;
  let rest = after(text, 'untrusted:');
  if (rest !== null) return { kind: 'untrusted', reason: rest };
  if ((rest = after(text, 'declined:')) !== null) return { kind: 'declined', code: rest };
  if ((rest = after(text, 'failed:')) !== null) return { kind: 'failed', code: rest };
  return null;
}
