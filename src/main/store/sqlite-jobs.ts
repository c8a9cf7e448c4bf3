/**
 * Runs the long SQLite jobs (online backup, integrity check, verification of a backup) in a process
 * of their own with its own connection (store/sqlite-worker.cjs), so the counter's event loop only
 * waits for one answer and the job's memory leaves with it. A job that fails answers with SQLite's
 * error code, never throws into the till.
 *
 * The same worker script serves the core's heavy tasks (core/worker-tasks.ts) in threads kept warm
 * by `TaskPool`; a task that writes takes the store's write gate (store/write-gate.ts) first.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { PosError, type ErrorCode, type ErrorDetails } from '../../shared/errors';
import { nodeLauncher, type NodeProgram, type NodeProgramLauncher } from '../node-program';
import type { WriteGate } from './write-gate';

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
  for (const path of [
    join(__dirname, 'sqlite-worker.js'),
    join(__dirname, '..', 'sqlite-worker.js'),
    join(__dirname, 'sqlite-worker.cjs'),
  ]) {
    if (existsSync(path)) return path;
  }
  throw new Error(`the SQLite worker script is missing beside ${__dirname}`);
}

/**
 * Each worker is a V8 isolate of its own, whose young generation would grow to 32 MB under a report's
 * or an import's garbage and stay that size while the thread lives. 8 MB is plenty for work that
 * mostly waits on SQLite, and keeps a warm worker from costing the till its memory
 * goal (README, "Speed on a year-old store").
 */
export const WORKER_LIMITS = { maxYoungGenerationSizeMb: 8 } as const;

let jobLauncher: NodeProgramLauncher = nodeLauncher;

/** How job processes start: a child of this Node (the default), or under Electron a utility process. */
export function useJobLauncher(launcher: NodeProgramLauncher): void {
  jobLauncher = launcher;
}

export interface JobOptions {
  /** aborted when the till closes: a job still running is stopped (it writes nothing more) */
  signal?: AbortSignal;
}

/** The line a job process answers with (sqlite-worker.cjs, `runAsProcess`). */
const ANSWER_PREFIX = 'counter-pos-sqlite-job ';

/**
 * Runs one long job in a process of its own (sqlite-worker.cjs, `runAsProcess`): the memory SQLite
 * takes for a copy or a check of the whole store goes back to the OS when it ends, and a crash on a
 * damaged file ends the job, not the till. The till waits only for its answer line.
 */
export function runJob(job: Extract<Job, { kind: 'backup' }>, options?: JobOptions): Promise<{ ms: number }>;
export function runJob(job: Extract<Job, { kind: 'check' }>, options?: JobOptions): Promise<CheckResult>;
export function runJob(job: Extract<Job, { kind: 'verify' }>, options?: JobOptions): Promise<VerifyResult>;
export function runJob(job: Job, options: JobOptions = {}): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const { signal } = options;
    if (signal?.aborted) {
      reject(new JobError('WORKER_EXIT', 'the till is closing'));
      return;
    }
    let child: NodeProgram;
    try {
      child = jobLauncher(
        workerScript(),
        ['--sqlite-job', JSON.stringify(job), '--parent-pid', String(process.pid)],
        'Counter POS database job',
      );
    } catch (err) {
      reject(new JobError('WORKER_EXIT', `the SQLite job could not start (${(err as Error).message})`));
      return;
    }
    let out = '';
    let err = '';
    let answer: Answer<unknown> | null = null;
    const stop = () => {
      child.kill();
      if (answer) return;
      answer = { ok: false, error: { code: 'WORKER_EXIT', message: 'the till is closing' } };
      reject(new JobError('WORKER_EXIT', 'the till is closing'));
    };
    signal?.addEventListener('abort', stop, { once: true });
    child.once('exit', () => signal?.removeEventListener('abort', stop));
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const at = out.indexOf(ANSWER_PREFIX);
      const end = at >= 0 ? out.indexOf('\n', at) : -1;
      if (answer || end < 0) return;
      try {
        answer = JSON.parse(out.slice(at + ANSWER_PREFIX.length, end)) as Answer<unknown>;
      } catch {
        answer = { ok: false, error: { code: 'WORKER_EXIT', message: 'the SQLite job answered something unreadable' } };
      }
      const a = answer;
      if (a.ok) resolve(a.value);
      else reject(new JobError(a.error.code, a.error.message));
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      err = (err + chunk.toString()).slice(-2000);
    });
    let ended = child.stdout === null;
    let exited: { code: number | null } | null = null;
    const settleOnExit = () => {
      if (answer || !exited || !ended) return;
      const why = err.trim().split('\n').pop() ?? '';
      reject(new JobError('WORKER_EXIT', `the SQLite job stopped (exit code ${exited.code})${why ? `: ${why}` : ''}`));
    };
    // the answer line may still be in the pipe when 'exit' comes: decide once the output has ended too
    child.stdout?.once('end', () => {
      ended = true;
      settleOnExit();
    });
    child.once('exit', (code) => {
      exited = { code };
      settleOnExit();
      setTimeout(() => {
        ended = true;
        settleOnExit();
      }, 1000).unref();
    });
  });
}

// ---- the core's tasks in a warm worker ------------------------------------------------------------

/**
 * The module the task worker loads: the bundled worker-tasks.js beside the worker script (out/main),
 * or the TypeScript source (tests and the bench run from the sources).
 */
export function tasksModule(): string {
  const bundled = join(dirname(workerScript()), 'worker-tasks.js');
  if (existsSync(bundled)) return bundled;
  const source = join(__dirname, '..', 'core', 'worker-tasks.ts');
  if (existsSync(source)) return source;
  throw new Error(`the worker tasks are missing beside ${workerScript()}`);
}

/** Messages between the counter's thread and a task worker (core/worker-tasks.ts speaks the other side). */
export type ToTaskWorker = { type: 'run'; id: number; name: string; input: unknown } | { type: 'granted'; id: number };
export type FromTaskWorker =
  | { type: 'write'; id: number }
  | { type: 'written'; id: number }
  | { type: 'done'; id: number; ok: true; value: unknown }
  | { type: 'done'; id: number; ok: false; error: TaskErrorShape };

/** An error as it crosses the thread boundary: a PosError keeps its code and details. */
export interface TaskErrorShape {
  pos: boolean;
  code: string;
  message: string;
  details?: unknown;
}

export interface TaskOptions {
  /** taken while the task writes (store/write-gate.ts) */
  gate: WriteGate;
  /** buffers handed over to the worker without a copy (they are unusable here afterwards) */
  transfer?: ArrayBuffer[];
}

interface Pooled {
  worker: Worker;
  busy: boolean;
  idle: NodeJS.Timeout | null;
}

interface Running {
  worker: Worker;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
  gate: WriteGate;
  release: (() => void) | null;
}

/**
 * A few worker threads kept warm for the core's tasks (a report, a CSV preview, a statement import):
 * starting one costs ~100 ms and loading the code more, which an owner waiting for a report should
 * not pay each time. At most `max` run at once (more wait in line); each exits after `idleMs` without
 * work, so an idle till holds no extra thread. A task that writes asks for the store's write gate
 * first (`write`), commits, and gives it back (`written`).
 */
export class TaskPool {
  private readonly workers: Pooled[] = [];
  private readonly waiting: (() => void)[] = [];
  private readonly running = new Map<number, Running>();
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly options: { max?: number; idleMs?: number; module?: string; onError?: (err: unknown) => void } = {},
  ) {}

  private get max(): number {
    return this.options.max ?? 2;
  }

  async run<T>(name: string, input: unknown, options: TaskOptions): Promise<T> {
    if (this.closed) throw new JobError('WORKER_EXIT', 'the till is closing');
    const pooled = await this.take();
    const id = this.nextId++;
    try {
      return (await new Promise<unknown>((resolve, reject) => {
        this.running.set(id, { worker: pooled.worker, resolve, reject, gate: options.gate, release: null });
        pooled.worker.ref();
        const message: ToTaskWorker = { type: 'run', id, name, input };
        pooled.worker.postMessage(message, options.transfer ?? []);
      })) as T;
    } finally {
      this.settle(id);
      this.give(pooled);
    }
  }

  /** Stops every worker (the till is closing); tasks still running fail. */
  async close(): Promise<void> {
    this.closed = true;
    const all = this.workers.splice(0);
    for (const w of this.waiting.splice(0)) w();
    await Promise.all(all.map((p) => p.worker.terminate().catch(() => undefined)));
  }

  private settle(id: number): void {
    const r = this.running.get(id);
    if (!r) return;
    r.release?.();
    this.running.delete(id);
  }

  private async take(): Promise<Pooled> {
    for (;;) {
      if (this.closed) throw new JobError('WORKER_EXIT', 'the till is closing');
      const free = this.workers.find((w) => !w.busy);
      if (free) {
        if (free.idle) clearTimeout(free.idle);
        free.idle = null;
        free.busy = true;
        return free;
      }
      if (this.workers.length < this.max) {
        const pooled = this.spawn();
        pooled.busy = true;
        return pooled;
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private give(pooled: Pooled): void {
    pooled.busy = false;
    if (!this.workers.includes(pooled)) return;
    pooled.worker.unref();
    pooled.idle = setTimeout(() => this.retire(pooled), this.options.idleMs ?? 30_000);
    pooled.idle.unref();
    this.waiting.shift()?.();
  }

  private retire(pooled: Pooled): void {
    const i = this.workers.indexOf(pooled);
    if (i < 0 || pooled.busy) return;
    this.workers.splice(i, 1);
    void pooled.worker.terminate().catch(() => undefined);
  }

  private spawn(): Pooled {
    const module = this.options.module ?? tasksModule();
    // the sources (tests, bench) are TypeScript: the worker loads them through tsx's require hook
    const loader = module.endsWith('.ts') ? { cjs: 'tsx/cjs/api', esm: 'tsx/esm/api' } : null;
    const worker = new Worker(workerScript(), {
      workerData: { kind: 'tasks', module, loader },
      resourceLimits: WORKER_LIMITS,
    });
    const pooled: Pooled = { worker, busy: false, idle: null };
    this.workers.push(pooled);
    worker.on('message', (m: FromTaskWorker) => this.onMessage(worker, m));
    const gone = (err: unknown) => {
      const i = this.workers.indexOf(pooled);
      if (i >= 0) this.workers.splice(i, 1);
      // whatever this worker was running fails; its gate is given back
      for (const [id, r] of this.running) {
        if (r.worker !== worker) continue;
        r.release?.();
        this.running.delete(id);
        r.reject(err);
      }
      this.waiting.shift()?.();
    };
    worker.on('error', (err) => {
      this.options.onError?.(err);
      gone(err);
    });
    worker.on('exit', (code) => gone(new JobError('WORKER_EXIT', `the task worker stopped (exit code ${code})`)));
    return pooled;
  }

  private onMessage(worker: Worker, m: FromTaskWorker): void {
    const r = this.running.get(m.id);
    if (!r) return;
    switch (m.type) {
      case 'write':
        void r.gate.acquire().then((release) => {
          if (this.running.get(m.id) !== r) return release(); // the task ended meanwhile
          r.release = release;
          const granted: ToTaskWorker = { type: 'granted', id: m.id };
          worker.postMessage(granted);
        });
        return;
      case 'written':
        r.release?.();
        r.release = null;
        return;
      case 'done':
        if (m.ok) r.resolve(m.value);
        else
          r.reject(
            m.error.pos
              ? new PosError(m.error.code as ErrorCode, m.error.message, m.error.details as ErrorDetails)
              : new JobError(m.error.code, m.error.message),
          );
        return;
    }
  }
}
