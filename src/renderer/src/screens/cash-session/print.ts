/** Printing an X or a Z: main prints (or saves a PDF); in browser mode the page prints itself. */
import { flushSync } from 'react-dom';
import type { Result } from '../../../../shared/result';
import type { CashPrintOutcome } from '../../../../shared/types';
import type { MessageKey, Params } from '../../i18n';
import { thrownToError, type Notifier } from '../../lib/notice';

/** Asks main to print; in browser mode the page prints itself (after `before` has updated it). */
export async function printThrough(
  pending: Promise<Result<CashPrintOutcome>>,
  notifier: Notifier,
  before: (o: CashPrintOutcome) => void,
): Promise<{ key: MessageKey; params?: Params } | null> {
  let r: Result<CashPrintOutcome>;
  try {
    r = await pending;
  } catch (err) {
    r = { ok: false, error: thrownToError(err) };
  }
  if (!r.ok) {
    notifier.error(r.error);
    return null;
  }
  const outcome = r.value;
  flushSync(() => before(outcome));
  if (outcome.kind === 'browser') {
    window.print();
    return { key: 'receipt.browserPrint' };
  }
  if (outcome.kind === 'pdf') return { key: 'receipt.savedPdf', params: { path: outcome.path ?? '' } };
  return { key: 'receipt.printed' };
}
