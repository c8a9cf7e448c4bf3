/**
 * The customer display's view of the till (docs/architecture.md, "Customer display"): the lines as
 * they are scanned, the total, the payment QR while the customer may scan it, "paid" with the change
 * or "declined", and the store's name when idle. It follows the core: cart calls (`cartChanged`,
 * called by `core.dispatch` after a cart or checkout call), and the `order.changed` and
 * `payment.changed` events. Its feed is read-only and carries nothing the customer may not see
 * (no clerk, no order number, no trade number).
 */
import type { AttemptView, CartView, CustomerLine, CustomerView, OrderView } from '../../../shared/types';
import type { Carts } from '../sales/cart';
import type { Clock } from '../clock';
import type { Events } from '../events';
import type { Orders } from '../sales/orders';
import type { Settings } from '../settings';

/** At most this many lines are sent: a customer screen shows the last few. */
const MAX_LINES = 30;

type Focus =
  | { kind: 'none' }
  | { kind: 'order'; order: OrderView; attempt: AttemptView | null; qrSvg: string | null }
  | { kind: 'done'; order: OrderView; phase: 'paid' | 'declined' };

export interface CustomerDisplayDeps {
  carts: Carts;
  orders: Orders;
  settings: Settings;
  clock: Clock;
  events: Events;
  log?: (line: string) => void;
}

/** The last lines, as the customer sees them (a cart's lines, or an order's, which carry no weight). */
function customerLines(
  lines: readonly (Omit<CustomerLine, 'weightG'> & { weightG?: number | null })[],
): CustomerLine[] {
  return lines.slice(-MAX_LINES).map((l) => ({
    nameZh: l.nameZh,
    nameEn: l.nameEn,
    qty: l.qty,
    unitPriceFen: l.unitPriceFen,
    weightG: l.weightG ?? null,
    totalFen: l.totalFen,
  }));
}

export class CustomerDisplay {
  private focus: Focus = { kind: 'none' };
  private cart: CartView | null = null;
  private readonly listeners = new Set<(view: CustomerView) => void>();
  private readonly unsubscribe: () => void;
  /** a QR drawn once per text */
  private drawn: { text: string; svg: string } | null = null;

  constructor(private readonly d: CustomerDisplayDeps) {
    this.cart = d.carts.peek();
    this.unsubscribe = d.events.subscribe((event, payload) => {
      if (event === 'order.changed') this.orderChanged((payload as { orderId: number }).orderId);
      else if (event === 'payment.changed') void this.paymentChanged(payload as AttemptView);
      else if (event === 'app.localeChanged' || event === 'catalog.changed') this.push();
    });
  }

  /** What the display shows now. */
  view(): CustomerView {
    const f = this.focus;
    const cart = this.cart;
    const base = { storeName: this.d.settings.values.storeName, now: this.d.clock.now(), qr: null, paid: null };
    if (cart && cart.lines.length > 0) {
      return {
        ...base,
        phase: 'cart',
        lines: customerLines(cart.lines),
        itemCount: cart.itemCount,
        totalFen: cart.totalFen,
        discountFen: cart.lineDiscountFen + cart.orderDiscountFen,
      };
    }
    if (f.kind === 'none') return { ...base, phase: 'idle', lines: [], itemCount: 0, totalFen: 0, discountFen: 0 };
    const order = f.order;
    const common = {
      ...base,
      lines: customerLines(order.lines),
      itemCount: order.itemCount,
      totalFen: order.totalFen,
      discountFen: order.lineDiscountFen + order.orderDiscountFen,
    };
    if (f.kind === 'done') {
      if (f.phase === 'declined') return { ...common, phase: 'declined' };
      const cash = order.payments.find((p) => p.state === 'paid' && p.method === 'cash');
      return {
        ...common,
        phase: 'paid',
        paid: { method: order.method, tenderedFen: cash?.tenderedFen ?? null, changeFen: cash?.changeFen ?? null },
      };
    }
    const a = f.attempt;
    const qr =
      a && a.display.open && a.qrContent && f.qrSvg
        ? { provider: a.provider, text: a.qrContent, svg: f.qrSvg, countdownTo: a.display.countdownTo }
        : null;
    return { ...common, phase: 'pay', qr };
  }

  subscribe(listener: (view: CustomerView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** After a cart or checkout call: the cart as it now is (read, never created). */
  cartChanged(): void {
    this.cart = this.d.carts.peek();
    // a new sale begins: what was paid or declined gives way to it
    if (this.cart && this.cart.lines.length > 0 && this.focus.kind === 'done') this.focus = { kind: 'none' };
    this.push();
  }

  close(): void {
    this.unsubscribe();
    this.listeners.clear();
  }

  private orderChanged(orderId: number): void {
    let order: OrderView;
    try {
      order = this.d.orders.get(orderId);
    } catch {
      return;
    }
    if (order.status === 'open') {
      const same = this.focus.kind === 'order' && this.focus.order.id === orderId;
      this.focus = same ? { ...(this.focus as Extract<Focus, { kind: 'order' }>), order } : this.orderFocus(order);
    } else if (order.status === 'paid') {
      this.focus = { kind: 'done', order, phase: 'paid' };
    } else if (this.focus.kind !== 'none' && this.focus.order.id === orderId) {
      // cancelled (back into the cart, or voided) or refunded: nothing to show for it any more
      this.focus = { kind: 'none' };
    }
    this.cart = this.d.carts.peek();
    this.push();
  }

  private orderFocus(order: OrderView): Focus {
    return { kind: 'order', order, attempt: null, qrSvg: null };
  }

  private async paymentChanged(attempt: AttemptView): Promise<void> {
    const f = this.focus;
    const phase = attempt.display.phase;
    if (phase === 'paid') return; // order.changed follows with the paid order
    const mine = f.kind !== 'none' && f.order.id === attempt.orderId;
    // a paid sale stays on the screen until the next one; an attempt of another order is an old one
    if ((f.kind === 'done' && f.phase === 'paid') || (!mine && f.kind !== 'none')) return;
    if (f.kind !== 'order' || !mine) {
      // the first attempt of the order, or a new one after a decline
      let order: OrderView;
      try {
        order = this.d.orders.get(attempt.orderId);
      } catch {
        return;
      }
      // a late word about an old order's attempt is not today's sale
      if (order.status !== 'open' || (f.kind === 'none' && !attempt.display.open)) return;
      this.focus = this.orderFocus(order);
    }
    const current = this.focus as Extract<Focus, { kind: 'order' }>;
    if (phase === 'failed' || phase === 'expired') {
      this.focus = { kind: 'done', order: current.order, phase: 'declined' };
      this.push();
      return;
    }
    const svg = attempt.qrContent && attempt.display.open ? await this.draw(attempt.qrContent) : null;
    // another change may have come while the QR was drawn
    const now = this.focus;
    if (now.kind === 'order' && now.order.id === attempt.orderId) {
      this.focus = { ...now, attempt, qrSvg: svg };
      this.push();
    }
  }

  private async draw(text: string): Promise<string | null> {
    if (this.drawn?.text === text) return this.drawn.svg;
    try {
      // the same drawing as the clerk's pay screen (renderer components/payment-qr.tsx)
      // loaded on the first QR, not at start-up
      const { default: QRCode } = await import('qrcode');
      const svg = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
      this.drawn = { text, svg };
      return svg;
    } catch (err) {
      this.d.log?.(`customer display: the QR could not be drawn: ${(err as Error).message}`);
      return null;
    }
  }

  private push(): void {
    if (this.listeners.size === 0) return;
    const view = this.view();
    for (const l of this.listeners) {
      try {
        l(view);
      } catch {
        /* a failing display must not break the sale */
      }
    }
  }
}
