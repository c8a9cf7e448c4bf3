/**
 * The SIGKILL crash matrix (issue 4, item 8). For each named crash point (src/main/core/crash-points.ts):
 * a child process runs the core on a fresh data directory against the one sandbox of this file and
 * sells (tests/support/crash-child.ts); POS_CRASH_POINT makes the core kill itself with SIGKILL at
 * that point; a second child opens the same directory without the crash point and polls until every
 * attempt is final. Then, from the SQLite file and the sandbox's control API:
 *   - the confirmed order still exists, with its lines and total (no lost sale);
 *   - the sandbox holds at most one paid trade per order, and exactly one when the customer paid;
 *   - each attempt is paid locally iff its trade is paid upstream (or an open exception says why);
 *   - no attempt is left created or pending; the order is paid iff one attempt (or cash) is;
 *   - the journal holds each attempt's transitions, from `created` to its final state, in order.
 * Some flows have the customer pay before the crash (recovery must find the money), some while the
 * app is down, some never (recovery must close or cancel upstream and end the attempt unpaid).
 */
import { spawn } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/server';
import { createCore } from '../../src/main/core/core';
import { DB_FILE } from '../../src/main/store/db';
import type { ChildInput, ChildLine, CrashFlow } from '../support/crash-child';
import { tempDir } from '../support/temp';

const ROOT = resolve(__dirname, '../..');
const CHILD = 'tests/support/crash-child.ts';

interface Case {
  point: string;
  what: string;
  flow: CrashFlow;
  /** the customer pays between the crash and the restart */
  paysWhileDown?: boolean;
  /** sandbox scenarios (docs/sandbox.md) in force until the crash; the network "comes back" while the till is down */
  scenarios?: Record<string, unknown>[];
  /**
   * after recovery: the order's status, each attempt's state and each trade's status at the sandbox;
   * `none`: the sale never committed, so there is no order, no number was taken and the cart is whole
   */
  order: 'open' | 'paid' | 'refunded' | 'none';
  attempts: readonly string[];
  upstream: readonly string[];
  /** open exceptions expected for the owner (default none) */
  exceptions?: readonly string[];
}

const ALIPAY_CODE = '281234567890123456'; // paid at once
const WECHAT_CODE = '134567890123456789'; // paid at once
const ALIPAY_CODE_SLOW = '281234567890121111'; // 10 s of "confirming on the phone", then paid
const ALIPAY_CODE_LOST = '281234567890123333'; // paid, but the answer is SYSTEMERROR (20000)
const WECHAT_CODE_LOST = '134567890123453333';
/** every status query fails (HTTP 500) while the scenario lasts */
const QUERIES_FAIL = (provider: string) => ({ name: 'http_500', provider, operation: 'query' });

const qr = (provider: 'alipay' | 'wechat', customerPays: boolean): CrashFlow => ({
  kind: 'qr',
  provider,
  customerPays,
});
/** the cash part of a split tender; the QR part is the rest */
const SPLIT_CASH_FEN = 300;
const split = (provider: 'alipay' | 'wechat', customerPays: boolean): CrashFlow => ({
  kind: 'split',
  provider,
  customerPays,
  cashFen: SPLIT_CASH_FEN,
});
const code = (provider: 'alipay' | 'wechat', authCode: string): CrashFlow => ({ kind: 'code', provider, authCode });
const refund = (provider: 'alipay' | 'wechat', authCode: string): CrashFlow => ({ kind: 'refund', provider, authCode });
const recon = (provider: 'alipay' | 'wechat', authCode: string): CrashFlow => ({ kind: 'recon', provider, authCode });

/** the money never moved: the attempt ended unpaid here and there, the order can be paid again */
const UNPAID = { order: 'open', attempts: ['expired'], upstream: ['closed'] } as const;
/** a QR that was never shown (the create's answer lost in the crash): nobody can pay it, so the restarted till ends it at once as closed (upstream too, where the trade exists) instead of waiting for its deadline */
const NEVER_SHOWN = { order: 'open', attempts: ['closed'], upstream: ['closed'] } as const;
/** the customer paid: found, exactly once */
const PAID = { order: 'paid', attempts: ['paid'], upstream: ['paid'] } as const;

const CASES: Case[] = [
  {
    point: 'order.confirmed',
    what: 'after the order is written, before any payment',
    flow: qr('alipay', true),
    order: 'open',
    attempts: [],
    upstream: [],
  },
  {
    point: 'payment.intent-written',
    what: 'attempt committed, create never sent (Alipay QR)',
    flow: qr('alipay', true),
    ...NEVER_SHOWN,
    upstream: [],
  },
  {
    point: 'http:precreate',
    what: 'during the create call (Alipay QR): the trade exists upstream, the QR was never shown',
    flow: qr('alipay', false),
    ...NEVER_SHOWN,
    // an unscanned precreate does not exist at Alipay (docs/protocols.md §2.5): nothing to close, it stays unscanned
    upstream: ['created'],
  },
  {
    point: 'http:unifiedorder',
    what: 'during the create call (WeChat QR), closed after the 5-minute rule',
    flow: qr('wechat', false),
    ...NEVER_SHOWN,
  },
  {
    point: 'http:pay',
    what: 'during the create call (Alipay payment code): the money was taken, the answer lost',
    flow: code('alipay', ALIPAY_CODE),
    ...PAID,
  },
  {
    point: 'http:micropay',
    what: 'during the create call (WeChat payment code): the money was taken, the answer lost',
    flow: code('wechat', WECHAT_CODE),
    ...PAID,
  },
  {
    point: 'payment.create-answered',
    what: 'WeChat payment code answered paid, answer not stored',
    flow: code('wechat', WECHAT_CODE),
    ...PAID,
  },
  {
    point: 'payment.create-answered',
    what: 'Alipay QR answered, answer not stored (no QR shown)',
    flow: qr('alipay', false),
    ...NEVER_SHOWN,
    // an unscanned precreate does not exist at Alipay (docs/protocols.md §2.5): nothing to close, it stays unscanned
    upstream: ['created'],
  },
  { point: 'http:query', what: 'during a poll (Alipay QR) after the customer paid', flow: qr('alipay', true), ...PAID },
  {
    point: 'http:orderquery',
    what: 'during a poll (WeChat QR); the customer pays while the till is down',
    flow: qr('wechat', false),
    paysWhileDown: true,
    ...PAID,
  },
  { point: 'payment.query-answered', what: 'WeChat QR: a "paid" answer not stored', flow: qr('wechat', true), ...PAID },
  {
    point: 'payment.query-answered',
    what: 'Alipay QR: a "not paid" answer not stored; the customer walks away',
    flow: qr('alipay', false),
    ...UNPAID,
  },
  {
    point: 'payment.paid-committed',
    what: 'Alipay QR paid and committed, before the event and receipt',
    flow: qr('alipay', true),
    ...PAID,
  },
  {
    point: 'payment.paid-committed',
    what: 'Alipay payment code paid at once, before the event and receipt',
    flow: code('alipay', ALIPAY_CODE),
    ...PAID,
  },
  { point: 'http:close', what: 'during the close at the deadline (Alipay QR)', flow: qr('alipay', false), ...UNPAID },
  {
    point: 'http:closeorder',
    what: 'during the close at the deadline (WeChat QR)',
    flow: qr('wechat', false),
    ...UNPAID,
  },
  {
    point: 'payment.close-answered',
    what: 'WeChat QR close answered, answer not stored',
    flow: qr('wechat', false),
    ...UNPAID,
  },
  {
    point: 'http:cancel',
    what: 'during the cancel at the deadline (Alipay payment code, buyer still confirming)',
    flow: code('alipay', ALIPAY_CODE_SLOW),
    ...UNPAID,
  },
  {
    point: 'http:reverse',
    what: 'during the reverse at the deadline (WeChat payment code paid unseen: the reverse gives the money back)',
    flow: code('wechat', WECHAT_CODE_LOST),
    scenarios: [QUERIES_FAIL('wechat')],
    ...UNPAID,
    upstream: ['revoked'],
  },
  {
    point: 'http:cancel',
    what: 'during the cancel at the deadline (Alipay payment code paid unseen: the cancel refunds it)',
    flow: code('alipay', ALIPAY_CODE_LOST),
    scenarios: [QUERIES_FAIL('alipay')],
    ...UNPAID,
    upstream: ['revoked'],
    // Alipay's cancel says it refunded (action=refund): the owner is told the buyer was charged and repaid
    exceptions: ['refunded_by_cancel'],
  },
  {
    point: 'payment.intent-written',
    what: 'payment code committed, never sent: the buyer was not charged',
    flow: code('wechat', WECHAT_CODE),
    ...UNPAID,
    upstream: [],
  },
  {
    point: 'order.cash-paid',
    what: 'after a cash payment is committed, before the receipt',
    flow: { kind: 'cash' },
    order: 'paid',
    attempts: ['paid'],
    upstream: [],
  },
  // split tender (组合支付): a cash part, then a QR part for the rest
  {
    point: 'order.cash-paid',
    what: 'split tender: killed after the cash part, before the QR part; the cash part stands, the order stays open for the rest',
    flow: split('alipay', true),
    order: 'open',
    attempts: ['paid'],
    upstream: [],
  },
  {
    point: 'http:query',
    what: 'split tender: killed while the QR part is pending, the customer pays meanwhile; the restart finds the order paid, once',
    flow: split('alipay', false),
    paysWhileDown: true,
    order: 'paid',
    attempts: ['paid', 'paid'],
    upstream: ['paid'],
  },
  {
    point: 'payment.query-answered',
    what: 'split tender (WeChat QR part): a "paid" answer not stored; the restart pays the order by its parts',
    flow: split('wechat', true),
    order: 'paid',
    attempts: ['paid', 'paid'],
    upstream: ['paid'],
  },
  {
    point: 'order.cash-sale-in-tx',
    what: 'one-step cash sale, inside its transaction (order written, cash not yet): nothing of it is on disk, the cart is whole',
    flow: { kind: 'cash-sale' },
    order: 'none',
    attempts: [],
    upstream: [],
  },
  {
    point: 'order.cash-sale-committed',
    what: 'one-step cash sale committed (order and cash at once), before the receipt',
    flow: { kind: 'cash-sale' },
    order: 'paid',
    attempts: ['paid'],
    upstream: [],
  },
  {
    point: 'refund.intent-written',
    what: 'refund committed, not sent (Alipay)',
    flow: refund('alipay', ALIPAY_CODE),
    order: 'refunded',
    attempts: ['refunded'],
    upstream: ['paid'],
  },
  {
    point: 'http:refund',
    what: 'during the refund call (WeChat): sent again with the same number, refunded once',
    flow: refund('wechat', WECHAT_CODE),
    order: 'refunded',
    attempts: ['refunded'],
    upstream: ['paid'],
  },
  {
    point: 'refund.answered',
    what: 'refund answered, answer not stored (Alipay)',
    flow: refund('alipay', ALIPAY_CODE),
    order: 'refunded',
    attempts: ['refunded'],
    upstream: ['paid'],
  },
  {
    point: 'http:bill_download',
    what: "during the statement download (Alipay): the restarted till's daily run imports it once",
    flow: recon('alipay', ALIPAY_CODE),
    ...PAID,
  },
  {
    point: 'recon.statement-downloaded',
    what: 'statement downloaded, nothing stored yet (Alipay)',
    flow: recon('alipay', ALIPAY_CODE),
    ...PAID,
  },
  {
    point: 'recon.import-in-tx',
    what: 'inside the import transaction (Alipay): nothing half-imported',
    flow: recon('alipay', ALIPAY_CODE),
    ...PAID,
  },
  {
    point: 'http:downloadbill',
    what: "during the WeChat statement download, after Alipay's was imported",
    flow: recon('wechat', WECHAT_CODE),
    ...PAID,
  },
  {
    point: 'recon.import-committed',
    what: 'statement imported (Alipay): the daily run owes nothing, a second run changes nothing',
    flow: recon('alipay', ALIPAY_CODE),
    ...PAID,
  },
];

let sandbox: SandboxHandle;
let sandboxDir: ReturnType<typeof tempDir>;
/** how the children are run: a bundle of crash-child.ts when esbuild is at hand (0.5 s a start), else tsx (1–1.5 s) */
let childCommand: string[] = ['--import', 'tsx', CHILD];
let bundle: string | null = null;
/** a migrated, seeded data directory, copied for each case (a fresh one costs a child ~0.5 s of migrations and seeding) */
let template: ReturnType<typeof tempDir>;

beforeAll(async () => {
  sandboxDir = tempDir('pos-crash-sandbox-');
  // The sandbox's clock stands still except when a child moves it (POST /_sandbox/clock/advance) in step
  // with its own ManualClock: real time spent starting children never lets a deadline or a buyer's
  // "10 s confirming on the phone" pass early.
  const frozen = Date.now();
  sandbox = await startSandbox({ port: 0, dataDir: sandboxDir.dir, now: () => frozen });
  template = tempDir('pos-crash-template-');
  (
    await createCore({
      dataDir: template.dir,
      mode: 'browser',
      newStoreRequiresDrawer: false, // the children sell cash without opening a drawer
      timeZone: 'Asia/Shanghai',
      poll: false,
      sandboxBaseUrl: sandbox.baseUrl,
    })
  ).close();
  try {
    const esbuild = await import('esbuild');
    // inside the repository so that its packages (left external) resolve from node_modules
    bundle = join(ROOT, 'node_modules', '.cache', 'crash-matrix', String(process.pid));
    const built = {
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      packages: 'external',
      logLevel: 'error',
    } as const;
    await esbuild.build({ ...built, entryPoints: [join(ROOT, CHILD)], outfile: join(bundle, 'crash-child.cjs') });
    // the worker thread the core starts for its heavy tasks (the statement import) beside it, as in out/main
    await esbuild.build({
      ...built,
      entryPoints: [join(ROOT, 'src/main/store/sqlite-worker.cjs')],
      outfile: join(bundle, 'sqlite-worker.js'),
    });
    await esbuild.build({
      ...built,
      entryPoints: [join(ROOT, 'src/main/core/worker-tasks.ts')],
      outfile: join(bundle, 'worker-tasks.js'),
    });
    childCommand = [join(bundle, 'crash-child.cjs')];
  } catch {
    bundle = null;
  }
});

afterAll(async () => {
  await sandbox?.close();
  sandboxDir?.cleanup();
  template?.cleanup();
  if (bundle) rmSync(bundle, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  lines: ChildLine[];
  stderr: string;
}

function runChild(input: ChildInput, crashPoint: string | null): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env['POS_CRASH_POINT'];
  if (crashPoint) env['POS_CRASH_POINT'] = crashPoint;
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [...childCommand, JSON.stringify(input)], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), 20_000);
    child.on('error', fail);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const lines = out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as ChildLine);
      done({ code, signal, lines, stderr: err });
    });
  });
}

/** The sandbox's control API: GET without a body, POST with one, or DELETE. */
async function control(path: string, body?: unknown): Promise<Record<string, unknown>> {
  const method = body === 'DELETE' ? 'DELETE' : body === undefined ? 'GET' : 'POST';
  const res = await fetch(`${sandbox.baseUrl}/_sandbox/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: method === 'POST' ? JSON.stringify(body) : undefined,
  });
  expect(res.status, `sandbox ${path}`).toBeLessThan(300);
  return (await res.json()) as Record<string, unknown>;
}

interface UpstreamTrade {
  provider: string;
  out_trade_no: string;
  status: string;
  amount_fen: number;
}

interface AttemptRow {
  id: number;
  order_id: number;
  method: string;
  out_trade_no: string;
  amount_fen: number;
  state: string;
  unknown: number;
  next_poll_at: number | null;
}

interface JournalRow {
  attempt_id: number | null;
  kind: string;
  from_state: string | null;
  to_state: string | null;
}

const PAID_STATES = ['paid', 'partially_refunded', 'refunded'];

function find<K extends ChildLine['at']>(lines: ChildLine[], at: K): Extract<ChildLine, { at: K }> | undefined {
  return lines.find((l): l is Extract<ChildLine, { at: K }> => l.at === at);
}

describe('SIGKILL crash matrix: the core dies at a named point, restarts on the same data directory, and converges', () => {
  // [name, case]: '%s' prints the whole name ('$point — $what' would cut long descriptions at 40 characters)
  test.each(CASES.map((c) => [`${c.point} — ${c.what}`, c] as const))('%s', async (_name, c) => {
    await control('reset', {});
    const app = tempDir('pos-crash-');
    try {
      cpSync(template.dir, app.dir, { recursive: true });
      const input: ChildInput = { mode: 'flow', dataDir: app.dir, sandboxUrl: sandbox.baseUrl, flow: c.flow };
      for (const sc of c.scenarios ?? []) await control('scenarios', sc);
      const crashed = await runChild(input, c.point);
      // it died at the point, by SIGKILL: not an exception, not a clean exit, not a flow that never got there
      expect(
        crashed.signal,
        `the flow should die by SIGKILL at ${c.point}; stdout: ${JSON.stringify(crashed.lines)}; stderr:\n${crashed.stderr}`,
      ).toBe('SIGKILL');
      expect(find(crashed.lines, 'done')).toBeUndefined();

      if (c.scenarios) await control('scenarios', 'DELETE');
      if (c.paysWhileDown) {
        const attempt = find(crashed.lines, 'attempt');
        expect(attempt, 'the attempt was started before the crash').toBeDefined();
        const provider = 'provider' in c.flow ? c.flow.provider : 'alipay';
        await control(`trades/${provider}/${attempt!.outTradeNo}/pay`, {});
      }

      const recovered = await runChild({ ...input, mode: 'recover' }, null);
      expect(recovered.code, `recovery failed:\n${recovered.stderr}`).toBe(0);
      expect(
        find(recovered.lines, 'done'),
        `attempts or refunds still open after recovery:\n${recovered.stderr}`,
      ).toMatchObject({ open: 0, openRefunds: 0 });

      const db = new BetterSqlite3(join(app.dir, DB_FILE), { readonly: true, fileMustExist: true });
      try {
        // ---- no lost sale: the one order the flow confirmed is there, whole (even if the till died
        // before it could say so)
        const orders = db.prepare('SELECT * FROM orders').all() as {
          id: number;
          number: string;
          status: string;
          total_fen: number;
        }[];
        if (c.order === 'none') {
          // all or nothing: no order, no payment, no journal row, no number taken, the cart as the clerk left it
          expect(orders, 'no half-written sale').toEqual([]);
          expect(db.prepare('SELECT count(*) AS n FROM payment_attempts').get()).toEqual({ n: 0 });
          expect(db.prepare('SELECT count(*) AS n FROM payment_journal').get()).toEqual({ n: 0 });
          expect(db.prepare('SELECT count(*) AS n FROM day_counters').get()).toEqual({ n: 0 });
          const cart = db
            .prepare(
              "SELECT p.sku, l.qty FROM carts c JOIN cart_lines l ON l.cart_id = c.id JOIN products p ON p.id = l.product_id WHERE c.status = 'active' ORDER BY l.position",
            )
            .all();
          expect(cart, 'the cart is whole, ready to sell again').toEqual([
            { sku: 'DRI-001', qty: 2 },
            { sku: 'SNA-001', qty: 1 },
          ]);
          return;
        }
        expect(orders, 'no lost sale: the confirmed order exists').toHaveLength(1);
        const o = orders[0]!;
        const said = find(crashed.lines, 'order');
        if (said) expect(o).toMatchObject({ id: said.orderId, number: said.number, total_fen: said.totalFen });
        const lineCount = (
          db.prepare('SELECT count(*) AS n FROM order_lines WHERE order_id = ?').get(o.id) as { n: number }
        ).n;
        expect(lineCount).toBe(2);

        // ---- the sandbox's truth
        const prefix = o.number.replace('-', '');
        const trades = ((await control('trades')).trades as UpstreamTrade[]).filter((t) =>
          t.out_trade_no.startsWith(prefix),
        );
        const paidUpstream = trades.filter((t) => t.status === 'paid');
        expect(paidUpstream.length, 'at most one successful charge per order').toBeLessThanOrEqual(1);

        // ---- the till's truth
        const attempts = db
          .prepare('SELECT * FROM payment_attempts WHERE order_id = ? ORDER BY id')
          .all(o.id) as AttemptRow[];
        const journal = db
          .prepare('SELECT attempt_id, kind, from_state, to_state FROM payment_journal WHERE order_id = ? ORDER BY id')
          .all(o.id) as JournalRow[];
        const exceptions = db
          .prepare('SELECT attempt_id, kind FROM payment_exceptions WHERE order_id = ? AND resolved_at IS NULL')
          .all(o.id) as {
          attempt_id: number | null;
          kind: string;
        }[];
        const refunds = db
          .prepare('SELECT attempt_id, refund_no, amount_fen, state FROM refunds WHERE order_id = ?')
          .all(o.id) as {
          attempt_id: number;
          refund_no: string;
          amount_fen: number;
          state: string;
        }[];
        expect(journal.filter((j) => j.kind === 'order.created')).toHaveLength(1);

        // what this case should end as
        expect(o.status).toBe(c.order);
        expect(attempts.map((a) => a.state)).toEqual(c.attempts);
        expect(trades.map((t) => t.status)).toEqual(c.upstream);
        expect(
          exceptions.map((e) => e.kind),
          'open exceptions for the owner',
        ).toEqual(c.exceptions ?? []);
        expect(
          journal.filter((j) => j.kind === 'order.paid'),
          'order.paid journaled once, iff paid',
        ).toHaveLength(c.order === 'open' ? 0 : 1);
        if (c.flow.kind === 'cash' || c.flow.kind === 'cash-sale')
          expect(attempts.map((a) => a.method)).toEqual(['cash']);

        for (const a of attempts) {
          expect(['created', 'pending'], `attempt ${a.out_trade_no} left open`).not.toContain(a.state);
          // the journal tells the attempt's story from `created` to where it is now, one transition at a time
          const story = journal.filter(
            (j) => j.attempt_id === a.id && ['attempt.created', 'transition', 'cash.tendered'].includes(j.kind),
          );
          if (a.method !== 'cash')
            expect(story[0], `journal of ${a.out_trade_no}`).toMatchObject({
              kind: 'attempt.created',
              to_state: 'created',
            });
          let state = 'created';
          for (const j of story.filter((x) => x.kind !== 'attempt.created')) {
            expect(j.from_state, `journal of ${a.out_trade_no}`).toBe(state);
            state = j.to_state!;
          }
          expect(state, `journal of ${a.out_trade_no} ends in its state`).toBe(a.state);
          if (a.method === 'cash') continue;
          const up = trades.find((t) => t.out_trade_no === a.out_trade_no);
          // paid here iff paid upstream (an open exception would explain a difference; none is expected here)
          if (PAID_STATES.includes(a.state) !== (up?.status === 'paid')) {
            expect(
              exceptions.some((e) => e.attempt_id === a.id),
              `${a.out_trade_no}: ${a.state} here, ${up?.status ?? 'no trade'} upstream`,
            ).toBe(true);
          }
          if (up?.status === 'paid')
            expect(up.amount_fen, 'the amount charged is the order total (a split: what the cash part left)').toBe(
              c.flow.kind === 'split' ? o.total_fen - SPLIT_CASH_FEN : o.total_fen,
            );
          // refunds: every one final; what the sandbox gave back is exactly what succeeded here, each refund number once
          const mine = refunds.filter((r) => r.attempt_id === a.id);
          for (const r of mine) expect(r.state, `refund ${r.refund_no}`).toBe('succeeded');
          if (up) {
            const detail = (await control(`trades/${up.provider}/${up.out_trade_no}`)) as {
              refunds: { out_request_no: string; amount_fen: number; status: string }[];
            };
            expect(detail.refunds.map((r) => [r.out_request_no, r.amount_fen, r.status])).toEqual(
              mine.map((r) => [r.refund_no, r.amount_fen, 'SUCCESS']),
            );
          }
        }
        const paidParts = attempts.filter((a) => PAID_STATES.includes(a.state));
        // never paid twice: one successful payment per order, or (split tender) parts that add up to at most its total
        if (c.flow.kind === 'split')
          expect(
            paidParts.reduce((n, a) => n + a.amount_fen, 0),
            'the parts never exceed the total',
          ).toBeLessThanOrEqual(o.total_fen);
        else expect(paidParts.length, 'one successful payment per order').toBeLessThanOrEqual(1);

        const flow = c.flow;
        if (flow.kind === 'recon') {
          // statement import: each provider's statement for the day imported exactly once, whole
          const said = find(recovered.lines, 'reconciled');
          expect(said, recovered.stderr).toBeDefined();
          // the restarted till's daily run took up what the crash interrupted
          expect(said!.ran.includes(flow.provider), `the daily run after the restart: ${said!.ran.join(', ')}`).toBe(
            c.point !== 'recon.import-committed',
          );
          const runs = db
            .prepare('SELECT id, provider, status, row_count, matched_count FROM recon_runs WHERE day = ? ORDER BY id')
            .all(said!.day) as {
            id: number;
            provider: string;
            status: string;
            row_count: number;
            matched_count: number;
          }[];
          const providers = [...new Set(runs.map((r) => r.provider))];
          expect(providers, "a run for the sale's provider").toContain(flow.provider);
          expect(runs.map((r) => r.provider).sort(), 'one run per provider: none lost, none doubled').toEqual(
            [...providers].sort(),
          );
          for (const r of runs) {
            expect(['imported', 'empty'], `${r.provider} run`).toContain(r.status);
            const lines = (
              db.prepare('SELECT count(*) AS n FROM recon_lines WHERE run_id = ?').get(r.id) as { n: number }
            ).n;
            expect(lines, `${r.provider}: every statement row stored, once`).toBe(r.row_count);
          }
          const mine = runs.find((r) => r.provider === flow.provider)!;
          expect(mine).toMatchObject({ status: 'imported', row_count: 1, matched_count: 1 });
          const items = db
            .prepare('SELECT category FROM recon_items WHERE run_id IN (SELECT id FROM recon_runs WHERE day = ?)')
            .all(said!.day);
          expect(items, 'the till and the statements agree').toEqual([]);
          // running the day again (the owner's button) changes nothing
          expect(said!.again.sort()).toEqual(providers.map((p) => `${p}:already_imported`).sort());
        }
      } finally {
        db.close();
      }
    } finally {
      app.cleanup();
    }
  });
});
