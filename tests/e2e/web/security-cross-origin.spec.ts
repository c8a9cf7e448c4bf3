/**
 * A page on another origin attacks the till in a real Chromium (issue 9, defects 2 and 6): image
 * tags with malformed paths (one of them stopped browser mode before), a no-cors fetch and a form
 * POST to /api/invoke with a guessed token and with the real one (as if it had leaked), and
 * WebSockets to /api/events. The page is served once from 127.0.0.1 on another port (same site,
 * other origin) and once from localhost (another site). Afterwards the till still serves its page
 * and API, its own page still sells, and nothing was written.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { SCANNER_TIMING, startWebApp, type WebApp } from '../support/web-app';
import { PosPage } from '../support/pos-page';

const MALFORMED = ['/%', '/%E0%A4%A', '/assets/%ff', '/api/%', '/pay/%ff/callback', '/%00%'];

function attackPage(till: string, leakedToken: string): string {
  const call = JSON.stringify({ method: 'cart.add', input: { productId: 1 } });
  return `<!doctype html><meta charset="utf-8"><title>another site</title>
<iframe name="sink" style="display:none"></iframe>
<form id="form" method="POST" action="${till}/api/invoke" target="sink" enctype="text/plain">
  <input name='{"method":"cart.add","input":{"productId":1},"x":"' value='"}'>
</form>
<script>
const TILL = ${JSON.stringify(till)};
const results = {};
const pending = [];
const track = (name, p) => pending.push(p.then((v) => (results[name] = String(v)), (e) => (results[name] = 'error ' + e)));
for (const path of ${JSON.stringify(MALFORMED)}) {
  track('img ' + path, new Promise((r) => { const i = new Image(); i.onload = () => r('load'); i.onerror = () => r('error'); i.src = TILL + path; }));
}
for (const [name, token] of [['guessed', 'guessed-token'], ['leaked', ${JSON.stringify(leakedToken)}]]) {
  track('no-cors fetch ' + name, fetch(TILL + '/api/invoke', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain', authorization: 'Bearer ' + token }, body: ${JSON.stringify(call)} }).then((r) => r.type));
  track('cors fetch ' + name, fetch(TILL + '/api/invoke', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ' + token }, body: ${JSON.stringify(call)} }).then((r) => r.status));
  track('websocket ' + name, new Promise((r) => {
    const ws = new WebSocket(TILL.replace('http', 'ws') + '/api/events?token=' + encodeURIComponent(token));
    ws.onopen = () => { r('open'); ws.close(); };
    ws.onerror = () => r('refused');
    ws.onclose = () => r('refused');
  }));
}
track('form', new Promise((r) => { document.querySelector('iframe').onload = () => r('submitted'); document.getElementById('form').submit(); }));
Promise.all(pending).then(() => { window.__results = results; });
</script>`;
}

let app: WebApp;
let evil: Server;
let evilPort: number;
let tillBase: string;
let token: string;

test.beforeAll(async () => {
  app = await startWebApp({ env: { POS_SANDBOX: 'off' } });
  const url = new URL(app.url);
  tillBase = url.origin;
  token = url.searchParams.get('token')!;
  evil = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(attackPage(tillBase, token));
  });
  await new Promise<void>((done) => evil.listen(0, '127.0.0.1', () => done()));
  evilPort = (evil.address() as AddressInfo).port;
});

test.afterAll(async () => {
  await new Promise<void>((done) => evil.close(() => done()));
  await app.stop();
  rmSync(app.dataDir, { recursive: true, force: true });
});

async function invoke<T>(method: string, input: unknown): Promise<T> {
  const res = await fetch(`${tillBase}/api/invoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ method, input }),
  });
  const body = (await res.json()) as { ok: boolean; value: T };
  expect(body.ok).toBe(true);
  return body.value;
}

test('a page on another origin can neither stop the till nor call it', async ({ page }) => {
  const ordersBefore = await invoke<unknown[]>('orders.list', {});
  const cartBefore = await invoke<{ lines: unknown[] }>('cart.get', {});
  const parkedBefore = await invoke<unknown[]>('cart.parked', {});

  for (const origin of [`http://127.0.0.1:${evilPort}`, `http://localhost:${evilPort}`]) {
    await page.goto(`${origin}/`);
    const results = await page.waitForFunction(
      () => (globalThis as unknown as { __results?: Record<string, string> }).__results,
      null,
      { timeout: 30_000 },
    );
    const r = (await results.jsonValue()) as Record<string, string>;
    expect(r['websocket guessed'], origin).toBe('refused');
    expect(r['websocket leaked'], origin).toBe('refused');
    // a CORS call is never let through: the preflight is refused, so the browser stops it
    expect(r['cors fetch leaked'], origin).toMatch(/^error/);
    // the requests were sent (an opaque answer, a submitted form, images that failed to load)
    expect(r['no-cors fetch guessed'], origin).toBe('opaque');
    expect(r['no-cors fetch leaked'], origin).toBe('opaque');
    expect(r['form'], origin).toBe('submitted');
    for (const path of MALFORMED) expect(r[`img ${path}`], path).toBe('error');
    expect(Object.keys(r)).toHaveLength(MALFORMED.length + 7);
    // the till is still there after every image (GET /% used to stop it)
    expect(app.process.exitCode, origin).toBeNull();
    expect((await fetch(`${tillBase}/`)).status).toBe(200);
  }

  // nothing was written
  expect(await invoke<unknown[]>('orders.list', {})).toEqual(ordersBefore);
  expect((await invoke<{ lines: unknown[] }>('cart.get', {})).lines).toEqual(cartBefore.lines);
  expect(await invoke<unknown[]>('cart.parked', {})).toEqual(parkedBefore);

  // and the till's own page still sells: its calls and its event socket pass the Origin check
  await page.addInitScript(SCANNER_TIMING);
  await page.goto(app.url);
  const till = new PosPage(page);
  await till.ready();
  await till.addBySearch('kkkl', 'DRI-001');
  await expect(till.id('cart-total')).toHaveText('¥3.00');
  expect((await invoke<{ lines: unknown[] }>('cart.get', {})).lines).toHaveLength(1);
  await till.id('cart-line').first().getByTestId('line-remove').click();
  await expect(till.id('cart-line')).toHaveCount(0);
  expect(app.process.exitCode).toBeNull();
});
