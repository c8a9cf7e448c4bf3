/**
 * `npm run generate -- --data-dir DIR [--orders 1000000] [--days 365] [--seed N] [--products 1000] [--end-day YYYY-MM-DD]`
 *
 * Writes a realistic store history into a fresh data directory (see bench/history.ts), then prints
 * what it wrote, how long it took and the database's size. Open it afterwards like any other:
 * `npm run web -- --data-dir DIR` (owner PIN 8888; clerks 1234, 2345, 3456).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateHistory } from '../bench/history';
import { DB_FILE } from '../src/main/store/db';

function arg(name: string): string | undefined {
  const argv = process.argv.slice(2);
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return undefined;
  const a = argv[i] as string;
  return a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[i + 1];
}

function int(name: string, fallback: number, min: number, max: number): number {
  const raw = arg(name);
  if (raw === undefined) return fallback;
  const n = Number(raw.replaceAll('_', ''));
  if (!Number.isInteger(n) || n < min || n > max) {
    process.stderr.write(`--${name} must be a whole number from ${min} to ${max} (got ${raw})\n`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  const dir = arg('data-dir') ?? process.env.POS_DATA_DIR;
  if (!dir) {
    process.stderr.write(
      'usage: npm run generate -- --data-dir DIR [--orders 1000000] [--days 365] [--seed N] [--products 1000] [--end-day YYYY-MM-DD]\n',
    );
    process.exit(2);
  }
  if (existsSync(join(resolve(dir), DB_FILE))) {
    process.stderr.write(
      `${join(resolve(dir), DB_FILE)} exists: the generator writes only into a fresh data directory (nothing was changed).\n`,
    );
    process.exit(2);
  }
  const endDay = arg('end-day');
  if (endDay !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(endDay)) {
    process.stderr.write(`--end-day must be YYYY-MM-DD (got ${endDay})\n`);
    process.exit(2);
  }
  const options = {
    dataDir: resolve(dir),
    orders: int('orders', 1_000_000, 1, 20_000_000),
    days: int('days', 365, 1, 3_650),
    seed: int('seed', 20261126, 0, 2 ** 31 - 1),
    products: int('products', 1_000, 0, 200_000),
    ...(endDay ? { endDay } : {}),
    progress: (line: string) => process.stderr.write(`[generate] ${line}\n`),
  };
  process.stderr.write(
    `[generate] ${options.orders.toLocaleString('en')} orders over ${options.days} days into ${options.dataDir}\n`,
  );
  const r = await generateHistory(options);
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  process.stdout.write(
    [
      `Wrote ${r.orders.toLocaleString('en')} orders (${r.lines.toLocaleString('en')} lines, ${r.payments.toLocaleString('en')} payments, ` +
        `${r.refunds.toLocaleString('en')} refunds, ${r.cancelled.toLocaleString('en')} cancelled, ${r.open} open) for ${r.firstDay} … ${r.lastDay}`,
      `Rows ${s(r.writeMs)} (${Math.round(r.orders / (r.writeMs / 1000)).toLocaleString('en')} orders/s), report tables ${s(r.rollupMs)}, total ${s(r.totalMs)}`,
      `Database ${(r.bytes / 1024 ** 2).toFixed(0)} MB in ${options.dataDir}`,
      `Open it: npm run web -- --data-dir ${options.dataDir}   (owner PIN 8888; clerks 1234, 2345, 3456)`,
      '',
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`[generate] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
