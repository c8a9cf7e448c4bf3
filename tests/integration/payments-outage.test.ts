/**
 * Outages (issue 12): a request that never reached the intermediary (refused, no such host) is a
 * definite failure and cash needs no owner; one that may have reached it (a timeout, a 5xx) leaves
 * the attempt unknown and the owner rule stands. Real HTTP against local servers that refuse,
 * never answer or answer 502, through the real Alipay client.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProvider, sandboxConfigs } from '../../src/main/intermediaries';
import type { PaymentProvider } from '../../src/main/intermediaries/provider';
import type { ProviderSource } from '../../src/main/core/payments/attempts';
import { scriptedProviders } from '../support/fake-provider';
import { must, startCore, type TestCore } from '../support/core';

const servers: Server[] = [];
let refusedUrl = '';
let silentUrl = '';
let badGatewayUrl = '';

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  // a port that was just free: nothing listens there, the connection is refused
  const gone = createServer();
  await new Promise<void>((ok) => gone.listen(0, '127.0.0.1', ok));
  refusedUrl = `http://127.0.0.1:${(gone.address() as AddressInfo).port}`;
  await new Promise<void>((ok) => gone.close(() => ok()));
  silentUrl = await listen(() => {
    /* accepts the request and never answers */
  });
  badGatewayUrl = await listen((_req, res) => {
    res.writeHead(502, { 'content-type': 'text/html' });
    res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
  });
});
afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise<void>((ok) => s.close(() => ok()));
  }
});

const alipayAt = (baseUrl: string): PaymentProvider =>
  createProvider(sandboxConfigs(baseUrl).alipay, { timeoutMs: 400 });

const createInput = {
  outTradeNo: 'OUTAGE1',
  amountFen: 1230,
  subject: 'Cola',
  mode: 'qr' as const,
  expiresAt: Date.now() + 60_000,
};

describe('the HTTP layer classifies a call that got no answer', () => {
  it.each([
    ['a refused connection', () => refusedUrl, 'refused'],
    ['a name that does not resolve', () => 'http://no-such-gateway.invalid', 'dns'],
    ['a server that accepts and never answers', () => silentUrl, 'timeout'],
    ['a 502 from a gateway', () => badGatewayUrl, 'server'],
  ])('%s', async (_name, url, trouble) => {
    const called = await alipayAt(url()).create(createInput);
    expect(called.outcome).toMatchObject({ kind: 'unknown', trouble });
  });
});

let t: TestCore;
afterEach(() => t?.close());

async function coreWith(alipay: PaymentProvider): Promise<{ orderId: number }> {
  const providers: ProviderSource = {
    get: (id) => (id === 'alipay' ? { provider: alipay, sandbox: true } : undefined),
    all: () => [{ provider: alipay, sandbox: true }],
  };
  t = await startCore({ providers, poll: false });
  const cola = t.core.catalog.findByCode('DRI-001')!;
  t.core.carts.add(cola.id, 2);
  return { orderId: t.core.orders.confirm().id };
}

describe('cash after a create that got no answer', () => {
  it('refused: the attempt failed (nothing upstream), the screen says why, and cash needs no owner', async () => {
    const { orderId } = await coreWith(alipayAt(refusedUrl));
    const a = await t.core.payments.start({ orderId, provider: 'alipay', mode: 'qr' });
    expect(a).toMatchObject({
      state: 'failed',
      unknown: false,
      lastOutcome: { kind: 'unreachable', trouble: 'refused' },
    });
    expect(a.display).toMatchObject({ phase: 'failed', status: 'unreachable', trouble: 'refused', cash: 'free' });
    const cash = must(await t.core.dispatch('checkout.payCash', { orderId, tenderedFen: 1000 })) as {
      order: { status: string };
    };
    expect(cash.order.status).toBe('paid');
    expect(t.core.audit.list({ action: 'payment.override' })).toHaveLength(0);
  });

  it('a name that does not resolve: failed too', async () => {
    const { orderId } = await coreWith(alipayAt('http://no-such-gateway.invalid'));
    const a = await t.core.payments.start({ orderId, provider: 'alipay', mode: 'qr' });
    expect(a).toMatchObject({ state: 'failed', lastOutcome: { kind: 'unreachable', trouble: 'dns' } });
  });

  it('a timeout: a trade may exist, so the attempt stays open and unknown and cash needs the owner', async () => {
    const { orderId } = await coreWith(alipayAt(silentUrl));
    const a = await t.core.payments.start({ orderId, provider: 'alipay', mode: 'qr' });
    expect(a).toMatchObject({
      state: 'pending',
      unknown: true,
      lastOutcome: { kind: 'unknown', trouble: 'timeout' },
    });
    expect(a.display).toMatchObject({ phase: 'checking', status: 'unknown', trouble: 'timeout', cash: 'blocked' });
    const refused = await t.core.dispatch('checkout.payCash', { orderId, tenderedFen: 1000 });
    expect(refused.ok || refused.error.code).toBe('PAYMENT_IN_PROGRESS');
    const alone = await t.core.dispatch('checkout.payCash', { orderId, tenderedFen: 1000, overrideOpenAttempt: true });
    expect(alone.ok || alone.error.code).toBe('OWNER_APPROVAL_REQUIRED');
    must(
      await t.core.dispatch('checkout.payCash', {
        orderId,
        tenderedFen: 1000,
        overrideOpenAttempt: true,
        approvalPin: '8888',
      }),
    );
  });

  it('a 502: unknown as well', async () => {
    const { orderId } = await coreWith(alipayAt(badGatewayUrl));
    const a = await t.core.payments.start({ orderId, provider: 'alipay', mode: 'qr' });
    expect(a).toMatchObject({ state: 'pending', unknown: true, lastOutcome: { kind: 'unknown', trouble: 'server' } });
  });
});

describe('when the service returns, and after a restart', () => {
  async function fakeCore(options: { poll?: boolean } = {}) {
    const scripted = scriptedProviders();
    t = await startCore({ providers: scripted.providers, poll: options.poll ?? false });
    const cola = t.core.catalog.findByCode('DRI-001')!;
    t.core.carts.add(cola.id, 2);
    return { ...scripted, orderId: t.core.orders.confirm().id };
  }

  it('a QR whose create timed out is never a box that waits for nothing: no trade upstream → over; a trade → closed there', async () => {
    const { alipay, wechat, orderId } = await fakeCore();
    alipay.then('create', { kind: 'unknown', reason: 'timeout', trouble: 'timeout' });
    const a = await t.core.payments.start({ orderId, provider: 'alipay', mode: 'qr' });
    expect(a).toMatchObject({ state: 'pending', unknown: true, qrContent: null });
    alipay.then('query', { kind: 'not_found' }); // the service is back and has no such trade
    t.clock.advance(3_000);
    await t.core.payments.runDue();
    expect(t.core.payments.view(a.id)).toMatchObject({ state: 'closed', lastOutcome: { kind: 'not_found' } });
    must(await t.core.dispatch('checkout.payCash', { orderId, tenderedFen: 1000 }));

    // WeChat had created the trade (NOTPAY) but its answer never came: nobody can scan it, so it is closed upstream
    const cola = t.core.catalog.findByCode('DRI-001')!;
    t.core.carts.add(cola.id, 1);
    const second = t.core.orders.confirm().id;
    wechat.then('create', { kind: 'unknown', reason: 'HTTP 502', trouble: 'server' });
    const b = await t.core.payments.start({ orderId: second, provider: 'wechat', mode: 'qr' });
    wechat.defaults.query = { kind: 'pending' };
    t.clock.advance(3_000);
    await t.core.payments.runDue();
    expect(t.core.payments.view(b.id)).toMatchObject({ state: 'pending', closing: true, unknown: false });
    for (let i = 0; i < 200 && t.core.payments.view(b.id).state === 'pending'; i++) {
      t.clock.advance(3_000);
      await t.core.payments.runDue();
    }
    expect(t.core.payments.view(b.id).state).toBe('closed');
    expect(wechat.count('close')).toBe(1);
  });

  it('on start the poller asks about every open attempt at once, whatever its schedule (paid while the till was down)', async () => {
    const { alipay, orderId } = await fakeCore();
    const a = await t.core.payments.start({ orderId, provider: 'alipay', mode: 'qr' });
    // far in the future (a long backoff when the till went down)
    t.core.store.sqlite
      .prepare('update payment_attempts set next_poll_at = ? where id = ?')
      .run(t.clock.now() + 60_000, a.id);
    alipay.then('query', { kind: 'paid', trade: { tradeNo: 'T9', amountFen: a.amountFen, paidAt: null, buyer: null } });
    t.core.payments.resume(); // what startPolling does first
    await t.core.payments.runDue();
    expect(t.core.payments.view(a.id).state).toBe('paid');
  });

  it('while the embedded sandbox is starting, an attempt on its provider waits quietly; no "not configured" message', async () => {
    t = await startCore({ poll: false, sandboxStarting: true });
    const cola = t.core.catalog.findByCode('DRI-001')!;
    t.core.carts.add(cola.id, 1);
    const order = t.core.orders.confirm();
    const id = Number(
      t.core.store.sqlite
        .prepare(
          `insert into payment_attempts (order_id, method, mode, out_trade_no, amount_fen, state, created_at, updated_at, deadline_at, next_poll_at, instrument)
           values (?, 'wechat', 'qr', 'W1', ?, 'pending', ?, ?, ?, ?, '{"kind":"qr","qrContent":"weixin://x"}')`,
        )
        .run(order.id, order.totalFen, t.clock.now(), t.clock.now(), t.clock.now() + 180_000, t.clock.now())
        .lastInsertRowid,
    );
    await t.core.payments.runDue();
    expect(t.core.payments.view(id)).toMatchObject({ unknown: false, message: null });
    // the sandbox could not start: now it is "not configured", said once
    t.core.paymentSettings.setSandboxBaseUrl(null);
    await t.core.payments.runDue();
    expect(t.core.payments.view(id)).toMatchObject({ unknown: true, message: expect.stringMatching(/not configured/) });
  });
});

describe('reachability', () => {
  it('a call with no answer marks the provider unreachable (on payments.options and pushed); the next answer recovers it and resumes its work at once', async () => {
    const scripted = scriptedProviders();
    t = await startCore({ providers: scripted.providers, poll: false });
    const pushed: unknown[] = [];
    t.core.events.subscribe((event, payload) => {
      if (event === 'payments.reachability') pushed.push(payload);
    });
    const cola = t.core.catalog.findByCode('DRI-001')!;
    t.core.carts.add(cola.id, 1);
    const orderId = t.core.orders.confirm().id;
    const reachability = async () =>
      (must(await t.core.dispatch('payments.options', {})) as { provider: string; unreachable: string | null }[]).find(
        (o) => o.provider === 'wechat',
      )?.unreachable ?? null;
    expect(await reachability()).toBeNull();
    scripted.wechat.then('create', { kind: 'qr', qrContent: 'weixin://wxpay/1' });
    const a = await t.core.payments.start({ orderId, provider: 'wechat', mode: 'qr' });
    scripted.wechat.then('query', { kind: 'unknown', reason: 'no answer', trouble: 'dns' });
    t.clock.advance(1_000);
    await t.core.payments.runDue();
    expect(await reachability()).toBe('dns');
    expect(pushed).toEqual([{ provider: 'wechat', unreachable: 'dns' }]);
    // the backoff put the next ask seconds away; an answer from any call (here "check now") recovers the
    // provider and every open attempt of it is asked at once
    t.core.store.sqlite
      .prepare('update payment_attempts set next_poll_at = ? where id = ?')
      .run(t.clock.now() + 30_000, a.id);
    scripted.wechat.then('query', { kind: 'pending' });
    await t.core.payments.queryNow(a.id);
    expect(await reachability()).toBeNull();
    expect(pushed).toEqual([
      { provider: 'wechat', unreachable: 'dns' },
      { provider: 'wechat', unreachable: null },
    ]);
  });
});
