/**
 * `npm run bench`: builds, then runs every measurement in order and prints one markdown table of
 * medians, p95s, goals and ratios (also written to bench/results/latest.json). Timings are
 * reported, never asserted: the exit code is 0 unless a measurement crashes.
 *
 *   npm run bench                          # everything (~2–3 min on 2 cores)
 *   node scripts/node.mjs --import tsx bench/index.ts --quick           # small sizes, a smoke run
 *   node scripts/node.mjs --import tsx bench/index.ts --only sales,search
 *   node scripts/node.mjs --import tsx bench/index.ts --only aged     # a year-old store (bench/aged.ts); only when named
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { agedOptions, benchAged } from './aged';
import { benchColdStart } from './cold-start';
import { benchCash } from './cash';
import { benchCrypto } from './crypto';
import { openBigCatalogue, type BigCatalogue } from './generate';
import { benchPaymentLatency } from './payment-latency';
import { benchPayments } from './payments';
import { benchPendingLoad } from './pending-load';
import { benchReconcile } from './reconcile';
import { benchReports } from './reports';
import { benchRss } from './rss';
import { benchSales, benchSalesHttp } from './sales';
import { benchScan } from './scan';
import { benchSearch } from './search';
import { benchStall } from './stall';
import { cleanupAllTempDirs, fmt, progress, type Row } from './stats';

const SECTIONS = [
  'sales',
  'sales-http',
  'search',
  'scan',
  'cold-start',
  'rss',
  'payments',
  'latency',
  'pending',
  'reconcile',
  'reports',
  'cash',
  'crypto',
  'stall',
  'aged',
] as const;
type Section = (typeof SECTIONS)[number];

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const onlyArg = argv.find((a, i) => a.startsWith('--only=') || argv[i - 1] === '--only');
const only = onlyArg ? new Set(onlyArg.replace(/^--only=/, '').split(',')) : null;
// `aged` (a 750 MB store, ~4 min) runs only when named
const enabled = (s: Section) => (only ? only.has(s) : s !== 'aged');
for (const name of only ?? []) {
  if (!(SECTIONS as readonly string[]).includes(name)) {
    process.stderr.write(`[bench] unknown section "${name}"; sections: ${SECTIONS.join(', ')}\n`);
    process.exit(2);
  }
}

const SIZES = quick
  ? {
      sales: { runs: 2, salesPerRun: 20, warmup: 5 },
      products: 10_000,
      searchRounds: 5,
      scans: 30,
      coldRuns: 2,
      rssSales: 50,
      payments: { samples: 30, warmup: 5 },
      crypto: { batches: 4, batchMs: 20 },
    }
  : {
      sales: { runs: 5, salesPerRun: 200, warmup: 20 },
      products: 100_000,
      searchRounds: 30,
      scans: 300,
      coldRuns: 5,
      rssSales: 1000,
      payments: { samples: 300, warmup: 30 },
      crypto: { batches: 12, batchMs: 50 },
    };

export const RESULTS_FILE = resolve(__dirname, 'results/latest.json');

function machine() {
  const cpu = cpus();
  const runtime = process.versions.electron ? `Electron ${process.versions.electron} as Node` : 'Node';
  return {
    cpus: cpu.length,
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    runtime,
    platform: `${platform()} ${arch()}`,
    date: new Date().toISOString(),
    loadAvgAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
    quick,
  };
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function table(rows: readonly Row[]): string {
  const lines = ['| measure | median | p95 | goal | ratio/notes |', '|---|---:|---:|---|---|'];
  for (const r of rows) {
    lines.push(
      `| ${cell(r.measure)} | ${fmt(r.median, r.unit)} | ${fmt(r.p95, r.unit)} | ${cell(r.goal)} | ${cell(r.notes)} |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<number> {
  const started = performance.now();
  const m = machine();
  const rows: Row[] = [];
  let crashed = false;
  const section = async (name: Section, fn: () => Promise<Row[]>) => {
    if (!enabled(name)) return;
    const t = performance.now();
    progress(`${name}…`);
    try {
      rows.push(...(await fn()));
    } catch (err) {
      crashed = true;
      const e = err as Error;
      process.stderr.write(`[bench] ${name} crashed: ${e.stack ?? e.message}\n`);
      rows.push({
        measure: name,
        unit: '',
        median: null,
        p95: null,
        goal: '—',
        notes: `CRASHED: ${e.message.split('\n')[0] ?? ''}`,
      });
    }
    progress(`${name} took ${fmt((performance.now() - t) / 1000)} s`);
  };

  await section('sales', () => benchSales(SIZES.sales));
  await section('sales-http', () =>
    benchSalesHttp(quick ? { sales: 30, warmup: 5, traced: 10 } : { sales: 300, warmup: 30, traced: 50 }),
  );

  let big: BigCatalogue | undefined;
  const needBig = enabled('search') || enabled('scan');
  try {
    if (needBig) {
      progress(`generating and importing ${SIZES.products.toLocaleString('en')} products…`);
      try {
        big = await openBigCatalogue(SIZES.products);
      } catch (err) {
        crashed = true;
        const e = err as Error;
        process.stderr.write(`[bench] catalogue generation crashed: ${e.stack ?? e.message}\n`);
        rows.push({
          measure: 'generated catalogue',
          unit: '',
          median: null,
          p95: null,
          goal: '—',
          notes: `CRASHED: ${e.message}`,
        });
      }
    }
    const b = big;
    if (b) {
      await section('search', () => benchSearch(b, { rounds: SIZES.searchRounds, limit: 50 }));
      await section('scan', () => benchScan(b, { scans: SIZES.scans, warmup: 20, cartLines: 10 }));
    }
  } finally {
    big?.close();
  }

  await section('cold-start', () => benchColdStart(SIZES.coldRuns));
  await section('rss', () => benchRss(SIZES.rssSales));
  await section('payments', () => benchPayments(SIZES.payments));
  await section('latency', () =>
    benchPaymentLatency(quick ? { payments: 16, spreadMs: 2_000 } : { payments: 80, spreadMs: 4_000 }),
  );
  await section('pending', () =>
    benchPendingLoad(
      quick ? { attempts: 200, seconds: 5, slowSeconds: 5 } : { attempts: 1_000, seconds: 20, slowSeconds: 15 },
    ),
  );
  await section('reconcile', () => benchReconcile(quick ? { size: 10_000, runs: 2 } : { size: 100_000, runs: 5 }));
  await section('reports', () => benchReports({ quick }));
  await section('cash', () =>
    benchCash(
      quick ? { sessions: 2, salesPerSession: 50, xRuns: 5 } : { sessions: 5, salesPerSession: 1_000, xRuns: 20 },
    ),
  );
  await section('crypto', () => benchCrypto(SIZES.crypto));
  await section('stall', () => benchStall({ quick }));
  await section('aged', () => benchAged(agedOptions(argv, quick)));

  const load = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(' ');
  const header =
    `Counter POS bench — ${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB, ${m.runtime} ${m.node}, ${m.platform}, ${m.date}; ` +
    `load average ${load(m.loadAvgAtStart)} at start, ${load(loadavg())} at end` +
    `${quick ? ' (QUICK: small sizes, not comparable)' : ''}; took ${fmt((performance.now() - started) / 1000)} s`;
  const text = `${header}\n\n${table(rows)}\n`;
  process.stdout.write(`\n${text}`);

  mkdirSync(dirname(RESULTS_FILE), { recursive: true });
  writeFileSync(RESULTS_FILE, `${JSON.stringify({ machine: m, header, rows, markdown: text }, null, 1)}\n`);
  progress(`results written to ${RESULTS_FILE}`);
  return crashed ? 1 : 0;
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    cleanupAllTempDirs();
    process.exit(130);
  });
}

main()
  .then((code) => {
    cleanupAllTempDirs();
    process.exitCode = code;
  })
  .catch((err: unknown) => {
    cleanupAllTempDirs();
    process.stderr.write(`[bench] crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  });
