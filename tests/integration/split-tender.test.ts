/**
 * Split tender (组合支付) through the contract, on the real core with a scripted intermediary: a cash
 * part and a QR part for the rest; refusals that write nothing; one open intermediary part at a time;
 * a failed part leaves the paid parts standing; money beyond the total is a double payment for the
 * owner, never a second payment of the order; cancelling refused while a part holds money; refunds
 * going back to each part's method; the receipt, the X and the sales report counting each part.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Trade } from '../../src/main/intermediaries/provider';
import type { AttemptView, CashReport, OrderView, PaidOrder, RefundQuote, SalesReport } from '../../src/shared/types';
import { referenceReport } from '../support/report-reference';
import { scriptedProviders, type FakeProvider } from '../support/fake-provider';
import { must, startCore, type TestCore } from '../support/core';

let t: TestCore;
let alipay: FakeProvider;
let wechat: FakeProvider;
afterEach(() => t?.close());

const OWNER = '8888';

async function setup(): Promise<void> {
  const scripted = scriptedProviders();
  ({ alipay, wechat } = scripted);
  t = await startCore({ providers: scripted.providers, poll: false });
}

const trade = (amountFen: number, tradeNo = 'T1'): Trade => ({ tradeNo, amountFen, paidAt: null, buyer: null });
const call = async <T>(method: string, input: unknown): Promise<T> => must(await t.core.dispatch(method, input)) as T;
const error = async (method: string, input: unknown) => {
  const r = await t.core.dispatch(method, input);
  if (r.ok) throw new Error(`${method} should have failed`);
  return r.error;
};
const attempts = () =>
  Number((t.core.store.sqlite.prepare('select count(*) as n from payment_attempts').get() as { n: number }).n);

/** An open order of 3 colas and a snack (10% off): a total that does not split evenly. */
function openOrder(): OrderView {
  t.core.carts.add(t.core.catalog.findByCode('DRI-001')!.id, 3);
  t.core.carts.add(t.core.catalog.findByCode('SNA-001')!.id, 1);
  t.core.carts.setOrderDiscount({ kind: 'percent', value: 10 });
  return t.core.orders.confirm();
}

/** A QR part for `amountFen`, paid by the customer (the poller's query says so). */
async function qrPart(orderId: number, amountFen?: number, provider: 'alipay' | 'wechat' = 'alipay') {
  const a = await call<AttemptView>('payments.start', {
    orderId,
    provider,
    mode: 'qr',
    ...(amountFen ? { amountFen } : {}),
  });
  return a;
}
async function customerPays(a: AttemptView, p: FakeProvider = alipay): Promise<AttemptView> {
  p.then('query', { kind: 'paid', trade: trade(a.amountFen, `T${a.id}`) });
  return t.core.payments.queryNow(a.id);
}

describe('split tender', () => {
  it('cash for a part, Alipay QR for the rest: the order is paid only when the parts cover it; the receipt lists both', async () => {
    await setup();
    const o = openOrder();
    const cashPart = 1_000;
    const first = await call<PaidOrder>('checkout.payCash', { orderId: o.id, tenderedFen: 2_000, amountFen: cashPart });
    expect(first.order.status).toBe('open');
    expect(first.order).toMatchObject({ paidFen: cashPart, owedFen: o.totalFen - cashPart });
    expect(first.order.parts).toEqual([
      expect.objectContaining({ method: 'cash', amountFen: cashPart, tenderedFen: 2_000, changeFen: 1_000 }),
    ]);
    // the QR part defaults to what is still owed
    const a = await qrPart(o.id);
    expect(a.amountFen).toBe(o.totalFen - cashPart);
    expect(alipay.calls[0]!.input).toMatchObject({ amountFen: o.totalFen - cashPart });
    expect(a.orderOwedFen).toBe(o.totalFen - cashPart);
    const paid = await customerPays(a);
    expect(paid).toMatchObject({ state: 'paid', orderOwedFen: 0 });
    const order = t.core.orders.get(o.id);
    expect(order).toMatchObject({ status: 'paid', paidFen: o.totalFen, owedFen: 0 });
    expect(order.journal.filter((j) => j.kind === 'order.paid')).toHaveLength(1);
    // the order's view and the day's list name both methods, the first part's first
    expect(order.methods).toEqual(['cash', 'alipay']);
    expect(t.core.orders.list(order.businessDay).find((s) => s.id === o.id)).toMatchObject({
      method: 'cash',
      methods: ['cash', 'alipay'],
    });
    const receipt = t.core.orders.receipt(o.id, false);
    expect(receipt.parts.map((p) => [p.method, p.amountFen, p.changeFen])).toEqual([
      ['cash', cashPart, 1_000],
      ['alipay', o.totalFen - cashPart, null],
    ]);
    // the sales report: each part under its method, the order once; equal to the reference
    const day = order.businessDay;
    const r = await call<SalesReport>('reports.sales', { from: day, to: day, approvalPin: OWNER });
    expect(r.byMethod.map((m) => [m.method, m.salesFen, m.orders])).toEqual([
      ['cash', cashPart, 0],
      ['alipay', o.totalFen - cashPart, 1],
    ]);
    expect(r.summary).toMatchObject({ orders: 1, salesFen: o.totalFen, grossFen: o.subtotalFen });
    expect({ ...r, generatedAt: 0, timeZone: '' }).toEqual({
      ...referenceReport(t.core.store, day, day),
      generatedAt: 0,
      timeZone: '',
    });
    // a rebuild from the raw tables gives the same rows
    t.core.reports.rebuild();
    expect({
      ...(await call<SalesReport>('reports.sales', { from: day, to: day, approvalPin: OWNER })),
      generatedAt: 0,
    }).toEqual({
      ...r,
      generatedAt: 0,
    });
  });

  it('the drawer and the X count only the cash part as cash', async () => {
    await setup();
    await call('cashSession.open', { floatFen: 10_000 });
    const o = openOrder();
    await call('checkout.payCash', { orderId: o.id, tenderedFen: 500, amountFen: 500 });
    // a part paid, the order still open: its cash is in the drawer, but it is no paid order yet
    const mid = await call<CashReport>('cashSession.x', { approvalPin: OWNER });
    expect(mid.orders.paidCount).toBe(0);
    expect(mid.drawer.cashSalesFen).toBe(500);
    await customerPays(await qrPart(o.id));
    const x = await call<CashReport>('cashSession.x', { approvalPin: OWNER });
    expect(x.methods.map((m) => [m.method, m.salesFen])).toEqual([
      ['cash', 500],
      ['alipay', o.totalFen - 500],
    ]);
    expect(x.drawer).toMatchObject({ cashSalesFen: 500, expectedFen: 10_500 });
    expect(x.orders.paidCount).toBe(1);
  });

  it('refuses a part of more than is owed, a tender below the part, a part on a paid order; nothing is written', async () => {
    await setup();
    const o = openOrder();
    expect(
      (await error('checkout.payCash', { orderId: o.id, tenderedFen: 99_999, amountFen: o.totalFen + 1 })).code,
    ).toBe('PART_TOO_LARGE');
    expect(
      (await error('payments.start', { orderId: o.id, provider: 'alipay', mode: 'qr', amountFen: o.totalFen + 1 }))
        .code,
    ).toBe('PART_TOO_LARGE');
    expect((await error('checkout.payCash', { orderId: o.id, tenderedFen: 100, amountFen: 0 })).code).toBe(
      'INVALID_INPUT',
    );
    expect((await error('checkout.payCash', { orderId: o.id, tenderedFen: 100, amountFen: 200 })).code).toBe(
      'TENDER_TOO_LOW',
    );
    expect(attempts()).toBe(0);
    expect(alipay.calls).toHaveLength(0);
    await call('checkout.payCash', { orderId: o.id, tenderedFen: 300, amountFen: 300 });
    // the same cash part sent twice (a double click) is taken once
    expect(
      (await call<PaidOrder>('checkout.payCash', { orderId: o.id, tenderedFen: 300, amountFen: 300 })).order.paidFen,
    ).toBe(300);
    expect(attempts()).toBe(1);
    // the second part may not exceed the rest
    expect(
      (await error('checkout.payCash', { orderId: o.id, tenderedFen: 99_999, amountFen: o.totalFen - 299 })).code,
    ).toBe('PART_TOO_LARGE');
    await call('checkout.payCash', { orderId: o.id, tenderedFen: o.totalFen, amountFen: o.totalFen - 300 });
    expect(t.core.orders.get(o.id).status).toBe('paid');
    expect((await error('payments.start', { orderId: o.id, provider: 'alipay', mode: 'qr', amountFen: 1 })).code).toBe(
      'ORDER_NOT_PAYABLE',
    );
    expect(attempts()).toBe(2);
  });

  it('one open intermediary part at a time; a declined part leaves the paid parts standing and the order open for the rest', async () => {
    await setup();
    const o = openOrder();
    await call('checkout.payCash', { orderId: o.id, tenderedFen: 1_000, amountFen: 1_000 });
    const a = await qrPart(o.id, 300);
    expect(
      (await error('payments.start', { orderId: o.id, provider: 'wechat', mode: 'qr', amountFen: 300 })).code,
    ).toBe('PAYMENT_IN_PROGRESS');
    expect((await error('checkout.payCash', { orderId: o.id, tenderedFen: 9_999 })).code).toBe('PAYMENT_IN_PROGRESS');
    alipay.then('close', { kind: 'closed' });
    alipay.then('query', { kind: 'not_found' });
    await call('payments.stop', { attemptId: a.id });
    for (let i = 0; i < 5 && t.core.payments.view(a.id).state === 'pending'; i++) {
      t.clock.advance(60_000);
      await t.core.payments.runDue();
    }
    expect(['closed', 'failed', 'expired']).toContain(t.core.payments.view(a.id).state);
    const mid = t.core.orders.get(o.id);
    expect(mid).toMatchObject({ status: 'open', paidFen: 1_000, owedFen: o.totalFen - 1_000 });
    // the rest by WeChat
    const w = await qrPart(o.id, undefined, 'wechat');
    expect(w.amountFen).toBe(o.totalFen - 1_000);
    await customerPays(w, wechat);
    expect(t.core.orders.get(o.id)).toMatchObject({ status: 'paid', owedFen: 0 });
  });

  it('money never moves twice: a QR part paid after cash covered the order is a double payment for the owner', async () => {
    await setup();
    const o = openOrder();
    await call('checkout.payCash', { orderId: o.id, tenderedFen: 1_000, amountFen: 1_000 });
    const a = await qrPart(o.id);
    // the owner lets the clerk take cash for the rest while the QR part is still open
    await call('checkout.payCash', {
      orderId: o.id,
      tenderedFen: o.totalFen,
      overrideOpenAttempt: true,
      approvalPin: OWNER,
    });
    expect(t.core.orders.get(o.id)).toMatchObject({ status: 'paid', paidFen: o.totalFen });
    // … and the customer had paid the QR meanwhile
    alipay.then('query', { kind: 'paid', trade: trade(a.amountFen) });
    await t.core.payments.queryNow(a.id);
    const order = t.core.orders.get(o.id);
    expect(order).toMatchObject({ status: 'paid', paidFen: o.totalFen });
    expect(order.parts.map((p) => p.method)).toEqual(['cash', 'cash']);
    expect(order.journal.filter((j) => j.kind === 'order.paid')).toHaveLength(1);
    const attention = await call<{ exceptions: { kind: string; attemptId: number; resolutions: string[] }[] }>(
      'payments.attention',
      {},
    );
    const exc = attention.exceptions.find((e) => e.attemptId === a.id);
    // the cash did not pay the whole order alone: keeping the QR money (and giving "the" cash back) is not offered
    expect(exc).toMatchObject({ kind: 'double_payment', resolutions: ['refund'] });
  });

  it('an order with a paid part cannot be cancelled until the owner refunds it; a full refund goes back to each method', async () => {
    await setup();
    const o = openOrder();
    await call('checkout.payCash', { orderId: o.id, tenderedFen: 800, amountFen: 800 });
    expect((await error('orders.cancel', { orderId: o.id, approvalPin: OWNER })).code).toBe('ORDER_HAS_PAID_PARTS');
    // an open order's parts are given back in full only
    const refund = (input: Record<string, unknown>) =>
      t.core.dispatch('refunds.create', {
        restock: false,
        reason: 'customer left',
        requestKey: randomUUID(),
        approvalPin: OWNER,
        ...input,
      });
    expect((await refund({ orderId: o.id, kind: 'amount', amountFen: 100 })).ok).toBe(false);
    must(await refund({ orderId: o.id, kind: 'full' }));
    expect((await error('checkout.payCash', { orderId: o.id, tenderedFen: 99_999 })).code).toBe('ORDER_NOT_PAYABLE');
    await call('orders.cancel', { orderId: o.id, approvalPin: OWNER });
    expect(t.core.orders.get(o.id).status).toBe('cancelled');

    // a paid split order refunded in full: cash from the drawer, Alipay through Alipay
    const p = openOrder();
    await call('checkout.payCash', { orderId: p.id, tenderedFen: 700, amountFen: 700 });
    await customerPays(await qrPart(p.id));
    alipay.then('refund', { kind: 'succeeded', refundedFen: p.totalFen - 700 });
    must(await refund({ orderId: p.id, kind: 'full' }));
    const q = await call<RefundQuote>('refunds.quote', { orderId: p.id });
    expect(q.refunds.map((r) => [r.method, r.amountFen, r.state])).toEqual([
      ['cash', 700, 'succeeded'],
      ['alipay', p.totalFen - 700, 'succeeded'],
    ]);
    expect(alipay.calls.find((c) => c.op === 'refund')!.input).toMatchObject({ refundFen: p.totalFen - 700 });
    expect(t.core.orders.get(p.id).status).toBe('refunded');
  });

  it('a partial refund: from the part the owner chose, else cash first', async () => {
    await setup();
    const o = openOrder();
    await call('checkout.payCash', { orderId: o.id, tenderedFen: 700, amountFen: 700 });
    const a = await customerPays(await qrPart(o.id));
    const refund = (input: Record<string, unknown>) =>
      call('refunds.create', {
        restock: false,
        reason: 'damaged',
        requestKey: randomUUID(),
        approvalPin: OWNER,
        ...input,
      });
    alipay.then('refund', { kind: 'succeeded', refundedFen: 200 });
    await refund({ orderId: o.id, kind: 'amount', amountFen: 200, attemptId: a.id });
    // more than the chosen part holds is refused
    expect(
      await error('refunds.create', {
        orderId: o.id,
        kind: 'amount',
        amountFen: 701,
        attemptId: t.core.orders.get(o.id).parts[0]!.attemptId,
        restock: false,
        reason: 'damaged',
        requestKey: randomUUID(),
        approvalPin: OWNER,
      }),
    ).toMatchObject({ code: 'REFUND_TOO_LARGE' });
    // without a part: the cash part first, then the rest from Alipay
    alipay.then('refund', { kind: 'succeeded', refundedFen: 100 });
    await refund({ orderId: o.id, kind: 'amount', amountFen: 800 });
    const q = await call<RefundQuote>('refunds.quote', { orderId: o.id });
    expect(q.refunds.map((r) => [r.method, r.amountFen])).toEqual([
      ['alipay', 200],
      ['cash', 700],
      ['alipay', 100],
    ]);
    expect(q.parts.map((p) => [p.method, p.refundedFen])).toEqual([
      ['cash', 700],
      ['alipay', 300],
    ]);
    expect(t.core.orders.get(o.id).status).toBe('partially_refunded');
    const day = t.core.orders.get(o.id).businessDay;
    const r = await call<SalesReport>('reports.sales', { from: day, to: day, approvalPin: OWNER });
    expect(r.byMethod.map((m) => [m.method, m.refundFen])).toEqual([
      ['cash', 700],
      ['alipay', 300],
    ]);
    expect({ ...r, generatedAt: 0, timeZone: '' }).toEqual({
      ...referenceReport(t.core.store, day, day),
      generatedAt: 0,
      timeZone: '',
    });
  });
});
