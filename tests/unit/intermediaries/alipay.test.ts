import { createSign, createVerify, KeyObject } from 'node:crypto';
import iconv from 'iconv-lite';
import JSZip from 'jszip';
import { AlipaySdk } from 'alipay-sdk';
import { describe, expect, it } from 'vitest';
import { AlipayClient } from '../../../src/main/intermediaries/alipay/client';
import { notifySignContent, scanTopLevel } from '../../../src/main/intermediaries/alipay/signing';
import { parseAlipayBill } from '../../../src/main/intermediaries/alipay/statement';
import { parseProviderConfig, type AlipayConfig } from '../../../src/main/intermediaries/config';
import {
  alipayAnswer,
  APP_PRIVATE,
  APP_PUBLIC,
  NOW,
  PLATFORM_PUBLIC,
  refusedError,
  res,
  rsaSign,
  scripted,
  timeoutError,
} from './helpers';

const GATEWAY = 'https://gw.example.test/alipay/gateway.do';
const cfg = (over: Partial<AlipayConfig> = {}): AlipayConfig =>
  parseProviderConfig({
    provider: 'alipay',
    gatewayUrl: GATEWAY,
    appId: '2021000100000001',
    sellerId: '2088000000000001',
    appPrivateKeyPem: APP_PRIVATE,
    alipayPublicKeyPem: PLATFORM_PUBLIC,
    ...over,
  }) as AlipayConfig;

const qrInput = {
  outTradeNo: 'T1001',
  amountFen: 1230,
  subject: 'Coffee',
  mode: 'qr' as const,
  expiresAt: NOW + 120_000,
};
const codeInput = { ...qrInput, mode: 'payment_code' as const, authCode: '286648048691290423' };

// docs/protocols.md §2.3, A1: a real Alipay answer (alipay-sdk-nodejs-all test/alipay.test.ts, the stable app)
const STABLE_PUBLIC =
  '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAnaESDeU3bC5Vz03iwa8SlSVFoXkzf5ilLvTvS4j/GlcZwI/p/J7D32i6/1d/8ZZSxbb2fmVbScVP8CSZKRV7s+acumKlJHf5WV0nYgRJqjImI58AwsE37jYBjgKjVGyV9XOCMkS5vlKv4GSqITmHkIxT1fFhNvwrB1LUyaZfqOcE5ZiP/VOwAZFJsxh7+CGL+eNw6iSRH4OSSQq5M97uJPfzHrIMn7pG6J6Icsoi3aRX1HqxA9X+01D4OeDJhcTXTwVJxzGHunjKuU5+BKYNNGuY/WBr1BWF4gfvsIDJoGP1uhwHh5mKYM9t9CCh+9wRbERGRhvBGsg/gdVsdJlfFQIDAQAB\n-----END PUBLIC KEY-----';
const REAL_ANSWER =
  '{"alipay_security_risk_content_analyze_response":{"code":"40003","msg":"Insufficient Conditions","sub_code":"isv.decryption-error-unknown","sub_msg":"解密出错, 未知错误"},"sign":"fpPCfGS+MLqJzK0Q/W61pNMXMLBogtCxyl0ZiEtOzTKWZBC7hiXe9AGOML0hoXQkJshlRgz8dUPvQNapuZff5TNu16/Va/4bnwLW1V1Og7KaAYlD9jbQPFLJv+YFM3SAXmylLVMatKMbEy2Cb3vn6FVpDrqTspUjhcPH7ACUirIcriFR+FhT9yGypLeOm2wYto0t59H5k5FlcsepdUReBcXP0UbglwjUOHh9TX3/VNQk3s6zoxhUC4ep570gmycEHwg4H1lSJky8M/FADUBr3gd8rynz3S+CbfPaOJoGKraeSzR2iA1bIu1fUN7GjI1wZjR8PfiQI2joNn+Z9OxUgw=="}';

// docs/protocols.md §2.4, A2: a real 2019 async notification and the public key it verifies with
const NOTIFY_PUBLIC =
  '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAqObrdC7hrgAVM98tK0nv3hSQRGGKT4lBsQjHiGjeYZjOPIPHR5knm2jnnz/YGIXIofVHkA/tAlBAd5DrY7YpvI4tP5EONLtZKC2ghBMx7McI2wRD0xiqzxOQr1FuhZGJ8/AUokBzJrzY+aGX2xcOrxFYRlFilvVLTXg4LWjR1tdPkO6+i7wQZAIVMClPkwVRZEbaERRHlKqTzv2gGv5rDU8gRoe1LeaN+6BlbTqHWkQcNCUNrA8C6l17XAXGKDsm/9TFWwO8EPHHHCaQdjtV5/FdcWIt+L8SR1ss7EXTjYDFtxcKVv9rEoY1lX8T4mX+GbXfZHraG5NCF1+XioL5JwIDAQAB\n-----END PUBLIC KEY-----';
const REAL_NOTIFY: Record<string, string> = {
  gmt_create: '2019-08-15 15:56:22',
  charset: 'utf-8',
  seller_email: 'z97-yuquerevenue@service.aliyun.com',
  subject: '语雀空间 500人规模',
  sign: 'QfTb8tqE1BMhS5qAnXtvsF3/jBkEvu9q9en0pdbBUDDjvKycZhQb7h8GDs4FKfi049PynaNuatxSgLb/nLWZpXyyh0LEWdK2S6Ri7nPwrVgOs08zugLO20vOQz44y3ti2Ncm8/wZts1Fr2gZ7pShnVX3d1B50hbsXnObT1r/U8ONNQjWXd0HIul4TG+Q3fm3svmSvFEy0WnzuhcyHPX5Gm4ELNctL6Qd5YniGJFNcc7kopHYtI/XD9YCKCH6Ct02rzUs9i11C9CsadtZn+WhxF26Dqt9sGEFajkJ8cxUTLi8+VCpLHsgPE8P0y095uQcDdK0YjCh4x7wVSov+lrmOQ==',
  buyer_id: '2088102534368455',
  invoice_amount: '0.10',
  notify_id: '2019081500222155624068450559358070',
  fund_bill_list: '[{"amount":"0.10","fundChannel":"ALIPAYACCOUNT"}]',
  notify_type: 'trade_status_sync',
  trade_status: 'TRADE_SUCCESS',
  receipt_amount: '0.10',
  buyer_pay_amount: '0.10',
  sign_type: 'RSA2',
  app_id: '2019073166072302',
  seller_id: '2088531891668739',
  gmt_payment: '2019-08-15 15:56:24',
  notify_time: '2019-08-15 15:56:25',
  version: '1.0',
  out_trade_no: '20190815155618536-564-57',
  total_amount: '0.10',
  trade_no: '2019081522001468450512505578',
  auth_app_id: '2019073166072302',
  buyer_logon_id: 'xud***@126.com',
  point_amount: '0.00',
};
const notifyBody = (fields: Record<string, string>) => Buffer.from(new URLSearchParams(fields).toString(), 'utf8');
const notifyClient = (over: Partial<AlipayConfig> = {}) =>
  new AlipayClient(
    cfg({ appId: '2019073166072302', sellerId: '2088531891668739', alipayPublicKeyPem: NOTIFY_PUBLIC, ...over }),
    scripted(),
  );

const precreateOk = (over: Record<string, unknown> = {}) =>
  res(
    alipayAnswer('alipay.trade.precreate', {
      code: '10000',
      msg: 'Success',
      out_trade_no: 'T1001',
      qr_code: 'https://qr.alipay.com/bax01',
      ...over,
    }),
  );

describe('Alipay request signing (§2.2)', () => {
  it('signs with the SDK: common params in the URL, biz_content in the body, Beijing timestamps, RSA2 over the sorted raw string', async () => {
    const deps = scripted(precreateOk());
    await new AlipayClient(cfg(), deps).create(qrInput);
    const req = deps.requests[0]!;
    const url = new URL(req.url);
    expect(url.origin + url.pathname).toBe(GATEWAY);
    const q = Object.fromEntries(url.searchParams);
    expect(q).toMatchObject({
      app_id: '2021000100000001',
      method: 'alipay.trade.precreate',
      charset: 'utf-8',
      sign_type: 'RSA2',
      version: '1.0',
    });
    // NOW is 02:00 UTC; Beijing is UTC+8 whatever the machine's zone
    expect(q.timestamp).toBe('2024-01-15 10:00:00');
    const body = Object.fromEntries(new URLSearchParams(String(req.body)));
    expect(Object.keys(body)).toEqual(['biz_content']);
    const biz = JSON.parse(body.biz_content!);
    expect(biz).toEqual({
      out_trade_no: 'T1001',
      total_amount: '12.30',
      subject: 'Coffee',
      time_expire: '2024-01-15 10:02:00',
      product_code: 'FACE_TO_FACE_PAYMENT',
    });
    // the string-to-sign, rebuilt independently: all params but sign, sorted, raw values
    const all: Record<string, string> = { ...q, ...body };
    const sign = all.sign!;
    delete all.sign;
    const stringToSign = Object.keys(all)
      .sort()
      .map((k) => `${k}=${all[k]}`)
      .join('&');
    expect(stringToSign).toMatch(
      /^app_id=2021000100000001&biz_content=\{"out_trade_no":"T1001",.*\}&charset=utf-8&method=alipay\.trade\.precreate&sign_type=RSA2&timestamp=2024-01-15 10:00:00&version=1\.0$/,
    );
    expect(createVerify('RSA-SHA256').update(stringToSign, 'utf8').verify(APP_PUBLIC, sign, 'base64')).toBe(true);
    expect(sign).toHaveLength(344);
  });

  it('signs with the key parsed once: the same bytes as the SDK signing with the PEM text, for every request', async () => {
    const deps = scripted(
      precreateOk(),
      res(
        alipayAnswer('alipay.trade.query', {
          code: '10000',
          out_trade_no: 'T1001',
          trade_status: 'WAIT_BUYER_PAY',
          total_amount: '12.30',
        }),
      ),
    );
    const client = new AlipayClient(cfg(), deps);
    await client.create(qrInput);
    expect(await client.query({ outTradeNo: 'T1001', amountFen: 1230, tradeNo: null })).toMatchObject({
      outcome: { kind: 'pending' },
    });
    for (const req of deps.requests) {
      const all: Record<string, string> = {
        ...Object.fromEntries(new URL(req.url).searchParams),
        ...Object.fromEntries(new URLSearchParams(String(req.body))),
      };
      const sent = all.sign!;
      delete all.sign;
      const stringToSign = Object.keys(all)
        .sort()
        .map((k) => `${k}=${all[k]}`)
        .join('&');
      // RSA PKCS#1 v1.5 is deterministic: a signature made from the PEM text is byte for byte the one sent
      expect(sent).toBe(createSign('RSA-SHA256').update(stringToSign, 'utf8').sign(APP_PRIVATE, 'base64'));
    }
    // parsed once, kept in the SDK's configuration (not parsed again from the PEM per request)
    const inner = (client as unknown as { signer: { sdk: AlipaySdk } }).signer.sdk.config as unknown as Record<
      string,
      unknown
    >;
    expect(inner.privateKey).toBeInstanceOf(KeyObject);
    expect(inner.alipayPublicKey).toBeInstanceOf(KeyObject);
    // the SDK itself, with its keys as text, signs the same request the same way
    const sdk = new AlipaySdk({
      appId: '2021000100000001',
      privateKey: APP_PRIVATE,
      keyType: 'PKCS8',
      alipayPublicKey: PLATFORM_PUBLIC,
      gateway: GATEWAY,
      signType: 'RSA2',
      camelcase: false,
    });
    const fromText = new URLSearchParams(
      sdk.sdkExecute(
        'alipay.trade.query',
        { bizContent: { out_trade_no: 'T1001' }, timestamp: '2024-01-15 10:00:00' },
        { bizContentAutoSnakeCase: false },
      ),
    ).get('sign');
    expect(client.signRequest('alipay.trade.query', { out_trade_no: 'T1001' }).params.sign).toBe(fromText);
  });

  it('never sends empty params and never puts a key in the journal', async () => {
    const deps = scripted(precreateOk());
    const { exchanges } = await new AlipayClient(cfg(), deps).create({ ...qrInput, subject: 'a/b=c&d' });
    const biz = JSON.parse(new URLSearchParams(String(deps.requests[0]!.body)).get('biz_content')!);
    expect(biz.subject).toBe('a b c d');
    expect(exchanges).toHaveLength(1);
    const journal = JSON.stringify(exchanges);
    expect(journal).not.toContain('PRIVATE KEY');
    expect(journal).not.toContain(APP_PRIVATE.split('\n')[1]);
    expect(exchanges[0]).toMatchObject({ op: 'precreate', method: 'POST', status: 200, error: null });
  });
});

describe('Alipay answer verification (§2.3)', () => {
  it('verifies a real captured answer (A1) over its raw substring', () => {
    const client = new AlipayClient(cfg({ alipayPublicKeyPem: STABLE_PUBLIC }), scripted());
    const a = client.verifyAnswer('alipay.security.risk.content.analyze', REAL_ANSWER);
    expect(a).toMatchObject({ ok: true, code: '40003', subCode: 'isv.decryption-error-unknown' });
    const tampered = REAL_ANSWER.replace('40003', '10000');
    expect(client.verifyAnswer('alipay.security.risk.content.analyze', tampered)).toMatchObject({
      ok: false,
      outcome: { kind: 'untrusted', reason: 'bad_signature' },
    });
  });

  it('cuts the same substring as the SDK getSignStr on normal answers (and a cleaner one where the SDK mis-cuts)', () => {
    const sdk = new AlipaySdk({
      appId: '2021000100000001',
      privateKey: APP_PRIVATE,
      keyType: 'PKCS8',
      alipayPublicKey: PLATFORM_PUBLIC,
    });
    const key = 'alipay_security_risk_content_analyze_response';
    expect(scanTopLevel(REAL_ANSWER).get(key)!.raw).toBe(sdk.getSignStr(REAL_ANSWER, key));
    const spaced = `{"${key}"\n  :\n  {"code":"10000","sign":"x","url":"http:\\/\\/a.b\\/c"},\n\n  "sign"  :  "abc"}`;
    // getSignStr applies an index from the original text to the already-cut text: with whitespace
    // around the members it keeps part of the trailing "sign" member; the scanner does not
    expect(scanTopLevel(spaced).get(key)!.raw).toBe('{"code":"10000","sign":"x","url":"http:\\/\\/a.b\\/c"}');
    expect(sdk.getSignStr(spaced, key)).not.toBe(scanTopLevel(spaced).get(key)!.raw);
  });

  it('keeps \\/ escapes: the signature is over the text as received, not a re-serialisation', async () => {
    const inner =
      '{"code":"10000","msg":"Success","out_trade_no":"T1001","qr_code":"https:\\/\\/qr.alipay.com\\/bax01"}';
    const deps = scripted(res(alipayAnswer('alipay.trade.precreate', {}, { inner })));
    const out = await new AlipayClient(cfg(), deps).create(qrInput);
    expect(out.outcome).toEqual({ kind: 'qr', qrContent: 'https://qr.alipay.com/bax01' });
    // signed over the unescaped form: must fail
    const reserialised = JSON.stringify(JSON.parse(inner));
    const bad = `{"alipay_trade_precreate_response":${inner},"sign":"${rsaSign(reserialised)}"}`;
    const out2 = await new AlipayClient(cfg(), scripted(res(bad))).create(qrInput);
    expect(out2.outcome).toMatchObject({ kind: 'untrusted', reason: 'bad_signature' });
  });

  it('accepts the sign before the response object too, and refuses a duplicated response key', () => {
    const client = new AlipayClient(cfg(), scripted());
    const inner = '{"code":"10000","msg":"Success","out_trade_no":"T1001","qr_code":"q"}';
    const first = `{"sign":"${rsaSign(inner)}","alipay_trade_precreate_response":${inner}}`;
    expect(client.verifyAnswer('alipay.trade.precreate', first)).toMatchObject({ ok: true, code: '10000' });
    const dup = `{"alipay_trade_precreate_response":${inner},"sign":"${rsaSign(inner)}","alipay_trade_precreate_response":{"code":"10000","qr_code":"evil"}}`;
    expect(client.verifyAnswer('alipay.trade.precreate', dup)).toMatchObject({
      ok: false,
      outcome: { reason: 'malformed' },
    });
  });
});

describe('Alipay outcomes with a stubbed http', () => {
  const create = async (
    reply: Parameters<typeof scripted>[0],
    input: Parameters<AlipayClient['create']>[0] = qrInput,
    over: Partial<AlipayConfig> = {},
  ) => (await new AlipayClient(cfg(over), scripted(reply)).create(input)).outcome;

  it('precreate 10000 → qr', async () => {
    expect(await create(precreateOk())).toEqual({ kind: 'qr', qrContent: 'https://qr.alipay.com/bax01' });
  });

  it('transport failures are unknown: timeout, refused, 5xx, HTML, empty', async () => {
    expect(await create(timeoutError())).toMatchObject({ kind: 'unknown', reason: expect.stringMatching(/timeout/) });
    expect(await create(refusedError())).toMatchObject({ kind: 'unknown', reason: expect.stringMatching(/refused/) });
    expect(await create(res('Bad gateway', 502))).toMatchObject({
      kind: 'unknown',
      reason: expect.stringMatching(/HTTP 502/),
    });
    expect(
      await create(res('<!DOCTYPE html><html><body>maintenance</body></html>', 200, { 'content-type': 'text/html' })),
    ).toMatchObject({ kind: 'unknown', reason: expect.stringMatching(/HTML/) });
    expect(await create(res(''))).toMatchObject({ kind: 'unknown' });
  });

  it('garbage JSON, unsigned, badly signed answers are untrusted', async () => {
    expect(await create(res('{"alipay_trade_precreate_response":{"code":"10000"'))).toMatchObject({
      kind: 'untrusted',
      reason: 'malformed',
    });
    expect(await create(res('{"something_else":{}}'))).toMatchObject({ kind: 'untrusted', reason: 'malformed' });
    expect(
      await create(
        res(
          alipayAnswer(
            'alipay.trade.precreate',
            { code: '10000', out_trade_no: 'T1001', qr_code: 'q' },
            { sign: null },
          ),
        ),
      ),
    ).toMatchObject({ kind: 'untrusted', reason: 'unsigned' });
    expect(
      await create(
        res(
          alipayAnswer(
            'alipay.trade.precreate',
            { code: '10000', out_trade_no: 'T1001', qr_code: 'q' },
            { key: APP_PRIVATE },
          ),
        ),
      ),
    ).toMatchObject({ kind: 'untrusted', reason: 'bad_signature' });
    expect(
      await create(
        res(
          alipayAnswer(
            'alipay.trade.precreate',
            { code: '10000', out_trade_no: 'T1001', qr_code: 'q' },
            { sign: 'AAAA' },
          ),
        ),
      ),
    ).toMatchObject({ kind: 'untrusted', reason: 'bad_signature' });
    // an unsigned gateway error is still not trusted, but the clerk sees what it said
    expect(
      await create(
        res('{"error_response":{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-signature"}}'),
      ),
    ).toMatchObject({
      kind: 'untrusted',
      reason: 'unsigned',
      detail: expect.stringContaining('isv.invalid-signature'),
    });
  });

  it('another order number or app id is untrusted', async () => {
    expect(await create(precreateOk({ out_trade_no: 'OTHER' }))).toMatchObject({
      kind: 'untrusted',
      reason: 'wrong_order',
    });
    expect(await create(precreateOk({ app_id: '2021000199999999' }))).toMatchObject({
      kind: 'untrusted',
      reason: 'wrong_merchant',
    });
  });

  it('precreate business errors are declined; 20000 and SYSTEM_ERROR unknown', async () => {
    expect(
      await create(
        res(
          alipayAnswer('alipay.trade.precreate', {
            code: '40004',
            msg: 'Business Failed',
            sub_code: 'ACQ.INVALID_STORE_ID',
            sub_msg: 'bad store',
          }),
        ),
      ),
    ).toEqual({
      kind: 'declined',
      code: 'ACQ.INVALID_STORE_ID',
      message: 'bad store',
    });
    expect(
      await create(
        res(
          alipayAnswer('alipay.trade.precreate', {
            code: '20000',
            msg: 'Service Currently Unavailable',
            sub_code: 'isp.unknow-error',
          }),
        ),
      ),
    ).toMatchObject({ kind: 'unknown' });
    expect(
      await create(
        res(
          alipayAnswer('alipay.trade.precreate', {
            code: '40004',
            msg: 'Business Failed',
            sub_code: 'ACQ.SYSTEM_ERROR',
          }),
        ),
      ),
    ).toMatchObject({ kind: 'unknown' });
  });

  it('pay (payment code): 10000 paid with the amount parsed exactly, 10003 waiting, 20000 unknown, 40004 declined', async () => {
    const pay = (d: Record<string, unknown>) => res(alipayAnswer('alipay.trade.pay', d));
    const paid = await create(
      pay({
        code: '10000',
        msg: 'Success',
        out_trade_no: 'T1001',
        trade_no: '2024011522001',
        total_amount: '12.3',
        buyer_logon_id: 'ab***@x.com',
        gmt_payment: '2024-01-15 10:00:05',
      }),
      codeInput,
    );
    expect(paid).toEqual({
      kind: 'paid',
      trade: { tradeNo: '2024011522001', amountFen: 1230, paidAt: NOW + 5000, buyer: 'ab***@x.com' },
    });
    expect(
      await create(pay({ code: '10003', msg: 'order success pay inprocess', out_trade_no: 'T1001' }), codeInput),
    ).toEqual({ kind: 'waiting' });
    expect(await create(pay({ code: '20000', msg: 'Service Currently Unavailable' }), codeInput)).toMatchObject({
      kind: 'unknown',
    });
    expect(
      await create(
        pay({
          code: '40004',
          msg: 'Business Failed',
          sub_code: 'ACQ.PAYMENT_AUTH_CODE_INVALID',
          sub_msg: '支付失败，获取顾客账户信息失败',
        }),
        codeInput,
      ),
    ).toEqual({
      kind: 'declined',
      code: 'ACQ.PAYMENT_AUTH_CODE_INVALID',
      message: '支付失败，获取顾客账户信息失败',
    });
    // the number is already used at Alipay (another till, or this till before a restore): taken, never "query and see"
    for (const sub of ['ACQ.TRADE_HAS_SUCCESS', 'ACQ.TRADE_HAS_CLOSE', 'ACQ.CONTEXT_INCONSISTENT']) {
      expect(
        await create(pay({ code: '40004', msg: 'Business Failed', sub_code: sub, sub_msg: '交易已被支付' }), codeInput),
      ).toEqual({ kind: 'taken', code: sub, message: '交易已被支付' });
    }
    expect(await create(timeoutError(), codeInput)).toMatchObject({ kind: 'unknown' });
    expect(
      await create(
        pay({ code: '10000', out_trade_no: 'T1001', total_amount: '12.30', trans_currency: 'USD' }),
        codeInput,
      ),
    ).toMatchObject({ kind: 'untrusted', reason: 'wrong_currency' });
    expect(await create(pay({ code: '10000', out_trade_no: 'T1001', total_amount: '12.3x' }), codeInput)).toMatchObject(
      { kind: 'untrusted', reason: 'malformed' },
    );
    expect(await create(pay({ code: '10000', total_amount: '12.30' }), codeInput)).toMatchObject({
      kind: 'untrusted',
      reason: 'malformed',
    });
    const deps = scripted(pay({ code: '10003', out_trade_no: 'T1001' }));
    await new AlipayClient(cfg(), deps).create(codeInput);
    expect(JSON.parse(new URLSearchParams(String(deps.requests[0]!.body)).get('biz_content')!)).toMatchObject({
      scene: 'bar_code',
      auth_code: '286648048691290423',
    });
  });

  const run = async <K extends 'query' | 'close' | 'cancel'>(op: K, method: string, d: Record<string, unknown>) =>
    (
      await new AlipayClient(cfg(), scripted(res(alipayAnswer(method, d))))[op]({
        outTradeNo: 'T1001',
        amountFen: 1230,
      })
    ).outcome;

  it('query maps trade_status', async () => {
    const q = (d: Record<string, unknown>) =>
      run('query', 'alipay.trade.query', { code: '10000', msg: 'Success', out_trade_no: 'T1001', ...d });
    expect(await q({ trade_status: 'TRADE_SUCCESS', trade_no: 'X', total_amount: '1.0' })).toMatchObject({
      kind: 'paid',
      trade: { amountFen: 100, tradeNo: 'X' },
    });
    expect(await q({ trade_status: 'TRADE_FINISHED', trade_no: 'X', total_amount: '0.01' })).toMatchObject({
      kind: 'paid',
      trade: { amountFen: 1 },
    });
    expect(await q({ trade_status: 'WAIT_BUYER_PAY' })).toEqual({ kind: 'pending' });
    expect(await q({ trade_status: 'TRADE_CLOSED' })).toEqual({ kind: 'closed' });
    expect(await q({ trade_status: 'TRADE_SUCCESS', out_trade_no: 'T9999', total_amount: '12.30' })).toMatchObject({
      kind: 'untrusted',
      reason: 'wrong_order',
    });
    expect(
      await run('query', 'alipay.trade.query', {
        code: '40004',
        msg: 'Business Failed',
        sub_code: 'ACQ.TRADE_NOT_EXIST',
      }),
    ).toEqual({ kind: 'not_found' });
    expect(
      await run('query', 'alipay.trade.query', { code: '20000', msg: 'Service Currently Unavailable' }),
    ).toMatchObject({ kind: 'unknown' });
  });

  it('close and cancel', async () => {
    expect(
      await run('close', 'alipay.trade.close', { code: '10000', msg: 'Success', out_trade_no: 'T1001', trade_no: 'X' }),
    ).toEqual({ kind: 'closed' });
    expect(await run('close', 'alipay.trade.close', { code: '40004', sub_code: 'ACQ.TRADE_NOT_EXIST' })).toEqual({
      kind: 'not_found',
    });
    expect(await run('close', 'alipay.trade.close', { code: '40004', sub_code: 'ACQ.TRADE_HAS_SUCCESS' })).toEqual({
      kind: 'paid',
    });
    expect(
      await run('close', 'alipay.trade.close', { code: '40004', sub_code: 'ACQ.TRADE_STATUS_ERROR' }),
    ).toMatchObject({ kind: 'unknown' });
    expect(
      await run('cancel', 'alipay.trade.cancel', {
        code: '10000',
        out_trade_no: 'T1001',
        action: 'close',
        retry_flag: 'N',
      }),
    ).toEqual({ kind: 'closed' });
    expect(
      await run('cancel', 'alipay.trade.cancel', {
        code: '10000',
        out_trade_no: 'T1001',
        action: 'refund',
        retry_flag: 'N',
      }),
    ).toEqual({ kind: 'refunded' });
    expect(
      await run('cancel', 'alipay.trade.cancel', { code: '10000', out_trade_no: 'T1001', retry_flag: 'Y' }),
    ).toMatchObject({ kind: 'retry', retryAt: NOW + 2000 });
    expect(
      await run('cancel', 'alipay.trade.cancel', { code: '40004', sub_code: 'ACQ.SYSTEM_ERROR', retry_flag: 'Y' }),
    ).toMatchObject({ kind: 'retry' });
    expect(
      await run('cancel', 'alipay.trade.cancel', { code: '40004', sub_code: 'ACQ.TRADE_NOT_EXIST', retry_flag: 'N' }),
    ).toEqual({ kind: 'not_found' });
  });

  it('refund and refund query', async () => {
    const input = {
      outTradeNo: 'T1001',
      amountFen: 1230,
      tradeNo: 'X',
      refundNo: 'R1',
      refundFen: 500,
      reason: 'returned',
    };
    const refund = async (d: Record<string, unknown>) => {
      const deps = scripted(res(alipayAnswer('alipay.trade.refund', d)));
      const out = (await new AlipayClient(cfg(), deps).refund(input)).outcome;
      return { out, biz: JSON.parse(new URLSearchParams(String(deps.requests[0]!.body)).get('biz_content')!) };
    };
    const ok = await refund({ code: '10000', out_trade_no: 'T1001', fund_change: 'Y', refund_fee: '5.00' });
    expect(ok.out).toEqual({ kind: 'succeeded', refundedFen: 500 });
    expect(ok.biz).toEqual({
      out_trade_no: 'T1001',
      refund_amount: '5.00',
      out_request_no: 'R1',
      refund_reason: 'returned',
    });
    expect((await refund({ code: '10000', out_trade_no: 'T1001', fund_change: 'N' })).out).toEqual({
      kind: 'accepted',
    });
    expect(
      (await refund({ code: '40004', sub_code: 'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL', sub_msg: 'x' })).out,
    ).toMatchObject({ kind: 'declined', code: 'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL' });
    expect((await refund({ code: '20000' })).out).toMatchObject({ kind: 'unknown' });
    const rq = async (d: Record<string, unknown>) =>
      (
        await new AlipayClient(cfg(), scripted(res(alipayAnswer('alipay.trade.fastpay.refund.query', d)))).refundQuery(
          input,
        )
      ).outcome;
    expect(
      await rq({
        code: '10000',
        out_trade_no: 'T1001',
        out_request_no: 'R1',
        refund_amount: '5.0',
        refund_status: 'REFUND_SUCCESS',
      }),
    ).toEqual({ kind: 'succeeded', refundedFen: 500 });
    expect(await rq({ code: '10000', out_trade_no: 'T1001' })).toEqual({ kind: 'not_found' });
    expect(await rq({ code: '10000', out_trade_no: 'T1001', out_request_no: 'R1', refund_amount: '5.00' })).toEqual({
      kind: 'pending',
    });
    expect(
      await rq({
        code: '10000',
        out_trade_no: 'T1001',
        out_request_no: 'R2',
        refund_status: 'REFUND_SUCCESS',
        refund_amount: '5.00',
      }),
    ).toMatchObject({ kind: 'untrusted', reason: 'wrong_order' });
  });
});

describe('Alipay notification (§2.4)', () => {
  it('verifies the real notify (A2) with sign and sign_type dropped → paid, reply success', () => {
    const v = notifyClient().verifyIncoming({
      method: 'POST',
      query: {},
      body: notifyBody(REAL_NOTIFY),
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(v.outcome).toEqual({
      kind: 'paid',
      outTradeNo: '20190815155618536-564-57',
      trade: {
        tradeNo: '2019081522001468450512505578',
        amountFen: 10,
        paidAt: Date.UTC(2019, 7, 15, 7, 56, 24),
        buyer: 'xud***@126.com',
      },
    });
    expect(v.reply).toEqual({ status: 200, contentType: 'text/plain; charset=utf-8', body: 'success' });
    expect(notifySignContent(REAL_NOTIFY)).not.toContain('sign_type');
  });

  it('refuses a tampered, unsigned or foreign notification', () => {
    const incoming = (f: Record<string, string>) => ({
      method: 'POST' as const,
      query: {},
      body: notifyBody(f),
      contentType: 'application/x-www-form-urlencoded',
    });
    const tampered = notifyClient().verifyIncoming(incoming({ ...REAL_NOTIFY, total_amount: '100.00' }));
    expect(tampered.outcome).toMatchObject({ kind: 'untrusted', reason: 'bad_signature' });
    expect(tampered.reply.body).not.toBe('success');
    const { sign: _s, ...unsigned } = REAL_NOTIFY;
    expect(notifyClient().verifyIncoming(incoming(unsigned)).outcome).toMatchObject({
      kind: 'untrusted',
      reason: 'unsigned',
    });
    expect(notifyClient({ appId: '2021000100000001' }).verifyIncoming(incoming(REAL_NOTIFY)).outcome).toMatchObject({
      kind: 'untrusted',
      reason: 'wrong_merchant',
    });
    expect(notifyClient({ sellerId: '2088000000000001' }).verifyIncoming(incoming(REAL_NOTIFY)).outcome).toMatchObject({
      kind: 'untrusted',
      reason: 'wrong_merchant',
    });
  });

  it('a WAIT/CLOSED notification is other, not paid', () => {
    const fields: Record<string, string> = {
      app_id: '2021000100000001',
      seller_id: '2088000000000001',
      out_trade_no: 'T1001',
      trade_status: 'TRADE_CLOSED',
      total_amount: '12.30',
      notify_id: 'n1',
      sign_type: 'RSA2',
    };
    fields.sign = rsaSign(notifySignContent(fields));
    const v = new AlipayClient(cfg(), scripted()).verifyIncoming({
      method: 'POST',
      query: {},
      body: notifyBody(fields),
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(v.outcome).toEqual({ kind: 'other', outTradeNo: 'T1001', status: 'TRADE_CLOSED' });
    expect(v.reply.body).toBe('success');
  });
});

// ---------------------------------------------------------------- bill

const HEADER =
  '支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注';
const row = (tradeNo: string, out: string, kind: string, done: string, amount: string, fee: string, refundNo = '') =>
  [
    tradeNo,
    out,
    kind,
    '咖啡',
    done,
    done,
    '',
    '',
    '',
    '',
    'ab***@x.com',
    amount,
    amount,
    '0.00',
    '0.00',
    '0.00',
    '0.00',
    '0.00',
    '',
    '0.00',
    '0.00',
    refundNo,
    fee,
    '0.00',
    '',
  ].join(',');

function billText(day = '2024-01-15', rows?: string[], opts: { end?: boolean; footer?: string } = {}): string {
  const [y, m, d] = day.split('-');
  const body = rows ?? [
    row('2024011522001001', 'T1001', '交易', `${day} 10:00:05`, '12.30', '-0.07'),
    row('2024011522001002', 'T1002', '交易', `${day} 11:00:00`, '1.0', '0.00'),
    row('2024011522001001', 'T1001', '退款', `${day} 12:00:00`, '-5.00', '0.03', 'R1'),
  ];
  return [
    '#支付宝业务明细查询',
    '#账号：[20880000000000010156]',
    `#起始日期：[${y}年${m}月${d}日 00:00:00]   终止日期：[${y}年${m}月${d}日 23:59:59]`,
    '#-----------------------------------------业务明细列表----------------------------------------',
    HEADER,
    ...body,
    ...(opts.end === false
      ? []
      : ['#-----------------------------------------业务明细列表结束------------------------------------']),
    opts.footer ?? '#交易合计：2笔，商家实收共13.30元',
    '#退款合计：1笔',
    '#导出时间：[2024年01月16日 10:00:00]',
  ].join('\r\n');
}

async function billZip(detail: string | Buffer, opts: { summary?: boolean } = {}): Promise<Buffer> {
  const zip = new JSZip();
  zip.file(
    '20880000000000010156_20240115_业务明细.csv',
    typeof detail === 'string' ? iconv.encode(detail, 'gbk') : detail,
  );
  if (opts.summary !== false)
    zip.file(
      '20880000000000010156_20240115_业务明细(汇总).csv',
      iconv.encode('#支付宝业务汇总查询\r\n门店编号,门店名称,交易订单总笔数\r\n,,3\r\n', 'gbk'),
    );
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

describe('Alipay bill (§2.9)', () => {
  it('parses a zipped GBK CSV into rows and totals', async () => {
    const out = parseAlipayBill(await billZip(billText()), '2024-01-15', '2088000000000001');
    expect(out.kind).toBe('statement');
    if (out.kind !== 'statement') return;
    expect(out.statement.merchantId).toBe('20880000000000010156');
    expect(out.statement.rows).toEqual([
      {
        outTradeNo: 'T1001',
        tradeNo: '2024011522001001',
        type: 'payment',
        amountFen: 1230,
        feeFen: 7,
        refundNo: null,
        status: '交易',
        at: NOW + 5000,
      },
      {
        outTradeNo: 'T1002',
        tradeNo: '2024011522001002',
        type: 'payment',
        amountFen: 100,
        feeFen: 0,
        refundNo: null,
        status: '交易',
        at: NOW + 3600_000,
      },
      {
        outTradeNo: 'T1001',
        tradeNo: '2024011522001001',
        type: 'refund',
        amountFen: 500,
        feeFen: 3,
        refundNo: 'R1',
        status: '退款',
        at: NOW + 7200_000,
      },
    ]);
    expect(out.statement.totals).toEqual({ count: 3, amountFen: 1330, refundFen: 500, feeFen: 4 });
  });

  it('refuses the wrong day, a truncated zip, another encoding, garbage rows, a missing end line, another merchant', async () => {
    const zip = await billZip(billText());
    expect(parseAlipayBill(zip, '2024-01-16', null)).toMatchObject({
      kind: 'invalid',
      reason: expect.stringMatching(/2024-01-15, not 2024-01-16/),
    });
    expect(parseAlipayBill(zip.subarray(0, zip.length - 40), '2024-01-15', null)).toMatchObject({
      kind: 'invalid',
      reason: expect.stringMatching(/truncated|damaged/),
    });
    expect(parseAlipayBill(Buffer.from('PK\x03\x04garbage'), '2024-01-15', null)).toMatchObject({ kind: 'invalid' });
    expect(parseAlipayBill(Buffer.from('not a zip at all'), '2024-01-15', null)).toMatchObject({ kind: 'invalid' });
    expect(parseAlipayBill(await billZip(Buffer.from(billText(), 'utf8')), '2024-01-15', null)).toMatchObject({
      kind: 'invalid',
      reason: expect.stringMatching(/UTF-8/),
    });
    const garbage = billText('2024-01-15', [row('1', 'T1', '交易', '2024-01-15 10:00:00', '12.30', '0'), 'x,y,z']);
    expect(parseAlipayBill(await billZip(garbage), '2024-01-15', null)).toMatchObject({
      kind: 'invalid',
      reason: expect.stringMatching(/cells/),
    });
    const badAmount = billText('2024-01-15', [row('1', 'T1', '交易', '2024-01-15 10:00:00', '12.3.0', '0')]);
    expect(parseAlipayBill(await billZip(badAmount), '2024-01-15', null)).toMatchObject({
      kind: 'invalid',
      reason: expect.stringMatching(/amount/),
    });
    const otherDayRow = billText('2024-01-15', [row('1', 'T1', '交易', '2024-01-14 23:59:59', '1.00', '0')]);
    expect(parseAlipayBill(await billZip(otherDayRow), '2024-01-15', null)).toMatchObject({
      kind: 'invalid',
      reason: expect.stringMatching(/wrong day/),
    });
    expect(
      parseAlipayBill(await billZip(billText('2024-01-15', undefined, { end: false })), '2024-01-15', null),
    ).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(/truncated/) });
    expect(
      parseAlipayBill(
        await billZip(billText('2024-01-15', undefined, { footer: '#交易合计：5笔' })),
        '2024-01-15',
        null,
      ),
    ).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(/footer/) });
    expect(parseAlipayBill(zip, '2024-01-15', '2088999999999999')).toMatchObject({
      kind: 'invalid',
      reason: expect.stringMatching(/account/),
    });
  });

  it('statement(): asks for the URL, downloads it within 30 s, parses it; no bill → none', async () => {
    const zip = await billZip(billText());
    const deps = scripted(
      res(
        alipayAnswer('alipay.data.dataservice.bill.downloadurl.query', {
          code: '10000',
          msg: 'Success',
          bill_download_url: 'https://dl.example.test/bill?token=abc',
        }),
      ),
      res(zip, 200, { 'content-type': 'application/octet-stream' }),
    );
    const out = await new AlipayClient(cfg(), deps).statement('2024-01-15');
    expect(out.outcome.kind).toBe('statement');
    expect(deps.requests[1]).toMatchObject({
      method: 'GET',
      url: 'https://dl.example.test/bill?token=abc',
      timeoutMs: 30_000,
    });
    expect(out.exchanges[1]!.response).toMatch(/^<binary \d+ bytes, sha256 [0-9a-f]{64}>$/);
    const biz = JSON.parse(new URLSearchParams(String(deps.requests[0]!.body)).get('biz_content')!);
    expect(biz).toEqual({ bill_type: 'trade', bill_date: '2024-01-15' });
    const none = await new AlipayClient(
      cfg(),
      scripted(
        res(
          alipayAnswer('alipay.data.dataservice.bill.downloadurl.query', {
            code: '40004',
            msg: 'Business Failed',
            sub_code: 'isp.bill_not_exist',
          }),
        ),
      ),
    ).statement('2024-01-15');
    expect(none.outcome).toEqual({ kind: 'none' });
    const expired = await new AlipayClient(
      cfg(),
      scripted(
        res(
          alipayAnswer('alipay.data.dataservice.bill.downloadurl.query', {
            code: '10000',
            bill_download_url: 'https://dl.example.test/x',
          }),
        ),
        res('expired', 403),
      ),
    ).statement('2024-01-15');
    expect(expired.outcome).toMatchObject({ kind: 'unknown', reason: expect.stringMatching(/403/) });
  });
});

describe('Alipay content type', () => {
  it('the gateway declares text/html for its JSON: the body decides, not the header', async () => {
    const out = await new AlipayClient(
      cfg(),
      scripted(
        res(alipayAnswer('alipay.trade.precreate', { code: '10000', out_trade_no: 'T1001', qr_code: 'q' }), 200, {
          'content-type': 'text/html;charset=utf-8',
        }),
      ),
    ).create(qrInput);
    expect(out.outcome).toEqual({ kind: 'qr', qrContent: 'q' });
  });
});
