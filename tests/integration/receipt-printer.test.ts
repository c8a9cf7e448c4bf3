/**
 * The ESC/POS receipt printer end to end in the core (issue 13, items 1–4), against the fake
 * network printer (tests/support/fake-printer.ts), its bytes read back by the tests' ESC/POS reader:
 * settings (owner, audited), the test page, receipts and reprints, the drawer pulse on cash and
 * never on an intermediary-only sale, paid in/out and refund slips, X and Z, and each failure named
 * (refused, no route, timeout, closed mid-job, paper out, cover open, queue not found) with the job
 * kept and printed once on retry.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { PrinterConfig, PrintJobView } from '../../src/shared/types';
import type { Result } from '../../src/shared/result';
import { DEFAULT_SETTINGS } from '../../src/main/core/settings';
import { scriptedProviders, type FakeProvider } from '../support/fake-provider';
import { must, startCore, type TestCore } from '../support/core';
import { startFakePrinter, type FakePrinter } from '../support/fake-printer';
import { readEscPos } from '../support/escpos-reader';

let t: TestCore;
let printer: FakePrinter;
let alipay: FakeProvider;
afterEach(async () => {
  t?.close();
  await printer?.close();
});

const OWNER = '8888';
const FAST = { connectMs: 500, answerMs: 500, jobMs: 2000 };

const call = async <T>(method: string, input: unknown = {}): Promise<T> =>
  must((await t.core.dispatch(method, input)) as Result<T>);
const failure = async (method: string, input: unknown = {}) => {
  const r = await t.core.dispatch(method, input);
  if (r.ok) throw new Error(`${method} succeeded`);
  return r.error;
};

const lan = (over: Partial<PrinterConfig> = {}): PrinterConfig => ({
  ...DEFAULT_SETTINGS.printer,
  kind: 'network',
  host: '127.0.0.1',
  port: printer.port,
  width: 58,
  drawer: true,
  ...over,
});

async function setup(config: Partial<PrinterConfig> = {}): Promise<void> {
  printer = await startFakePrinter();
  const scripted = scriptedProviders();
  alipay = scripted.alipay;
  t = await startCore({ poll: false, providers: scripted.providers, printerTiming: FAST });
  await call('app.setLocale', { locale: 'zh-CN' });
  await call('printer.setSettings', { config: lan(config), approvalPin: OWNER });
}

async function cashSale(): Promise<{ id: number; number: string }> {
  const cola = t.core.catalog.findByCode('DRI-001')!;
  t.core.carts.add(cola.id, 2);
  const paid = await call<{ order: { id: number; number: string } }>('checkout.cashSale', { tenderedFen: 10_000 });
  return paid.order;
}

/** waits for the jobs sent in the background (a drawer kick, a slip) to have reached the fake printer */
const settle = async () => {
  await new Promise((r) => setTimeout(r, 100));
  await printer.idle();
};

describe('printer settings', () => {
  it('are the owner’s to save (audited) and anyone’s to read; a bad address is refused', async () => {
    printer = await startFakePrinter();
    t = await startCore({ poll: false, printerTiming: FAST });
    expect((await call<PrinterConfig>('printer.settings')).kind).toBe('html');
    expect((await failure('printer.setSettings', { config: lan() })).code).toBe('OWNER_APPROVAL_REQUIRED');
    expect((await failure('printer.setSettings', { config: lan({ host: 'a b;rm' }), approvalPin: OWNER })).code).toBe(
      'INVALID_INPUT',
    );
    expect(
      (await failure('printer.setSettings', { config: lan({ kind: 'queue', queue: '-oevil' }), approvalPin: OWNER }))
        .code,
    ).toBe('INVALID_INPUT');
    await call('printer.setSettings', { config: lan(), approvalPin: OWNER });
    expect(await call<PrinterConfig>('printer.settings')).toMatchObject({ kind: 'network', port: printer.port });
    expect(t.core.audit.list({ action: 'printer.settings' })[0]).toMatchObject({
      before: { kind: 'html' },
      after: { kind: 'network', host: '127.0.0.1' },
    });
  });

  it('prints the test page: Chinese and English decoded, a QR and a cut', async () => {
    await setup();
    expect(await call('printer.test')).toEqual({ kind: 'printer', path: null });
    await settle();
    const read = readEscPos(printer.all());
    expect(read.text).toContain('中文测试：收银小票打印正常');
    expect(read.text.some((l) => l.startsWith('English test: receipt printing'))).toBe(true);
    expect(read.qr).toEqual(['COUNTER-POS-TEST']);
    expect(read.cuts).toBe(1);
    for (const l of read.lines) expect(l.width).toBeLessThanOrEqual(32);
    expect(await call('printer.status')).toEqual({ answered: true, paperOut: false, coverOpen: false, offline: false });
  });
});

describe('receipts and the drawer', () => {
  it('a cash sale kicks the drawer; its receipt prints once, a second print is marked REPRINT', async () => {
    await setup();
    const order = await cashSale();
    await settle();
    expect(readEscPos(printer.all()).pulses).toEqual([{ pin: 2, onMs: 100, offMs: 200 }]);
    await call('orders.print', { orderId: order.id });
    await settle();
    const first = readEscPos(printer.jobs.at(-1)!);
    expect(first.qr).toEqual([order.number]);
    expect(first.text.some((l) => l.startsWith('合计') || l.startsWith('TOTAL'))).toBe(true);
    expect(first.text.some((l) => /重印|REPRINT/.test(l))).toBe(false);
    await call('orders.print', { orderId: order.id });
    await settle();
    const second = readEscPos(printer.jobs.at(-1)!);
    expect(second.text.some((l) => /\*\*\* (重印|REPRINT) \*\*\*/.test(l))).toBe(true);
  });

  it('an intermediary-only sale never opens the drawer', async () => {
    await setup();
    const cola = t.core.catalog.findByCode('DRI-001')!;
    t.core.carts.add(cola.id, 1);
    const order = t.core.orders.confirm();
    alipay.then('create', {
      kind: 'paid',
      trade: { tradeNo: 'T1', amountFen: order.totalFen, paidAt: null, buyer: null },
    });
    await call('payments.start', {
      orderId: order.id,
      provider: 'alipay',
      mode: 'payment_code',
      authCode: '281234567890123456',
    });
    expect(t.core.orders.get(order.id).status).toBe('paid');
    await call('orders.print', { orderId: order.id });
    await settle();
    const read = readEscPos(printer.all());
    expect(read.qr).toEqual([order.number]);
    expect(read.pulses).toEqual([]);
  });

  it('no drawer set up: no pulse on a cash sale; the owner’s open drawer kicks it when there is one', async () => {
    await setup({ drawer: false });
    await cashSale();
    await settle();
    expect(printer.jobs).toHaveLength(0);
    await call('printer.setSettings', { config: lan({ drawerPin: 5, pulseMs: 150 }), approvalPin: OWNER });
    expect(await call('drawer.open', { reason: 'change for the float', approvalPin: OWNER })).toEqual({ opened: true });
    await settle();
    expect(readEscPos(printer.all()).pulses).toEqual([{ pin: 5, onMs: 150, offMs: 300 }]);
  });

  it('paid in/out and a cash refund open the drawer and print their slips', async () => {
    await setup();
    await call('cashSession.open', { floatFen: 20_000 });
    await call('cashSession.move', { kind: 'in', amountFen: 5000, reason: '银行换零钱 coins' });
    await settle();
    let read = readEscPos(printer.all());
    expect(read.pulses).toHaveLength(1);
    expect(read.text.some((l) => /^存入 +￥50\.00$/.test(l))).toBe(true);
    const order = await cashSale();
    await settle();
    const before = printer.jobs.length;
    await call('refunds.create', {
      orderId: order.id,
      kind: 'full',
      restock: true,
      reason: '顾客退货',
      requestKey: randomUUID(),
      approvalPin: OWNER,
    });
    await settle();
    read = readEscPos(Buffer.concat(printer.jobs.slice(before)));
    expect(read.pulses).toHaveLength(1);
    expect(read.text.some((l) => l.includes('退款单'))).toBe(true);
    expect(read.text.some((l) => l.startsWith('原订单') && l.endsWith(order.number))).toBe(true);
  });

  it('prints the X and the Z as ESC/POS (a Z printed again is a COPY)', async () => {
    await setup({ width: 80 });
    await call('cashSession.open', { floatFen: 20_000 });
    await cashSale();
    await settle();
    await call('cashSession.printX', { approvalPin: OWNER });
    await settle();
    let read = readEscPos(printer.jobs.at(-1)!);
    expect(read.text.some((l) => l.includes('X 报表') || l.includes('X REPORT'))).toBe(true);
    for (const l of read.lines) expect(l.width).toBeLessThanOrEqual(48);
    const { z } = await call<{ z: { number: string } }>('cashSession.close', {
      denominations: {},
      varianceReason: '测试：未点钞 test close',
      approvalPin: OWNER,
    });
    await call('cashSession.printZ', { number: z.number, approvalPin: OWNER });
    await settle();
    read = readEscPos(printer.jobs.at(-1)!);
    expect(read.text.some((l) => l.includes('副本') || l.includes('COPY'))).toBe(false);
    expect(read.text.some((l) => l.includes('Z 报表') || l.includes('Z REPORT'))).toBe(true);
    await call('cashSession.printZ', { number: z.number, approvalPin: OWNER });
    await settle();
    read = readEscPos(printer.jobs.at(-1)!);
    expect(read.text.some((l) => l.includes('副本') || l.includes('COPY'))).toBe(true);
    expect(read.barcodes).toEqual([z.number]);
  });
});

describe('failures named, jobs kept and printed once on retry', () => {
  const cases = [
    ['refused', 'PRINTER_REFUSED', (p: FakePrinter) => (p.mode = 'refuse')],
    ['silent', 'PRINTER_TIMEOUT', (p: FakePrinter) => (p.mode = 'silent')],
    ['closed mid-job', 'PRINTER_INTERRUPTED', (p: FakePrinter) => ((p.mode = 'close-mid-job'), (p.closeAfter = 40))],
    ['paper out', 'PRINTER_PAPER_OUT', (p: FakePrinter) => (p.mode = 'paper-out')],
    ['cover open', 'PRINTER_COVER_OPEN', (p: FakePrinter) => (p.mode = 'cover-open')],
  ] as const;

  it.each(cases)('%s → %s; the job stays; a retry prints it once', async (_what, code, arrange) => {
    await setup({ drawer: false });
    const order = await cashSale();
    arrange(printer);
    await new Promise((r) => setTimeout(r, 50)); // the port closes (refuse)
    const err = await failure('orders.print', { orderId: order.id });
    expect(err.code).toBe(code);
    const jobs = await call<PrintJobView[]>('printer.jobs');
    expect(jobs).toMatchObject([{ kind: 'receipt', title: order.number, state: 'failed' }]);
    printer.mode = 'ok';
    await new Promise((r) => setTimeout(r, 50));
    const sentBefore = printer.jobs.length;
    await call('printer.retry', { jobId: jobs[0]!.id });
    await settle();
    expect(await call('printer.jobs')).toEqual([]);
    const read = readEscPos(Buffer.concat(printer.jobs.slice(sentBefore)));
    expect(read.qr).toEqual([order.number]);
    expect(read.text.some((l) => /重印|REPRINT/.test(l))).toBe(false); // the original, never printed before
    // nothing is sent again by itself
    await t.core.printer.start();
    await settle();
    expect(printer.jobs.length).toBe(sentBefore + 1);
  });

  it('no route to the printer (a name that never resolves) → PRINTER_NO_ROUTE', async () => {
    await setup({ drawer: false });
    // `.invalid` never resolves (RFC 2606)
    await call('printer.setSettings', { config: lan({ host: 'no-such-printer.invalid' }), approvalPin: OWNER });
    const order = await cashSale();
    expect((await failure('orders.print', { orderId: order.id })).code).toBe('PRINTER_NO_ROUTE');
  });

  it('a queue that does not exist → PRINTER_QUEUE_NOT_FOUND', async () => {
    await setup({ drawer: false });
    await call('printer.setSettings', {
      config: lan({ kind: 'queue', queue: 'no_such_queue_here' }),
      approvalPin: OWNER,
    });
    const order = await cashSale();
    expect((await failure('orders.print', { orderId: order.id })).code).toBe('PRINTER_QUEUE_NOT_FOUND');
  });

  it('a failed job the clerk dismisses is not offered again; a new print supersedes an owed one', async () => {
    await setup({ drawer: false });
    const order = await cashSale();
    printer.mode = 'paper-out';
    await failure('orders.print', { orderId: order.id });
    await failure('orders.print', { orderId: order.id });
    const jobs = await call<PrintJobView[]>('printer.jobs');
    expect(jobs).toHaveLength(1); // the second replaced the first
    expect(await call('printer.dismiss', { jobId: jobs[0]!.id })).toEqual([]);
  });
});
