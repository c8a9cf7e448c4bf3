/**
 * Where intermediaries call back: `/pay/{provider}/callback` takes YeePay's browser return
 * (r9_BType=1) and server call (r9_BType=2) and Alipay/WeChat notifications. Each is verified by
 * the provider's client and is only a hint: the core then queries the order status. Browser mode
 * mounts this on its loopback server; the Electron shell runs it on its own loopback port.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Core } from './core/core';
import { SummaryLog } from './core/log-summary';
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
import type { ProviderId } from '../shared/types';

const PATH = /^\/pay\/(alipay|wechat|yeepay)\/callback$/;
const MAX = 64 * 1024;

const RETURN_PAGE = (
  ok: boolean,
) => `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>Counter POS</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:20px/1.5 system-ui,sans-serif;display:grid;place-items:center;height:100vh;margin:0;background:#f4f6f8;color:#1c2430}
main{background:#fff;padding:32px 40px;border-radius:12px;box-shadow:0 2px 12px #0002;text-align:center}</style></head>
<body><main data-testid="cashier-returned"><h1>${ok ? '已返回收银台 · Back at the till' : '无法确认 · Could not be confirmed'}</h1>
<p>${ok ? '收银台正在向支付机构确认这笔付款，可以关闭此窗口。<br>The till is confirming the payment with the intermediary; you can close this window.' : '这个返回无法验证，收银台会继续向支付机构查询。<br>This return could not be verified; the till keeps asking the intermediary.'}</p></main></body></html>`;

export function isCallbackPath(pathname: string): boolean {
  return PATH.test(pathname);
}

/** What each intermediary takes as "not accepted, send it again later". */
const FAIL_BODY: Record<ProviderId, { contentType: string; body: string }> = {
  alipay: { contentType: 'text/plain; charset=utf-8', body: 'fail' },
  wechat: {
    contentType: 'text/xml; charset=utf-8',
    body: '<xml><return_code><![CDATA[FAIL]]></return_code><return_msg><![CDATA[too many notifications]]></return_msg></xml>',
  },
  yeepay: { contentType: 'text/plain; charset=utf-8', body: 'fail' },
};

export interface NotificationLimit {
  /** notifications one source (remote address × provider) may send at once */
  burst: number;
  /** and then per second */
  perSecond: number;
}

/**
 * An intermediary sends a handful of notifications per payment (Alipay retries up to 8 times over
 * a day, WeChat 15), and a YeePay browser return is one per payment: 30 at once and one a second
 * is far above a till's traffic, and keeps a flood from costing a signature check each.
 */
export const DEFAULT_NOTIFICATION_LIMIT: NotificationLimit = { burst: 30, perSecond: 1 };

/** Token buckets per source; at most `maxSources` remembered (beyond it the oldest half is forgotten). */
export class NotificationLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly limit: NotificationLimit = DEFAULT_NOTIFICATION_LIMIT,
    private readonly now: () => number = Date.now,
    private readonly maxSources = 1024,
  ) {}

  /** Takes one notification from `source`'s allowance; false when it is spent. */
  take(source: string): boolean {
    const now = this.now();
    let b = this.buckets.get(source);
    if (b) {
      b.tokens = Math.min(this.limit.burst, b.tokens + ((now - b.at) / 1000) * this.limit.perSecond);
      b.at = now;
    } else {
      if (this.buckets.size >= this.maxSources) this.forget();
      b = { tokens: this.limit.burst, at: now };
      this.buckets.set(source, b);
    }
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  private forget(): void {
    for (const key of this.buckets.keys()) {
      this.buckets.delete(key);
      if (this.buckets.size < this.maxSources / 2) return;
    }
  }
}

export interface CallbackOptions {
  log?: (line: string) => void;
  limits?: ServerLimits;
  notificationLimit?: NotificationLimit;
}

export type CallbackHandler = (req: IncomingMessage, res: ServerResponse, target: Target) => Promise<void>;

/**
 * The handler for `/pay/{provider}/callback` (mounted by both transports): a per-source rate
 * limit, a bounded body read with an idle timeout, then `Payments.incoming`. Refusals beyond the
 * rate limit are logged as one summary line per minute, not one per request.
 */
export function callbackHandler(core: Core, options: CallbackOptions = {}): CallbackHandler {
  const log = options.log ?? defaultLog;
  const limits = options.limits ?? DEFAULT_LIMITS;
  const limiter = new NotificationLimiter(options.notificationLimit);
  const summary = new SummaryLog(log);
  return async (req, res, target) => {
    const m = PATH.exec(target.pathname);
    if (!m) {
      plainError(res, 404, 'not found');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'POST') {
      res.setHeader('allow', 'GET, POST');
      plainError(res, 405, 'method not allowed');
      return;
    }
    const provider = m[1] as ProviderId;
    const query = Object.fromEntries(target.searchParams.entries());
    const browserReturn = provider === 'yeepay' && query.r9_BType === '1';
    const source = `${req.socket.remoteAddress ?? '?'} ${provider}`;
    if (!limiter.take(source)) {
      summary.line(
        `rate ${source}`,
        `${provider} notifications from ${short(req.socket.remoteAddress)} over the rate limit: answered 429`,
      );
      res.writeHead(429, {
        'content-type': browserReturn ? 'text/html; charset=utf-8' : FAIL_BODY[provider].contentType,
        'retry-after': '5',
        connection: 'close',
      });
      res.end(browserReturn ? RETURN_PAGE(false) : FAIL_BODY[provider].body);
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(req, MAX, limits.bodyIdleMs);
    } catch (err) {
      if (err instanceof BodyError) {
        res.setHeader('connection', 'close');
        plainError(res, err.status, err.message);
        return;
      }
      throw err;
    }
    const reply = await core.payments.incoming(provider, {
      method: req.method,
      query,
      body,
      contentType: String(req.headers['content-type'] ?? ''),
    });
    if (res.destroyed) return;
    if (browserReturn) {
      const ok = reply.status === 200 && reply.body.toLowerCase().startsWith('success');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(RETURN_PAGE(ok));
      return;
    }
    res.writeHead(reply.status, { 'content-type': reply.contentType });
    res.end(reply.body);
  };
}

const defaultLog = (line: string) => process.stderr.write(`${line}\n`);

/**
 * A loopback server that answers only the callback paths (the Electron shell's), on
 * 127.0.0.1:port or localhost:port only (DNS rebinding), as robust as browser mode's server.
 */
export async function startCallbackServer(
  core: Core,
  port = 0,
  options: CallbackOptions = {},
): Promise<{ server: Server; base: string; close(): Promise<void> }> {
  const log = options.log ?? defaultLog;
  const limits = options.limits ?? { ...DEFAULT_LIMITS, maxConnections: 32 };
  const callbacks = callbackHandler(core, { ...options, log, limits });
  let bound = 0;
  const allowedHost = (host: string | undefined | null) =>
    host === `127.0.0.1:${bound}` || host === `localhost:${bound}`;
  const server = guardedServer('callback server', limits, log, (req, res) => {
    const target = parseTarget(req.url);
    if (!target) return plainError(res, 400, 'Bad request target.');
    if (!allowedHost(req.headers.host) || (target.authority !== null && !allowedHost(target.authority))) {
      return plainError(res, 421, 'Counter POS answers only on 127.0.0.1.');
    }
    if (!isCallbackPath(target.pathname)) return plainError(res, 404, 'not found');
    return callbacks(req, res, target);
  });
  server.on('upgrade', (_req, socket: Duplex) => {
    socket.on('error', () => undefined);
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n', () => socket.destroy());
  });
  await listenLoopback(server, port, log, 'callback server');
  bound = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${bound}`;
  return {
    server,
    base,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}
