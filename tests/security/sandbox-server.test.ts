/**
 * The intermediary sandbox (src/sandbox/server.ts) under attack (issue 9, defects 2 and 8): it runs
 * beside every till started with `npm start`, so a request that stopped it would stop payments.
 * Malformed and absolute-form targets, upgrades, slow headers and bodies, more connections than
 * the cap, a handler that throws, a clock moved out of range; after each it still answers.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SERVER_LIMITS, type ServerLimits } from '../../src/sandbox/http';
import { Store } from '../../src/sandbox/store';
import { collect, head, LEAK, open, raw, sleep } from '../support/raw-http';
import { CREDS, removeDir, start, type Running } from '../sandbox/support';

const LIMITS: ServerLimits = {
  ...SERVER_LIMITS,
  headersTimeoutMs: 1_500,
  requestTimeoutMs: 3_000,
  bodyIdleMs: 1_000,
  maxConnections: 4,
  checkEveryMs: 250,
};

let sb: Running;
let port: number;
let host: string;

beforeAll(async () => {
  sb = await start({ limits: LIMITS });
  port = sb.sb.port;
  host = `127.0.0.1:${port}`;
});

afterAll(async () => {
  await sb.stop();
  removeDir(sb.dir);
});

afterEach(async () => {
  await stillServes();
});

async function stillServes(): Promise<void> {
  const res = await fetch(`${sb.base}/_sandbox/health`);
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ ok: true });
}

const get = (target: string) => head(`GET ${target} HTTP/1.1`, { Host: host, Connection: 'close' });

describe('the sandbox', () => {
  for (const target of [
    '/%',
    '/%E0%A4%A',
    '/assets/%ff',
    'http://[',
    '*',
    '/_sandbox/trades/alipay/%E4',
    '/yeepay/app-merchant-proxy/cashier/%ff',
    '/wechat/pay/%',
  ]) {
    it(`answers GET ${target} with 400 and keeps serving`, async () => {
      const a = await raw(port, get(target));
      expect(a.status).toBe(400);
      expect(a.text).not.toMatch(LEAK);
    });
  }

  it('serves an absolute-form target as its path, raw query kept', async () => {
    const a = await raw(port, get(`http://${host}/_sandbox/health`));
    expect(a.status).toBe(200);
    expect(a.text).toContain('"ok": true');
    const b = await raw(port, get(`http://${host}/_sandbox/trades?provider=alipay`));
    expect(b.status).toBe(200);
  });

  it('refuses WebSocket upgrades, malformed or not', async () => {
    for (const target of ['http://[', '/%', '/_sandbox/health']) {
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
      head('POST /alipay/gateway.do HTTP/1.1', {
        Host: host,
        'Content-Type': 'application/x-www-form-urlencoded',
        'Content-Length': 500,
      }) + 'app_id=',
    );
    const s2 = await open(port);
    const headers = collect(s2, 10_000);
    s2.write(`POST /alipay/gateway.do HTTP/1.1\r\nHost: ${host}\r\n`);
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
    const extra = await raw(port, get('/_sandbox/health'), 3_000);
    expect(extra.status).toBeNull();
    expect(extra.closedByServer).toBe(true);
    for (const a of await Promise.all(heldAnswers)) expect(a.closedByServer).toBe(true);
    await sleep(100);
  });

  it('answers a handler that throws with 500 in the protocol shape and one log line, no stack or path', async () => {
    const spy = vi.spyOn(Store.prototype, 'listTrades').mockImplementation(() => {
      throw new Error('boom at /srv/sandbox/store.ts:99');
    });
    const lines: string[] = [];
    const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      const a = await raw(port, get('/_sandbox/trades'));
      expect(a.status).toBe(500);
      expect(a.text).toContain('internal error');
      expect(a.text).not.toMatch(LEAK);
      expect(lines.filter((l) => l.includes('boom'))).toHaveLength(1);
    } finally {
      spy.mockRestore();
      write.mockRestore();
    }
  });

  it('refuses to move its clock out of range (which would break every later request)', async () => {
    const res = await fetch(`${sb.base}/_sandbox/clock/advance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ms: 1e308 }),
    });
    expect(res.status).toBe(400);
    const clock = await fetch(`${sb.base}/_sandbox/clock`);
    expect(clock.status).toBe(200);
  });

  it('quotes at most a short prefix of bad input in its error messages', async () => {
    const long = 'B'.repeat(5_000);
    const a = await raw(port, get(`/_sandbox/trades/alipay/${long}`));
    expect(a.status).toBe(404);
    expect(a.text).not.toContain('B'.repeat(100));
    const del = await fetch(`${sb.base}/_sandbox/scenarios/${long}`, { method: 'DELETE' });
    expect(await del.text()).not.toContain('B'.repeat(100));
    // a wrongly signed Alipay call: the gateway echoes the string it verified, now only its start
    const form = new URLSearchParams({
      app_id: CREDS.alipay.appId,
      method: 'alipay.trade.query',
      charset: 'utf-8',
      sign_type: 'RSA2',
      timestamp: '2026-11-26 10:00:00',
      version: '1.0',
      sign: 'AAAA',
      biz_content: JSON.stringify({ out_trade_no: long }),
    });
    const gw = await fetch(`${sb.base}/alipay/gateway.do`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
      body: form.toString(),
    });
    const text = await gw.text();
    expect(text).toContain('isv.invalid-signature');
    expect(text).not.toContain('B'.repeat(100));
  });

  it('runs with 256 connections, headers 10 s, request 30 s and a 5 s idle body by default', async () => {
    expect(SERVER_LIMITS).toMatchObject({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      bodyIdleMs: 5_000,
      maxConnections: 256,
    });
  });
});
