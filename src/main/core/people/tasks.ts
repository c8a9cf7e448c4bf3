/** The audit log's export, run as a task (core/worker-tasks.ts) in a worker thread with its own read connection. */
import type { Clock } from '../clock';
import type { TaskContext, TaskMapOf, TaskRunner } from '../tasks';
import { Audit } from './audit';

const clockAt = (now: number): Clock => ({ now: () => now });

export const PEOPLE_TASKS = {
  'audit.csv': (i: { from?: number | undefined; to?: number | undefined; now: number }, ctx: TaskContext): string => {
    const store = ctx.store('read');
    return store.snapshot(() =>
      new Audit(store, clockAt(i.now)).csv({
        ...(i.from === undefined ? {} : { from: i.from }),
        ...(i.to === undefined ? {} : { to: i.to }),
      }),
    );
  },
} as const;

export type PeopleTasks = TaskRunner<TaskMapOf<typeof PEOPLE_TASKS>>;
