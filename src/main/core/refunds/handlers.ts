/** Refunds' part of the contract (`refunds.*`): the quote is the counter's, a refund the owner's; a refund done now prints its slip. */
import type { HandlersOf } from '../handlers';
import type { Access } from '../people/access';
import type { Locale } from '../../../shared/types';
import type { CounterPrinter } from '../hardware/counter-printer';
import { refundSlip } from '../hardware/slip';
import type { Settings } from '../settings';
import type { OrderRefunds } from './order-refunds';

export function refundHandlers(
  orderRefunds: OrderRefunds,
  access: Access,
  d: { counterPrinter: CounterPrinter; settings: Settings; locale: () => Locale; timeZone: () => string },
): HandlersOf<'refunds.'> {
  const { auth } = access;
  const { counterPrinter, settings, locale, timeZone } = d;
  return {
    'refunds.quote': ({ orderId }) => orderRefunds.quote(orderId),
    'refunds.create': async ({ approvalPin, ...input }) => {
      const refund = await orderRefunds.create(input, await auth.authorize('owner', approvalPin));
      // a refund done now prints its slip; a cash one opens the drawer (an intermediary's that ends later prints none)
      if (refund.state === 'succeeded' && !counterPrinter.queue.has('refund', refund.refundNo)) {
        const slip = refundSlip(refund, settings.values.storeName, locale(), timeZone());
        if (refund.method === 'cash')
          void counterPrinter.afterCash(`cash refund ${refund.refundNo}`, { kind: 'refund', slip });
        else void counterPrinter.printAfter({ kind: 'refund', slip });
      }
      return refund;
    },
  };
}
