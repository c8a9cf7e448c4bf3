/**
 * Browser mode's loopback transport: serves the renderer build and the contract over HTTP
 * (`POST /api/invoke`) and a WebSocket (`/api/events`), bound to 127.0.0.1 only, every API request
 * authorised by a random per-run token, and Host/Origin checked so no other site (or DNS rebinding)
 * can reach the till.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { handleCallback, isCallbackPath } from './callback-server';
import type { Core } from './core/core';

const MAX_BODY = 64 * 1024;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export interface WebServer {
  server: Server;
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

function sameToken(given: string | null | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(text);
}

export async function startWebServer(core: Core, options: { port: number; rendererDir: string; token?: string }): Promise<WebServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const root = normalize(options.rendererDir);
  let port = 0;
  const allowedHost = (host: string | undefined) => host === `127.0.0.1:${port}` || host === `localhost:${port}`;
  // callbacks from the local sandbox arrive on the same loopback origin

  const serveStatic = (req: IncomingMessage, res: ServerResponse) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = normalize(join(root, path === '/' ? 'index.html' : path));
    if (!file.startsWith(root + sep) && file !== root) {
      res.writeHead(403).end();
      return;
    }
    if (!existsSync(file) || statSync(file).isDirectory()) file = join(root, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('The renderer has not been built: run `npm run build` (npm run web does this for you).');
      return;
    }
    res.writeHead(200, {
      ...(extname(file) === '.html' ? { 'content-security-policy': "frame-ancestors 'none'" } : {}),
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'cache-control': extname(file) === '.html' ? 'no-store' : 'max-age=3600',
    });
    createReadStream(file).pipe(res);
  };

  const invoke = (req: IncomingMessage, res: ServerResponse) => {
    const auth = req.headers.authorization;
    if (!sameToken(auth?.startsWith('Bearer ') ? auth.slice(7) : null, token)) {
      sendJson(res, 401, { ok: false, error: { code: 'UNAUTHORIZED', message: 'Missing or wrong token: open the URL printed by npm run web.' } });
      return;
    }
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
      sendJson(res, 415, { ok: false, error: { code: 'INVALID_INPUT', message: 'Send the call as application/json.' } });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        sendJson(res, 413, { ok: false, error: { code: 'INVALID_INPUT', message: `A call may be at most ${MAX_BODY} bytes.` } });
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (res.headersSent) return;
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        sendJson(res, 400, { ok: false, error: { code: 'INVALID_INPUT', message: 'The call is not valid JSON.' } });
        return;
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        sendJson(res, 400, { ok: false, error: { code: 'INVALID_INPUT', message: 'A call is {"method": "...", "input": {...}}.' } });
        return;
      }
      const { method, input, ...extra } = body as { method?: unknown; input?: unknown };
      if (Object.keys(extra).length > 0) {
        sendJson(res, 400, {
          ok: false,
          error: { code: 'INVALID_INPUT', message: `Unexpected field(s) in the call: ${Object.keys(extra).join(', ')}.` },
        });
        return;
      }
      void core.dispatch(method, input).then((result) => sendJson(res, 200, result));
    });
  };

  const server = createServer((req, res) => {
    if (!allowedHost(req.headers.host)) {
      res.writeHead(421, { 'content-type': 'text/plain' }).end('Counter POS answers only on 127.0.0.1.');
      return;
    }
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (isCallbackPath(path)) {
      // intermediaries' returns and notifications: verified by signature, not by the till's token
      handleCallback(core, req, res);
      return;
    }
    if (path === '/api/invoke') {
      if (req.method !== 'POST') {
        sendJson(res, 405, { ok: false, error: { code: 'INVALID_INPUT', message: 'Use POST.' } });
        return;
      }
      invoke(req, res);
      return;
    }
    if (path?.startsWith('/api/')) {
      sendJson(res, 404, { ok: false, error: { code: 'UNKNOWN_METHOD', message: `No such endpoint ${path}.` } });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    serveStatic(req, res);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  const sockets = new Set<WebSocket>();
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const origin = req.headers.origin;
    const originOk = origin === undefined || origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
    if (url.pathname !== '/api/events' || !allowedHost(req.headers.host) || !originOk || !sameToken(url.searchParams.get('token'), token)) {
      socket.write('HTTP/1.1 401 Unauthorized\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', () => ws.close(1008, 'events only'));
    });
  });
  const unsubscribe = core.events.subscribe((event, payload) => {
    const text = JSON.stringify({ event, payload });
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/?token=${token}`;
  return {
    server,
    url,
    token,
    port,
    close: () =>
      new Promise<void>((done) => {
        unsubscribe();
        for (const ws of sockets) ws.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
