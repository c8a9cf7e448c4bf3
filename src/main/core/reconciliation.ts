/**
 * Daily reconciliation: for a business day, download each enabled intermediary's statement, parse
 * it, match it against the till's payment attempts and refunds (payments/statement-match.ts), and keep
 * the differences as items an owner resolves with a note (audited).
 *
 * - The download runs outside any transaction; the parsed statement is checked again here, then
 *   stored with its match in ONE transaction (run, lines, items, superseding an older statement of
 *   the same day, settling items that waited for this day, the audit row). A statement that is
 *   refused leaves only a `refused` run row with the reason: no lines, no items, nothing else.
 * - A statement is identified by the SHA-256 of its parsed content (not of the file: an Alipay zip
 *   carries its export time, so two downloads of the same bill differ byte for byte). Importing the
 *   same statement again changes nothing ("already imported"); a different one for the same day
 *   supersedes the earlier run, carrying the owner's decisions over to the same differences.
 * - Days are the intermediaries' days (Beijing time, UTC+8), which is the store's business day for
 *   a shop in China. Local rows are loaded with one range query per day (widened by the
 *   cross-midnight buffer) plus one batched lookup for trades the statement names outside it.
 * - The daily run: at `recon.dailyAt` (store time, default 10:00) the scheduler runs yesterday for
 *   every enabled provider that has no statement for it yet; a download that failed is tried again
 *   hourly, at most four times. What ran is persisted in `recon_runs`, so a day is never imported
 *   twice, across restarts too.
 */
import { createHash } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { PosError } from '../../shared/errors';
import type {
  ProviderId,
  ReconAutoResolution,
  ReconCategory,
  ReconDaySummary,
  ReconDayView,
  ReconItemView,
  ReconProviderDay,
  ReconResolution,
  ReconRunOutcome,
  ReconRunResult,
  ReconRunStatus,
  ReconSettingsView,
  ReconSide,
} from '../../shared/types';
import { beijingDateTime, isDay } from '../payments/money';
import type {
  Statement,
  StatementFileOutcome,
  StatementFormat,
  StatementOutcome,
  StatementRow,
} from '../payments/provider';
import {
  bufferZone,
  indexAttempts,
  reconcile,
  type LocalState,
  RECON_CATEGORIES,
  type LocalAttempt,
  type LocalRefund,
  type MatchItem,
  type MatchResult,
  type MatchTotals,
  type NeighbourDay,
} from '../payments/statement-match';
import type { Store } from '../store/db';
import type { ReconItemRow, ReconRunRow } from '../store/schema';
import type { Audit } from './audit';
import { SYSTEM_ACTOR, type Actor } from './auth';
import { businessDay, type Clock } from './clock';
import { crashPoint } from './crash-points';
import type { Events } from './events';
import type { Access, HandlersOf } from './handlers';
import type { ProviderSource } from './payments';
import type { SettingsValues } from './settings';
import type { Tasks } from './worker-tasks';

export const PROVIDER_ORDER: readonly ProviderId[] = ['alipay', 'wechat', 'yeepay'];
const DAY_MS = 86_400_000;
const BEIJING_OFFSET_MS = 8 * 3600_000;
/** IN lists are cut to this many values */
const CHUNK = 500;
/** statement lines per INSERT (10 columns each: well under SQLite's 32766 parameters) */
const LINES_PER_INSERT = 200;
/** a download that failed is tried again by the scheduler after this long… */
export const RETRY_UNAVAILABLE_MS = 60 * 60_000;
/** …at most this many tries for a day in all */
export const MAX_SCHEDULED_TRIES = 4;
const PAID_STATES = ['paid', 'partially_refunded', 'refunded'] as const;
const CURRENT: ReconRunRow['status'][] = ['imported', 'empty'];

export type Trigger = 'manual' | 'scheduled';

// ---- days ---------------------------------------------------------------------------------------

/** The statement day's window, epoch ms: Beijing midnight to midnight. */
export function dayWindow(day: string): { from: number; to: number } {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const from = Date.UTC(y, m - 1, d) - BEIJING_OFFSET_MS;
  return { from, to: from + DAY_MS };
}

/** `day` plus `n` calendar days. */
export function shiftDay(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

const timeFormatters = new Map<string, Intl.DateTimeFormat>();
/** `HH:MM` of an instant in a time zone. */
export function localTime(ms: number, timeZone: string): string {
  let f = timeFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    timeFormatters.set(timeZone, f);
  }
  return f.format(new Date(ms));
}

// ---- statements ---------------------------------------------------------------------------------

/**
 * The parsers refuse bad files; this checks the parsed statement once more before anything is
 * stored: the provider and the day, every row's order number, amount and date, and that the totals
 * add up. Returns the reason to refuse it, or null.
 */
export function statementProblem(s: Statement, provider: ProviderId, day: string): string | null {
  if (s.provider !== provider) return `the statement is from ${s.provider}, not ${provider}`;
  if (s.day !== day) return `the statement is for ${s.day}, not ${day}`;
  const { from, to } = dayWindow(day);
  let amount = 0;
  let refund = 0;
  for (let i = 0; i < s.rows.length; i++) {
    const r = s.rows[i]!;
    const where = `row ${i + 1}`;
    if (r.type !== 'payment' && r.type !== 'refund') return `${where} is neither a payment nor a refund`;
    if (!r.outTradeNo || r.outTradeNo.length > 64 || !/^[\x21-\x7e]+$/.test(r.outTradeNo))
      return `${where} has no usable order number`;
    if (!Number.isSafeInteger(r.amountFen) || r.amountFen < 0) return `${where} has an impossible amount`;
    if (!Number.isSafeInteger(r.feeFen)) return `${where} has an impossible fee`;
    if (r.at !== null && (r.at < from || r.at >= to))
      return `${where} is dated ${beijingDateTime(r.at)}, not ${day}: the wrong day's statement`;
    if (r.type === 'payment') amount += r.amountFen;
    else refund += r.amountFen;
  }
  if (s.totals.count !== s.rows.length || s.totals.amountFen !== amount || s.totals.refundFen !== refund) {
    return "the statement's totals do not add up with its rows";
  }
  return null;
}

/** SHA-256 of the parsed statement: the same statement downloaded twice has the same hash. */
export function statementSha256(s: Statement): string {
  const h = createHash('sha256');
  h.update(`${s.provider}\n${s.day}\n${s.merchantId ?? ''}\n`);
  let buf = '';
  for (const r of s.rows) {
    buf += `${r.type}|${r.outTradeNo}|${r.tradeNo ?? ''}|${r.refundNo ?? ''}|${r.amountFen}|${r.feeFen}|${r.status}|${r.at ?? ''}\n`;
    if (buf.length > 65_536) {
      h.update(buf);
      buf = '';
    }
  }
  h.update(buf);
  return h.digest('hex');
}

/** A day with no trades: imported as an empty statement. */
export function emptyStatement(provider: ProviderId, day: string): Statement {
  return { provider, day, merchantId: null, rows: [], totals: { count: 0, amountFen: 0, refundFen: 0, feeFen: 0 } };
}

function chunks<T>(xs: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += CHUNK) out.push(xs.slice(i, i + CHUNK));
  return out;
}

const side = (): ReconSide => ({ count: 0, sumFen: 0 });

/** An attempt's columns, read as arrays (Store.allRaw) and made the matcher's LocalAttempt by `attemptOf`. */
const ATTEMPT_COLUMNS = ['id', 'out_trade_no', 'mode', 'amount_fen', 'state', 'paid_at'] as const;
type AttemptValues = [
  id: number,
  outTradeNo: string,
  mode: string,
  amountFen: number,
  state: LocalState,
  paidAt: number | null,
];

function attemptOf(v: AttemptValues): LocalAttempt {
  return { id: v[0], outTradeNo: v[1], mode: v[2], amountFen: v[3], state: v[4], paidAt: v[5] };
}

interface RefundColumns {
  id: number;
  attempt_id: number;
  out_trade_no: string;
  refund_no: string;
  amount_fen: number;
  state: LocalRefund['state'];
  finished_at: number | null;
}

// ---- the use-case -------------------------------------------------------------------------------

export interface ReconciliationOptions {
  store: Store;
  clock: Clock;
  events: Events;
  providers: ProviderSource;
  settings: ReconSettingsSource;
  audit: Audit;
  /** the store's time zone, for "yesterday" and the daily run's time */
  timeZone: () => string;
  log?: (line: string) => void;
  /**
   * Where a downloaded statement is parsed, matched and stored: a worker thread (core/worker-tasks.ts),
   * so a 100k-row statement never holds the counter. Without it (in that worker itself) in place.
   */
  tasks?: Tasks | null;
}

/** The settings reconciliation reads and writes (core/settings.ts). */
export interface ReconSettingsSource {
  readonly values: Readonly<Pick<SettingsValues, 'reconDailyAt' | 'reconBufferMinutes' | 'reconFeeRatesPpm'>>;
  set<K extends 'reconDailyAt' | 'reconBufferMinutes' | 'reconFeeRatesPpm'>(field: K, value: SettingsValues[K]): void;
}

/** Where the statement to import comes from: a downloaded file (parsed in the worker) or rows parsed already. */
export type StatementSource = { file: Uint8Array; format: StatementFormat } | { statement: Statement };

/** A write to run with the store's write lock: in place, or asked of the counter's thread by a worker. */
export type WithWriteLock = <T>(fn: () => T) => Promise<T>;

/** What the read phase of an import found (core/reconciliation.ts, `importStaged`). */
interface ReadPhase {
  match: MatchResult;
  digest: string;
  /** what had been written when it was read (`dataVersion`) */
  version: string;
  keys: DigestKeys;
  loadMs: number;
  matchMs: number;
}

/** The sets a match looked up beyond the day's range, to digest the same rows again. */
interface DigestKeys {
  named: string[];
  refundNos: string[];
  refundedTrades: number[];
}

/** One import: what, for which day, asked by whom and how (it crosses to the worker as it is). */
export interface RunContext {
  provider: ProviderId;
  day: string;
  actor: Actor;
  trigger: Trigger;
  startedAt: number;
}

export interface ImportStats {
  /** milliseconds: the whole transaction; loading the local rows; the pure matching; writing */
  txMs: number;
  loadMs: number;
  matchMs: number;
  writeMs: number;
  /** in the worker: parsing the file; the write phase (the time the write lock was held); whether the
   * rows the match read changed meanwhile, so it was matched again with the lock held */
  parseMs?: number;
  lockMs?: number;
  /** in the write phase: the digest of the rows the match read, computed again */
  digestMs?: number;
  rematched?: boolean;
}

/** The owner's reconciliation screen: reads need an owner's read, changes the owner (docs/security.md). */
export function reconciliationHandlers(reconciliation: Reconciliation, access: Access): HandlersOf<'recon.'> {
  const { auth, ownerRead } = access;
  return {
    'recon.days': async ({ limit, approvalPin }) => {
      await ownerRead(approvalPin);
      return reconciliation.days(limit);
    },
    'recon.day': async ({ day, approvalPin }) => {
      await ownerRead(approvalPin);
      return reconciliation.day(day);
    },
    'recon.run': async ({ day, providers, approvalPin }) => {
      reconciliation.assertRunnable(day);
      return reconciliation.run(day, await auth.authorize('owner', approvalPin), { providers });
    },
    'recon.resolve': async ({ itemId, resolution, note, approvalPin }) =>
      reconciliation.resolve(itemId, resolution, note, await auth.authorize('owner', approvalPin)),
    'recon.settings': async ({ approvalPin }) => {
      await ownerRead(approvalPin);
      return reconciliation.settingsView();
    },
    'recon.setSettings': async ({ approvalPin, ...next }) =>
      reconciliation.setSettings(next, await auth.authorize('owner', approvalPin)),
  };
}

export class Reconciliation {
  private readonly inFlight = new Map<string, Promise<ReconRunOutcome>>();
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<ProviderId[]> | null = null;
  /** timings of the last import (bench) */
  lastImport: ImportStats | null = null;

  constructor(private readonly o: ReconciliationOptions) {}

  private get k() {
    return this.o.store.kysely;
  }

  private get store(): Store {
    return this.o.store;
  }

  private log(line: string): void {
    this.o.log?.(`reconciliation: ${line}`);
  }

  /** The store's business day now. */
  today(): string {
    return businessDay(this.o.clock.now(), this.o.timeZone());
  }

  /** Enabled providers that can download a statement. */
  statementProviders(): ProviderId[] {
    return this.o.providers
      .all()
      .filter((e) => e.provider.capabilities.statement)
      .map((e) => e.provider.id)
      .sort((a, b) => PROVIDER_ORDER.indexOf(a) - PROVIDER_ORDER.indexOf(b));
  }

  /** Throws unless `day` is a day that is over (statements cover whole days). */
  assertRunnable(day: string): void {
    if (!isDay(day)) throw new PosError('INVALID_INPUT', `${day} is not a day (YYYY-MM-DD).`, { field: 'day' });
    const today = this.today();
    if (day >= today) {
      throw new PosError(
        'RECON_DAY_NOT_OVER',
        `${day} is not over yet (today is ${today}); a statement covers a whole day.`,
        { day, today },
      );
    }
  }

  // ---- running ------------------------------------------------------------------------------------

  /**
   * Downloads, checks and imports the statement of each provider (default: every enabled one that
   * has a statement) for a past day. Statement problems never throw: each provider's outcome says
   * what happened (imported, already imported, empty, refused, unavailable).
   */
  async run(
    day: string,
    actor: Actor,
    options: { providers?: readonly ProviderId[]; trigger?: Trigger } = {},
  ): Promise<ReconRunResult> {
    this.assertRunnable(day);
    const ids = options.providers ?? this.statementProviders();
    const outcomes: ReconRunOutcome[] = [];
    for (const provider of ids) outcomes.push(await this.runOne(provider, day, actor, options.trigger ?? 'manual'));
    if (outcomes.length > 0) this.o.events.emit('recon.changed', { day });
    return { day, outcomes, view: this.day(day) };
  }

  /** One provider and day at a time; a second request for the same joins the first. */
  private runOne(provider: ProviderId, day: string, actor: Actor, trigger: Trigger): Promise<ReconRunOutcome> {
    const key = `${provider}|${day}`;
    const running = this.inFlight.get(key);
    if (running) return running;
    const p = this.download(provider, day, actor, trigger).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, p);
    return p;
  }

  private async download(provider: ProviderId, day: string, actor: Actor, trigger: Trigger): Promise<ReconRunOutcome> {
    const ctx: RunContext = { provider, day, actor, trigger, startedAt: this.o.clock.now() };
    const entry = this.o.providers.get(provider);
    if (!entry) return this.failedLater(ctx, 'unavailable', `${provider} is not enabled`);
    if (!entry.provider.capabilities.statement)
      return this.failedLater(ctx, 'unavailable', `${provider} has no statement download configured`);
    let outcome: StatementFileOutcome | StatementOutcome;
    try {
      // the network, outside any transaction; the file itself is parsed in the worker
      outcome = entry.provider.statementFile
        ? (await entry.provider.statementFile(day)).outcome
        : (await entry.provider.statement(day)).outcome;
    } catch (err) {
      outcome = { kind: 'unknown', reason: (err as Error).message };
    }
    crashPoint('recon.statement-downloaded');
    switch (outcome.kind) {
      case 'file':
        return this.importInBackground({ file: outcome.file, format: outcome.format }, ctx);
      case 'statement':
        return this.importInBackground({ statement: outcome.statement }, ctx);
      case 'none':
        return this.importInBackground({ statement: emptyStatement(provider, day) }, ctx);
      case 'invalid':
        return this.failedLater(ctx, 'refused', outcome.reason);
      case 'untrusted':
        return this.failedLater(ctx, 'refused', `the answer cannot be trusted (${outcome.reason}): ${outcome.detail}`);
      case 'unknown':
        return this.failedLater(ctx, 'unavailable', outcome.reason);
    }
  }

  /** `failed`, from the counter's thread: after any background writer is done (store/write-gate.ts). */
  private async failedLater(
    ctx: RunContext,
    status: 'refused' | 'unavailable',
    reason: string,
  ): Promise<ReconRunOutcome> {
    await this.store.writeGate.open();
    return this.failed(ctx, status, reason);
  }

  /** Records a refused or failed download: one run row with the reason, nothing imported. */
  failed(ctx: RunContext, status: 'refused' | 'unavailable', reason: string): ReconRunOutcome {
    const code = status === 'refused' ? 'STATEMENT_REFUSED' : 'STATEMENT_UNAVAILABLE';
    const runId = this.store.tx(() => {
      const id = this.store.run(
        this.k.insertInto('recon_runs').values({
          provider: ctx.provider,
          day: ctx.day,
          sha256: null,
          status,
          trigger: ctx.trigger,
          actor: actorName(ctx.actor),
          started_at: ctx.startedAt,
          imported_at: null,
          merchant_id: null,
          totals: null,
          error_code: code,
          error: reason.slice(0, 2000),
        }),
      ).lastInsertRowid;
      this.o.audit.record(ctx.actor, 'recon.run', `${ctx.provider} ${ctx.day}`, {
        after: { runId: id, status, reason },
      });
      return id;
    });
    this.log(`${ctx.provider} ${ctx.day}: ${status}: ${reason}`);
    return {
      provider: ctx.provider,
      outcome: status,
      runId,
      rows: 0,
      items: 0,
      matched: 0,
      error: { code, message: reason },
    };
  }

  /**
   * Parses (for a file), checks, matches and stores a statement in the worker thread, on its own
   * connection: the counter's thread only waits for the answer. A 100k-row statement held it ~1.3 s
   * (load 550, match 300, write 200 ms); now the worker holds only the store's write lock, and only
   * while it writes (`importStaged`).
   */
  async importInBackground(source: StatementSource, ctx: RunContext): Promise<ReconRunOutcome> {
    const tasks = this.o.tasks;
    if (!tasks) throw new Error('reconciliation tasks are not wired here');
    const settings = this.o.settings.values;
    const { outcome, stats, log } = await tasks.run(
      'recon.import',
      {
        source,
        ctx,
        now: this.o.clock.now(),
        timeZone: this.o.timeZone(),
        settings: {
          reconDailyAt: settings.reconDailyAt,
          reconBufferMinutes: settings.reconBufferMinutes,
          reconFeeRatesPpm: { ...settings.reconFeeRatesPpm },
        },
      },
      'file' in source ? [source.file] : [],
    );
    if (stats) this.lastImport = stats;
    for (const line of log) this.o.log?.(line);
    return outcome;
  }

  /**
   * Checks, matches and stores a parsed statement in one transaction, here and now. Public for
   * imports of a file already downloaded, tests and the bench (the worker uses `importStaged`).
   */
  importStatement(statement: Statement, ctx: Omit<RunContext, 'startedAt'> & { startedAt?: number }): ReconRunOutcome {
    const run: RunContext = { ...ctx, startedAt: ctx.startedAt ?? this.o.clock.now() };
    const problem = statementProblem(statement, run.provider, run.day);
    if (problem) return this.failed(run, 'refused', problem);
    const sha = statementSha256(statement);
    const t0 = performance.now();
    let loadMs = 0;
    let matchMs = 0;
    let writeMs = 0;
    const outcome = this.store.tx((): ReconRunOutcome => {
      const existing = this.alreadyImported(run, sha);
      if (existing) return existing;
      const read = this.readAndMatch(statement);
      loadMs = read.loadMs;
      matchMs = read.matchMs;
      const w0 = performance.now();
      const written = this.storeImport(run, statement, sha, read.match);
      writeMs = performance.now() - w0;
      return written;
    });
    this.lastImport = { txMs: performance.now() - t0, loadMs, matchMs, writeMs };
    crashPoint('recon.import-committed');
    if (outcome.outcome !== 'already_imported')
      this.log(
        `${run.provider} ${run.day}: ${outcome.outcome}, ${outcome.rows} rows, ${outcome.matched} matched, ${outcome.items} differences`,
      );
    return outcome;
  }

  /**
   * The same import in two phases, for the worker: the rows are read and matched in a read
   * transaction (a snapshot, no lock: the counter keeps selling), then the write lock is taken
   * (`write`: the store's write gate, then an IMMEDIATE transaction) only to check that the rows the
   * match read are still the same (a digest of the same queries) and to store the run. Should they
   * have changed meanwhile (a refund of that day, late money), the match is made again with the lock
   * held, so what is stored is exactly what the one-transaction import would have stored.
   */
  async importStaged(statement: Statement, run: RunContext, write: WithWriteLock): Promise<ReconRunOutcome> {
    const problem = statementProblem(statement, run.provider, run.day);
    if (problem) return write(() => this.failed(run, 'refused', problem));
    const sha = statementSha256(statement);
    const t0 = performance.now();
    const read = this.store.sqlite
      .transaction((): ReconRunOutcome | ReadPhase => {
        const existing = this.alreadyImported(run, sha);
        if (existing) return existing;
        const phase = this.readAndMatch(statement);
        return { ...phase, digest: this.inputsDigest(statement, phase.keys), version: this.dataVersion() };
      })
      .deferred();
    if ('outcome' in read) {
      this.lastImport = { txMs: performance.now() - t0, loadMs: 0, matchMs: 0, writeMs: 0 };
      return read;
    }
    let lockMs = 0;
    let writeMs = 0;
    let digestMs = 0;
    let rematched = false;
    const outcome = await write(() => {
      const l0 = performance.now();
      try {
        return this.store.tx((): ReconRunOutcome => {
          const existing = this.alreadyImported(run, sha);
          if (existing) return existing;
          let match = read.match;
          const d0 = performance.now();
          // nothing committed by another connection since the read: the rows are the same without asking
          const same = this.dataVersion() === read.version || this.inputsDigest(statement, read.keys) === read.digest;
          digestMs = performance.now() - d0;
          if (!same) {
            rematched = true;
            match = this.readAndMatch(statement).match;
          }
          const w0 = performance.now();
          const written = this.storeImport(run, statement, sha, match);
          writeMs = performance.now() - w0;
          return written;
        });
      } finally {
        lockMs = performance.now() - l0;
      }
    });
    this.lastImport = {
      txMs: performance.now() - t0,
      loadMs: read.loadMs,
      matchMs: read.matchMs,
      writeMs,
      lockMs,
      digestMs,
      rematched,
    };
    crashPoint('recon.import-committed');
    if (outcome.outcome !== 'already_imported') {
      this.log(
        `${run.provider} ${run.day}: ${outcome.outcome}, ${outcome.rows} rows, ${outcome.matched} matched, ${outcome.items} differences${rematched ? ' (matched again: its payments changed meanwhile)' : ''}`,
      );
    }
    return outcome;
  }

  /**
   * What has been written to the database since this connection opened: SQLite's count of commits by
   * other connections (PRAGMA data_version) and this connection's own changes (total_changes()).
   * Unchanged: nothing was written in between.
   */
  private dataVersion(): string {
    const own = this.store.sqlite.prepare('select total_changes() as n').get() as { n: number };
    return `${String(this.store.sqlite.pragma('data_version', { simple: true }))}:${own.n}`;
  }

  /** The outcome of a statement imported before (the same SHA-256), if it was. */
  private alreadyImported(run: RunContext, sha: string): ReconRunOutcome | null {
    const existing = this.store.first(
      this.k
        .selectFrom('recon_runs')
        .selectAll()
        .where('provider', '=', run.provider)
        .where('day', '=', run.day)
        .where('sha256', '=', sha),
    );
    if (!existing) return null;
    const n = this.store.first(
      this.k
        .selectFrom('recon_items')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('run_id', '=', existing.id),
    );
    return {
      provider: run.provider,
      outcome: 'already_imported',
      runId: existing.id,
      rows: existing.row_count,
      items: Number(n?.n ?? 0),
      matched: existing.matched_count,
      error: null,
    };
  }

  /** Stores an import (inside the caller's transaction): the run, every line, the items and their effects, the audit row. */
  private storeImport(run: RunContext, statement: Statement, sha: string, match: MatchResult): ReconRunOutcome {
    const now = this.o.clock.now();
    const matched = match.matched.payments + match.matched.refunds;
    const runId = this.store.run(
      this.k.insertInto('recon_runs').values({
        provider: run.provider,
        day: run.day,
        sha256: sha,
        status: statement.rows.length > 0 ? 'imported' : 'empty',
        trigger: run.trigger,
        actor: actorName(run.actor),
        started_at: run.startedAt,
        imported_at: now,
        merchant_id: statement.merchantId,
        row_count: statement.rows.length,
        matched_count: matched,
        totals: JSON.stringify({ ...match.totals, onNeighbourDay: match.onNeighbourDay }),
        error_code: null,
        error: null,
      }),
    ).lastInsertRowid;
    crashPoint('recon.import-in-tx');
    this.insertLines(runId, statement);
    this.insertItems(runId, match.items, now);
    this.openLateMoney(match.items, run.day, now);
    const superseded = this.supersede(run, runId, now);
    const settled = this.settleAwaiting(run, statement, now);
    this.o.audit.record(run.actor, 'recon.run', `${run.provider} ${run.day}`, {
      after: {
        runId,
        status: statement.rows.length > 0 ? 'imported' : 'empty',
        sha256: sha,
        rows: statement.rows.length,
        matched,
        items: match.items.length,
        superseded,
        settled,
      },
    });
    return {
      provider: run.provider,
      outcome: statement.rows.length > 0 ? 'imported' : 'empty',
      runId,
      rows: statement.rows.length,
      items: match.items.length,
      matched,
      error: null,
    };
  }

  // ---- what a match reads -------------------------------------------------------------------------

  private window(s: Statement): { from: number; to: number; bufferMs: number; lo: number; hi: number } {
    const { from, to } = dayWindow(s.day);
    const bufferMs = Math.max(0, this.o.settings.values.reconBufferMinutes) * 60_000;
    return { from, to, bufferMs, lo: from - bufferMs, hi: to + bufferMs };
  }

  /** The provider's attempts created or paid within the buffered day (one range query), as the matcher takes them. */
  private attemptsInRange(provider: ProviderId, lo: number, hi: number) {
    return this.k
      .selectFrom('payment_attempts')
      .select(ATTEMPT_COLUMNS)
      .where('method', '=', provider)
      .where((eb) =>
        eb.or([
          eb.and([eb('paid_at', '>=', lo), eb('paid_at', '<', hi)]),
          eb.and([eb('created_at', '>=', lo), eb('created_at', '<', hi)]),
        ]),
      );
  }

  private attemptsNamed(provider: ProviderId, trades: readonly string[]) {
    return this.k
      .selectFrom('payment_attempts')
      .select(ATTEMPT_COLUMNS)
      .where('method', '=', provider)
      .where('out_trade_no', 'in', trades);
  }

  private refunds(provider: ProviderId) {
    return this.k
      .selectFrom('refunds')
      .innerJoin('payment_attempts', 'payment_attempts.id', 'refunds.attempt_id')
      .select([
        'refunds.id',
        'refunds.attempt_id',
        'payment_attempts.out_trade_no',
        'refunds.refund_no',
        'refunds.amount_fen',
        'refunds.state',
        'refunds.finished_at',
      ])
      .where('refunds.method', '=', provider);
  }

  /**
   * Loads what the matcher needs for this statement (a few range and batched queries) and matches.
   * The rows come out of SQLite in the matcher's own shape (no second object per attempt), and each
   * statement row is joined to its attempt here, once, for the matcher too.
   */
  private readAndMatch(s: Statement): { match: MatchResult; keys: DigestKeys; loadMs: number; matchMs: number } {
    const t0 = performance.now();
    const { from, to, bufferMs, lo, hi } = this.window(s);
    const provider = s.provider;
    // one range query for the (buffered) day
    const attempts = this.store.allRaw<AttemptValues>(this.attemptsInRange(provider, lo, hi)).map(attemptOf);
    const index = indexAttempts(attempts);
    const { byTrade } = index;
    let unique = index.unique;
    const rowAttempt = new Int32Array(s.rows.length);
    // trades the statement names that the day's range did not bring (refunds of older payments, late money)
    const named = new Set<string>();
    for (let k = 0; k < s.rows.length; k++) {
      const trade = (s.rows[k] as StatementRow).outTradeNo;
      const i = byTrade.get(trade);
      if (i === undefined) {
        rowAttempt[k] = -1;
        named.add(trade);
      } else rowAttempt[k] = i;
    }
    const namedList = [...named];
    let found = 0;
    for (const part of chunks(namedList)) {
      for (const r of this.store.allRaw<AttemptValues>(this.attemptsNamed(provider, part)).map(attemptOf)) {
        const size = byTrade.size;
        byTrade.set(r.outTradeNo, attempts.length);
        if (byTrade.size === size) unique = false;
        attempts.push(r);
        found++;
      }
    }
    if (found > 0) {
      for (let k = 0; k < s.rows.length; k++)
        if (rowAttempt[k] === -1) rowAttempt[k] = byTrade.get((s.rows[k] as StatementRow).outTradeNo) ?? -1;
    }

    const refunds = new Map<number, LocalRefund>();
    const putRefund = (r: RefundColumns): void => {
      refunds.set(r.id, {
        id: r.id,
        attemptId: r.attempt_id,
        outTradeNo: r.out_trade_no,
        refundNo: r.refund_no,
        amountFen: r.amount_fen,
        state: r.state,
        finishedAt: r.finished_at,
      });
    };
    for (const r of this.store.all(
      this.refunds(provider).where('refunds.finished_at', '>=', lo).where('refunds.finished_at', '<', hi),
    ))
      putRefund(r);
    const refundNos = new Set<string>();
    const refundedTrades = new Set<number>();
    for (let k = 0; k < s.rows.length; k++) {
      const r = s.rows[k] as StatementRow;
      if (r.type !== 'refund') continue;
      if (r.refundNo) refundNos.add(r.refundNo);
      const i = rowAttempt[k] as number;
      if (i >= 0) refundedTrades.add((attempts[i] as LocalAttempt).id);
    }
    const keys: DigestKeys = { named: namedList, refundNos: [...refundNos], refundedTrades: [...refundedTrades] };
    for (const part of chunks(keys.refundNos))
      for (const r of this.store.all(this.refunds(provider).where('refunds.refund_no', 'in', part))) putRefund(r);
    for (const part of chunks(keys.refundedTrades))
      for (const r of this.store.all(this.refunds(provider).where('refunds.attempt_id', 'in', part))) putRefund(r);

    const localRefunds = [...refunds.values()];
    const zone = bufferZone(attempts, localRefunds, from, to, bufferMs);
    const previousDay = shiftDay(s.day, -1);
    const nextDay = shiftDay(s.day, 1);
    const fee = this.o.settings.values.reconFeeRatesPpm[provider];
    const previous = this.neighbour(provider, previousDay, zone.previous);
    const next = this.neighbour(provider, nextDay, zone.next);
    const loadMs = performance.now() - t0;
    const m0 = performance.now();
    const match = reconcile({
      day: s.day,
      from,
      to,
      bufferMs,
      rows: s.rows,
      attempts,
      index: { byTrade, unique, rowAttempt },
      refunds: localRefunds,
      previous,
      next,
      previousDay,
      nextDay,
      feeRatePpm: typeof fee === 'number' ? fee : null,
    });
    return { match, keys, loadMs, matchMs: performance.now() - m0 };
  }

  /**
   * A digest of every row a match read: the same queries, each row's changing columns concatenated
   * by SQLite and hashed, and the neighbour days' statements in use. Equal digests: the match made on
   * the snapshot still holds. (A row only ever gains state and a payment time; ids never change.)
   */
  private inputsDigest(s: Statement, keys: DigestKeys): string {
    const { lo, hi } = this.window(s);
    const provider = s.provider;
    const h = createHash('sha256');
    const attempts = (q: ReturnType<Reconciliation['attemptsInRange']>) => {
      const r = this.store.first(
        this.k
          .selectFrom(q.as('d'))
          .select([
            sql<number>`count(*)`.as('n'),
            sql<
              string | null
            >`group_concat(d.id || ',' || d.state || ',' || ifnull(d.paid_at, '') || ',' || d.amount_fen, ';')`.as('g'),
          ]),
      );
      h.update(`a${r?.n ?? 0}:${r?.g ?? ''}\n`);
    };
    const refunds = (q: ReturnType<Reconciliation['refunds']>) => {
      const r = this.store.first(
        this.k
          .selectFrom(q.as('d'))
          .select([
            sql<number>`count(*)`.as('n'),
            sql<
              string | null
            >`group_concat(d.id || ',' || d.state || ',' || ifnull(d.finished_at, '') || ',' || d.amount_fen || ',' || d.attempt_id, ';')`.as(
              'g',
            ),
          ]),
      );
      h.update(`r${r?.n ?? 0}:${r?.g ?? ''}\n`);
    };
    attempts(this.attemptsInRange(provider, lo, hi));
    for (const part of chunks(keys.named)) attempts(this.attemptsNamed(provider, part));
    refunds(this.refunds(provider).where('refunds.finished_at', '>=', lo).where('refunds.finished_at', '<', hi));
    for (const part of chunks(keys.refundNos)) refunds(this.refunds(provider).where('refunds.refund_no', 'in', part));
    for (const part of chunks(keys.refundedTrades))
      refunds(this.refunds(provider).where('refunds.attempt_id', 'in', part));
    for (const day of [shiftDay(s.day, -1), shiftDay(s.day, 1)])
      h.update(`n${this.currentRun(provider, day)?.id ?? ''}\n`);
    return h.digest('hex');
  }

  /** The statement in use for a provider and day (imported or empty), if any. */
  private currentRun(provider: ProviderId, day: string): ReconRunRow | undefined {
    return this.store.first(
      this.k
        .selectFrom('recon_runs')
        .selectAll()
        .where('provider', '=', provider)
        .where('day', '=', day)
        .where('status', 'in', CURRENT)
        .orderBy('id', 'desc')
        .limit(1),
    );
  }

  /** What a neighbour day's imported statement says about the given trades; null when not imported. */
  private neighbour(provider: ProviderId, day: string, trades: ReadonlySet<string>): NeighbourDay | null {
    const run = this.currentRun(provider, day);
    if (!run) return null;
    const payments = new Set<string>();
    const refunds = new Set<string>();
    for (const part of chunks([...trades])) {
      const lines = this.store.all(
        this.k
          .selectFrom('recon_lines')
          .select(['type', 'out_trade_no', 'refund_no', 'amount_fen'])
          .where('run_id', '=', run.id)
          .where('out_trade_no', 'in', part),
      );
      for (const l of lines) {
        if (l.type === 'payment') payments.add(l.out_trade_no);
        else {
          if (l.refund_no) refunds.add(l.refund_no);
          refunds.add(`${l.out_trade_no}#${l.amount_fen}`);
        }
      }
    }
    return { day, payments, refunds };
  }

  /**
   * The statement's rows: multi-row inserts of LINES_PER_INSERT rows, each shape built once by
   * kysely and prepared once (100k rows in a few hundred statements instead of 100k).
   */
  private insertLines(runId: number, s: Statement): void {
    const n = s.rows.length;
    if (n === 0) return;
    const prepared = new Map<number, BetterSqlite3.Statement<unknown[]>>();
    const statementFor = (count: number) => {
      let stmt = prepared.get(count);
      if (!stmt) {
        const blank = {
          run_id: 0,
          line_no: 0,
          type: 'payment' as const,
          out_trade_no: '',
          trade_no: null,
          refund_no: null,
          amount_fen: 0,
          fee_fen: 0,
          status: '',
          at: null,
        };
        stmt = this.store.sqlite.prepare(
          this.k
            .insertInto('recon_lines')
            .values(Array.from({ length: count }, () => blank))
            .compile().sql,
        );
        prepared.set(count, stmt);
      }
      return stmt;
    };
    for (let start = 0; start < n; start += LINES_PER_INSERT) {
      const end = Math.min(n, start + LINES_PER_INSERT);
      const params: unknown[] = [];
      for (let i = start; i < end; i++) {
        const r = s.rows[i]!;
        params.push(runId, i + 1, r.type, r.outTradeNo, r.tradeNo, r.refundNo, r.amountFen, r.feeFen, r.status, r.at);
      }
      statementFor(end - start).run(params);
    }
  }

  /**
   * Money the statement shows for an attempt the till had closed is late money: it opens the same
   * `paid_after_close` exception the poller would (once per attempt), so the owner can refund it or
   * keep it on the order from "To check"; the reconciliation item only records the decision.
   */
  private openLateMoney(items: readonly MatchItem[], day: string, now: number): void {
    const late = items.filter((i) => i.category === 'paid_after_close' && i.attemptId !== null);
    if (late.length === 0) return;
    // what is known of those attempts, in a few batched queries (a thousand late payments were four
    // compiled queries each, with the write lock held)
    const ids = [...new Set(late.map((i) => i.attemptId as number))];
    const seen = new Set<number>();
    const attempts = new Map<number, { order_id: number; state: string; foreign_at: number | null }>();
    for (const part of chunks(ids)) {
      for (const e of this.store.all(
        this.k
          .selectFrom('payment_exceptions')
          .select('attempt_id')
          .where('attempt_id', 'in', part)
          .where('kind', '=', 'paid_after_close'),
      )) {
        if (e.attempt_id !== null) seen.add(e.attempt_id);
      }
      for (const a of this.store.all(
        this.k.selectFrom('payment_attempts').select(['id', 'order_id', 'state', 'foreign_at']).where('id', 'in', part),
      ))
        attempts.set(a.id, a);
    }
    const insertException = this.k
      .insertInto('payment_exceptions')
      .values({
        order_id: 0,
        attempt_id: 0,
        kind: 'paid_after_close',
        detail: '',
        opened_at: 0,
        resolved_at: null,
        resolution: null,
        note: null,
      })
      .compile().sql;
    const insertJournal = this.k
      .insertInto('payment_journal')
      .values({ order_id: 0, attempt_id: 0, at: 0, kind: '', from_state: null, to_state: null, detail: null })
      .compile().sql;
    for (const i of late) {
      const attemptId = i.attemptId as number;
      if (seen.has(attemptId)) continue;
      const a = attempts.get(attemptId);
      // another till's trade under this attempt's number is not this till's money (a foreign_trade exception says so)
      if (!a || a.foreign_at !== null) continue;
      const detail = JSON.stringify({
        amountFen: i.theirsFen,
        via: `statement ${day}`,
        state: a.state,
        outTradeNo: i.outTradeNo,
      });
      this.store.runCompiled(insertException, [
        a.order_id,
        attemptId,
        'paid_after_close',
        detail,
        now,
        null,
        null,
        null,
      ]);
      this.store.runCompiled(insertJournal, [
        a.order_id,
        attemptId,
        now,
        'exception.paid_after_close',
        null,
        null,
        detail,
      ]);
      seen.add(attemptId);
    }
  }

  private insertItems(runId: number, items: readonly MatchItem[], now: number): void {
    if (items.length === 0) return;
    const compiled = this.k
      .insertInto('recon_items')
      .values({
        run_id: 0,
        category: 'missing_locally',
        out_trade_no: '',
        attempt_id: null,
        refund_id: null,
        refund_no: null,
        ours_fen: null,
        theirs_fen: null,
        detail: '',
        awaiting_day: null,
        opened_at: 0,
      })
      .compile();
    const stmt = this.store.sqlite.prepare(compiled.sql);
    for (const i of items) {
      stmt.run(
        runId,
        i.category,
        i.outTradeNo,
        i.attemptId,
        i.refundId,
        i.refundNo,
        i.oursFen,
        i.theirsFen,
        JSON.stringify(i.detail),
        i.awaitingDay,
        now,
      );
    }
  }

  /**
   * A newer statement for the same day replaces the older: the older run is `superseded`, its open
   * items closed as such, and the owner's decisions carried over to the same differences.
   */
  private supersede(run: RunContext, runId: number, now: number): number {
    const older = this.store.all(
      this.k
        .selectFrom('recon_runs')
        .select('id')
        .where('provider', '=', run.provider)
        .where('day', '=', run.day)
        .where('status', 'in', CURRENT)
        .where('id', '!=', runId),
    );
    if (older.length === 0) return 0;
    const ids = older.map((r) => r.id);
    this.store.run(this.k.updateTable('recon_runs').set({ status: 'superseded' }).where('id', 'in', ids));
    const key = (i: Pick<ReconItemRow, 'category' | 'out_trade_no' | 'refund_no'>) =>
      `${i.category}|${i.out_trade_no}|${i.refund_no ?? ''}`;
    const decided = new Map<string, ReconItemRow>();
    for (const i of this.store.all(
      this.k
        .selectFrom('recon_items')
        .selectAll()
        .where('run_id', 'in', ids)
        .where('resolution', 'in', ['accepted', 'refunded', 'written_off', 'corrected']),
    )) {
      decided.set(key(i), i);
    }
    for (const i of this.store.all(this.k.selectFrom('recon_items').selectAll().where('run_id', '=', runId))) {
      const d = decided.get(key(i));
      if (!d) continue;
      this.store.run(
        this.k
          .updateTable('recon_items')
          .set({ resolved_at: d.resolved_at, resolution: d.resolution, note: d.note, resolved_by: d.resolved_by })
          .where('id', '=', i.id)
          .where('resolved_at', 'is', null),
      );
    }
    this.store.run(
      this.k
        .updateTable('recon_items')
        .set({
          resolved_at: now,
          resolution: 'superseded' satisfies ReconAutoResolution,
          resolved_by: 'system',
          note: `replaced by a newer statement (run ${runId})`,
        })
        .where('run_id', 'in', ids)
        .where('resolved_at', 'is', null),
    );
    return ids.length;
  }

  /**
   * Items of the neighbour days that waited for this day's statement: settled when the trade is on
   * it (a payment near midnight billed on this day), otherwise they stand as differences.
   */
  private settleAwaiting(run: RunContext, s: Statement, now: number): number {
    const waiting = this.store.all(
      this.k
        .selectFrom('recon_items')
        .innerJoin('recon_runs', 'recon_runs.id', 'recon_items.run_id')
        .selectAll('recon_items')
        .where('recon_runs.provider', '=', run.provider)
        .where('recon_items.awaiting_day', '=', run.day)
        .where('recon_items.resolved_at', 'is', null),
    );
    if (waiting.length === 0) return 0;
    const payments = new Set<string>();
    const refunds = new Set<string>();
    for (const r of s.rows) {
      if (r.type === 'payment') payments.add(r.outTradeNo);
      else {
        if (r.refundNo) refunds.add(r.refundNo);
        refunds.add(`${r.outTradeNo}#${r.amountFen}`);
      }
    }
    let settled = 0;
    for (const i of waiting) {
      const found =
        i.refund_no !== null
          ? refunds.has(i.refund_no) || refunds.has(`${i.out_trade_no}#${i.ours_fen ?? -1}`)
          : payments.has(i.out_trade_no);
      if (found) {
        this.store.run(
          this.k
            .updateTable('recon_items')
            .set({
              resolved_at: now,
              resolution: 'matched_neighbour_day' satisfies ReconAutoResolution,
              resolved_by: 'system',
              note: `found on the ${run.day} statement`,
            })
            .where('id', '=', i.id)
            .where('resolved_at', 'is', null),
        );
        this.o.audit.record(SYSTEM_ACTOR, 'recon.resolve', `recon_item:${i.id}`, {
          before: { category: i.category, outTradeNo: i.out_trade_no, resolution: null },
          after: { resolution: 'matched_neighbour_day' },
          note: `found on the ${run.day} statement`,
        });
        settled++;
      } else {
        const detail = { ...(JSON.parse(i.detail) as Record<string, unknown>), checkedDay: run.day };
        this.store.run(
          this.k
            .updateTable('recon_items')
            .set({ awaiting_day: null, detail: JSON.stringify(detail) })
            .where('id', '=', i.id)
            .where('resolved_at', 'is', null),
        );
      }
    }
    return settled;
  }

  // ---- resolving ----------------------------------------------------------------------------------

  /** The owner settles a difference; the note is required; audited in the same transaction. */
  resolve(itemId: number, resolution: ReconResolution, note: string, actor: Actor): ReconItemView {
    const text = note.trim();
    if (text.length === 0)
      throw new PosError('INVALID_INPUT', 'A note is required to resolve a difference.', { field: 'note' });
    if (!(['accepted', 'refunded', 'written_off', 'corrected'] as const).includes(resolution)) {
      throw new PosError('INVALID_INPUT', `Unknown resolution ${resolution}.`, { field: 'resolution' });
    }
    const view = this.store.tx(() => {
      const item = this.store.first(this.k.selectFrom('recon_items').selectAll().where('id', '=', itemId));
      if (!item) throw new PosError('NOT_FOUND', `There is no reconciliation item ${itemId}.`, { itemId });
      if (item.resolved_at !== null) {
        throw new PosError('EXCEPTION_RESOLVED', `Item ${itemId} is already resolved (${item.resolution ?? ''}).`, {
          itemId,
          resolution: item.resolution,
        });
      }
      const now = this.o.clock.now();
      const changed = this.store.run(
        this.k
          .updateTable('recon_items')
          .set({ resolved_at: now, resolution, note: text, resolved_by: actorName(actor) })
          .where('id', '=', itemId)
          .where('resolved_at', 'is', null),
      ).changes;
      if (changed !== 1) throw new PosError('EXCEPTION_RESOLVED', `Item ${itemId} was resolved meanwhile.`, { itemId });
      this.o.audit.record(actor, 'recon.resolve', `recon_item:${itemId}`, {
        before: {
          category: item.category,
          outTradeNo: item.out_trade_no,
          oursFen: item.ours_fen,
          theirsFen: item.theirs_fen,
          resolution: null,
        },
        after: { resolution },
        note: text,
      });
      return this.items([item.run_id]).find((i) => i.id === itemId)!;
    });
    this.o.events.emit('recon.changed', { day: view.day });
    return view;
  }

  // ---- reading ------------------------------------------------------------------------------------

  private items(runIds: readonly number[]): ReconItemView[] {
    if (runIds.length === 0) return [];
    const rows = this.store.all(
      this.k
        .selectFrom('recon_items')
        .innerJoin('recon_runs', 'recon_runs.id', 'recon_items.run_id')
        .leftJoin('payment_attempts', 'payment_attempts.id', 'recon_items.attempt_id')
        .leftJoin('orders', 'orders.id', 'payment_attempts.order_id')
        .selectAll('recon_items')
        .select(['recon_runs.provider', 'recon_runs.day', 'orders.id as order_id', 'orders.number as order_number'])
        .where('recon_items.run_id', 'in', runIds),
    );
    const rank = (c: ReconCategory) => RECON_CATEGORIES.indexOf(c);
    return rows
      .map((r): ReconItemView => {
        const detail = JSON.parse(r.detail) as Record<string, string | number | boolean | null>;
        return {
          id: r.id,
          runId: r.run_id,
          provider: r.provider,
          day: r.day,
          category: r.category,
          reason: typeof detail.reason === 'string' ? detail.reason : r.category,
          outTradeNo: r.out_trade_no,
          attemptId: r.attempt_id,
          orderId: r.order_id,
          orderNumber: r.order_number,
          refundNo: r.refund_no,
          oursFen: r.ours_fen,
          theirsFen: r.theirs_fen,
          awaitingDay: r.awaiting_day,
          detail,
          openedAt: r.opened_at,
          resolvedAt: r.resolved_at,
          resolution: r.resolution as ReconItemView['resolution'],
          note: r.note,
          resolvedBy: r.resolved_by,
        };
      })
      .sort(
        (a, b) =>
          Number(a.resolvedAt !== null) - Number(b.resolvedAt !== null) ||
          Number(a.awaitingDay !== null) - Number(b.awaitingDay !== null) ||
          rank(a.category) - rank(b.category) ||
          a.id - b.id,
      );
  }

  /** A day: per provider the till's totals (now) against the statement's, and the differences. */
  day(day: string): ReconDayView {
    if (!isDay(day)) throw new PosError('INVALID_INPUT', `${day} is not a day (YYYY-MM-DD).`, { field: 'day' });
    const { from, to } = dayWindow(day);
    const runs = this.store.all(this.k.selectFrom('recon_runs').selectAll().where('day', '=', day).orderBy('id'));
    const localPay = this.store.all(
      this.k
        .selectFrom('payment_attempts')
        .select([
          'method',
          'mode',
          (eb) => eb.fn.countAll<number>().as('n'),
          (eb) => eb.fn.sum<number>('amount_fen').as('sum'),
        ])
        .where('method', '!=', 'cash')
        .where('state', 'in', PAID_STATES)
        .where('paid_at', '>=', from)
        .where('paid_at', '<', to)
        .groupBy(['method', 'mode']),
    );
    const localRefunds = this.store.all(
      this.k
        .selectFrom('refunds')
        .select(['method', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.sum<number>('amount_fen').as('sum')])
        .where('method', '!=', 'cash')
        .where('state', '=', 'succeeded')
        .where('finished_at', '>=', from)
        .where('finished_at', '<', to)
        .groupBy('method'),
    );
    const providers = new Set<ProviderId>(this.statementProviders());
    for (const r of runs) providers.add(r.provider);
    for (const r of localPay) providers.add(r.method as ProviderId);
    for (const r of localRefunds) providers.add(r.method as ProviderId);

    const current: number[] = [];
    const views: ReconProviderDay[] = [];
    for (const provider of PROVIDER_ORDER) {
      if (!providers.has(provider)) continue;
      const mine = runs.filter((r) => r.provider === provider);
      const latest = mine.at(-1);
      const inUse = [...mine].reverse().find((r) => CURRENT.includes(r.status));
      if (inUse) current.push(inUse.id);
      const lastFailed =
        latest && (latest.status === 'refused' || latest.status === 'unavailable') ? latest : undefined;
      const totals = inUse?.totals ? (JSON.parse(inUse.totals) as MatchTotals) : null;
      const local = { payments: side(), refunds: side() };
      const modes = new Map<string, { mode: string; local: ReconSide; statement: ReconSide | null }>();
      for (const r of localPay.filter((x) => x.method === provider)) {
        const n = Number(r.n);
        const sum = Number(r.sum ?? 0);
        local.payments.count += n;
        local.payments.sumFen += sum;
        modes.set(r.mode, { mode: r.mode, local: { count: n, sumFen: sum }, statement: totals ? side() : null });
      }
      for (const r of localRefunds.filter((x) => x.method === provider))
        local.refunds = { count: Number(r.n), sumFen: Number(r.sum ?? 0) };
      for (const m of totals?.byMode ?? []) {
        const v = modes.get(m.mode) ?? { mode: m.mode, local: side(), statement: side() };
        v.statement = { ...m.statement };
        modes.set(m.mode, v);
      }
      views.push({
        provider,
        status: inUse ? inUse.status : (latest?.status ?? 'not_run'),
        runId: inUse?.id ?? null,
        importedAt: inUse?.imported_at ?? null,
        lastTriedAt: latest?.started_at ?? null,
        lastTriedBy: latest?.actor ?? null,
        error: lastFailed
          ? {
              code: lastFailed.error_code === 'STATEMENT_REFUSED' ? 'STATEMENT_REFUSED' : 'STATEMENT_UNAVAILABLE',
              message: lastFailed.error ?? '',
            }
          : null,
        rowCount: inUse?.row_count ?? 0,
        matched: inUse?.matched_count ?? 0,
        local,
        statement: totals
          ? { payments: totals.statement.payments, refunds: totals.statement.refunds, feeFen: totals.statement.feeFen }
          : null,
        byMode: [...modes.values()].sort((a, b) => a.mode.localeCompare(b.mode)),
        open: 0,
        awaiting: 0,
      });
    }
    const items = this.items(current);
    for (const v of views) {
      for (const i of items) {
        if (i.provider !== v.provider || i.resolvedAt !== null) continue;
        if (i.awaitingDay !== null) v.awaiting++;
        else v.open++;
      }
    }
    return { day, canRun: day < this.today(), providers: views, items };
  }

  /** The last `limit` days (yesterday first): per provider the status and the open differences. */
  days(limit = 14): ReconDaySummary[] {
    const last = shiftDay(this.today(), -1);
    const first = shiftDay(last, -(Math.max(1, limit) - 1));
    const runs = this.store.all(
      this.k
        .selectFrom('recon_runs')
        .select(['id', 'provider', 'day', 'status'])
        .where('day', '>=', first)
        .where('day', '<=', last)
        .orderBy('id'),
    );
    const counts = this.store.all(
      this.k
        .selectFrom('recon_items')
        .innerJoin('recon_runs', 'recon_runs.id', 'recon_items.run_id')
        .select([
          'recon_items.run_id',
          (eb) => eb.fn.countAll<number>().as('n'),
          (eb) => eb.fn.count<number>('recon_items.awaiting_day').as('awaiting'),
        ])
        .where('recon_runs.day', '>=', first)
        .where('recon_runs.day', '<=', last)
        .where('recon_runs.status', 'in', CURRENT)
        .where('recon_items.resolved_at', 'is', null)
        .groupBy('recon_items.run_id'),
    );
    const open = new Map(
      counts.map((c) => [c.run_id, { open: Number(c.n) - Number(c.awaiting), awaiting: Number(c.awaiting) }]),
    );
    const providers = new Set<ProviderId>(this.statementProviders());
    for (const r of runs) providers.add(r.provider);
    const out: ReconDaySummary[] = [];
    for (let d = last; d >= first; d = shiftDay(d, -1)) {
      const summary: ReconDaySummary = { day: d, providers: [], open: 0, awaiting: 0 };
      for (const provider of PROVIDER_ORDER) {
        if (!providers.has(provider)) continue;
        const mine = runs.filter((r) => r.day === d && r.provider === provider);
        const inUse = [...mine].reverse().find((r) => CURRENT.includes(r.status));
        const status: ReconRunStatus = inUse ? inUse.status : (mine.at(-1)?.status ?? 'not_run');
        const c = inUse ? open.get(inUse.id) : undefined;
        summary.providers.push({ provider, status, open: c?.open ?? 0 });
        summary.open += c?.open ?? 0;
        summary.awaiting += c?.awaiting ?? 0;
      }
      out.push(summary);
    }
    return out;
  }

  // ---- settings -----------------------------------------------------------------------------------

  settingsView(): ReconSettingsView {
    const v = this.o.settings.values;
    return { dailyAt: v.reconDailyAt, bufferMinutes: v.reconBufferMinutes, feeRatesPpm: { ...v.reconFeeRatesPpm } };
  }

  setSettings(next: ReconSettingsView, actor: Actor): ReconSettingsView {
    if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(next.dailyAt))
      throw new PosError('INVALID_INPUT', `${next.dailyAt} is not a time of day (HH:MM).`, { field: 'dailyAt' });
    if (!Number.isInteger(next.bufferMinutes) || next.bufferMinutes < 0 || next.bufferMinutes > 180) {
      throw new PosError('INVALID_INPUT', 'The midnight buffer is 0 to 180 minutes.', { field: 'bufferMinutes' });
    }
    const rates: Partial<Record<ProviderId, number>> = {};
    for (const p of PROVIDER_ORDER) {
      const r = next.feeRatesPpm[p];
      if (r === undefined) continue;
      if (!Number.isInteger(r) || r < 0 || r > 100_000)
        throw new PosError('INVALID_INPUT', `The ${p} fee rate must be 0 % to 10 %.`, { field: `feeRatesPpm.${p}` });
      rates[p] = r;
    }
    const before = this.settingsView();
    this.store.tx(() => {
      this.o.settings.set('reconDailyAt', next.dailyAt);
      this.o.settings.set('reconBufferMinutes', next.bufferMinutes);
      this.o.settings.set('reconFeeRatesPpm', rates);
      this.o.audit.record(actor, 'recon.settings', null, {
        before,
        after: { dailyAt: next.dailyAt, bufferMinutes: next.bufferMinutes, feeRatesPpm: rates },
      });
    });
    return this.settingsView();
  }

  // ---- the daily run ------------------------------------------------------------------------------

  /** Checks the clock every `intervalMs` (and once soon after start). */
  startSchedule(intervalMs = 60_000): void {
    if (this.timer) return;
    const tick = () => {
      this.tick().catch((err: unknown) => this.log(`daily run failed: ${(err as Error).stack ?? String(err)}`));
    };
    this.timer = setInterval(tick, intervalMs);
    this.timer.unref?.();
    setTimeout(tick, 5_000).unref?.();
  }

  stopSchedule(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * Once the store's clock passes the daily time, runs yesterday for every enabled provider that has
   * no statement for it yet (a failed download: again after an hour, at most four tries). Returns the
   * providers it ran. Tests call this with a ManualClock.
   */
  tick(): Promise<ProviderId[]> {
    if (this.ticking) return this.ticking;
    this.ticking = this.tickOnce().finally(() => {
      this.ticking = null;
    });
    return this.ticking;
  }

  private async tickOnce(): Promise<ProviderId[]> {
    const now = this.o.clock.now();
    const tz = this.o.timeZone();
    if (localTime(now, tz) < this.o.settings.values.reconDailyAt) return [];
    const day = shiftDay(businessDay(now, tz), -1);
    const due = this.dueProviders(day, now);
    if (due.length === 0) return [];
    await this.run(day, SYSTEM_ACTOR, { providers: due, trigger: 'scheduled' });
    return due;
  }

  /** Enabled statement providers that the daily run still owes `day`. */
  dueProviders(day: string, now: number): ProviderId[] {
    const runs = this.store.all(
      this.k.selectFrom('recon_runs').select(['provider', 'status', 'started_at']).where('day', '=', day).orderBy('id'),
    );
    return this.statementProviders().filter((p) => {
      const mine = runs.filter((r) => r.provider === p);
      if (mine.length === 0) return true;
      if (mine.some((r) => CURRENT.includes(r.status) || r.status === 'superseded' || r.status === 'refused'))
        return false;
      // every try failed to download: again after an hour, at most MAX_SCHEDULED_TRIES in all
      const last = mine.at(-1)!;
      return mine.length < MAX_SCHEDULED_TRIES && now - last.started_at >= RETRY_UNAVAILABLE_MS;
    });
  }
}

function actorName(actor: Actor): string {
  return actor.approvedBy && actor.approvedBy !== actor.name ? `${actor.name} (${actor.approvedBy})` : actor.name;
}
