/**
 * Test-side helpers: start a sandbox on a temp dir, tiny independent clients for WeChat v2 and
 * YeePay written from docs/protocols.md (deliberately not importing the sandbox's signing code), a
 * notification receiver, and the control API.
 */
import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import iconv from 'iconv-lite';
import { startSandbox, type SandboxHandle, type SandboxOptions } from '../../src/sandbox/server';

export const RESOURCES = resolve(__dirname, '../../resources/sandbox');
export const CREDS = JSON.parse(readFileSync(join(RESOURCES, 'credentials.json'), 'utf8')) as {
  yeepay: { merchantId: string; key: string };
  alipay: {
    appId: string;
    sellerId: string;
    appPrivateKeyFile: string;
    appPublicKeyFile: string;
    alipayPrivateKeyFile: string;
    alipayPublicKeyFile: string;
  };
  wechat: { appId: string; mchId: string; apiKey: string };
};
export const pem = (name: string): string => readFileSync(join(RESOURCES, name), 'utf8');
export const APP_PRIVATE_KEY = pem(CREDS.alipay.appPrivateKeyFile);
export const PLATFORM_PUBLIC_KEY = pem(CREDS.alipay.alipayPublicKeyFile);
export const PLATFORM_PRIVATE_KEY = pem(CREDS.alipay.alipayPrivateKeyFile);

export interface Running {
  sb: SandboxHandle;
  base: string;
  dir: string;
  stop(): Promise<void>;
}

export async function start(
  opts: Partial<SandboxOptions> = {},
  dir = mkdtempSync(join(tmpdir(), 'sandbox-test-')),
): Promise<Running> {
  const sb = await startSandbox({ port: 0, dataDir: dir, notifyTimeScale: 0.0002, ...opts });
  return {
    sb,
    base: sb.baseUrl,
    dir,
    async stop() {
      await sb.close();
    },
  };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

// ---------------------------------------------------------------- control API

export async function control<T = Record<string, unknown>>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(base + '/_sandbox' + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

export const scenario = (base: string, s: Record<string, unknown>) => control(base, 'POST', '/scenarios', s);
export const advance = (base: string, seconds: number) => control(base, 'POST', '/clock/advance', { seconds });
export const tradeOf = (base: string, provider: string, otn: string) =>
  control<Record<string, unknown>>(base, 'GET', `/trades/${provider}/${otn}`);

/** Wait (bounded) until `check` returns a truthy value. */
export async function until<T>(
  check: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  timeoutMs = 8000,
  stepMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

export const uniq = (prefix: string): string => `${prefix}${Date.now()}${Math.floor(Math.random() * 1e6)}`;

// ---------------------------------------------------------------- notification receiver

export interface Received {
  method: string;
  url: string;
  body: string;
  at: number;
}

export interface Receiver {
  url: string;
  got: Received[];
  /** answer for the n-th request (0-based) */
  reply: (n: number, r: Received) => string;
  close(): Promise<void>;
}

export async function receiver(reply: (n: number, r: Received) => string): Promise<Receiver> {
  const got: Received[] = [];
  const rec: Receiver = { url: '', got, reply, close: async () => {} };
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = {
        method: req.method ?? '',
        url: req.url ?? '',
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      got.push(r);
      res.end(rec.reply(got.length - 1, r));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  rec.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`;
  rec.close = () => new Promise((r) => server.close(() => r()));
  return rec;
}

// ---------------------------------------------------------------- WeChat v2 client (docs/protocols.md §3.2)

export function wxSign(fields: Record<string, string>, key: string, type: 'MD5' | 'HMAC-SHA256' = 'MD5'): string {
  const s =
    Object.keys(fields)
      .filter((k) => k !== 'sign' && fields[k] !== '' && fields[k] !== undefined)
      .sort()
      .map((k) => `${k}=${fields[k]}`)
      .join('&') + `&key=${key}`;
  return (
    type === 'MD5'
      ? createHash('md5').update(s, 'utf8').digest('hex')
      : createHmac('sha256', key).update(s, 'utf8').digest('hex')
  ).toUpperCase();
}

export function wxXml(fields: Record<string, string>): string {
  return (
    '<xml>' +
    Object.entries(fields)
      .map(([k, v]) => `<${k}><![CDATA[${v}]]></${k}>`)
      .join('') +
    '</xml>'
  );
}

export function wxParse(xml: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /<([A-Za-z0-9_]+)>(?:<!\[CDATA\[([\s\S]*?)\]\]>|([^<]*))<\/\1>/g;
  for (let m = re.exec(xml); m; m = re.exec(xml)) if (m[1] !== 'xml') out[m[1] as string] = m[2] ?? m[3] ?? '';
  return out;
}

export interface WxAnswer {
  status: number;
  text: string;
  f: Record<string, string>;
  signOk: boolean;
}

export async function wx(
  base: string,
  path: string,
  fields: Record<string, string>,
  opts: { signType?: 'MD5' | 'HMAC-SHA256'; key?: string; timeoutMs?: number } = {},
): Promise<WxAnswer> {
  const signType = opts.signType ?? 'MD5';
  const all: Record<string, string> = {
    appid: CREDS.wechat.appId,
    mch_id: CREDS.wechat.mchId,
    nonce_str: Math.random().toString(36).slice(2),
    ...fields,
  };
  if (signType === 'HMAC-SHA256') all['sign_type'] = 'HMAC-SHA256';
  all['sign'] = wxSign(all, opts.key ?? CREDS.wechat.apiKey, signType);
  const res = await fetch(base + '/wechat' + path, {
    method: 'POST',
    body: wxXml(all),
    signal: AbortSignal.timeout(opts.timeoutMs ?? 8000),
  });
  const text = await res.text();
  const f = wxParse(text);
  return {
    status: res.status,
    text,
    f,
    signOk: f['sign'] !== undefined && f['sign'] === wxSign(f, CREDS.wechat.apiKey, signType),
  };
}

// ---------------------------------------------------------------- YeePay client (docs/protocols.md §1)

export function ypHmac(values: string[], key = CREDS.yeepay.key): string {
  return createHmac('md5', Buffer.from(key, 'utf8'))
    .update(Buffer.from(values.join(''), 'utf8'))
    .digest('hex');
}

export function gbkForm(fields: [string, string][]): string {
  return fields
    .map(([k, v]) => {
      let enc = '';
      for (const b of iconv.encode(v, 'gbk')) {
        const c = String.fromCharCode(b);
        enc += /[A-Za-z0-9._*-]/.test(c) ? c : '%' + b.toString(16).toUpperCase().padStart(2, '0');
      }
      return `${k}=${enc}`;
    })
    .join('&');
}

/** Parse a command answer: key=value lines, values GBK URL-encoded. */
export function ypLines(body: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of body.toString('latin1').split('\n')) {
    const i = line.indexOf('=');
    if (i < 0) continue;
    const raw = line.slice(i + 1).replace(/\+/g, ' ');
    const bytes = Buffer.from(
      raw.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
      'latin1',
    );
    out[line.slice(0, i)] = iconv.decode(bytes, 'gbk');
  }
  return out;
}

export async function ypCommand(base: string, fields: [string, string][]): Promise<Record<string, string>> {
  const res = await fetch(base + '/yeepay/app-merchant-proxy/command', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: gbkForm(fields),
  });
  return ypLines(Buffer.from(await res.arrayBuffer()));
}
