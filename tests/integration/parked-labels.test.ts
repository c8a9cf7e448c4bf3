/**
 * Parked carts named by the clerk (finding 11 of issue 12): the name is kept (trimmed, empty means
 * none), control characters and over-long names are refused, and the recall list gives each cart's
 * name, item count, total, time and first item; a cart parked in place of one resumed has no name.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CartView, ParkedCartView } from '../../src/shared/types';
import { must, startCore, type TestCore } from '../support/core';

let t: TestCore;
afterEach(() => t?.close());

const call = async <T>(method: string, input: unknown): Promise<T> => must(await t.core.dispatch(method, input)) as T;
const code = async (method: string, input: unknown): Promise<string> => {
  const r = await t.core.dispatch(method, input);
  return r.ok ? 'ok' : r.error.code;
};
const add = (sku: string, qty = 1) =>
  call<CartView>('cart.add', { productId: t.core.catalog.findByCode(sku)!.id, qty });

describe('parked carts named by the clerk', () => {
  it('keeps the name, and lists name, count, total, time and first item', async () => {
    t = await startCore({ poll: false });
    await add('DRI-001', 2);
    const first = await add('SNA-001');
    await call('cart.park', { label: '  红衣服 ' });
    t.clock.advance(60_000);
    const second = await add('SNA-001', 3);
    await call('cart.park', { label: '' });
    // refused names change nothing
    await add('DRI-001');
    expect(await code('cart.park', { label: 'a\u0000b' })).toBe('INVALID_INPUT');
    expect(await code('cart.park', { label: 'x'.repeat(41) })).toBe('INVALID_INPUT');
    expect(await call<ParkedCartView[]>('cart.parked', {})).toHaveLength(2);

    const list = await call<ParkedCartView[]>('cart.parked', {});
    expect(list[0]).toMatchObject({
      label: '红衣服',
      itemCount: first.itemCount,
      totalFen: first.totalFen,
      firstItemEn: expect.stringContaining('Coca-Cola'),
    });
    expect(list[1]).toMatchObject({ label: null, itemCount: second.itemCount, totalFen: second.totalFen });
    expect(list[1]!.parkedAt - list[0]!.parkedAt).toBe(60_000);

    // resuming the named cart parks the one in progress in its place, unnamed
    await call('cart.resume', { cartId: list[0]!.id });
    const after = await call<ParkedCartView[]>('cart.parked', {});
    expect(after.map((c) => c.label)).toEqual([null, null]);
    expect((await call<CartView>('cart.get', {})).totalFen).toBe(first.totalFen);
  });
});
