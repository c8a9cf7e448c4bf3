import { closeSync, openSync, readSync } from 'node:fs';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DB_FILE } from '../../src/main/store/db';
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
    expect(list[0]).toMatchObject({
      number: '20261126-0001',
      status: 'paid',
      method: 'cash',
      totalFen: order.totalFen,
    });

    const again = must(await s.api.orders.receipt({ orderId: order.id }));
    expect(again.reprint).toBe(true);
    expect(must(await s.api.orders.receipt({ orderId: order.id, reprint: false })).reprint).toBe(false);
    expect(again.changeFen).toBe(paid.receipt.changeFen);
    const printed = must(await s.api.orders.print({ orderId: order.id }));
    expect(printed.kind).toBe('browser');
  });

  it('a scan takes a quantity typed before it (3* then a scan), bounded like any quantity', async () => {
    const cola = await bySku('DRI-001');
    let cart = must(await s.api.cart.scan({ code: cola.barcode!, qty: 3 }));
    expect(cart.lines.map((l) => [l.sku, l.qty])).toEqual([['DRI-001', 3]]);
    cart = must(await s.api.cart.scan({ code: cola.barcode! }));
    expect(cart.lines[0]!.qty).toBe(4);
    const bad = await s.api.cart.scan({ code: cola.barcode!, qty: 0 });
    expect(bad.ok).toBe(false);
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
    cart = must(
      await s.api.cart.setLineDiscount({ lineId: colaLine.lineId, discount: { kind: 'percent', value: 10 } }),
    );
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

/** Write transactions committed on the store so far: the WAL index header's change counter (the -shm file). */
function commitsSoFar(dir: string): number {
  const fd = openSync(join(dir, `${DB_FILE}-shm`), 'r');
  try {
    const header = Buffer.alloc(12);
    readSync(fd, header, 0, 12, 0);
    return endianness() === 'LE' ? header.readUInt32LE(8) : header.readUInt32BE(8);
  } finally {
    closeSync(fd);
  }
}

describe('the one-step cash sale (checkout.cashSale)', () => {
  const rows = (sql: string, ...params: unknown[]) =>
    s.core.store.sqlite.prepare(sql).all(...params) as Record<string, unknown>[];
  const counts = () =>
    Object.fromEntries(
      [
        'orders',
        'order_lines',
        'payment_attempts',
        'payment_journal',
        'day_counters',
        'stock_moves',
        'carts',
        'cart_lines',
        'audit_log',
        'report_sales_day',
      ].map((t) => [t, (rows(`SELECT count(*) AS n FROM ${t}`)[0] as { n: number }).n]),
    );
  const threeItems = async () => {
    const cola = await bySku('DRI-001');
    const chips = await bySku('SNA-001');
    must(await s.api.cart.add({ productId: cola.id }));
    must(await s.api.cart.add({ productId: chips.id }));
    return must(await s.api.cart.add({ productId: cola.id }));
  };

  it('confirms and pays the active cart in one call and one commit, writing exactly what confirm then payCash write', async () => {
    // the old way: confirm, then payCash — two commits
    let cart = await threeItems();
    let before = commitsSoFar(s.dir);
    const order = must(await s.api.checkout.confirm({}));
    const old = must(await s.api.checkout.payCash({ orderId: order.id, tenderedFen: 5000 }));
    expect(commitsSoFar(s.dir) - before).toBe(2);

    // the same cart, in one step
    cart = await threeItems();
    const events: unknown[] = [];
    const off = s.core.events.subscribe((event, payload) => events.push({ event, payload }));
    before = commitsSoFar(s.dir);
    const sale = must(await s.api.checkout.cashSale({ tenderedFen: 5000 }));
    expect(commitsSoFar(s.dir) - before, 'one write transaction (at synchronous=FULL)').toBe(1);
    off();
    expect(sale.order).toMatchObject({
      number: '20261126-0002',
      status: 'paid',
      totalFen: cart.totalFen,
      itemCount: 3,
      method: 'cash',
    });
    expect(sale.receipt).toMatchObject({
      number: '20261126-0002',
      method: 'cash',
      tenderedFen: 5000,
      changeFen: 5000 - cart.totalFen,
      reprint: false,
    });
    expect(sale.order.payments).toEqual([
      expect.objectContaining({
        method: 'cash',
        mode: 'cash',
        state: 'paid',
        amountFen: cart.totalFen,
        tenderedFen: 5000,
      }),
    ]);
    expect(sale.order.journal.map((j) => [j.kind, j.fromState, j.toState])).toEqual([
      ['order.created', null, 'open'],
      ['cash.tendered', 'created', 'paid'],
      ['order.paid', 'open', 'paid'],
    ]);
    // one event, for the order as it ends
    expect(events).toEqual([
      { event: 'order.changed', payload: { orderId: sale.order.id, number: '20261126-0002', status: 'paid' } },
    ]);
    // the cart was consumed
    expect(must(await s.api.cart.get({})).lines).toHaveLength(0);

    // row for row what the two calls wrote, but for ids, numbers and times
    const order1 = old.order.id;
    const order2 = sale.order.id;
    const strip = (r: Record<string, unknown>, ...keys: string[]) =>
      Object.fromEntries(Object.entries(r).filter(([k]) => !keys.includes(k)));
    const orderRow = (id: number) =>
      strip(
        rows('SELECT * FROM orders WHERE id = ?', id)[0]!,
        'id',
        'number',
        'seq',
        'cart_id',
        'created_at',
        'paid_at',
      );
    expect(orderRow(order2)).toEqual(orderRow(order1));
    const lines = (id: number) =>
      rows('SELECT * FROM order_lines WHERE order_id = ? ORDER BY line_no', id).map((r) => strip(r, 'id', 'order_id'));
    expect(lines(order2)).toEqual(lines(order1));
    const attempts = (id: number) =>
      rows('SELECT * FROM payment_attempts WHERE order_id = ?', id).map((r) =>
        strip(r, 'id', 'order_id', 'out_trade_no', 'created_at', 'updated_at', 'paid_at'),
      );
    expect(attempts(order2)).toEqual(attempts(order1));
    const journal = (id: number) =>
      rows('SELECT kind, from_state, to_state, detail FROM payment_journal WHERE order_id = ? ORDER BY id', id);
    expect(journal(order2)).toEqual(journal(order1));
    // the triggers counted it the same: stock taken once per line, the sale in the report tables
    const moves = (id: number) =>
      rows('SELECT product_id, delta, reason FROM stock_moves WHERE order_id = ? ORDER BY id', id);
    expect(moves(order2)).toEqual(moves(order1));
    expect(moves(order2)).toHaveLength(2);
    const day = rows('SELECT sum(orders) AS orders, sum(gross_fen) AS gross FROM report_sales_day')[0];
    expect(day).toEqual({ orders: 2, gross: 2 * cart.subtotalFen });
    expect(must(await s.api.orders.list({})).map((o) => [o.number, o.status, o.method])).toEqual([
      ['20261126-0002', 'paid', 'cash'],
      ['20261126-0001', 'paid', 'cash'],
    ]);
  });

  it('a refusal writes nothing and takes no number: an empty till, too little or too much tendered', async () => {
    const empty = counts();
    const none = await s.api.checkout.cashSale({ tenderedFen: 1000 });
    expect(none.ok || none.error.code).toBe('CART_EMPTY');
    expect(counts(), 'an empty till writes nothing, not even a cart').toEqual(empty);

    const cart = await threeItems();
    const start = counts();
    const low = await s.api.checkout.cashSale({ tenderedFen: cart.totalFen - 1 });
    expect(low.ok || low.error).toMatchObject({
      code: 'TENDER_TOO_LOW',
      details: { tenderedFen: cart.totalFen - 1, totalFen: cart.totalFen },
    });
    const silly = await s.api.checkout.cashSale({ tenderedFen: cart.totalFen + 100_001 });
    expect(silly.ok || silly.error).toMatchObject({ code: 'INVALID_INPUT', details: { field: 'tenderedFen' } });
    expect(counts(), 'no order, no payment, no journal row, no number taken, the cart as it was').toEqual(start);
    expect(must(await s.api.cart.get({})).lines.map((l) => [l.sku, l.qty])).toEqual([
      ['DRI-001', 2],
      ['SNA-001', 1],
    ]);

    // exact cash: no change; the refusals took no number
    const sale = must(await s.api.checkout.cashSale({ tenderedFen: cart.totalFen }));
    expect(sale.order.number).toBe('20261126-0001');
    expect(sale.receipt.changeFen).toBe(0);
  });

  it('sent twice at once, it sells the cart once: the second finds the till empty', async () => {
    const cart = await threeItems();
    const [a, b] = await Promise.all([
      s.api.checkout.cashSale({ tenderedFen: cart.totalFen }),
      s.api.checkout.cashSale({ tenderedFen: cart.totalFen }),
    ]);
    const outcomes = [a, b].map((r) => (r.ok ? r.value.order.status : r.error.code)).sort();
    expect(outcomes).toEqual(['CART_EMPTY', 'paid']);
    expect(rows('SELECT count(*) AS n FROM payment_attempts')[0]).toEqual({ n: 1 });
  });
});
