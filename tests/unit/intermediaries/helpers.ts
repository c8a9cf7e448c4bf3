/** Test helpers for the payment clients: a scripted `http`, a fixed clock, the demo keys. */
import { createSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClientDeps, HttpRequest, HttpResponse } from '../../../src/main/intermediaries/provider';

export const SANDBOX_DIR = join(__dirname, '..', '..', '..', 'resources', 'sandbox');
export const pem = (file: string): string => readFileSync(join(SANDBOX_DIR, file), 'utf8');
export const APP_PRIVATE = pem('alipay-app-private-key.SANDBOX-ONLY.pem');
export const APP_PUBLIC = pem('alipay-app-public-key.SANDBOX-ONLY.pem');
export const PLATFORM_PRIVATE = pem('alipay-platform-private-key.SANDBOX-ONLY.pem');
export const PLATFORM_PUBLIC = pem('alipay-platform-public-key.SANDBOX-ONLY.pem');

/** 2024-01-15 10:00:00 Beijing */
export const NOW = Date.UTC(2024, 0, 15, 2, 0, 0);

export type Reply = HttpResponse | Error | ((req: HttpRequest) => HttpResponse | Error);

export function res(body: string | Buffer, status = 200, headers: Record<string, string> = {}): HttpResponse {
  return { status, headers, body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body };
}

export function timeoutError(): Error {
  const e = new Error('The operation was aborted due to timeout');
  e.name = 'TimeoutError';
  return e;
}

export function refusedError(): Error {
  return new TypeError('fetch failed', {
    cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
  });
}

/** deps whose http answers from a script, recording every request. */
export function scripted(...replies: Reply[]): ClientDeps & { requests: HttpRequest[]; clock: { t: number } } {
  const requests: HttpRequest[] = [];
  const clock = { t: NOW };
  let i = 0;
  return {
    requests,
    clock,
    now: () => clock.t,
    nonce: () => 'ibuaiVcKdpRxkhJA',
    timeoutMs: 5000,
    http: async (req) => {
      requests.push(req);
      const r = replies[Math.min(i++, replies.length - 1)];
      if (r === undefined) throw new Error('no scripted reply');
      const out = typeof r === 'function' ? r(req) : r;
      if (out instanceof Error) throw out;
      return out;
    },
  };
}

/** An Alipay answer signed with the sandbox platform key: `{"<m>_response":{…},"sign":"…"}`. */
export function alipayAnswer(
  method: string,
  data: Record<string, unknown>,
  opts: { key?: string; sign?: string | null; inner?: string } = {},
): string {
  const inner = opts.inner ?? JSON.stringify(data);
  const key = method === 'error' ? 'error_response' : `${method.replaceAll('.', '_')}_response`;
  const sign =
    opts.sign === undefined
      ? createSign('RSA-SHA256')
          .update(inner, 'utf8')
          .sign(opts.key ?? PLATFORM_PRIVATE, 'base64')
      : opts.sign;
  return sign === null ? `{"${key}":${inner}}` : `{"${key}":${inner},"sign":"${sign}"}`;
}

export function rsaSign(text: string, key = PLATFORM_PRIVATE): string {
  return createSign('RSA-SHA256').update(text, 'utf8').sign(key, 'base64');
}
