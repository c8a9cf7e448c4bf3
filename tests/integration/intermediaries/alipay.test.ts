import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { createProvider } from '../../../src/main/intermediaries';
import type { PaymentProvider } from '../../../src/main/intermediaries/provider';
import { otn, startEnv, startReceiver, type Env } from './env';

let env: Env;
let alipay: PaymentProvider;
beforeAll(async () => {
  env = await startEnv();
  alipay = env.client('alipay');
});
afterAll(async () => env.close());
beforeEach(async () => {
  await env.control('reset');
});

const CODE = '286648048691290423'; // pays at once
const qr = (no: string, amountFen = 1230) => ({
  outTradeNo: no,
  amountFen,
  subject: 'Coffee',
  mode: 'qr' as const,
  expiresAt: Date.now() + 120_000,
});
const code = (no: string, authCode = CODE, amountFen = 1230) => ({
  ...qr(no, amountFen),
  mode: 'payment_code' as const,
  authCode,
});
const ref = (no: string, amountFen = 1230) => ({ outTradeNo: no, amountFen });

describe('Alipay client against the sandbox', () => {
  it('QR: precreate, not found until scanned, waiting once scanned, paid once paid', async () => {
    const no = otn('A');
    const created = await alipay.create(qr(no));
    expect(created.outcome.kind).toBe('qr');
    if (created.outcome.kind !== 'qr') return;
    expect(created.outcome.qrContent).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/alipay\/qr\//);
    expect(created.exchanges[0]).toMatchObject({ op: 'precreate', status: 200, error: null });
    expect((await alipay.query(ref(no))).outcome).toEqual({ kind: 'not_found' });
    await env.control(`trades/alipay/${no}/scan`);
    expect((await alipay.query(ref(no))).outcome).toEqual({ kind: 'pending' });
    await env.control(`trades/alipay/${no}/pay`);
    const q = await alipay.query(ref(no));
    expect(q.outcome).toMatchObject({ kind: 'paid', trade: { amountFen: 1230 } });
    if (q.outcome.kind === 'paid') expect(q.outcome.trade.tradeNo).toBeTruthy();
    // closing a paid trade says so
    expect((await alipay.close(ref(no))).outcome).toMatchObject({
      kind: 'unknown',
      reason: expect.stringMatching(/TRADE_STATUS_ERROR/),
    });
  });

  it('QR: close before the scan is not_found, after the scan closed; a declined QR is closed', async () => {
    const a = otn('A');
    await alipay.create(qr(a));
    expect((await alipay.close(ref(a))).outcome).toEqual({ kind: 'not_found' });
    const b = otn('A');
    await alipay.create(qr(b));
    await env.control(`trades/alipay/${b}/scan`);
    expect((await alipay.close(ref(b))).outcome).toEqual({ kind: 'closed' });
    expect((await alipay.query(ref(b))).outcome).toEqual({ kind: 'closed' });
    const c = otn('A');
    await alipay.create(qr(c));
    await env.control(`trades/alipay/${c}/decline`);
    expect((await alipay.query(ref(c))).outcome).toEqual({ kind: 'closed' });
  });

  it('payment code: paid at once; 10003 then paid after the password; declined; system error unknown', async () => {
    const a = otn('A');
    expect((await alipay.create(code(a))).outcome).toMatchObject({ kind: 'paid', trade: { amountFen: 1230 } });
    const b = otn('A');
    expect((await alipay.create(code(b, '286648048691291111'))).outcome).toEqual({ kind: 'waiting' });
    expect((await alipay.query(ref(b))).outcome).toEqual({ kind: 'pending' });
    await env.advance(11);
    expect((await alipay.query(ref(b))).outcome).toMatchObject({ kind: 'paid' });
    const c = otn('A');
    expect((await alipay.create(code(c, '286648048691294444'))).outcome).toMatchObject({ kind: 'declined' });
    const d = otn('A');
    expect((await alipay.create(code(d, '286648048691293333'))).outcome).toMatchObject({ kind: 'unknown' });
    const e = otn('A');
    expect((await alipay.create(code(e, '1234'))).outcome).toMatchObject({
      kind: 'declined',
      code: 'ACQ.PAYMENT_AUTH_CODE_INVALID',
    });
  });

  it('cancel: an unpaid payment-code trade is closed, a paid one refunded', async () => {
    const a = otn('A');
    await alipay.create(code(a, '286648048691291111'));
    expect((await alipay.cancel(ref(a))).outcome).toEqual({ kind: 'closed' });
    const b = otn('A');
    await alipay.create(code(b));
    expect((await alipay.cancel(ref(b))).outcome).toEqual({ kind: 'refunded' });
  });

  it('refund, refund query; pending and failed refunds', async () => {
    const a = otn('A');
    await alipay.create(code(a));
    const input = { ...ref(a), refundNo: `${a}R1`, refundFen: 500, reason: 'returned' };
    expect((await alipay.refund(input)).outcome).toEqual({ kind: 'succeeded', refundedFen: 500 });
    expect((await alipay.refundQuery(input)).outcome).toEqual({ kind: 'succeeded', refundedFen: 500 });
    // the same refund again (a retry) moves no money
    expect((await alipay.refund(input)).outcome).toEqual({ kind: 'accepted' });
    expect((await alipay.refundQuery({ ...input, refundNo: `${a}R9` })).outcome).toEqual({ kind: 'not_found' });

    const b = otn('A');
    await alipay.create(code(b));
    await env.scenario({ name: 'refund_pending', provider: 'alipay', out_trade_no: b, params: { seconds: 30 } });
    const pin = { ...ref(b), refundNo: `${b}R1`, refundFen: 1230, reason: 'returned' };
    expect((await alipay.refund(pin)).outcome).toEqual({ kind: 'accepted' });
    expect((await alipay.refundQuery(pin)).outcome).toEqual({ kind: 'pending' });
    await env.advance(31);
    expect((await alipay.refundQuery(pin)).outcome).toEqual({ kind: 'succeeded', refundedFen: 1230 });

    const c = otn('A');
    await alipay.create(code(c));
    await env.scenario({ name: 'refund_failed', provider: 'alipay', out_trade_no: c });
    expect((await alipay.refund({ ...ref(c), refundNo: `${c}R1`, refundFen: 100, reason: 'x' })).outcome).toMatchObject(
      { kind: 'declined', code: 'ACQ.SELLER_BALANCE_NOT_ENOUGH' },
    );
  });

  it('statement: the day bill lists the payments and refunds; an empty day is none', async () => {
    const a = otn('A');
    await alipay.create(code(a));
    await alipay.refund({ ...ref(a), refundNo: `${a}R1`, refundFen: 230, reason: 'x' });
    const b = otn('A');
    await alipay.create(qr(b, 100));
    await env.control(`trades/alipay/${b}/pay`);
    const day = await env.sandboxDay();
    const out = await alipay.statement(day);
    expect(out.outcome.kind).toBe('statement');
    if (out.outcome.kind !== 'statement') return;
    const rows = out.outcome.statement.rows;
    expect(rows.filter((r) => r.type === 'payment').map((r) => [r.outTradeNo, r.amountFen])).toEqual([
      [a, 1230],
      [b, 100],
    ]);
    expect(rows.filter((r) => r.type === 'refund').map((r) => [r.outTradeNo, r.amountFen, r.refundNo])).toEqual([
      [a, 230, `${a}R1`],
    ]);
    expect(out.outcome.statement.totals).toMatchObject({ count: 3, amountFen: 1330, refundFen: 230 });
    expect(out.exchanges.map((e) => e.op)).toEqual(['bill_url', 'bill_download']);
    expect((await alipay.statement('2020-01-01')).outcome).toEqual({ kind: 'none' });
  });

  describe('scenarios', () => {
    it('no_answer → unknown (timeout); http_500 → unknown; delay under the timeout is fine', async () => {
      const a = otn('A');
      await env.scenario({ name: 'no_answer', provider: 'alipay', out_trade_no: a, times: 1 });
      const out = await env.client('alipay', { timeoutMs: 800 }).create(qr(a));
      expect(out.outcome).toMatchObject({ kind: 'unknown', reason: expect.stringMatching(/timeout/) });
      expect(out.exchanges[0]).toMatchObject({ status: null, response: null, error: expect.stringMatching(/timeout/) });
      const b = otn('A');
      await env.scenario({ name: 'http_500', provider: 'alipay', out_trade_no: b, times: 1 });
      expect((await alipay.create(qr(b))).outcome).toMatchObject({
        kind: 'unknown',
        reason: expect.stringMatching(/HTTP 500/),
      });
      const c = otn('A');
      await env.scenario({ name: 'delay', provider: 'alipay', out_trade_no: c, times: 1, params: { ms: 300 } });
      expect((await alipay.create(qr(c))).outcome.kind).toBe('qr');
      const d = otn('A');
      await env.scenario({ name: 'delay', provider: 'alipay', out_trade_no: d, times: 1, params: { ms: 1500 } });
      expect((await env.client('alipay', { timeoutMs: 500 }).create(qr(d))).outcome).toMatchObject({ kind: 'unknown' });
    });

    it('malformed body and bad signature are untrusted, never paid', async () => {
      const a = otn('A');
      await env.scenario({ name: 'malformed_body', provider: 'alipay', out_trade_no: a, operation: 'pay', times: 1 });
      expect((await alipay.create(code(a))).outcome).toMatchObject({ kind: 'untrusted', reason: 'malformed' });
      // it was paid upstream all the same: a query finds out
      expect((await alipay.query(ref(a))).outcome.kind).toBe('paid');
      const b = otn('A');
      await env.scenario({ name: 'bad_signature', provider: 'alipay', out_trade_no: b, operation: 'pay', times: 1 });
      expect((await alipay.create(code(b))).outcome).toMatchObject({ kind: 'untrusted', reason: 'bad_signature' });
      await env.scenario({ name: 'bad_signature', provider: 'alipay', out_trade_no: b, operation: 'query', times: 1 });
      expect((await alipay.query(ref(b))).outcome).toMatchObject({ kind: 'untrusted', reason: 'bad_signature' });
      expect((await alipay.query(ref(b))).outcome.kind).toBe('paid');
    });

    it('amount mismatch: the upstream amount is reported for the core to compare', async () => {
      const a = otn('A');
      await env.scenario({
        name: 'amount_mismatch',
        provider: 'alipay',
        out_trade_no: a,
        operation: 'query',
        params: { delta_fen: 100 },
      });
      await alipay.create(code(a));
      expect((await alipay.query(ref(a))).outcome).toMatchObject({ kind: 'paid', trade: { amountFen: 1330 } });
    });

    it('decline, user paying, system error on the payment code', async () => {
      const a = otn('A');
      await env.scenario({ name: 'decline', provider: 'alipay', out_trade_no: a });
      expect((await alipay.create(code(a))).outcome).toMatchObject({ kind: 'declined' });
      const b = otn('A');
      await env.scenario({ name: 'user_paying', provider: 'alipay', out_trade_no: b, params: { seconds: 20 } });
      expect((await alipay.create(code(b))).outcome).toEqual({ kind: 'waiting' });
      await env.advance(21);
      expect((await alipay.query(ref(b))).outcome.kind).toBe('paid');
      const c = otn('A');
      await env.scenario({ name: 'system_error', provider: 'alipay', out_trade_no: c, operation: 'pay' });
      expect((await alipay.create(code(c))).outcome).toMatchObject({ kind: 'unknown' });
    });

    it('pay after close: the query reports the late payment', async () => {
      const a = otn('A');
      await env.scenario({ name: 'pay_after_close', provider: 'alipay', out_trade_no: a, params: { seconds: 5 } });
      await alipay.create(qr(a));
      await env.control(`trades/alipay/${a}/scan`);
      expect((await alipay.close(ref(a))).outcome).toEqual({ kind: 'closed' });
      await env.advance(6);
      expect((await alipay.query(ref(a))).outcome.kind).toBe('paid');
    });

    it('notifications: verified, duplicated, late, tampered', async () => {
      const receiver = await startReceiver(() => alipay);
      try {
        await env.control('notify-url', { provider: 'alipay', url: receiver.url, override: true });
        const a = otn('A');
        await env.scenario({
          name: 'duplicate_notification',
          provider: 'alipay',
          out_trade_no: a,
          params: { copies: 2 },
        });
        await alipay.create(code(a));
        const got = await receiver.waitFor(2);
        expect(got.slice(0, 2).map((v) => v.outcome)).toEqual([
          expect.objectContaining({ kind: 'paid', outTradeNo: a, trade: expect.objectContaining({ amountFen: 1230 }) }),
          expect.objectContaining({ kind: 'paid', outTradeNo: a }),
        ]);
        expect(got[0]!.reply.body).toBe('success');
        const b = otn('A');
        await env.scenario({ name: 'bad_signature', provider: 'alipay', out_trade_no: b, operation: 'notify' });
        await alipay.create(code(b));
        const bad = await receiver.waitFor(3);
        expect(bad[2]!.outcome).toMatchObject({ kind: 'untrusted', reason: 'bad_signature' });
        const c = otn('A');
        await env.scenario({
          name: 'late_notification',
          provider: 'alipay',
          out_trade_no: c,
          params: { seconds: 600 },
        });
        await alipay.create(code(c));
        await new Promise((r) => setTimeout(r, 300));
        expect(receiver.results.filter((v) => v.outcome.kind === 'paid' && v.outcome.outTradeNo === c)).toHaveLength(0);
        await env.advance(601);
        const late = await receiver.waitFor(4 + (receiver.results.length > 3 ? 1 : 0));
        expect(late.some((v) => v.outcome.kind === 'paid' && v.outcome.outTradeNo === c)).toBe(true);
      } finally {
        await receiver.close();
      }
    });
  });

  it('bad configuration: another app key, another app id, another platform key: refused in plain words, never paid', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const otherPrivate = other.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const otherPublic = other.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const wrongAppKey = createProvider({ ...env.configs.alipay, appPrivateKeyPem: otherPrivate });
    expect((await wrongAppKey.create(qr(otn('A')))).outcome).toMatchObject({
      kind: 'declined',
      code: expect.stringMatching(/invalid-signature/),
    });
    const wrongApp = createProvider({ ...env.configs.alipay, appId: '2021000199999999' });
    const refused = (await wrongApp.create(code(otn('A')))).outcome;
    expect(refused.kind).toBe('declined');
    const wrongPlatformKey = createProvider({ ...env.configs.alipay, alipayPublicKeyPem: otherPublic });
    expect((await wrongPlatformKey.create(code(otn('A')))).outcome).toMatchObject({
      kind: 'untrusted',
      reason: 'bad_signature',
    });
  });
});
