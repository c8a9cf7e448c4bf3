/**
 * The reconciliation's shared words: what it is built from, one import's context and timings, and
 * the task a statement import runs in.
 */
import type { ProviderId, ReconRunOutcome } from '../../../shared/types';
import type { Statement, StatementFormat } from '../../intermediaries/provider';
import type { Store } from '../../store/db';
import type { ReconRunRow } from '../../store/schema';
import type { Audit } from '../people/audit';
import type { Actor } from '../people/auth';
import type { Clock } from '../clock';
import type { Events } from '../events';
import type { ProviderSource } from '../payments/attempts';
import type { SettingsValues } from '../settings';
import type { TaskRunner } from '../tasks';

export const PROVIDER_ORDER: readonly ProviderId[] = ['alipay', 'wechat', 'yeepay'];
/** the statuses of the run in use for a provider and day */
export const CURRENT: ReconRunRow['status'][] = ['imported', 'empty'];

export type Trigger = 'manual' | 'scheduled';

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
  tasks?: ReconTasks | null;
}

/** The task an import runs in (core/worker-tasks.ts, `recon.import`): what it is given, and what it answers. */
export interface ReconImportInput {
  source: StatementSource;
  ctx: RunContext;
  now: number;
  timeZone: string;
  settings: ReconSettingsSource['values'];
}

export interface ReconImportResult {
  outcome: ReconRunOutcome;
  stats: ImportStats | null;
  /** log lines, for the counter's log */
  log: string[];
}

/** Runs the statement import off the counter's thread. */
export type ReconTasks = TaskRunner<{ 'recon.import': [ReconImportInput, ReconImportResult] }>;

/** The settings reconciliation reads and writes (core/settings.ts). */
export interface ReconSettingsSource {
  readonly values: Readonly<Pick<SettingsValues, 'reconDailyAt' | 'reconBufferMinutes' | 'reconFeeRatesPpm'>>;
  set<K extends 'reconDailyAt' | 'reconBufferMinutes' | 'reconFeeRatesPpm'>(field: K, value: SettingsValues[K]): void;
}

/** Where the statement to import comes from: a downloaded file (parsed in the worker) or rows parsed already. */
export type StatementSource = { file: Uint8Array; format: StatementFormat } | { statement: Statement };

/** A write to run with the store's write lock: in place, or asked of the counter's thread by a worker. */
export type WithWriteLock = <T>(fn: () => T) => Promise<T>;

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

/** How an actor is named on a run and an item: the clerk, and the approving owner in brackets. */
export function actorName(actor: Actor): string {
  return actor.approvedBy && actor.approvedBy !== actor.name ? `${actor.name} (${actor.approvedBy})` : actor.name;
}
