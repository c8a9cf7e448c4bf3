/**
 * The counter's side of the worker tasks: `workerTasks` sends a task to the task pool's worker
 * threads (store/sqlite-jobs.ts), which load the registry of every task, core/worker-tasks.ts. This
 * file imports the registry's types only (`import type`), so the till's own bundle never loads the tasks' code (the
 * catalogue CSV, the reports' files, the statement import: most of the core's weight) at start-up;
 * the bench's in-place baseline (`inlineTasks`) is imported by core.ts only when asked for.
 */
import type { Store } from '../store/db';
import { TaskPool } from '../store/sqlite-jobs';
import { transferList, type Envelope } from './task-envelope';
import type { TaskInput, TaskName, TaskOutput, Tasks } from './worker-tasks';

export type { Tasks };

/** The tasks in worker threads (the pool keeps them warm), each on its own connection to `store`'s file. */
export function workerTasks(store: Store, pool: TaskPool = new TaskPool()): Tasks {
  return {
    run: <N extends TaskName>(name: N, input: TaskInput<N>, transfer: readonly Uint8Array[] = []) =>
      pool.run<TaskOutput<N>>(name, { file: store.file, input } satisfies Envelope, {
        gate: store.writeGate,
        transfer: transferList(transfer),
      }),
    close: () => pool.close(),
  };
}
