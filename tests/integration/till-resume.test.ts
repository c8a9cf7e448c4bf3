/**
 * `till.resumePayment` (issue 12, finding 4): after a restart the till opens on the order this
 * terminal was taking an intermediary payment for — only while that payment is open, recent, on an
 * open order of this terminal; never another terminal's, a paid one, or one stuck for hours.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ResumablePayment } from '../../src/shared/counter-types';
import { RESUME_WITHIN_MS } from '../../src/main/core/counter/handlers';
import { type FakeProvider, scriptedProviders } from '../support/fake-provider';
import { createCore } from '../../src/main/core/core';
import { must, startCore, type TestCore } from '../support/core';

let t: TestCore;
let alipay: FakeProvider;
afterEach(() => t?.close());

async function setup(): Promise<void> {
  const scripted = scriptedProviders();
  ({ alipay } = scripted);
  t = await startCore({ providers: scripted.providers, poll: false });
}

function openOrder(): { id: number; number: string; totalFen: number } {
  const cola = t.core.catalog.findByCode('DRI-001')!;
  t.core.carts.add(cola.id, 1);
  const o = t.core.orders.confirm();
  return { id: o.id, number: o.number, totalFen: o.totalFen };
}

const resumable = async (): Promise<ResumablePayment | null> =>
  must(await t.core.dispatch('till.resumePayment', {})) as ResumablePayment | null;

describe('till.resumePayment', () => {
  it('names the newest open intermediary payment of this terminal, and nothing once it is paid', async () => {
    await setup();
    expect(await resumable()).toBeNull();
    const cashOnly = openOrder(); // confirmed, no intermediary payment: Sell as usual
    expect(await resumable()).toBeNull();
    const first = openOrder();
    await t.core.payments.start({ orderId: first.id, provider: 'alipay', mode: 'qr' });
    const second = openOrder();
    const a = await t.core.payments.start({ orderId: second.id, provider: 'alipay', mode: 'qr' });
    expect(await resumable()).toEqual({ orderId: second.id, orderNumber: second.number, attemptId: a.id, paid: false });
    expect(cashOnly.id).not.toBe(second.id);

    // the customer paid meanwhile: the answer to "check" makes it final, and that order is no longer the one
    alipay.then('query', {
      kind: 'paid',
      trade: { tradeNo: 'T2', amountFen: second.totalFen, paidAt: null, buyer: null },
    });
    await t.core.payments.queryNow(a.id);
    expect(t.core.payments.view(a.id).state).toBe('paid');
    // the older one is still open: it is the one now
    expect((await resumable())?.orderId).toBe(first.id);
  });

  it('leaves out another terminal’s payment and one older than the window', async () => {
    await setup();
    const order = openOrder();
    await t.core.payments.start({ orderId: order.id, provider: 'alipay', mode: 'qr' });
    expect((await resumable())?.orderId).toBe(order.id);
    t.core.settings.set('terminal', 'T02');
    expect(await resumable()).toBeNull();
    t.core.settings.set('terminal', 'T01');
    t.clock.advance(RESUME_WITHIN_MS + 1);
    expect(await resumable()).toBeNull();
  });

  it('after a restart, names once as paid the payment the customer completed while the till was down', async () => {
    await setup();
    const order = openOrder();
    const a = await t.core.payments.start({ orderId: order.id, provider: 'alipay', mode: 'qr' });
    const other = openOrder();
    t.core.close(); // the till stops mid-QR (a closed core stands for the killed one: same file)
    const scripted = scriptedProviders();
    const core = await createCore({
      dataDir: t.dir,
      mode: 'browser',
      clock: t.clock,
      timeZone: 'Asia/Shanghai',
      providers: scripted.providers,
      poll: false,
    });
    const first = t;
    t = {
      ...first,
      core,
      close: () => {
        core.close();
        first.close();
      },
    };
    expect(await resumable()).toMatchObject({ orderId: order.id, paid: false });
    // the poller's first round after the start finds the customer's payment
    scripted.alipay.then('query', {
      kind: 'paid',
      trade: { tradeNo: 'T9', amountFen: order.totalFen, paidAt: null, buyer: null },
    });
    await core.payments.queryNow(a.id);
    expect(core.payments.view(a.id).state).toBe('paid');
    expect(await resumable()).toEqual({ orderId: order.id, orderNumber: order.number, attemptId: a.id, paid: true });
    expect(await resumable()).toBeNull(); // once: a page reloaded later opens on Sell
    // a payment started after the start and paid is a normal sale: its receipt was shown where it happened
    const b = await core.payments.start({ orderId: other.id, provider: 'alipay', mode: 'qr' });
    scripted.alipay.then('query', {
      kind: 'paid',
      trade: { tradeNo: 'T10', amountFen: other.totalFen, paidAt: null, buyer: null },
    });
    await core.payments.queryNow(b.id);
    expect(core.payments.view(b.id).state).toBe('paid');
    expect(await resumable()).toBeNull();
  });

  it('is a clerk’s read: strict input', async () => {
    await setup();
    const r = await t.core.dispatch('till.resumePayment', { orderId: 1 });
    expect(r.ok).toBe(false);
  });
});
