/**
 * Refund slips, printed once per refund. A refund done at once (cash, or an intermediary that
 * answers "succeeded" while the clerk waits) prints from `refunds.create`. An intermediary's refund
 * often only says "accepted": the refund poller learns later that it succeeded, after the clerk has
 * left the dialog — that one prints when the poller sees it succeed (the `refund.changed` event).
 * Both paths check the print queue for the refund's number and add the job in the same tick, so
 * whichever comes first prints and the other finds it there: once, never twice.
 *
 * Only the counter's own order refunds print: a refund the owner resolved from To check (a double
 * payment returned, say) has no customer waiting at the counter for a slip.
 */
import type { Kysely } from 'kysely';
import type { RefundView } from '../../../shared/types';
import type { Locale } from '../../../shared/types';
import type { Database } from '../../store/schema';
import type { Store } from '../../store/db';
import type { Events } from '../events';
import type { Settings } from '../settings';
import type { CounterPrinter } from './counter-printer';
import { refundSlip } from './slip';

/** Whether a refund came from an exception (by primary key: one row). */
export function refundOriginQuery(k: Kysely<Database>, refundId: number) {
  return k.selectFrom('refunds').select('exception_id').where('id', '=', refundId);
}

export interface RefundSlipDeps {
  store: Store;
  counterPrinter: CounterPrinter;
  settings: Settings;
  locale: () => Locale;
  timeZone: () => string;
}

export class RefundSlips {
  constructor(private readonly d: RefundSlipDeps) {}

  /** Prints the slip of a refund that succeeded, unless it was printed (or queued) already; a cash one opens the drawer. */
  print(refund: RefundView): void {
    const { counterPrinter, settings } = this.d;
    if (refund.state !== 'succeeded' || counterPrinter.queue.has('refund', refund.refundNo)) return;
    const slip = refundSlip(refund, settings.values.storeName, this.d.locale(), this.d.timeZone());
    if (refund.method === 'cash')
      void counterPrinter.afterCash(`cash refund ${refund.refundNo}`, { kind: 'refund', slip });
    else void counterPrinter.printAfter({ kind: 'refund', slip });
  }

  /** Follows the refunds: an intermediary's order refund that succeeds prints its slip once. */
  follow(events: Events): () => void {
    return events.subscribe((event, payload) => {
      if (event !== 'refund.changed') return;
      const refund = payload as RefundView;
      // cash refunds finish inside refunds.create, which opens the drawer with the slip
      if (refund.method === 'cash' || refund.state !== 'succeeded') return;
      if (!this.d.counterPrinter.escpos) return;
      const origin = this.d.store.first(refundOriginQuery(this.d.store.kysely, refund.id));
      if (!origin || origin.exception_id !== null) return;
      this.print(refund);
    });
  }
}
