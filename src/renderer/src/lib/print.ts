import type { Receipt } from '../../../shared/types';
import { api } from '../api';
import type { MessageKey, Params } from '../i18n';
import type { Notifier } from './notice';

/**
 * Prints a receipt through main. With a receipt printer set up (Settings) main prints ESC/POS
 * itself and answers `printer`; else Electron prints to the default printer (or saves a PDF when
 * there is none), and in browser mode main answers `browser` and the browser's print dialog opens,
 * with the print stylesheet showing only the receipt. Returns the status message to show.
 */
export async function printReceipt(
  receipt: Receipt,
  notifier: Notifier,
): Promise<{ key: MessageKey; params?: Params } | null> {
  let result;
  try {
    result = await api.orders.print({ orderId: receipt.orderId });
  } catch (err) {
    notifier.error({ code: 'PRINT_FAILED', message: err instanceof Error ? err.message : String(err) });
    return null;
  }
  if (!result.ok) {
    notifier.error(result.error);
    // an ESC/POS printer's named failure: the job is kept (Settings lists it); printing again retries
    return result.error.code.startsWith('PRINTER_') ? { key: 'receipt.notPrinted' } : null;
  }
  const outcome = result.value;
  if (outcome.kind === 'browser') {
    window.print();
    return { key: 'receipt.browserPrint' };
  }
  if (outcome.kind === 'pdf') return { key: 'receipt.savedPdf', params: { path: outcome.path ?? '' } };
  return { key: 'receipt.printed' };
}
