/**
 * Small HTTP helpers: bounded body reading, form decoding that tolerates UTF-8 and GBK, GBK
 * URL-encoding (YeePay), and answers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import iconv from 'iconv-lite';

export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The server's limits (src/sandbox/server.ts): a client of the sandbox is the till's poller (32
 * calls in flight at most), a bench driver and a few browser pages; every body is sent at once.
 * These are far above that and drop a slow-loris client within seconds.
 */
export interface ServerLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** a body that stops arriving for this long is dropped */
  bodyIdleMs: number;
  keepAliveTimeoutMs: number;
  maxConnections: number;
  /** how often Node checks the two request timeouts */
  checkEveryMs: number;
}

export const SERVER_LIMITS: ServerLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  bodyIdleMs: 5_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 256,
  checkEveryMs: 1_000,
};

export class BodyTooLarge extends Error {}
export class BodyTooSlow extends Error {}

export function readBody(
  req: IncomingMessage,
  limit = MAX_BODY_BYTES,
  idleMs = SERVER_LIMITS.bodyIdleMs,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (err: Error | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        req.removeAllListeners('data');
        req.pause();
        reject(err);
      } else resolve(Buffer.concat(chunks));
    };
    const idle = () => settle(new BodyTooSlow('the request body stopped arriving'));
    let timer = setTimeout(idle, idleMs);
    req.on('data', (c: Buffer) => {
      if (settled) return;
      size += c.length;
      if (size > limit) return settle(new BodyTooLarge(`body over ${limit} bytes`));
      chunks.push(c);
      clearTimeout(timer);
      timer = setTimeout(idle, idleMs);
    });
    req.on('end', () => settle(null));
    req.on('error', (e) => settle(e));
    req.on('close', () => settle(new Error('the request was aborted')));
  });
}

/** At most `max` characters of untrusted text, printable, for an error message or a log line. */
export function short(text: unknown, max = 32): string {
  const s = String(text ?? '').replace(/[^\x20-\x7e\u00a0-\uffff]/g, '?');
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/**
 * The request target as origin-form (`/path?query`), or null when it is malformed: not origin- or
 * absolute-form, not a URL, or a path whose percent-encoding is not UTF-8 (`/%`, `/%ff`). An
 * absolute-form target (`http://host/path`) becomes its path and query, raw bytes kept.
 */
export function originForm(raw: string | undefined): string | null {
  const text = raw ?? '';
  try {
    let path: string;
    if (text.startsWith('/')) path = text;
    else if (/^https?:\/\//i.test(text)) {
      new URL(text);
      const slash = text.indexOf('/', text.indexOf('//') + 2);
      path = slash < 0 ? '/' : text.slice(slash);
      if (!path.startsWith('/')) return null;
    } else return null;
    decodeURIComponent(new URL(`http://target.invalid${path}`).pathname);
    return path;
  } catch {
    return null;
  }
}

export type Charset = 'utf-8' | 'gbk';

/** Map a declared charset to one we decode; unknown → null. */
export function normaliseCharset(text: string | undefined | null): Charset | null {
  const c = (text ?? '').trim().toLowerCase();
  if (c === '' || c === 'utf-8' || c === 'utf8') return 'utf-8';
  if (c === 'gbk' || c === 'gb2312' || c === 'gb18030') return 'gbk';
  return null;
}

/** The charset from a Content-Type header, if any. */
export function contentTypeCharset(req: IncomingMessage): string | null {
  const m = /charset=([^;\s]+)/i.exec(req.headers['content-type'] ?? '');
  return m?.[1]?.replace(/"/g, '') ?? null;
}

/** Percent-decode to bytes (`+` is a space); a stray `%` is kept literally. */
function percentBytes(text: string): Buffer {
  const out: number[] = [];
  const src = Buffer.from(text.replace(/\+/g, ' '), 'latin1');
  for (let i = 0; i < src.length; i++) {
    const b = src[i] as number;
    if (
      b === 0x25 &&
      i + 2 < src.length + 0 &&
      /^[0-9a-fA-F]{2}$/.test(String.fromCharCode(src[i + 1] ?? 0, src[i + 2] ?? 0))
    ) {
      out.push(parseInt(String.fromCharCode(src[i + 1] as number, src[i + 2] as number), 16));
      i += 2;
    } else out.push(b);
  }
  return Buffer.from(out);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decode bytes: GBK when declared; otherwise UTF-8 if the bytes are valid UTF-8, else GBK (old
 * merchant pages post GBK forms whatever their headers say).
 */
export function decodeBytes(bytes: Buffer, charset: Charset | null): string {
  if (charset === 'gbk') return iconv.decode(bytes, 'gbk');
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return iconv.decode(bytes, 'gbk');
  }
}

/**
 * Parse `a=1&b=2` (raw bytes as latin1 text, so non-ASCII raw bytes survive) into a record.
 * Values are percent-decoded into bytes and then decoded per `decodeBytes`. Later keys win.
 */
export function parseForm(raw: Buffer | string, charset: Charset | null): Record<string, string> {
  const text = typeof raw === 'string' ? raw : raw.toString('latin1');
  const out: Record<string, string> = {};
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const k = eq < 0 ? pair : pair.slice(0, eq);
    const v = eq < 0 ? '' : pair.slice(eq + 1);
    const key = decodeBytes(percentBytes(k), charset);
    if (key === '' || key === '__proto__') continue;
    out[key] = decodeBytes(percentBytes(v), charset);
  }
  return out;
}

/** The raw query string of a request URL (after `?`), or ''. */
export function rawQuery(url: string | undefined): string {
  const i = (url ?? '').indexOf('?');
  return i < 0 ? '' : (url ?? '').slice(i + 1);
}

/** Java `URLEncoder.encode(v, "GBK")`: unreserved `A-Za-z0-9.-*_` kept, space → `+`. */
export function gbkUrlEncode(value: string): string {
  let out = '';
  for (const b of iconv.encode(value, 'gbk')) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9.\-*_]/.test(c)) out += c;
    else if (b === 0x20) out += '+';
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

export function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': String(buf.length),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(buf);
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value, null, 2) + '\n');
}

export function redirect(res: ServerResponse, location: string, status = 303): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { location, 'content-length': '0', 'cache-control': 'no-store' });
  res.end();
}

export const HTML_500 =
  '<html><head><title>500 Internal Server Error</title></head><body><center><h1>500 Internal Server Error</h1></center><hr><center>Tengine</center></body></html>';

/** The base URL as the caller reached us (Host header), so QR links work however the app is configured. */
export function callerBase(req: IncomingMessage, fallback: string): string {
  const host = req.headers.host;
  return host && /^[A-Za-z0-9.\-:[\]]+$/.test(host) ? `http://${host}` : fallback;
}
