/**
 * The whole payment path over HTTP: the core with the real intermediary clients, configured by the
 * embedded default, against the sandbox speaking the real wire protocols. The buyer's side is
 * played through the sandbox's control API, as a tester would.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/server';
import { ManualClock } from '../../src/main/core/clock';
import { createCore, type Core } from '../../src/main/core/core';
import { tempDir } from '../support/temp';

interface Env {
  core: Core;
  clock: ManualClock;
  sandbox: { baseUrl: string; close(): Promise<void> };
  close(): Promise<void>;
}

let env: Env | null = null;
afterEach(async () => {
  await env?.close();
  env = null;
});

async function start(): Promise<Env> {
  const app = tempDir('pos-pay-');
  const sb = tempDir('pos-sandbox-');
  const sandbox = await startSandbox({ port: 0, dataDir: sb.dir });
  const clock = new ManualClock(Date.now());
  const core = await createCore({
    dataDir: app.dir,
    mode: 'browser',
    newStoreRequiresDrawer: false, // sells cash without opening a drawer
    clock,
    timeZone: 'Asia/Shanghai',
    sandboxBaseUrl: sandbox.baseUrl,
    poll: false,
    returnUrl: () => 'http://127.0.0.1:9/pay/yeepay/callback',
  });
  env = {
    core,
    clock,
    sandbox,
    close: async () => {
      core.close();
      await sandbox.close();
      app.cleanup();
      sb.cleanup();
    },
  };
  return env;
}

async function control(path: string, body: unknown = {}): Promise<Response> {
  return fetch(`${env!.sandbox.baseUrl}/_sandbox/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

function order(core: Core): { id: number; totalFen: number } {
  core.carts.add(core.catalog.findByCode('DRI-001')!.id, 2);
  core.carts.add(core.catalog.findByCode('SNA-001')!.id, 1);
  const o = core.orders.confirm();
  return { id: o.id, totalFen: o.totalFen };
}

async function pollUntil(
  core: Core,
  clock: ManualClock,
  attemptId: number,
  done: (s: string) => boolean,
  steps = 20,
): Promise<string> {
  for (let i = 0; i < steps; i++) {
    const s = core.payments.view(attemptId).state;
    if (done(s)) return s;
    clock.advance(3_000);
    await core.payments.runDue();
  }
  return core.payments.view(attemptId).state;
}

describe('payments against the sandbox, over HTTP', () => {
  it('offers every provider of the embedded default', async () => {
    const { core } = await start();
    expect(
      core.payments
        .options()
        .map((o) => `${o.provider}:${o.mode}`)
        .sort(),
    ).toEqual(['alipay:payment_code', 'alipay:qr', 'wechat:payment_code', 'wechat:qr', 'yeepay:redirect'].sort());
    expect(core.paymentSettings.sandboxActive()).toBe(true);
  });

  it.each(['alipay', 'wechat'] as const)(
    '%s QR: the customer pays, the poller sees it, the order is paid',
    async (provider) => {
      const { core, clock } = await start();
      const o = order(core);
      const a = await core.payments.start({ orderId: o.id, provider, mode: 'qr' });
      expect(a.state).toBe('pending');
      expect(a.qrContent).toMatch(/^https?:\/\//);
      clock.advance(1_000);
      await core.payments.runDue();
      expect(core.payments.view(a.id).state).toBe('pending');
      const paid = await control(`trades/${provider}/${a.outTradeNo}/pay`);
      expect(paid.status).toBe(200);
      expect(await pollUntil(core, clock, a.id, (s) => s === 'paid')).toBe('paid');
      expect(core.orders.get(o.id).status).toBe('paid');
      const wire = core.orders.get(o.id).journal.filter((j) => j.kind.startsWith('wire.'));
      expect(wire.length).toBeGreaterThanOrEqual(2);
      // secrets never reach the journal
      expect(JSON.stringify(core.orders.get(o.id).journal)).not.toMatch(/PRIVATE KEY|7d4f2c0993a99691bfeaa696641c3f48/);
    },
  );

  it.each([
    ['alipay', '281234567890123456'],
    ['wechat', '134567890123456789'],
  ] as const)('%s payment code: paid at once', async (provider, code) => {
    const { core } = await start();
    const o = order(core);
    const a = await core.payments.start({ orderId: o.id, provider, mode: 'payment_code', authCode: code });
    expect(a.state).toBe('paid');
    expect(core.orders.get(o.id).status).toBe('paid');
  });

  it.each([
    ['alipay', '281234567890123457'],
    ['wechat', '134567890123456780'],
  ] as const)(
    '%s payment code: the buyer confirms on the phone (10003 / USERPAYING), then paid',
    async (provider, code) => {
      const { core, clock } = await start();
      const o = order(core);
      const s = await control('scenarios', { provider, scenario: 'user_paying', seconds: 6 });
      expect(s.status).toBe(201);
      const a = await core.payments.start({ orderId: o.id, provider, mode: 'payment_code', authCode: code });
      expect(a).toMatchObject({ state: 'pending', lastOutcome: { kind: 'waiting' } });
      await control('clock/advance', { seconds: 7 });
      expect(await pollUntil(core, clock, a.id, (st) => st !== 'pending')).toBe('paid');
    },
  );

  it('a declined QR ends failed and the order can be paid in cash', async () => {
    const { core, clock } = await start();
    const o = order(core);
    const a = await core.payments.start({ orderId: o.id, provider: 'alipay', mode: 'qr' });
    expect((await control(`trades/alipay/${a.outTradeNo}/decline`)).status).toBe(200);
    const final = await pollUntil(core, clock, a.id, (s) => s !== 'pending');
    expect(['failed', 'closed']).toContain(final);
    const cash = await core.dispatch('checkout.payCash', { orderId: o.id, tenderedFen: 10_000 });
    expect(cash.ok).toBe(true);
  });

  it('an unscanned Alipay QR expires: closed upstream (no trade), the order stays payable', async () => {
    const { core, clock } = await start();
    const o = order(core);
    const a = await core.payments.start({ orderId: o.id, provider: 'alipay', mode: 'qr' });
    clock.advance(3 * 60_000 + 1);
    await core.payments.runDue();
    expect(core.payments.view(a.id).state).toBe('expired');
    expect(core.orders.get(o.id).status).toBe('open');
  });

  it('a bad signature on the answer is never paid', async () => {
    const { core, clock } = await start();
    const o = order(core);
    const a = await core.payments.start({ orderId: o.id, provider: 'wechat', mode: 'qr' });
    await control(`trades/wechat/${a.outTradeNo}/pay`);
    expect((await control('scenarios', { provider: 'wechat', scenario: 'bad_signature' })).status).toBe(201);
    clock.advance(1_000);
    await core.payments.runDue();
    expect(core.payments.view(a.id)).toMatchObject({ state: 'pending', unknown: true });
    expect(core.orders.get(o.id).status).toBe('open');
    await fetch(`${env!.sandbox.baseUrl}/_sandbox/scenarios`, { method: 'DELETE' });
    expect(await pollUntil(core, clock, a.id, (s) => s === 'paid')).toBe('paid');
  });

  it('YeePay: the cashier page takes the signed form, the buyer pays, the query confirms', async () => {
    const { core, clock } = await start();
    const o = order(core);
    const a = await core.payments.start({ orderId: o.id, provider: 'yeepay', mode: 'redirect' });
    expect(a.redirect?.fields.p0_Cmd).toBe('Buy');
    expect(a.redirect?.fields.p3_Amt).toBe((o.totalFen / 100).toFixed(2));
    // the browser posts the form to the cashier page
    const page = await fetch(a.redirect!.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(a.redirect!.fields).toString(),
    });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('cashier-pay');
    expect((await control(`trades/yeepay/${a.outTradeNo}/pay`)).status).toBe(200);
    expect(await pollUntil(core, clock, a.id, (s) => s === 'paid')).toBe('paid');
  });

  it('exports the payment timeline of a QR sale as JSON and CSV, with every signed exchange and no key', async () => {
    const { core, clock } = await start();
    const o = order(core);
    const a = await core.payments.start({ orderId: o.id, provider: 'alipay', mode: 'qr' });
    await control(`trades/alipay/${a.outTradeNo}/pay`);
    expect(await pollUntil(core, clock, a.id, (s) => s === 'paid')).toBe('paid');
    const json = await core.dispatch('orders.exportTimeline', { orderId: o.id, format: 'json', approvalPin: '8888' });
    const csv = await core.dispatch('orders.exportTimeline', { orderId: o.id, format: 'csv', approvalPin: '8888' });
    if (!json.ok || !csv.ok) throw new Error('export failed');
    const j = json.value as { filename: string; content: string };
    const c = csv.value as { filename: string; content: string; mime: string };
    expect(j.filename).toMatch(/^counter-pos-\d{8}-\d{4}-timeline\.json$/);
    const parsed = JSON.parse(j.content) as { timeline: { kind: string; at: string }[]; payments: { state: string }[] };
    expect(parsed.payments[0]!.state).toBe('paid');
    expect(parsed.timeline.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['attempt.created', 'wire.precreate', 'wire.query', 'transition', 'order.paid']),
    );
    expect(parsed.timeline[0]!.at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const lines = c.content.trimEnd().split('\r\n');
    expect(lines[0]).toBe('at,order,attempt_id,kind,from_state,to_state,detail');
    expect(lines.length).toBe(parsed.timeline.length + 1);
    expect(c.content).toContain('wire.precreate');
    expect(c.mime).toBe('text/csv');
    for (const text of [j.content, c.content]) expect(text).not.toMatch(/PRIVATE KEY/);
    const missing = await core.dispatch('orders.exportTimeline', {
      orderId: 999_999,
      format: 'csv',
      approvalPin: '8888',
    });
    expect(missing.ok || missing.error.code).toBe('NOT_FOUND');
  });
});
