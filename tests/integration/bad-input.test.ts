import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { must, startServer, type TestServer } from '../support/core';

let s: TestServer;
let colaId: number;
beforeAll(async () => {
  s = await startServer();
  colaId = must(await s.api.catalog.search({ query: 'DRI-001' }))[0]!.id;
});
afterAll(async () => {
  await s.stop();
});

const code = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error!.code);

describe('bad input gets a clear error and changes nothing', () => {
  it.each([
    ['zero', 0],
    ['negative', -1],
    ['fractional', 1.5],
    ['absurd', 10_000],
    ['a string', '2'],
    ['NaN-like null', null],
  ])('refuses a %s quantity', async (_name, qty) => {
    const r = await s.transport.invoke('cart.add', { productId: colaId, qty });
    expect(code(r)).toBe('INVALID_INPUT');
    expect(must(await s.api.cart.get({})).lines).toHaveLength(0);
  });

  it('refuses an unknown product id and an unknown barcode, naming it', async () => {
    expect(code(await s.api.cart.add({ productId: 999_999 }))).toBe('UNKNOWN_PRODUCT');
    const r = await s.api.cart.scan({ code: '6900000000000' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('UNKNOWN_BARCODE');
      expect(r.error.details?.code).toBe('6900000000000');
    }
  });

  it('refuses extra fields, wrong types, unknown methods and malformed calls', async () => {
    expect(code(await s.transport.invoke('cart.add', { productId: colaId, priceFen: 1 }))).toBe('INVALID_INPUT');
    expect(code(await s.transport.invoke('cart.add', { productId: String(colaId) }))).toBe('INVALID_INPUT');
    expect(code(await s.transport.invoke('cart.add', [colaId]))).toBe('INVALID_INPUT');
    expect(code(await s.transport.invoke('cart.drop' as never, {}))).toBe('UNKNOWN_METHOD');
    expect(code(await s.transport.invoke('__proto__' as never, {}))).toBe('UNKNOWN_METHOD');
    const notJson = await s.transport.raw('{"method":');
    expect(notJson.status).toBe(400);
    expect(code((await notJson.json()) as never)).toBe('INVALID_INPUT');
    const extra = await s.transport.raw({ method: 'cart.get', input: {}, sneaky: 1 });
    expect(extra.status).toBe(400);
    expect(must(await s.api.cart.get({})).lines).toHaveLength(0);
  });

  it('refuses calls without the token or from another host name', async () => {
    const noToken = await s.transport.raw({ method: 'cart.get', input: {} }, { authorization: 'Bearer nope' });
    expect(noToken.status).toBe(401);
    // DNS rebinding: a page on another name that resolves to 127.0.0.1 sends its own Host header.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: s.web.port,
          path: '/api/invoke',
          method: 'POST',
          headers: { host: 'evil.example', 'content-type': 'application/json', authorization: `Bearer ${s.web.token}` },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ method: 'cart.get', input: {} }));
    });
    expect(status).toBe(421);
  });

  it('refuses a tender below the total and an absurd one, leaving the order open', async () => {
    must(await s.api.cart.add({ productId: colaId }));
    const order = must(await s.api.checkout.confirm({}));
    const low = await s.api.checkout.payCash({ orderId: order.id, tenderedFen: order.totalFen - 1 });
    expect(code(low)).toBe('TENDER_TOO_LOW');
    const absurd = await s.api.checkout.payCash({ orderId: order.id, tenderedFen: order.totalFen + 10_000_000 });
    expect(code(absurd)).toBe('INVALID_INPUT');
    const detail = must(await s.api.orders.get({ orderId: order.id }));
    expect(detail.status).toBe('open');
    expect(detail.payments).toHaveLength(0);
    must(await s.api.orders.cancel({ orderId: order.id, approvalPin: '8888' }));
  });

  it('refuses checking out an empty cart and discounts larger than the amount', async () => {
    expect(code(await s.api.checkout.confirm({}))).toBe('CART_EMPTY');
    const cart = must(await s.api.cart.add({ productId: colaId }));
    const line = cart.lines[0]!;
    expect(
      code(
        await s.api.cart.setLineDiscount({
          lineId: line.lineId,
          discount: { kind: 'amount', value: line.grossFen + 1 },
        }),
      ),
    ).toBe('DISCOUNT_TOO_LARGE');
    expect(code(await s.api.cart.setOrderDiscount({ discount: { kind: 'percent', value: 101 } }))).toBe(
      'INVALID_INPUT',
    );
    expect(code(await s.api.cart.setOrderDiscount({ discount: { kind: 'amount', value: cart.totalFen + 1 } }))).toBe(
      'DISCOUNT_TOO_LARGE',
    );
    expect(must(await s.api.cart.get({})).totalFen).toBe(cart.totalFen);
    must(await s.api.cart.clear({}));
  });

  it('writes no half order when the disk fills up during checkout', async () => {
    // a long basket, so the order cannot fit in the pages the database already has
    const products = must(await s.api.catalog.products({ categoryId: null })).slice(0, 50);
    for (const p of products) must(await s.api.cart.add({ productId: p.id, qty: 3 }));
    const before = must(await s.api.orders.list({})).length;
    // A "disk" that is full: the database may not grow, and every free page is taken.
    const db = s.core.store.sqlite;
    db.exec('create table filler(x)');
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    const fill = db.prepare('insert into filler values (randomblob(500))');
    for (let i = 0; i < 100_000; i++) {
      try {
        fill.run();
      } catch {
        break;
      }
    }
    const r = await s.api.checkout.confirm({});
    s.core.store.sqlite.pragma('max_page_count = 1073741823');
    expect(code(r)).toBe('STORAGE_FULL');
    if (!r.ok) expect(r.error.message).toMatch(/nothing was saved/);
    expect(must(await s.api.orders.list({})).length).toBe(before);
    expect(must(await s.api.cart.get({})).lines).toHaveLength(50);
    const order = must(await s.api.checkout.confirm({}));
    expect(order.number).toMatch(/-0002$/);
  });
  it('sells nothing in one step on a full disk: no order, no payment, the cart whole', async () => {
    const products = must(await s.api.catalog.products({ categoryId: null })).slice(0, 50);
    let cart = must(await s.api.cart.get({}));
    for (const p of products) cart = must(await s.api.cart.add({ productId: p.id, qty: 3 }));
    const db = s.core.store.sqlite;
    const count = (table: string) => (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
    const before = { orders: count('orders'), attempts: count('payment_attempts'), journal: count('payment_journal') };
    db.exec('create table filler_sale(x)');
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    const fill = db.prepare('insert into filler_sale values (randomblob(500))');
    for (let i = 0; i < 100_000; i++) {
      try {
        fill.run();
      } catch {
        break;
      }
    }
    const r = await s.api.checkout.cashSale({ tenderedFen: cart.totalFen });
    db.pragma('max_page_count = 1073741823');
    expect(code(r)).toBe('STORAGE_FULL');
    expect({ orders: count('orders'), attempts: count('payment_attempts'), journal: count('payment_journal') }).toEqual(
      before,
    );
    expect(must(await s.api.cart.get({})).lines).toHaveLength(50);
    const sale = must(await s.api.checkout.cashSale({ tenderedFen: cart.totalFen }));
    expect(sale.order).toMatchObject({ status: 'paid', totalFen: cart.totalFen });
  });
});
