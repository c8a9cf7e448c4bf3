/**
 * Every query that runs on a timer or on a clerk's action uses an index, on a store of any age.
 *
 * A generated history is loaded into a fresh store; the till is then driven the way a counter drives
 * it — the pollers' and schedulers' ticks, and every clerk action (search, scan, add, confirm, cash,
 * a QR payment, To check, today's orders, an order, the drawer, refunds, reports, reconciliation) —
 * while every statement it runs is recorded with its bound parameters. Each one that reads a table
 * that grows with the store's age is then explained (`EXPLAIN QUERY PLAN` with those parameters),
 * and the test fails on a full scan or a temporary b-tree over such a table. The registry of the
 * named hot queries (`HOT_QUERIES`, src/main/core/hot-queries.ts, each defined beside the code that
 * runs it) is explained the same way, so a hot query stays indexed even if this script stops
 * reaching it. Nothing is timed: SQLite's plan does not depend on the clock or on the machine.
 *
 * SQLite uses a partial index only when the query's WHERE provably implies the index's — bound
 * parameters never do (`state in (?, ?)` skips `payment_attempts_due`): that is the mistake this
 * test exists to catch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type BetterSqlite3 from 'better-sqlite3';
import { generateHistory } from '../../bench/history';
import { ManualClock } from '../../src/main/core/clock';
import { createCore, type Core } from '../../src/main/core/core';
import { Store } from '../../src/main/store/db';
import { HOT_QUERIES } from '../../src/main/core/hot-queries';
import { scriptedProviders } from '../support/fake-provider';
import { tempDir } from '../support/temp';

/** Tables that grow with every sale, poll, refund or day; everything else stays small. */
export const LARGE_TABLES = [
  'orders',
  'order_lines',
  'payment_attempts',
  'payment_journal',
  'payment_exceptions',
  'refunds',
  'audit_log',
  'stock_moves',
  'carts',
  'cart_lines',
  'cash_moves',
  'cash_sessions',
  'z_reports',
  'recon_runs',
  'recon_lines',
  'recon_items',
  'report_sales_day',
  'report_sales_month',
  'report_sales_hour',
  'report_product_day',
  'report_product_month',
  'recovered_rows',
  'print_jobs',
];

interface Seen {
  sql: string;
  params: unknown[];
  where: string;
}

/** The tables a statement names by alias (`"payment_attempts" as "pa"`): EXPLAIN calls a table by its alias. */
function aliases(sql: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [, table, alias] of sql.matchAll(/"(\w+)"\s+as\s+"(\w+)"/gi))
    if (LARGE_TABLES.includes(table!)) out.set(alias!, table!);
  return out;
}

/**
 * A search through an index on equality alone (`terminal=?`) where one value of those columns holds
 * a tenth of the table or more: that index narrows nothing, and every row of that value is walked.
 * Without statistics SQLite takes any equality on an indexed column to narrow to a few rows, so it
 * prefers such an index to a selective range (the X report walked every order of its terminal).
 */
function unselective(db: BetterSqlite3.Database, table: string, terms: string[]): string | null {
  if (!terms.every((t) => /^\w+=\?$/.test(t))) return null;
  const cols = terms.map((t) => `"${t.slice(0, -2)}"`).join(', ');
  const { n } = db.prepare(`select count(*) as n from "${table}"`).get() as { n: number };
  const { biggest } = db
    .prepare(`select max(c) as biggest from (select count(*) as c from "${table}" group by ${cols})`)
    .get() as { biggest: number | null };
  if (n < 1_000 || (biggest ?? 0) * 10 < n) return null;
  return `one value of ${cols} holds ${biggest} of ${n} rows of ${table}: the index narrows nothing`;
}

/**
 * A plan's problems: full scans and temporary b-trees over a large table, and searches through an
 * index that does not narrow it (see `unselective`).
 */
export function planProblems(db: BetterSqlite3.Database, sql: string, params: unknown[]): string[] {
  const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(params as never[])) as { detail: string }[];
  const limited = /\blimit\b/i.test(sql);
  const named = aliases(sql);
  const out: string[] = [];
  for (const { detail } of rows) {
    const search = /^SEARCH (\w+)(?: AS \w+)? USING (?:COVERING )?INDEX (\w+) \((.+)\)$/.exec(detail);
    if (search) {
      const [, name, index, terms] = search;
      const table = named.get(name!) ?? name!;
      const sorted = rows.some((r) => r.detail.includes('TEMP B-TREE'));
      if (LARGE_TABLES.includes(table) && !PARTIAL_INDEXES.has(index!) && !(limited && !sorted)) {
        const why = unselective(db, table, terms!.split(' AND '));
        if (why) out.push(`${detail} (${why})`);
      }
    }
    const scan = /^SCAN (\w+)(?: AS \w+)?(?: USING (?:COVERING )?INDEX (\w+))?/.exec(detail);
    if (scan) {
      const [, name, index] = scan;
      const table = named.get(name!) ?? name!;
      if (!LARGE_TABLES.includes(table)) continue;
      // walking a small partial index, or rows in order up to a LIMIT, is not a full scan
      if (index && PARTIAL_INDEXES.has(index)) continue;
      if (limited && !rows.some((r) => r.detail.includes('TEMP B-TREE'))) continue;
      out.push(detail);
    }
    if (detail.includes('USE TEMP B-TREE') && LARGE_TABLES.some((t) => new RegExp(`\\b${t}\\b`).test(sql))) {
      // sorting what an index already narrowed to one order, one day or one session is fine; a sort of a whole large table is not
      const narrowed = rows.some(
        (r) =>
          /^SEARCH \w+ USING (?:(?:COVERING )?INDEX|INTEGER PRIMARY KEY|PRIMARY KEY)/.test(r.detail) ||
          [...PARTIAL_INDEXES].some((i) => r.detail.startsWith('SCAN') && r.detail.endsWith(`INDEX ${i}`)),
      );
      if (!narrowed) out.push(detail);
    }
  }
  return out;
}

/** Partial indexes over the open few rows of a large table (see the migrations). */
const PARTIAL_INDEXES = new Set([
  'payment_attempts_due',
  'payment_attempts_open',
  'refunds_due',
  'payment_attempts_one_open',
  'cash_sessions_one_open',
  'print_jobs_open',
]);

let core: Core;
let clock: ManualClock;
let cleanup: () => void;
const seen = new Map<string, Seen>();
let where = 'setup';

beforeAll(async () => {
  const t = tempDir('pos-plans-');
  cleanup = t.cleanup;
  // yesterday and the year before it (a small history: the plan does not depend on the row count)
  await generateHistory({ dataDir: t.dir, orders: 4_000, days: 400, seed: 7, products: 200 });
  clock = new ManualClock(Date.now());
  const { providers, alipay } = scriptedProviders();
  alipay.defaults.query = { kind: 'pending' };
  core = await createCore({
    dataDir: t.dir,
    mode: 'browser',
    newStoreRequiresDrawer: false, // sells cash without opening a drawer
    clock,
    timeZone: 'Asia/Shanghai',
    poll: false,
    providers,
  });
  // record every statement the till runs from here on, with its parameters
  for (const m of ['all', 'first', 'run'] as const) {
    const original = Store.prototype[m] as (
      this: Store,
      q: { compile(): { sql: string; parameters: readonly unknown[] } },
    ) => unknown;
    (Store.prototype as unknown as Record<string, unknown>)[m] = function (
      this: Store,
      q: { compile(): { sql: string; parameters: readonly unknown[] } },
    ) {
      const c = q.compile();
      if (!seen.has(c.sql)) seen.set(c.sql, { sql: c.sql, params: [...c.parameters], where });
      return original.call(this, q);
    };
  }
}, 120_000);

afterAll(() => {
  core?.close();
  cleanup?.();
});

const call = async (method: string, input: unknown = {}) => {
  const r = await core.dispatch(method, input);
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.value as never;
};

describe('query plans on an aged store', () => {
  it('every statement a timer or a clerk runs reads a large table through an index', async () => {
    const owner = core.auth.users().find((u) => u.role === 'owner')!;
    const day = core.reports ? new Date(clock.now() + 8 * 3_600_000).toISOString().slice(0, 10) : '';
    const yesterday = new Date(clock.now() + 8 * 3_600_000 - 86_400_000).toISOString().slice(0, 10);
    const month = `${day.slice(0, 7)}-01`;
    const yearAgo = new Date(clock.now() + 8 * 3_600_000 - 364 * 86_400_000).toISOString().slice(0, 10);

    where = 'the clerk starts';
    await call('app.info');
    await call('auth.users');
    await call('auth.current');
    await call('catalog.categories');
    await call('catalog.products', { categoryId: null });
    await call('cart.get');
    await call('cart.parked');
    await call('payments.options');
    await call('payments.attention');
    await call('cashSession.current');
    await call('dataSafety.status');

    where = 'the clerk opens the drawer and sells for cash';
    await call('cashSession.open', { floatFen: 20_000 });
    await call('catalog.search', { query: 'kkkl' });
    await call('cart.scan', { code: 'DRI-001' });
    const p = (await call('catalog.search', { query: 'SNA-001' })) as { id: number }[];
    await call('cart.add', { productId: p[0]!.id, qty: 2 });
    const cart = (await call('cart.get')) as { lines: { lineId: number }[] };
    await call('cart.setQty', { lineId: cart.lines[0]!.lineId, qty: 3 });
    await call('cart.setLineDiscount', { lineId: cart.lines[0]!.lineId, discount: { kind: 'percent', value: 10 } });
    await call('cart.setOrderDiscount', { discount: { kind: 'amount', value: 50 } });
    const o1 = (await call('checkout.confirm')) as { id: number; totalFen: number };
    await call('checkout.payCash', { orderId: o1.id, tenderedFen: o1.totalFen + 1000 });
    await call('orders.receipt', { orderId: o1.id, reprint: false });
    // the common sale in one step: confirmed and paid in cash in one transaction
    await call('cart.scan', { code: 'DRI-001' });
    const c1 = (await call('cart.add', { productId: p[0]!.id })) as { totalFen: number };
    await call('checkout.cashSale', { tenderedFen: c1.totalFen });

    where = 'a QR payment, polled';
    await call('cart.scan', { code: 'DRI-001' });
    const o2 = (await call('checkout.confirm')) as { id: number };
    const a = (await call('payments.start', { orderId: o2.id, provider: 'alipay', mode: 'qr' })) as { id: number };
    await call('payments.get', { attemptId: a.id });
    await call('payments.forOrder', { orderId: o2.id });
    clock.advance(1_000);
    where = 'the payment poller ticks';
    await core.payments.runDue();
    core.payments.startPolling();
    core.refunds.startPolling();
    core.reconciliation.startSchedule();
    await new Promise((r) => setTimeout(r, 400));
    core.payments.stopPolling();
    core.refunds.stopPolling();
    core.reconciliation.stopSchedule();
    await core.refunds.runDue?.();
    where = 'the clerk checks';
    await call('payments.queryNow', { attemptId: a.id });
    await call('payments.attention');
    await call('payments.stop', { attemptId: a.id });

    where = 'park, resume, cancel';
    await call('cart.scan', { code: 'DRI-001' });
    await call('cart.park', { label: 'x' });
    const parked = (await call('cart.parked')) as { id: number }[];
    await call('cart.resume', { cartId: parked[0]!.id });
    const o3 = (await call('checkout.confirm')) as { id: number };
    await call('orders.cancel', { orderId: o3.id, restoreCart: true });
    await call('cart.clear');

    where = "today's orders and an order";
    await call('orders.list', {});
    await call('orders.get', { orderId: o1.id });
    await call('orders.get', { orderId: 1 });
    await call('refunds.quote', { orderId: o1.id });
    await call('cashSession.move', { kind: 'in', amountFen: 1000, reason: 'change float' });

    where = 'the owner';
    await core.auth.login(owner.id, '8888');
    await call('orders.list', { businessDay: yesterday });
    await call('refunds.create', {
      orderId: o1.id,
      kind: 'full',
      restock: true,
      reason: 'customer returned it',
      requestKey: 'plan-test-0001',
    });
    await call('cashSession.x');
    await call('cashSession.zList', {});
    await call('reports.sales', { from: day, to: day });
    await call('reports.sales', { from: month, to: day });
    await call('reports.sales', { from: yearAgo, to: day });
    await call('recon.days', {});
    await call('recon.day', { day: yesterday });
    await call('audit.list', {});
    await call('catalog.adminProducts', {});
    await call('catalog.stockMoves', { productId: p[0]!.id });
    await call('cashSession.close', {
      denominations: { '10000': 2, '1000': 1 },
      varianceReason: 'counted it',
      acknowledgePending: true,
    });

    const db = core.store.sqlite;
    const bad: string[] = [];
    for (const s of seen.values()) {
      if (!LARGE_TABLES.some((t) => new RegExp(`"${t}"|\\b${t}\\b`).test(s.sql))) continue;
      const problems = planProblems(db, s.sql, s.params);
      if (problems.length) bad.push(`[${s.where}] ${problems.join('; ')}\n    ${s.sql}`);
    }
    expect(seen.size).toBeGreaterThan(50);
    expect(bad, `${bad.length} statements scan a large table:\n${bad.join('\n')}`).toEqual([]);
  }, 120_000);

  it('every query in the registry of hot queries reads through an index', () => {
    const db = core.store.sqlite;
    const bad: string[] = [];
    for (const [name, build] of Object.entries(HOT_QUERIES)) {
      const c = build(core.store.kysely, clock.now()).compile();
      const problems = planProblems(db, c.sql, [...c.parameters]);
      if (problems.length) bad.push(`${name}: ${problems.join('; ')}\n    ${c.sql}`);
    }
    expect(Object.keys(HOT_QUERIES).length).toBeGreaterThan(5);
    expect(bad).toEqual([]);
  });
});
