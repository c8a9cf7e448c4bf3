/**
 * The core's heavy work, off the counter's event loop: a statement download's parse, match and
 * import, the catalogue CSV (preview, apply, export), the sales report over long ranges and its
 * files, the audit log export. Each task runs in a worker thread kept warm by the task pool
 * (store/sqlite-jobs.ts, the worker script store/sqlite-worker.cjs, which loads this module) with its
 * own SQLite connection: WAL lets it read while the till sells, and a task that writes holds the
 * store's write gate only while its transaction runs (store/write-gate.ts), so a clerk's call waits
 * with `await`, never inside SQLite.
 *
 * The same functions run in place with `inlineTasks` (the bench's "before", measured on the
 * counter's own thread): what a task computes does not depend on where it runs.
 */
import { PosError } from '../../shared/errors';
import { openTaskStore, type Store } from '../store/db';
import type { FromTaskWorker, TaskErrorShape, ToTaskWorker } from '../store/sqlite-jobs';
import { PEOPLE_TASKS } from './people/tasks';
import { CATALOGUE_TASKS } from './catalogue/csv-tasks';
import { reconImport } from './reconciliation/import-task';
import { REPORT_TASKS } from './reports/tasks';
import type { TaskContext, TaskMapOf, TaskRunner } from './tasks';
import { transferList, type Envelope } from './task-envelope';

/** Every task: its input (plain data: it is copied to the worker) and its result. */
export const TASKS = {
  ...REPORT_TASKS,
  ...PEOPLE_TASKS,
  ...CATALOGUE_TASKS,
  'recon.import': reconImport,
} as const;

export type TaskName = keyof typeof TASKS;
export type TaskInput<N extends TaskName> = Parameters<(typeof TASKS)[N]>[0];
export type TaskOutput<N extends TaskName> = Awaited<ReturnType<(typeof TASKS)[N]>>;

/** Runs the core's tasks: in the worker (`workerTasks`), or in place (`inlineTasks`). */
export interface Tasks extends TaskRunner<TaskMapOf<typeof TASKS>> {
  close(): Promise<void>;
}

const runTask = <N extends TaskName>(name: N, input: TaskInput<N>, ctx: TaskContext): Promise<TaskOutput<N>> =>
  Promise.resolve(
    (TASKS[name] as (i: TaskInput<N>, c: TaskContext) => TaskOutput<N> | Promise<TaskOutput<N>>)(input, ctx),
  );

/** The tasks on the counter's own thread, on the till's connection: what the app did before (the bench's baseline). */
export function inlineTasks(store: Store): Tasks {
  const ctx: TaskContext = { store: () => store, write: (fn) => Promise.resolve(fn()) };
  return { run: (name, input) => runTask(name, input, ctx), close: () => Promise.resolve() };
}

// ---- the worker's side --------------------------------------------------------------------------

function shapeOf(err: unknown): TaskErrorShape {
  if (err instanceof PosError)
    return { pos: true, code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) };
  const e = err as { code?: unknown; message?: unknown } | null;
  return {
    pos: false,
    code: typeof e?.code === 'string' ? e.code : 'ERROR',
    message: typeof e?.message === 'string' ? e.message : String(err),
  };
}

interface Port {
  on(event: 'message', listener: (m: ToTaskWorker) => void): unknown;
  postMessage(m: FromTaskWorker, transfer?: ArrayBuffer[]): void;
}

/** The byte arrays in a result, two levels down (a plan's ops): handed over, not copied. */
function bytesIn(value: unknown, depth = 0): Uint8Array[] {
  if (value instanceof Uint8Array) return [value];
  if (depth >= 2 || typeof value !== 'object' || value === null) return [];
  return Object.values(value).flatMap((v) => bytesIn(v, depth + 1));
}

/** Answers the task pool's messages (called by store/sqlite-worker.cjs in the worker thread). */
export function serve(port: Port): void {
  const grants = new Map<number, () => void>();
  const post = (m: FromTaskWorker) => port.postMessage(m);
  const runOne = async (id: number, name: TaskName, envelope: Envelope): Promise<void> => {
    const opened = new Map<'read' | 'write', Store>();
    const ctx: TaskContext = {
      store: (mode) => {
        let s = opened.get(mode);
        if (!s) {
          s = openTaskStore(envelope.file, mode);
          opened.set(mode, s);
        }
        return s;
      },
      write: async (fn) => {
        const granted = new Promise<void>((resolve) => grants.set(id, resolve));
        post({ type: 'write', id });
        await granted;
        try {
          return fn();
        } finally {
          post({ type: 'written', id });
        }
      },
    };
    try {
      const value = await runTask(name, envelope.input as TaskInput<typeof name>, ctx);
      port.postMessage({ type: 'done', id, ok: true, value }, transferList(bytesIn(value)));
    } catch (err) {
      post({ type: 'done', id, ok: false, error: shapeOf(err) });
    } finally {
      for (const s of opened.values()) s.close();
    }
  };
  port.on('message', (m) => {
    if (m.type === 'granted') {
      grants.get(m.id)?.();
      grants.delete(m.id);
      return;
    }
    if (!(m.name in TASKS)) {
      post({ type: 'done', id: m.id, ok: false, error: { pos: false, code: 'ERROR', message: `no task ${m.name}` } });
      return;
    }
    void runOne(m.id, m.name as TaskName, m.input as Envelope);
  });
}
