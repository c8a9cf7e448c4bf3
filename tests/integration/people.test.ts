/**
 * People at the till through the contract: locking and signing in (enforced in main), adding users,
 * changing PINs, retiring users, and the audit log exported as CSV.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { UserView } from '../../src/shared/types';
import { must, startCore, type TestCore } from '../support/core';

let t: TestCore;
afterEach(() => t?.close());

const code = async (method: string, input: unknown): Promise<string> => {
  const r = await t.core.dispatch(method, input);
  return r.ok ? 'ok' : r.error.code;
};
const call = async <T>(method: string, input: unknown): Promise<T> => must(await t.core.dispatch(method, input)) as T;

describe('people at the till', () => {
  it('a locked till refuses everything but signing in; the user who signs in sells under their name', async () => {
    t = await startCore({ poll: false });
    const cola = t.core.catalog.findByCode('DRI-001')!;
    await call('auth.lock', {});
    expect(await code('cart.add', { productId: cola.id })).toBe('LOCKED');
    expect(await code('orders.list', {})).toBe('LOCKED');
    expect((await call<{ locked: boolean }>('app.info', {})).locked).toBe(true);
    expect(await call('auth.current', {})).toBeNull();
    const users = await call<UserView[]>('auth.users', {});
    const owner = users.find((u) => u.role === 'owner')!;
    expect(await code('auth.login', { userId: owner.id, pin: '1234' })).toBe('WRONG_PIN');
    expect(await code('cart.add', { productId: cola.id })).toBe('LOCKED');
    await call('auth.login', { userId: owner.id, pin: '8888' });
    expect((await call<{ locked: boolean; clerk: string }>('app.info', {})).clerk).toBe('店长');
    await call('cart.add', { productId: cola.id });
    const order = await call<{ clerk: string }>('checkout.confirm', {});
    expect(order.clerk).toBe('店长');
  });

  it('the owner adds a clerk, sets a PIN and retires a user; a clerk cannot; the last owner stays', async () => {
    t = await startCore({ poll: false });
    expect(await code('auth.addUser', { name: '收银员 02', role: 'clerk', pin: '2468' })).toBe(
      'OWNER_APPROVAL_REQUIRED',
    );
    const added = await call<UserView>('auth.addUser', {
      name: '收银员 02',
      role: 'clerk',
      pin: '2468',
      approvalPin: '8888',
    });
    expect(await code('auth.addUser', { name: '收银员 02', role: 'clerk', pin: '1357', approvalPin: '8888' })).toBe(
      'INVALID_INPUT',
    );
    await call('auth.login', { userId: added.id, pin: '2468' });
    expect((await call<UserView>('auth.current', {})).name).toBe('收银员 02');
    await call('auth.setPin', { userId: added.id, pin: '97531', approvalPin: '8888' });
    expect(await code('auth.login', { userId: added.id, pin: '2468' })).toBe('WRONG_PIN');
    await call('auth.login', { userId: added.id, pin: '97531' });
    const owner = (await call<UserView[]>('auth.users', {})).find((u) => u.role === 'owner')!;
    expect(await code('auth.retire', { userId: owner.id, approvalPin: '8888' })).toBe('INVALID_INPUT');
    await call('auth.retire', { userId: added.id, approvalPin: '8888' });
    expect((await call<UserView[]>('auth.users', {})).map((u) => u.name)).not.toContain('收银员 02');
    expect(await code('auth.login', { userId: added.id, pin: '97531' })).toBe('NOT_FOUND');
    expect(t.core.audit.list().map((a) => a.action)).toEqual(['user.retire', 'user.setPin', 'user.add']);
  });

  it('the audit log exports as CSV for the owner only, with spreadsheet formulas neutralised', async () => {
    t = await startCore({ poll: false });
    await call('auth.addUser', { name: '收银员 02', role: 'clerk', pin: '2468', approvalPin: '8888' });
    // a note typed by someone is the kind of cell a spreadsheet would run as a formula
    t.core.store.tx(() => t.core.audit.record(t.core.auth.current(), 'test.note', null, { note: '=HYPERLINK("x")' }));
    expect(await code('audit.export', {})).toBe('OWNER_APPROVAL_REQUIRED');
    const file = await call<{ filename: string; mime: string; content: string }>('audit.export', {
      approvalPin: '8888',
    });
    expect(file.filename).toMatch(/^audit-log-2026-11-26\.csv$/);
    const lines = file.content
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('id,at,actor,role,approved_by,action,subject,before,after,note');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain('user.add');
    expect(lines[2]).toContain(`"'=HYPERLINK(""x"")"`);
    expect(lines[2]).not.toMatch(/,=HYPERLINK/);
  });
});

describe('owner approval at the counter', () => {
  it('a discount above the limit needs the owner; within it the clerk alone; approved ones are audited', async () => {
    t = await startCore({ poll: false });
    const cola = t.core.catalog.findByCode('DRI-001')!;
    const cart = await call<{ lines: { lineId: number }[] }>('cart.add', { productId: cola.id, qty: 10 });
    const lineId = cart.lines[0]!.lineId;
    await call('cart.setLineDiscount', { lineId, discount: { kind: 'percent', value: 20 } });
    expect(await code('cart.setLineDiscount', { lineId, discount: { kind: 'percent', value: 21 } })).toBe(
      'OWNER_APPROVAL_REQUIRED',
    );
    // ¥7.00 off ¥30.00 is 23%: over the limit too
    expect(await code('cart.setLineDiscount', { lineId, discount: { kind: 'amount', value: 700 } })).toBe(
      'OWNER_APPROVAL_REQUIRED',
    );
    expect(await code('cart.setOrderDiscount', { discount: { kind: 'percent', value: 50 } })).toBe(
      'OWNER_APPROVAL_REQUIRED',
    );
    expect(t.core.carts.view().lines[0]!.discount).toEqual({ kind: 'percent', value: 20 });
    const v = await call<{ orderDiscount: unknown }>('cart.setOrderDiscount', {
      discount: { kind: 'percent', value: 50 },
      approvalPin: '8888',
    });
    expect(v.orderDiscount).toEqual({ kind: 'percent', value: 50 });
    expect(t.core.audit.list().map((a) => [a.action, a.approvedBy])).toEqual([['discount.order', '店长']]);
  });

  it('voiding an order needs the owner; going back to the cart does not', async () => {
    t = await startCore({ poll: false });
    const cola = t.core.catalog.findByCode('DRI-001')!;
    await call('cart.add', { productId: cola.id });
    const o1 = await call<{ id: number }>('checkout.confirm', {});
    expect(await code('orders.cancel', { orderId: o1.id })).toBe('OWNER_APPROVAL_REQUIRED');
    expect(t.core.orders.get(o1.id).status).toBe('open');
    await call('orders.cancel', { orderId: o1.id, restoreCart: true });
    const o2 = await call<{ id: number }>('checkout.confirm', {});
    await call('orders.cancel', { orderId: o2.id, approvalPin: '8888' });
    expect(t.core.orders.get(o2.id).status).toBe('cancelled');
    expect(t.core.audit.list({ action: 'order.void' })).toHaveLength(1);
  });

  it('opening the drawer without a sale needs the owner and is recorded, even where no drawer is connected', async () => {
    t = await startCore({ poll: false });
    expect(await code('drawer.open', { reason: 'change for the float' })).toBe('OWNER_APPROVAL_REQUIRED');
    expect(await call('drawer.open', { reason: 'change for the float', approvalPin: '8888' })).toEqual({
      opened: false,
    });
    expect(t.core.audit.list({ action: 'drawer.open' })[0]).toMatchObject({
      note: 'change for the float',
      after: { opened: false },
    });
  });
});
