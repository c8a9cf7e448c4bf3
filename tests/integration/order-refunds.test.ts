/**
 * Refunds of paid orders through the contract: full, by line, by amount; the owner's PIN; exact
 * arithmetic in fen; idempotent requests; and, against the sandbox over HTTP, a refund that is
 * pending before it succeeds and one the intermediary refuses.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/main/core/clock';
import { createCore, type Core } from '../../src/main/core/core';
import type { ProviderSource } from '../../src/main/core/payments/attempts';
import { DEFAULT_REFUND_TIMING } from '../../src/main/core/refunds/refunds';
import type { ProviderId, Trade } from '../../src/main/intermediaries/provider';
import type { RefundQuote, RefundView } from '../../src/shared/types';
import { startSandbox } from '../../src/sandbox/server';
import { FakeProvider } from '../support/fake-provider';
import { must, startCore, tempDir, type TestCore } from '../support/core';

let t: TestCore | null = null;
let alipay: FakeProvider;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  t?.close();
  t = null;
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(): Promise<TestCore> {
  alipay = new FakeProvider('alipay');
  const providers: ProviderSource = {
    get: (id: ProviderId) => (id === 'alipay' ? { provider: alipay, sandbox: true } : undefined),
    all: () => [{ provider: alipay, sandbox: true }],
  };
  t = await startCore({ providers, poll: false });
  return t;
}

const trade = (amountFen: number): Trade => ({ tradeNo: 'T1', amountFen, paidAt: null, buyer: null });

/** Three colas and a snack with a 10% order discount: totals that do not split evenly. */
function confirm(core: Core): { id: number; totalFen: number } {
  core.carts.add(core.catalog.findByCode('DRI-001')!.id, 3);
  core.carts.add(core.catalog.findByCode('SNA-001')!.id, 1);
  core.carts.setOrderDiscount({ kind: 'percent', value: 10 });
  const o = core.orders.confirm();
  return { id: o.id, totalFen: o.totalFen };
}

async function paidByAlipay(tc: TestCore): Promise<{ id: number; totalFen: number }> {
  const o = confirm(tc.core);
  const a = await tc.core.payments.start({ orderId: o.id, provider: 'alipay', mode: 'qr' });
  alipay.then('query', { kind: 'paid', trade: trade(o.totalFen) });
  await tc.core.payments.queryNow(a.id);
  expect(tc.core.orders.get(o.id).status).toBe('paid');
  return o;
}

const refund = (core: Core, input: Record<string, unknown>) =>
  core.dispatch('refunds.create', {
    restock: true,
    reason: 'customer returned it',
    requestKey: randomUUID(),
    approvalPin: '8888',
    ...input,
  });

describe('refunds of paid orders', () => {
  it('a full cash refund comes from the drawer at once; the order and payment are refunded; audited', async () => {
    const { core } = await setup();
    const o = confirm(core);
    core.orders.payCash(o.id, 5000);
    const clerk = await core.dispatch('refunds.create', {
      orderId: o.id,
      kind: 'full',
      restock: true,
      reason: 'wrong items',
      requestKey: randomUUID(),
    });
    expect(clerk.ok || clerk.error.code).toBe('OWNER_APPROVAL_REQUIRED');
    const r = must(await refund(core, { orderId: o.id, kind: 'full' })) as RefundView;
    expect(r).toMatchObject({ method: 'cash', state: 'succeeded', amountFen: o.totalFen });
    expect(core.orders.get(o.id).status).toBe('refunded');
    expect(core.orders.get(o.id).payments[0]!.state).toBe('refunded');
    expect(core.audit.list({ action: 'order.refund' })).toHaveLength(1);
    const again = await refund(core, { orderId: o.id, kind: 'amount', amountFen: 1 });
    expect(again.ok || again.error.code).toBe('ORDER_NOT_REFUNDABLE');
  });

  it('by line through the intermediary: the parts of a line add up to its total exactly; the order ends refunded', async () => {
    const tc = await setup();
    const o = await paidByAlipay(tc);
    const q0 = must(await tc.core.dispatch('refunds.quote', { orderId: o.id })) as RefundQuote;
    const cola = q0.lines.find((l) => l.qty === 3)!;
    const snack = q0.lines.find((l) => l.qty === 1)!;
    alipay.then(
      'refund',
      { kind: 'accepted' },
      { kind: 'succeeded', refundedFen: 0 },
      { kind: 'succeeded', refundedFen: 0 },
    );
    // one cola: accepted, then the refund query says succeeded
    const first = must(
      await refund(tc.core, { orderId: o.id, kind: 'lines', lines: [{ lineNo: cola.lineNo, qty: 1 }] }),
    ) as RefundView;
    expect(first.state).toBe('pending');
    alipay.then('refundQuery', { kind: 'succeeded', refundedFen: first.amountFen });
    tc.clock.advance(5_000);
    await tc.core.refunds.runDue();
    expect(tc.core.refunds.view(first.id).state).toBe('succeeded');
    expect(tc.core.orders.get(o.id).status).toBe('partially_refunded');
    // the other two colas and the snack
    alipay.queue.refund.length = 0;
    const q1 = must(await tc.core.dispatch('refunds.quote', { orderId: o.id })) as RefundQuote;
    const rest = q1.lines.find((l) => l.lineNo === cola.lineNo)!;
    expect(rest).toMatchObject({ refundedQty: 1, refundableQty: 2 });
    const restFen = cola.totalFen - first.amountFen;
    alipay.then(
      'refund',
      { kind: 'succeeded', refundedFen: restFen },
      { kind: 'succeeded', refundedFen: snack.totalFen },
    );
    const second = must(
      await refund(tc.core, { orderId: o.id, kind: 'lines', lines: [{ lineNo: cola.lineNo, qty: 2 }] }),
    ) as RefundView;
    expect(second).toMatchObject({ state: 'succeeded', amountFen: restFen });
    expect(first.amountFen + second.amountFen).toBe(cola.totalFen);
    const third = must(
      await refund(tc.core, { orderId: o.id, kind: 'lines', lines: [{ lineNo: snack.lineNo, qty: 1 }] }),
    ) as RefundView;
    expect(third.amountFen).toBe(snack.totalFen);
    expect(first.amountFen + second.amountFen + third.amountFen).toBe(o.totalFen);
    expect(tc.core.orders.get(o.id).status).toBe('refunded');
    const q2 = must(await tc.core.dispatch('refunds.quote', { orderId: o.id })) as RefundQuote;
    expect(q2.refundableFen).toBe(0);
    // the same refund number is never reused; the refunds record the restock
    const rows = tc.core.store.sqlite.prepare('select refund_no, restock from refunds order by id').all() as {
      refund_no: string;
      restock: number;
    }[];
    expect(new Set(rows.map((r) => r.refund_no)).size).toBe(3);
    expect(rows.every((r) => r.restock === 1)).toBe(true);
  });

  it('refuses more than remains, a line beyond its items, and an unpaid order; nothing is written', async () => {
    const tc = await setup();
    const open = confirm(tc.core);
    const unpaid = await refund(tc.core, { orderId: open.id, kind: 'full' });
    expect(unpaid.ok || unpaid.error.code).toBe('ORDER_NOT_REFUNDABLE');
    tc.core.orders.cancel(open.id, true);
    const o = await paidByAlipay(tc);
    const tooMuch = await refund(tc.core, { orderId: o.id, kind: 'amount', amountFen: o.totalFen + 1 });
    expect(tooMuch.ok || tooMuch.error.code).toBe('REFUND_TOO_LARGE');
    const q = must(await tc.core.dispatch('refunds.quote', { orderId: o.id })) as RefundQuote;
    const tooMany = await refund(tc.core, {
      orderId: o.id,
      kind: 'lines',
      lines: [{ lineNo: q.lines[0]!.lineNo, qty: q.lines[0]!.qty + 1 }],
    });
    expect(tooMany.ok || tooMany.error.code).toBe('REFUND_TOO_LARGE');
    const noAmount = await tc.core.dispatch('refunds.create', {
      orderId: o.id,
      kind: 'amount',
      restock: false,
      reason: 'x y z',
      requestKey: randomUUID(),
      approvalPin: '8888',
    });
    expect(noAmount.ok || noAmount.error.code).toBe('INVALID_INPUT');
    expect(tc.core.store.sqlite.prepare('select count(*) as n from refunds').get()).toEqual({ n: 0 });
    expect(alipay.count('refund')).toBe(0);
  });

  it('a double-submitted refund refunds once', async () => {
    const tc = await setup();
    const o = await paidByAlipay(tc);
    alipay.then('refund', { kind: 'succeeded', refundedFen: 500 });
    const requestKey = randomUUID();
    const [a, b] = await Promise.all([
      refund(tc.core, { orderId: o.id, kind: 'amount', amountFen: 500, requestKey }),
      refund(tc.core, { orderId: o.id, kind: 'amount', amountFen: 500, requestKey }),
    ]);
    expect((must(a) as RefundView).id).toBe((must(b) as RefundView).id);
    expect(tc.core.store.sqlite.prepare('select count(*) as n from refunds').get()).toEqual({ n: 1 });
    expect(alipay.count('refund')).toBe(1);
    const later = must(
      await refund(tc.core, { orderId: o.id, kind: 'amount', amountFen: 500, requestKey }),
    ) as RefundView;
    expect(later.state).toBe('succeeded');
  });
});

describe('the refund poller', () => {
  it('reads nothing on its ticks while no refund is unfinished; a refund accepted upstream is followed to its end, then it is quiet again', async () => {
    const tc = await setup();
    const o = await paidByAlipay(tc);
    const store = tc.core.store;
    let reads = 0;
    const spies = (['first', 'all'] as const).map((m) => {
      const original = store[m].bind(store) as (q: never) => unknown;
      return vi.spyOn(store, m).mockImplementation(((q: never) => {
        reads++;
        return original(q);
      }) as never);
    });
    tc.core.refunds.startPolling(5);
    try {
      await new Promise((r) => setTimeout(r, 30));
      const idle = reads;
      await new Promise((r) => setTimeout(r, 100));
      expect(reads - idle).toBe(0);

      alipay.then('refund', { kind: 'accepted' }).then('refundQuery', { kind: 'succeeded', refundedFen: o.totalFen });
      const r = must(await refund(tc.core, { orderId: o.id, kind: 'full' })) as RefundView;
      expect(r.state).toBe('pending');
      tc.clock.advance(DEFAULT_REFUND_TIMING.queryMs);
      await vi.waitFor(() => expect(tc.core.orders.get(o.id).status).toBe('refunded'));

      await new Promise((r) => setTimeout(r, 30));
      const done = reads;
      await new Promise((r) => setTimeout(r, 100));
      expect(reads - done).toBe(0);
    } finally {
      tc.core.refunds.stopPolling();
      for (const s of spies) s.mockRestore();
    }
  });
});

describe('refunds against the sandbox, over HTTP', () => {
  async function sandboxEnv() {
    const app = tempDir('pos-refund-');
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
    });
    cleanups.push(async () => {
      core.close();
      await sandbox.close();
      app.cleanup();
      sb.cleanup();
    });
    const control = (path: string, body: unknown = {}) =>
      fetch(`${sandbox.baseUrl}/_sandbox/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const paid = async (provider: 'alipay' | 'wechat') => {
      const o = confirm(core);
      const a = await core.payments.start({ orderId: o.id, provider, mode: 'qr' });
      expect((await control(`trades/${provider}/${a.outTradeNo}/pay`)).status).toBe(200);
      await core.payments.queryNow(a.id);
      expect(core.orders.get(o.id).status).toBe('paid');
      return { ...o, outTradeNo: a.outTradeNo };
    };
    const tradeView = async (provider: string, outTradeNo: string) =>
      (await (await fetch(`${sandbox.baseUrl}/_sandbox/trades/${provider}/${outTradeNo}`)).json()) as Record<
        string,
        unknown
      >;
    return { core, clock, sandbox, control, paid, tradeView };
  }

  it.each(['alipay', 'wechat'] as const)(
    '%s: a refund pending at the intermediary is followed by the refund query until it succeeds',
    async (provider) => {
      const { core, clock, control, paid, tradeView } = await sandboxEnv();
      const o = await paid(provider);
      expect(
        (await control('scenarios', { name: 'refund_pending', provider, params: { seconds: 30 } })).status,
      ).toBeLessThan(300);
      const r = must(
        await refund(core, { orderId: o.id, kind: 'amount', amountFen: 300, restock: false }),
      ) as RefundView;
      expect(r.state).toBe('pending');
      await control('clock/advance', { seconds: 31 });
      for (let i = 0; i < 5 && core.refunds.view(r.id).state === 'pending'; i++) {
        clock.advance(5_000);
        await core.refunds.runDue();
      }
      expect(core.refunds.view(r.id).state).toBe('succeeded');
      expect(core.orders.get(o.id).status).toBe('partially_refunded');
      expect(JSON.stringify(await tradeView(provider, o.outTradeNo))).toMatch(/"refunded_fen":300\b/);
    },
  );

  it('a refund the intermediary refuses ends failed, and the order stays paid and refundable', async () => {
    const { core, control, paid } = await sandboxEnv();
    const o = await paid('alipay');
    await control('scenarios', { name: 'refund_failed', provider: 'alipay' });
    const r = must(await refund(core, { orderId: o.id, kind: 'full' })) as RefundView;
    expect(r.state).toBe('failed');
    expect(r.lastOutcome).toMatchObject({ code: expect.stringMatching(/SELLER_BALANCE_NOT_ENOUGH/) });
    expect(core.orders.get(o.id).status).toBe('paid');
    const q = must(await core.dispatch('refunds.quote', { orderId: o.id })) as RefundQuote;
    expect(q.refundableFen).toBe(o.totalFen);
  });
});
