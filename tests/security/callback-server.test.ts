/**
 * The Electron shell's own loopback server for intermediaries' callbacks (src/main/callback-server.ts)
 * under attack (issue 9, defects 2, 7 and 8): malformed and absolute-form targets, upgrades, other
 * Host names (DNS rebinding), slow bodies, more connections than the cap, a notification flood
 * beyond the rate limit, a handler that throws. In the Electron main process an uncaught
 * exception here would stop the till; after each attack it still answers a good callback.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCallbackServer, DEFAULT_NOTIFICATION_LIMIT } from '../../src/main/callback-server';
import { DEFAULT_LIMITS, type ServerLimits } from '../../src/main/http-guard';
import { startCore, type TestCore } from '../support/core';
import { scriptedProviders, type FakeProvider } from '../support/fake-provider';
import { collect, head, LEAK, open, raw, sleep } from '../support/raw-http';

const LIMITS: ServerLimits = {
  ...DEFAULT_LIMITS,
  headersTimeoutMs: 1_500,
  requestTimeoutMs: 3_000,
  bodyIdleMs: 1_000,
  maxConnections: 4,
  checkEveryMs: 250,
};

let t: TestCore;
let alipay: FakeProvider;
let server: Awaited<ReturnType<typeof startCallbackServer>>;
let port: number;
let host: string;
const logs: string[] = [];

beforeAll(async () => {
  const scripted = scriptedProviders();
  alipay = scripted.alipay;
  t = await startCore({ providers: scripted.providers });
  server = await startCallbackServer(t.core, 0, {
    limits: LIMITS,
    log: (line) => logs.push(line),
    notificationLimit: { burst: 1_000, perSecond: 1_000 },
  });
  port = Number(new URL(server.base).port);
  host = `127.0.0.1:${port}`;
});

afterAll(async () => {
  await server.close();
  t.close();
});

afterEach(async () => {
  await stillAnswers();
});

/** A (scripted, refused) Alipay notification is still answered. */
async function stillAnswers(): Promise<void> {
  const res = await fetch(`${server.base}/pay/alipay/callback`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'a=1',
  });
  expect(res.status).toBe(200);
  expect(await res.text()).toBe('success');
}

const get = (target: string, extra: Record<string, string> = {}) =>
  head(`GET ${target} HTTP/1.1`, { Host: host, Connection: 'close', ...extra });

describe('the callback server', () => {
  for (const target of [
    '/%',
    '/%E0%A4%A',
    '/assets/%ff',
    'http://[',
    '*',
    '/pay/%ff/callback',
    '/pay/alipay/callback%',
  ]) {
    it(`answers GET ${target} with 400 and keeps serving`, async () => {
      const a = await raw(port, get(target));
      expect(a.status).toBe(400);
      expect(a.text).not.toMatch(LEAK);
    });
  }

  it('refuses other Host names and absolute-form targets naming another host with 421 (DNS rebinding)', async () => {
    const post = (target: string, hostHeader: string) =>
      raw(
        port,
        head(`POST ${target} HTTP/1.1`, {
          Host: hostHeader,
          Connection: 'close',
          'Content-Length': 3,
          'Content-Type': 'application/x-www-form-urlencoded',
        }) + 'a=1',
      );
    expect((await post('/pay/alipay/callback', 'evil.example')).status).toBe(421);
    expect((await post('/pay/alipay/callback', `evil.example:${port}`)).status).toBe(421);
    expect((await post('/pay/alipay/callback', `127.0.0.1:${port + 1}`)).status).toBe(421);
    expect((await post('http://evil.example/pay/alipay/callback', host)).status).toBe(421);
    expect((await post('/pay/alipay/callback', host)).status).toBe(200);
    expect((await post('/pay/alipay/callback', `localhost:${port}`)).status).toBe(200);
    expect((await post(`http://${host}/pay/alipay/callback`, host)).status).toBe(200);
  });

  it('answers other paths 404 and other methods 405', async () => {
    expect((await raw(port, get('/api/invoke'))).status).toBe(404);
    expect(
      (
        await raw(
          port,
          head('PUT /pay/alipay/callback HTTP/1.1', { Host: host, Connection: 'close', 'Content-Length': 0 }),
        )
      ).status,
    ).toBe(405);
  });

  it('refuses WebSocket upgrades, malformed or not', async () => {
    for (const target of ['http://[', '/%', '/pay/alipay/callback']) {
      const a = await raw(
        port,
        head(`GET ${target} HTTP/1.1`, {
          Host: host,
          Connection: 'Upgrade',
          Upgrade: 'websocket',
          'Sec-WebSocket-Version': 13,
          'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
        }),
      );
      expect(a.status, target).toBeGreaterThanOrEqual(400);
      expect(a.closedByServer).toBe(true);
    }
  });

  it('answers requests its parser refuses with 400', async () => {
    for (const bytes of ['HELLO\r\n\r\n', `GET / HTTP/1.1\r\nHost: ${host}\r\nBad Header\r\n\r\n`]) {
      expect((await raw(port, bytes)).status).toBe(400);
    }
  });

  it('drops a body that stops arriving (408) and headers that never finish (408)', async () => {
    const s1 = await open(port);
    const body = collect(s1, 10_000);
    s1.write(
      head('POST /pay/alipay/callback HTTP/1.1', {
        Host: host,
        'Content-Type': 'application/x-www-form-urlencoded',
        'Content-Length': 500,
      }) + 'a=',
    );
    const s2 = await open(port);
    const headers = collect(s2, 10_000);
    s2.write(`POST /pay/alipay/callback HTTP/1.1\r\nHost: ${host}\r\n`);
    const [b, h] = await Promise.all([body, headers]);
    expect(b.status).toBe(408);
    expect(b.ms).toBeLessThan(LIMITS.bodyIdleMs + 1_500);
    expect(h.status).toBe(408);
    expect(h.ms).toBeLessThan(LIMITS.headersTimeoutMs + 2 * LIMITS.checkEveryMs + 1_000);
  });

  it('drops connections beyond the cap at once; the ones holding it time out', async () => {
    const held = await Promise.all(Array.from({ length: LIMITS.maxConnections }, () => open(port)));
    const heldAnswers = held.map((s) => collect(s, 10_000));
    await sleep(100);
    const extra = await raw(port, get('/pay/alipay/callback'), 3_000);
    expect(extra.status).toBeNull();
    expect(extra.closedByServer).toBe(true);
    for (const a of await Promise.all(heldAnswers)) expect(a.closedByServer).toBe(true);
    await sleep(100);
  });

  it('answers a verification that throws with 500 and one log line, showing no stack or path', async () => {
    const verify = alipay.verifyIncoming.bind(alipay);
    alipay.verifyIncoming = () => {
      throw new Error('boom at /srv/secret/alipay.ts:42');
    };
    try {
      logs.length = 0;
      const a = await raw(
        port,
        head('POST /pay/alipay/callback HTTP/1.1', { Host: host, Connection: 'close', 'Content-Length': 3 }) + 'a=1',
      );
      expect(a.status).toBe(500);
      expect(a.text).not.toMatch(LEAK);
      expect(a.text).not.toContain('boom');
      expect(logs.filter((l) => l.includes('boom'))).toHaveLength(1);
    } finally {
      alipay.verifyIncoming = verify;
    }
  });

  it('runs with the default limits: 32 connections, headers 10 s, request 30 s; 30 notifications at once then 1/s', async () => {
    const s = await startCallbackServer(t.core);
    try {
      expect(s.server.maxConnections).toBe(32);
      expect(s.server.headersTimeout).toBe(10_000);
      expect(s.server.requestTimeout).toBe(30_000);
      expect(DEFAULT_NOTIFICATION_LIMIT).toEqual({ burst: 30, perSecond: 1 });
    } finally {
      await s.close();
    }
  });
});

describe('the notification rate limit on the callback server', () => {
  it('answers a flood beyond the limit with 429 and the provider\'s "fail", logged as one line, per provider', async () => {
    const limited = await startCallbackServer(t.core, 0, { log: (line) => logs.push(line) });
    try {
      logs.length = 0;
      const send = (provider: string) =>
        fetch(`${limited.base}/pay/${provider}/callback`, { method: 'POST', body: 'a=1' });
      const answers: { status: number; body: string }[] = [];
      const started = Date.now();
      for (let i = 0; i < 50; i++) {
        const res = await send('alipay');
        answers.push({ status: res.status, body: await res.text() });
      }
      const seconds = (Date.now() - started) / 1000;
      const allowed = answers.filter((x) => x.status === 200).length;
      expect(answers.slice(0, 30).every((x) => x.status === 200)).toBe(true);
      expect(allowed).toBeLessThanOrEqual(31 + Math.ceil(seconds));
      const refused = answers.filter((x) => x.status === 429);
      expect(refused.length).toBe(50 - allowed);
      expect(refused.every((x) => x.body === 'fail')).toBe(true);
      expect(logs.filter((l) => /rate limit/.test(l))).toHaveLength(1);
      // WeChat's allowance is its own
      const wechat = await send('wechat');
      expect(wechat.status).not.toBe(429);
    } finally {
      await limited.close();
    }
  });
});
