/** Refunds' part of the contract (`refunds.*`): the quote is the counter's, a refund the owner's; a refund done now prints its slip. */
import type { HandlersOf } from '../handlers';
import type { Access } from '../people/access';
import type { RefundSlips } from '../hardware/refund-slips';
import type { OrderRefunds } from './order-refunds';

export function refundHandlers(orderRefunds: OrderRefunds, access: Access, slips: RefundSlips): HandlersOf<'refunds.'> {
  const { auth } = access;
  return {
    'refunds.quote': ({ orderId }) => orderRefunds.quote(orderId),
    'refunds.create': async ({ approvalPin, ...input }) => {
      const refund = await orderRefunds.create(input, await auth.authorize('owner', approvalPin));
      // a refund done now prints its slip, once; a cash one opens the drawer (an intermediary's that
      // ends later prints when the poller sees it succeed: hardware/refund-slips.ts)
      slips.print(refund);
      return refund;
    },
  };
}
