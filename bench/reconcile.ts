/**
 * Daily reconciliation at scale (issue 4, "Measure": a 100k-row statement against 100k local
 * attempts, goal ≤ 1 s), two ways:
 *
 *  - **match**: the pure matcher (`intermediaries/statement-match.ts`) on rows already in memory;
 *  - **import**: `Reconciliation.importStatement` on a database holding the 100k attempts (and
 *    their orders): check the statement, hash it, then in one transaction load the day's attempts
 *    (one range query) and refunds, match, and store the run, all 100k lines and the items. Each run
 *    starts from a fresh copy of the same database, so every import is a first import.
 *  - **from the file**: what the till does with a download (`importInBackground`): the Alipay zip
 *    parsed, checked, read and matched in a snapshot in the worker thread, then stored in one
 *    transaction with the write lock held only for that (bench/stall.ts measures the counter meanwhile).
 *
 * The data: attempts paid across the day (some near midnight), the statement with the same trades
 * plus a few hundred differences of each kind (amounts, unknown trades, payments after the close,
 * payments missing upstream). Medians of several runs; timings are reported, never asserted.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ManualClock } from '../src/main/core/clock';
import { createCore } from '../src/main/core/core';
import { SYSTEM_ACTOR } from '../src/main/core/people/auth';
import type { Statement, StatementRow } from '../src/main/intermediaries/provider';
import { reconcile, type LocalAttempt } from '../src/main/intermediaries/statement-match';
import { DB_FILE } from '../src/main/store/db';
import BetterSqlite3 from 'better-sqlite3';
import { alipayBill, dayPayments, seedPayments } from './statement-files';
import { fmt, median, progress, rng, row, tempDir, type Row } from './stats';

export interface ReconcileOptions {
  /** statement rows and local attempts */
  size: number;
  runs: number;
}

const DAY = '2026-11-26';
const FROM = Date.parse('2026-11-25T16:00:00Z'); // 2026-11-26 00:00 Beijing
const TO = FROM + 86_400_000;

interface Data {
  attempts: LocalAttempt[];
  statement: Statement;
  differences: number;
}

/** Deterministic data: `size` attempts and `size` statement rows, ~1 % of them different. */
function generate(size: number): Data {
  const random = rng(20261126);
  const attempts: LocalAttempt[] = [];
  const rows: StatementRow[] = [];
  let differences = 0;
  const step = Math.floor((TO - FROM - 120_000) / size);
  for (let i = 0; i < size; i++) {
    const outTradeNo = `20261126${String(i + 1).padStart(6, '0')}A1`;
    const amountFen = 100 + Math.floor(random() * 20_000);
    const paidAt = FROM + 60_000 + i * step;
    const kind = i % 100; // 1 in 100 differs, in four ways
    const state = kind === 98 ? 'closed' : 'paid';
    attempts.push({
      id: i + 1,
      outTradeNo,
      mode: i % 3 === 0 ? 'payment_code' : 'qr',
      amountFen,
      state,
      createdAt: paidAt - 30_000,
      paidAt: state === 'paid' ? paidAt : null,
    });
    if (kind === 97) {
      differences++; // paid locally, not on the statement: a trade the intermediary lacks…
      rows.push({
        outTradeNo: `FOREIGN${i}`,
        tradeNo: `T${i}`,
        type: 'payment',
        amountFen,
        feeFen: Math.round(amountFen * 0.006),
        refundNo: null,
        status: 'SUCCESS',
        at: paidAt,
      });
      differences++; // …and, in its place, one the till never saw
      continue;
    }
    if (kind === 96 || kind === 98) differences++; // amount mismatch; paid after the close
    rows.push({
      outTradeNo,
      tradeNo: `T${i}`,
      type: 'payment',
      amountFen: kind === 96 ? amountFen + 1 : amountFen,
      feeFen: Math.round(amountFen * 0.006),
      refundNo: null,
      status: 'SUCCESS',
      at: paidAt + 2_000,
    });
  }
  let amount = 0;
  let fee = 0;
  for (const r of rows) {
    amount += r.amountFen;
    fee += r.feeFen;
  }
  return {
    attempts,
    statement: {
      provider: 'alipay',
      day: DAY,
      merchantId: '20880000000000010156',
      rows,
      totals: { count: rows.length, amountFen: amount, refundFen: 0, feeFen: fee },
    },
    differences,
  };
}

/** A database with the attempts (and one order each), closed, ready to be copied. */
async function seedDatabase(dir: string, data: Data): Promise<void> {
  const clock = new ManualClock(TO + 10 * 3600_000);
  const core = await createCore({
    dataDir: dir,
    mode: 'browser',
    clock,
    timeZone: 'Asia/Shanghai',
    seed: false,
    poll: false,
  });
  try {
    const db = core.store.sqlite;
    const order = db.prepare(
      `insert into orders (id, number, business_day, seq, status, clerk, terminal, subtotal_fen, line_discount_fen, order_discount_fen, total_fen, item_count, created_at, paid_at)
       values (?, ?, ?, ?, ?, 'bench', 'T01', ?, 0, 0, ?, 1, ?, ?)`,
    );
    const attempt = db.prepare(
      `insert into payment_attempts (id, order_id, method, mode, out_trade_no, amount_fen, state, unknown, created_at, updated_at, paid_at)
       values (?, ?, 'alipay', ?, ?, ?, ?, 0, ?, ?, ?)`,
    );
    db.transaction(() => {
      for (const a of data.attempts) {
        order.run(
          a.id,
          `20261126-${String(a.id).padStart(6, '0')}`,
          DAY,
          a.id,
          a.state === 'paid' ? 'paid' : 'open',
          a.amountFen,
          a.amountFen,
          a.createdAt,
          a.paidAt,
        );
        attempt.run(
          a.id,
          a.id,
          a.mode,
          a.outTradeNo,
          a.amountFen,
          a.state,
          a.createdAt,
          a.paidAt ?? a.createdAt,
          a.paidAt,
        );
      }
    })();
  } finally {
    core.close();
  }
}

export async function benchReconcile(options: ReconcileOptions): Promise<Row[]> {
  const { size, runs } = options;
  const label = `${(size / 1000).toLocaleString('en')}k`;
  progress(`reconcile: generating ${size.toLocaleString('en')} attempts and statement rows…`);
  const data = generate(size);

  // ---- the pure matcher
  const match = () =>
    reconcile({
      day: DAY,
      from: FROM,
      to: TO,
      bufferMs: 30 * 60_000,
      rows: data.statement.rows,
      attempts: data.attempts,
      refunds: [],
      previous: null,
      next: null,
      previousDay: '2026-11-25',
      nextDay: '2026-11-27',
      feeRatePpm: 6000,
    });
  const warm = match();
  if (warm.items.length !== data.differences)
    throw new Error(`expected ${data.differences} differences, the matcher found ${warm.items.length}`);
  const pure: number[] = [];
  for (let i = 0; i < runs * 2; i++) {
    const t = performance.now();
    match();
    pure.push(performance.now() - t);
  }

  // ---- the whole import on a database
  const seed = tempDir('reconcile-seed');
  const full: number[] = [];
  const inTx: number[] = [];
  const loads: number[] = [];
  const matches: number[] = [];
  const writes: number[] = [];
  try {
    progress(`reconcile: writing ${size.toLocaleString('en')} orders and attempts…`);
    await seedDatabase(seed.dir, data);
    for (let i = 0; i < runs; i++) {
      const run = tempDir('reconcile-run');
      try {
        copyFileSync(join(seed.dir, DB_FILE), join(run.dir, DB_FILE));
        const clock = new ManualClock(TO + 10 * 3600_000);
        const core = await createCore({
          dataDir: run.dir,
          mode: 'browser',
          clock,
          timeZone: 'Asia/Shanghai',
          seed: false,
          poll: false,
        });
        try {
          const t = performance.now();
          const outcome = core.reconciliation.importStatement(data.statement, {
            provider: 'alipay',
            day: DAY,
            actor: SYSTEM_ACTOR,
            trigger: 'manual',
          });
          full.push(performance.now() - t);
          if (
            outcome.outcome !== 'imported' ||
            outcome.items !== data.differences ||
            outcome.rows !== data.statement.rows.length
          ) {
            throw new Error(`unexpected import: ${JSON.stringify(outcome)}`);
          }
          const s = core.reconciliation.lastImport!;
          inTx.push(s.txMs);
          loads.push(s.loadMs);
          matches.push(s.matchMs);
          writes.push(s.writeMs);
        } finally {
          core.close();
        }
      } finally {
        run.cleanup();
      }
      progress(`reconcile: import ${i + 1}/${runs}: ${fmt(full.at(-1)!)} ms`);
    }
  } finally {
    seed.cleanup();
  }

  // ---- as the till does it: the downloaded file, parsed, matched and stored in the worker thread
  const files = tempDir('reconcile-file-seed');
  const viaWorker: number[] = [];
  const stats: { parse: number[]; read: number[]; lock: number[]; digest: number[]; write: number[] } = {
    parse: [],
    read: [],
    lock: [],
    digest: [],
    write: [],
  };
  let fileMb = 0;
  try {
    const payments = dayPayments('alipay', DAY, size, 7);
    (
      await createCore({
        dataDir: files.dir,
        mode: 'browser',
        clock: new ManualClock(TO + 10 * 3600_000),
        timeZone: 'Asia/Shanghai',
        seed: false,
        poll: false,
      })
    ).close();
    const db = new BetterSqlite3(join(files.dir, DB_FILE));
    seedPayments(db, payments, 1);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const bill = await alipayBill(payments);
    fileMb = bill.file.length / 1024 ** 2;
    for (let i = 0; i < Math.min(runs, 3); i++) {
      const run = tempDir('reconcile-file-run');
      try {
        copyFileSync(join(files.dir, DB_FILE), join(run.dir, DB_FILE));
        const core = await createCore({
          dataDir: run.dir,
          mode: 'browser',
          clock: new ManualClock(TO + 10 * 3600_000),
          timeZone: 'Asia/Shanghai',
          seed: false,
          poll: false,
        });
        try {
          await core.reconciliation.importInBackground(
            {
              statement: {
                provider: 'alipay',
                day: '2026-11-20',
                merchantId: null,
                rows: [],
                totals: { count: 0, amountFen: 0, refundFen: 0, feeFen: 0 },
              },
            },
            { provider: 'alipay', day: '2026-11-20', actor: SYSTEM_ACTOR, trigger: 'manual', startedAt: TO },
          ); // the worker started
          const t = performance.now();
          const outcome = await core.reconciliation.importInBackground(
            { file: new Uint8Array(bill.file), format: bill.format },
            { provider: 'alipay', day: DAY, actor: SYSTEM_ACTOR, trigger: 'manual', startedAt: TO },
          );
          viaWorker.push(performance.now() - t);
          if (outcome.outcome !== 'imported' || outcome.rows !== size)
            throw new Error(`unexpected import: ${JSON.stringify(outcome)}`);
          const s = core.reconciliation.lastImport!;
          stats.parse.push(s.parseMs ?? Number.NaN);
          stats.read.push(s.loadMs + s.matchMs);
          stats.lock.push(s.lockMs ?? Number.NaN);
          stats.digest.push(s.digestMs ?? Number.NaN);
          stats.write.push(s.writeMs);
        } finally {
          core.close();
        }
      } finally {
        run.cleanup();
      }
      progress(`reconcile: from the file in the worker ${i + 1}: ${fmt(viaWorker.at(-1)!)} ms`);
    }
  } finally {
    files.cleanup();
  }
  return [
    row(
      `reconcile: match ${label} statement rows × ${label} attempts (pure, in memory)`,
      'ms',
      pure,
      '≤ 1000 ms',
      `${data.differences} differences found; Maps by out_trade_no, no queries`,
    ),
    row(
      `reconcile: import ${label} rows (check, hash, load, match, store; one tx)`,
      'ms',
      full,
      '≤ 1000 ms',
      `the transaction ${fmt(median(inTx))} ms: loading the day's attempts ${fmt(median(loads))}, matching ${fmt(median(matches))}, writing ${label} lines and the items ${fmt(median(writes))}; the rest checking and hashing the statement; a fresh database copy per run`,
    ),
    row(
      `reconcile: ${label} rows from the downloaded Alipay file, as the till does it (worker thread)`,
      'ms',
      viaWorker,
      '—',
      `the zip (${fileMb.toFixed(1)} MB, GBK) parsed ${fmt(median(stats.parse))} ms, checked, hashed, read and matched in a snapshot ${fmt(median(stats.read))} ms, ` +
        `then the store's write lock held ${fmt(median(stats.lock))} ms (checking the rows read ${fmt(median(stats.digest))}, storing ${fmt(median(stats.write))}; one transaction); the counter's thread only waits for the answer`,
    ),
  ];
}
