/** The public vectors of docs/protocols.md against the sandbox's own signing code. */
import { describe, expect, it } from 'vitest';
import {
  alipaySignContent,
  alipaySignedBody,
  rsa2Sign,
  rsa2Verify,
  wechatDecryptReqInfo,
  wechatEncryptReqInfo,
  wechatSign,
  wechatSignMatches,
  yeepayHmac,
} from '../../src/sandbox/signing';
import { APP_PRIVATE_KEY, PLATFORM_PRIVATE_KEY, PLATFORM_PUBLIC_KEY, pem, CREDS } from './support';

describe('YeePay HMAC-MD5 (§1.10)', () => {
  const k1 = 'Xke1a0TqZE2Q8ku943LgC425247y3zuu09vLh78S4U0142rp60h3s6egNY3j';
  const k4 = 'fdsiojosdgdjioioj';
  const url = 'http://esball.org/app/member/pay_online2/pay_result.php?pay_system=12345&hallid=6';
  it('V1 pay request', () => {
    expect(
      yeepayHmac(k1, [
        'Buy',
        '10012150139',
        '201405120018316114',
        '1.00',
        'RMB',
        '',
        '0',
        '0',
        url,
        '0',
        'php1test',
        'ICBC-NET-B2C',
        '1',
      ]),
    ).toBe('8fec252727c5799d206c8b06ee170d37');
  });
  const cb = (code: string) => [
    '10012150139',
    'Buy',
    code,
    '914292209794231I',
    '1.0',
    'RMB',
    '-',
    '201405120018316114',
    '',
    'php1test',
    '2',
  ];
  it('V2/V3 callbacks', () => {
    expect(yeepayHmac(k1, cb('1'))).toBe('2c1ef216cb1a2d454a6c92742df718b9');
    expect(yeepayHmac(k1, cb('0'))).toBe('1888fa6622b01e322134c99cbc44dbd3');
  });
  const q = (code: string, status: string) => [
    'QueryOrdDetail',
    code,
    '914292209794231I',
    '1.0',
    'RMB',
    '-',
    '201405120018316114',
    'php1test',
    status,
    '0',
    '0.0',
  ];
  it('V4–V8 query answers', () => {
    expect(yeepayHmac(k4, q('1', 'SUCCESS'))).toBe('21aa2bca9528496d7e16c25f3d89925f');
    const v5 = yeepayHmac(k4, q('1', 'INIT'));
    const v6 = yeepayHmac(k4, q('1', 'CANCELED'));
    const v7 = yeepayHmac(k4, q('1', 'AUTHORIZED'));
    expect([v5.slice(0, 8), v5.slice(-4)]).toEqual(['0d67f2f3', 'fdc1']);
    expect([v6.slice(0, 8), v6.slice(-4)]).toEqual(['b1d4c2e1', 'b9ca']);
    expect([v7.slice(0, 8), v7.slice(-4)]).toEqual(['f513751b', '0a23']);
    expect(yeepayHmac(k4, q('50', 'SUCCESS'))).toBe('1e52b5f49059ba5df9283b313fe18328');
  });
  it('refuses keys over 64 bytes', () => {
    expect(() => yeepayHmac('k'.repeat(65), ['x'])).toThrow(RangeError);
    expect(yeepayHmac('k'.repeat(64), ['x'])).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('WeChat v2 signatures (§3.2, §3.5)', () => {
  const fields = {
    appid: 'wxd930ea5d5a258f4f',
    mch_id: '10000100',
    device_info: '1000',
    body: 'test',
    nonce_str: 'ibuaiVcKdpRxkhJA',
  };
  const key = '192006250b4c09247ec02edce69f6a2d';
  it('W1 MD5', () => expect(wechatSign(fields, key, 'MD5')).toBe('9A0A8659F005D6984697E2CA0A9CF3B7'));
  it('W2 HMAC-SHA256', () =>
    expect(wechatSign(fields, key, 'HMAC-SHA256')).toBe(
      '6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6',
    ));
  it('drops empty values and ignores sign; verification is case-insensitive on the hex', () => {
    expect(wechatSign({ ...fields, attach: '', sign: 'X' }, key, 'MD5')).toBe('9A0A8659F005D6984697E2CA0A9CF3B7');
    expect(wechatSignMatches({ ...fields, sign: '9a0a8659f005d6984697e2ca0a9cf3b7' }, key, 'MD5')).toBe(true);
    expect(wechatSignMatches({ ...fields, body: 'tesT', sign: '9A0A8659F005D6984697E2CA0A9CF3B7' }, key, 'MD5')).toBe(
      false,
    );
  });
  it('W3 refund req_info AES-256-ECB', () => {
    expect(wechatEncryptReqInfo('IJPay', '42cc1d91bab89b65ff55b19e28fff4f0')).toBe('K8fdh/6THGfTKio8pxXS6Q==');
    expect(wechatDecryptReqInfo('K8fdh/6THGfTKio8pxXS6Q==', '42cc1d91bab89b65ff55b19e28fff4f0')).toBe('IJPay');
  });
});

describe('Alipay RSA2 (§2.2–2.4) with the sandbox keys', () => {
  const params = {
    app_id: CREDS.alipay.appId,
    method: 'alipay.trade.precreate',
    format: 'JSON',
    charset: 'utf-8',
    sign_type: 'RSA2',
    timestamp: '2014-07-24 03:07:50',
    version: '1.0',
    biz_content: '{"out_trade_no":"20150320010101001","total_amount":"88.88","subject":"Iphone6 16G"}',
    notify_url: '',
  };
  it('string to sign: sorted, raw values, empties and sign dropped, sign_type kept', () => {
    expect(alipaySignContent({ ...params, sign: 'zzz' })).toBe(
      'app_id=2021000100000001&biz_content={"out_trade_no":"20150320010101001","total_amount":"88.88","subject":"Iphone6 16G"}&charset=utf-8&format=JSON&method=alipay.trade.precreate&sign_type=RSA2&timestamp=2014-07-24 03:07:50&version=1.0',
    );
    expect(alipaySignContent(params, ['sign_type'])).not.toContain('sign_type');
  });
  it('round trip: the app key signs, the app public key verifies; 344 base64 chars; deterministic', () => {
    const content = alipaySignContent(params);
    const sig = rsa2Sign(content, APP_PRIVATE_KEY);
    expect(sig).toHaveLength(344);
    expect(rsa2Sign(content, APP_PRIVATE_KEY)).toBe(sig);
    expect(rsa2Verify(content, sig, pem(CREDS.alipay.appPublicKeyFile))).toBe(true);
    expect(rsa2Verify(content + 'x', sig, pem(CREDS.alipay.appPublicKeyFile))).toBe(false);
    expect(rsa2Verify(content, 'garbage', pem(CREDS.alipay.appPublicKeyFile))).toBe(false);
  });
  it('answers: the signature covers the raw inner text, escapes included', () => {
    const inner = '{"code":"10000","msg":"Success","qr_code":"https:\\/\\/qr.alipay.com\\/bax1"}';
    const body = alipaySignedBody('alipay_trade_precreate_response', inner, PLATFORM_PRIVATE_KEY);
    const parsed = JSON.parse(body) as { sign: string };
    expect(body.startsWith(`{"alipay_trade_precreate_response":${inner},"sign":"`)).toBe(true);
    expect(rsa2Verify(inner, parsed.sign, PLATFORM_PUBLIC_KEY)).toBe(true);
    expect(rsa2Verify(JSON.stringify(JSON.parse(inner)), parsed.sign, PLATFORM_PUBLIC_KEY)).toBe(false);
  });
});
