/**
 * Cash sessions through `core.dispatch` (the contract, with its zod schemas and role checks): open
 * with a float, paid in / out, the X report against the day's sales, a cash refund, the close with a
 * denomination count and its variance, the numbered immutable Z, pending intermediary payments,
 * midnight on the ManualClock, and each intermediary's statement beside what was paid locally.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ProviderSource } from '../../src/main/core/payments/attempts';
import type { ProviderId, Trade } from '../../src/main/intermediaries/provider';
import type { ErrorCode } from '../../src/shared/errors';
import type {
  CashReport,
  CashSessionState,
  CashSessionView,
  OrderSummary,
  PrintOutcome,
  ZSummary,
  ZView,
} from '../../src/shared/types';
import { FakeProvider } from '../support/fake-provider';
import { must, startCore, type TestCore } from '../support/core';

const OWNER_PIN = '8888';
const D = '2026-11-26';
const at = (beijing: string) => Date.parse(`${beijing}+08:00`);

let t: TestCore;
let alipay: FakeProvider;
let printed: { number: string; html: string }[];
afterEach(() => t?.close());

async function setup(start?: string): Promise<void> {
  alipay = new FakeProvider('alipay');
  const wechat = new FakeProvider('wechat');
  const map = new Map<ProviderId, FakeProvider>([
    ['alipay', alipay],
    ['wechat', wechat],
  ]);
  const providers: ProviderSource = {
    get: (id) => (map.has(id) ? { provider: map.get(id)!, sandbox: true } : undefined),
    all: () => [...map.values()].map((provider) => ({ provider, sandbox: true })),
  };
  printed = [];
  const printer = {
    print: (doc: { number: string }, html: string): Promise<PrintOutcome> => {
      printed.push({ number: doc.number, html });
      return Promise.resolve({ kind: 'pdf', path: `/receipts/${doc.number}.pdf` });
    },
  };
  t = await startCore({ providers, poll: false, printer });
  if (start) t.clock.set(at(start));
}

const call = async <T>(method: string, input: unknown = {}): Promise<T> =>
  must(await t.core.dispatch(method, input)) as T;
async function refused(
  method: string,
  input: unknown,
): Promise<{ code: ErrorCode; message: string; details?: Record<string, unknown> }> {
  const r = await t.core.dispatch(method, input);
  if (r.ok) throw new Error(`${method} should have been refused`);
  return r.error;
}

/** Confirms an order of `qty` Coca-Cola (¥3.00 each), with an optional amount off the order. */
function order(qty = 1, discountFen = 0): { id: number; totalFen: number; number: string } {
  t.core.carts.add(t.core.catalog.findByCode('DRI-001')!.id, qty);
  if (discountFen) t.core.carts.setOrderDiscount({ kind: 'amount', value: discountFen });
  const o = t.core.orders.confirm();
  return { id: o.id, totalFen: o.totalFen, number: o.number };
}

async function cashSale(
  qty = 1,
  discountFen = 0,
): Promise<{ id: number; totalFen: number; number: string; attemptId: number }> {
  const o = order(qty, discountFen);
  const paid = await call<{ order: { payments: { id: number }[] } }>('checkout.payCash', {
    orderId: o.id,
    tenderedFen: o.totalFen + 1000,
  });
  return { ...o, attemptId: paid.order.payments[0]!.id };
}

const trade = (amountFen: number): Trade => ({ tradeNo: `T${amountFen}`, amountFen, paidAt: null, buyer: null });

async function alipaySale(qty = 1): Promise<{ id: number; totalFen: number; number: string; outTradeNo: string }> {
  const o = order(qty);
  const a = await t.core.payments.start({ orderId: o.id, provider: 'alipay', mode: 'qr' });
  alipay.then('query', { kind: 'paid', trade: trade(o.totalFen) });
  t.clock.advance(1_000);
  await t.core.payments.runDue();
  expect(t.core.payments.view(a.id).state).toBe('paid');
  return { ...o, outTradeNo: a.outTradeNo };
}

const open = (floatFen = 20_000) => call<CashSessionView>('cashSession.open', { floatFen });
/** the X, and every money total of the drawer, are the owner's: the clerk signed in passes the owner's PIN */
const x = () => call<CashReport>('cashSession.x', { approvalPin: OWNER_PIN });
const current = () => call<CashSessionState>('cashSession.current', { approvalPin: OWNER_PIN });
/** denominations making exactly `fen` (¥100 notes, then ¥1, then 1 jiao and 1 fen coins) */
function countOf(fen: number): Record<string, number> {
  const c: Record<string, number> = {};
  const hundreds = Math.floor(fen / 10_000);
  const ones = Math.floor((fen % 10_000) / 100);
  const jiao = Math.floor((fen % 100) / 10);
  const cents = fen % 10;
  if (hundreds) c['10000'] = hundreds;
  if (ones) c['100'] = ones;
  if (jiao) c['10'] = jiao;
  if (cents) c['1'] = cents;
  return c;
}
const audit = (action: string) =>
  t.core.store.sqlite
    .prepare(`select actor_name, approved_by, subject, after, note from audit_log where action = ? order by id`)
    .all(action) as {
    actor_name: string;
    approved_by: string | null;
    subject: string;
    after: string;
    note: string | null;
  }[];

describe('cash sessions', () => {
  it('opens once per terminal, with a float typed or counted by denomination; inputs are checked', async () => {
    await setup();
    expect((await current()).session).toBeNull();
    expect((await refused('cashSession.x', { approvalPin: OWNER_PIN })).code).toBe('CASH_SESSION_NOT_OPEN');
    expect(
      (await refused('cashSession.move', { kind: 'in', amountFen: 100, reason: 'coins from the bank' })).code,
    ).toBe('CASH_SESSION_NOT_OPEN');

    for (const bad of [
      { denominations: { '300': 1 } }, // no such note
      { denominations: { '20': 1 } }, // 2 jiao: not counted by this till
      { denominations: { '10000': -1 } },
      { denominations: { '10000': 1.5 } },
      { floatFen: 12.5 },
      { floatFen: -1 },
      { floatFen: 10_000, denominations: { '5000': 1 } }, // they disagree
      {},
      { floatFen: 100, extra: true },
    ]) {
      expect((await refused('cashSession.open', bad)).code, JSON.stringify(bad)).toBe('INVALID_INPUT');
    }

    // the clerk (signed in by default) opens: two ¥100, one ¥50, 5 ¥10, 10 one-jiao coins
    const s = await call<CashSessionView>('cashSession.open', {
      denominations: { '10000': 2, '5000': 1, '1000': 5, '10': 10 },
    });
    // the clerk sees the drawer blind: no cash expected (tests/security/clerk-reads.test.ts)
    expect(s).toMatchObject({
      status: 'open',
      terminal: 'T01',
      businessDay: D,
      floatFen: 30_100,
      expectedFen: null,
      openedBy: '收银员 01',
    });
    expect((await current()).session?.expectedFen).toBe(30_100);
    expect(s.floatDenominations).toEqual({ '10000': 2, '5000': 1, '1000': 5, '10': 10 });
    expect((await refused('cashSession.open', { floatFen: 0 })).code).toBe('CASH_SESSION_OPEN');
    // the database enforces it too
    expect(() =>
      t.core.store.sqlite
        .prepare(
          `insert into cash_sessions (terminal, business_day, status, opened_at, opened_by, float_fen) values ('T01', ?, 'open', 0, 'x', 0)`,
        )
        .run(D),
    ).toThrow(/UNIQUE/);
    const state = await current();
    expect(state.session?.id).toBe(s.id);
    expect(audit('cash.session.open')).toMatchObject([{ actor_name: '收银员 01', subject: `T01 session ${s.id}` }]);

    for (const bad of [
      { kind: 'in', amountFen: 100, reason: 'ab' },
      { kind: 'in', amountFen: 100, reason: 'x'.repeat(201) },
      { kind: 'in', amountFen: 0, reason: 'nothing' },
      { kind: 'in', amountFen: 1.5, reason: 'half a fen' },
      { kind: 'sideways', amountFen: 100, reason: 'which way' },
    ]) {
      expect((await refused('cashSession.move', bad)).code, JSON.stringify(bad)).toBe('INVALID_INPUT');
    }
  });

  it("enforces roles: a clerk's paid out or close is refused without the owner's PIN", async () => {
    await setup();
    await open(10_000);
    // paid in: a clerk may
    const afterIn = await call<CashSessionView>('cashSession.move', {
      kind: 'in',
      amountFen: 5_000,
      reason: 'change from the bank',
    });
    expect(afterIn.expectedFen).toBeNull(); // blind for the clerk
    expect((await current()).session?.expectedFen).toBe(15_000);
    // paid out: the owner
    expect(
      (await refused('cashSession.move', { kind: 'out', amountFen: 2_000, reason: 'paid the window cleaner' })).code,
    ).toBe('OWNER_APPROVAL_REQUIRED');
    expect(
      (
        await refused('cashSession.move', {
          kind: 'out',
          amountFen: 2_000,
          reason: 'paid the window cleaner',
          approvalPin: '1234',
        })
      ).code,
    ).toBe('WRONG_PIN');
    // more than the drawer holds is refused, but only once the owner is there (the refusal tells the cash expected)
    expect(
      (await refused('cashSession.move', { kind: 'out', amountFen: 15_001, reason: 'a typo in the amount' })).code,
    ).toBe('OWNER_APPROVAL_REQUIRED');
    expect(
      (
        await refused('cashSession.move', {
          kind: 'out',
          amountFen: 15_001,
          reason: 'a typo in the amount',
          approvalPin: OWNER_PIN,
        })
      ).code,
    ).toBe('CASH_OUT_TOO_LARGE');
    const afterOut = await call<CashSessionView>('cashSession.move', {
      kind: 'out',
      amountFen: 2_000,
      reason: 'paid the window cleaner',
      approvalPin: OWNER_PIN,
    });
    expect(afterOut.expectedFen).toBe(13_000);
    expect(afterOut.moves.map((m) => [m.kind, m.amountFen, m.by, m.approvedBy])).toEqual([
      ['in', 5_000, '收银员 01', null],
      ['out', 2_000, '收银员 01', '店长'],
    ]);

    const count = { denominations: countOf(13_000) };
    expect((await refused('cashSession.close', count)).code).toBe('OWNER_APPROVAL_REQUIRED');
    expect((await refused('cashSession.close', { ...count, approvalPin: '0000' })).code).toBe('WRONG_PIN');
    expect((await current()).session?.status).toBe('open');
    const z = await call<ZView>('cashSession.close', { ...count, approvalPin: OWNER_PIN });
    expect(z.z).toMatchObject({
      number: 'Z-T01-0001',
      closedBy: '收银员 01',
      approvedBy: '店长',
      varianceFen: 0,
      varianceReason: null,
    });

    expect(audit('cash.paid_in')).toMatchObject([
      { actor_name: '收银员 01', approved_by: null, note: 'change from the bank' },
    ]);
    expect(audit('cash.paid_out')).toMatchObject([
      { actor_name: '收银员 01', approved_by: '店长', note: 'paid the window cleaner' },
    ]);
    expect(audit('cash.session.close')).toMatchObject([{ approved_by: '店长' }]);
    expect(JSON.parse(audit('cash.session.close')[0]!.after)).toMatchObject({
      z: 'Z-T01-0001',
      expectedFen: 13_000,
      countedFen: 13_000,
      varianceFen: 0,
    });

    // the owner signed in needs no PIN
    const owner = t.core.auth.users().find((u) => u.role === 'owner')!;
    await call('auth.login', { userId: owner.id, pin: OWNER_PIN });
    await open(0);
    await call('cashSession.move', { kind: 'in', amountFen: 100, reason: 'float top-up' });
    await call('cashSession.move', { kind: 'out', amountFen: 100, reason: 'stamps for the post' });
    expect((await call<ZView>('cashSession.close', { denominations: {} })).z).toMatchObject({
      closedBy: '店长',
      approvedBy: null,
    });
  });

  it("the X report equals the day's sales by method; a cash refund reduces the expected cash", async () => {
    await setup();
    await open(10_000);
    const c1 = await cashSale(2); // ¥6.00
    await cashSale(1, 50); // ¥3.00 − ¥0.50
    const a1 = await alipaySale(3); // ¥9.00
    const a2 = await alipaySale(1);
    const cancelled = order(4);
    await call('orders.cancel', { orderId: cancelled.id, approvalPin: '8888' });

    const report = await x();
    const day = await call<OrderSummary[]>('orders.list', { businessDay: D });
    const byMethod = new Map<string, { n: number; fen: number }>();
    for (const o of day.filter((o) => o.method !== null)) {
      const m = byMethod.get(o.method!) ?? { n: 0, fen: 0 };
      byMethod.set(o.method!, { n: m.n + 1, fen: m.fen + o.totalFen });
    }
    const sorted = <T extends unknown[]>(rows: T[]) => rows.sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(sorted(report.methods.map((m) => [m.method, m.salesCount, m.salesFen]))).toEqual(
      sorted([...byMethod.entries()].map(([method, v]) => [method, v.n, v.fen])),
    );
    expect(report.methods).toEqual([
      { method: 'cash', salesCount: 2, salesFen: 850, refundsCount: 0, refundsFen: 0, netFen: 850 },
      {
        method: 'alipay',
        salesCount: 2,
        salesFen: a1.totalFen + a2.totalFen,
        refundsCount: 0,
        refundsFen: 0,
        netFen: 1_200,
      },
    ]);
    expect(report.totals).toEqual({ salesFen: 2_050, refundsFen: 0, netFen: 2_050 });
    expect(report.orders).toEqual({ paidCount: 4, itemCount: 7, cancelledCount: 1, cancelledFen: cancelled.totalFen });
    expect(report.discounts).toEqual({ lineFen: 0, orderFen: 50, totalFen: 50, orderCount: 1 });
    expect(report.drawer).toEqual({
      floatFen: 10_000,
      cashSalesFen: 850,
      cashRefundsFen: 0,
      paidInFen: 0,
      paidOutFen: 0,
      expectedFen: 10_850,
    });
    expect(report.kind).toBe('X');
    // the X changes nothing
    expect(await x()).toEqual(report);

    // a cash refund of ¥3.00 on the first sale is given from the drawer
    const owner = { userId: null, name: 'owner', role: 'owner' as const, approvedBy: null };
    t.clock.advance(60_000);
    t.core.store.tx(() =>
      t.core.refunds.intent({ attemptId: c1.attemptId, amountFen: 300, reason: 'one bottle returned' }, owner),
    );
    const after = await x();
    expect(after.drawer.cashRefundsFen).toBe(300);
    expect(after.drawer.expectedFen).toBe(10_550);
    expect(after.methods[0]).toEqual({
      method: 'cash',
      salesCount: 2,
      salesFen: 850,
      refundsCount: 1,
      refundsFen: 300,
      netFen: 550,
    });
    expect(after.totals).toEqual({ salesFen: 2_050, refundsFen: 300, netFen: 1_750 });
    expect((await current()).session?.expectedFen).toBe(10_550);

    const z = await call<ZView>('cashSession.close', { denominations: countOf(10_550), approvalPin: OWNER_PIN });
    expect(z.z.methods).toEqual(after.methods);
    expect(z.z.drawer).toEqual(after.drawer);
  });

  it('computes the variance and records it with its reason; a count that matches needs none', async () => {
    await setup();
    await open(20_000);
    await cashSale(5); // ¥15.00
    const short = { denominations: { ...countOf(21_500 - 300) } };
    const e = await refused('cashSession.close', { ...short, approvalPin: OWNER_PIN });
    expect(e).toMatchObject({
      code: 'CASH_VARIANCE_REASON_REQUIRED',
      details: { expectedFen: 21_500, countedFen: 21_200, varianceFen: -300 },
    });
    expect((await refused('cashSession.close', { ...short, varianceReason: '  ', approvalPin: OWNER_PIN })).code).toBe(
      'INVALID_INPUT',
    );
    const z = await call<ZView>('cashSession.close', {
      ...short,
      varianceReason: 'gave ¥3 too much change',
      approvalPin: OWNER_PIN,
    });
    expect(z.z).toMatchObject({ countedFen: 21_200, varianceFen: -300, varianceReason: 'gave ¥3 too much change' });
    expect(z.z.drawer.expectedFen).toBe(21_500);
    expect(z.z.countedDenominations).toEqual(countOf(21_200));
    expect(
      t.core.store.sqlite
        .prepare(`select status, expected_fen, counted_fen, variance_fen, variance_reason from cash_sessions`)
        .get(),
    ).toEqual({
      status: 'closed',
      expected_fen: 21_500,
      counted_fen: 21_200,
      variance_fen: -300,
      variance_reason: 'gave ¥3 too much change',
    });
    expect(audit('cash.session.close')[0]!.note).toBe('gave ¥3 too much change');

    // over: counted more than expected, also with a reason
    await open(1_000);
    const over = await call<ZView>('cashSession.close', {
      denominations: { '1000': 1, '100': 2 },
      varianceReason: 'customer left the change',
      approvalPin: OWNER_PIN,
    });
    expect(over.z.varianceFen).toBe(200);
    // exact: no reason asked
    await open(1_000);
    expect(
      (await call<ZView>('cashSession.close', { denominations: { '500': 2 }, approvalPin: OWNER_PIN })).z,
    ).toMatchObject({ varianceFen: 0, varianceReason: null });
  });

  it('numbers Z reports per terminal without gaps, and keeps each exactly as written at the close', async () => {
    await setup();
    // the clock moves on between steps, as it does at a counter
    const close = (fen: number) => {
      t.clock.advance(60_000);
      return call<ZView>('cashSession.close', { denominations: countOf(fen), approvalPin: OWNER_PIN });
    };
    await open(1_000);
    const first = await close(1_000);
    await open(1_000);
    // a refused close does not use up a number
    expect((await refused('cashSession.close', { denominations: countOf(900), approvalPin: OWNER_PIN })).code).toBe(
      'CASH_VARIANCE_REASON_REQUIRED',
    );
    await close(1_000);
    await open(1_000);
    t.clock.advance(1_000);
    await cashSale(1);
    await close(1_300);
    t.core.settings.set('terminal', 'T02');
    await open(500);
    await close(500);
    t.core.settings.set('terminal', 'T01');
    const list = await call<ZSummary[]>('cashSession.zList', { approvalPin: OWNER_PIN });
    expect(list.map((z) => z.number)).toEqual(['Z-T01-0003', 'Z-T01-0002', 'Z-T01-0001']);
    expect(list[0]).toMatchObject({ seq: 3, salesFen: 300, expectedFen: 1_300, countedFen: 1_300, varianceFen: 0 });
    expect(
      (await call<ZSummary[]>('cashSession.zList', { terminal: 'T02', approvalPin: OWNER_PIN })).map((z) => z.number),
    ).toEqual(['Z-T02-0001']);
    expect((await current()).lastZ?.number).toBe('Z-T01-0003');

    // immutable: later sales and sessions change nothing in it, and the database refuses to
    await open(0);
    await cashSale(3);
    expect((await call<ZView>('cashSession.z', { number: 'Z-T01-0001', approvalPin: OWNER_PIN })).z).toEqual(first.z);
    const db = t.core.store.sqlite;
    expect(() => db.prepare(`update z_reports set counted_fen = 0 where number = 'Z-T01-0001'`).run()).toThrow(
      /append-only/,
    );
    expect(() => db.prepare(`update z_reports set content = '{}'`).run()).toThrow(/append-only/);
    expect(() => db.prepare(`delete from z_reports where number = 'Z-T01-0003'`).run()).toThrow(/append-only/);
    expect(() => db.prepare(`update cash_sessions set variance_reason = 'rewritten' where id = 1`).run()).toThrow(
      /final/,
    );
    expect(() =>
      db
        .prepare(
          `insert into z_reports (session_id, terminal, seq, number, business_day, opened_at, closed_at, closed_by, sales_fen, net_fen, expected_fen, counted_fen, variance_fen, content)
      values (5, 'T01', 5, 'Z-T01-0005', ?, 0, 0, 'x', 0, 0, 0, 0, 0, '{}')`,
        )
        .run(D),
    ).toThrow(/gapless/);
    expect((await refused('cashSession.z', { number: 'Z-T01-0099', approvalPin: OWNER_PIN })).code).toBe('NOT_FOUND');
    expect((await refused('cashSession.z', { number: 'drop table', approvalPin: OWNER_PIN })).code).toBe(
      'INVALID_INPUT',
    );
  });

  it('warns about intermediary payments still pending on this terminal, lists them, and closes once they are acknowledged', async () => {
    await setup();
    await open(0);
    await cashSale(1);
    const o = order(2);
    const a = await t.core.payments.start({ orderId: o.id, provider: 'alipay', mode: 'qr' });
    expect(a.state).toBe('pending');

    const report = await x();
    expect(report.pendingAttempts).toEqual([
      expect.objectContaining({
        attemptId: a.id,
        orderId: o.id,
        orderNumber: o.number,
        provider: 'alipay',
        mode: 'qr',
        amountFen: 600,
        state: 'pending',
      }),
    ]);
    // the owner is asked first (the count's checks would tell a clerk the cash expected), then they are listed
    expect((await refused('cashSession.close', { denominations: countOf(300) })).code).toBe('OWNER_APPROVAL_REQUIRED');
    const e = await refused('cashSession.close', { denominations: countOf(300), approvalPin: OWNER_PIN });
    expect(e).toMatchObject({
      code: 'CASH_PENDING_PAYMENTS',
      details: { count: 1, orders: o.number, attemptIds: String(a.id) },
    });
    expect(e.message).toContain(o.number);
    expect(
      (
        await refused('cashSession.close', {
          denominations: countOf(300),
          acknowledgePending: false,
          approvalPin: OWNER_PIN,
        })
      ).code,
    ).toBe('CASH_PENDING_PAYMENTS');
    expect((await current()).session?.status).toBe('open');

    const z = await call<ZView>('cashSession.close', {
      denominations: countOf(300),
      acknowledgePending: true,
      approvalPin: OWNER_PIN,
    });
    expect(z.z.pendingAttempts.map((p) => p.orderNumber)).toEqual([o.number]);
    // the pending payment is not counted
    expect(z.z.totals.salesFen).toBe(300);
    expect(JSON.parse(audit('cash.session.close')[0]!.after).pendingAcknowledged).toEqual([
      { order: o.number, provider: 'alipay', amountFen: 600 },
    ]);
  });

  it('a session crossing midnight belongs to the day it was opened, and counts the sales on both sides', async () => {
    await setup('2026-11-26T21:00:00');
    await open(5_000);
    expect((await current()).session?.businessDay).toBe(D);
    t.clock.set(at('2026-11-26T23:50:00'));
    const before = await cashSale(1);
    t.clock.set(at('2026-11-27T00:20:00'));
    const after = await cashSale(2);
    expect(before.number.startsWith('20261126-')).toBe(true);
    expect(after.number.startsWith('20261127-')).toBe(true);
    t.clock.set(at('2026-11-27T00:40:00'));
    const x1 = await x();
    expect(x1).toMatchObject({ businessDay: D, daysCovered: [D, '2026-11-27'] });
    const z = await call<ZView>('cashSession.close', { denominations: countOf(5_900), approvalPin: OWNER_PIN });
    expect(z.z).toMatchObject({
      businessDay: D,
      daysCovered: [D, '2026-11-27'],
      closedAt: at('2026-11-27T00:40:00'),
      totals: { salesFen: 900, refundsFen: 0, netFen: 900 },
    });
    expect((await call<ZSummary[]>('cashSession.zList', { approvalPin: OWNER_PIN }))[0]!.businessDay).toBe(D);
    // the next session, opened after midnight, is on the new day
    t.clock.set(at('2026-11-27T00:50:00'));
    expect((await open(0)).businessDay).toBe('2026-11-27');
    // a sale before the window (the previous session) is not counted again
    expect((await x()).totals.salesFen).toBe(0);
  });

  it("puts each intermediary's statement beside what was paid locally once reconciled, and says when it is not", async () => {
    await setup('2026-11-26T20:00:00');
    await open(0);
    const s1 = await alipaySale(2); // ¥6.00
    t.clock.set(at('2026-11-26T22:00:00'));
    const z1 = await call<ZView>('cashSession.close', { denominations: {}, approvalPin: OWNER_PIN });
    const line1 = z1.z.intermediaries.find((i) => i.provider === 'alipay')!;
    expect(line1.session.payments).toEqual({ count: 1, sumFen: 600 });
    expect(line1.days).toEqual([
      {
        day: D,
        status: 'not_run',
        statement: null,
        till: { payments: { count: 1, sumFen: 600 }, refunds: { count: 0, sumFen: 0 } },
      },
    ]);
    expect(z1.reconciledSince).toEqual([]);

    // a second session crosses midnight; the statement for the 26th is imported before it closes
    t.clock.set(at('2026-11-26T22:30:00'));
    await open(0);
    t.clock.set(at('2026-11-26T23:00:00'));
    const s2 = await alipaySale(1); // ¥3.00
    t.clock.set(at('2026-11-27T10:00:00'));
    const row = (outTradeNo: string, amountFen: number, when: string) => ({
      outTradeNo,
      tradeNo: `T${outTradeNo}`,
      type: 'payment' as const,
      amountFen,
      feeFen: Math.round(amountFen * 0.006),
      refundNo: null,
      status: 'TRADE_SUCCESS',
      at: at(when),
    });
    const rows = [row(s1.outTradeNo, 600, '2026-11-26T20:00:01'), row(s2.outTradeNo, 300, '2026-11-26T23:00:01')];
    const owner = { userId: null, name: 'owner', role: 'owner' as const, approvedBy: null };
    const imported = t.core.reconciliation.importStatement(
      {
        provider: 'alipay',
        day: D,
        merchantId: '2088000000000001',
        rows,
        totals: { count: 2, amountFen: 900, refundFen: 0, feeFen: 6 },
      },
      { provider: 'alipay', day: D, actor: owner, trigger: 'manual' },
    );
    expect(imported.outcome).toBe('imported');
    t.clock.set(at('2026-11-27T10:05:00'));
    const z2 = await call<ZView>('cashSession.close', { denominations: {}, approvalPin: OWNER_PIN });
    const line2 = z2.z.intermediaries.find((i) => i.provider === 'alipay')!;
    expect(line2.session.payments).toEqual({ count: 1, sumFen: 300 });
    expect(line2.days[0]).toEqual({
      day: D,
      status: 'imported',
      statement: { payments: { count: 2, sumFen: 900 }, refunds: { count: 0, sumFen: 0 }, feeFen: 6 },
      till: { payments: { count: 2, sumFen: 900 }, refunds: { count: 0, sumFen: 0 } },
    });
    expect(line2.days[1]).toMatchObject({ day: '2026-11-27', status: 'not_run', statement: null });

    // printed: the reconciled day shows the statement, the other says so
    const print = await call<{ kind: string; copy: boolean }>('cashSession.printZ', {
      number: z2.z.number,
      approvalPin: OWNER_PIN,
    });
    expect(print).toEqual({ kind: 'pdf', path: `/receipts/${z2.z.number}.pdf`, copy: false });
    const html = printed.at(-1)!.html;
    expect(html).toContain('Z-T01-0002');
    expect(html).toContain('¥9.00 (2)');
    expect(html).toContain('statement not yet reconciled');

    // the first Z stays as written ("not reconciled"); its view shows the statement imported since, apart
    const again = await call<ZView>('cashSession.z', { number: z1.z.number, approvalPin: OWNER_PIN });
    expect(again.z).toEqual(z1.z);
    expect(again.reconciledSince).toEqual([
      {
        provider: 'alipay',
        day: D,
        statement: { payments: { count: 2, sumFen: 900 }, refunds: { count: 0, sumFen: 0 }, feeFen: 6 },
      },
    ]);
  });

  it("counts only this terminal's sales, and points out sales taken while no drawer was open", async () => {
    await setup();
    const early = await cashSale(1); // no drawer open yet
    let state = await current();
    expect(state.outsideSession).toMatchObject({ count: 1, salesFen: early.totalFen, cashFen: early.totalFen });
    t.clock.advance(60_000);
    await open(1_000);
    t.clock.advance(60_000);
    await cashSale(2);
    // another till's sale (same database) stays on that till
    t.core.settings.set('terminal', 'T02');
    await cashSale(5);
    t.core.settings.set('terminal', 'T01');
    const report = await x();
    expect(report.totals.salesFen).toBe(600);
    expect(report.drawer.expectedFen).toBe(1_600);
    // still shown while the session is open: those sales are on no Z
    state = await current();
    expect(state.outsideSession).toMatchObject({ count: 1, salesFen: 300 });
    t.clock.advance(60_000);
    await call('cashSession.close', { denominations: countOf(1_600), approvalPin: OWNER_PIN });
    expect((await current()).outsideSession).toBeNull();
  });

  it('prints the Z once as the original and marks every reprint COPY (audited); the X prints too', async () => {
    await setup();
    await open(1_000);
    await cashSale(1);
    const xPrint = await call<{ kind: string; copy: boolean }>('cashSession.printX', { approvalPin: OWNER_PIN });
    expect(xPrint.copy).toBe(false);
    expect(printed[0]!.html).toContain('X REPORT');
    expect(printed[0]!.html).not.toContain('Variance');
    const z = await call<ZView>('cashSession.close', {
      denominations: countOf(1_000),
      varianceReason: 'the ¥3 sale was paid by card elsewhere',
      approvalPin: OWNER_PIN,
    });
    expect(z.prints).toBe(0);
    const first = await call<{ copy: boolean }>('cashSession.printZ', { number: z.z.number, approvalPin: OWNER_PIN });
    const second = await call<{ copy: boolean }>('cashSession.printZ', { number: z.z.number, approvalPin: OWNER_PIN });
    expect([first.copy, second.copy]).toEqual([false, true]);
    expect(printed[1]!.html).not.toContain('COPY');
    expect(printed[2]!.html).toContain('COPY');
    expect(printed[2]!.html).toContain('-¥3.00 SHORT');
    expect(printed[2]!.html).toContain('the ¥3 sale was paid by card elsewhere');
    expect((await call<ZView>('cashSession.z', { number: z.z.number, approvalPin: OWNER_PIN })).prints).toBe(2);
    expect(audit('cash.z.print').map((a) => a.subject)).toEqual([z.z.number]);
    expect(audit('cash.z.reprint').map((a) => a.subject)).toEqual([z.z.number]);
    // in Chinese
    await call('app.setLocale', { locale: 'zh-CN' });
    await call('cashSession.printZ', { number: z.z.number, approvalPin: OWNER_PIN });
    expect(printed[3]!.html).toContain('副本');
    expect(printed[3]!.html).toContain('短款');
  });
});
