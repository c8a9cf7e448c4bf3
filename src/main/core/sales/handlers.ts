/**
 * Sales' part of the contract (`cart.*`, `checkout.*`, `orders.*`): the counter's own calls. A
 * discount past the store's limit needs the owner (discount-limits.ts), judged when it is set and
 * again on the final cart when the order is written; another day's orders, a void and the wire
 * exchanges of a timeline are the owner's (docs/security.md).
 */
import { PosError } from '../../../shared/errors';
import type { CartView, Locale, OrderView } from '../../../shared/types';
import type { Store } from '../../store/db';
import { businessDay, type Clock } from '../clock';
import type { HandlersOf } from '../handlers';
import type { Access } from '../people/access';
import type { Payments } from '../payments/attempts';
import type { Audit } from '../people/audit';
import type { Actor } from '../people/auth';
import { receiptHtml, type ReceiptPrinter } from '../reports/printing';
import type { CounterPrinter } from '../hardware/counter-printer';
import { receiptSlip } from '../hardware/slip';
import type { Settings } from '../settings';
import { checkDrawerForCash } from '../cash/drawer-rule';
import type { Carts } from './cart';
import {
  approvalRequired,
  auditOf,
  covered,
  pastLimit,
  shareOf,
  unapproved as unapprovedDiscounts,
} from './discount-limits';
import type { Orders } from './orders';
import type { OrderTidy } from './tidy';

export interface SalesHandlerDeps {
  store: Store;
  carts: Carts;
  orders: Orders;
  payments: Payments;
  settings: Settings;
  audit: Audit;
  clock: Clock;
  timeZone: () => string;
  printer: ReceiptPrinter;
  /** the ESC/POS receipt printer and the drawer, where one is set up (core/hardware/) */
  counterPrinter: CounterPrinter;
  /** the language a receipt is printed in */
  locale: () => Locale;
  /** the owner's tidy-up of abandoned unpaid orders */
  tidy: OrderTidy;
}

export function salesHandlers(
  d: SalesHandlerDeps,
  access: Access,
): HandlersOf<'cart.'> & HandlersOf<'checkout.'> & HandlersOf<'orders.'> {
  const { store, carts, orders, payments, settings, audit, clock, timeZone, printer, counterPrinter, locale, tidy } = d;
  const { auth, ownerRead } = access;

  /**
   * A discount above the store's limit needs the owner (the signed-in owner, or an owner's PIN)
   * unless the owner already approved as large a share of it (discount-limits.ts). Returns the
   * approving actor (the change is audited) or null, and the share to remember as approved.
   */
  const discountApproval = async (
    discount: { kind: 'percent' | 'amount'; value: number } | null,
    baseFen: number,
    approvedPpm: number | null,
    approvalPin: string | undefined,
  ): Promise<{ actor: Actor | null; approvedPpm: number | null }> => {
    if (!discount) return { actor: null, approvedPpm: null };
    // more than the amount is refused as DISCOUNT_TOO_LARGE by the cart, whoever asks
    if (discount.kind === 'amount' && discount.value > baseFen) return { actor: null, approvedPpm };
    const ppm = shareOf(discount, baseFen);
    if (!pastLimit(ppm, settings.values.discountLimitPercent) || covered(ppm, approvedPpm))
      return { actor: null, approvedPpm };
    return { actor: await auth.authorize('owner', approvalPin), approvedPpm: Math.max(ppm, approvedPpm ?? 0) };
  };

  /** An order as a clerk sees it: its timeline without the wire exchanges (the owner exports them with `orders.exportTimeline`). */
  const orderForCaller = (view: OrderView): OrderView =>
    auth.current().role === 'owner'
      ? view
      : { ...view, journal: view.journal.map((j) => (j.kind.startsWith('wire.') ? { ...j, detail: null } : j)) };

  /**
   * Before an order is written (checkout.confirm, checkout.cashSale): the limits are judged again on
   * the final cart; a discount past the limit the owner has not approved (at least as large a share)
   * needs the owner now. Returns the check to run inside the order's transaction, where that
   * approval is audited with the order.
   */
  const confirmChecks = async (approvalPin: string | undefined) => {
    const limit = () => settings.values.discountLimitPercent;
    const me = auth.current();
    // Only the owner signed in, or a PIN given, can approve here: then the cart is read first
    // (without creating one: confirming an empty till writes nothing) and the owner asked before
    // the transaction. A clerk without a PIN is refused by the check inside it, on the same cart.
    const canApprove = me.role === 'owner' || approvalPin !== undefined;
    const current = canApprove ? carts.peek() : null;
    const asked = current ? unapprovedDiscounts(current, carts.approvals(current.id), limit()) : [];
    let actor: Actor | null = null;
    if (asked.length > 0) actor = await auth.authorize('owner', approvalPin);
    return (cart: CartView, order: { id: number; number: string }) => {
      // a cart without a discount has nothing to judge, and its approvals need not be read
      if (cart.orderDiscount === null && cart.lines.every((l) => l.discount === null)) return;
      const past = unapprovedDiscounts(cart, carts.approvals(cart.id), limit());
      if (past.length === 0) return;
      // the cart changed while the owner was asked: what the owner saw must cover what is confirmed
      const seen = (j: (typeof past)[number]) =>
        asked.some((a) => a.scope === j.scope && a.lineId === j.lineId && j.ppm <= a.ppm);
      if (!actor || !past.every(seen)) throw approvalRequired(past, limit(), auth.current().role);
      audit.record(actor, 'discount.confirm', `order:${order.id}`, { after: past.map(auditOf), note: order.number });
    };
  };

  return {
    'cart.get': () => carts.view(),
    'cart.add': ({ productId, qty }) => carts.add(productId, qty),
    'cart.scan': ({ code, qty }) => carts.scan(code, qty),
    'cart.setQty': ({ lineId, qty }) => carts.setQty(lineId, qty),
    'cart.remove': ({ lineId }) => carts.remove(lineId),
    'cart.clear': () => carts.clear(),
    'cart.setLineDiscount': async ({ lineId, discount, approvalPin }) => {
      const line = carts.peek()?.lines.find((l) => l.lineId === lineId);
      const { actor, approvedPpm } = await discountApproval(
        discount,
        line?.grossFen ?? 0,
        carts.approvals().lines.get(lineId) ?? null,
        approvalPin,
      );
      return store.tx(() => {
        const before = line?.discount ?? null;
        const view = carts.setLineDiscount(lineId, discount, approvedPpm);
        if (actor) audit.record(actor, 'discount.line', `cart-line:${lineId}`, { before, after: discount });
        return view;
      });
    },
    'cart.setOrderDiscount': async ({ discount, approvalPin }) => {
      const cart = carts.peek();
      const { actor, approvedPpm } = await discountApproval(
        discount,
        cart ? cart.subtotalFen - cart.lineDiscountFen : 0,
        cart ? carts.approvals(cart.id).order : null,
        approvalPin,
      );
      return store.tx(() => {
        const view = carts.setOrderDiscount(discount, approvedPpm);
        if (actor)
          audit.record(actor, 'discount.order', `cart:${view.id}`, {
            before: cart?.orderDiscount ?? null,
            after: discount,
          });
        return view;
      });
    },
    'cart.park': ({ label }) => carts.park(label),
    'cart.parked': () => carts.parked(),
    'cart.resume': ({ cartId }) => carts.resume(cartId),
    'checkout.confirm': async ({ approvalPin }) => orders.confirm(await confirmChecks(approvalPin)),
    // confirm and payCash in one transaction: the same checks, one durable commit, nothing written on a refusal
    'checkout.cashSale': async ({ tenderedFen, approvalPin }) => {
      // refused before an owner is asked about a discount (judged again in the sale's transaction)
      checkDrawerForCash(store, settings);
      const paid = orders.cashSale(tenderedFen, await confirmChecks(approvalPin));
      void counterPrinter.afterCash(`cash sale ${paid.order.number}`);
      return { ...paid, order: orderForCaller(paid.order) };
    },
    'checkout.payCash': async ({ orderId, tenderedFen, amountFen, overrideOpenAttempt, approvalPin }) => {
      // the drawer first: no owner is asked for an override that could not end in cash
      checkDrawerForCash(store, settings);
      // an open intermediary payment blocks cash unless an owner overrides it
      const overrideBy =
        overrideOpenAttempt && payments.openAttempt(orderId) ? await auth.authorize('owner', approvalPin) : null;
      const paid = await orders.payCash(orderId, tenderedFen, overrideBy, amountFen);
      void counterPrinter.afterCash(`cash sale ${paid.order.number}`);
      return { ...paid, order: orderForCaller(paid.order) };
    },
    // today's orders are the counter's; another day's are the owner's (a day's orders add up to its takings)
    'orders.list': async ({ businessDay: day, approvalPin }) => {
      if (day !== undefined && day !== businessDay(clock.now(), timeZone())) await ownerRead(approvalPin);
      return orders.list(day);
    },
    'orders.get': ({ orderId }) => orderForCaller(orders.get(orderId)),
    'orders.cancel': async ({ orderId, restoreCart, approvalPin }) => {
      if (restoreCart) return orderForCaller(orders.cancel(orderId, true));
      // a void: the order is cancelled for good, which needs the owner
      const actor = await auth.authorize('owner', approvalPin);
      return store.tx(() => {
        const view = orders.cancel(orderId, false);
        audit.record(actor, 'order.void', `order:${orderId}`, {
          before: { status: 'open' },
          after: { status: view.status },
          note: view.number,
        });
        return view;
      });
    },
    // s-tidy: what a tidy-up would do is the counter's (unpaid orders hold no money); doing it is the owner's
    'orders.tidyPreview': ({ scope }) => tidy.preview(scope),
    'orders.tidy': async ({ scope, reason, approvalPin }) =>
      tidy.tidy(scope, reason, await auth.authorize('owner', approvalPin)),
    'orders.receipt': ({ orderId, reprint }) => orders.receipt(orderId, reprint ?? true),
    'orders.exportTimeline': async ({ orderId, format, approvalPin }) => {
      await ownerRead(approvalPin);
      return orders.exportTimeline(orderId, format);
    },
    'orders.print': async ({ orderId }) => {
      if (counterPrinter.escpos)
        return counterPrinter.printReceipt(
          orderId,
          (reprint) => orders.receipt(orderId, reprint),
          (r) => receiptSlip(r, locale(), timeZone()),
        );
      const receipt = orders.receipt(orderId, false);
      try {
        return await printer.print(receipt, receiptHtml(receipt, locale(), timeZone()));
      } catch (err) {
        throw new PosError('PRINT_FAILED', `The receipt could not be printed: ${(err as Error).message}`);
      }
    },
  };
}
