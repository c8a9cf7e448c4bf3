/**
 * Refund slips of intermediary refunds, against the fake network printer: a refund the intermediary
 * answers at once prints one slip (not one from the clerk's call and one from the event); a refund
 * it only accepts prints nothing while pending, then one slip when the refund poller sees it
 * succeed — after the clerk left the dialog — and never a second one however often it is seen.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import type { PrinterConfig, RefundView } from '../../src/shared/types';
import type { Result } from '../../src/shared/result';
import { DEFAULT_SETTINGS } from '../../src/main/core/settings';
import { scriptedProviders, type FakeProvider } from '../support/fake-provider';
import { must, startCore, type TestCore } from '../support/core';
import { startFakePrinter, type FakePrinter } from '../support/fake-printer';
import { readEscPos } from '../support/escpos-reader';

const OWNER = '8888';
let t: TestCore;
let printer: FakePrinter;
let alipay: FakeProvider;
afterEach(async () => {
  t?.close();
  await printer?.close();
});
const call = async <T>(method: string, input: unknown = {}): Promise<T> =>
  must((await t.core.dispatch(method, input)) as Result<T>);
const settle = async () => {
  await new Promise((r) => setTimeout(r, 100));
  await printer.idle();
};
/** the refund slips the printer got, by the refund number on each */
const slips = () =>
  printer.jobs
    .map((j) => readEscPos(j))
    .filter((r) => r.text.some((l) => l.includes('退款单')))
    .map((r) => r.qr[0]);

async function setup(): Promise<void> {
  printer = await startFakePrinter();
  const scripted = scriptedProviders();
  alipay = scripted.alipay;
  t = await startCore({
    poll: false,
    providers: scripted.providers,
    printerTiming: { connectMs: 500, answerMs: 500, jobMs: 2000 },
  });
  await call('app.setLocale', { locale: 'zh-CN' });
  const lan: PrinterConfig = { ...DEFAULT_SETTINGS.printer, kind: 'network', host: '127.0.0.1', port: printer.port };
  await call('printer.setSettings', { config: lan, approvalPin: OWNER });
}

async function paidByAlipay(): Promise<{ id: number; totalFen: number }> {
  const cola = t.core.catalog.findByCode('DRI-001')!;
  t.core.carts.add(cola.id, 2);
  const order = t.core.orders.confirm();
  alipay.then('create', {
    kind: 'paid',
    trade: { tradeNo: `T${order.id}`, amountFen: order.totalFen, paidAt: null, buyer: null },
  });
  await call('payments.start', {
    orderId: order.id,
    provider: 'alipay',
    mode: 'payment_code',
    authCode: '281234567890123456',
  });
  expect(t.core.orders.get(order.id).status).toBe('paid');
  return order;
}

const refund = (orderId: number) =>
  call<RefundView>('refunds.create', {
    orderId,
    kind: 'full',
    restock: true,
    reason: '顾客退货',
    requestKey: randomUUID(),
    approvalPin: OWNER,
  });

it('an intermediary refund that succeeds at once prints one slip', async () => {
  await setup();
  const order = await paidByAlipay();
  alipay.then('refund', { kind: 'succeeded', refundedFen: order.totalFen });
  const r = await refund(order.id);
  expect(r.state).toBe('succeeded');
  await settle();
  expect(slips()).toEqual([r.refundNo]);
  // no drawer pulse for money returned through Alipay
  expect(readEscPos(Buffer.concat(printer.jobs)).pulses).toEqual([]);
});

it('one the poller finishes later prints its slip then, once', async () => {
  await setup();
  const order = await paidByAlipay();
  alipay.then('refund', { kind: 'accepted' });
  const r = await refund(order.id);
  expect(r.state).toBe('pending');
  await settle();
  expect(slips()).toEqual([]);

  // still pending at the first query: nothing yet
  alipay.then('refundQuery', { kind: 'pending' });
  t.clock.advance(5_000);
  await t.core.refunds.runDue();
  await settle();
  expect(slips()).toEqual([]);

  alipay.then('refundQuery', { kind: 'succeeded', refundedFen: r.amountFen });
  t.clock.advance(5_000);
  await t.core.refunds.runDue();
  expect(t.core.refunds.view(r.id).state).toBe('succeeded');
  await settle();
  expect(slips()).toEqual([r.refundNo]);
  const slip = readEscPos(printer.jobs.at(-1)!);
  expect(slip.text.some((l) => l.startsWith('退款金额'))).toBe(true);

  // seen again (another step, the same event): no second slip
  t.clock.advance(60_000);
  await t.core.refunds.runDue();
  t.core.events.emit('refund.changed', t.core.refunds.view(r.id));
  await settle();
  expect(slips()).toEqual([r.refundNo]);
});
