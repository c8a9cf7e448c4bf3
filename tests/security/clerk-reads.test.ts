/**
 * Issue 9, defect 13: what a clerk may read.
 *
 * The attack: the clerk signed in at the till calls the contract directly (as any script in the
 * renderer could) to read what is the owner's: the cash expected in the drawer (which lets one skim
 * the difference and hide it: real tills close blind), the X and Z reports, reconciliation, the
 * payment timelines with their wire exchanges, the catalogue with its stock, another day's orders,
 * or the data directory's path. Each must be refused without an owner's PIN (or answered blind, for
 * the drawer's state), answered with the PIN, and answered to the owner signed in. Refusals must not
 * leak what they protect either (the paid-out limit and the close's variance check).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ProviderSource } from '../../src/main/core/payments/attempts';
import type { ProviderId } from '../../src/main/intermediaries/provider';
import type { ErrorCode } from '../../src/shared/errors';
import type { AppInfo, CashSessionState, CashSessionView, OrderView, PaidOrder, ZView } from '../../src/shared/types';
import { FakeProvider } from '../support/fake-provider';
import { startCore, type TestCore } from '../support/core';

const OWNER_PIN = '8888';
const TODAY = '2026-11-26';
const YESTERDAY = '2026-11-25';

let t: TestCore;
let alipay: FakeProvider;
afterEach(() => t?.close());

async function setup(): Promise<void> {
  alipay = new FakeProvider('alipay');
  const providers: ProviderSource = {
    get: (id: ProviderId) => (id === 'alipay' ? { provider: alipay, sandbox: true } : undefined),
    all: () => [{ provider: alipay, sandbox: true }],
  };
  t = await startCore({
    providers,
    poll: false,
    printer: { print: () => Promise.resolve({ kind: 'pdf', path: null }) },
  });
}

async function ok<T>(method: string, input: unknown = {}): Promise<T> {
  const r = await t.core.dispatch(method, input);
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
}
async function code(method: string, input: unknown = {}): Promise<ErrorCode | 'ok'> {
  const r = await t.core.dispatch(method, input);
  return r.ok ? 'ok' : r.error.code;
}
const owner = () => t.core.auth.users().find((u) => u.role === 'owner')!;
const clerk = () => t.core.auth.users().find((u) => u.role === 'clerk')!;
const signIn = (u: { id: number }, pin: string) => ok('auth.login', { userId: u.id, pin });

/** A history with something behind every owner's read: a cash sale, an Alipay attempt with its wire exchanges, a closed drawer (a Z), an open one. */
async function history(): Promise<{ orderId: number; alipayOrderId: number; productId: number; z: string }> {
  const productId = t.core.catalog.findByCode('DRI-001')!.id;
  await ok('cashSession.open', { floatFen: 10_000 });
  t.core.carts.add(productId, 2);
  const first = t.core.orders.confirm();
  await ok<PaidOrder>('checkout.payCash', { orderId: first.id, tenderedFen: first.totalFen });
  const closed = await ok<ZView>('cashSession.close', {
    denominations: { '10000': 1, '100': 6 },
    approvalPin: OWNER_PIN,
  });
  await ok('cashSession.open', { floatFen: 5_000 });
  t.core.carts.add(productId, 1);
  const second = t.core.orders.confirm();
  await t.core.payments.start({ orderId: second.id, provider: 'alipay', mode: 'qr' });
  return { orderId: first.id, alipayOrderId: second.id, productId, z: closed.z.number };
}

/** Every read that is the owner's, with an input that would be answered. */
function ownerReads(h: { orderId: number; productId: number; z: string }): [string, Record<string, unknown>][] {
  return [
    ['catalog.adminProducts', {}],
    ['catalog.adminCategories', {}],
    ['catalog.stockMoves', { productId: h.productId }],
    ['catalog.exportCsv', {}],
    [
      'catalog.importUpload',
      { chunk: Buffer.from('sku,barcode,name_zh,name_en,category,price,unit,active,stock\r\n').toString('base64') },
    ],
    ['orders.list', { businessDay: YESTERDAY }],
    ['orders.exportTimeline', { orderId: h.orderId, format: 'json' }],
    ['recon.days', {}],
    ['recon.day', { day: YESTERDAY }],
    ['recon.settings', {}],
    ['cashSession.x', {}],
    ['cashSession.printX', {}],
    ['cashSession.z', { number: h.z }],
    ['cashSession.zList', {}],
    ['cashSession.printZ', { number: h.z }],
    ['reports.sales', { from: TODAY, to: TODAY }],
    ['reports.exportCsv', { from: TODAY, to: TODAY }],
    ['audit.list', {}],
    ['audit.export', {}],
  ];
}

describe('what a clerk may read', () => {
  it('refuses every owner’s read to the clerk without a PIN, and answers it with the owner’s PIN and to the owner', async () => {
    await setup();
    const h = await history();
    expect(t.core.auth.current().role).toBe('clerk');
    const reads = ownerReads(h);
    for (const [method, input] of reads)
      expect([method, await code(method, input)]).toEqual([method, 'OWNER_APPROVAL_REQUIRED']);
    // the import preview needs an upload (the owner's too): the catalogue as exported, which changes nothing
    const csv = await ok<{ content: string }>('catalog.exportCsv', { approvalPin: OWNER_PIN });
    const upload = await ok<{ uploadId: string }>('catalog.importUpload', {
      chunk: Buffer.from(csv.content, 'utf8').toString('base64'),
      approvalPin: OWNER_PIN,
    });
    expect(
      await code('catalog.importPreview', { uploadId: upload.uploadId, retireMissing: false, setStock: false }),
    ).toBe('OWNER_APPROVAL_REQUIRED');
    expect(
      await code('catalog.importPreview', {
        uploadId: upload.uploadId,
        retireMissing: false,
        setStock: false,
        approvalPin: OWNER_PIN,
      }),
    ).toBe('ok');

    for (const [method, input] of reads)
      expect([method, await code(method, { ...input, approvalPin: OWNER_PIN })]).toEqual([method, 'ok']);
    // a clerk's own PIN is not an owner's (and counts as a wrong one)
    expect(await code('cashSession.x', { approvalPin: '1234' })).toBe('WRONG_PIN');

    await signIn(owner(), OWNER_PIN);
    for (const [method, input] of reads) expect([method, await code(method, input)]).toEqual([method, 'ok']);
  });

  it('still answers the counter: the catalogue for sale, today’s orders, receipts, its payments, To check, the drawer opened and paid into', async () => {
    await setup();
    const h = await history();
    for (const [method, input] of [
      ['catalog.categories', {}],
      ['catalog.search', { query: 'kkkl' }],
      ['orders.list', {}],
      ['orders.list', { businessDay: TODAY }],
      ['orders.get', { orderId: h.orderId }],
      ['orders.receipt', { orderId: h.orderId }],
      ['payments.forOrder', { orderId: h.alipayOrderId }],
      ['payments.attention', {}],
      ['refunds.quote', { orderId: h.orderId }],
      ['settings.payments', {}],
      ['cashSession.current', {}],
      ['cashSession.move', { kind: 'in', amountFen: 500, reason: 'coins from the bank' }],
    ] as const) {
      expect([method, await code(method, input)]).toEqual([method, 'ok']);
    }
  });

  it('shows the clerk the drawer blind: no cash expected, no Z, no totals of sales outside a session', async () => {
    await setup();
    const productId = t.core.catalog.findByCode('DRI-001')!.id;
    // a sale with no drawer open, then a close and a session
    t.core.carts.add(productId, 1);
    const early = t.core.orders.confirm();
    await ok('checkout.payCash', { orderId: early.id, tenderedFen: early.totalFen });
    t.clock.advance(60_000);
    const outside = await ok<CashSessionState>('cashSession.current');
    expect(outside).toMatchObject({
      blind: true,
      session: null,
      lastZ: null,
      outsideSession: { count: 1, salesFen: null, cashFen: null },
    });
    const opened = await ok<CashSessionView>('cashSession.open', { floatFen: 20_000 });
    expect(opened).toMatchObject({ floatFen: 20_000, expectedFen: null });
    t.core.carts.add(productId, 3);
    const sale = t.core.orders.confirm();
    await ok('checkout.payCash', { orderId: sale.id, tenderedFen: sale.totalFen });
    const paidIn = await ok<CashSessionView>('cashSession.move', {
      kind: 'in',
      amountFen: 1_000,
      reason: 'coins from the bank',
    });
    expect(paidIn.expectedFen).toBeNull();

    const blind = await ok<CashSessionState>('cashSession.current');
    expect(blind.blind).toBe(true);
    expect(blind.session).toMatchObject({ status: 'open', floatFen: 20_000, expectedFen: null });
    expect(JSON.stringify(blind)).not.toContain(String(20_000 + sale.totalFen + 1_000));

    const seen = await ok<CashSessionState>('cashSession.current', { approvalPin: OWNER_PIN });
    expect(seen).toMatchObject({
      blind: false,
      session: { expectedFen: 20_000 + sale.totalFen + 1_000 },
      outsideSession: { count: 1, salesFen: early.totalFen },
    });
    expect(await code('cashSession.current', { approvalPin: '0000' })).toBe('WRONG_PIN');
    await signIn(owner(), OWNER_PIN);
    expect((await ok<CashSessionState>('cashSession.current')).session?.expectedFen).toBe(
      20_000 + sale.totalFen + 1_000,
    );
  });

  it('does not let a refusal tell the clerk the cash expected (paid out, close)', async () => {
    await setup();
    await ok('cashSession.open', { floatFen: 10_000 });
    // paid out: the owner is asked before the amount is compared with the cash expected
    for (const amountFen of [1, 9_999, 10_001, 99_999_999]) {
      const r = await t.core.dispatch('cashSession.move', { kind: 'out', amountFen, reason: 'stamps for the post' });
      expect(r.ok || [amountFen, r.error.code, r.error.details]).toEqual([
        amountFen,
        'OWNER_APPROVAL_REQUIRED',
        { role: 'clerk' },
      ]);
    }
    // closing: a count that is off, without a reason, is not answered with the variance
    const r = await t.core.dispatch('cashSession.close', { denominations: { '100': 1 } });
    expect(r.ok || [r.error.code, JSON.stringify(r.error)]).toEqual([
      'OWNER_APPROVAL_REQUIRED',
      expect.not.stringContaining('10000'),
    ]);
    // with the owner, the same checks still hold
    expect(
      await code('cashSession.move', {
        kind: 'out',
        amountFen: 10_001,
        reason: 'stamps for the post',
        approvalPin: OWNER_PIN,
      }),
    ).toBe('CASH_OUT_TOO_LARGE');
    expect(await code('cashSession.close', { denominations: { '100': 1 }, approvalPin: OWNER_PIN })).toBe(
      'CASH_VARIANCE_REASON_REQUIRED',
    );
  });

  it('gives the clerk an order’s timeline without its wire exchanges; the owner exports them', async () => {
    await setup();
    const h = await history();
    const asClerk = await ok<OrderView>('orders.get', { orderId: h.alipayOrderId });
    const wire = asClerk.journal.filter((j) => j.kind.startsWith('wire.'));
    expect(wire.length).toBeGreaterThan(0);
    expect(wire.every((j) => j.detail === null)).toBe(true);
    expect(JSON.stringify(asClerk)).not.toContain('fake://alipay');
    const exported = await ok<{ content: string }>('orders.exportTimeline', {
      orderId: h.alipayOrderId,
      format: 'json',
      approvalPin: OWNER_PIN,
    });
    expect(exported.content).toContain('fake://alipay/create');
    await signIn(owner(), OWNER_PIN);
    const asOwner = await ok<OrderView>('orders.get', { orderId: h.alipayOrderId });
    expect(asOwner.journal.filter((j) => j.kind.startsWith('wire.')).every((j) => j.detail !== null)).toBe(true);
    await signIn(clerk(), '1234');
    expect(
      (await ok<OrderView>('orders.get', { orderId: h.alipayOrderId })).journal.find((j) => j.kind.startsWith('wire.'))
        ?.detail,
    ).toBeNull();
  });

  it('app.info does not hand the renderer the data directory', async () => {
    await setup();
    const info = await ok<AppInfo & Record<string, unknown>>('app.info');
    expect(info).not.toHaveProperty('dataDir');
    expect(JSON.stringify(info)).not.toContain(t.dir);
    t.core.auth.lock();
    expect(JSON.stringify(await ok('app.info'))).not.toContain(t.dir);
  });
});
