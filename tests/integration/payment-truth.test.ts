/**
 * What needs a person, through the contract: payments whose outcome is unknown or overdue, the
 * owner's override, late money refunded or accepted, refunds followed to their end (also across a
 * restart), PIN approval with its lock-out, and the append-only audit log.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createCore } from '../../src/main/core/core';
import type { ProviderSource } from '../../src/main/core/payments/attempts';
import type { Trade } from '../../src/main/intermediaries/provider';
import type { AttentionView, ExceptionView, RefundView } from '../../src/shared/types';
import { FakeProvider, scriptedProviders } from '../support/fake-provider';
import { must, startCore, type TestCore } from '../support/core';

let t: TestCore;
let alipay: FakeProvider;
let wechat: FakeProvider;
let providers: ProviderSource;
afterEach(() => t?.close());

async function setup(): Promise<void> {
  ({ alipay, wechat, providers } = scriptedProviders());
  t = await startCore({ providers, poll: false });
}

const trade = (amountFen: number, tradeNo = 'T1'): Trade => ({ tradeNo, amountFen, paidAt: null, buyer: null });
const call = async <T>(method: string, input: unknown): Promise<T> => must(await t.core.dispatch(method, input)) as T;
const code = async (method: string, input: unknown): Promise<string> => {
  const r = await t.core.dispatch(method, input);
  return r.ok ? 'ok' : r.error.code;
};

async function openOrder(): Promise<{ id: number; totalFen: number; number: string }> {
  const cola = t.core.catalog.findByCode('DRI-001')!;
  t.core.carts.add(cola.id, 2);
  const o = t.core.orders.confirm();
  return { id: o.id, totalFen: o.totalFen, number: o.number };
}

/** An Alipay QR that expires unpaid, then is reported paid: a paid-after-close exception. */
async function lateMoney(): Promise<{
  order: { id: number; totalFen: number };
  attemptId: number;
  exception: ExceptionView;
}> {
  const order = await openOrder();
  const a = await t.core.payments.start({ orderId: order.id, provider: 'alipay', mode: 'qr' });
  t.clock.advance(181_000);
  alipay.then('query', { kind: 'not_found' });
  alipay.then('close', { kind: 'closed' });
  await t.core.payments.runDue();
  expect(t.core.payments.view(a.id).state).toBe('expired');
  alipay.then('query', { kind: 'paid', trade: trade(order.totalFen, 'LATE-1') });
  alipay.incomingOutcome = { kind: 'paid', outTradeNo: a.outTradeNo, trade: trade(order.totalFen, 'LATE-1') };
  await t.core.payments.incoming('alipay', {
    method: 'POST',
    query: {},
    body: Buffer.from(''),
    contentType: 'application/x-www-form-urlencoded',
  });
  const view = await call<AttentionView>('payments.attention', {});
  expect(view.exceptions).toHaveLength(1);
  return { order, attemptId: a.id, exception: view.exceptions[0]! };
}

/** A WeChat QR stopped but still closing, cash taken past it by the owner, then the WeChat payment lands. */
async function doublePayment(): Promise<{
  order: { id: number; totalFen: number };
  a: { id: number };
  exc: ExceptionView;
}> {
  const order = await openOrder();
  const a = await t.core.payments.start({ orderId: order.id, provider: 'wechat', mode: 'qr' });
  await t.core.payments.stop(a.id);
  await call('checkout.payCash', {
    orderId: order.id,
    tenderedFen: 1000,
    overrideOpenAttempt: true,
    approvalPin: '8888',
  });
  wechat.then('query', { kind: 'paid', trade: trade(order.totalFen) });
  t.clock.advance(3_000);
  await t.core.payments.runDue();
  const exc = (await call<AttentionView>('payments.attention', {})).exceptions[0]!;
  return { order, a, exc };
}

describe('payments that need a person', () => {
  it('lists unknown, unanswered and overdue payments; "query now" settles one', async () => {
    await setup();
    const o1 = await openOrder();
    alipay.then('create', new Error('socket hang up'));
    const unknown = await t.core.payments.start({ orderId: o1.id, provider: 'alipay', mode: 'qr' });
    expect(unknown.unknown).toBe(true);
    const o2 = await openOrder();
    await t.core.payments.start({ orderId: o2.id, provider: 'wechat', mode: 'qr' });
    let view = await call<AttentionView>('payments.attention', {});
    // a healthy pending QR is not listed; the unknown one is
    expect(view.attempts.map((a) => [a.orderId, a.reasons])).toEqual([[o1.id, ['unknown']]]);
    t.clock.advance(200_000);
    view = await call<AttentionView>('payments.attention', {});
    expect(view.attempts.map((a) => a.reasons)).toEqual([['unknown', 'overdue'], ['overdue']]);
    alipay.then('query', { kind: 'paid', trade: trade(o1.totalFen) });
    const settled = await call<{ state: string }>('payments.queryNow', { attemptId: unknown.id });
    expect(settled.state).toBe('paid');
    view = await call<AttentionView>('payments.attention', {});
    expect(view.attempts.map((a) => a.orderId)).toEqual([o2.id]);
  });

  it('the same order cannot be charged again while a payment is open, unless the owner overrides (audited)', async () => {
    await setup();
    const order = await openOrder();
    alipay.then('create', new Error('timeout'));
    const a = await t.core.payments.start({ orderId: order.id, provider: 'alipay', mode: 'qr' });
    expect(await code('payments.start', { orderId: order.id, provider: 'wechat', mode: 'qr' })).toBe(
      'PAYMENT_IN_PROGRESS',
    );
    expect(await code('payments.override', { attemptId: a.id, note: 'customer will pay by WeChat' })).toBe(
      'OWNER_APPROVAL_REQUIRED',
    );
    expect(await code('payments.override', { attemptId: a.id, note: 'x', approvalPin: '8888' })).toBe('INVALID_INPUT');
    const over = await call<{ closing: boolean }>('payments.override', {
      attemptId: a.id,
      note: 'customer will pay by WeChat',
      approvalPin: '8888',
    });
    expect(over.closing).toBe(true);
    const w = await call<{ state: string }>('payments.start', { orderId: order.id, provider: 'wechat', mode: 'qr' });
    expect(w.state).toBe('pending');
    const entry = t.core.audit.list({ action: 'payment.override' })[0]!;
    expect(entry).toMatchObject({
      approvedBy: '店长',
      note: 'customer will pay by WeChat',
      subject: `attempt:${a.id}`,
    });
    const view = await call<AttentionView>('payments.attention', {});
    expect(view.attempts.find((x) => x.id === a.id)?.reasons).toEqual(
      expect.arrayContaining(['overridden', 'closing']),
    );
  });

  it('late money accepted onto the order: the attempt becomes paid, the order paid, and it is audited once', async () => {
    await setup();
    const { order, attemptId, exception } = await lateMoney();
    expect(exception).toMatchObject({
      kind: 'paid_after_close',
      amountFen: order.totalFen,
      resolutions: ['refund', 'accept'],
    });
    expect(
      await code('exceptions.resolve', {
        exceptionId: exception.id,
        resolution: 'accept',
        note: 'customer showed the receipt',
      }),
    ).toBe('OWNER_APPROVAL_REQUIRED');
    expect(
      await code('exceptions.resolve', {
        exceptionId: exception.id,
        resolution: 'dismiss',
        note: 'nothing to do',
        approvalPin: '8888',
      }),
    ).toBe('RESOLUTION_NOT_ALLOWED');
    const done = await call<ExceptionView>('exceptions.resolve', {
      exceptionId: exception.id,
      resolution: 'accept',
      note: 'customer showed the receipt',
      approvalPin: '8888',
    });
    expect(done).toMatchObject({ resolution: 'accepted', orderStatus: 'paid', resolutions: [] });
    expect(done.resolvedAt).not.toBeNull();
    expect(t.core.payments.view(attemptId)).toMatchObject({ state: 'paid' });
    expect(t.core.orders.get(order.id).journal.map((j) => j.kind)).toEqual(
      expect.arrayContaining(['exception.accepted', 'order.paid']),
    );
    expect(
      await code('exceptions.resolve', {
        exceptionId: exception.id,
        resolution: 'refund',
        note: 'changed my mind',
        approvalPin: '8888',
      }),
    ).toBe('EXCEPTION_RESOLVED');
    expect(t.core.audit.list({ action: 'exception.accept' })).toHaveLength(1);
  });

  it('late money refunded through the intermediary: the same refund number on every retry, followed to success', async () => {
    await setup();
    const { order, attemptId, exception } = await lateMoney();
    alipay.then('refund', { kind: 'unknown', reason: 'timeout' }, { kind: 'accepted' });
    alipay.then('refundQuery', { kind: 'pending' }, { kind: 'succeeded', refundedFen: order.totalFen });
    let v = await call<ExceptionView>('exceptions.resolve', {
      exceptionId: exception.id,
      resolution: 'refund',
      note: 'customer had paid cash',
      approvalPin: '8888',
    });
    expect(v).toMatchObject({ resolution: 'refunding', resolvedAt: null, resolutions: [] });
    expect(v.refund).toMatchObject({ state: 'requested', unknown: true, amountFen: order.totalFen });
    // a second decision while the refund runs is refused
    expect(
      await code('exceptions.resolve', {
        exceptionId: exception.id,
        resolution: 'accept',
        note: 'double click',
        approvalPin: '8888',
      }),
    ).toBe('EXCEPTION_RESOLVED');
    for (let i = 0; i < 3; i++) {
      t.clock.advance(5_000);
      await t.core.refunds.runDue();
    }
    v = (await call<AttentionView>('payments.attention', {})).resolved[0]!;
    expect(v).toMatchObject({ id: exception.id, resolution: 'refunded' });
    expect(v.refund).toMatchObject({ state: 'succeeded' });
    const refundCalls = alipay.calls
      .filter((c) => c.op === 'refund')
      .map((c) => (c.input as { refundNo: string }).refundNo);
    expect(refundCalls).toHaveLength(2);
    expect(new Set(refundCalls).size).toBe(1);
    // the late attempt stays expired: the money went back, the order is still to be paid
    expect(t.core.payments.view(attemptId).state).toBe('expired');
    expect(t.core.orders.get(order.id).status).toBe('open');
  });

  it('a refund the intermediary refuses gives the exception back to the owner', async () => {
    await setup();
    const { exception } = await lateMoney();
    alipay.then('refund', { kind: 'declined', code: 'ACQ.SELLER_BALANCE_NOT_ENOUGH', message: 'balance' });
    const v = await call<ExceptionView>('exceptions.resolve', {
      exceptionId: exception.id,
      resolution: 'refund',
      note: 'give it back',
      approvalPin: '8888',
    });
    expect(v).toMatchObject({ resolution: null, resolvedAt: null, resolutions: ['refund', 'accept'] });
    expect(v.refund).toMatchObject({
      state: 'failed',
      lastOutcome: { kind: 'declined', code: 'ACQ.SELLER_BALANCE_NOT_ENOUGH' },
    });
  });

  it('a double payment accepted: the cash goes back from the drawer and the WeChat payment is kept', async () => {
    await setup();
    const { order, a, exc } = await doublePayment();
    expect(exc).toMatchObject({ kind: 'double_payment', resolutions: ['refund', 'accept'] });
    await call('exceptions.resolve', {
      exceptionId: exc.id,
      resolution: 'accept',
      note: 'customer wants the cash back',
      approvalPin: '8888',
    });
    const detail = t.core.orders.get(order.id);
    expect(detail.status).toBe('paid');
    const states = t.core.store.sqlite
      .prepare('select method, state from payment_attempts where order_id = ? order by id')
      .all(order.id);
    expect(states).toEqual([
      { method: 'wechat', state: 'paid' },
      { method: 'cash', state: 'refunded' },
    ]);
    const refunds = t.core.store.sqlite.prepare('select method, state, amount_fen from refunds').all();
    expect(refunds).toEqual([{ method: 'cash', state: 'succeeded', amount_fen: order.totalFen }]);
    // a later refund of this order goes back through WeChat, which holds the money
    const quote = await call<{ method: string; refundableFen: number; attemptId: number }>('refunds.quote', {
      orderId: order.id,
    });
    expect(quote).toMatchObject({ method: 'wechat', refundableFen: order.totalFen, attemptId: a.id });
  });

  it('a double payment refunded: the WeChat money goes back and that payment ends closed', async () => {
    await setup();
    const { order, a, exc } = await doublePayment();
    wechat.then('refund', { kind: 'succeeded', refundedFen: order.totalFen });
    const v = await call<ExceptionView>('exceptions.resolve', {
      exceptionId: exc.id,
      resolution: 'refund',
      note: 'paid twice, WeChat given back',
      approvalPin: '8888',
    });
    expect(v).toMatchObject({ resolution: 'refunded' });
    expect(t.core.payments.view(a.id).state).toBe('closed');
    expect(t.core.orders.get(order.id).status).toBe('paid');
    expect((await call<AttentionView>('payments.attention', {})).attempts).toEqual([]);
  });

  it('a refund whose answer was lost is sent again after a restart, with the same refund number', async () => {
    await setup();
    const { exception } = await lateMoney();
    // the refund intent is written, and the app dies before the call answers
    t.core.store.tx(() => {
      const actor = { userId: null, name: 'test', role: 'owner' as const, approvedBy: null };
      t.core.refunds.intent(
        {
          attemptId: exception.attemptId!,
          amountFen: exception.amountFen!,
          reason: 'restart test',
          exceptionId: exception.id,
        },
        actor,
      );
    });
    const before = t.core.store.sqlite.prepare('select refund_no from refunds').get() as { refund_no: string };
    t.core.close();
    const alipay2 = new FakeProvider('alipay');
    alipay2.then('refund', { kind: 'succeeded', refundedFen: exception.amountFen! });
    const core = await createCore({
      dataDir: t.dir,
      mode: 'browser',
      newStoreRequiresDrawer: false, // sells cash without opening a drawer
      clock: t.clock,
      timeZone: 'Asia/Shanghai',
      poll: false,
      providers: {
        get: (id) => (id === 'alipay' ? { provider: alipay2, sandbox: true } : undefined),
        all: () => [{ provider: alipay2, sandbox: true }],
      },
    });
    try {
      expect(await core.refunds.runDue()).toBe(1);
      const r = core.refunds.view(1) as RefundView;
      expect(r).toMatchObject({ state: 'succeeded', refundNo: before.refund_no });
      expect((alipay2.calls[0]!.input as { refundNo: string }).refundNo).toBe(before.refund_no);
    } finally {
      core.close();
    }
    t = { ...t, close: () => undefined };
  });

  it('refuses a refund above what the intermediary holds', async () => {
    await setup();
    const { exception } = await lateMoney();
    const actor = { userId: null, name: 'test', role: 'owner' as const, approvedBy: null };
    expect(() =>
      t.core.store.tx(() =>
        t.core.refunds.intent(
          { attemptId: exception.attemptId!, amountFen: exception.amountFen! + 1, reason: 'too much' },
          actor,
        ),
      ),
    ).toThrow(/exceed/);
    expect(t.core.store.sqlite.prepare('select count(*) as n from refunds').get()).toEqual({ n: 0 });
  });
});

describe('PINs and the audit log', () => {
  it('five wrong PINs lock the owner out for five minutes, even with the right PIN', async () => {
    await setup();
    for (let i = 4; i >= 1; i--) {
      const r = await t.core.dispatch('audit.list', { approvalPin: '1111' });
      expect(r.ok ? null : r.error).toMatchObject({ code: 'WRONG_PIN', details: { attemptsLeft: i } });
    }
    expect(await code('audit.list', { approvalPin: '1111' })).toBe('PIN_LOCKED');
    expect(await code('audit.list', { approvalPin: '8888' })).toBe('PIN_LOCKED');
    t.clock.advance(5 * 60_000 + 1);
    expect(await code('audit.list', { approvalPin: '8888' })).toBe('ok');
  });

  it('a clerk cannot read the audit log; the owner can, after signing in', async () => {
    await setup();
    expect(await code('audit.list', {})).toBe('OWNER_APPROVAL_REQUIRED');
    const users = await call<{ id: number; role: string }[]>('auth.users', {});
    const owner = users.find((u) => u.role === 'owner')!;
    expect(await code('auth.login', { userId: owner.id, pin: '1234' })).toBe('WRONG_PIN');
    await call('auth.login', { userId: owner.id, pin: '8888' });
    expect(await call('auth.current', {})).toMatchObject({ role: 'owner' });
    expect(await code('audit.list', {})).toBe('ok');
  });

  it('PINs are stored as salted scrypt hashes, and the audit log refuses to be rewritten', async () => {
    await setup();
    const rows = t.core.store.sqlite.prepare('select pin_hash, pin_salt from users').all() as {
      pin_hash: string;
      pin_salt: string;
    }[];
    expect(rows).toHaveLength(2);
    for (const r of rows) {
      expect(r.pin_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(r.pin_hash).not.toContain('8888');
    }
    expect(rows[0]!.pin_salt).not.toBe(rows[1]!.pin_salt);
    await lateMoney().then(({ exception }) =>
      call('exceptions.resolve', {
        exceptionId: exception.id,
        resolution: 'accept',
        note: 'kept',
        approvalPin: '8888',
      }),
    );
    expect(() => t.core.store.sqlite.prepare("update audit_log set note = 'forged'").run()).toThrow(/append-only/);
    expect(() => t.core.store.sqlite.prepare('delete from audit_log').run()).toThrow(/append-only/);
  });
});
