import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { must, startServer, type TestServer } from '../support/core';

let s: TestServer;
beforeEach(async () => {
  s = await startServer();
});
afterEach(async () => {
  await s.stop();
});

const bySku = async (sku: string) => {
  const all = must(await s.api.catalog.products({ categoryId: null }));
  const p = all.find((x) => x.sku === sku);
  if (!p) throw new Error(`no ${sku}`);
  return p;
};

describe('a cash sale over the loopback transport', () => {
  it('sells goods for cash end to end, with totals computed in main', async () => {
    const cola = await bySku('DRI-001');
    const chips = await bySku('SNA-001');
    must(await s.api.cart.add({ productId: cola.id }));
    must(await s.api.cart.add({ productId: cola.id }));
    let cart = must(await s.api.cart.scan({ code: chips.barcode! }));
    expect(cart.lines.map((l) => [l.sku, l.qty])).toEqual([
      ['DRI-001', 2],
      ['SNA-001', 1],
    ]);
    expect(cart.totalFen).toBe(cola.priceFen * 2 + chips.priceFen);

    const order = must(await s.api.checkout.confirm({}));
    expect(order.number).toBe('20261126-0001');
    expect(order.status).toBe('open');
    expect(order.totalFen).toBe(cart.totalFen);
    // the cart was consumed
    cart = must(await s.api.cart.get({}));
    expect(cart.lines).toHaveLength(0);

    const paid = must(await s.api.checkout.payCash({ orderId: order.id, tenderedFen: 5000 }));
    expect(paid.order.status).toBe('paid');
    expect(paid.receipt.changeFen).toBe(5000 - order.totalFen);
    expect(paid.receipt.tenderedFen).toBe(5000);
    expect(paid.receipt.method).toBe('cash');
    expect(paid.order.payments).toHaveLength(1);
    expect(paid.order.payments[0]).toMatchObject({ method: 'cash', state: 'paid', amountFen: order.totalFen });
    expect(paid.order.journal.map((j) => j.kind)).toEqual(['order.created', 'cash.tendered', 'order.paid']);

    const list = must(await s.api.orders.list({}));
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ number: '20261126-0001', status: 'paid', method: 'cash', totalFen: order.totalFen });

    const again = must(await s.api.orders.receipt({ orderId: order.id }));
    expect(again.reprint).toBe(true);
    expect(must(await s.api.orders.receipt({ orderId: order.id, reprint: false })).reprint).toBe(false);
    expect(again.changeFen).toBe(paid.receipt.changeFen);
    const printed = must(await s.api.orders.print({ orderId: order.id }));
    expect(printed.kind).toBe('browser');
  });

  it('numbers orders sequentially per business day and starts again the next day', async () => {
    const cola = await bySku('DRI-001');
    const numbers: string[] = [];
    for (let i = 0; i < 3; i++) {
      must(await s.api.cart.add({ productId: cola.id }));
      numbers.push(must(await s.api.checkout.confirm({})).number);
    }
    // 16:30 UTC is 00:30 the next day in Shanghai
    s.clock.set('2026-11-26T16:30:00Z');
    must(await s.api.cart.add({ productId: cola.id }));
    numbers.push(must(await s.api.checkout.confirm({})).number);
    expect(numbers).toEqual(['20261126-0001', '20261126-0002', '20261126-0003', '20261127-0001']);
    // another day's orders are the owner's (a day's orders add up to its takings)
    expect(must(await s.api.orders.list({ businessDay: '2026-11-26', approvalPin: '8888' }))).toHaveLength(3);
    expect(must(await s.api.orders.list({}))).toHaveLength(1);
  });

  it('prices line and order discounts in integer fen and shares the order discount exactly', async () => {
    const cola = await bySku('DRI-001'); // 300
    const chips = await bySku('SNA-001'); // 750
    must(await s.api.cart.add({ productId: cola.id, qty: 3 }));
    let cart = must(await s.api.cart.add({ productId: chips.id }));
    const colaLine = cart.lines.find((l) => l.sku === 'DRI-001')!;
    cart = must(await s.api.cart.setLineDiscount({ lineId: colaLine.lineId, discount: { kind: 'percent', value: 10 } }));
    expect(cart.lineDiscountFen).toBe(90);
    cart = must(await s.api.cart.setOrderDiscount({ discount: { kind: 'amount', value: 101 } }));
    expect(cart.subtotalFen).toBe(900 + 750);
    expect(cart.totalFen).toBe(900 + 750 - 90 - 101);
    const order = must(await s.api.checkout.confirm({}));
    expect(order.totalFen).toBe(cart.totalFen);
    expect(order.lines.reduce((a, l) => a + l.orderDiscountShareFen, 0)).toBe(101);
    expect(order.lines.reduce((a, l) => a + l.totalFen, 0)).toBe(order.totalFen);
  });

  it('parks carts and resumes them without losing the one in progress', async () => {
    const cola = await bySku('DRI-001');
    const chips = await bySku('SNA-001');
    must(await s.api.cart.add({ productId: cola.id }));
    const empty = must(await s.api.cart.park({ label: 'Mr Wang' }));
    expect(empty.lines).toHaveLength(0);
    must(await s.api.cart.add({ productId: chips.id }));
    const parked = must(await s.api.cart.parked({}));
    expect(parked).toHaveLength(1);
    expect(parked[0]).toMatchObject({ label: 'Mr Wang', itemCount: 1, totalFen: cola.priceFen });
    const resumed = must(await s.api.cart.resume({ cartId: parked[0]!.id }));
    expect(resumed.lines.map((l) => l.sku)).toEqual(['DRI-001']);
    // the chips cart was parked in its place, not dropped
    const nowParked = must(await s.api.cart.parked({}));
    expect(nowParked.map((p) => p.totalFen)).toEqual([chips.priceFen]);
  });

  it('cancels an unpaid order, optionally putting its lines back in the cart, and refuses to pay it', async () => {
    const cola = await bySku('DRI-001');
    must(await s.api.cart.add({ productId: cola.id, qty: 2 }));
    const order = must(await s.api.checkout.confirm({}));
    const cancelled = must(await s.api.orders.cancel({ orderId: order.id, restoreCart: true }));
    expect(cancelled.status).toBe('cancelled');
    const cart = must(await s.api.cart.get({}));
    expect(cart.lines.map((l) => [l.sku, l.qty])).toEqual([['DRI-001', 2]]);
    const pay = await s.api.checkout.payCash({ orderId: order.id, tenderedFen: 10000 });
    expect(pay.ok || pay.error.code).toBe('ORDER_NOT_PAYABLE');
    const again = await s.api.orders.cancel({ orderId: order.id, approvalPin: '8888' });
    expect(again.ok || again.error.code).toBe('ORDER_NOT_CANCELLABLE');
  });

  it('answers a double-submitted cash payment with the same sale, charged once', async () => {
    const cola = await bySku('DRI-001');
    must(await s.api.cart.add({ productId: cola.id }));
    const order = must(await s.api.checkout.confirm({}));
    const [a, b] = await Promise.all([
      s.api.checkout.payCash({ orderId: order.id, tenderedFen: 1000 }),
      s.api.checkout.payCash({ orderId: order.id, tenderedFen: 1000 }),
    ]);
    expect(must(a).order.status).toBe('paid');
    expect(must(b).order.payments).toHaveLength(1);
    const other = await s.api.checkout.payCash({ orderId: order.id, tenderedFen: 2000 });
    expect(other.ok || other.error.code).toBe('ORDER_NOT_PAYABLE');
  });
});
