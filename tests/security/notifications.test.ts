/**
 * Notifications cost what they can change, no more (issue 9, defect 7). Anyone who can reach
 * `/pay/{provider}/callback` can send them; before, each unsigned one wrote a log line, and each
 * replay of a valid one added journal rows and one upstream query.
 */
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SummaryLog } from '../../src/main/core/log-summary';
import { NOTIFIED_QUERY_GAP_MS } from '../../src/main/core/payments/attempts';
import type { Incoming, Trade } from '../../src/main/intermediaries/provider';
import { startWebServer, type WebServer } from '../../src/main/web-server';
import { startCore, type TestCore } from '../support/core';
import { scriptedProviders, type FakeProvider } from '../support/fake-provider';

let t: TestCore;
let alipay: FakeProvider;
let logs: string[];
afterEach(() => t?.close());

async function setup(): Promise<void> {
  const scripted = scriptedProviders();
  alipay = scripted.alipay;
  logs = [];
  t = await startCore({ providers: scripted.providers, poll: false, log: (line) => logs.push(line) });
}

const trade = (amountFen: number, tradeNo = 'T1'): Trade => ({ tradeNo, amountFen, paidAt: null, buyer: null });
const NOTE: Incoming = {
  method: 'POST',
  query: {},
  body: Buffer.from(''),
  contentType: 'application/x-www-form-urlencoded',
};
const notify = () => t.core.payments.incoming('alipay', NOTE);

async function openAttempt(): Promise<{ orderId: number; totalFen: number; attemptId: number; outTradeNo: string }> {
  const cola = t.core.catalog.findByCode('DRI-001')!;
  t.core.carts.add(cola.id, 2);
  const o = t.core.orders.confirm();
  const a = await t.core.payments.start({ orderId: o.id, provider: 'alipay', mode: 'qr' });
  return { orderId: o.id, totalFen: o.totalFen, attemptId: a.id, outTradeNo: a.outTradeNo };
}

const journalRows = () =>
  (t.core.store.sqlite.prepare('select count(*) as n from payment_journal').get() as { n: number }).n;
const notificationRows = () =>
  (
    t.core.store.sqlite.prepare("select count(*) as n from payment_journal where kind = 'notification'").get() as {
      n: number;
    }
  ).n;

describe('refused notifications', () => {
  it('a flood of unsigned, badly signed or unknown-order notifications writes one log line per kind, each short', async () => {
    await setup();
    alipay.incomingOutcome = {
      kind: 'untrusted',
      reason: 'unsigned',
      detail: `the notification carries no sign ${'x'.repeat(10_000)}`,
    };
    for (let i = 0; i < 2_000; i++) expect((await notify()).body).toBe('success');
    alipay.incomingOutcome = { kind: 'untrusted', reason: 'bad_signature', detail: 'the signature does not verify' };
    for (let i = 0; i < 500; i++) await notify();
    alipay.incomingOutcome = { kind: 'paid', outTradeNo: `NOPE${'9'.repeat(5_000)}`, trade: trade(100) };
    for (let i = 0; i < 500; i++) await notify();
    const lines = logs.filter((l) => /notification/.test(l));
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line.length).toBeLessThan(300);
    expect(notificationRows()).toBe(0);
  });

  it('the counted lines are written as one summary line per interval', () => {
    const out: string[] = [];
    let now = 0;
    const log = new SummaryLog(
      (l) => out.push(l),
      60_000,
      () => now,
    );
    for (let i = 0; i < 1_000; i++) log.line('alipay unsigned', 'alipay notification refused: unsigned');
    expect(out).toEqual(['alipay notification refused: unsigned']);
    now += 60_000;
    log.line('alipay unsigned', 'alipay notification refused: unsigned');
    expect(out).toHaveLength(3);
    expect(out[1]).toMatch(/^999 more like "alipay notification refused: unsigned" in 60 s/);
    log.line('alipay unsigned', 'again');
    log.flush();
    expect(out).toHaveLength(4);
    // keys that come from the network share one line beyond the first 64 kinds
    for (let i = 0; i < 1_000; i++) log.line(`source ${i}`, `from ${i}`);
    expect(out.length).toBeLessThanOrEqual(4 + 65);
  });
});

describe('replayed notifications', () => {
  it('a replay of a notification already applied (the payment is paid) is answered success with no journal row and no query', async () => {
    await setup();
    const a = await openAttempt();
    alipay.then('query', { kind: 'paid', trade: trade(a.totalFen) });
    alipay.incomingOutcome = { kind: 'paid', outTradeNo: a.outTradeNo, trade: trade(a.totalFen) };
    await notify();
    expect(t.core.payments.view(a.attemptId).state).toBe('paid');
    const rows = journalRows();
    const queries = alipay.count('query');
    for (let i = 0; i < 50; i++) {
      const reply = await notify();
      expect(reply).toMatchObject({ status: 200, body: 'success' });
    }
    expect(journalRows()).toBe(rows);
    expect(alipay.count('query')).toBe(queries);
  });

  it('late money after a close is queried once and raises one exception; its replays cost nothing', async () => {
    await setup();
    const a = await openAttempt();
    t.clock.advance(181_000);
    await t.core.payments.runDue();
    expect(t.core.payments.view(a.attemptId).state).toBe('expired');
    alipay.then('query', { kind: 'paid', trade: trade(a.totalFen, 'LATE') });
    alipay.incomingOutcome = { kind: 'paid', outTradeNo: a.outTradeNo, trade: trade(a.totalFen, 'LATE') };
    const before = alipay.count('query');
    await notify();
    expect(alipay.count('query')).toBe(before + 1);
    expect(t.core.store.sqlite.prepare('select kind from payment_exceptions').all()).toEqual([
      { kind: 'paid_after_close' },
    ]);
    const rows = journalRows();
    for (let i = 0; i < 20; i++) expect((await notify()).body).toBe('success');
    expect(alipay.count('query')).toBe(before + 1);
    expect(journalRows()).toBe(rows);
  });

  it('repeated notifications for an open payment query it at once, then at most once per few seconds, journaled once', async () => {
    await setup();
    const a = await openAttempt();
    alipay.defaults.query = { kind: 'pending' };
    alipay.incomingOutcome = { kind: 'other', outTradeNo: a.outTradeNo, status: 'WAIT_BUYER_PAY' };
    const before = alipay.count('query');
    await notify();
    expect(alipay.count('query')).toBe(before + 1); // the first one is not delayed
    for (let i = 0; i < 30; i++) await notify();
    expect(alipay.count('query')).toBe(before + 1);
    expect(notificationRows()).toBe(1);
    t.clock.advance(NOTIFIED_QUERY_GAP_MS);
    await notify();
    expect(alipay.count('query')).toBe(before + 2);
    expect(notificationRows()).toBe(1);
    expect(NOTIFIED_QUERY_GAP_MS).toBeLessThanOrEqual(5_000);
  });
});

describe('the rate limit on the callback path (browser mode)', () => {
  let web: WebServer | undefined;
  afterEach(async () => {
    await web?.close();
    web = undefined;
  });

  it("answers notifications beyond the per-source limit with 429 and the provider's fail body, without verifying them", async () => {
    await setup();
    web = await startWebServer(t.core, {
      port: 0,
      rendererDir: resolve(__dirname, '../../out/renderer'),
      log: (line) => logs.push(line),
    });
    alipay.incomingOutcome = { kind: 'untrusted', reason: 'unsigned', detail: 'no sign' };
    let verified = 0;
    const verify = alipay.verifyIncoming.bind(alipay);
    alipay.verifyIncoming = (incoming) => {
      verified++;
      return verify(incoming);
    };
    const post = (provider: string, query = '') =>
      fetch(`http://127.0.0.1:${web!.port}/pay/${provider}/callback${query}`, { method: 'POST', body: 'a=1' });
    const answers: { status: number; body: string }[] = [];
    const started = Date.now();
    for (let i = 0; i < 100; i++) {
      const res = await post('alipay');
      answers.push({ status: res.status, body: await res.text() });
    }
    const seconds = (Date.now() - started) / 1000;
    const limited = answers.filter((x) => x.status === 429);
    // 30 at once, then one a second (DEFAULT_NOTIFICATION_LIMIT)
    expect(100 - limited.length).toBeGreaterThanOrEqual(30);
    expect(100 - limited.length).toBeLessThanOrEqual(31 + Math.ceil(seconds));
    expect(answers.slice(0, 30).every((x) => x.status === 200)).toBe(true);
    expect(limited.every((x) => x.body === 'fail')).toBe(true);
    expect(verified).toBe(100 - limited.length);
    expect(logs.filter((l) => /rate limit/.test(l))).toHaveLength(1);
    // WeChat's own allowance; its fail body beyond the limit is its XML
    const wechat: { status: number; body: string }[] = [];
    for (let i = 0; i < 40; i++) {
      const res = await post('wechat');
      wechat.push({ status: res.status, body: await res.text() });
    }
    expect(wechat[0]!.status).toBe(200);
    expect(wechat.at(-1)).toMatchObject({
      status: 429,
      body: expect.stringContaining('<return_code><![CDATA[FAIL]]></return_code>'),
    });
  });
});
