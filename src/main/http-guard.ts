/**
 * What every loopback server of the main process (browser mode's `web-server.ts`, the Electron
 * shell's `callback-server.ts`) shares so that no request, however malformed or slow, stops the
 * till: the request target parsed without throwing, every handler guarded (an unexpected error is a
 * 500 and one log line, never an uncaught exception), malformed requests answered 400 by Node's
 * parser hook (`clientError`), timeouts on headers and bodies, and a cap on connections.
 * See docs/architecture.md (Browser mode) for the values and why.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

export interface ServerLimits {
  /** the request line and headers must arrive within this (Node's `headersTimeout`) */
  headersTimeoutMs: number;
  /** the whole request, body included, must arrive within this (Node's `requestTimeout`) */
  requestTimeoutMs: number;
  /** a body that stops arriving for this long is dropped (408) */
  bodyIdleMs: number;
  /** an idle keep-alive connection is closed after this */
  keepAliveTimeoutMs: number;
  /** connections beyond this are refused at once (Node's `maxConnections`) */
  maxConnections: number;
  /** how often Node checks the two request timeouts (its default, 30 s, would let them run late) */
  checkEveryMs: number;
}

/**
 * A till's own page keeps one WebSocket and at most six keep-alive connections (Chromium's limit
 * per host) and sends calls of at most 64 KiB over loopback, which arrive in milliseconds; a
 * Playwright run opens a few pages at most. These values are far above that and still drop a
 * slow-loris client within seconds.
 */
export const DEFAULT_LIMITS: ServerLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  bodyIdleMs: 5_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 128,
  checkEveryMs: 1_000,
};

/** At most `max` characters of untrusted text, printable, for a message or a log line. */
export function short(text: unknown, max = 32): string {
  const s = String(text ?? '').replace(/[^\x20-\x7e\u00a0-\uffff]/g, '?');
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

export interface Target {
  /** the path, still percent-encoded (it is known to decode as UTF-8) */
  pathname: string;
  searchParams: URLSearchParams;
  /** host[:port] of an absolute-form target (`GET http://127.0.0.1:5178/ HTTP/1.1`), else null */
  authority: string | null;
}

/**
 * Parses a request target without throwing: origin-form (`/path?query`) or absolute-form
 * (`http://host:port/path`); anything else, a URL that does not parse, or a path whose
 * percent-encoding is not UTF-8 (`/%`, `/%ff`) is null, answered 400 by the caller.
 */
export function parseTarget(raw: string | undefined): Target | null {
  const text = raw ?? '';
  try {
    let url: URL;
    let authority: string | null = null;
    if (text.startsWith('/')) {
      // a fixed origin in front, so that `//evil.example/x` stays a path, not another host
      url = new URL(`http://target.invalid${text}`);
    } else if (/^https?:\/\//i.test(text)) {
      url = new URL(text);
      authority = url.host;
    } else {
      return null;
    }
    decodeURIComponent(url.pathname);
    return { pathname: url.pathname, searchParams: url.searchParams, authority };
  } catch {
    return null;
  }
}

/** Answers a plain-text error unless an answer has begun (then the connection is dropped). */
export function plainError(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(text);
}

/** Node's own answer to a request its parser refused (bad request line, headers too big, too slow). */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  try {
    const answered =
      (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
    if (!socket.writable || answered || err.code === 'ECONNRESET' || err.code === 'EPIPE') {
      socket.destroy();
      return;
    }
    const status =
      err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? '408 Request Timeout'
        : err.code === 'HPE_HEADER_OVERFLOW'
          ? '431 Request Header Fields Too Large'
          : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () => socket.destroy());
  } catch {
    socket.destroy();
  }
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/**
 * An HTTP server whose handler cannot stop the process: a throw or a rejected promise becomes a
 * 500 (or a dropped connection if the answer had begun) and one log line naming the method and a
 * short prefix of the path, never a stack trace in the answer.
 */
export function guardedServer(
  name: string,
  limits: ServerLimits,
  log: (line: string) => void,
  handler: Handler,
): Server {
  const fail = (req: IncomingMessage, res: ServerResponse, err: unknown) => {
    try {
      log(
        `${name}: ${short(req.method, 12)} ${short(req.url, 48)} failed: ${short((err as Error)?.message ?? err, 200)}`,
      );
      plainError(res, 500, 'Internal error: the till could not answer this request.');
    } catch {
      res.destroy();
    }
  };
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: limits.checkEveryMs,
    },
    (req, res) => {
      try {
        const done = handler(req, res);
        if (done) done.catch((err: unknown) => fail(req, res, err));
      } catch (err) {
        fail(req, res, err);
      }
    },
  );
  server.maxConnections = limits.maxConnections;
  server.on('clientError', answerClientError);
  return server;
}

/** Listens on 127.0.0.1; afterwards a server error (e.g. out of file descriptors on accept) is logged, not thrown. */
export async function listenLoopback(
  server: Server,
  port: number,
  log: (line: string) => void,
  name: string,
): Promise<void> {
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', fail);
      ok();
    });
  });
  server.on('error', (err: Error) => log(`${name}: ${short(err.message, 200)}`));
}

export class BodyError extends Error {
  constructor(
    readonly status: 408 | 413 | 400,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads a request body of at most `limit` bytes. A body that goes quiet for `idleMs` rejects with
 * 408, one over the limit with 413 (both leave the connection to be destroyed by the caller's
 * answer); an aborted request rejects with 400.
 */
export function readBody(req: IncomingMessage, limit: number, idleMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (err: BodyError | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        req.removeAllListeners('data');
        req.pause();
        reject(err);
      } else resolve(Buffer.concat(chunks));
    };
    let timer = setTimeout(() => finish(new BodyError(408, 'the request body stopped arriving')), idleMs);
    req.on('data', (c: Buffer) => {
      if (settled) return;
      size += c.length;
      if (size > limit) {
        finish(new BodyError(413, `a request body may be at most ${limit} bytes`));
        return;
      }
      chunks.push(c);
      clearTimeout(timer);
      timer = setTimeout(() => finish(new BodyError(408, 'the request body stopped arriving')), idleMs);
    });
    req.on('end', () => finish(null));
    req.on('error', () => finish(new BodyError(400, 'the request was aborted')));
    req.on('close', () => finish(new BodyError(400, 'the request was aborted')));
  });
}
