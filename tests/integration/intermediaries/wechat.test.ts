import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createProvider } from '../../../src/main/intermediaries';
import type { PaymentProvider } from '../../../src/main/intermediaries/provider';
import { otn, startEnv, startReceiver, type Env } from './env';

let env: Env;
let wechat: PaymentProvider;
beforeAll(async () => {
  env = await startEnv();
  wechat = env.client('wechat');
});
afterAll(async () => env.close());
beforeEach(async () => {
  await env.control('reset');
});

const CODE = '134567890123456789';
const qr = (no: string, amountFen = 1230) => ({
  outTradeNo: no,
  amountFen,
  subject: '咖啡',
  mode: 'qr' as const,
  expiresAt: Date.now() + 120_000,
});
const code = (no: string, authCode = CODE, amountFen = 1230) => ({
  ...qr(no, amountFen),
  mode: 'payment_code' as const,
  authCode,
});
const ref = (no: string, amountFen = 1230, createdAt?: number) => ({
  outTradeNo: no,
  amountFen,
  ...(createdAt === undefined ? {} : { createdAt }),
});

describe.each(['MD5', 'HMAC-SHA256'] as const)('WeChat client (%s) against the sandbox', (signType) => {
  const client = () =>
    signType === 'MD5' ? wechat : createProvider({ ...env.configs.wechat, signType }, { timeoutMs: 5000 });

  it('NATIVE QR: code_url, NOTPAY until paid, then paid', async () => {
    const no = otn('W');
    const created = await client().create(qr(no));
    expect(created.outcome.kind).toBe('qr');
    if (created.outcome.kind !== 'qr') return;
    expect(created.outcome.qrContent).toBeTruthy();
    expect((await client().query(ref(no))).outcome).toEqual({ kind: 'pending' });
    await env.control(`trades/wechat/${no}/pay`);
    expect((await client().query(ref(no))).outcome).toMatchObject({ kind: 'paid', trade: { amountFen: 1230 } });
  });

  it('micropay: paid; USERPAYING then paid; declined; SYSTEMERROR unknown', async () => {
    expect((await client().create(code(otn('W')))).outcome).toMatchObject({ kind: 'paid', trade: { amountFen: 1230 } });
    const b = otn('W');
    expect((await client().create(code(b, '134567890123451111'))).outcome).toEqual({ kind: 'waiting' });
    expect((await client().query(ref(b))).outcome).toEqual({ kind: 'pending' });
    await env.advance(11);
    expect((await client().query(ref(b))).outcome.kind).toBe('paid');
    expect((await client().create(code(otn('W'), '134567890123454444'))).outcome).toMatchObject({ kind: 'declined' });
    expect((await client().create(code(otn('W'), '134567890123453333'))).outcome).toMatchObject({ kind: 'unknown' });
    expect((await client().create(code(otn('W'), '99'))).outcome).toMatchObject({
      kind: 'declined',
      code: 'AUTH_CODE_INVALID',
    });
  });
});

describe('WeChat close, reverse, refunds, bill', () => {
  it('closeorder: too early within 5 min (no request), then closed; paid says paid', async () => {
    const a = otn('W');
    const createdAt = Date.now();
    await wechat.create(qr(a));
    const early = await wechat.close(ref(a, 1230, createdAt));
    expect(early.outcome).toEqual({ kind: 'too_early', retryAt: createdAt + 300_000 });
    expect(early.exchanges).toHaveLength(0);
    // without the creation time the client asks, and the sandbox refuses the same way
    expect((await wechat.close(ref(a))).outcome).toMatchObject({ kind: 'unknown' });
    await env.advance(301);
    expect((await wechat.close(ref(a))).outcome).toEqual({ kind: 'closed' });
    expect((await wechat.query(ref(a))).outcome).toEqual({ kind: 'closed' });
    expect((await wechat.close(ref(a))).outcome).toEqual({ kind: 'closed' });
    const b = otn('W');
    await wechat.create(code(b));
    await env.advance(301);
    expect((await wechat.close(ref(b))).outcome).toEqual({ kind: 'paid' });
    expect((await wechat.close(ref(otn('W')))).outcome).toEqual({ kind: 'not_found' });
  });

  it('reverse: retry before 15 s and while the buyer is paying; then closed', async () => {
    const a = otn('W');
    const createdAt = Date.now();
    await wechat.create(code(a, '134567890123451111'));
    expect((await wechat.cancel(ref(a, 1230, createdAt))).outcome).toMatchObject({ kind: 'retry' });
    expect((await wechat.cancel(ref(a))).outcome).toMatchObject({
      kind: 'retry',
      reason: expect.stringMatching(/recall=Y|USERPAYING/),
    });
    await env.advance(16);
    expect((await wechat.cancel(ref(a))).outcome).toEqual({ kind: 'closed' });
    expect((await wechat.query(ref(a))).outcome).toEqual({ kind: 'closed' });
    const b = otn('W');
    await wechat.create(code(b));
    await env.advance(16);
    expect((await wechat.cancel(ref(b))).outcome).toEqual({ kind: 'closed' });
  });

  it('refund and refundquery; pending; failed', async () => {
    const a = otn('W');
    await wechat.create(code(a));
    const input = { ...ref(a), refundNo: `${a}R1`, refundFen: 500, reason: '退货' };
    expect((await wechat.refund(input)).outcome).toEqual({ kind: 'accepted' });
    expect((await wechat.refundQuery(input)).outcome).toEqual({ kind: 'succeeded', refundedFen: 500 });
    expect((await wechat.query(ref(a))).outcome.kind).toBe('refunded');
    expect((await wechat.refundQuery({ ...input, refundNo: `${a}R9` })).outcome).toEqual({ kind: 'not_found' });

    const b = otn('W');
    await wechat.create(code(b));
    await env.scenario({ name: 'refund_pending', provider: 'wechat', out_trade_no: b, params: { seconds: 30 } });
    const pin = { ...ref(b), refundNo: `${b}R1`, refundFen: 1230, reason: 'x' };
    expect((await wechat.refund(pin)).outcome).toEqual({ kind: 'accepted' });
    expect((await wechat.refundQuery(pin)).outcome).toEqual({ kind: 'pending' });
    await env.advance(31);
    expect((await wechat.refundQuery(pin)).outcome).toEqual({ kind: 'succeeded', refundedFen: 1230 });

    const c = otn('W');
    await wechat.create(code(c));
    await env.scenario({ name: 'refund_failed', provider: 'wechat', out_trade_no: c });
    expect((await wechat.refund({ ...ref(c), refundNo: `${c}R1`, refundFen: 100, reason: 'x' })).outcome).toMatchObject(
      { kind: 'declined', code: 'NOTENOUGH' },
    );
  });

  it('downloadbill: payments, refunds and reversals of the day; no bill → none', async () => {
    const a = otn('W');
    await wechat.create(code(a));
    await wechat.refund({ ...ref(a), refundNo: `${a}R1`, refundFen: 230, reason: 'x' });
    const b = otn('W');
    await wechat.create(qr(b, 100));
    await env.control(`trades/wechat/${b}/pay`);
    const out = await wechat.statement(await env.sandboxDay());
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
    expect((await wechat.statement('2020-01-01')).outcome).toEqual({ kind: 'none' });
  });
});

describe('WeChat scenarios', () => {
  it('no_answer, http_500, delay', async () => {
    const a = otn('W');
    await env.scenario({ name: 'no_answer', provider: 'wechat', out_trade_no: a, times: 1 });
    expect((await env.client('wechat', { timeoutMs: 800 }).create(code(a))).outcome).toMatchObject({
      kind: 'unknown',
      reason: expect.stringMatching(/timeout/),
    });
    const b = otn('W');
    await env.scenario({ name: 'http_500', provider: 'wechat', out_trade_no: b, times: 1 });
    expect((await wechat.create(qr(b))).outcome).toMatchObject({
      kind: 'unknown',
      reason: expect.stringMatching(/500/),
    });
    const c = otn('W');
    await env.scenario({ name: 'delay', provider: 'wechat', out_trade_no: c, times: 1, params: { ms: 300 } });
    expect((await wechat.create(qr(c))).outcome.kind).toBe('qr');
  });

  it('malformed body, bad signature, amount mismatch', async () => {
    const a = otn('W');
    await env.scenario({ name: 'malformed_body', provider: 'wechat', out_trade_no: a, operation: 'pay', times: 1 });
    expect((await wechat.create(code(a))).outcome).toMatchObject({ kind: 'untrusted', reason: 'malformed' });
    expect((await wechat.query(ref(a))).outcome.kind).toBe('paid');
    const b = otn('W');
    await env.scenario({ name: 'bad_signature', provider: 'wechat', out_trade_no: b, operation: 'query', times: 1 });
    await wechat.create(code(b));
    expect((await wechat.query(ref(b))).outcome).toMatchObject({ kind: 'untrusted', reason: 'bad_signature' });
    const c = otn('W');
    await env.scenario({
      name: 'amount_mismatch',
      provider: 'wechat',
      out_trade_no: c,
      operation: 'query',
      params: { delta_fen: 1 },
    });
    await wechat.create(code(c));
    expect((await wechat.query(ref(c))).outcome).toMatchObject({ kind: 'paid', trade: { amountFen: 1231 } });
  });

  it('decline, user paying, system error; pay after close', async () => {
    const a = otn('W');
    await env.scenario({ name: 'decline', provider: 'wechat', out_trade_no: a });
    expect((await wechat.create(code(a))).outcome).toMatchObject({ kind: 'declined' });
    const b = otn('W');
    await env.scenario({
      name: 'user_paying',
      provider: 'wechat',
      out_trade_no: b,
      params: { seconds: 20, outcome: 'decline' },
    });
    expect((await wechat.create(code(b))).outcome).toEqual({ kind: 'waiting' });
    await env.advance(21);
    expect((await wechat.query(ref(b))).outcome.kind).toMatch(/failed|closed/);
    const c = otn('W');
    await env.scenario({ name: 'system_error', provider: 'wechat', out_trade_no: c, operation: 'pay' });
    expect((await wechat.create(code(c))).outcome).toMatchObject({ kind: 'unknown' });
    const d = otn('W');
    await env.scenario({ name: 'pay_after_close', provider: 'wechat', out_trade_no: d, params: { seconds: 5 } });
    // a lifetime beyond the 5 minutes, so that the close (not the expiry) ends it
    await wechat.create({ ...qr(d), expiresAt: Date.now() + 3600_000 });
    await env.advance(301);
    expect((await wechat.close(ref(d))).outcome).toEqual({ kind: 'closed' });
    await env.advance(6);
    expect((await wechat.query(ref(d))).outcome.kind).toBe('paid');
  });

  it('pay notifications: verified and answered with the SUCCESS XML; duplicates; tampered', async () => {
    const receiver = await startReceiver(() => wechat);
    try {
      await env.control('notify-url', { provider: 'wechat', url: receiver.url, override: true });
      const a = otn('W');
      await env.scenario({
        name: 'duplicate_notification',
        provider: 'wechat',
        out_trade_no: a,
        params: { copies: 2 },
      });
      await wechat.create(qr(a));
      await env.control(`trades/wechat/${a}/pay`);
      const got = await receiver.waitFor(2);
      expect(got.slice(0, 2).map((v) => v.outcome)).toEqual([
        expect.objectContaining({ kind: 'paid', outTradeNo: a, trade: expect.objectContaining({ amountFen: 1230 }) }),
        expect.objectContaining({ kind: 'paid', outTradeNo: a }),
      ]);
      expect(got[0]!.reply.body).toContain('<return_code>SUCCESS</return_code>');
      const b = otn('W');
      await env.scenario({ name: 'bad_signature', provider: 'wechat', out_trade_no: b, operation: 'notify', times: 1 });
      await wechat.create(qr(b));
      await env.control(`trades/wechat/${b}/pay`);
      const all = await receiver.waitFor(3);
      expect(all[2]!.outcome).toMatchObject({ kind: 'untrusted', reason: 'bad_signature' });
      const notes = await env.control(`notifications?provider=wechat&out_trade_no=${a}`, undefined, 'GET');
      expect((notes.json.notifications as Array<{ status: string }>)[0]!.status).toBe('delivered');
    } finally {
      await receiver.close();
    }
  });

  it('bad configuration: another API key or merchant is refused in plain words, never paid', async () => {
    const wrongKey = createProvider({ ...env.configs.wechat, apiKey: 'ffffffffffffffffffffffffffffffff' });
    expect((await wrongKey.create(qr(otn('W')))).outcome).toMatchObject({
      kind: 'declined',
      code: 'FAIL',
      message: expect.stringMatching(/签名|sign/i),
    });
    expect((await wrongKey.create(code(otn('W')))).outcome).toMatchObject({ kind: 'unknown' });
    const wrongMch = createProvider({ ...env.configs.wechat, mchId: '1900000999' });
    expect((await wrongMch.query(ref(otn('W')))).outcome.kind).not.toBe('paid');
  });
});
