/**
 * The sales report's heavy work, run as tasks (core/worker-tasks.ts) in a worker thread with its own
 * read connection: a long range, the CSV and the printable page.
 */
import type { Locale, SalesReport } from '../../../shared/types';
import type { Clock } from '../clock';
import type { TaskContext, TaskMapOf, TaskRunner } from '../tasks';
import { reportCsv, reportHtml } from './report-files';
import { Reports } from './reports';

const clockAt = (now: number): Clock => ({ now: () => now });

export const REPORT_TASKS = {
  'reports.sales': (
    i: { from: string; to: string; top: number; now: number; timeZone: string },
    ctx: TaskContext,
  ): SalesReport => {
    const store = ctx.store('read');
    return store.snapshot(() => new Reports(store, clockAt(i.now), () => i.timeZone).sales(i.from, i.to, i.top));
  },
  'reports.csv': (i: { from: string; to: string; locale: Locale; now: number; timeZone: string }, ctx: TaskContext) => {
    const store = ctx.store('read');
    return reportCsv(
      store.snapshot(() =>
        new Reports(store, clockAt(i.now), () => i.timeZone).sales(i.from, i.to, Number.MAX_SAFE_INTEGER),
      ),
      i.locale,
    );
  },
  'reports.printable': (
    i: { from: string; to: string; top: number; locale: Locale; storeName: string; now: number; timeZone: string },
    ctx: TaskContext,
  ) => {
    const store = ctx.store('read');
    return reportHtml(
      store.snapshot(() => new Reports(store, clockAt(i.now), () => i.timeZone).sales(i.from, i.to, i.top)),
      i.locale,
      i.storeName,
    );
  },
} as const;

export type ReportTasks = TaskRunner<TaskMapOf<typeof REPORT_TASKS>>;
