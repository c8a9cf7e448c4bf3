/**
 * Runs the long SQLite jobs (online backup, integrity check, verification of a backup) in a worker
 * thread with its own connection (store/sqlite-worker.cjs), so the counter's event loop only waits
 * for one message. A job that fails answers with SQLite's error code, never throws into the till.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/** One integrity_check message and the table (and index) it was mapped to, when it could be. */
export interface Finding {
  message: string;
  table: string | null;
  index: string | null;
}

export interface CheckResult {
  ok: boolean;
  findings: Finding[];
  ms: number;
}

export interface VerifyResult extends CheckResult {
  /** rows per table (only when ok) */
  counts?: Record<string, number>;
  /** the highest id per table: the backup's point, for a restore (only when ok) */
  maxIds?: Record<string, number>;
  /** the last migration the file has */
  migration?: string | null;
}

export type Job =
  | { kind: 'backup'; source: string; dest: string }
  | { kind: 'check'; file: string; mode: 'integrity' | 'quick'; limit?: number }
  | { kind: 'verify'; file: string; mode: 'integrity' | 'quick'; tables: readonly string[]; limit?: number };

type Answer<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

/** An error from the worker, with SQLite's code (`SQLITE_FULL`, `SQLITE_CORRUPT`, …) kept. */
export class JobError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'JobError';
  }
}

/**
 * The worker script: the bundled out/main/sqlite-worker.js (this code runs from out/main or one of
 * its chunks in out/main/chunks), or the source file beside this one (tests).
 */
export function workerScript(): string {
  for (const path of [join(__dirname, 'sqlite-worker.js'), join(__dirname, '..', 'sqlite-worker.js'), join(__dirname, 'sqlite-worker.cjs')]) {
    if (existsSync(path)) return path;
  }
  throw new Error(`the SQLite worker script is missing beside ${__dirname}`);
}

export function runJob(job: Extract<Job, { kind: 'backup' }>): Promise<{ ms: number }>;
export function runJob(job: Extract<Job, { kind: 'check' }>): Promise<CheckResult>;
export function runJob(job: Extract<Job, { kind: 'verify' }>): Promise<VerifyResult>;
export function runJob(job: Job): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const worker = new Worker(workerScript(), { workerData: job });
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
    };
    worker.once('message', (answer: Answer<unknown>) =>
      settle(() => (answer.ok ? resolve(answer.value) : reject(new JobError(answer.error.code, answer.error.message)))),
    );
    worker.once('error', (err) => settle(() => reject(err)));
    worker.once('exit', (code) => settle(() => reject(new JobError('WORKER_EXIT', `the SQLite worker stopped (exit code ${code})`))));
  });
}
