/**
 * An order's timeline in words (issue 12): each journal row is typed data (its kind, the states before
 * and after, its detail), rendered here in the clerk's language. No event code, state code or raw
 * detail reaches the screen; a kind this version does not know is called "another event".
 */
import { formatFen } from '../../../shared/money';
import type { JournalEntry } from '../../../shared/types';
import { isMessageKey, type Translate } from '../i18n';

/** The intermediaries' calls, by the op the journal records (`wire.<op>`), grouped by what they do. */
const WIRE_OPS: Record<string, 'create' | 'query' | 'close' | 'cancel' | 'refund' | 'refundQuery' | 'statement'> = {
  precreate: 'create',
  unifiedorder: 'create',
  pay: 'create',
  micropay: 'create',
  order: 'create',
  query: 'query',
  orderquery: 'query',
  QueryOrdDetail: 'query',
  close: 'close',
  closeorder: 'close',
  cancel: 'cancel',
  reverse: 'cancel',
  refund: 'refund',
  refund_query: 'refundQuery',
  refundquery: 'refundQuery',
  bill_url: 'statement',
  bill_download: 'statement',
  downloadbill: 'statement',
  DownloadStatement: 'statement',
};

/** What happened, in words: "Order created", "Asked the intermediary whether it is paid", … */
export function journalTitle(kind: string, t: Translate): string {
  const key = `journal.${kind}`;
  if (isMessageKey(key)) return t(key);
  const [head, ...rest] = kind.split('.');
  const tail = rest.join('.');
  if (head === 'wire') return t(`journal.wireOp.${WIRE_OPS[tail] ?? 'other'}`);
  if (head === 'exception') {
    const what = `exception.kind.${tail}`;
    return isMessageKey(what) ? t('journal.exception', { kind: t(what) }) : t('journal.exceptionOther');
  }
  return t('journal.other');
}

/** A state in words: an order's status for `order.*` rows, a refund's for `refund.*`, else a payment's. */
function stateWord(kind: string, state: string, t: Translate): string {
  const key = kind.startsWith('order.')
    ? `status.${state}`
    : kind.startsWith('refund.')
      ? `refund.state.${state}`
      : `attempt.${state}`;
  return isMessageKey(key) ? t(key) : t('journal.stateOther');
}

/** "Unpaid → Paid", "pending → paid" in words; null when the row changed no state. */
export function journalStates(j: Pick<JournalEntry, 'kind' | 'fromState' | 'toState'>, t: Translate): string | null {
  if (j.fromState === null && j.toState === null) return null;
  if (j.fromState === null) return stateWord(j.kind, j.toState!, t);
  if (j.toState === null) return t('journal.from', { state: stateWord(j.kind, j.fromState, t) });
  return `${stateWord(j.kind, j.fromState, t)} → ${stateWord(j.kind, j.toState, t)}`;
}

const fen = (v: unknown): string | null => (typeof v === 'number' && Number.isInteger(v) ? formatFen(v) : null);

/** The amounts a row carries, in words ("¥50.00 received, ¥3.50 change"); null when it has none. */
export function journalFacts(j: Pick<JournalEntry, 'kind' | 'detail'>, t: Translate): string | null {
  const d = j.detail ?? {};
  // s-tidy: an order cancelled by the owner's tidy-up shows the reason given
  if (typeof d['tidy'] === 'number' && typeof d['reason'] === 'string')
    return t('journal.facts.tidy', { reason: d['reason'] });
  const tendered = fen(d['tenderedFen']);
  if (tendered !== null) return t('journal.facts.cash', { tendered, change: fen(d['changeFen']) ?? formatFen(0) });
  const amount = fen(d['amountFen']) ?? fen(d['totalFen']);
  if (amount !== null) return t('journal.facts.amount', { amount });
  return null;
}
