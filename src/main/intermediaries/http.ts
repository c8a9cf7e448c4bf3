/**
 * The default HTTP for the payment clients (fetch with a timeout, never throwing for an HTTP status)
 * and the helpers that turn one request into an `Exchange` for the payment journal.
 *
 * Redaction: the clients never put a key into a request body (Alipay and WeChat send only the
 * signature; YeePay only the hmac), and `send` additionally scrubs every configured secret out of the
 * recorded request, URL, response and error text, so a bug elsewhere cannot leak one into the journal.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { NetworkTrouble } from '../../shared/outcomes';
import type { ClientDeps, Exchange, Http, HttpRequest, HttpResponse, Unknown } from './provider';

/** Journal bodies are cut to this many characters. */
export const MAX_JOURNAL_CHARS = 16 * 1024;

/** fetch with `AbortSignal.timeout`; HTTP statuses (4xx, 5xx) come back as responses, never thrown. */
export const fetchHttp: Http = async (req: HttpRequest): Promise<HttpResponse> => {
  const res = await fetch(req.url, {
    method: req.method,
    headers: req.headers,
    body: req.method === 'POST' ? (req.body === undefined ? undefined : new Uint8Array(toBuffer(req.body))) : undefined,
    signal: AbortSignal.timeout(req.timeoutMs),
    redirect: 'manual',
  });
  const headers: Record<string, string> = {};
  res.headers.forEach((value, key) => {
    headers[key.toLowerCase()] = value;
  });
  return { status: res.status, headers, body: Buffer.from(await res.arrayBuffer()) };
};

function toBuffer(body: string | Buffer): Buffer {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}

export function truncate(text: string, max = MAX_JOURNAL_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}…[truncated ${text.length - max} chars]`;
}

/** Replace every occurrence of each secret (and its URL-encoded form) with `[redacted]`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s.length < 6) continue;
    out = out.split(s).join('[redacted]');
    const enc = encodeURIComponent(s);
    if (enc !== s) out = out.split(enc).join('[redacted]');
  }
  return out;
}

/** The system's error code under fetch's "fetch failed" (its `cause`, or the first of an AggregateError's). */
function errorCode(err: Error): string {
  const codeOf = (e: unknown): string =>
    e && typeof e === 'object' && 'code' in e && typeof (e as { code: unknown }).code === 'string'
      ? (e as { code: string }).code
      : '';
  const cause = (err as { cause?: unknown }).cause;
  const inner = cause instanceof AggregateError ? cause.errors[0] : undefined;
  return codeOf(cause) || codeOf(inner) || codeOf(err);
}

const NEVER_SENT: Record<string, NetworkTrouble> = {
  ECONNREFUSED: 'refused',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EHOSTUNREACH: 'no_route',
  ENETUNREACH: 'no_route',
};

/**
 * Why a request got no response. A refused connection, a name that does not resolve and no route
 * fail before a byte is sent (the intermediary never had the request); a timeout, a reset, a TLS
 * failure or anything else may come after it had it.
 */
export function classifyError(err: unknown): NetworkTrouble {
  if (!(err instanceof Error)) return 'other';
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'timeout';
  const code = errorCode(err);
  if (NEVER_SENT[code]) return NEVER_SENT[code];
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET') return 'reset';
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || code.endsWith('_TIMEOUT')) return 'timeout';
  if (/TLS|SSL|CERT|EPROTO/.test(code)) return 'tls';
  return 'other';
}

/** A short, human-readable reason for a failed request: timeout, connection refused, DNS… */
export function describeError(err: unknown, timeoutMs: number): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError' || err.name === 'AbortError') return `no answer within ${timeoutMs} ms (timeout)`;
    const code = errorCode(err);
    if (code === 'ECONNREFUSED') return 'connection refused (is the intermediary reachable?)';
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found (DNS)';
    if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'no route to the intermediary';
    if (code === 'ECONNRESET') return 'connection reset';
    if (code) return `network error ${code}`;
    return `network error: ${err.message}`;
  }
  return `network error: ${String(err)}`;
}

export interface SendOptions {
  op: string;
  req: Omit<HttpRequest, 'timeoutMs'> & { timeoutMs?: number };
  /** the request as recorded in the journal (defaults to the body as UTF-8 text) */
  requestText?: string;
  /** how to show the response body in the journal (default UTF-8 text) */
  showResponse?: (body: Buffer) => string;
  secrets: readonly string[];
}

export interface Sent {
  exchange: Exchange;
  /** null when no HTTP response came (timeout, refused…) */
  response: HttpResponse | null;
  /** why no response came */
  error: string | null;
  /** why no response came, as a class (null when one came) */
  trouble: NetworkTrouble | null;
}

/** Send one request through `deps.http`, never throwing, and record it as an Exchange. */
export async function send(deps: ClientDeps, opts: SendOptions): Promise<Sent> {
  const timeoutMs = opts.req.timeoutMs ?? deps.timeoutMs;
  const at = deps.now();
  const started = performance.now();
  const requestText = opts.requestText ?? (opts.req.body === undefined ? '' : toBuffer(opts.req.body).toString('utf8'));
  let response: HttpResponse | null = null;
  let error: string | null = null;
  let trouble: NetworkTrouble | null = null;
  try {
    response = await deps.http({ ...opts.req, timeoutMs });
  } catch (err) {
    error = describeError(err, timeoutMs);
    trouble = classifyError(err);
  }
  deps.answered?.(opts.op); // the intermediary has the request (and answered); the crash matrix may stop here
  const ms = Math.round(performance.now() - started);
  const shown = response ? (opts.showResponse ?? ((b: Buffer) => b.toString('utf8')))(response.body) : null;
  const exchange: Exchange = {
    op: opts.op,
    at,
    method: opts.req.method,
    url: redact(opts.req.url, opts.secrets),
    request: truncate(redact(requestText, opts.secrets)),
    status: response ? response.status : null,
    response: shown === null ? null : truncate(redact(shown, opts.secrets)),
    error: error === null ? null : redact(error, opts.secrets),
    ms,
  };
  return { exchange, response, error, trouble };
}

/** A journal entry for a request that was signed but handed to the buyer's browser, not sent by us. */
export function handedOff(
  op: string,
  at: number,
  url: string,
  requestText: string,
  secrets: readonly string[],
): Exchange {
  return {
    op,
    at,
    method: 'POST',
    url: redact(url, secrets),
    request: truncate(redact(requestText, secrets)),
    status: null,
    response: null,
    error: null,
    ms: 0,
  };
}

/** How a binary body (a zip) is shown in the journal. */
export function describeBinary(body: Buffer): string {
  return `<binary ${body.length} bytes, sha256 ${createHash('sha256').update(body).digest('hex')}>`;
}

/**
 * The transport-level verdict on a response that is not a normal answer: no response at all, an HTTP
 * status other than 200, an empty body or an HTML error page. Returns null when the body should be
 * parsed as the protocol's own format.
 */
export function transportFailure(sent: Sent): Unknown | null {
  if (!sent.response) return { kind: 'unknown', reason: sent.error ?? 'no answer', trouble: sent.trouble ?? 'other' };
  const { status, body, headers } = sent.response;
  if (status !== 200) {
    const html = looksLikeHtml(body, headers) ? ' (an HTML error page)' : '';
    const reason = `HTTP ${status} from the intermediary${html}`;
    return status >= 500 ? { kind: 'unknown', reason, trouble: 'server' } : { kind: 'unknown', reason };
  }
  if (body.length === 0) return { kind: 'unknown', reason: 'empty answer (HTTP 200 with no body)' };
  if (looksLikeHtml(body, headers))
    return { kind: 'unknown', reason: 'an HTML page instead of an answer (a proxy or error page?)' };
  return null;
}

/**
 * An HTML page (a proxy's or gateway's error page), judged by the body alone: the real Alipay gateway
 * declares `text/html` for its JSON answers, so the content type proves nothing.
 */
export function looksLikeHtml(body: Buffer, _headers: Record<string, string>): boolean {
  const head = body.subarray(0, 512).toString('latin1').trimStart().toLowerCase();
  return /^<(!doctype html|html|head|body|title|meta|h1|center)\b/.test(head);
}

/** Thrown for an operation a provider declares unsupported in its capabilities (a caller bug). */
export class UnsupportedOperation extends Error {
  constructor(
    readonly provider: string,
    readonly operation: string,
  ) {
    super(`${provider} does not support ${operation} (see its capabilities)`);
    this.name = 'UnsupportedOperation';
  }
}

/** Constant-time comparison of two ASCII strings (signatures, MACs). */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  if (ab.length !== bb.length) {
    // still spend comparable time
    timingSafeEqual(ab, ab);
    return false;
  }
  return timingSafeEqual(ab, bb);
}
