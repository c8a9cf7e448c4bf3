/**
 * What a heavy task is and what runs one, naming no task: a domain that hands work to a worker
 * thread (the reconciliation's statement import, the catalogue's CSV) declares the tasks it uses as
 * a `TaskRunner` of its own, and the registry of every task (core/worker-tasks.ts) imports the
 * domains, never the other way round.
 */
import type { Store } from '../store/db';

/** What a task may ask of where it runs. */
export interface TaskContext {
  /** The store to work on: in a worker its own connection (read-only unless `write`), in place the till's. */
  store(mode: 'read' | 'write'): Store;
  /** Runs `fn` (a transaction) holding the store's write lock: a worker asks the counter's thread for the gate first. */
  write<T>(fn: () => T): Promise<T>;
}

/** Tasks by name: each one's input (plain data: it is copied to the worker) and its result. */
export type TaskMap = Record<string, [input: unknown, output: unknown]>;

/** Runs the tasks of `M`: in a worker thread kept warm, or in place (core/worker-tasks.ts). */
export interface TaskRunner<M extends TaskMap> {
  /** `transfer`: byte arrays handed over to the worker whole, not copied (the caller stops using them). */
  run<N extends keyof M & string>(name: N, input: M[N][0], transfer?: readonly Uint8Array[]): Promise<M[N][1]>;
}

/** The task map of a registry of task functions (each takes its input and where it runs). */
export type TaskMapOf<T extends Record<string, (input: never, ctx: TaskContext) => unknown>> = {
  [N in keyof T & string]: [input: Parameters<T[N]>[0], output: Awaited<ReturnType<T[N]>>];
};
