/**
 * The intermediary sandbox: one loopback HTTP server speaking YeePay's node protocol, Alipay's
 * open-platform gateway and WeChat Pay v2 under path prefixes that mirror the real gateways, plus
 * the customer/cashier pages and the `/_sandbox/` control API. See docs/sandbox.md.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import * as alipay from './alipay';
import { loadCredentials } from './credentials';
import { throwawayRsaKey, type Ctx } from './context';
import { handleControl, type ClockControl } from './control';
import {
  BodyTooLarge,
  BodyTooSlow,
  originForm,
  rawQuery,
  readBody,
  send,
  SERVER_LIMITS,
  sendJson,
  short,
  type ServerLimits,
} from './http';
import { Notifier } from './notifier';
import { messagePage } from './pages';
import { held } from './respond';
import { Scenarios } from './scenarios';
import { alipayJson, alipaySignedBody } from './signing';
import { Store } from './store';
import { tick } from './trades';
import * as wechat from './wechat';
import * as yeepay from './yeepay';
import { buildXml } from './xml';

export interface SandboxOptions {
  port?: number;
  host?: string;
  dataDir: string;
  credentialsFile?: string;
  /** the base clock (ms since epoch); the control API's advances are added to it */
  now?: () => number;
  /** multiplies notification retry delays; default 1 (real habits) */
  notifyTimeScale?: number;
  /** timeouts and the connection cap (defaults: SERVER_LIMITS in ./http; tests pass smaller ones) */
  limits?: Partial<ServerLimits>;
}

export interface SandboxHandle {
  baseUrl: string;
  port: number;
  close(): Promise<void>;
}

export const LISTENING_PREFIX = 'Counter POS sandbox listening at ';

type Family = 'alipay' | 'wechat' | 'yeepay' | 'control' | 'page';

function familyOf(path: string): Family {
  if (path.startsWith('/alipay/gateway.do')) return 'alipay';
  if (path.startsWith('/wechat/pay/') || path.startsWith('/wechat/secapi/')) return 'wechat';
  if (path.startsWith('/yeepay/app-merchant-proxy/command') || path.startsWith('/yeepay/app-merchant-proxy/statement'))
    return 'yeepay';
  if (path.startsWith('/_sandbox')) return 'control';
  return 'page';
}

/** An internal failure, answered in the protocol's own error shape, never a stack trace. */
function internalError(ctx: Ctx, res: ServerResponse, family: Family, req: IncomingMessage): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (family === 'alipay') {
    const method = new URLSearchParams(rawQuery(req.url)).get('method');
    const key =
      method && /^[A-Za-z0-9.]{1,100}$/.test(method) ? `${method.replace(/\./g, '_')}_response` : 'error_response';
    const inner = alipayJson({
      code: '20000',
      msg: 'Service Currently Unavailable',
      sub_code: 'isp.unknow-error',
      sub_msg: '系统繁忙',
    });
    return send(res, 200, 'text/html;charset=utf-8', alipaySignedBody(key, inner, ctx.creds.alipay.platformPrivateKey));
  }
  if (family === 'wechat')
    return send(
      res,
      200,
      'text/xml; charset=utf-8',
      buildXml({ return_code: 'FAIL', return_msg: '系统错误', err_code: 'SYSTEMERROR' }),
    );
  if (family === 'yeepay') return send(res, 200, 'text/plain;charset=GBK', 'r1_Code=-100\nsystem error\n');
  if (family === 'control') return sendJson(res, 500, { error: 'internal error' });
  return send(res, 500, 'text/html; charset=utf-8', messagePage('Error', '系统繁忙 System busy, try again'));
}

function tooLarge(res: ServerResponse, family: Family): void {
  // the rest of the body is never read: the connection closes after the answer
  const close = { connection: 'close' };
  if (family === 'wechat')
    return send(
      res,
      200,
      'text/xml; charset=utf-8',
      buildXml({ return_code: 'FAIL', return_msg: '请求数据过大' }),
      close,
    );
  send(res, 413, 'text/plain; charset=utf-8', 'request body too large', close);
}

async function route(
  ctx: Ctx,
  clock: ClockControl,
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
): Promise<void> {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  const method = req.method ?? 'GET';
  if (path === '/alipay/gateway.do') return alipay.handleGateway(ctx, req, res, body);
  const wechatOp = wechat.WECHAT_PATHS[path];
  if (wechatOp) return wechat.handleApi(ctx, req, res, wechatOp, body);
  if (path === '/yeepay/app-merchant-proxy/node') return yeepay.handleNode(ctx, req, res, body);
  if (path === '/yeepay/app-merchant-proxy/command') return yeepay.handleCommand(ctx, req, res, body);
  if (path === '/yeepay/app-merchant-proxy/statement' && method === 'GET') return yeepay.handleStatement(ctx, req, res);
  const cashier = /^\/yeepay\/app-merchant-proxy\/cashier\/([^/]+)$/.exec(path);
  if (cashier) return yeepay.handleCashier(ctx, req, res, decodeURIComponent(cashier[1] ?? ''), body);
  const qr = /^\/alipay\/qr\/([A-Za-z0-9]+)$/.exec(path);
  if (qr) return alipay.handleCustomerPage(ctx, req, res, qr[1] ?? '', body);
  if (path === '/alipay/bill/download' && method === 'GET') return alipay.handleBillDownload(ctx, req, res);
  if (path === '/wechat/bizpayurl') return wechat.handleCustomerPage(ctx, req, res, body);
  if (path === '/_sandbox' || path.startsWith('/_sandbox/')) return handleControl(ctx, clock, req, res, path, body);
  if (path === '/' && method === 'GET')
    return send(
      res,
      200,
      'text/html; charset=utf-8',
      messagePage(
        'Counter POS sandbox',
        'Counter POS intermediary sandbox — see docs/sandbox.md; control API at /_sandbox/health',
        { cls: 'ok' },
      ),
    );
  if (path.startsWith('/wechat/'))
    return send(res, 404, 'text/xml; charset=utf-8', buildXml({ return_code: 'FAIL', return_msg: '接口不存在' }));
  send(res, 404, 'text/plain; charset=utf-8', 'not found');
}

export async function startSandbox(options: SandboxOptions): Promise<SandboxHandle> {
  const creds = loadCredentials(options.credentialsFile);
  const store = new Store(options.dataDir);
  const baseNow = options.now ?? Date.now;
  let offset = Number(store.get('clock_offset_ms') ?? '0') || 0;
  const clock: ClockControl = {
    offsetMs: () => offset,
    advance: (ms) => {
      offset += ms;
      store.set('clock_offset_ms', String(offset));
      notifier.kick();
    },
  };
  let linkSecret = store.get('link_secret');
  if (!linkSecret) {
    linkSecret = randomBytes(32).toString('hex');
    store.set('link_secret', linkSecret);
  }
  const host = options.host ?? '127.0.0.1';
  const ctx: Ctx = {
    store,
    creds,
    scenarios: new Scenarios(store),
    now: () => baseNow() + offset,
    notifyTimeScale: options.notifyTimeScale ?? 1,
    baseUrl: '',
    wrongAlipayKey: throwawayRsaKey(),
    linkSecret: Buffer.from(linkSecret, 'hex'),
    kick: () => notifier.kick(),
  };
  const notifier = new Notifier(ctx);
  let closing = false;

  const limits: ServerLimits = { ...SERVER_LIMITS, ...options.limits };
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: limits.checkEveryMs,
    },
    (req, res) => {
      // no request, however malformed, may stop the sandbox: a bad target is a 400, any other
      // failure a 500 in the protocol's shape and one log line
      const target = originForm(req.url);
      if (target === null)
        return send(res, 400, 'text/plain; charset=utf-8', 'bad request target', { connection: 'close' });
      req.url = target;
      const path = target.split('?')[0] ?? '/';
      const family = familyOf(path);
      const fail = (e: unknown) => {
        process.stderr.write(
          `sandbox: ${short(req.method, 12)} ${short(path, 64)}: ${short((e as Error)?.message ?? e, 200)}\n`,
        );
        try {
          internalError(ctx, res, family, req);
        } catch {
          res.destroy();
        }
      };
      void (async () => {
        let body: Buffer;
        try {
          body = await readBody(req, undefined, limits.bodyIdleMs);
        } catch (e) {
          if (e instanceof BodyTooLarge) return tooLarge(res, family);
          if (e instanceof BodyTooSlow)
            return send(res, 408, 'text/plain; charset=utf-8', 'request body too slow', { connection: 'close' });
          return res.destroy();
        }
        if (closing) return res.destroy();
        try {
          // the linkSecret reset guard: a reset wipes kv, so put the secret back
          if (!store.get('link_secret')) store.set('link_secret', ctx.linkSecret.toString('hex'));
          tick(ctx);
          await route(ctx, clock, req, res, body);
        } catch (e) {
          fail(e);
        }
      })().catch(fail);
    },
  );
  server.maxConnections = limits.maxConnections;
  server.on('clientError', (e: NodeJS.ErrnoException, socket: Duplex) => {
    // what Node answers by default, kept explicit: 400 for a request its parser refuses, 408 when too slow
    if (!socket.writable || e.code === 'ECONNRESET' || e.code === 'EPIPE') return socket.destroy();
    const status =
      e.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? '408 Request Timeout'
        : e.code === 'HPE_HEADER_OVERFLOW'
          ? '431 Request Header Fields Too Large'
          : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () => socket.destroy());
  });
  server.on('upgrade', (_req, socket: Duplex) => {
    socket.on('error', () => undefined);
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n', () => socket.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // after listening, a server error (out of file descriptors on accept) is logged, never thrown
  server.on('error', (e) => process.stderr.write(`sandbox: ${short(e.message, 200)}\n`));
  const port = (server.address() as AddressInfo).port;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const baseUrl = `http://${shownHost}:${port}`;
  ctx.baseUrl = baseUrl;
  notifier.start();

  return {
    baseUrl,
    port,
    async close() {
      if (closing) return;
      closing = true;
      await notifier.stop();
      for (const res of held) res.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      store.close();
    },
  };
}
