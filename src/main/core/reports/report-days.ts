/**
 * The business days a report covers: a day checked as a real calendar day in 2000–2099, a range
 * checked (REPORT_RANGE_INVALID: a bad day, backwards, longer than MAX_REPORT_DAYS), and a range
 * split into whole months and runs of days so the fewest summary rows are read (`splitRange`). Pure.
 */
import { PosError } from '../../../shared/errors';
import { MAX_REPORT_DAYS } from '../../../shared/report-range';

const MIN_YEAR = 2000;
const MAX_YEAR = 2099;
const DAY_MS = 86_400_000;

/** Midnight UTC of a `YYYY-MM-DD` that is a real calendar day in 2000–2099, else null. */
export function parseReportDay(day: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < MIN_YEAR || y > MAX_YEAR) return null;
  const t = Date.UTC(y, mo - 1, d);
  return new Date(t).toISOString().slice(0, 10) === day ? t : null;
}

export const dayOf = (t: number): string => new Date(t).toISOString().slice(0, 10);
export const addDays = (day: string, n: number): string =>
  dayOf((parseReportDay(day) ?? Date.parse(`${day}T00:00:00Z`)) + n * DAY_MS);

/** Checks a range of business days; returns its length in days (both ends included). */
export function checkRange(from: string, to: string): number {
  const a = parseReportDay(from);
  const b = parseReportDay(to);
  const refuse = (reason: 'bad_date' | 'backwards' | 'too_long', message: string): never => {
    throw new PosError('REPORT_RANGE_INVALID', message, { from, to, reason, maxDays: MAX_REPORT_DAYS });
  };
  if (a === null) refuse('bad_date', `${from} is not a day between ${MIN_YEAR} and ${MAX_YEAR}.`);
  if (b === null) refuse('bad_date', `${to} is not a day between ${MIN_YEAR} and ${MAX_YEAR}.`);
  const days = ((b as number) - (a as number)) / DAY_MS + 1;
  if (days < 1) refuse('backwards', `The range ends (${to}) before it starts (${from}).`);
  if (days > MAX_REPORT_DAYS)
    refuse('too_long', `The range has ${days} days; a report covers at most ${MAX_REPORT_DAYS}.`);
  return days;
}

/** A piece of a range: whole months or a run of days, added or taken away. */
export type RangePart = { sign: 1 | -1; months: string[] } | { sign: 1 | -1; from: string; to: string };

/**
 * Splits a range so the fewest summary rows are read: whole calendar months from month rows, the
 * other days from day rows; a month mostly inside the range is read whole, less the days outside
 * it (sums subtract exactly). 2026-01-02…2026-04-10 → + months 01, 02, 03, − day 01-01, + days
 * 04-01…04-10. At most 15 days are read by day at each end.
 */
export function splitRange(from: string, to: string): RangePart[] {
  const months: string[] = [];
  const plus: [string, string][] = [];
  const minus: [string, string][] = [];
  let cursor = from;
  while (cursor <= to) {
    const [y, m] = cursor.split('-').map(Number) as [number, number];
    const first = `${cursor.slice(0, 8)}01`;
    const last = dayOf(Date.UTC(y, m, 0));
    const end = last < to ? last : to;
    const inside = (parseReportDay(end)! - parseReportDay(cursor)!) / DAY_MS + 1;
    const length = Number(last.slice(8));
    if (inside === length) {
      months.push(cursor.slice(0, 7));
    } else if (length - inside < inside) {
      months.push(cursor.slice(0, 7));
      if (cursor > first) minus.push([first, addDays(cursor, -1)]);
      if (end < last) minus.push([addDays(end, 1), last]);
    } else {
      const prev = plus[plus.length - 1];
      if (prev && addDays(prev[1], 1) === cursor) prev[1] = end;
      else plus.push([cursor, end]);
    }
    cursor = addDays(last, 1);
  }
  const parts: RangePart[] = [];
  if (months.length > 0) parts.push({ sign: 1, months });
  for (const [a, b] of plus) parts.push({ sign: 1, from: a, to: b });
  for (const [a, b] of minus) parts.push({ sign: -1, from: a, to: b });
  return parts;
}
