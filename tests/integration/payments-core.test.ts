/**
 * The core's payment logic against a scripted provider: starting attempts, polling to the truth,
 * checking every answer, closing at the deadline, and never marking anything paid by mistake.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Trade } from '../../src/main/intermediaries/provider';
import { FakeProvider, scriptedProviders } from '../support/fake-provider';
import { DEFAULT_NO_CLOSE_GRACE_MS, type ProviderSource } from '../../src/main/core/payments/attempts';
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

const trade = (amountFen: number): Trade => ({ tradeNo: 'T1', amountFen, paidAt: null, buyer: null });

async function openOrder(): Promise<{ id: number; totalFen: number; number: string }> {
  const cola = t.core.catalog.findByCode('DRI-001')!;
  t.core.carts.add(cola.id, 2);
  const o = t.core.orders.confirm();
  return { id: o.id, totalFen: o.totalFen, number: o.number };
}

const call = async <T>(method: string, input: unknown): Promise<T> => must(await t.core.dispatch(method, input)) as T;

describe('intermediary payments in the core', () => {
  it('offers every enabled provider mode', async () => {
    await setup();
    const options = await call<{ provider: string; mode: string }[]>('payments.options', {});
    expect(options.map((o) => `${o.provider}:${o.mode}`)).toEqual([
      'alipay:qr',
      'alipay:payment_code',
      'wechat:qr',
      'wechat:payment_code',
    ]);
  });

  it('QR: shows the code, polls, and marks the order paid when the query says so', async () => {
    await setup();
    const order = await openOrder();
    const a = await t.core.payments.start({ orderId: order.id, provider: 'alipay', mode: 'qr' });
    expect(a).toMatchObject({ state: 'pending', qrContent: 'https://sandbox.invalid/qr/1', amountFen: order.totalFen });
    expect(alipay.calls[0]!.input).toMatchObject({ outTradeNo: a.outTradeNo, amountFen: order.totalFen, mode: 'qr' });
    expect(a.outTradeNo).toBe(`${order.number.replace('-', '')}T01${t.core.identity.installation}A1`);
    // not yet due
    expect(await t.core.payments.runDue()).toBe(0);
    t.clock.advance(1_000);
    alipay.then('query', { kind: 'pending' }, { kind: 'paid', trade: trade(order.totalFen) });
    expect(await t.core.payments.runDue()).toBe(1);
    expect(t.core.payments.view(a.id).state).toBe('pending');
    t.clock.advance(1_000);
    await t.core.payments.runDue();
    const paid = t.core.payments.view(a.id);
    expect(paid.state).toBe('paid');
    const detail = t.core.orders.get(order.id);
    expect(detail.status).toBe('paid');
    expect(detail.journal.map((j) => j.kind)).toEqual(
      expect.arrayContaining(['attempt.created', 'wire.create', 'transition', 'wire.query', 'order.paid']),
    );
    // a paid attempt is not polled again
    t.clock.advance(10_000);
    expect(await t.core.payments.runDue()).toBe(0);
  });

  it('commits the attempt in full before the create call; a QR answer (no money moved) without waiting for the disk, a paid one in full', async () => {
    await setup();
    const first = await openOrder();
    const second = await openOrder();
    const steps: string[] = [];
    const tx = t.core.store.tx.bind(t.core.store);
    vi.spyOn(t.core.store, 'tx').mockImplementation(((fn: () => unknown, durability?: 'full' | 'normal') => {
      steps.push(`tx:${durability ?? 'full'}`);
      return tx(fn, durability);
    }) as typeof t.core.store.tx);
    const create = alipay.create.bind(alipay);
    vi.spyOn(alipay, 'create').mockImplementation((input) => {
      steps.push('create');
      return create(input);
    });
    await t.core.payments.start({ orderId: first.id, provider: 'alipay', mode: 'qr' });
    expect(steps).toEqual(['tx:full', 'create', 'tx:normal']);

    steps.length = 0;
    alipay.then('create', { kind: 'paid', trade: trade(second.totalFen) });
    const paid = await t.core.payments.start({
      orderId: second.id,
      provider: 'alipay',
      mode: 'payment_code',
      authCode: '281234567890123456',
    });
    expect(paid.state).toBe('paid');
    expect(steps).toEqual(['tx:full', 'create', 'tx:full']);
  });

  it('refuses a second payment while one is open, and refuses to cancel the order meanwhile', async () => {
    await setup();
    const order = await openOrder();
    await t.core.payments.start({ orderId: order.id, provider: 'alipay', mode: 'qr' });
    const again = await t.core.dispatch('payments.start', { orderId: order.id, provider: 'wechat', mode: 'qr' });
    expect(again.ok || again.error.code).toBe('PAYMENT_IN_PROGRESS');
    const cash = await t.core.dispatch('orders.cancel', { orderId: order.id, approvalPin: '8888' });
    expect(cash.ok || cash.error.code).toBe('PAYMENT_IN_PROGRESS');
  });

  it('an amount mismatch opens an exception and never marks the order paid', async () => {
    await setup();
    const order = await openOrder();
    const a = await t.core.payments.start({ orderId: order.id, provider: 'alipay', mode: 'qr' });
    alipay.defaults.query = { kind: 'paid', trade: trade(order.totalFen - 1) };
    for (let i = 0; i < 3; i++) {
      t.clock.advance(5_000);
      await t.core.payments.runDue();
    }
    const v = t.core.payments.view(a.id);
    expect(v.state).toBe('pending');
    expect(v.unknown).toBe(true);
    expect(t.core.orders.get(order.id).status).toBe('open');
    const exceptions = t.core.store.sqlite.prepare('select kind from payment_exceptions').all();
    expect(exceptions).toEqual([{ kind: 'amount_mismatch' }]);
  });

  it('an untrusted answer (bad signature) is never paid and opens an exception', async () => {
    await setup();
    const order = await openOrder();
    const a = await t.core.payments.start({ orderId: order.id, provider: 'alipay', mode: 'qr' });
    alipay.then('query', { kind: 'untrusted', reason: 'bad_signature', detail: 'sign does not verify' });
    t.clock.advance(1_000);
    await t.core.payments.runDue();
    expect(t.core.payments.view(a.id)).toMatchObject({ state: 'pending', unknown: true });
    expect(t.core.store.sqlite.prepare('select kind from payment_exceptions').all()).toEqual([
      { kind: 'untrusted_answer' },
    ]);
  });

  it('at the deadline: queries, closes upstream, and ends expired; a payment afterwards becomes an exception', async () => {
    await setup();
    const order = await openOrder();
    const a = await t.core.payments.start({ orderId: order.id, provider: 'alipay', mode: 'qr' });
    t.clock.advance(3 * 60_000 + 1);
    await t.core.payments.runDue();
    expect(alipay.count('close')).toBe(1);
    const v = t.core.payments.view(a.id);
    expect(v.state).toBe('expired');
    expect(t.core.orders.get(order.id).status).toBe('open');
    // the order can now be paid another way
    const cash = await call<{ order: { status: string } }>('checkout.payCash', {
      orderId: order.id,
      tenderedFen: 1000,
    });
    expect(cash.order.status).toBe('paid');
    // and late money for the expired attempt is an exception, not a second charge
    alipay.incomingOutcome = { kind: 'paid', outTradeNo: a.outTradeNo, trade: trade(order.totalFen) };
    alipay.then('query', { kind: 'paid', trade: trade(order.totalFen) });
    await t.core.payments.incoming('alipay', {
      method: 'POST',
      query: {},
      body: Buffer.from(''),
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(t.core.payments.view(a.id).state).toBe('expired');
    expect(t.core.store.sqlite.prepare('select kind from payment_exceptions').all()).toEqual([
      { kind: 'paid_after_close' },
    ]);
  });

  it('a close that cannot get a definite answer is retried, and the attempt stays open meanwhile', async () => {
    await setup();
    const order = await openOrder();
    const a = await t.core.payments.start({ orderId: order.id, provider: 'alipay', mode: 'qr' });
    alipay.then('close', { kind: 'unknown', reason: 'timeout' }, new Error('socket hang up'));
    t.clock.advance(3 * 60_000 + 1);
    await t.core.payments.runDue();
    expect(t.core.payments.view(a.id)).toMatchObject({ state: 'pending', unknown: true, closing: true });
    t.clock.advance(3_000);
    await t.core.payments.runDue();
    expect(t.core.payments.view(a.id).state).toBe('pending');
    // the second retry in a row waits twice as long (the backoff)
    t.clock.advance(5_999);
    expect(await t.core.payments.runDue()).toBe(0);
    t.clock.advance(1);
    await t.core.payments.runDue();
    expect(t.core.payments.view(a.id).state).toBe('expired');
    expect(alipay.count('close')).toBe(3);
  });

  it('YeePay cashier page (no close): past its deadline plus the grace, a query that says not paid ends it as expired; late money is still caught', async () => {
    const yeepay = new FakeProvider('yeepay', {
      modes: ['redirect'],
      query: true,
      close: false,
      cancel: false,
      refund: true,
      refundQuery: false,
      statement: false,
      notification: true,
      browserReturn: true,
    });
    yeepay.defaults.create = { kind: 'redirect', url: 'https://sandbox.invalid/pay', method: 'POST', fields: {} };
    yeepay.defaults.query = { kind: 'pending' };
    const providers: ProviderSource = {
      get: (id) => (id === 'yeepay' ? { provider: yeepay, sandbox: true } : undefined),
      all: () => [{ provider: yeepay, sandbox: true }],
    };
    t = await startCore({ providers, poll: false });
    const order = await openOrder();
    const a = await t.core.payments.start({ orderId: order.id, provider: 'yeepay', mode: 'redirect' });
    const until = async (ms: number) => {
      const end = t.clock.now() + ms;
      while (t.clock.now() < end) {
        t.clock.advance(3_000);
        await t.core.payments.runDue();
      }
    };
    await until(10 * 60_000); // the deadline
    expect(t.core.payments.view(a.id)).toMatchObject({ state: 'pending', closing: true });
    await until(DEFAULT_NO_CLOSE_GRACE_MS - 6_000); // within the grace: still asked, still open
    expect(t.core.payments.view(a.id)).toMatchObject({ state: 'pending', closing: true });
    await until(9_000);
    expect(t.core.payments.view(a.id)).toMatchObject({ state: 'expired', lastOutcome: { kind: 'pending' } });
    expect(yeepay.calls.filter((c) => c.op === 'close' || c.op === 'cancel')).toEqual([]);
    must(await t.core.dispatch('checkout.payCash', { orderId: order.id, tenderedFen: 1000 }));
    // a second order: the clerk stops it and YeePay answers "no such order" — closed once the grace is over
    const second = await openOrder();
    yeepay.defaults.query = { kind: 'not_found' };
    const b = await t.core.payments.start({ orderId: second.id, provider: 'yeepay', mode: 'redirect' });
    await t.core.payments.stop(b.id);
    expect(t.core.payments.view(b.id)).toMatchObject({ state: 'pending', closing: true });
    await until(DEFAULT_NO_CLOSE_GRACE_MS + 3_000);
    expect(t.core.payments.view(b.id).state).toBe('closed');
    // a third: YeePay cancelled it (CANCELED) → over at once, past the deadline
    const third = await openOrder();
    yeepay.defaults.query = { kind: 'pending' };
    const c = await t.core.payments.start({ orderId: third.id, provider: 'yeepay', mode: 'redirect' });
    await until(10 * 60_000);
    yeepay.defaults.query = { kind: 'closed' };
    await until(3_000);
    expect(t.core.payments.view(c.id)).toMatchObject({ state: 'expired', lastOutcome: { kind: 'closed_upstream' } });
    // the customer of the second order paid at the bank after all: the late check finds it (an exception, never a second sale)
    yeepay.then('query', { kind: 'paid', trade: trade(second.totalFen) });
    await t.core.payments.queryNow(b.id);
    expect(t.core.store.sqlite.prepare('select kind from payment_exceptions').all()).toEqual([
      { kind: 'paid_after_close' },
    ]);
  });

  it('the clerk stops a QR: closed upstream, then the order can be paid in cash', async () => {
    await setup();
    const order = await openOrder();
    const a = await t.core.payments.start({ orderId: order.id, provider: 'alipay', mode: 'qr' });
    const stopped = await call<{ state: string }>('payments.stop', { attemptId: a.id });
    expect(stopped.state).toBe('closed');
    must(await t.core.dispatch('checkout.payCash', { orderId: order.id, tenderedFen: 1000 }));
  });

  it('money seen while closing wins: a paid query before the close keeps the sale', async () => {
    await setup();
    const order = await openOrder();
    const a = await t.core.payments.start({ orderId: order.id, provider: 'alipay', mode: 'qr' });
    alipay.then('query', { kind: 'paid', trade: trade(order.totalFen) });
    const v = await t.core.payments.stop(a.id);
    expect(v.state).toBe('paid');
    expect(alipay.count('close')).toBe(0);
  });

  it('WeChat QR: no close before 5 minutes; queries continue meanwhile', async () => {
    await setup();
    const order = await openOrder();
    const a = await t.core.payments.start({ orderId: order.id, provider: 'wechat', mode: 'qr' });
    t.clock.advance(3 * 60_000 + 1);
    await t.core.payments.runDue();
    expect(wechat.count('close')).toBe(0);
    expect(t.core.payments.view(a.id)).toMatchObject({ state: 'pending', closing: true });
    for (let i = 0; i < 60 && t.core.payments.view(a.id).state === 'pending'; i++) {
      t.clock.advance(3_000);
      await t.core.payments.runDue();
    }
    expect(wechat.count('close')).toBe(1);
    expect(wechat.count('query')).toBeGreaterThan(30);
    expect(t.core.payments.view(a.id).state).toBe('expired');
  });

  it('payment code: waiting, then paid; the code format is checked before anything is sent', async () => {
    await setup();
    const order = await openOrder();
    const bad = await t.core.dispatch('payments.start', {
      orderId: order.id,
      provider: 'alipay',
      mode: 'payment_code',
      authCode: '123456789012',
    });
    expect(bad.ok || bad.error.code).toBe('INVALID_PAYMENT_CODE');
    expect(alipay.calls).toHaveLength(0);
    alipay.then('create', { kind: 'waiting' });
    const a = await t.core.payments.start({
      orderId: order.id,
      provider: 'alipay',
      mode: 'payment_code',
      authCode: '281234567890123456',
    });
    expect(a).toMatchObject({ state: 'pending', lastOutcome: { kind: 'waiting' } });
    alipay.then('query', { kind: 'pending' }, { kind: 'paid', trade: trade(order.totalFen) });
    t.clock.advance(3_000);
    await t.core.payments.runDue();
    t.clock.advance(3_000);
    await t.core.payments.runDue();
    expect(t.core.payments.view(a.id).state).toBe('paid');
  });

  it('payment code: no confirmation within the time → cancel upstream; a refund by the cancel is an exception', async () => {
    await setup();
    const order = await openOrder();
    alipay.then('create', { kind: 'waiting' });
    alipay.defaults.query = { kind: 'pending' };
    alipay.then('cancel', { kind: 'retry', retryAt: 0, reason: 'retry_flag=Y' }, { kind: 'refunded' });
    const a = await t.core.payments.start({
      orderId: order.id,
      provider: 'alipay',
      mode: 'payment_code',
      authCode: '281234567890123456',
    });
    for (let i = 0; i < 30 && t.core.payments.view(a.id).state === 'pending'; i++) {
      t.clock.advance(3_000);
      await t.core.payments.runDue();
    }
    expect(alipay.count('cancel')).toBe(2);
    expect(t.core.payments.view(a.id).state).toBe('expired');
    expect(t.core.store.sqlite.prepare('select kind from payment_exceptions').all()).toEqual([
      { kind: 'refunded_by_cancel' },
    ]);
  });

  it('declined at once: the attempt fails and the order stays payable', async () => {
    await setup();
    const order = await openOrder();
    alipay.then('create', { kind: 'declined', code: 'ACQ.BUYER_BALANCE_NOT_ENOUGH', message: 'balance not enough' });
    const a = await t.core.payments.start({
      orderId: order.id,
      provider: 'alipay',
      mode: 'payment_code',
      authCode: '281234567890123456',
    });
    expect(a.state).toBe('failed');
    const next = await t.core.payments.start({ orderId: order.id, provider: 'wechat', mode: 'qr' });
    expect(next.state).toBe('pending');
    expect(next.outTradeNo).toMatch(/W2$/);
  });

  it('a create that never answered is recovered by the poller from upstream truth', async () => {
    await setup();
    const order = await openOrder();
    alipay.then('create', new Error('connect ECONNREFUSED'));
    const a = await t.core.payments.start({
      orderId: order.id,
      provider: 'alipay',
      mode: 'payment_code',
      authCode: '281234567890123456',
    });
    expect(a).toMatchObject({ state: 'pending', unknown: true });
    alipay.then('query', { kind: 'paid', trade: trade(order.totalFen) });
    t.clock.advance(3_000);
    await t.core.payments.runDue();
    expect(t.core.payments.view(a.id).state).toBe('paid');
  });

  it('a crash between writing the attempt and storing the create answer: the attempt is found and settled on restart', async () => {
    await setup();
    const order = await openOrder();
    // simulate: the attempt row exists in state created, the create answer was lost
    const id = t.core.store.sqlite
      .prepare(
        `insert into payment_attempts (order_id, method, mode, out_trade_no, amount_fen, state, created_at, updated_at, deadline_at, next_poll_at)
         values (?, 'alipay', 'qr', 'X1', ?, 'created', ?, ?, ?, ?)`,
      )
      .run(
        order.id,
        order.totalFen,
        t.clock.now(),
        t.clock.now(),
        t.clock.now() + 180_000,
        t.clock.now() + 15_000,
      ).lastInsertRowid;
    t.clock.advance(15_000);
    alipay.then('query', { kind: 'not_found' });
    await t.core.payments.runDue();
    // no QR was ever drawn and there is no trade upstream: nobody can pay it, so it is over (issue 12)
    expect(t.core.payments.view(Number(id))).toMatchObject({ state: 'closed', lastOutcome: { kind: 'not_found' } });
  });

  it('cash while a WeChat QR is still closing: refused unless an owner overrides with a PIN (audited); a late WeChat payment is a double payment, not a second sale', async () => {
    await setup();
    const order = await openOrder();
    const a = await t.core.payments.start({ orderId: order.id, provider: 'wechat', mode: 'qr' });
    const stopped = await t.core.payments.stop(a.id);
    expect(stopped).toMatchObject({ state: 'pending', closing: true }); // WeChat: no close within 5 minutes
    const refused = await t.core.dispatch('checkout.payCash', { orderId: order.id, tenderedFen: 1000 });
    expect(refused.ok || refused.error.code).toBe('PAYMENT_IN_PROGRESS');
    // the clerk alone cannot override
    const alone = await t.core.dispatch('checkout.payCash', {
      orderId: order.id,
      tenderedFen: 1000,
      overrideOpenAttempt: true,
    });
    expect(alone.ok || alone.error.code).toBe('OWNER_APPROVAL_REQUIRED');
    const wrong = await t.core.dispatch('checkout.payCash', {
      orderId: order.id,
      tenderedFen: 1000,
      overrideOpenAttempt: true,
      approvalPin: '0000',
    });
    expect(wrong.ok || wrong.error.code).toBe('WRONG_PIN');
    expect(t.core.orders.get(order.id).status).toBe('open');
    const cash = await call<{ order: { status: string; journal: { kind: string }[] } }>('checkout.payCash', {
      orderId: order.id,
      tenderedFen: 1000,
      overrideOpenAttempt: true,
      approvalPin: '8888',
    });
    expect(cash.order.status).toBe('paid');
    expect(cash.order.journal.map((j) => j.kind)).toEqual(
      expect.arrayContaining(['cash.override', 'attempt.override']),
    );
    const audit = t.core.audit.list({ action: 'payment.override' });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor: '收银员 01',
      role: 'clerk',
      approvedBy: '店长',
      subject: `attempt:${a.id}`,
    });
    // the customer pays the WeChat QR anyway
    wechat.defaults.query = { kind: 'paid', trade: trade(order.totalFen) };
    t.clock.advance(3_000);
    await t.core.payments.runDue();
    expect(t.core.payments.view(a.id)).toMatchObject({ state: 'pending', lastOutcome: { kind: 'double_payment' } });
    expect(t.core.store.sqlite.prepare('select kind from payment_exceptions').all()).toEqual([
      { kind: 'double_payment' },
    ]);
    // and it is not polled again
    t.clock.advance(60_000);
    expect(await t.core.payments.runDue()).toBe(0);
  });

  it('an owner override lets cash past a payment that is not being closed; that payment is then closed upstream', async () => {
    await setup();
    const order = await openOrder();
    const a = await t.core.payments.start({ orderId: order.id, provider: 'alipay', mode: 'qr' });
    const r = await t.core.dispatch('checkout.payCash', {
      orderId: order.id,
      tenderedFen: 1000,
      overrideOpenAttempt: true,
    });
    expect(r.ok || r.error.code).toBe('OWNER_APPROVAL_REQUIRED');
    await call('checkout.payCash', {
      orderId: order.id,
      tenderedFen: 1000,
      overrideOpenAttempt: true,
      approvalPin: '8888',
    });
    expect(t.core.payments.view(a.id)).toMatchObject({ state: 'pending', closing: true });
    alipay.defaults.query = { kind: 'pending' };
    alipay.defaults.close = { kind: 'closed' };
    await t.core.payments.runDue();
    expect(t.core.payments.view(a.id).state).toBe('closed');
    expect(t.core.orders.get(order.id).status).toBe('paid');
  });
});
