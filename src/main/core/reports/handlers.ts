/**
 * Reports' part of the contract (`reports.*`), the owner's. The range is checked before the owner is
 * asked, so no PIN is asked for a report that cannot be made; a long range, every export and the
 * printable page are made in a worker (core/worker-tasks.ts).
 */
import type { Locale } from '../../../shared/types';
import type { Clock } from '../clock';
import type { HandlersOf } from '../handlers';
import type { Access } from '../people/access';
import type { Settings } from '../settings';
import type { ReportTasks } from './tasks';
import { checkRange, type Reports } from './reports';

/** A report over more days than this is made in a worker (a year is tens of milliseconds of reads). */
const REPORT_IN_PLACE_DAYS = 92;

export function reportHandlers(
  d: {
    reports: Reports;
    tasks: ReportTasks;
    clock: Clock;
    timeZone: () => string;
    locale: () => Locale;
    settings: Settings;
  },
  access: Access,
): HandlersOf<'reports.'> {
  const { reports, tasks, clock, timeZone, locale, settings } = d;
  const { auth } = access;
  return {
    'reports.sales': async ({ from, to, top, approvalPin }) => {
      const days = checkRange(from, to);
      await auth.authorize('owner', approvalPin);
      if (days <= REPORT_IN_PLACE_DAYS) return reports.sales(from, to, top);
      return tasks.run('reports.sales', { from, to, top: top ?? 10, now: clock.now(), timeZone: timeZone() });
    },
    'reports.exportCsv': async ({ from, to, approvalPin }) => {
      checkRange(from, to);
      await auth.authorize('owner', approvalPin);
      return tasks.run('reports.csv', { from, to, locale: locale(), now: clock.now(), timeZone: timeZone() });
    },
    'reports.printable': async ({ from, to, top, approvalPin }) => {
      checkRange(from, to);
      await auth.authorize('owner', approvalPin);
      return tasks.run('reports.printable', {
        from,
        to,
        top: top ?? 20,
        locale: locale(),
        storeName: settings.values.storeName,
        now: clock.now(),
        timeZone: timeZone(),
      });
    },
  };
}
