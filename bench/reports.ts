/**
 * Sales review at scale: a generated store history (bench/history.ts: 1M orders, ~3.3M lines over a
 * year; `--quick`: 50k), cached under the OS temp dir so later runs reuse it, opened by the app's own
 * core. Each report is timed from the summary tables (what `reports.sales` does) and by a naive GROUP
 * BY over the raw tables in the same run, for a calendar month and for the whole year; the ratio is
 * naive ÷ summary. The full `reports.sales` call (every section at once) is timed too and checked
 * equal to the reference report (tests/support/report-reference.ts) on the same data.
 *
 * Goal: ≤ 50 ms for each report. Also the generator's throughput (from the run that made the cache).
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createCore, type Core } from '../src/main/core/core';
import { referenceReport } from '../tests/support/report-reference';
import { addDays } from '../src/main/core/reports/reports';
import { generateHistory, type HistoryResult } from './history';
import { fmt, median, p95, progress, row, type Row } from './stats';

/** Bump when the generator or the schema it writes changes, so an old cache is not reused. */
const CACHE_VERSION = 2;
const SEED = 20261126;
const END_DAY = '2026-06-30';

export interface ReportsBenchOptions {
  quick: boolean;
}

interface Cached {
  version: number;
  generatedAt: string;
  result: HistoryResult;
}

async function dataset(orders: number, days: number): Promise<{ dir: string; cached: Cached; fresh: boolean }> {
  const dir = join(tmpdir(), `counter-pos-bench-history-v${CACHE_VERSION}-${orders}-${days}-${SEED}`);
  const marker = join(dir, 'generated.json');
  if (existsSync(marker)) {
    const cached = JSON.parse(readFileSync(marker, 'utf8')) as Cached;
    if (cached.version === CACHE_VERSION) return { dir, cached, fresh: false };
  }
  rmSync(dir, { recursive: true, force: true });
  progress(`generating ${orders.toLocaleString('en')} orders into ${dir} (cached for later runs)…`);
  const result = await generateHistory({
    dataDir: dir,
    orders,
    days,
    seed: SEED,
    endDay: END_DAY,
    progress: (l) => progress(`  ${l}`),
  });
  const cached: Cached = { version: CACHE_VERSION, generatedAt: new Date().toISOString(), result };
  writeFileSync(marker, JSON.stringify(cached, null, 1));
  return { dir, cached, fresh: true };
}

/** The cached 1M-order history's data directory (50k orders when quick), generated first if missing. Copy it before opening it elsewhere. */
export async function agedDataset(quick: boolean): Promise<string> {
  return (await dataset(quick ? 50_000 : 1_000_000, 365)).dir;
}

function timeIt(runs: number, fn: () => unknown): number[] {
  fn(); // warm: statements prepared, pages cached
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    xs.push(performance.now() - t0);
  }
  return xs;
}

const PAID = `('paid', 'partially_refunded', 'refunded')`;
const HOLDER = (order: string) =>
  `(select x.id from payment_attempts x where x.order_id = ${order} and x.state in ${PAID} order by x.state = 'refunded', x.paid_at desc, x.id desc limit 1)`;
const OFFSET = (t: string) =>
  `coalesce((select z.offset_min from report_tz z where z.from_ms <= ${t} order by z.from_ms desc limit 1), 0) * 60000`;
const LOCAL_DAY = (t: string) => `strftime('%Y-%m-%d', (${t} + ${OFFSET(t)}) / 1000, 'unixepoch')`;
const LOCAL_HOUR = (t: string) => `cast(strftime('%H', (${t} + ${OFFSET(t)}) / 1000, 'unixepoch') as integer)`;
const T = 'coalesce(r.finished_at, r.updated_at)';
const COUNTED_REFUNDS = `refunds r join orders o on o.id = r.order_id
  where r.state = 'succeeded' and o.status in ${PAID} and r.attempt_id = ${HOLDER('r.order_id')}
    and ${T} between ? and ? and ${LOCAL_DAY(T)} between ? and ?`;

/** Each report the naive way: GROUP BY over orders, lines, payments and refunds, nothing precomputed. */
function naive(core: Core) {
  const db = core.store.sqlite;
  const q = (sql: string) => db.prepare(sql);
  const window = (from: string, to: string) => [
    Date.parse(`${from}T00:00:00Z`) - 86_400_000,
    Date.parse(`${to}T00:00:00Z`) + 2 * 86_400_000,
    from,
    to,
  ];
  const s = {
    day: [
      q(`select o.business_day, count(*), sum(o.item_count), sum(o.subtotal_fen), sum(o.line_discount_fen + o.order_discount_fen)
         from orders o where o.status in ${PAID} and o.business_day between ? and ? group by o.business_day`),
      q(`select ${LOCAL_DAY(T)} as d, sum(r.amount_fen), count(*) from ${COUNTED_REFUNDS} group by d`),
    ],
    hour: [
      q(`select ${LOCAL_HOUR('o.created_at')} as h, count(*), sum(o.item_count), sum(o.subtotal_fen), sum(o.line_discount_fen + o.order_discount_fen)
         from orders o where o.status in ${PAID} and o.business_day between ? and ? group by h`),
      q(`select ${LOCAL_HOUR(T)} as h, sum(r.amount_fen), count(*) from ${COUNTED_REFUNDS} group by h`),
    ],
    dims: [
      q(`select coalesce(a.method, 'none'), coalesce(a.mode, 'none'), o.clerk, o.terminal, count(*), sum(o.item_count), sum(o.subtotal_fen),
                sum(o.line_discount_fen + o.order_discount_fen)
         from orders o left join payment_attempts a on a.id = ${HOLDER('o.id')}
         where o.status in ${PAID} and o.business_day between ? and ? group by 1, 2, 3, 4`),
      q(`select a.method, a.mode, o.clerk, o.terminal, sum(r.amount_fen), count(*)
         from ${COUNTED_REFUNDS.replace('join orders o on o.id = r.order_id', 'join orders o on o.id = r.order_id join payment_attempts a on a.id = r.attempt_id')}
         group by 1, 2, 3, 4`),
    ],
    product: [
      q(`select l.product_id, p.category_id, count(*), sum(l.qty), sum(l.gross_fen), sum(l.line_discount_fen + l.order_discount_share_fen)
         from orders o join order_lines l on l.order_id = o.id join products p on p.id = l.product_id
         where o.status in ${PAID} and o.business_day between ? and ? group by l.product_id order by 6 desc`),
      q(`select l.product_id, sum(json_extract(r.lines, j.fullkey || '.amountFen')), sum(json_extract(r.lines, j.fullkey || '.qty'))
         from ${COUNTED_REFUNDS.replace('join orders o on o.id = r.order_id', "join orders o on o.id = r.order_id join json_each(r.lines) j join order_lines l on l.order_id = r.order_id and l.line_no = json_extract(r.lines, j.fullkey || '.lineNo')")}
           and json_valid(r.lines)
         group by l.product_id`),
    ],
  };
  const run = (which: keyof typeof s) => (from: string, to: string) => {
    const [sales, refunds] = s[which];
    return [sales!.all(from, to), refunds!.all(...window(from, to))];
  };
  return { day: run('day'), hour: run('hour'), dims: run('dims'), product: run('product') };
}

export async function benchReports(options: ReportsBenchOptions): Promise<Row[]> {
  const orders = options.quick ? 50_000 : 1_000_000;
  const days = 365;
  const { dir, cached, fresh } = await dataset(orders, days);
  const g = cached.result;
  const rows: Row[] = [];
  rows.push(
    row(
      `generate ${g.orders.toLocaleString('en')} orders, ${g.lines.toLocaleString('en')} lines`,
      's',
      [g.totalMs / 1000],
      'a few minutes',
      `${Math.round(g.orders / (g.writeMs / 1000)).toLocaleString('en')} orders/s written + ${fmt(g.rollupMs / 1000)} s summary tables; ` +
        `${g.refunds.toLocaleString('en')} refunds, ${g.cancelled.toLocaleString('en')} cancelled; ${(g.bytes / 1024 ** 2).toFixed(0)} MB` +
        (fresh ? '' : ` (cached, generated ${cached.generatedAt.slice(0, 10)})`),
    ),
  );

  const t0 = performance.now();
  const core = await createCore({ dataDir: dir, mode: 'browser', poll: false, seed: false });
  progress(`opened ${dir} in ${fmt((performance.now() - t0) / 1000)} s`);
  try {
    const n = naive(core);
    const runs = options.quick ? 7 : 15;
    const naiveRuns = options.quick ? 3 : 3;
    const ranges: [string, string, string][] = [
      ['month', `${END_DAY.slice(0, 8)}01`, END_DAY],
      ['year', addDays(END_DAY, -(days - 1)), END_DAY],
    ];
    for (const [label, from, to] of ranges) {
      const span = `${label} (${from}…${to})`;
      // the whole report, as the screen asks for it, checked against the reference on the same data
      const full = timeIt(runs, () => core.reports.sales(from, to, 15));
      const tRef = performance.now();
      const ref = referenceReport(core.store, from, to, 15);
      const refMs = performance.now() - tRef;
      const got = core.reports.sales(from, to, 15);
      const same =
        JSON.stringify({ ...got, timeZone: '', generatedAt: 0 }) ===
        JSON.stringify({ ...ref, timeZone: '', generatedAt: 0 });
      rows.push(
        row(
          `reports.sales, all sections, ${span}`,
          'ms',
          full,
          '≤ 50 ms',
          `reference report ${fmt(refMs)} ms (×${fmt(refMs / median(full))}); ${same ? 'equal to the reference ✓' : 'DIFFERS from the reference ✗'}`,
        ),
      );
      if (!same) throw new Error(`the ${label} report differs from the reference`);
      const sections: [string, () => unknown, (f: string, t: string) => unknown][] = [
        ['summary + by day', () => core.reports.byDay(from, to), n.day],
        ['by hour of day', () => core.reports.byHour(from, to), n.hour],
        ['by method, clerk, till', () => core.reports.byDimensions(from, to), n.dims],
        ['by product (top 15 + rest), category', () => core.reports.byProduct(from, to, 15, 0), n.product],
      ];
      for (const [name, fast, slow] of sections) {
        const a = timeIt(runs, fast);
        const b = timeIt(naiveRuns, () => slow(from, to));
        rows.push(
          row(
            `report ${name}, ${span}`,
            'ms',
            a,
            '≤ 50 ms',
            `naive GROUP BY ${fmt(median(b))} ms median, ${fmt(p95(b))} p95 (×${fmt(median(b) / median(a))})`,
          ),
        );
      }
    }
    // what the owner waits for through the contract (the owner signed in: no PIN to check)
    const owner = core.auth.users().find((u) => u.role === 'owner');
    if (owner) await core.dispatch('auth.login', { userId: owner.id, pin: '8888' });
    const [, from, to] = ranges[1]!;
    const viaContract: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      const r = await core.dispatch('reports.sales', { from, to, top: 15 });
      if (!r.ok) throw new Error(r.error.message);
      viaContract.push(performance.now() - t);
    }
    rows.push(
      row(
        `reports.sales through the contract (owner), year`,
        'ms',
        viaContract,
        '≤ 50 ms',
        'validation, authorization and the result object; a clerk with a PIN adds one scrypt (~50–100 ms)',
      ),
    );
    const csv: number[] = [];
    for (let i = 0; i < Math.min(runs, 5); i++) {
      const t = performance.now();
      await core.dispatch('reports.exportCsv', { from, to });
      csv.push(performance.now() - t);
    }
    rows.push(row('reports.exportCsv, year (every product)', 'ms', csv, '—', 'built in main'));
  } finally {
    core.close();
  }
  return rows;
}
