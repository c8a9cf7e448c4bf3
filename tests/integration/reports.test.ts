/**
 * Sales review through the contract, on sales made by the real core: cash and intermediary sales
 * with discounts, cancelled and open orders, refunds by line and by amount deducted from the method
 * they were paid with, a double payment kept or refunded, late money accepted, sales and refunds
 * either side of midnight; owner-only access; range validation; the CSV and the printable page. Every
 * report is also checked against the reference GROUP BY over the raw tables.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { referenceReport } from '../support/report-reference';
import type { Trade } from '../../src/main/intermediaries/provider';
import type { AttentionView, ReportFile, ReportPrintable, SalesReport } from '../../src/shared/types';
import { scriptedProviders, type FakeProvider } from '../support/fake-provider';
import { must, startCore, type TestCore } from '../support/core';

let t: TestCore;
let alipay: FakeProvider;
let wechat: FakeProvider;
afterEach(() => t?.close());

async function setup(): Promise<void> {
  const scripted = scriptedProviders();
  ({ alipay, wechat } = scripted);
  t = await startCore({ providers: scripted.providers, poll: false });
}

const OWNER = '8888';
const trade = (amountFen: number, tradeNo = 'T1'): Trade => ({ tradeNo, amountFen, paidAt: null, buyer: null });
const call = async <T>(method: string, input: unknown): Promise<T> => must(await t.core.dispatch(method, input)) as T;
const error = async (method: string, input: unknown) => {
  const r = await t.core.dispatch(method, input);
  if (r.ok) throw new Error(`${method} should have failed`);
  return r.error;
};
const report = (from: string, to = from, top?: number) =>
  call<SalesReport>('reports.sales', { from, to, approvalPin: OWNER, ...(top ? { top } : {}) });
/** the report equals the reference GROUP BY over the raw tables */
async function checked(from: string, to = from): Promise<SalesReport> {
  const r = await report(from, to);
  expect({ ...r, timeZone: '', generatedAt: 0 }).toEqual({
    ...referenceReport(t.core.store, from, to),
    timeZone: '',
    generatedAt: 0,
  });
  return r;
}

function sell(
  items: [sku: string, qty: number][],
  discount?: { kind: 'percent' | 'amount'; value: number },
): { id: number; totalFen: number; number: string } {
  for (const [sku, qty] of items) t.core.carts.add(t.core.catalog.findByCode(sku)!.id, qty);
  if (discount) t.core.carts.setOrderDiscount(discount);
  const o = t.core.orders.confirm();
  return { id: o.id, totalFen: o.totalFen, number: o.number };
}

async function cash(items: [string, number][], discount?: { kind: 'percent' | 'amount'; value: number }) {
  const o = sell(items, discount);
  await call('checkout.payCash', { orderId: o.id, tenderedFen: o.totalFen });
  return o;
}

async function qr(provider: 'alipay' | 'wechat', items: [string, number][]) {
  const o = sell(items);
  const a = await t.core.payments.start({ orderId: o.id, provider, mode: 'qr' });
  (provider === 'alipay' ? alipay : wechat).then('query', { kind: 'paid', trade: trade(o.totalFen, `T${o.id}`) });
  t.clock.advance(1_500);
  await t.core.payments.runDue();
  expect(t.core.orders.get(o.id).status).toBe('paid');
  return { ...o, attemptId: a.id };
}

function attemptOf(orderId: number): number {
  return (
    t.core.store.sqlite
      .prepare(`select id from payment_attempts where order_id = ? and state in ('paid', 'partially_refunded')`)
      .get(orderId) as { id: number }
  ).id;
}

/** A refund through the core (cash: from the drawer at once; intermediary: sent and answered). */
async function refund(
  orderId: number,
  amountFen: number,
  lines?: { lineNo: number; qty: number; amountFen: number }[],
) {
  const attemptId = attemptOf(orderId);
  const id = t.core.store.tx(() =>
    t.core.refunds.intent(
      { attemptId, amountFen, reason: 'customer returned it', ...(lines ? { lines } : {}) },
      t.core.auth.current(),
    ),
  );
  const r = t.core.refunds.view(id);
  if (r.state === 'requested') {
    (r.method === 'alipay' ? alipay : wechat).then('refund', { kind: 'succeeded', refundedFen: amountFen });
    await t.core.refunds.send(id);
  }
  expect(t.core.refunds.view(id).state).toBe('succeeded');
}

describe('sales review', () => {
  it('totals, methods, products and categories: discounts shown, cancelled and open orders left out', async () => {
    await setup();
    const a = await cash(
      [
        ['DRI-001', 2],
        ['SNA-001', 1],
      ],
      { kind: 'percent', value: 10 },
    );
    t.clock.advance(3_600_000);
    const b = await qr('alipay', [['DRI-001', 1]]);
    const c = sell([['SNA-001', 5]]);
    // cancelled back to the cart (the clerk's way), then the cart cleared
    await call('orders.cancel', { orderId: c.id, restoreCart: true });
    t.core.carts.clear();
    sell([['SNA-001', 7]]); // left open
    const r = await checked('2026-11-26');
    const gross = 2 * 300 + t.core.catalog.findByCode('SNA-001')!.priceFen + 300;
    expect(r.summary).toMatchObject({
      orders: 2,
      items: 4,
      grossFen: gross,
      salesFen: a.totalFen + b.totalFen,
      refundFen: 0,
      netFen: a.totalFen + b.totalFen,
    });
    expect(r.summary.discountFen).toBe(gross - a.totalFen - b.totalFen);
    expect(r.summary.avgTicketFen).toBe(Math.round((a.totalFen + b.totalFen) / 2));
    expect(r.byMethod.map((m) => [m.method, m.mode, m.orders, m.netFen])).toEqual([
      ['cash', 'cash', 1, a.totalFen],
      ['alipay', 'qr', 1, b.totalFen],
    ]);
    expect(r.byHour[10]!.orders).toBe(1);
    expect(r.byHour[11]!.orders).toBe(1);
    expect(r.byClerk).toEqual([expect.objectContaining({ clerk: '收银员 01', orders: 2 })]);
    expect(r.byTerminal).toEqual([expect.objectContaining({ terminal: 'T01', orders: 2 })]);
    expect(r.products.top.map((p) => [p.sku, p.qty])).toEqual([
      ['DRI-001', 3],
      ['SNA-001', 1],
    ]);
    expect(r.byCategory.map((c) => c.code).sort()).toEqual(['drinks', 'snacks']);
    // one product named, the other one in "rest"
    const top1 = await report('2026-11-26', '2026-11-26', 1);
    expect(top1.products).toMatchObject({ count: 2, restCount: 1, rest: { productId: 0, qty: 1 } });
  });

  it('refunds are deducted from the method the sale was paid with, and by line from the product and its category', async () => {
    await setup();
    const a = await cash([
      ['DRI-001', 2],
      ['SNA-001', 1],
    ]);
    const b = await qr('alipay', [['DRI-001', 4]]);
    t.clock.advance(600_000);
    await refund(a.id, 300, [{ lineNo: 1, qty: 1, amountFen: 300 }]); // one cola back, from the drawer
    await refund(b.id, 250); // ¥2.50 back through Alipay, by amount
    const r = await checked('2026-11-26');
    expect(r.summary).toMatchObject({
      orders: 2,
      refunds: 2,
      refundFen: 550,
      refundItems: 1,
      netFen: a.totalFen + b.totalFen - 550,
    });
    expect(r.byMethod.map((m) => [m.method, m.refundFen, m.netFen])).toEqual([
      ['cash', 300, a.totalFen - 300],
      ['alipay', 250, b.totalFen - 250],
    ]);
    const cola = r.products.top.find((p) => p.sku === 'DRI-001')!;
    expect(cola).toMatchObject({ qty: 6, refundQty: 1, refundFen: 300, netFen: 6 * 300 - 300 });
    expect(r.products.unallocatedRefundFen).toBe(250);
    expect(r.byCategory.find((c) => c.code === 'drinks')).toMatchObject({ refundFen: 300, refundQty: 1 });
    expect(t.core.orders.get(a.id).status).toBe('partially_refunded');
  });

  it('a full refund leaves the sale on its day and deducts it in full; the order still counts', async () => {
    await setup();
    const a = await qr('wechat', [['SNA-001', 2]]);
    t.clock.advance(86_400_000); // the next day
    await refund(a.id, a.totalFen, [{ lineNo: 1, qty: 2, amountFen: a.totalFen }]);
    expect(t.core.orders.get(a.id).status).toBe('refunded');
    const two = await checked('2026-11-26', '2026-11-27');
    expect(two.byDay.map((d) => [d.day, d.orders, d.salesFen, d.refundFen])).toEqual([
      ['2026-11-26', 1, a.totalFen, 0],
      ['2026-11-27', 0, 0, a.totalFen],
    ]);
    expect(two.summary.netFen).toBe(0);
    expect(two.byMethod).toEqual([expect.objectContaining({ method: 'wechat', mode: 'qr', netFen: 0 })]);
    const first = await checked('2026-11-26');
    expect(first.summary).toMatchObject({ orders: 1, refundFen: 0, netFen: a.totalFen });
  });

  it('a double payment kept: the sale moves to WeChat and the cash given back is not a refund of it', async () => {
    await setup();
    const order = sell([['DRI-001', 2]]);
    const a = await t.core.payments.start({ orderId: order.id, provider: 'wechat', mode: 'qr' });
    await t.core.payments.stop(a.id);
    await call('checkout.payCash', {
      orderId: order.id,
      tenderedFen: 1000,
      overrideOpenAttempt: true,
      approvalPin: OWNER,
    });
    let r = await checked('2026-11-26');
    expect(r.byMethod.map((m) => [m.method, m.orders])).toEqual([['cash', 1]]);
    wechat.then('query', { kind: 'paid', trade: trade(order.totalFen) });
    t.clock.advance(3_000);
    await t.core.payments.runDue();
    const exc = (await call<AttentionView>('payments.attention', {})).exceptions[0]!;
    await call('exceptions.resolve', {
      exceptionId: exc.id,
      resolution: 'accept',
      note: 'customer wants the cash back',
      approvalPin: OWNER,
    });
    r = await checked('2026-11-26');
    expect(r.summary).toMatchObject({ orders: 1, refundFen: 0, refunds: 0, netFen: order.totalFen });
    expect(r.byMethod.map((m) => [m.method, m.mode, m.orders, m.netFen])).toEqual([
      ['wechat', 'qr', 1, order.totalFen],
    ]);
    // and when the kept payment is later refunded in full, that refund is the sale's
    t.clock.advance(60_000);
    const kept = attemptOf(order.id);
    const id = t.core.store.tx(() =>
      t.core.refunds.intent({ attemptId: kept, amountFen: order.totalFen, reason: 'returned' }, t.core.auth.current()),
    );
    wechat.then('refund', { kind: 'succeeded', refundedFen: order.totalFen });
    await t.core.refunds.send(id);
    r = await checked('2026-11-26');
    expect(r.byMethod.map((m) => [m.method, m.refundFen, m.netFen])).toEqual([['wechat', order.totalFen, 0]]);
  });

  it('a double payment refunded, and late money accepted onto a cancelled order', async () => {
    await setup();
    const order = sell([['DRI-001', 1]]);
    const a = await t.core.payments.start({ orderId: order.id, provider: 'wechat', mode: 'qr' });
    await t.core.payments.stop(a.id);
    await call('checkout.payCash', {
      orderId: order.id,
      tenderedFen: 1000,
      overrideOpenAttempt: true,
      approvalPin: OWNER,
    });
    wechat.then('query', { kind: 'paid', trade: trade(order.totalFen) });
    t.clock.advance(3_000);
    await t.core.payments.runDue();
    const exc = (await call<AttentionView>('payments.attention', {})).exceptions[0]!;
    wechat.then('refund', { kind: 'succeeded', refundedFen: order.totalFen });
    await call('exceptions.resolve', {
      exceptionId: exc.id,
      resolution: 'refund',
      note: 'paid twice, WeChat given back',
      approvalPin: OWNER,
    });
    let r = await checked('2026-11-26');
    expect(r.byMethod.map((m) => [m.method, m.orders, m.refundFen])).toEqual([['cash', 1, 0]]);

    // an Alipay QR expires, the order is cancelled, then the money arrives and the owner keeps it
    const late = sell([['SNA-001', 1]]);
    const q = await t.core.payments.start({ orderId: late.id, provider: 'alipay', mode: 'qr' });
    t.clock.advance(181_000);
    alipay.then('query', { kind: 'not_found' });
    alipay.then('close', { kind: 'closed' });
    await t.core.payments.runDue();
    await call('orders.cancel', { orderId: late.id, restoreCart: true });
    t.core.carts.clear();
    r = await checked('2026-11-26');
    expect(r.summary.orders).toBe(1);
    alipay.then('query', { kind: 'paid', trade: trade(late.totalFen, 'LATE') });
    alipay.incomingOutcome = { kind: 'paid', outTradeNo: q.outTradeNo, trade: trade(late.totalFen, 'LATE') };
    await t.core.payments.incoming('alipay', {
      method: 'POST',
      query: {},
      body: Buffer.from(''),
      contentType: 'application/x-www-form-urlencoded',
    });
    const lateExc = (await call<AttentionView>('payments.attention', {})).exceptions.find(
      (e) => e.orderId === late.id,
    )!;
    await call('exceptions.resolve', {
      exceptionId: lateExc.id,
      resolution: 'accept',
      note: 'customer showed the receipt',
      approvalPin: OWNER,
    });
    r = await checked('2026-11-26');
    expect(r.byMethod.map((m) => [m.method, m.mode, m.orders])).toEqual([
      ['cash', 'cash', 1],
      ['alipay', 'qr', 1],
    ]);
  });

  it('midnight in the store time zone: a sale at 23:59:59 is that day at 23h; a refund a second after midnight is the next day', async () => {
    await setup();
    t.clock.set('2026-11-26T15:59:59Z'); // 23:59:59 in Shanghai
    const a = await cash([['DRI-001', 1]]);
    expect(a.number).toBe('20261126-0001');
    t.clock.set('2026-11-26T16:00:01Z'); // 00:00:01 on the 27th
    const b = await cash([['DRI-001', 2]]);
    expect(b.number).toBe('20261127-0001');
    await refund(a.id, 300, [{ lineNo: 1, qty: 1, amountFen: 300 }]);
    const r = await checked('2026-11-26', '2026-11-27');
    expect(r.byDay.map((d) => [d.day, d.orders, d.refundFen])).toEqual([
      ['2026-11-26', 1, 0],
      ['2026-11-27', 1, 300],
    ]);
    expect(r.byHour[23]).toMatchObject({ orders: 1 });
    expect(r.byHour[0]).toMatchObject({ orders: 1, refundFen: 300 });
    expect((await checked('2026-11-26')).summary).toMatchObject({ orders: 1, refundFen: 0, netFen: 300 });
  });

  it('only the owner: a clerk is asked for the owner PIN, a wrong PIN is refused; a signed-in owner needs none', async () => {
    await setup();
    await cash([['DRI-001', 1]]);
    const range = { from: '2026-11-26', to: '2026-11-26' };
    for (const m of ['reports.sales', 'reports.exportCsv', 'reports.printable']) {
      expect((await error(m, range)).code).toBe('OWNER_APPROVAL_REQUIRED');
      expect((await error(m, { ...range, approvalPin: '1234' })).code).toBe('WRONG_PIN');
    }
    expect((await call<SalesReport>('reports.sales', { ...range, approvalPin: OWNER })).summary.orders).toBe(1);
    const owner = t.core.auth.users().find((u) => u.role === 'owner')!;
    await call('auth.login', { userId: owner.id, pin: OWNER });
    expect((await call<SalesReport>('reports.sales', range)).summary.orders).toBe(1);
  });

  it('refuses a backwards, too long or absurd range with a clear code, before asking for a PIN', async () => {
    await setup();
    const reason = async (from: string, to: string) => {
      const e = await error('reports.sales', { from, to });
      return [e.code, e.details?.reason ?? null];
    };
    expect(await reason('2026-11-27', '2026-11-26')).toEqual(['REPORT_RANGE_INVALID', 'backwards']);
    expect(await reason('2025-01-01', '2026-02-05')).toEqual(['REPORT_RANGE_INVALID', 'too_long']);
    expect(await reason('2026-02-30', '2026-03-01')).toEqual(['REPORT_RANGE_INVALID', 'bad_date']);
    expect(await reason('1999-12-31', '2000-01-01')).toEqual(['REPORT_RANGE_INVALID', 'bad_date']);
    expect(await reason('2026-13-01', '2026-13-02')).toEqual(['REPORT_RANGE_INVALID', 'bad_date']);
    expect((await error('reports.sales', { from: '26-11-2026', to: '2026-11-27' })).code).toBe('INVALID_INPUT');
    expect((await error('reports.exportCsv', { from: '2026-11-27', to: '2026-11-01', approvalPin: OWNER })).code).toBe(
      'REPORT_RANGE_INVALID',
    );
    // 400 days is the limit, both ends included
    expect((await report('2025-10-23', '2026-11-26')).days).toBe(400);
    expect((await error('reports.sales', { from: '2025-10-22', to: '2026-11-26', approvalPin: OWNER })).code).toBe(
      'REPORT_RANGE_INVALID',
    );
  });

  it('exports every section as one CSV and renders a printable page, in the store language', async () => {
    await setup();
    const a = await cash([['DRI-001', 2]]);
    await refund(a.id, 300, [{ lineNo: 1, qty: 1, amountFen: 300 }]);
    const file = await call<ReportFile>('reports.exportCsv', {
      from: '2026-11-26',
      to: '2026-11-26',
      approvalPin: OWNER,
    });
    expect(file.filename).toBe('counter-pos-sales-2026-11-26-to-2026-11-26.csv');
    expect(file.mime).toBe('text/csv');
    expect(file.content.startsWith('\uFEFF')).toBe(true);
    const rows = file.content
      .slice(1)
      .trimEnd()
      .split('\r\n')
      .map((l) => l.split(','));
    expect(rows[0]!.slice(0, 4)).toEqual(['section', 'key', 'name', 'name (zh)']);
    const summary = rows.find((r) => r[0] === 'summary')!;
    expect(summary.slice(4)).toEqual(['1', '2', '6.00', '0.00', '6.00', '3.00', '1', '3.00', '6.00']);
    expect(rows.filter((r) => r[0] === 'hour')).toHaveLength(24);
    expect(rows.find((r) => r[0] === 'method')!.slice(1, 3)).toEqual(['cash/cash', 'Cash']);
    expect(rows.find((r) => r[0] === 'product')!.slice(1, 3)).toEqual(['DRI-001', 'Coca-Cola 330ml']);

    const page = await call<ReportPrintable>('reports.printable', {
      from: '2026-11-26',
      to: '2026-11-26',
      approvalPin: OWNER,
    });
    expect(page.title).toBe('Sales review 2026-11-26');
    expect(page.html).toContain('<!doctype html>');
    expect(page.html).toContain("default-src 'none'");
    expect(page.html).not.toMatch(/<script/i);
    expect(page.html).toContain('¥3.00');
    await call('app.setLocale', { locale: 'zh-CN' });
    const zh = await call<ReportPrintable>('reports.printable', {
      from: '2026-11-26',
      to: '2026-11-26',
      approvalPin: OWNER,
    });
    expect(zh.title).toBe('销售报表 2026-11-26');
    expect(zh.html).toContain('净销售额');
    const zhCsv = await call<ReportFile>('reports.exportCsv', {
      from: '2026-11-26',
      to: '2026-11-26',
      approvalPin: OWNER,
    });
    expect(zhCsv.content).toContain('现金');
  });
});
