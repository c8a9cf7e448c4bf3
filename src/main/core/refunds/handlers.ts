/** Refunds' part of the contract (`refunds.*`): the quote is the counter's, a refund the owner's. */
import type { HandlersOf } from '../handlers';
import type { Access } from '../people/access';
import type { OrderRefunds } from './order-refunds';

export function refundHandlers(orderRefunds: OrderRefunds, access: Access): HandlersOf<'refunds.'> {
  const { auth } = access;
  return {
    'refunds.quote': ({ orderId }) => orderRefunds.quote(orderId),
    'refunds.create': async ({ approvalPin, ...input }) =>
      orderRefunds.create(input, await auth.authorize('owner', approvalPin)),
  };
}
