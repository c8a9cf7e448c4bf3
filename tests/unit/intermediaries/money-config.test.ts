import { describe, expect, it } from 'vitest';
import { createProvider, defaultDeps, InvalidProviderConfig, sandboxConfigs } from '../../../src/main/intermediaries';
import { parseProviderConfig } from '../../../src/main/intermediaries/config';
import { redact, send, truncate } from '../../../src/main/intermediaries/http';
import {
  beijingCompact,
  beijingDateTime,
  fenText,
  fenToYuan,
  parseBeijing,
  yuanToFen,
} from '../../../src/main/intermediaries/money';
import { APP_PRIVATE, PLATFORM_PUBLIC, res, scripted, SANDBOX_DIR } from './helpers';

describe('money at the edge', () => {
  it('formats fen as %.2f yuan', () => {
    expect([0, 1, 10, 100, 1230, 123456789, -5].map(fenToYuan)).toEqual([
      '0.00',
      '0.01',
      '0.10',
      '1.00',
      '12.30',
      '1234567.89',
      '-0.05',
    ]);
    expect(() => fenToYuan(1.5)).toThrow();
  });
  it('parses yuan text to fen without float drift', () => {
    expect(yuanToFen('1.0')).toBe(100);
    expect(yuanToFen('0.01')).toBe(1);
    expect(yuanToFen('12.3')).toBe(1230);
    expect(yuanToFen('12.30')).toBe(1230);
    expect(yuanToFen('1')).toBe(100);
    expect(yuanToFen('-5.00')).toBe(-500);
    expect(yuanToFen('0.29')).toBe(29); // 0.29 * 100 = 28.999999999999996 in floating point
    expect(yuanToFen('1.005')).toBeNull();
    expect(yuanToFen('1e2')).toBeNull();
    expect(yuanToFen('1,000.00')).toBeNull();
    expect(yuanToFen('')).toBeNull();
    expect(fenText('1230')).toBe(1230);
    expect(fenText('12.30')).toBeNull();
  });
  it('formats and parses Beijing time whatever the machine zone', () => {
    const t = Date.UTC(2024, 11, 31, 16, 30, 5); // 2025-01-01 00:30:05 in Beijing
    expect(beijingDateTime(t)).toBe('2025-01-01 00:30:05');
    expect(beijingCompact(t)).toBe('20250101003005');
    expect(parseBeijing('2025-01-01 00:30:05')).toBe(t);
    expect(parseBeijing('20250101003005')).toBe(t);
    expect(parseBeijing('2025-02-30 00:00:00')).toBeNull();
  });
});

describe('journal exchanges', () => {
  it('redact and truncate', async () => {
    expect(redact('a=1&key=SECRETSECRET&b', ['SECRETSECRET'])).toBe('a=1&key=[redacted]&b');
    expect(truncate('x'.repeat(20_000)).length).toBeLessThan(16_500);
    const deps = scripted(res('y'.repeat(40_000)));
    const sent = await send(deps, {
      op: 't',
      req: { method: 'POST', url: 'http://h/x?k=SECRETSECRET', headers: {}, body: 'SECRETSECRET' },
      secrets: ['SECRETSECRET'],
    });
    expect(sent.exchange.request).toBe('[redacted]');
    expect(sent.exchange.url).toBe('http://h/x?k=[redacted]');
    expect(sent.exchange.response!.length).toBeLessThan(16_500);
    expect(sent.exchange).toMatchObject({ op: 't', status: 200, error: null, method: 'POST' });
  });
});

describe('configuration and factory', () => {
  const alipay = {
    provider: 'alipay',
    gatewayUrl: 'https://gw.example.test/gateway.do',
    appId: '2021000100000001',
    appPrivateKeyPem: APP_PRIVATE,
    alipayPublicKeyPem: PLATFORM_PUBLIC,
  };
  it('builds each client from a valid config', () => {
    expect(createProvider(alipay).id).toBe('alipay');
    expect(
      createProvider({
        provider: 'wechat',
        apiBase: 'http://127.0.0.1:1/wechat',
        appId: 'wx1',
        mchId: '1900000109',
        apiKey: '7d4f2c0993a99691bfeaa696641c3f48',
      }).id,
    ).toBe('wechat');
    expect(
      createProvider({
        provider: 'yeepay',
        nodeUrl: 'http://127.0.0.1:1/n',
        commandUrl: 'http://127.0.0.1:1/c',
        merchantId: '10001126856',
        key: 'k',
      }).id,
    ).toBe('yeepay');
    expect(defaultDeps().timeoutMs).toBe(10_000);
  });
  it('refuses bad configs with clear messages', () => {
    const bad = (c: object, msg: RegExp) => {
      expect(() => createProvider(c)).toThrow(InvalidProviderConfig);
      expect(() => createProvider(c)).toThrow(msg);
    };
    bad({ ...alipay, gatewayUrl: 'ftp://x/gateway.do' }, /http:\/\/ or https:\/\//);
    bad({ ...alipay, gatewayUrl: 'not a url' }, /http/);
    bad({ ...alipay, appPrivateKeyPem: 'MIIEv...' }, /PEM/);
    bad({ ...alipay, appPrivateKeyPem: PLATFORM_PUBLIC }, /public key; the app needs its own app PRIVATE key/);
    bad(
      { ...alipay, alipayPublicKeyPem: APP_PRIVATE },
      /is a private key; the app needs the Alipay platform PUBLIC key/,
    );
    bad({ ...alipay, appId: 'abc' }, /16 digits/);
    bad({ provider: 'wechat', apiBase: 'http://h', appId: 'wx', mchId: '1900000109', apiKey: 'short' }, /32-character/);
    bad(
      {
        provider: 'wechat',
        apiBase: 'http://h',
        appId: 'wx',
        mchId: '1900000109',
        apiKey: '7d4f2c0993a99691bfeaa696641c3f48',
        signType: 'SHA1',
      },
      /MD5 or HMAC-SHA256/,
    );
    bad(
      {
        provider: 'yeepay',
        nodeUrl: 'http://h/n',
        commandUrl: 'http://h/c',
        merchantId: '10001126856',
        key: 'k'.repeat(65),
      },
      /64 bytes/,
    );
    bad({ provider: 'paypal' }, /paypal|provider/i);
  });
  it('sandboxConfigs builds all three from resources/sandbox', () => {
    const c = sandboxConfigs('http://127.0.0.1:4000/', SANDBOX_DIR);
    expect(c.alipay).toMatchObject({
      gatewayUrl: 'http://127.0.0.1:4000/alipay/gateway.do',
      appId: '2021000100000001',
      sellerId: '2088000000000001',
    });
    expect(c.wechat).toMatchObject({ apiBase: 'http://127.0.0.1:4000/wechat', mchId: '1900000109', signType: 'MD5' });
    expect(c.yeepay).toMatchObject({
      nodeUrl: 'http://127.0.0.1:4000/yeepay/app-merchant-proxy/node',
      commandUrl: 'http://127.0.0.1:4000/yeepay/app-merchant-proxy/command',
      merchantId: '10001126856',
    });
    for (const p of ['alipay', 'wechat', 'yeepay'] as const) expect(() => parseProviderConfig(c[p])).not.toThrow();
    expect(sandboxConfigs('http://127.0.0.1:4000').alipay.appId).toBe('2021000100000001');
  });
});
