import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { parseProviderConfig, type YeepayConfig } from '../../../src/main/intermediaries/config';
import { UnsupportedOperation } from '../../../src/main/intermediaries/http';
import { YeepayClient } from '../../../src/main/intermediaries/yeepay/client';
import { gbkEncode, parseCommandAnswer } from '../../../src/main/intermediaries/yeepay/form';
import { BUY_ORDER, hmacOf, yeepayHmac } from '../../../src/main/intermediaries/yeepay/signing';
import type { HttpRequest } from '../../../src/main/intermediaries/provider';
import { NOW, res, scripted, timeoutError } from './helpers';

const V1_KEY = 'Xke1a0TqZE2Q8ku943LgC425247y3zuu09vLh78S4U0142rp60h3s6egNY3j';
const Q_KEY = 'fdsiojosdgdjioioj';
const cfg = (over: Partial<YeepayConfig> = {}): YeepayConfig =>
  parseProviderConfig({
    provider: 'yeepay',
    nodeUrl: 'https://pay.example.test/app-merchant-proxy/node',
    commandUrl: 'https://pay.example.test/app-merchant-proxy/command',
    merchantId: '10012150139',
    key: V1_KEY,
    ...over,
  }) as YeepayConfig;

const V4 = [
  'QueryOrdDetail',
  '1',
  '914292209794231I',
  '1.0',
  'RMB',
  '-',
  '201405120018316114',
  'php1test',
  'SUCCESS',
  '0',
  '0.0',
];
const QUERY_KEYS = [
  'r0_Cmd',
  'r1_Code',
  'r2_TrxId',
  'r3_Amt',
  'r4_Cur',
  'r5_Pid',
  'r6_Order',
  'r8_MP',
  'rb_PayStatus',
  'rc_RefundCount',
  'rd_RefundAmt',
];

/** A QueryOrdDetail answer: key=value lines, values GBK URL-encoded, hmac given or computed. */
function queryAnswer(values: string[], hmac?: string | null, extra: Record<string, string> = {}, key = Q_KEY): string {
  const lines = QUERY_KEYS.map((k, i) => `${k}=${gbkEncode(values[i]!)}`);
  for (const [k, v] of Object.entries(extra)) lines.splice(8, 0, `${k}=${gbkEncode(v)}`);
  if (hmac !== null) lines.push(`hmac=${hmac ?? yeepayHmac(values, key)}`);
  return lines.join('\n') + '\n';
}
const ref = { outTradeNo: '201405120018316114', amountFen: 100 };
const qClient = (deps: ReturnType<typeof scripted>) => new YeepayClient(cfg({ key: Q_KEY }), deps);
const formOf = (req: HttpRequest) => Object.fromEntries(new URLSearchParams(String(req.body)));

describe('YeePay HMAC vectors (§1.10)', () => {
  it('V1: the Buy request', () => {
    const v1 = {
      p0_Cmd: 'Buy',
      p1_MerId: '10012150139',
      p2_Order: '201405120018316114',
      p3_Amt: '1.00',
      p4_Cur: 'RMB',
      p5_Pid: '',
      p6_Pcat: '0',
      p7_Pdesc: '0',
      p8_Url: 'http://esball.org/app/member/pay_online2/pay_result.php?pay_system=12345&hallid=6',
      p9_SAF: '0',
      pa_MP: 'php1test',
      pd_FrpId: 'ICBC-NET-B2C',
      pr_NeedResponse: '1',
    };
    expect(hmacOf(v1, BUY_ORDER, V1_KEY)).toBe('8fec252727c5799d206c8b06ee170d37');
  });

  it('V4–V8: the query answers, through the client', async () => {
    const cases: Array<[string, string, string, object]> = [
      [
        'SUCCESS',
        '1',
        '21aa2bca9528496d7e16c25f3d89925f',
        { kind: 'paid', trade: { tradeNo: '914292209794231I', amountFen: 100, paidAt: null, buyer: null } },
      ],
      ['INIT', '1', '0d67f2f3b09f8279767315943186fdc1', { kind: 'pending' }],
      ['CANCELED', '1', 'b1d4c2e1b101aac5c62e0602ead5b9ca', { kind: 'closed' }],
      ['AUTHORIZED', '1', 'f513751bb087f7438b754a85fb6f0a23', { kind: 'pending' }],
      ['SUCCESS', '50', '1e52b5f49059ba5df9283b313fe18328', { kind: 'not_found' }],
    ];
    for (const [status, code, hmac, expected] of cases) {
      const values = [...V4];
      values[1] = code;
      values[8] = status;
      // V5–V7 as listed in full in docs/protocols.md §1.10
      expect(yeepayHmac(values, Q_KEY)).toBe(hmac);
      const deps = scripted(res(queryAnswer(values, hmac)));
      const out = await qClient(deps).query(ref);
      expect(out.outcome).toEqual(expected);
      expect(formOf(deps.requests[0]!)).toEqual({
        p0_Cmd: 'QueryOrdDetail',
        p1_MerId: '10012150139',
        p2_Order: '201405120018316114',
        hmac: yeepayHmac(['QueryOrdDetail', '10012150139', '201405120018316114'], Q_KEY),
      });
    }
  });

  it('V2/V3: the server callback, signed with the configured merchant id', () => {
    const q = {
      p1_MerId: '10012150139',
      r0_Cmd: 'Buy',
      r1_Code: '1',
      r2_TrxId: '914292209794231I',
      r3_Amt: '1.0',
      r4_Cur: 'RMB',
      r5_Pid: '-',
      r6_Order: '201405120018316114',
      r7_Uid: '',
      r8_MP: 'php1test',
      r9_BType: '2',
      hmac: '2c1ef216cb1a2d454a6c92742df718b9',
      rb_BankId: 'ICBC-NET-B2C',
      rp_PayDate: '20140512002005',
      ru_Trxtime: '20140512002010',
    };
    const client = new YeepayClient(cfg(), scripted());
    const v2 = client.verifyIncoming({ method: 'GET', query: q, body: Buffer.alloc(0), contentType: '' });
    expect(v2.outcome).toEqual({
      kind: 'paid',
      outTradeNo: '201405120018316114',
      trade: { tradeNo: '914292209794231I', amountFen: 100, paidAt: Date.UTC(2014, 4, 11, 16, 20, 5), buyer: null },
    });
    expect(v2.reply).toEqual({ status: 200, contentType: 'text/plain; charset=utf-8', body: 'success' });
    const v3 = client.verifyIncoming({
      method: 'GET',
      query: { ...q, r1_Code: '0', hmac: '1888fa6622b01e322134c99cbc44dbd3' },
      body: Buffer.alloc(0),
      contentType: '',
    });
    expect(v3.outcome).toEqual({ kind: 'other', outTradeNo: '201405120018316114', status: 'r1_Code=0' });
    // the same callback as a form POST body
    const posted = client.verifyIncoming({
      method: 'POST',
      query: {},
      body: Buffer.from(new URLSearchParams(q).toString()),
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(posted.outcome.kind).toBe('paid');
  });
});

describe('YeePay callbacks (§1.4, §1.5)', () => {
  const client = new YeepayClient(cfg(), scripted());
  const base = {
    p1_MerId: '10012150139',
    r0_Cmd: 'Buy',
    r1_Code: '1',
    r2_TrxId: 'TRX1',
    r3_Amt: '12.3',
    r4_Cur: 'RMB',
    r5_Pid: 'Coffee',
    r6_Order: 'T3001',
    r7_Uid: '',
    r8_MP: '',
    r9_BType: '1',
  };
  const sign = (f: Record<string, string>) => ({
    ...f,
    hmac: yeepayHmac(
      [
        '10012150139',
        f.r0_Cmd!,
        f.r1_Code!,
        f.r2_TrxId!,
        f.r3_Amt!,
        f.r4_Cur!,
        f.r5_Pid!,
        f.r6_Order!,
        f.r7_Uid!,
        f.r8_MP!,
        f.r9_BType!,
      ],
      V1_KEY,
    ),
  });
  const verify = (q: Record<string, string>) =>
    client.verifyIncoming({ method: 'GET', query: q, body: Buffer.alloc(0), contentType: '' });

  it('the browser return (r9_BType=1) is verified too and answered with a page', () => {
    const v = verify(sign(base));
    expect(v.outcome).toMatchObject({ kind: 'paid', outTradeNo: 'T3001', trade: { amountFen: 1230, tradeNo: 'TRX1' } });
    expect(v.reply.contentType).toMatch(/text\/html/);
    expect(v.reply.body).not.toBe('success');
  });

  it('uppercase hex is accepted; a changed field, another merchant, a missing hmac are refused', () => {
    const s = sign(base);
    expect(verify({ ...s, hmac: s.hmac.toUpperCase() }).outcome.kind).toBe('paid');
    expect(verify({ ...s, r3_Amt: '0.01' }).outcome).toMatchObject({ kind: 'untrusted', reason: 'bad_signature' });
    expect(verify(sign({ ...base, p1_MerId: '10000432521' })).outcome).toMatchObject({
      kind: 'untrusted',
      reason: 'wrong_merchant',
    });
    const { hmac: _h, ...unsigned } = s;
    expect(verify(unsigned).outcome).toMatchObject({ kind: 'untrusted', reason: 'unsigned' });
    const server = verify({ ...sign({ ...base, r9_BType: '2' }), hmac: 'deadbeef' });
    expect(server.reply.body).not.toBe('success');
    expect(verify(sign({ ...base, r4_Cur: 'USD' })).outcome).toMatchObject({
      kind: 'untrusted',
      reason: 'wrong_currency',
    });
  });
});

describe('YeePay create (Buy, §1.2)', () => {
  it('returns the signed form for the node URL; the cashier page when no bank is chosen', async () => {
    const client = new YeepayClient(cfg(), scripted());
    const input = {
      outTradeNo: 'T3001',
      amountFen: 1230,
      subject: 'Coffee x2',
      mode: 'redirect' as const,
      returnUrl: 'http://127.0.0.1:4567/yeepay/return',
      expiresAt: NOW + 600_000,
    };
    const out = await client.create(input);
    expect(out.outcome).toMatchObject({
      kind: 'redirect',
      url: 'https://pay.example.test/app-merchant-proxy/node',
      method: 'POST',
    });
    if (out.outcome.kind !== 'redirect') return;
    const f = out.outcome.fields;
    expect(f).toEqual({
      p0_Cmd: 'Buy',
      p1_MerId: '10012150139',
      p2_Order: 'T3001',
      p3_Amt: '12.30',
      p4_Cur: 'CNY',
      p5_Pid: 'Coffee x2',
      p6_Pcat: '',
      p7_Pdesc: '',
      p8_Url: 'http://127.0.0.1:4567/yeepay/return',
      p9_SAF: '0',
      pa_MP: '',
      pd_FrpId: '',
      pr_NeedResponse: '1',
      hmac: yeepayHmac(
        [
          'Buy',
          '10012150139',
          'T3001',
          '12.30',
          'CNY',
          'Coffee x2',
          '',
          '',
          'http://127.0.0.1:4567/yeepay/return',
          '0',
          '',
          '',
          '1',
        ],
        V1_KEY,
      ),
    });
    expect(out.exchanges).toHaveLength(1);
    expect(JSON.stringify(out.exchanges)).not.toContain(V1_KEY);
    const bank = await client.create({ ...input, bankCode: 'ICBC-NET-B2C', subject: '咖啡', amountFen: 100 });
    if (bank.outcome.kind !== 'redirect') throw new Error('expected a redirect');
    expect(bank.outcome.fields).toMatchObject({ pd_FrpId: 'ICBC-NET-B2C', p5_Pid: '', p3_Amt: '1.00' });
    expect((await client.create({ ...input, returnUrl: undefined })).outcome).toMatchObject({
      kind: 'declined',
      code: 'NO_RETURN_URL',
    });
  });

  it('declares and refuses what it cannot do', async () => {
    const client = new YeepayClient(cfg(), scripted());
    expect(client.capabilities).toMatchObject({
      modes: ['redirect'],
      close: false,
      cancel: false,
      refundQuery: false,
      statement: false,
      browserReturn: true,
    });
    await expect(
      client.create({ outTradeNo: 'x', amountFen: 1, subject: '', mode: 'qr', expiresAt: NOW }),
    ).rejects.toBeInstanceOf(UnsupportedOperation);
    await expect(client.close(ref)).rejects.toBeInstanceOf(UnsupportedOperation);
    await expect(client.cancel(ref)).rejects.toBeInstanceOf(UnsupportedOperation);
    await expect(client.refundQuery({ ...ref, refundNo: 'r', refundFen: 1, reason: '' })).rejects.toBeInstanceOf(
      UnsupportedOperation,
    );
  });

  it('refuses keys over 64 bytes at construction', () => {
    expect(() => cfg({ key: 'k'.repeat(65) })).toThrow(/64 bytes/);
    expect(() => new YeepayClient({ ...cfg(), key: '键'.repeat(22) }, scripted())).toThrow(/64 bytes/);
    expect(() => cfg({ key: 'k'.repeat(64) })).not.toThrow();
  });
});

describe('YeePay query outcomes with a stubbed http', () => {
  const q = async (reply: Parameters<typeof scripted>[0]) => (await qClient(scripted(reply)).query(ref)).outcome;
  it('transport failures are unknown', async () => {
    expect(await q(timeoutError())).toMatchObject({ kind: 'unknown', reason: expect.stringMatching(/timeout/) });
    expect(await q(res('err', 503))).toMatchObject({ kind: 'unknown', reason: expect.stringMatching(/503/) });
    expect(await q(res('<html><body>error</body></html>'))).toMatchObject({
      kind: 'unknown',
      reason: expect.stringMatching(/HTML/),
    });
  });
  it('garbage, unsigned, bad hmac, another order are untrusted', async () => {
    expect(await q(res('something went wrong'))).toMatchObject({ kind: 'untrusted', reason: 'malformed' });
    expect(await q(res(queryAnswer(V4, null)))).toMatchObject({ kind: 'untrusted', reason: 'unsigned' });
    expect(await q(res(queryAnswer(V4, '00000000000000000000000000000000')))).toMatchObject({
      kind: 'untrusted',
      reason: 'bad_signature',
    });
    const other = [...V4];
    other[6] = '999';
    expect(await q(res(queryAnswer(other)))).toMatchObject({ kind: 'untrusted', reason: 'wrong_order' });
    const usd = [...V4];
    usd[4] = 'USD';
    expect(await q(res(queryAnswer(usd)))).toMatchObject({ kind: 'untrusted', reason: 'wrong_currency' });
  });
  it('amounts parse exactly; GBK values decode; ra_FrpTrxId is tolerated; other codes are unknown; FAILED fails', async () => {
    const v = [...V4];
    v[3] = '0.01';
    v[5] = '咖啡';
    const out = await q(res(queryAnswer(v, undefined, { ra_FrpTrxId: 'F1' })));
    expect(out).toMatchObject({ kind: 'paid', trade: { amountFen: 1 } });
    const body = queryAnswer(v);
    expect(body).toContain('r5_Pid=%BF%A7%B7%C8');
    expect(parseCommandAnswer(Buffer.from(body)).fields.r5_Pid).toBe('咖啡');
    const crlf = Buffer.from(queryAnswer(V4).replaceAll('\n', '\r\n'));
    expect(await q(res(crlf))).toMatchObject({ kind: 'paid' });
    const code = [...V4];
    code[1] = '-1';
    expect(await q(res(queryAnswer(code)))).toMatchObject({ kind: 'unknown' });
    const failed = [...V4];
    failed[8] = 'FAILED';
    expect(await q(res(queryAnswer(failed)))).toMatchObject({ kind: 'failed', code: 'FAILED' });
    const refunded = [...V4];
    refunded[9] = '1';
    refunded[10] = '0.5';
    expect(await q(res(queryAnswer(refunded)))).toMatchObject({ kind: 'refunded', trade: { amountFen: 100 } });
  });
});

describe('YeePay refund (RefundOrd, §1.7)', () => {
  const refundAnswer = (code: string, amt = '0.50', key = Q_KEY) => {
    const values = ['RefundOrd', code, 'RTRX1', amt, 'CNY'];
    return (
      ['r0_Cmd', 'r1_Code', 'r2_TrxId', 'r3_Amt', 'r4_Cur'].map((k, i) => `${k}=${values[i]}`).join('\n') +
      `\nhmac=${yeepayHmac(values, key)}\n`
    );
  };
  const input = {
    outTradeNo: '201405120018316114',
    amountFen: 100,
    tradeNo: '914292209794231I',
    refundNo: 'R1',
    refundFen: 50,
    reason: 'returned',
  };

  it('signs p0…p5_Desc and maps r1_Code', async () => {
    const deps = scripted(res(refundAnswer('1')));
    expect((await qClient(deps).refund(input)).outcome).toEqual({ kind: 'succeeded', refundedFen: 50 });
    const f = formOf(deps.requests[0]!);
    expect(f).toEqual({
      p0_Cmd: 'RefundOrd',
      p1_MerId: '10012150139',
      pb_TrxId: '914292209794231I',
      p3_Amt: '0.50',
      p4_Cur: 'CNY',
      p5_Desc: 'returned',
      hmac: yeepayHmac(['RefundOrd', '10012150139', '914292209794231I', '0.50', 'CNY', 'returned'], Q_KEY),
    });
    expect((await qClient(scripted(res(refundAnswer('2')))).refund(input)).outcome).toMatchObject({
      kind: 'declined',
      code: 'r1_Code=2',
    });
    expect((await qClient(scripted(res(refundAnswer('1', '5.00')))).refund(input)).outcome).toMatchObject({
      kind: 'untrusted',
    });
    expect((await qClient(scripted(res(refundAnswer('1', '0.50', 'otherkey')))).refund(input)).outcome).toMatchObject({
      kind: 'untrusted',
      reason: 'bad_signature',
    });
  });

  it('learns r2_TrxId by a query first when it is not known', async () => {
    const deps = scripted(res(queryAnswer(V4)), res(refundAnswer('1')));
    const out = await qClient(deps).refund({ ...input, tradeNo: null });
    expect(out.outcome).toEqual({ kind: 'succeeded', refundedFen: 50 });
    expect(out.exchanges.map((e) => e.op)).toEqual(['QueryOrdDetail', 'RefundOrd']);
    expect(formOf(deps.requests[1]!).pb_TrxId).toBe('914292209794231I');
    const init = [...V4];
    init[8] = 'INIT';
    expect((await qClient(scripted(res(queryAnswer(init)))).refund({ ...input, tradeNo: null })).outcome).toMatchObject(
      { kind: 'declined', code: 'NOT_PAID' },
    );
  });

  it('GBK form encoding of the request', () => {
    expect(gbkEncode('咖啡 a+b')).toBe('%BF%A7%B7%C8+a%2Bb');
    expect(iconv.decode(Buffer.from([0xbf, 0xa7, 0xb7, 0xc8]), 'gbk')).toBe('咖啡');
  });
});
