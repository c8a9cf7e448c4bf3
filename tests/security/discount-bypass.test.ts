/**
 * Issue 9, defect 4: the discount limit judged only when a discount is set. A clerk takes ¥60 off
 * 100 × ¥3 (20 %, the limit: no PIN), then sets the quantity to 20: the fixed ¥60 now takes the
 * whole ¥60 and the order is paid at ¥0 with no audit row. Limits are now judged again on the final
 * cart at `checkout.confirm`; past the limit the owner is asked there (OWNER_APPROVAL_REQUIRED, or
 * `approvalPin`), and that approval is audited in the confirm transaction. A discount the owner
 * approved earlier stays approved while it is not a larger share than what was approved.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CartView, OrderView, UserView } from '../../src/shared/types';
import type { Result } from '../../src/shared/result';
import { must, startCore, type TestCore } from '../support/core';

let t: TestCore;
afterEach(() => t?.close());

const OWNER = '8888';
const call = async <T>(method: string, input: unknown): Promise<T> => must(await t.core.dispatch(method, input)) as T;
const failed = async (method: string, input: unknown) => {
  const r: Result<unknown> = await t.core.dispatch(method, input);
  if (r.ok) throw new Error(`${method} should have been refused`);
  return r.error;
};
const orders = () => t.core.orders.list();
const audits = () => t.core.audit.list().map((a) => [a.action, a.actor, a.approvedBy]);

async function colaCart(qty: number): Promise<{ lineId: number }> {
  const cola = t.core.catalog.findByCode('DRI-001')!; // ¥3.00
  const cart = await call<CartView>('cart.add', { productId: cola.id, qty });
  return { lineId: cart.lines[0]!.lineId };
}

describe('the discount limit is judged again at confirm', () => {
  it('the repro: ¥60 off a line of 100 × ¥3 (20 %), quantity cut to 20, is refused at confirm; with the owner it confirms, audited once', async () => {
    t = await startCore({ poll: false });
    const { lineId } = await colaCart(100);
    await call('cart.setLineDiscount', { lineId, discount: { kind: 'amount', value: 6000 } }); // 20 %: no PIN
    await call('cart.setQty', { lineId, qty: 20 });
    expect(t.core.carts.view().totalFen).toBe(0);
    const refused = await failed('checkout.confirm', {});
    expect(refused.code).toBe('OWNER_APPROVAL_REQUIRED');
    expect(refused.details).toMatchObject({ discount: 'line', lineId, sku: 'DRI-001', percent: 100, limitPercent: 20 });
    expect(orders()).toHaveLength(0);
    expect(t.core.carts.view().lines).toHaveLength(1);
    expect((await failed('checkout.confirm', { approvalPin: '0000' })).code).toBe('WRONG_PIN');
    expect(orders()).toHaveLength(0);
    const order = await call<OrderView>('checkout.confirm', { approvalPin: OWNER });
    expect(order.totalFen).toBe(0);
    const confirmAudits = t.core.audit.list({ action: 'discount.confirm' });
    expect(confirmAudits).toHaveLength(1);
    expect(confirmAudits[0]).toMatchObject({
      actor: '收银员 01',
      approvedBy: '店长',
      subject: `order:${order.id}`,
      note: order.number,
    });
    expect(audits()).toEqual([['discount.confirm', '收银员 01', '店长']]);
    await call('checkout.payCash', { orderId: order.id, tenderedFen: 0 });
  });

  it('the one-step cash sale (checkout.cashSale) judges the same limits: refused without the owner, nothing written; with the PIN it sells, audited once', async () => {
    t = await startCore({ poll: false });
    const { lineId } = await colaCart(100);
    await call('cart.setLineDiscount', { lineId, discount: { kind: 'amount', value: 6000 } }); // 20 %: no PIN
    await call('cart.setQty', { lineId, qty: 20 });
    const refused = await failed('checkout.cashSale', { tenderedFen: 0 });
    expect(refused.code).toBe('OWNER_APPROVAL_REQUIRED');
    expect(refused.details).toMatchObject({ discount: 'line', lineId, sku: 'DRI-001', percent: 100, limitPercent: 20 });
    expect(orders()).toHaveLength(0);
    expect(t.core.carts.view().lines).toHaveLength(1);
    expect((await failed('checkout.cashSale', { tenderedFen: 0, approvalPin: '0000' })).code).toBe('WRONG_PIN');
    expect(orders()).toHaveLength(0);
    const { order } = await call<{ order: OrderView }>('checkout.cashSale', { tenderedFen: 0, approvalPin: OWNER });
    expect(order).toMatchObject({ status: 'paid', totalFen: 0 });
    expect(t.core.audit.list({ action: 'discount.confirm' })).toHaveLength(1);
    expect(audits()).toEqual([['discount.confirm', '收银员 01', '店长']]);
  });

  it('the same with an order discount: ¥60 off 100 × ¥3, then 20 left, is refused at confirm', async () => {
    t = await startCore({ poll: false });
    const { lineId } = await colaCart(100);
    await call('cart.setOrderDiscount', { discount: { kind: 'amount', value: 6000 } });
    await call('cart.setQty', { lineId, qty: 20 });
    const refused = await failed('checkout.confirm', {});
    expect(refused.code).toBe('OWNER_APPROVAL_REQUIRED');
    expect(refused.details).toMatchObject({ discount: 'order', percent: 100, limitPercent: 20 });
    // an amount larger than what remains counts as over the limit too
    await call('cart.setQty', { lineId, qty: 10 });
    expect((await failed('checkout.confirm', {})).details).toMatchObject({ discount: 'order', percent: 200 });
    expect(orders()).toHaveLength(0);
    await call('checkout.confirm', { approvalPin: OWNER });
    expect(t.core.audit.list({ action: 'discount.confirm' })).toHaveLength(1);
  });

  it('within the limit at confirm needs no one: ¥60 off 100 × ¥3 stays 20 %, or less when more is added', async () => {
    t = await startCore({ poll: false });
    const { lineId } = await colaCart(100);
    await call('cart.setOrderDiscount', { discount: { kind: 'amount', value: 6000 } });
    await call('cart.setQty', { lineId, qty: 120 });
    await call('checkout.confirm', {});
    expect(audits()).toEqual([]);
  });

  it('an approved discount that does not grow needs no second PIN; one that grows is asked for again', async () => {
    t = await startCore({ poll: false });
    const { lineId } = await colaCart(100);
    // ¥150 off ¥300 is 50 %: the owner approves it when it is set
    await call('cart.setLineDiscount', { lineId, discount: { kind: 'amount', value: 15000 }, approvalPin: OWNER });
    await call('cart.setQty', { lineId, qty: 150 }); // 33 %: smaller than approved
    await call('cart.setQty', { lineId, qty: 100 }); // 50 %: as approved
    const o1 = await call<OrderView>('checkout.confirm', {});
    expect(audits()).toEqual([['discount.line', '收银员 01', '店长']]);
    // back to the cart to edit: the discounts the order had stay approved
    await call('orders.cancel', { orderId: o1.id, restoreCart: true });
    const again = t.core.carts.view();
    await call('cart.setQty', { lineId: again.lines[0]!.lineId, qty: 60 }); // 83 %: more than approved
    expect((await failed('checkout.confirm', {})).details).toMatchObject({ discount: 'line', percent: 83.3 });
    await call('cart.setQty', { lineId: again.lines[0]!.lineId, qty: 100 });
    await call('checkout.confirm', {});
    expect(t.core.audit.list({ action: 'discount.confirm' })).toHaveLength(0);
  });

  it('a percent discount the owner approved stays approved whatever the quantity; a lower one needs no PIN either', async () => {
    t = await startCore({ poll: false });
    const { lineId } = await colaCart(3);
    await call('cart.setOrderDiscount', { discount: { kind: 'percent', value: 50 }, approvalPin: OWNER });
    await call('cart.setOrderDiscount', { discount: { kind: 'percent', value: 40 } }); // within what was approved
    await call('cart.setQty', { lineId, qty: 7 });
    await call('checkout.confirm', {});
    expect(audits()).toEqual([['discount.order', '收银员 01', '店长']]);
  });

  it('the owner signed in confirms past the limit alone, and it is audited', async () => {
    t = await startCore({ poll: false });
    const { lineId } = await colaCart(100);
    await call('cart.setLineDiscount', { lineId, discount: { kind: 'amount', value: 6000 } });
    await call('cart.setQty', { lineId, qty: 30 });
    const owner = (await call<UserView[]>('auth.users', {})).find((u) => u.role === 'owner')!;
    await call('auth.login', { userId: owner.id, pin: OWNER });
    await call('checkout.confirm', {});
    expect(audits()).toEqual([['discount.confirm', '店长', null]]);
  });

  it('a whole cart given away is over the limit even when the limit is 100 %', async () => {
    t = await startCore({ poll: false });
    t.core.settings.set('discountLimitPercent', 100);
    const { lineId } = await colaCart(2);
    expect((await failed('cart.setLineDiscount', { lineId, discount: { kind: 'percent', value: 100 } })).code).toBe(
      'OWNER_APPROVAL_REQUIRED',
    );
    await call('cart.setLineDiscount', { lineId, discount: { kind: 'percent', value: 99 } });
    await call('checkout.confirm', {});
  });
});
