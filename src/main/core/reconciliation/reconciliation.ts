/**
 * Daily reconciliation: for a business day, download each enabled intermediary's statement, parse
 * it, match it against the till's payment attempts and refunds (payments/statement-match.ts), and keep
 * the differences as items an owner resolves with a note (audited).
 *
 * - The download runs outside any transaction; the parsed statement is checked again
 *   (statements.ts), then stored with its match in ONE transaction (statement-import.ts, runs.ts:
 *   run, lines, items, superseding an older statement of the same day, settling items that waited
 *   for this day, the audit row). A statement that is refused leaves only a `refused` run row with
 *   the reason: no lines, no items, nothing else.
 * - A statement is identified by the SHA-256 of its parsed content (not of the file: an Alipay zip
 *   carries its export time, so two downloads of the same bill differ byte for byte). Importing the
 *   same statement again changes nothing ("already imported"); a different one for the same day
 *   supersedes the earlier run, carrying the owner's decisions over to the same differences.
 * - Days are the intermediaries' days (Beijing time, UTC+8), which is the store's business day for
 *   a shop in China. Local rows are loaded with one range query per day (widened by the
 *   cross-midnight buffer) plus one batched lookup for trades the statement names outside it
 *   (matching.ts).
 * - The daily run (schedule.ts): at `recon.dailyAt` (store time, default 10:00) the scheduler runs
 *   yesterday for every enabled provider that has no statement for it yet; a download that failed is
 *   tried again hourly, at most four times. What ran is persisted in `recon_runs`, so a day is never
 *   imported twice, across restarts too.
 * - What the screen reads is in views.ts, the settings in settings.ts, the contract's `recon.*` in
 *   handlers.ts.
 */
import { PosError } from '../../../shared/errors';
import type {
  ProviderId,
  ReconDaySummary,
  ReconDayView,
  ReconItemView,
  ReconResolution,
  ReconRunOutcome,
  ReconRunResult,
  ReconSettingsView,
} from '../../../shared/types';
import { isDay } from '../../intermediaries/money';
import type { Statement, StatementFileOutcome, StatementOutcome } from '../../intermediaries/provider';
import { SYSTEM_ACTOR, type Actor } from '../people/auth';
import { businessDay } from '../clock';
import type { Store } from '../../store/db';
import { crashPoint } from '../crash-points';
import { MatchReader } from './matching';
import { RunWriter } from './runs';
import { DailyRun } from './schedule';
import { reconSettingsView, setReconSettings } from './settings';
import { StatementImport } from './statement-import';
import { emptyStatement } from './statements';
import {
  actorName,
  PROVIDER_ORDER,
  type ImportStats,
  type ReconciliationOptions,
  type RunContext,
  type StatementSource,
  type Trigger,
  type WithWriteLock,
} from './types';
import { ReconViews } from './views';

export class Reconciliation {
  private readonly inFlight = new Map<string, Promise<ReconRunOutcome>>();
  private readonly writer: RunWriter;
  private readonly imports: StatementImport;
  private readonly views: ReconViews;
  private readonly daily: DailyRun;

  constructor(private readonly o: ReconciliationOptions) {
    const log = (line: string) => this.log(line);
    this.writer = new RunWriter(o, log);
    this.imports = new StatementImport(o.store, o.clock, new MatchReader(o.store, o.settings), this.writer, log);
    this.views = new ReconViews(
      o.store,
      () => this.statementProviders(),
      () => this.today(),
    );
    this.daily = new DailyRun(
      o,
      () => this.statementProviders(),
      (day, providers) => this.run(day, SYSTEM_ACTOR, { providers, trigger: 'scheduled' }),
      log,
    );
  }

  /** timings of the last import (bench) */
  get lastImport(): ImportStats | null {
    return this.imports.lastImport;
  }

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
    return this.writer.failed(ctx, status, reason);
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
    if (stats) this.imports.lastImport = stats;
    for (const line of log) this.o.log?.(line);
    return outcome;
  }

  /**
   * Checks, matches and stores a parsed statement in one transaction, here and now. Public for
   * imports of a file already downloaded, tests and the bench (the worker uses `importStaged`).
   */
  importStatement(statement: Statement, ctx: Omit<RunContext, 'startedAt'> & { startedAt?: number }): ReconRunOutcome {
    return this.imports.importStatement(statement, ctx);
  }

  /** The same import in two phases, for the worker (statement-import.ts). */
  importStaged(statement: Statement, run: RunContext, write: WithWriteLock): Promise<ReconRunOutcome> {
    return this.imports.importStaged(statement, run, write);
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
      return this.views.items([item.run_id]).find((i) => i.id === itemId)!;
    });
    this.o.events.emit('recon.changed', { day: view.day });
    return view;
  }

  // ---- reading ------------------------------------------------------------------------------------

  /** A day: per provider the till's totals (now) against the statement's, and the differences. */
  day(day: string): ReconDayView {
    return this.views.day(day);
  }

  /** The last `limit` days (yesterday first): per provider the status and the open differences. */
  days(limit?: number): ReconDaySummary[] {
    return this.views.days(limit);
  }

  // ---- settings -----------------------------------------------------------------------------------

  settingsView(): ReconSettingsView {
    return reconSettingsView(this.o.settings);
  }

  setSettings(next: ReconSettingsView, actor: Actor): ReconSettingsView {
    return setReconSettings(this.o, next, actor);
  }

  // ---- the daily run ------------------------------------------------------------------------------

  /** Checks the clock every `intervalMs` (and once soon after start). */
  startSchedule(intervalMs?: number): void {
    this.daily.start(intervalMs);
  }

  stopSchedule(): void {
    this.daily.stop();
  }

  /**
   * Once the store's clock passes the daily time, runs yesterday for every enabled provider that has
   * no statement for it yet. Returns the providers it ran. Tests call this with a ManualClock.
   */
  tick(): Promise<ProviderId[]> {
    return this.daily.tick();
  }

  /** Enabled statement providers that the daily run still owes `day`. */
  dueProviders(day: string, now: number): ProviderId[] {
    return this.daily.due(day, now);
  }
}
