/**
 * Selling: the cart, checkout (confirm and pay cash) and orders. The methods' schemas, spread into
 * the one contract in ../contract.ts.
 */
import { z } from 'zod';
import type {
  CartView,
  OrderSummary,
  OrderView,
  PaidOrder,
  ParkedCartView,
  PrintOutcome,
  Receipt,
  TimelineExport,
} from '../types';
import { id, qty, fen, day, empty, line, approvalPin, method } from './common';

export const discountSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('percent'), value: z.number().int().min(1).max(100) }).strict(),
  z.object({ kind: z.literal('amount'), value: fen.min(1) }).strict(),
]);

export const salesMethods = {
  'cart.get': method<CartView>()(empty),
  'cart.add': method<CartView>()(z.object({ productId: id, qty: qty.optional() }).strict()),
  'cart.scan': method<CartView>()(z.object({ code: line(z.string().min(1).max(64)), qty: qty.optional() }).strict()),
  'cart.setQty': method<CartView>()(z.object({ lineId: id, qty }).strict()),
  'cart.remove': method<CartView>()(z.object({ lineId: id }).strict()),
  'cart.clear': method<CartView>()(empty),
  /** above the store's discount limit a clerk needs the owner's PIN */
  'cart.setLineDiscount': method<CartView>()(
    z.object({ lineId: id, discount: discountSchema.nullable(), approvalPin }).strict(),
  ),
  'cart.setOrderDiscount': method<CartView>()(z.object({ discount: discountSchema.nullable(), approvalPin }).strict()),
  'cart.park': method<CartView>()(z.object({ label: line(z.string().max(40)).optional() }).strict()),
  'cart.parked': method<ParkedCartView[]>()(empty),
  'cart.resume': method<CartView>()(z.object({ cartId: id }).strict()),

  /** past the discount limit (judged on the final cart) and not approved yet, a clerk needs the owner's PIN */
  'checkout.confirm': method<OrderView>()(z.object({ approvalPin }).strict()),
  'checkout.payCash': method<PaidOrder>()(
    z
      .object({
        orderId: id,
        tenderedFen: fen,
        /** this cash part of the order (split tender, 组合支付); default all that it still owes */
        amountFen: fen.min(1).optional(),
        /** take cash although an intermediary payment is still being closed upstream (the clerk was warned; journaled) */
        overrideOpenAttempt: z.boolean().optional(),
        /** an owner's PIN for the override (a clerk cannot override alone) */
        approvalPin,
      })
      .strict(),
  ),

  /**
   * the common sale in one call: the active cart confirmed and paid in cash in one transaction (one
   * durable commit); the same checks as confirm then payCash, and a refusal writes nothing
   */
  'checkout.cashSale': method<PaidOrder>()(z.object({ tenderedFen: fen, approvalPin }).strict()),

  /** today's orders (anyone); another day's are the owner's */
  'orders.list': method<OrderSummary[]>()(z.object({ businessDay: day.optional(), approvalPin }).strict()),
  'orders.get': method<OrderView>()(z.object({ orderId: id }).strict()),
  /** back to the cart (restoreCart) is the clerk's; voiding the order (no restore) needs the owner */
  'orders.cancel': method<OrderView>()(
    z.object({ orderId: id, restoreCart: z.boolean().optional(), approvalPin }).strict(),
  ),
  'orders.receipt': method<Receipt>()(
    /** reprint (default true) marks the receipt REPRINT; the first receipt after a payment is not one */
    z.object({ orderId: id, reprint: z.boolean().optional() }).strict(),
  ),
  'orders.print': method<PrintOutcome>()(z.object({ orderId: id }).strict()),
  /** the payment timeline with its wire exchanges, for a dispute (owner) */
  'orders.exportTimeline': method<TimelineExport>()(
    z.object({ orderId: id, format: z.enum(['json', 'csv']), approvalPin }).strict(),
  ),
};
