/**
 * Scale labels through `cart.scan`: a price label and a weight label add their product at the price
 * inside, on lines of their own that survive the order, a cancel back into the cart and a refund; a
 * wrong check digit, an unknown product and a weight for a product sold by the bottle are named.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CartView, OrderView } from '../../src/shared/types';
import { checkDigit } from '../../src/main/core/hardware/scale-barcodes';
import { startCore, type TestCore } from '../support/core';

let t: TestCore;
const call = async <T>(method: string, input: unknown = {}): Promise<T> => {
  const r = await t.core.dispatch(method, input);
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
};
const code = async (method: string, input: unknown = {}) => {
  const r = await t.core.dispatch(method, input);
  return r.ok ? 'ok' : r.error.code;
};
const withCheck = (body: string) => `${body}${checkDigit(body)}`;

beforeEach(async () => {
  t = await startCore();
  const categoryId = (await call<{ id: number }[]>('catalog.categories'))[0]!.id;
  // apples at ¥12.80 a kg, scale PLU 123; a cake priced by its label, PLU 456
  for (const p of [
    { sku: '00123', nameZh: '苹果', nameEn: 'Apples', priceFen: 1280, unit: 'kg' },
    { sku: '456', nameZh: '蛋糕', nameEn: 'Cake', priceFen: 0, unit: '份' },
  ])
    await call('catalog.saveProduct', { ...p, barcode: null, categoryId, approvalPin: '8888' });
});
afterEach(() => t.close());

describe('scale labels (称重码) through cart.scan', () => {
  it('are not read until the owner sets a layout; the clerk cannot set one', async () => {
    expect(await code('cart.scan', { code: withCheck('210012301250') })).toBe('UNKNOWN_BARCODE');
    expect(await code('devices.set', { scaleLayouts: ['2FPPPPPAAAAAC'] })).toBe('OWNER_APPROVAL_REQUIRED');
    expect(await code('devices.set', { scaleLayouts: ['2FAAAAAPPPPPC'], approvalPin: '8888' })).toBe('INVALID_INPUT');
    expect((await call<{ scaleLayouts: string[] }>('devices.settings')).scaleLayouts).toEqual([]);
  });

  it('sells a price label and a weight label at the price inside, each on its own line, through a refund', async () => {
    await call('devices.set', {
      scaleLayouts: ['2FPPPPPAAAAAC', '2FPPPPPAAAAAWWWWWC'],
      approvalPin: '8888',
    });
    const priceLabel = withCheck('210045601250'); // cake, ¥12.50
    const weightLabel = withCheck('21001230066900523'); // apples, 523 g, ¥6.69 (18 digits)
    await call('cart.scan', { code: priceLabel });
    await call('cart.scan', { code: priceLabel }); // a second cake at the same price: its own line
    let cart = await call<CartView>('cart.scan', { code: weightLabel });
    expect(cart.lines.map((l) => [l.sku, l.qty, l.unitPriceFen, l.totalFen, l.labelCode, l.weightG])).toEqual([
      ['456', 1, 1250, 1250, priceLabel, null],
      ['456', 1, 1250, 1250, priceLabel, null],
      ['00123', 1, 669, 669, weightLabel, 523],
    ]);
    expect(cart.totalFen).toBe(1250 * 2 + 669);
    // an apple added by hand is priced from the catalogue, on a line of its own
    const apples = cart.lines[2]!.productId;
    cart = await call<CartView>('cart.add', { productId: apples });
    expect(cart.lines.map((l) => [l.unitPriceFen, l.labelCode])[3]).toEqual([1280, null]);
    await call('cart.remove', { lineId: cart.lines[3]!.lineId });

    // a line discount is judged against the label's price, not the catalogue's (¥0 for the cake)
    cart = await call<CartView>('cart.setLineDiscount', {
      lineId: cart.lines[0]!.lineId,
      discount: { kind: 'amount', value: 100 },
    });
    expect(cart.lines[0]!.totalFen).toBe(1150);

    // confirmed, cancelled back into the cart: the labels keep their prices
    const order = await call<OrderView>('checkout.confirm');
    expect(order.totalFen).toBe(1150 + 1250 + 669);
    cart = await call<CartView>('orders.cancel', { orderId: order.id, restoreCart: true }).then(() =>
      call<CartView>('cart.get'),
    );
    expect(cart.lines.map((l) => [l.unitPriceFen, l.labelCode, l.weightG])).toEqual([
      [1250, priceLabel, null],
      [1250, priceLabel, null],
      [669, weightLabel, 523],
    ]);
    expect(cart.totalFen).toBe(1150 + 1250 + 669);

    const sold = await call<{ order: OrderView }>('checkout.cashSale', { tenderedFen: 5000 });
    expect(sold.order.lines.map((l) => [l.unitPriceFen, l.qty, l.totalFen])).toEqual([
      [1250, 1, 1150],
      [1250, 1, 1250],
      [669, 1, 669],
    ]);
    const rows = t.core.store.sqlite
      .prepare('select label_code, label_weight_g from order_lines where order_id = ? order by line_no')
      .all(sold.order.id);
    expect(rows).toEqual([
      { label_code: priceLabel, label_weight_g: null },
      { label_code: priceLabel, label_weight_g: null },
      { label_code: weightLabel, label_weight_g: 523 },
    ]);
    // a refund of the apples gives back what the label charged
    const quote = await call<{ lines: { totalFen: number; refundableQty: number }[] }>('refunds.quote', {
      orderId: sold.order.id,
    });
    expect(quote.lines.map((l) => [l.totalFen, l.refundableQty])).toEqual([
      [1150, 1],
      [1250, 1],
      [669, 1],
    ]);
  });

  it('names a wrong check digit, an unknown product and a weight for a product not sold by weight', async () => {
    await call('devices.set', { scaleLayouts: ['2FPPPPPWWWWWC'], approvalPin: '8888' });
    const good = withCheck('210012300523');
    const bad = good.slice(0, -1) + String((Number(good.at(-1)) + 1) % 10);
    const r1 = await t.core.dispatch('cart.scan', { code: bad });
    expect(r1.ok ? null : [r1.error.code, r1.error.details]).toEqual(['SCALE_CODE_INVALID', { code: bad }]);
    const unknown = withCheck('210099900523');
    const r2 = await t.core.dispatch('cart.scan', { code: unknown });
    expect(r2.ok ? null : [r2.error.code, r2.error.details]).toEqual([
      'SCALE_UNKNOWN_PRODUCT',
      { code: unknown, plu: '00999' },
    ]);
    const cake = withCheck('210045600523');
    const r3 = await t.core.dispatch('cart.scan', { code: cake });
    expect(r3.ok ? null : [r3.error.code, r3.error.message]).toEqual([
      'SCALE_NOT_WEIGHED',
      expect.stringContaining('Cake (蛋糕) is not sold by weight'),
    ]);
    expect((await call<CartView>('cart.get')).lines).toEqual([]);
    // the good one sells: 523 g at ¥12.80/kg
    expect((await call<CartView>('cart.scan', { code: good })).totalFen).toBe(669);
  });
});
