/**
 * Where intermediaries call back: `/pay/{provider}/callback` takes YeePay's browser return
 * (r9_BType=1) and server call (r9_BType=2) and Alipay/WeChat notifications. Each is verified by
 * the provider's client and is only a hint: the core then queries the order status. Browser mode
 * mounts this on its loopback server; the Electron shell runs it on its own loopback port.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Core } from './core/core';
import type { ProviderId } from '../shared/types';

const PATH = /^\/pay\/(alipay|wechat|yeepay)\/callback$/;
const MAX = 64 * 1024;

const RETURN_PAGE = (ok: boolean) => `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>Counter POS</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:20px/1.5 system-ui,sans-serif;display:grid;place-items:center;height:100vh;margin:0;background:#f4f6f8;color:#1c2430}
main{background:#fff;padding:32px 40px;border-radius:12px;box-shadow:0 2px 12px #0002;text-align:center}</style></head>
<body><main data-testid="cashier-returned"><h1>${ok ? '已返回收银台 · Back at the till' : '无法确认 · Could not be confirmed'}</h1>
<p>${ok ? '收银台正在向支付机构确认这笔付款，可以关闭此窗口。<br>The till is confirming the payment with the intermediary; you can close this window.' : '这个返回无法验证，收银台会继续向支付机构查询。<br>This return could not be verified; the till keeps asking the intermediary.'}</p></main></body></html>`;

export function isCallbackPath(pathname: string): boolean {
  return PATH.test(pathname);
}

export function handleCallback(core: Core, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  const m = PATH.exec(url.pathname);
  if (!m || (req.method !== 'GET' && req.method !== 'POST')) {
    res.writeHead(404).end();
    return;
  }
  const provider = m[1] as ProviderId;
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (c: Buffer) => {
    size += c.length;
    if (size > MAX) {
      res.writeHead(413).end();
      req.destroy();
      return;
    }
    chunks.push(c);
  });
  req.on('end', () => {
    if (res.headersSent) return;
    const query = Object.fromEntries(url.searchParams.entries());
    const browserReturn = provider === 'yeepay' && query.r9_BType === '1';
    void core.payments
      .incoming(provider, {
        method: req.method as 'GET' | 'POST',
        query,
        body: Buffer.concat(chunks),
        contentType: String(req.headers['content-type'] ?? ''),
      })
      .then((reply) => {
        if (browserReturn) {
          const ok = reply.status === 200 && reply.body.toLowerCase().startsWith('success');
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
          res.end(RETURN_PAGE(ok));
          return;
        }
        res.writeHead(reply.status, { 'content-type': reply.contentType });
        res.end(reply.body);
      })
      .catch(() => {
        res.writeHead(500, { 'content-type': 'text/plain' }).end('error');
      });
  });
}

/** A loopback server that answers only the callback paths (the Electron shell's). */
export async function startCallbackServer(core: Core, port = 0): Promise<{ server: Server; base: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    if (isCallbackPath(new URL(req.url ?? '/', 'http://x').pathname)) handleCallback(core, req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => ok());
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, base, close: () => new Promise<void>((done) => server.close(() => done())) };
}
