/** The intermediaries' days (Beijing time, UTC+8: a statement covers midnight to midnight there) and store-time clock reading. */
import { shiftDay } from '../../../shared/calendar';

export { shiftDay };
const DAY_MS = 86_400_000;
const BEIJING_OFFSET_MS = 8 * 3600_000;

/** The statement day's window, epoch ms: Beijing midnight to midnight. */
export function dayWindow(day: string): { from: number; to: number } {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const from = Date.UTC(y, m - 1, d) - BEIJING_OFFSET_MS;
  return { from, to: from + DAY_MS };
}

const timeFormatters = new Map<string, Intl.DateTimeFormat>();
/** `HH:MM` of an instant in a time zone. */
export function localTime(ms: number, timeZone: string): string {
  let f = timeFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    timeFormatters.set(timeZone, f);
  }
  return f.format(new Date(ms));
}
