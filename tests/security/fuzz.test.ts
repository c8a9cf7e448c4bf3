/**
 * A seeded fuzzer over the whole contract, through the real browser-mode HTTP transport
 * (`startServer`, poller off, scripted Alipay/WeChat providers so payments reach their handlers).
 *
 * Every method of `src/shared/contract.ts` (the list is read from it) gets valid calls, mutations of
 * valid calls (a field dropped, a hostile key added, a type swapped, edge numbers, long and
 * control-character strings, deep nesting, arrays for objects), garbage inputs, raw JSON bodies
 * (`1e400`, `-0`, duplicate and `__proto__` keys, BOMs, bad UTF-8, bodies at and over 64 KiB),
 * unknown and prototype-named methods, and a few transport refusals. Half the phases run as the
 * clerk, half with the owner signed in through `auth.login` (demo PINs 1234 / 8888).
 *
 * After every call: the server still answers; no HTTP 5xx; the answer is a well-formed result with a
 * known error code and never INTERNAL; no stack trace, source path, data directory or `/`-rooted
 * path in it; nothing added to Object.prototype; and a refused call wrote nothing: every table of the
 * database is fingerprinted (all rows, serialised) before and after, with SQLite's total_changes()
 * telling when a new fingerprint is needed (and a random share checked in full anyway). A wrong PIN
 * may count itself (users.failed_count, locked_until) and nothing else. Two more checks: no control
 * characters stored from a text field, and no owner-guarded data (payment settings, users,
 * categories) changed by a clerk without the PIN.
 *
 *   FUZZ_SEED=n      replay a run (the seed is printed on every failure and in the summary)
 *   FUZZ_PAYLOADS=n  how many payloads (default 5200)
 */
import { Agent, request } from 'node:http';
import { realpathSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { contract, type MethodName } from '../../src/shared/contract';
import { ERROR_CODES } from '../../src/shared/errors';
import { LOCK_OUT_MS } from '../../src/main/core/people/auth';
import { FIELDS } from '../../src/main/core/payments/payment-settings';
import { scriptedProviders } from '../support/fake-provider';
import { startServer, type TestServer } from '../support/core';
import {
  CONTROL_STRINGS,
  EDGE_NUMBERS,
  HOSTILE_KEYS,
  Rng,
  fromPattern,
  generate,
  hasControl,
  longString,
  nested,
  plainText,
  stringsIn,
  type JsonSchema,
} from '../support/fuzz';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_126);
const PAYLOADS = Number(process.env.FUZZ_PAYLOADS ?? 5_200);
const PHASES: readonly Role[] = ['clerk', 'owner', 'clerk', 'owner'];
const MAX_BODY = 64 * 1024;
const DEMO_PINS: Record<Role, string> = { clerk: '1234', owner: '8888' };

type Role = 'clerk' | 'owner';

// ---- the contract, derived ----------------------------------------------------------------------

const METHODS = Object.keys(contract) as MethodName[];
const SCHEMAS = Object.fromEntries(
  METHODS.map((m) => [m, z.toJSONSchema(contract[m].input, { unrepresentable: 'any', io: 'input' }) as JsonSchema]),
) as Record<MethodName, JsonSchema>;
const HAS_APPROVAL = new Set(METHODS.filter((m) => 'approvalPin' in (SCHEMAS[m].properties ?? {})));

// ---- what the fuzzer records ------------------------------------------------------------------

interface Failure {
  kind:
    | 'no-answer'
    | 'server-down'
    | 'http-5xx'
    | 'malformed-answer'
    | 'unknown-error-code'
    | 'internal-error'
    | 'leak'
    | 'prototype-pollution'
    | 'write-on-refusal'
    | 'stored-control-characters'
    | 'clerk-changed-owner-data';
  method: string;
  detail: string;
  phase: number;
  index: number;
  label: string;
  body: string;
}

interface Payload {
  /** which method it aims at (for statistics), or a description */
  method: string;
  label: string;
  body: string | Buffer;
  headers?: Record<string, string>;
  /** the parsed input, when the fuzzer built it as a value (for echo and control-character checks) */
  input?: unknown;
}

/** An answer as it arrives, before it is checked. */
type Wire = { ok?: unknown; value?: unknown; error?: { code?: unknown; message?: unknown } };

interface Answer {
  status: number;
  text: string;
  error?: string;
}

// ---- HTTP: one keep-alive socket, like the renderer -----------------------------------------------

function poster(s: TestServer) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  /** `fresh`: a new connection (the ping, and bodies over the limit, after which the server drops the socket) */
  const send = (
    method: 'POST' | 'GET',
    path: string,
    body: string | Buffer | null,
    headers: Record<string, string>,
    fresh = false,
  ) =>
    new Promise<Answer>((resolve) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: s.web.port,
          path,
          method,
          agent: fresh ? false : agent,
          headers: {
            host: `127.0.0.1:${s.web.port}`,
            ...(body !== null ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', (e) => resolve({ status: 0, text: '', error: e.message }));
        },
      );
      req.setTimeout(15_000, () => req.destroy(new Error('no answer within 15 s')));
      req.on('error', (e) => resolve({ status: 0, text: '', error: e.message }));
      req.end(body ?? undefined);
    });
  const auth = { 'content-type': 'application/json', authorization: `Bearer ${s.web.token}` };
  return {
    invoke: (body: string | Buffer, headers: Record<string, string> = {}) =>
      send('POST', '/api/invoke', body, { ...auth, ...headers }, Buffer.byteLength(body) > MAX_BODY),
    ping: () => send('GET', '/api/ping', null, {}, true),
    call: async (method: string, input: unknown) => {
      const a = await send('POST', '/api/invoke', JSON.stringify({ method, input }), auth);
      return JSON.parse(a.text) as { ok: boolean; value?: unknown; error?: { code: string; message: string } };
    },
    close: () => agent.destroy(),
  };
}

// ---- the database fingerprint ------------------------------------------------------------------

/** Per table, every row serialised; `users/identity` is users without the wrong-PIN counters. */
type Snapshot = Map<string, string>;
const PIN_COUNTERS = new Set(['failed_count', 'locked_until', 'updated_at']);
/** What only the owner may change: payment, reconciliation and discount settings, users, categories. */
const OWNER_GUARDED = ['users/identity', 'categories', 'settings/owner'];

function fingerprinter(s: TestServer) {
  const db = s.core.store.sqlite;
  const tables = (
    db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .all() as { name: string }[]
  )
    .map((t) => t.name)
    // the print queue keeps a job that could not be printed (a PRINTER_* refusal) on purpose, and sends
    // the slips after a cash move in the background, during later calls (core/hardware/print-queue.ts)
    .filter((t) => t !== 'print_jobs');
  // the identity seal is rewritten after every backup, which may finish in the background (after a Z)
  // while a later call runs: it is not that call's write (core/payments/till-identity.ts)
  const all = new Map(
    tables.map((t) => [
      t,
      db
        .prepare(
          t === 'settings' ? `SELECT * FROM settings WHERE key <> 'till.seal' ORDER BY key` : `SELECT * FROM "${t}"`,
        )
        .raw(),
    ]),
  );
  const userCols = (db.prepare('PRAGMA table_info(users)').all() as { name: string }[])
    .map((c) => c.name)
    .filter((c) => !PIN_COUNTERS.has(c));
  const identity = db.prepare(`SELECT ${userCols.map((c) => `"${c}"`).join(', ')} FROM users ORDER BY id`).raw();
  const ownerSettings = db
    .prepare(
      "SELECT * FROM settings WHERE key LIKE 'payments.%' OR key LIKE 'secret.%' OR key LIKE 'recon.%' OR key LIKE 'discount.%' OR key LIKE 'printer.%' OR key LIKE 'cash.%' ORDER BY key",
    )
    .raw();
  const changes = db.prepare('SELECT total_changes()').pluck();
  const snapshot = (): Snapshot => {
    const out: Snapshot = new Map();
    for (const [t, stmt] of all) out.set(t, JSON.stringify(stmt.all()));
    out.set('users/identity', JSON.stringify(identity.all()));
    out.set('settings/owner', JSON.stringify(ownerSettings.all()));
    return out;
  };
  let cached: { at: number; snap: Snapshot } | null = null;
  return {
    tables,
    /** a restore (dataSafety.restore) reopened the store on another connection: fingerprint that one */
    stale: () => s.core.store.sqlite !== db,
    changes: () => changes.get() as number,
    snapshot,
    /** the fingerprint now, recomputed only when something was written since the last one */
    current(): Snapshot {
      const at = changes.get() as number;
      if (!cached || cached.at !== at) cached = { at, snap: snapshot() };
      return cached.snap;
    },
  };
}

function differing(a: Snapshot, b: Snapshot, keys?: readonly string[]): string[] {
  return (keys ?? [...new Set([...a.keys(), ...b.keys()])]).filter((k) => a.get(k) !== b.get(k));
}

/** Control characters stored, as they appear in the serialised rows (JSON escapes C0 and lone surrogates). */
function controlCount(snap: Snapshot): number {
  let n = 0;
  for (const [k, text] of snap) {
    if (k.includes('/')) continue;
    n += (
      text.match(
        /\\u00(?:0[0-8bcef]|1[0-9a-f])|\\[bf]|\u007f|[\u202a-\u202e\u2066-\u2069]|\\ud[89a-f][0-9a-f]{2}|\ufffd/g,
      ) ?? []
    ).length;
  }
  return n;
}

// ---- leaks --------------------------------------------------------------------------------------

/**
 * The owner's data-safety views say where the data, its backups and a restore's export are kept: the
 * owner must find those files on disk. The device settings show the serial port the owner typed for a
 * printer or a pole display (`/dev/ttyUSB0`), and the audit log what was set. Only there, and only in
 * an answer (never an error), may a path appear (docs/security.md); the data directory never does.
 */
const PATH_VIEWS: ReadonlySet<string> = new Set([
  'dataSafety.overview',
  'dataSafety.restorePlan',
  'dataSafety.restore',
  'dataSafety.setSettings',
  'printer.settings',
  'printer.setSettings',
  // a test print's answer names the port the owner typed when it cannot be opened
  'printer.test',
  'devices.settings',
  'devices.set',
  'audit.list',
  'audit.export',
]);

function leakIn(
  text: string,
  echo: readonly string[],
  dataDirs: readonly string[],
  pathsAllowed = false,
): string | null {
  let t = text;
  for (const s of [...new Set(echo)].filter((e) => e.length >= 3).sort((a, b) => b.length - a.length)) {
    t = t.split(JSON.stringify(s).slice(1, -1)).join(' ').split(s).join(' ');
  }
  if (!pathsAllowed)
    for (const dir of dataDirs)
      if (t.includes(dir) || t.includes(JSON.stringify(dir).slice(1, -1))) return `the data directory (${dir})`;
  const checks: [string, RegExp][] = [
    ['a stack frame', /\\n\s+at \S|\n\s+at \S|\bat (?:async )?[\w$.<>]+ \([^)]*:\d+:\d+\)/],
    ['a source file path', /(?:[\\/][\w.@-]+)+\.(?:ts|tsx|mjs|cjs|js)\b/],
    ['Node internals', /node_modules|node:internal|file:\/\//],
    ['a /-rooted path', /(?:^|[\s"'(=,[])\/[\w.@~+-]+\/[\w.@~+-]+/],
  ];
  for (const [what, re] of checks) {
    if (pathsAllowed && what === 'a /-rooted path') continue;
    const m = re.exec(t);
    if (m) return `${what}: …${t.slice(Math.max(0, m.index - 40), m.index + 80)}…`;
  }
  return null;
}

// ---- the run ------------------------------------------------------------------------------------

interface PhaseState {
  s: TestServer;
  http: ReturnType<typeof poster>;
  fp: ReturnType<typeof fingerprinter>;
  role: Role;
  userId: number;
  ownerId: number;
  pins: Map<number, string>;
  ids: Record<string, unknown[]>;
  idsAt: number;
  uploads: string[];
  tokens: string[];
  zNumbers: string[];
  counter: number;
}

async function startPhase(role: Role): Promise<PhaseState> {
  const { providers } = scriptedProviders();
  const s = await startServer({ poll: false, providers });
  const http = poster(s);
  const users = (await http.call('auth.users', {})).value as { id: number; role: Role }[];
  const byRole = (r: Role) => users.find((u) => u.role === r)!.id;
  const st: PhaseState = {
    s,
    http,
    fp: fingerprinter(s),
    role,
    userId: byRole(role),
    ownerId: byRole('owner'),
    pins: new Map([
      [byRole('clerk'), DEMO_PINS.clerk],
      [byRole('owner'), DEMO_PINS.owner],
    ]),
    ids: {},
    idsAt: -1,
    uploads: [],
    tokens: [],
    zNumbers: [],
    counter: 0,
  };
  const must = async (method: string, input: unknown) => {
    const r = await http.call(method, input);
    if (!r.ok) throw new Error(`fuzz setup: ${method} → ${r.error!.code}: ${r.error!.message}`);
    return r.value as Record<string, unknown>;
  };
  if (role === 'owner') await must('auth.login', { userId: st.userId, pin: DEMO_PINS.owner });
  // something to refer to: a paid order, an open order with a QR payment, a parked cart, an open drawer
  const products = s.core.store.sqlite
    .prepare('SELECT id FROM products WHERE active = 1 ORDER BY id LIMIT 5')
    .pluck()
    .all() as number[];
  const pid = (i: number) => products[i % products.length]!;
  await must('cashSession.open', { floatFen: 10_000 });
  await must('cart.add', { productId: pid(0), qty: 2 });
  await must('cart.add', { productId: pid(1) });
  const paid = await must('checkout.confirm', {});
  await must('checkout.payCash', { orderId: paid.id, tenderedFen: 100_000 });
  await must('cart.add', { productId: pid(2) });
  const open = await must('checkout.confirm', {});
  await must('payments.start', { orderId: open.id, provider: 'alipay', mode: 'qr' });
  await must('cart.add', { productId: pid(3) });
  await must('cart.park', { label: 'fuzz' });
  await must('cart.add', { productId: pid(4), qty: 3 });
  return st;
}

function refreshIds(st: PhaseState): void {
  const at = st.fp.changes();
  if (at === st.idsAt) return;
  st.idsAt = at;
  const db = st.s.core.store.sqlite;
  const col = (sql: string) => db.prepare(sql).pluck().all();
  st.ids = {
    products: col('SELECT id FROM products ORDER BY id LIMIT 200'),
    skus: col('SELECT sku FROM products ORDER BY id LIMIT 50'),
    barcodes: col('SELECT barcode FROM products WHERE barcode IS NOT NULL ORDER BY id LIMIT 50'),
    categories: col('SELECT id FROM categories ORDER BY id'),
    categoryCodes: col('SELECT code FROM categories ORDER BY id'),
    cartLines: col('SELECT id FROM cart_lines ORDER BY id DESC LIMIT 20'),
    carts: col('SELECT id FROM carts ORDER BY id DESC LIMIT 20'),
    orders: col('SELECT id FROM orders ORDER BY id DESC LIMIT 20'),
    attempts: col('SELECT id FROM payment_attempts ORDER BY id DESC LIMIT 20'),
    exceptions: col('SELECT id FROM payment_exceptions ORDER BY id DESC LIMIT 20'),
    reconItems: col('SELECT id FROM recon_items ORDER BY id DESC LIMIT 20'),
    users: col('SELECT id FROM users ORDER BY id'),
  };
}

const DAYS = [
  '2026-11-26',
  '2026-11-25',
  '2026-11-20',
  '2026-11-01',
  '2026-10-26',
  '2025-11-26',
  '2026-02-29',
  '2026-13-01',
  '1999-12-31',
  '2100-01-01',
];
const URLS = [
  'https://gw.example.com/gateway.do',
  'http://127.0.0.1:9/x',
  'https://api.mch.weixin.qq.com',
  'javascript:alert(1)',
  'ftp://x/y',
];

function eanWithCheck(rng: Rng): string {
  const body = '69' + Array.from({ length: 10 }, () => rng.int(0, 9)).join('');
  const sum = [...body].reduce((n, d, i) => n + Number(d) * (i % 2 ? 3 : 1), 0);
  return body + String((10 - (sum % 10)) % 10);
}

/** A valid-looking input for `method`, from its JSON Schema and the live data. */
function validInput(rng: Rng, st: PhaseState, method: MethodName): unknown {
  refreshIds(st);
  const n = ++st.counter;
  const ids = (k: string, extra: unknown[] = []) => [...(st.ids[k] ?? []), ...extra];
  const pools = (key: string): unknown[] | null => {
    switch (key) {
      case 'productId':
        return ids('products', [999_999]);
      case 'categoryId':
        return ids('categories', [9_999]);
      case 'id':
        return method === 'catalog.saveCategory' ? ids('categories') : ids('products');
      case 'ids':
        return [rng.shuffle(ids('categories')), ids('categories').slice(1)];
      case 'lineId':
        return ids('cartLines', [99_999]);
      case 'cartId':
        return ids('carts', [99_999]);
      case 'orderId':
        return ids('orders', [99_999]);
      case 'attemptId':
        return ids('attempts', [99_999]);
      case 'exceptionId':
        return ids('exceptions', [1, 99_999]);
      case 'itemId':
        return ids('reconItems', [1, 99_999]);
      case 'userId':
        return ids('users', [99_999]);
      case 'pin':
        return ['1234', '8888', fromPattern(rng, '^\\d{4,8}$')];
      case 'day':
      case 'from':
      case 'to':
      case 'businessDay':
        return DAYS;
      case 'uploadId':
        return st.uploads.length ? st.uploads : null;
      case 'token':
        return st.tokens.length ? st.tokens : null;
      case 'retireMissing':
        return [false, false, false, true];
      case 'chunk': {
        const code = (st.ids.categoryCodes?.[0] as string | undefined) ?? 'drinks';
        const rows = Array.from(
          { length: rng.int(1, 3) },
          (_, i) => `FZ-IMP-${n}-${i},,导入${i},Import ${i},${code},${rng.int(1, 99)}.50,个,1,${rng.int(0, 9)}`,
        );
        return [
          Buffer.from(
            ['sku,barcode,name_zh,name_en,category,price,unit,active,stock', ...rows].join('\r\n') + '\r\n',
          ).toString('base64'),
        ];
      }
      case 'number':
        return [...st.zNumbers, 'Z-T01-0001', 'Z-T01-9999'];
      case 'code':
        return [...ids('skus'), ...ids('barcodes'), '6900000000000', eanWithCheck(rng)];
      case 'query':
        return ['kkkl', '可乐', 'DRI', '690', 'x', ''];
      case 'sku':
        return [`FZ-${n}`, ...ids('skus').slice(0, 3)];
      case 'barcode':
        return [null, eanWithCheck(rng), ...ids('barcodes').slice(0, 2)];
      case 'note':
      case 'reason':
      case 'varianceReason':
        return [`fuzz note ${n}`];
      case 'label':
        return [`park ${n}`];
      case 'name':
        return [`fuzz user ${n}`];
      case 'terminal':
        return ['T01', 'T02'];
      case 'tenderedFen':
        return [0, 100, 5_000, 100_000, 999_999_999];
      case 'amountFen':
      case 'floatFen':
        return [1, 100, 500, 10_000];
      case 'lineNo':
        return [1, 2, 3];
      case 'fields[]':
        return [...FIELDS.alipay.plain, ...FIELDS.wechat.plain, ...FIELDS.yeepay.plain];
      case 'secrets[]':
        return [...FIELDS.alipay.secret, ...FIELDS.wechat.secret, ...FIELDS.yeepay.secret];
      case 'gatewayUrl':
      case 'apiBase':
      case 'nodeUrl':
      case 'commandUrl':
      case 'notifyUrl':
      case 'statementUrl':
        return URLS;
      case 'appId':
        return ['2021000000000001', 'wx0000000000000001'];
      case 'mchId':
        return ['1900000109'];
      case 'merchantId':
        return ['10012345678'];
      case 'signType':
        return ['MD5', 'HMAC-SHA256'];
      case 'apiKey':
        return ['a'.repeat(32)];
      case 'key':
        return ['k'.repeat(60)];
      default:
        return null;
    }
  };
  const input = generate(rng, SCHEMAS[method], pools) as Record<string, unknown>;
  if (method === 'printer.setLogo') {
    // the logo's bits must be width × height / 8 bytes: sizes from the pool's range, bits to match
    input.width = rng.pick([8, 64, 384, 576]);
    input.height = rng.pick([1, 8, 160]);
    input.bits = Buffer.alloc(((input.width as number) * (input.height as number)) / 8, 0xa5).toString('base64');
  }
  if (HAS_APPROVAL.has(method)) {
    // mostly no PIN; sometimes the owner's; sometimes a wrong one (which counts against the owner)
    const choice = rng.weighted<'none' | 'right' | 'wrong'>(
      st.role === 'clerk'
        ? [
            ['none', 70],
            ['right', 12],
            ['wrong', 18],
          ]
        : [
            ['none', 80],
            ['right', 10],
            ['wrong', 10],
          ],
    );
    if (choice === 'none') delete input.approvalPin;
    else input.approvalPin = choice === 'right' ? st.pins.get(st.ownerId) : fromPattern(rng, '^\\d{4,8}$');
  }
  return input;
}

/** One mutation of a valid input: each keeps the rest valid, so the call reaches as deep as it can. */
function mutate(rng: Rng, input: unknown): { input: unknown; how: string } {
  if (!input || typeof input !== 'object' || Array.isArray(input))
    return { input: [input], how: 'wrapped in an array' };
  const obj = { ...(input as Record<string, unknown>) };
  const keys = Object.keys(obj);
  const key = keys.length ? rng.pick(keys) : 'x';
  const how = rng.weighted<string>([
    ['drop', 10],
    ['extra', 10],
    ['retype', 14],
    ['number', 16],
    ['control', 16],
    ['long', 8],
    ['nest', 6],
    ['array', 6],
    ['nested-field', 8],
    ['many', 6],
  ]);
  switch (how) {
    case 'drop':
      delete obj[key];
      return { input: obj, how: `drop ${key}` };
    case 'extra': {
      const k = rng.pick(HOSTILE_KEYS);
      // an own "__proto__" key, as JSON.parse makes it (assignment would set the prototype instead)
      Object.defineProperty(obj, k, {
        value: rng.pick([true, 'owner', 1, { role: 'owner' }, null]),
        enumerable: true,
        configurable: true,
        writable: true,
      });
      return { input: obj, how: `extra key ${JSON.stringify(k)}` };
    }
    case 'retype':
      obj[key] = rng.pick([null, true, false, 0, 1, -1, '1', '', 'true', [], {}, [1], { a: 1 }, [obj[key]]]);
      return { input: obj, how: `retype ${key}` };
    case 'number':
      obj[key] = rng.pick(EDGE_NUMBERS);
      return { input: obj, how: `${key} = ${String(obj[key])}` };
    case 'control': {
      const c = rng.pick(CONTROL_STRINGS);
      const v = obj[key];
      obj[key] = typeof v === 'string' ? rng.pick([c + v, v + c, v.slice(0, 1) + c + v.slice(1), c]) : c;
      return { input: obj, how: `control characters in ${key}` };
    }
    case 'long':
      obj[key] = longString(rng, rng.pick([65, 257, 513, 4_097, 20_000, 60_000]));
      return { input: obj, how: `long string in ${key}` };
    case 'nest':
      // (deeper nesting, up to 30 000 levels, goes as raw text: see rawBody)
      obj[key] = nested(rng.pick([20, 200, 1_000]), rng.pick(['array', 'object', 'mixed'] as const), rng);
      return { input: obj, how: `deep nesting in ${key}` };
    case 'array':
      obj[key] = rng.chance(0.5) ? [obj[key]] : Object.values(obj);
      return { input: rng.chance(0.3) ? [obj] : obj, how: `array for ${key}` };
    case 'nested-field': {
      // inside a nested object or array (discount, lines, fields, denominations, feeRatesPpm)
      const inner = Object.entries(obj).find(([, v]) => v && typeof v === 'object');
      if (!inner) return mutate(rng, obj);
      const [k, v] = inner;
      const m = mutate(rng, Array.isArray(v) ? (v[0] ?? {}) : v);
      obj[k] = Array.isArray(v) ? [m.input, ...v.slice(1)] : m.input;
      return { input: obj, how: `${k}: ${m.how}` };
    }
    default: {
      let cur: unknown = obj;
      const hows: string[] = [];
      for (let i = rng.int(2, 4); i > 0; i--) {
        const m = mutate(rng, cur);
        cur = m.input;
        hows.push(m.how);
      }
      return { input: cur, how: hows.join(' + ') };
    }
  }
}

function garbage(rng: Rng): unknown {
  return rng.pick<() => unknown>([
    () => null,
    () => 42,
    () => -0.5,
    () => 'cart.get',
    () => '',
    () => true,
    () => [],
    () => [1, 2, 3],
    () => ({}),
    () => ({ [plainText(rng, 1, 8)]: plainText(rng, 0, 8) }),
    () => nested(rng.int(10, 1_000), 'mixed', rng),
    () => longString(rng, rng.int(100, 60_000)),
    () => Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, i])),
    () => rng.pick(CONTROL_STRINGS),
  ])();
}

const call = (method: unknown, input: unknown) => JSON.stringify(input === undefined ? { method } : { method, input });

function rawBody(rng: Rng, method: MethodName, valid: unknown): { body: string | Buffer; how: string } {
  const text = call(method, valid);
  const numbers = [...text.matchAll(/:(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)(?=[,}\]])/g)];
  const swap = rng.pick([
    '1e400',
    '-1e400',
    '-0',
    '-0.0',
    '1E2',
    '1.0',
    '0.1e1',
    '1e-400',
    '123456789012345678901234567890',
    '0x10',
    '.5',
    '01',
    'NaN',
    'Infinity',
    '-Infinity',
    '+1',
  ]);
  const kind = rng.int(0, 13);
  switch (kind) {
    case 0:
    case 1:
    case 2:
    case 3: {
      if (!numbers.length) return { body: text.replace(/\}$/, `,"x":${swap}}`), how: `raw ${swap} as an extra field` };
      const m = rng.pick(numbers);
      return { body: text.slice(0, m.index + 1) + swap + text.slice(m.index + m[0].length), how: `raw number ${swap}` };
    }
    case 4:
      return {
        body: text.replace('"input":{', '"input":{"__proto__":{"approvalPin":"8888","role":"owner"},'),
        how: 'raw __proto__ in input',
      };
    case 5:
      return { body: text.replace(/\}$/, ',"__proto__":{"role":"owner"}}'), how: 'raw __proto__ beside method' };
    case 6: {
      const k = Object.keys((valid ?? {}) as object)[0] ?? 'x';
      return { body: text.replace('"input":{', `"input":{"${k}":"duplicate",`), how: `duplicate key ${k}` };
    }
    case 7:
      return { body: '\ufeff' + text, how: 'BOM before the JSON' };
    case 8:
      return {
        body: Buffer.concat([
          Buffer.from(text.slice(0, -2)),
          Buffer.from([0xff, 0xfe, 0xc3, 0x28]),
          Buffer.from(text.slice(-2)),
        ]),
        how: 'invalid UTF-8',
      };
    case 9:
      return {
        body: rng.pick([
          '',
          'null',
          '[]',
          '"x"',
          '1',
          'true',
          '{',
          '{"method":',
          text + 'x',
          text.slice(0, -1),
          `${text},${text}`,
        ]),
        how: 'not a call',
      };
    case 10: {
      const depth = rng.int(1_000, 30_000);
      return {
        body: `{"method":"${method}","input":${'['.repeat(depth)}${']'.repeat(depth)}}`,
        how: `raw nesting ${depth}`,
      };
    }
    case 11:
      return { body: text.replace('"input":', '"input":{"a":1},"input":'), how: 'input given twice' };
    case 12:
      return {
        body: text.replace(
          `"${method}"`,
          JSON.stringify(method).replace(/[a-z]/, (c) => `\\u00${c.charCodeAt(0).toString(16)}`),
        ),
        how: 'method name with \\u escapes',
      };
    default: {
      // right at the 64 KiB limit, and just over it
      const pad = MAX_BODY - text.length - 10 + rng.int(0, 20);
      return {
        body: text.replace(/\}$/, `,"pad":"${'p'.repeat(Math.max(0, pad))}"}`),
        how: `body of ${text.length + pad + 10} bytes`,
      };
    }
  }
}

const BAD_METHODS: unknown[] = [
  'cart.drop',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'cart.__proto__',
  'cart.constructor',
  'app.info ',
  'APP.INFO',
  'app..info',
  '',
  '\u0000',
  'app.info\u0000',
  'cart.add\u202e',
  1,
  null,
  true,
  [],
  ['cart.get'],
  { toString: 'cart.get' },
  undefined,
];

function makePayload(rng: Rng, st: PhaseState): Payload {
  const method = rng.pick(METHODS);
  const kind = rng.weighted<'valid' | 'mutated' | 'garbage' | 'raw' | 'method' | 'transport'>([
    ['valid', 22],
    ['mutated', 45],
    ['garbage', 10],
    ['raw', 14],
    ['method', 6],
    ['transport', 3],
  ]);
  switch (kind) {
    case 'valid': {
      const input = validInput(rng, st, method);
      return { method, label: 'valid', body: call(method, input), input };
    }
    case 'mutated': {
      const m = mutate(rng, validInput(rng, st, method));
      return { method, label: `mutated: ${m.how}`, body: call(method, m.input), input: m.input };
    }
    case 'garbage': {
      const input = garbage(rng);
      return { method, label: 'garbage input', body: call(method, input), input };
    }
    case 'raw': {
      const r = rawBody(rng, method, validInput(rng, st, method));
      return { method, label: r.how, body: r.body };
    }
    case 'method': {
      const bad = rng.pick(BAD_METHODS);
      return {
        method: '(bad method)',
        label: `method ${JSON.stringify(bad) ?? 'missing'}`,
        body: call(bad, rng.chance(0.5) ? {} : undefined),
        input: bad,
      };
    }
    default: {
      const body = call(method, validInput(rng, st, method));
      const headers = rng.pick<Record<string, string>>([
        { 'content-type': 'text/plain' },
        { 'content-type': 'application/x-www-form-urlencoded' },
        { authorization: 'Bearer wrong' },
        { authorization: '' },
        { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
      ]);
      return { method, label: `transport: ${JSON.stringify(headers)}`, body, headers };
    }
  }
}

/** Puts the phase's user back after the fuzzer signed someone else in, locked the till or retired a user. */
async function ensureSession(st: PhaseState): Promise<boolean> {
  const cur = await st.http.call('auth.current', {});
  if (cur.ok && (cur.value as { id: number } | null)?.id === st.userId) return true;
  for (let attempt = 0; attempt < 2; attempt++) {
    const pin = st.pins.get(st.userId);
    if (!pin) return false;
    const r = await st.http.call('auth.login', { userId: st.userId, pin });
    if (r.ok) return true;
    if (r.error?.code !== 'PIN_LOCKED') return false;
    // the fuzzer's wrong PINs locked this user: wait the lock-out out on the store's clock
    st.s.clock.advance(LOCK_OUT_MS + 1_000);
  }
  return false;
}

/** What the fuzzer learns from an answer: uploads, preview tokens, Z numbers, PINs it set. */
function harvest(st: PhaseState, method: string, input: unknown, value: unknown): void {
  const v = value as Record<string, unknown> | null;
  const i = input as Record<string, unknown> | null;
  if (method === 'catalog.importUpload' && typeof v?.uploadId === 'string') st.uploads.push(v.uploadId);
  if (method === 'catalog.importPreview' && typeof v?.token === 'string') st.tokens.push(v.token);
  if (method === 'cashSession.close') {
    const number = (v?.z as { number?: unknown } | undefined)?.number;
    if (typeof number === 'string') st.zNumbers.push(number);
  }
  if (method === 'auth.setPin' && typeof i?.userId === 'number' && typeof i.pin === 'string')
    st.pins.set(i.userId, i.pin);
  if (method === 'auth.addUser' && typeof v?.id === 'number' && typeof i?.pin === 'string') st.pins.set(v.id, i.pin);
}

describe('the contract under a seeded fuzzer', () => {
  it(
    `${PAYLOADS} payloads over every method: no crash, no 5xx, no leak, no write on a refusal`,
    { timeout: 300_000 },
    async () => {
      const started = performance.now();
      const failures: Failure[] = [];
      const refusals = new Map<string, number>();
      const reached = new Map<string, number>();
      const sent = new Map<string, number>();
      let payloads = 0;
      let ok = 0;
      let fullChecks = 0;
      let snapshots = 0;
      const protoKeys = Object.getOwnPropertyNames(Object.prototype).sort().join();
      const perPhase = Math.ceil(PAYLOADS / PHASES.length);

      for (let phase = 0; phase < PHASES.length; phase++) {
        const role = PHASES[phase]!;
        const rng = new Rng(SEED * 31 + phase);
        let st = await startPhase(role);
        const dataDirs = [st.s.dir, realpathSync(st.s.dir)];
        try {
          for (let i = 0; i < perPhase && payloads < PAYLOADS; i++) {
            if (i > 0 && i % 250 === 0) st.s.clock.advance(LOCK_OUT_MS + 1_000); // lock-outs end on the store's clock
            const p = makePayload(rng, st);
            payloads++;
            sent.set(p.method, (sent.get(p.method) ?? 0) + 1);
            const before = st.fp.current();
            const changesBefore = st.fp.changes();
            const a = await st.http.invoke(p.body, p.headers);
            const bodyText = Buffer.isBuffer(p.body) ? p.body.toString('utf8') : p.body;
            const fail = (kind: Failure['kind'], detail: string) =>
              failures.push({
                kind,
                method: p.method,
                detail,
                phase,
                index: i,
                label: p.label,
                body: bodyText.length > 300 ? `${bodyText.slice(0, 300)}… (${bodyText.length} bytes)` : bodyText,
              });

            // 1. the server still answers
            if (a.error) {
              const oversize = Buffer.byteLength(p.body) > MAX_BODY;
              if (!oversize) fail('no-answer', a.error);
              else
                refusals.set('HTTP 413 (connection closed)', (refusals.get('HTTP 413 (connection closed)') ?? 0) + 1);
            }
            const ping = await st.http.ping();
            if (ping.status !== 404) {
              fail('server-down', `ping answered ${ping.status} ${ping.error ?? ''}`);
              break;
            }
            if (a.error) continue;

            // 2. no 5xx, a well-formed result, a known code, never INTERNAL
            if (a.status >= 500) fail('http-5xx', `HTTP ${a.status}: ${a.text.slice(0, 200)}`);
            let result = null as Wire | null;
            try {
              result = JSON.parse(a.text) as Wire;
            } catch {
              fail('malformed-answer', `not JSON: ${a.text.slice(0, 120)}`);
            }
            if (
              !result ||
              typeof result.ok !== 'boolean' ||
              (result.ok === false && (typeof result.error?.message !== 'string' || !result.error.message))
            ) {
              if (result) fail('malformed-answer', a.text.slice(0, 200));
              continue;
            }
            const refused = result.ok === false || a.status !== 200;
            const code = result.ok ? 'ok' : String(result.error!.code);
            if (!result.ok && !(ERROR_CODES as readonly unknown[]).includes(result.error!.code))
              fail('unknown-error-code', code);
            if (code === 'INTERNAL') fail('internal-error', String(result.error!.message).slice(0, 300));
            if (refused) {
              const label = a.status === 200 ? code : `HTTP ${a.status} ${code}`;
              refusals.set(label, (refusals.get(label) ?? 0) + 1);
            } else ok++;
            if (!['INVALID_INPUT', 'UNKNOWN_METHOD', 'LOCKED', 'UNAUTHORIZED'].includes(code) && a.status === 200)
              reached.set(p.method, (reached.get(p.method) ?? 0) + 1);

            // 3. no stack trace, source path, data directory or /-rooted path in the answer
            const echo = [...stringsIn(p.input), ...(p.input === undefined ? [bodyText] : [])];
            const leak = leakIn(JSON.stringify(result), echo, dataDirs, result.ok === true && PATH_VIEWS.has(p.method));
            if (leak) fail('leak', leak);

            // 4. nothing reached Object.prototype
            if (Object.getOwnPropertyNames(Object.prototype).sort().join() !== protoKeys)
              fail('prototype-pollution', Object.getOwnPropertyNames(Object.prototype).join());

            // 5. a refusal wrote nothing. A PIN check keeps its own counters: a wrong PIN counts in
            //    users.failed_count / locked_until, a right one clears them, also when the action is then
            //    refused for another reason; the users' identity (names, roles, PINs, active) may not change.
            //    A restore (dataSafety.restore) reopens the store on a new connection: the fingerprint
            //    follows it, and the call is compared in full (a refused restore must leave the data as it was).
            const reopened = st.fp.stale();
            if (reopened) st.fp = fingerprinter(st.s);
            const changed = reopened || st.fp.changes() !== changesBefore;
            const fullCheck = refused && !changed && rng.chance(0.03);
            if (refused && (changed || fullCheck)) {
              if (fullCheck) fullChecks++;
              snapshots++;
              const after = st.fp.snapshot();
              const pinCount =
                code === 'WRONG_PIN' || code === 'PIN_LOCKED' || /"(?:approvalPin|pin)"\s*:/.test(bodyText);
              const diff = differing(before, after).filter((k) => !(pinCount && k === 'users'));
              if (diff.length) fail('write-on-refusal', `${code} changed ${diff.join(', ')}`);
            }
            if (!refused && changed) {
              const controls = echo.some(hasControl);
              const ownerPin = st.pins.get(st.ownerId)!;
              const clerkUnapproved = st.role === 'clerk' && !echo.some((e) => e.includes(ownerPin));
              if (controls || clerkUnapproved) {
                snapshots++;
                const after = st.fp.current();
                if (controls && controlCount(after) > controlCount(before))
                  fail('stored-control-characters', `${p.method} stored ${p.label}`);
                const guarded = clerkUnapproved ? differing(before, after, OWNER_GUARDED) : [];
                if (guarded.length)
                  fail(
                    'clerk-changed-owner-data',
                    `${p.method} changed ${guarded.join(', ')} for a clerk without the owner's PIN`,
                  );
              }
            }
            if (!refused) harvest(st, p.method, p.input, result.value);

            // keep the phase's user signed in
            if (p.method.startsWith('auth.') || code === 'LOCKED') {
              if (!(await ensureSession(st))) {
                // the fuzzer retired or re-keyed this user beyond recall: carry on in a fresh data directory
                await st.s.stop();
                st.http.close();
                st = await startPhase(role);
                dataDirs.push(st.s.dir, realpathSync(st.s.dir));
              }
            }
          }
        } finally {
          st.http.close();
          await st.s.stop();
        }
      }

      const unexpected: Failure[] = failures;
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const byCount = (m: Map<string, number>) =>
        [...m]
          .sort((a, b) => b[1] - a[1])
          .map(([k, n]) => `${k} ${n}`)
          .join(', ');
      console.log(
        `fuzz seed=${SEED}: ${payloads} payloads over ${sent.size - (sent.has('(bad method)') ? 1 : 0)}/${METHODS.length} methods in ${seconds} s; ` +
          `${ok} answered, refusals: ${byCount(refusals)}; handlers reached for ${reached.size} methods; ` +
          `${snapshots} fingerprints compared (${fullChecks} spot checks); failures: ${unexpected.length}`,
      );
      const kinds = new Map<string, number>();
      for (const f of unexpected)
        kinds.set(`${f.kind} in ${f.method}`, (kinds.get(`${f.kind} in ${f.method}`) ?? 0) + 1);
      // the first failure of each kind and method, then the rest up to a dozen
      const firsts = [...new Map(unexpected.map((f) => [`${f.kind} in ${f.method}`, f])).values()];
      const shown = [...new Set([...firsts, ...unexpected])]
        .slice(0, 12)
        .map(
          (f) =>
            `  [${f.kind}] ${f.method} (phase ${f.phase}, #${f.index}, ${f.label}): ${f.detail}\n      body: ${f.body}`,
        );
      expect(
        unexpected,
        `replay with FUZZ_SEED=${SEED} FUZZ_PAYLOADS=${PAYLOADS}; ${byCount(kinds)}; first failures:\n${shown.join('\n')}`,
      ).toEqual([]);
      expect(payloads).toBeGreaterThanOrEqual(Math.min(PAYLOADS, 5_000));
      // every method was called, and every method's handler was reached past its schema at least once
      expect(METHODS.filter((m) => !sent.has(m))).toEqual([]);
      expect(METHODS.filter((m) => !reached.has(m))).toEqual([]);
    },
  );
});
