/**
 * The receipt printer's part of the contract (`printer.*`). Its settings hold nothing secret: anyone
 * at the till reads them; saving is the owner's and audited. The test page and the status use the
 * saved printer only (a clerk cannot make the till connect anywhere else). The jobs not printed are
 * the counter's: anyone retries or dismisses one.
 */
import { PosError } from '../../../shared/errors';
import { stamp } from '../reports/printing';
import type { Audit } from '../people/audit';
import type { Store } from '../../store/db';
import type { Settings } from '../settings';
import type { Locale } from '../../../shared/types';
import type { HandlersOf } from '../handlers';
import type { Access } from '../people/access';
import type { CounterPrinter } from './counter-printer';
import { testSlip } from './slip';
import { logoHandlers } from './logo';

export interface PrinterHandlerDeps {
  store: Store;
  settings: Settings;
  audit: Audit;
  locale: () => Locale;
  timeZone: () => string;
  now: () => number;
}

export function printerHandlers(
  printer: CounterPrinter,
  access: Access,
  d: PrinterHandlerDeps,
): HandlersOf<'printer.'> {
  return {
    ...logoHandlers(d, access),
    'printer.settings': () => printer.config(),
    'printer.setSettings': async ({ config, approvalPin }) => {
      const actor = await access.auth.authorize('owner', approvalPin);
      const before = printer.config();
      d.store.tx(() => {
        d.settings.set('printer', config);
        d.audit.record(actor, 'printer.settings', 'printer', { before, after: config });
      });
      return printer.config();
    },
    'printer.test': () => {
      if (!printer.escpos)
        throw new PosError('PRINTER_NOT_ESCPOS', 'The test page is for a receipt printer (network, queue or serial).');
      const c = printer.config();
      return printer.printSlip({
        kind: 'test',
        slip: testSlip(d.settings.values.storeName, c, d.locale(), stamp(d.now(), d.timeZone(), d.locale())),
      });
    },
    'printer.status': () => printer.status(),
    'printer.jobs': () => printer.queue.owed(),
    'printer.retry': ({ jobId }) => printer.retry(jobId),
    'printer.dismiss': ({ jobId }) => {
      printer.queue.dismiss(jobId);
      return printer.queue.owed();
    },
  };
}
