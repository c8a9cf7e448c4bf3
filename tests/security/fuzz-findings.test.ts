/**
 * What the contract fuzzer (fuzz.test.ts) found on this branch, kept as plain regression tests:
 * - `app.info` and `app.setLocale` answered the data directory (AppInfo.dataDir), which names the
 *   user's home folder to any page holding the token and which no screen used;
 * - a discount refused on a till with no active cart (right after a checkout) still wrote: the
 *   approval check's read created the empty cart row outside the refused transaction.
 */
import { realpathSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { must, startServer, type TestServer } from '../support/core';

let s: TestServer | null = null;
afterEach(async () => {
  await s?.stop();
  s = null;
});

const carts = (t: TestServer) =>
  t.core.store.sqlite
    .prepare('SELECT id, status, order_discount_kind, order_discount_value FROM carts ORDER BY id')
    .all();

describe('found by the fuzzer', () => {
  it('an unknown method is named short in the answer, not echoed whole (a 60 KiB name)', async () => {
    s = await startServer({ poll: false });
    const name = `x${'A'.repeat(60_000)}`;
    const r = await s.transport.invoke(name as never, {} as never);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('UNKNOWN_METHOD');
    expect(r.error.message.length).toBeLessThan(120);
  });

  it('no answer names the data directory: app.info, app.setLocale', async () => {
    s = await startServer({ poll: false });
    const dirs = [s.dir, realpathSync(s.dir)];
    for (const [method, input] of [
      ['app.info', {}],
      ['app.setLocale', { locale: 'zh-CN' }],
      ['app.setLocale', { locale: 'en' }],
    ] as const) {
      const text = JSON.stringify(await s.transport.invoke(method, input));
      for (const dir of dirs) expect(text, method).not.toContain(dir);
      expect(text, method).not.toMatch(/"dataDir"/);
    }
  });

  it('confirming with no active cart is refused and writes nothing (no empty cart is created)', async () => {
    s = await startServer({ poll: false });
    const product = must(await s.api.catalog.search({ query: 'DRI-001' }))[0]!;
    must(await s.api.cart.add({ productId: product.id }));
    must(await s.api.checkout.confirm({})); // the cart became an order: no active cart now
    const before = carts(s);
    const r = await s.api.checkout.confirm({});
    expect(r.ok || r.error.code).toBe('CART_EMPTY');
    expect(carts(s)).toEqual(before);
  });

  it('a refused discount with no active cart writes nothing (no empty cart is created)', async () => {
    s = await startServer({ poll: false });
    const product = must(await s.api.catalog.search({ query: 'DRI-001' }))[0]!;
    must(await s.api.cart.add({ productId: product.id }));
    must(await s.api.checkout.confirm({})); // the cart became an order: no active cart now
    const before = carts(s);
    expect(before.filter((c) => (c as { status: string }).status === 'active')).toEqual([]);

    const order = await s.api.cart.setOrderDiscount({ discount: { kind: 'amount', value: 11 } });
    expect(order.ok ? 'ok' : order.error.code).toBe('DISCOUNT_TOO_LARGE');
    const line = await s.api.cart.setLineDiscount({ lineId: 1, discount: { kind: 'amount', value: 12 } });
    expect(line.ok ? 'ok' : line.error.code).toBe('NOT_FOUND');
    expect(carts(s)).toEqual(before);

    // an allowed discount still works on the (then created) cart, audited against that cart
    const ok = must(await s.api.cart.setOrderDiscount({ discount: { kind: 'percent', value: 5 } }));
    expect(ok.orderDiscount).toEqual({ kind: 'percent', value: 5 });
    expect(carts(s)).toHaveLength(before.length + 1);
  });
});
