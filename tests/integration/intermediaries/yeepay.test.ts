import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createProvider } from '../../../src/main/intermediaries';
import type { Incoming, PaymentProvider } from '../../../src/main/intermediaries/provider';
import { formBody } from '../../../src/main/intermediaries/yeepay/form';
import { otn, startEnv, startReceiver, type Env, type Receiver } from './env';

let env: Env;
let yeepay: PaymentProvider;
let receiver: Receiver;
beforeAll(async () => {
  env = await startEnv();
  yeepay = env.client('yeepay');
  receiver = await startReceiver(() => yeepay);
});
afterAll(async () => {
  await receiver.close();
  await env.close();
});
beforeEach(async () => {
  await env.control('reset');
  receiver.results.length = 0;
});

const buy = (no: string, amountFen = 1230, bankCode?: string) => ({
  outTradeNo: no,
  amountFen,
  subject: 'Coffee',
  mode: 'redirect' as const,
  returnUrl: receiver.url,
  expiresAt: Date.now() + 600_000,
  ...(bankCode ? { bankCode } : {}),
});
const ref = (no: string, amountFen = 1230) => ({ outTradeNo: no, amountFen });

/** Play the buyer's browser: post the signed form to the node URL, land on the cashier page. */
async function openCashier(no: string, amountFen = 1230): Promise<string> {
  const created = await yeepay.create(buy(no, amountFen));
  if (created.outcome.kind !== 'redirect')
    throw new Error(`expected a redirect, got ${JSON.stringify(created.outcome)}`);
  const { url, fields } = created.outcome;
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=GBK' },
    body: formBody(fields),
    redirect: 'manual',
  });
  expect([302, 303]).toContain(r.status);
  return new URL(r.headers.get('location')!, url).toString();
}

/** Press a button on the cashier page; returns the redirect target, if any. */
async function press(cashier: string, action: 'pay' | 'cancel'): Promise<string | null> {
  const r = await fetch(cashier, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `action=${action}&bank=ICBC-NET-B2C`,
    redirect: 'manual',
  });
  return r.status >= 300 && r.status < 400 ? new URL(r.headers.get('location')!, cashier).toString() : null;
}

function browserReturn(location: string): Incoming {
  const u = new URL(location);
  return { method: 'GET', query: Object.fromEntries(u.searchParams), body: Buffer.alloc(0), contentType: '' };
}

describe('YeePay client against the sandbox', () => {
  it('Buy through the cashier page: browser return (r9_BType=1) and server call (r9_BType=2) both verify; query says paid', async () => {
    const no = otn('Y');
    const cashier = await openCashier(no);
    expect((await yeepay.query(ref(no))).outcome).toEqual({ kind: 'pending' });
    const page = await fetch(cashier);
    expect(page.status).toBe(200);
    const back = await press(cashier, 'pay');
    expect(back).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/notify\?/);
    const ret = yeepay.verifyIncoming(browserReturn(back!));
    expect(ret.outcome).toMatchObject({ kind: 'paid', outTradeNo: no, trade: { amountFen: 1230 } });
    expect(ret.reply.contentType).toMatch(/html/);
    const server = await receiver.waitFor(1);
    expect(server[0]!.outcome).toMatchObject({ kind: 'paid', outTradeNo: no, trade: { amountFen: 1230 } });
    expect(server[0]!.reply.body).toBe('success');
    const q = await yeepay.query(ref(no));
    expect(q.outcome).toMatchObject({ kind: 'paid', trade: { amountFen: 1230 } });
    const notes = await env.control(`notifications?provider=yeepay&out_trade_no=${no}`, undefined, 'GET');
    expect((notes.json.notifications as Array<{ status: string }>)[0]!.status).toBe('delivered');
  });

  it('a bank chosen in advance, a cancelled cashier page, an unknown order', async () => {
    const a = otn('Y');
    const created = await yeepay.create(buy(a, 100, 'ICBC-NET-B2C'));
    expect(created.outcome).toMatchObject({ kind: 'redirect', fields: { pd_FrpId: 'ICBC-NET-B2C', p3_Amt: '1.00' } });
    const b = otn('Y');
    const cashier = await openCashier(b);
    expect(await press(cashier, 'cancel')).toBeNull();
    expect((await yeepay.query(ref(b))).outcome).toEqual({ kind: 'closed' });
    expect((await yeepay.query(ref(otn('Y')))).outcome).toEqual({ kind: 'not_found' });
  });

  it('refunds: by the known trade id, or after a query; failed', async () => {
    const a = otn('Y');
    await press(await openCashier(a), 'pay');
    const q = await yeepay.query(ref(a));
    const tradeNo = q.outcome.kind === 'paid' ? q.outcome.trade.tradeNo : null;
    expect(tradeNo).toBeTruthy();
    expect(
      (await yeepay.refund({ ...ref(a), tradeNo, refundNo: `${a}R1`, refundFen: 230, reason: 'returned' })).outcome,
    ).toEqual({ kind: 'succeeded', refundedFen: 230 });
    const again = await yeepay.refund({
      ...ref(a),
      tradeNo: null,
      refundNo: `${a}R2`,
      refundFen: 100,
      reason: 'returned',
    });
    expect(again.outcome).toEqual({ kind: 'succeeded', refundedFen: 100 });
    expect(again.exchanges.map((e) => e.op)).toEqual(['QueryOrdDetail', 'RefundOrd']);
    expect((await yeepay.query(ref(a))).outcome).toMatchObject({ kind: 'refunded' });
    // more than is left
    expect(
      (await yeepay.refund({ ...ref(a), tradeNo, refundNo: `${a}R3`, refundFen: 5000, reason: 'x' })).outcome,
    ).toMatchObject({ kind: 'declined' });
    const b = otn('Y');
    await press(await openCashier(b), 'pay');
    await env.scenario({ name: 'refund_failed', provider: 'yeepay', out_trade_no: b });
    expect((await yeepay.refund({ ...ref(b), refundNo: `${b}R1`, refundFen: 100, reason: 'x' })).outcome).toMatchObject(
      { kind: 'declined' },
    );
  });

  it('statement: the sandbox CSV for the day; an empty day is none', async () => {
    const a = otn('Y');
    await press(await openCashier(a), 'pay');
    await yeepay.refund({ ...ref(a), refundNo: `${a}R1`, refundFen: 230, reason: 'x' });
    expect(yeepay.capabilities.statement).toBe(true);
    const out = await yeepay.statement(await env.sandboxDay());
    expect(out.outcome.kind).toBe('statement');
    if (out.outcome.kind !== 'statement') return;
    expect(out.outcome.statement.rows.map((r) => [r.type, r.outTradeNo, r.amountFen])).toEqual([
      ['payment', a, 1230],
      ['refund', a, 230],
    ]);
    expect((await yeepay.statement('2020-01-01')).outcome).toEqual({ kind: 'none' });
  });

  describe('scenarios', () => {
    it('no_answer, http_500, malformed body, bad signature on the query', async () => {
      const a = otn('Y');
      await openCashier(a);
      await env.scenario({ name: 'no_answer', provider: 'yeepay', out_trade_no: a, operation: 'query', times: 1 });
      expect((await env.client('yeepay', { timeoutMs: 800 }).query(ref(a))).outcome).toMatchObject({
        kind: 'unknown',
        reason: expect.stringMatching(/timeout/),
      });
      await env.scenario({ name: 'http_500', provider: 'yeepay', out_trade_no: a, operation: 'query', times: 1 });
      expect((await yeepay.query(ref(a))).outcome).toMatchObject({
        kind: 'unknown',
        reason: expect.stringMatching(/500/),
      });
      await env.scenario({ name: 'malformed_body', provider: 'yeepay', out_trade_no: a, operation: 'query', times: 1 });
      expect((await yeepay.query(ref(a))).outcome.kind).toBe('untrusted');
      await env.scenario({ name: 'bad_signature', provider: 'yeepay', out_trade_no: a, operation: 'query', times: 1 });
      expect((await yeepay.query(ref(a))).outcome).toMatchObject({ kind: 'untrusted', reason: 'bad_signature' });
      expect((await yeepay.query(ref(a))).outcome).toEqual({ kind: 'pending' });
    });

    it('amount mismatch and bad signature on the callbacks', async () => {
      const a = otn('Y');
      await env.scenario({
        name: 'amount_mismatch',
        provider: 'yeepay',
        out_trade_no: a,
        operation: 'notify',
        params: { delta_fen: 100 },
      });
      const back = await press(await openCashier(a), 'pay');
      expect(yeepay.verifyIncoming(browserReturn(back!)).outcome).toMatchObject({
        kind: 'paid',
        trade: { amountFen: 1330 },
      });
      const b = otn('Y');
      await env.scenario({ name: 'bad_signature', provider: 'yeepay', out_trade_no: b, operation: 'notify' });
      const back2 = await press(await openCashier(b), 'pay');
      expect(yeepay.verifyIncoming(browserReturn(back2!)).outcome).toMatchObject({
        kind: 'untrusted',
        reason: 'bad_signature',
      });
      const calls = await receiver.waitFor(2);
      const forB = calls.filter((v) => v.outcome.kind === 'untrusted');
      expect(forB.length).toBeGreaterThan(0);
      expect(forB[0]!.reply.body).not.toBe('success');
    });

    it('decline and user paying on the cashier page; duplicate server calls', async () => {
      const a = otn('Y');
      await env.scenario({ name: 'decline', provider: 'yeepay', out_trade_no: a });
      expect(await press(await openCashier(a), 'pay')).toBeNull();
      expect((await yeepay.query(ref(a))).outcome).toEqual({ kind: 'closed' });
      const b = otn('Y');
      await env.scenario({ name: 'user_paying', provider: 'yeepay', out_trade_no: b, params: { seconds: 20 } });
      await press(await openCashier(b), 'pay');
      expect((await yeepay.query(ref(b))).outcome).toEqual({ kind: 'pending' });
      await env.advance(21);
      expect((await yeepay.query(ref(b))).outcome.kind).toBe('paid');
      const c = otn('Y');
      await env.scenario({
        name: 'duplicate_notification',
        provider: 'yeepay',
        out_trade_no: c,
        params: { copies: 2 },
      });
      await press(await openCashier(c), 'pay');
      const calls = await receiver.waitFor(3);
      expect(calls.filter((v) => v.outcome.kind === 'paid' && v.outcome.outTradeNo === c)).toHaveLength(2);
    });

    it('delay on the query under the timeout is fine; the wrong key is refused by the sandbox, not trusted', async () => {
      const a = otn('Y');
      await openCashier(a);
      await env.scenario({
        name: 'delay',
        provider: 'yeepay',
        out_trade_no: a,
        operation: 'query',
        times: 1,
        params: { ms: 300 },
      });
      expect((await yeepay.query(ref(a))).outcome).toEqual({ kind: 'pending' });
      const wrongKey = createProvider({ ...env.configs.yeepay, key: 'x'.repeat(60) });
      const out = await wrongKey.query(ref(a));
      // the sandbox answers r1_Code=-1 (hmac check failed) signed with the real key: untrusted here
      expect(out.outcome).toMatchObject({ kind: 'untrusted' });
      const wrongMerchant = createProvider({ ...env.configs.yeepay, merchantId: '10000432521' });
      expect((await wrongMerchant.query(ref(a))).outcome.kind).not.toBe('paid');
    });
  });
});
