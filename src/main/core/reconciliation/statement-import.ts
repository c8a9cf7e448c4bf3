/**
 * A parsed statement imported: checked again (statements.ts), identified by its SHA-256, matched
 * against the till's rows (matching.ts) and stored with its match (runs.ts) — in one transaction
 * here and now, or in two phases for the worker thread: read and match in a snapshot, then store
 * with the write lock held only for that.
 */
import type { ReconRunOutcome } from '../../../shared/types';
import type { Statement } from '../../intermediaries/provider';
import type { MatchResult } from '../../intermediaries/statement-match';
import type { Store } from '../../store/db';
import type { Clock } from '../clock';
import { crashPoint } from '../crash-points';
import type { DigestKeys, MatchReader } from './matching';
import type { RunWriter } from './runs';
import { statementProblem, statementSha256 } from './statements';
import type { ImportStats, RunContext, WithWriteLock } from './types';

/** What the read phase of an import found (`importStaged`). */
interface ReadPhase {
  match: MatchResult;
  digest: string;
  /** what had been written when it was read (`dataVersion`) */
  version: string;
  keys: DigestKeys;
  loadMs: number;
  matchMs: number;
}

export class StatementImport {
  /** timings of the last import (bench) */
  lastImport: ImportStats | null = null;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly reader: MatchReader,
    private readonly writer: RunWriter,
    private readonly log: (line: string) => void,
  ) {}

  /**
   * Checks, matches and stores a parsed statement in one transaction, here and now. Public for
   * imports of a file already downloaded, tests and the bench (the worker uses `importStaged`).
   */
  importStatement(statement: Statement, ctx: Omit<RunContext, 'startedAt'> & { startedAt?: number }): ReconRunOutcome {
    const run: RunContext = { ...ctx, startedAt: ctx.startedAt ?? this.clock.now() };
    const problem = statementProblem(statement, run.provider, run.day);
    if (problem) return this.writer.failed(run, 'refused', problem);
    const sha = statementSha256(statement);
    const t0 = performance.now();
    let loadMs = 0;
    let matchMs = 0;
    let writeMs = 0;
    const outcome = this.store.tx((): ReconRunOutcome => {
      const existing = this.writer.alreadyImported(run, sha);
      if (existing) return existing;
      const read = this.reader.readAndMatch(statement);
      loadMs = read.loadMs;
      matchMs = read.matchMs;
      const w0 = performance.now();
      const written = this.writer.storeImport(run, statement, sha, read.match);
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
    if (problem) return write(() => this.writer.failed(run, 'refused', problem));
    const sha = statementSha256(statement);
    const t0 = performance.now();
    const read = this.store.snapshot((): ReconRunOutcome | ReadPhase => {
      const existing = this.writer.alreadyImported(run, sha);
      if (existing) return existing;
      const phase = this.reader.readAndMatch(statement);
      return { ...phase, digest: this.reader.inputsDigest(statement, phase.keys), version: this.store.dataVersion() };
    });
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
          const existing = this.writer.alreadyImported(run, sha);
          if (existing) return existing;
          let match = read.match;
          const d0 = performance.now();
          // nothing committed by another connection since the read: the rows are the same without asking
          const same =
            this.store.dataVersion() === read.version || this.reader.inputsDigest(statement, read.keys) === read.digest;
          digestMs = performance.now() - d0;
          if (!same) {
            rematched = true;
            match = this.reader.readAndMatch(statement).match;
          }
          const w0 = performance.now();
          const written = this.writer.storeImport(run, statement, sha, match);
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
}
