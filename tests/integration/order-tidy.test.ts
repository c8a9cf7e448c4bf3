/**
 * The owner's tidy-up of abandoned unpaid orders (core/sales/tidy.ts) through the contract: who may,
 * which orders it takes (earlier days', older than N hours, a selection), which it never takes (a
 * payment open or unknown, money received, an unresolved exception), the race with a payment turning
 * paid, one audit row per batch and a timeline entry per order.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AuditEntryView, OrderView } from '../../src/shared/types';
import type { AwaitingAnswers, TidyPreview, TidyResult } from '../../src/shared/tidy-types';
import type { Trade } from '../../src/main/intermediaries/provider';
import { scriptedProviders, type FakeProvider } from '../support/fake-provider';
import { must, startCore, type TestCore } from '../support/core';

const OWNER = '8888';
let t: TestCore;
let alipay: FakeProvider;
afterEach(() => t?.close());

async function setup(): Promise<void> {
  const scripted = scriptedProviders();
  alipay = scripted.alipay;
  t = await startCore({ providers: scripted.providers, poll: false });
}

const call = async <T>(method: string, input: unknown): Promise<T> => must(await t.core.dispatch(method, input)) as T;
const code = async (method: string, input: unknown): Promise<string> => {
  const r = await t.core.dispatch(method, input);
  return r.ok ? 'ok' : r.error.code;
};

async function openOrder(): Promise<OrderView> {
  await call('cart.add', { productId: t.core.catalog.findByCode('DRI-001')!.id, qty: 2 });
  return call<OrderView>('checkout.confirm', {});
}
const status = (id: number) => t.core.orders.get(id).status;
const trade = (amountFen: number): Trade => ({ tradeNo: 'T1', amountFen, paidAt: null, buyer: null });
const HOUR = 3_600_000;

describe('tidy-up of abandoned unpaid orders', () => {
  it("cancels earlier days' unpaid orders for the owner only, with one audit row and a timeline entry each", async () => {
    await setup();
    const old1 = await openOrder();
    const old2 = await openOrder();
    const sold = await openOrder();
    await call('checkout.payCash', { orderId: sold.id, tenderedFen: sold.totalFen });
    t.clock.advance(24 * HOUR);
    const todays = await openOrder();

    const preview = await call<TidyPreview>('orders.tidyPreview', { scope: { kind: 'beforeToday' } });
    expect(preview.candidates.map((c) => c.number)).toEqual([old1.number, old2.number]);
    expect(preview.cancellable).toBe(2);

    // a clerk alone is refused, and nothing changes
    expect(await code('orders.tidy', { scope: { kind: 'beforeToday' }, reason: '顾客未付款' })).toBe(
      'OWNER_APPROVAL_REQUIRED',
    );
    expect(
      await code('orders.tidy', { scope: { kind: 'beforeToday' }, reason: '顾客未付款', approvalPin: '1234' }),
    ).not.toBe('ok');
    expect([old1, old2].map((o) => status(o.id))).toEqual(['open', 'open']);
    expect(t.core.audit.list({ action: 'order.tidy' })).toHaveLength(0);

    const events: number[] = [];
    const off = t.core.events.subscribe((e, p) => {
      if (e === 'order.changed') events.push((p as { orderId: number }).orderId);
    });
    const done = await call<TidyResult>('orders.tidy', {
      scope: { kind: 'beforeToday' },
      reason: '顾客未付款',
      approvalPin: OWNER,
    });
    off();
    expect(done.cancelled.map((c) => c.number)).toEqual([old1.number, old2.number]);
    expect(done.skipped).toEqual([]);
    expect(events.sort()).toEqual([old1.id, old2.id].sort());
    expect([old1, old2, sold, todays].map((o) => status(o.id))).toEqual(['cancelled', 'cancelled', 'paid', 'open']);

    const audit = t.core.audit.list({ action: 'order.tidy' }) as AuditEntryView[];
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ id: done.auditId, note: '顾客未付款', approvedBy: expect.any(String) });
    expect((audit[0]!.after as { orders: string[] }).orders).toEqual([old1.number, old2.number]);
    const entry = t.core.orders.get(old1.id).journal.find((j) => j.kind === 'order.cancelled');
    expect(entry).toMatchObject({ fromState: 'open', toState: 'cancelled', detail: { tidy: done.auditId } });

    // a second tidy-up finds nothing, and writes no audit row
    const again = await call<TidyResult>('orders.tidy', {
      scope: { kind: 'beforeToday' },
      reason: 'x2',
      approvalPin: OWNER,
    });
    expect(again).toEqual({ cancelled: [], skipped: [], auditId: null });
    expect(t.core.audit.list({ action: 'order.tidy' })).toHaveLength(1);
  });

  it('older than N hours, or a selection; never an order with a payment open, unknown, paid or an open exception', async () => {
    await setup();
    const plain = await openOrder();
    const qr = await openOrder();
    await call('payments.start', { orderId: qr.id, provider: 'alipay', mode: 'qr' });
    const lost = await openOrder();
    alipay.then('create', { kind: 'unknown', reason: 'timeout', trouble: 'timeout' });
    await call('payments.start', { orderId: lost.id, provider: 'alipay', mode: 'qr' });
    const late = await openOrder();
    t.core.store.sqlite
      .prepare(`insert into payment_exceptions (order_id, kind, opened_at) values (?, 'paid_after_close', ?)`)
      .run(late.id, t.clock.now());
    t.clock.advance(3 * HOUR);
    const fresh = await openOrder();

    const awaiting = await call<AwaitingAnswers>('payments.awaiting', {});
    expect(awaiting).toMatchObject({ count: 2, unknown: 1 });

    const preview = await call<TidyPreview>('orders.tidyPreview', { scope: { kind: 'olderThanHours', hours: 2 } });
    expect(Object.fromEntries(preview.candidates.map((c) => [c.id, c.blocked]))).toEqual({
      [plain.id]: null,
      [qr.id]: 'payment_open',
      [lost.id]: 'payment_unknown',
      [late.id]: 'exception_open',
    });
    const done = await call<TidyResult>('orders.tidy', {
      scope: { kind: 'olderThanHours', hours: 2 },
      reason: 'stale',
      approvalPin: OWNER,
    });
    expect(done.cancelled.map((c) => c.id)).toEqual([plain.id]);
    expect(done.skipped.map((s) => s.why)).toEqual(['payment_open', 'payment_unknown', 'exception_open']);
    expect([qr, lost, late, fresh].map((o) => status(o.id))).toEqual(['open', 'open', 'open', 'open']);

    // a selection: a paid or cancelled order in it is reported, not touched; the fresh unpaid one is cancelled
    const paid = await openOrder();
    await call('checkout.payCash', { orderId: paid.id, tenderedFen: paid.totalFen });
    const picked = await call<TidyResult>('orders.tidy', {
      scope: { kind: 'orders', orderIds: [fresh.id, plain.id, paid.id] },
      reason: 'picked',
      approvalPin: OWNER,
    });
    expect(picked.cancelled.map((c) => c.id)).toEqual([fresh.id]);
    expect(picked.skipped).toEqual([
      { id: plain.id, number: plain.number, why: 'not_open' },
      { id: paid.id, number: paid.number, why: 'money_received' },
    ]);
    expect(status(paid.id)).toBe('paid');
    expect(
      await code('orders.tidy', { scope: { kind: 'orders', orderIds: [999_999] }, reason: 'x1', approvalPin: OWNER }),
    ).toBe('NOT_FOUND');
  });

  it('race: a payment that turns paid after the owner chose the order is never cancelled', async () => {
    await setup();
    const order = await openOrder();
    const a = await call<{ id: number }>('payments.start', { orderId: order.id, provider: 'alipay', mode: 'qr' });
    // the owner ticks the order while its QR is still on the customer's phone …
    const preview = await call<TidyPreview>('orders.tidyPreview', { scope: { kind: 'orders', orderIds: [order.id] } });
    expect(preview.candidates[0]!.blocked).toBe('payment_open');
    // … the customer pays, the poller hears it …
    t.clock.advance(1_000);
    alipay.then('query', { kind: 'paid', trade: trade(order.totalFen) });
    await t.core.payments.runDue();
    expect(t.core.payments.view(a.id).state).toBe('paid');
    // … and the owner confirms: the order is paid, not cancelled
    const done = await call<TidyResult>('orders.tidy', {
      scope: { kind: 'orders', orderIds: [order.id] },
      reason: 'race',
      approvalPin: OWNER,
    });
    expect(done.cancelled).toEqual([]);
    expect(done.skipped).toEqual([{ id: order.id, number: order.number, why: 'money_received' }]);
    expect(status(order.id)).toBe('paid');
  });

  it('race inside the transaction: the update itself refuses an order whose payment turned paid after the read', async () => {
    await setup();
    const order = await openOrder();
    const a = await call<{ id: number }>('payments.start', { orderId: order.id, provider: 'alipay', mode: 'qr' });
    // the attempt looks final (closed) when read; between the read and the update it turns paid
    t.core.store.sqlite.prepare(`update payment_attempts set state = 'closed' where id = ?`).run(a.id);
    const all = t.core.store.all.bind(t.core.store);
    const spy = vi.spyOn(t.core.store, 'all').mockImplementation(((q: Parameters<typeof all>[0]) => {
      const rows = all(q);
      if (t.core.store.sqlite.inTransaction)
        t.core.store.sqlite.prepare(`update payment_attempts set state = 'paid', paid_at = 1 where id = ?`).run(a.id);
      return rows;
    }) as typeof all);
    const done = await call<TidyResult>('orders.tidy', {
      scope: { kind: 'orders', orderIds: [order.id] },
      reason: 'race',
      approvalPin: OWNER,
    });
    spy.mockRestore();
    expect(done.cancelled).toEqual([]);
    expect(status(order.id)).toBe('open');
    expect(t.core.audit.list({ action: 'order.tidy' })).toHaveLength(0);
  });
});
