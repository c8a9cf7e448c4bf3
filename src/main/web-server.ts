/**
 * Browser mode's loopback transport: serves the renderer build and the contract over HTTP
 * (`POST /api/invoke`) and a WebSocket (`/api/events`), bound to 127.0.0.1 only, every API request
 * authorised by a random per-run token, and Host/Origin checked so no other site (or DNS rebinding)
 * can reach the till. Requests go through `http-guard.ts`: no malformed or slow request stops it.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { callbackHandler, isCallbackPath, type NotificationLimit } from './callback-server';
import type { Core } from './core/core';
import {
  BodyError,
  DEFAULT_LIMITS,
  guardedServer,
  listenLoopback,
  parseTarget,
  plainError,
  readBody,
  short,
  type ServerLimits,
  type Target,
} from './http-guard';

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
  /** the customer display (`/customer`): its own key opens its read-only feed and nothing else */
  customerUrl: string;
  customerToken: string;
  port: number;
  close(): Promise<void>;
}

function sameToken(given: string | null | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  // one buffer with its length: the answer leaves in one write, not as chunked encoding (header, chunk, trailer)
  const bytes = Buffer.from(JSON.stringify(body), 'utf8');
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(bytes.length),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(bytes);
}

/** What `startWebServer` was given; `limits` and `log` have defaults (tests pass smaller limits). */
export interface WebServerOptions {
  port: number;
  rendererDir: string;
  token?: string;
  customerToken?: string;
  limits?: ServerLimits;
  notificationLimit?: NotificationLimit;
  log?: (line: string) => void;
}

export async function startWebServer(core: Core, options: WebServerOptions): Promise<WebServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  // a second key, for the customer's screen: it reads the customer display's feed, and is refused by every call
  const customerToken = options.customerToken ?? randomBytes(24).toString('base64url');
  const root = normalize(options.rendererDir);
  const limits = options.limits ?? DEFAULT_LIMITS;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  let port = 0;
  const allowedHost = (host: string | undefined | null) => host === `127.0.0.1:${port}` || host === `localhost:${port}`;
  const allowedOrigin = (origin: string) =>
    origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
  /** Host, and the authority of an absolute-form target, must both be this server's (DNS rebinding). */
  const hostOk = (req: IncomingMessage, target: Target) =>
    allowedHost(req.headers.host) && (target.authority === null || allowedHost(target.authority));
  /**
   * A browser sends Origin on every cross-origin POST and on every WebSocket handshake, and
   * Sec-Fetch-Site on every request: a page on another site is refused by either. A request
   * without them comes from a program, not a page (the tests' fetch, a bench), and still needs
   * the token (docs/architecture.md, Browser mode).
   */
  const fromOwnPage = (req: IncomingMessage) => {
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigin(origin)) return false;
    const site = req.headers['sec-fetch-site'];
    return site !== 'cross-site' && site !== 'same-site';
  };
  const callbacks = callbackHandler(core, { log, limits, notificationLimit: options.notificationLimit });

  const serveStatic = (res: ServerResponse, target: Target, head: boolean) => {
    const path = decodeURIComponent(target.pathname);
    let file = normalize(join(root, path === '/' ? 'index.html' : path === '/customer' ? 'customer.html' : path));
    if (!file.startsWith(root + sep) && file !== root) {
      plainError(res, 403, 'Forbidden.');
      return;
    }
    if (!isFile(file)) file = join(root, 'index.html');
    if (!isFile(file)) {
      plainError(res, 500, 'The renderer has not been built: run `npm run build` (npm run web does this for you).');
      return;
    }
    const stream = createReadStream(file);
    stream.on('error', (err) => {
      log(`web server: reading ${short(path, 48)}: ${short(err.message, 120)}`);
      plainError(res, 500, 'Internal error: the till could not read this file.');
    });
    stream.on('open', () => {
      if (res.destroyed) return stream.destroy();
      res.writeHead(200, {
        ...(extname(file) === '.html' ? { 'content-security-policy': "frame-ancestors 'none'" } : {}),
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'cache-control': extname(file) === '.html' ? 'no-store' : 'max-age=3600',
      });
      if (head) {
        stream.destroy();
        res.end();
        return;
      }
      stream.pipe(res);
    });
    res.on('close', () => stream.destroy());
  };

  const invoke = async (req: IncomingMessage, res: ServerResponse) => {
    if (!fromOwnPage(req)) {
      sendJson(res, 403, {
        ok: false,
        error: { code: 'UNAUTHORIZED', message: "Calls are accepted only from the till's own page." },
      });
      return;
    }
    const auth = req.headers.authorization;
    if (!sameToken(auth?.startsWith('Bearer ') ? auth.slice(7) : null, token)) {
      sendJson(res, 401, {
        ok: false,
        error: { code: 'UNAUTHORIZED', message: 'Missing or wrong token: open the URL printed by npm run web.' },
      });
      return;
    }
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
      sendJson(res, 415, {
        ok: false,
        error: { code: 'INVALID_INPUT', message: 'Send the call as application/json.' },
      });
      return;
    }
    let raw: Buffer;
    try {
      raw = await readBody(req, MAX_BODY, limits.bodyIdleMs);
    } catch (err) {
      if (!(err instanceof BodyError)) throw err;
      const message =
        err.status === 413 ? `A call may be at most ${MAX_BODY} bytes.` : 'The call did not arrive in time.';
      sendJson(res, err.status, { ok: false, error: { code: 'INVALID_INPUT', message } }, { connection: 'close' });
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      sendJson(res, 400, { ok: false, error: { code: 'INVALID_INPUT', message: 'The call is not valid JSON.' } });
      return;
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      sendJson(res, 400, {
        ok: false,
        error: { code: 'INVALID_INPUT', message: 'A call is {"method": "...", "input": {...}}.' },
      });
      return;
    }
    const { method, input, ...extra } = body as { method?: unknown; input?: unknown };
    if (Object.keys(extra).length > 0) {
      sendJson(res, 400, {
        ok: false,
        error: {
          code: 'INVALID_INPUT',
          message: `Unexpected field(s) in the call: ${short(Object.keys(extra).join(', '))}.`,
        },
      });
      return;
    }
    const result = await core.dispatch(method, input);
    sendJson(res, 200, result);
  };

  const server = guardedServer('web server', limits, log, (req, res) => {
    const target = parseTarget(req.url);
    if (!target) {
      sendJson(res, 400, { ok: false, error: { code: 'INVALID_INPUT', message: 'Bad request target.' } });
      return;
    }
    if (!hostOk(req, target)) {
      plainError(res, 421, 'Counter POS answers only on 127.0.0.1.');
      return;
    }
    const path = target.pathname;
    if (isCallbackPath(path)) {
      // intermediaries' returns and notifications: verified by signature, not by the till's token
      return callbacks(req, res, target);
    }
    if (path === '/api/invoke') {
      if (req.method !== 'POST') {
        sendJson(res, 405, { ok: false, error: { code: 'INVALID_INPUT', message: 'Use POST.' } });
        return;
      }
      return invoke(req, res);
    }
    if (path.startsWith('/api/')) {
      sendJson(res, 404, { ok: false, error: { code: 'UNKNOWN_METHOD', message: `No such endpoint ${short(path)}.` } });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      plainError(res, 405, 'Method not allowed.');
      return;
    }
    serveStatic(res, target, req.method === 'HEAD');
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  const sockets = new Set<WebSocket>();
  const customerSockets = new Set<WebSocket>();
  const refuse = (socket: Duplex, status: string) => {
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () => socket.destroy());
  };
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    try {
      const target = parseTarget(req.url);
      if (!target) return refuse(socket, '400 Bad Request');
      if (!hostOk(req, target)) return refuse(socket, '421 Misdirected Request');
      const customer = target.pathname === '/api/customer';
      if (target.pathname !== '/api/events' && !customer) return refuse(socket, '404 Not Found');
      if (!fromOwnPage(req)) return refuse(socket, '403 Forbidden');
      if (!sameToken(target.searchParams.get('token'), customer ? customerToken : token))
        return refuse(socket, '401 Unauthorized');
      wss.handleUpgrade(req, socket, head, (ws) => {
        const set = customer ? customerSockets : sockets;
        set.add(ws);
        ws.on('error', () => ws.terminate());
        ws.on('close', () => set.delete(ws));
        ws.on('message', () => ws.close(1008, 'events only'));
        // the customer display starts from what it should show now
        if (customer) ws.send(JSON.stringify(core.customerDisplay.view()));
      });
    } catch (err) {
      log(`web server: upgrade ${short(req.url, 48)} failed: ${short((err as Error)?.message ?? err, 200)}`);
      if (socket.writable) refuse(socket, '500 Internal Server Error');
      else socket.destroy();
    }
  });
  const unsubscribe = core.events.subscribe((event, payload) => {
    const text = JSON.stringify({ event, payload });
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text);
  });
  const unsubscribeCustomer = core.customerDisplay.subscribe((view) => {
    if (customerSockets.size === 0) return;
    const text = JSON.stringify(view);
    for (const ws of customerSockets) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  await listenLoopback(server, options.port, log, 'web server');
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/?token=${token}`;
  return {
    server,
    url,
    token,
    customerUrl: `http://127.0.0.1:${port}/customer?key=${customerToken}`,
    customerToken,
    port,
    close: () =>
      new Promise<void>((done) => {
        unsubscribe();
        unsubscribeCustomer();
        for (const ws of [...sockets, ...customerSockets]) ws.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
