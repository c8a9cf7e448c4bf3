/**
 * Date ranges for the sales review, on business days `YYYY-MM-DD` (plain calendar arithmetic, no time
 * zone): the renderer's presets and the check of a range typed by hand. Main applies the same limits
 * (core/reports/reports.ts `checkRange`) and refuses with REPORT_RANGE_INVALID.
 */
import { dayMs, shiftDay } from './calendar';
import { formatFen } from './money';

export { dayMs, shiftDay };

export type ReportPreset = 'today' | 'yesterday' | 'week' | 'month' | 'lastMonth';
export interface ReportRange {
  from: string;
  to: string;
}

export const REPORT_PRESETS: readonly ReportPreset[] = ['today', 'yesterday', 'week', 'month', 'lastMonth'];
/** the longest range a report covers, both ends included */
export const MAX_REPORT_DAYS = 400;

export const daysIn = (r: ReportRange): number => Math.round((dayMs(r.to) - dayMs(r.from)) / 86_400_000) + 1;

/** The range of a preset, from the store's business day. Weeks start on Monday. */
export function presetRange(p: ReportPreset, today: string): ReportRange {
  switch (p) {
    case 'today':
      return { from: today, to: today };
    case 'yesterday': {
      const y = shiftDay(today, -1);
      return { from: y, to: y };
    }
    case 'week': {
      const weekday = (new Date(dayMs(today)).getUTCDay() + 6) % 7;
      return { from: shiftDay(today, -weekday), to: today };
    }
    case 'month':
      return { from: `${today.slice(0, 8)}01`, to: today };
    case 'lastMonth': {
      const lastDay = shiftDay(`${today.slice(0, 8)}01`, -1);
      return { from: `${lastDay.slice(0, 8)}01`, to: lastDay };
    }
  }
}

/** Why a range cannot be reported (the reasons main gives too), or null. */
export function rangeProblem(r: ReportRange): 'bad_date' | 'backwards' | 'too_long' | null {
  const real = (d: string) =>
    /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(dayMs(d)) && new Date(dayMs(d)).toISOString().slice(0, 10) === d;
  if (!real(r.from) || !real(r.to)) return 'bad_date';
  if (r.to < r.from) return 'backwards';
  if (daysIn(r) > MAX_REPORT_DAYS) return 'too_long';
  return null;
}

/** `¥1,234,567.89`: formatFen with thousands grouped (report totals run to millions). */
export function groupedFen(fen: number): string {
  const [int = '', dec = ''] = formatFen(fen).split('.');
  return `${int.replace(/\B(?=(\d{3})+$)/g, ',')}.${dec}`;
}
