/**
 * The one date and time form of each language, for every screen (through the renderer's
 * `lib/format.ts`): zh-CN `2026-12-02 14:05` (as a business day is written), English
 * `2 Dec 2026 14:05`; times on a 24-hour clock; in the store's time zone.
 */
import type { Locale } from './types';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(
  locale: Locale,
  timeZone: string | undefined,
  withDate: boolean,
  withSeconds: boolean,
): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone ?? ''}|${withDate}|${withSeconds}`;
  let f = formatters.get(key);
  if (!f) {
    const options: Intl.DateTimeFormatOptions = {
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      ...(withSeconds ? { second: '2-digit' } : {}),
      ...(withDate ? { year: 'numeric', month: '2-digit', day: '2-digit' } : {}),
    };
    const tag = locale === 'zh-CN' ? 'zh-CN' : 'en-GB';
    try {
      f = new Intl.DateTimeFormat(tag, { ...options, ...(timeZone ? { timeZone } : {}) });
    } catch {
      f = new Intl.DateTimeFormat(tag, options); // an unknown time zone: fall back to the machine's
    }
    formatters.set(key, f);
  }
  return f;
}

export function formatTime(ms: number, locale: Locale, timeZone?: string, withSeconds = false): string {
  return formatter(locale, timeZone, false, withSeconds).format(ms);
}

/** A moment as `2026-12-02 14:05` (zh-CN) or `2 Dec 2026 14:05` (English). */
export function formatDateTime(ms: number, locale: Locale, timeZone?: string): string {
  return `${dateOf(formatter(locale, timeZone, true, false).formatToParts(ms), locale)} ${formatTime(ms, locale, timeZone)}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function dateOf(parts: Intl.DateTimeFormatPart[], locale: Locale): string {
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? NaN);
  return formatDayParts(part('year'), part('month'), part('day'), locale);
}

function formatDayParts(year: number, month: number, day: number, locale: Locale): string {
  if (locale === 'zh-CN') return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return `${day} ${MONTHS[month - 1] ?? '?'} ${year}`;
}

/** A business day (`YYYY-MM-DD`) in the same form as `formatDateTime`'s date; anything else as it is. */
export function formatDay(day: string, locale: Locale): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  return m ? formatDayParts(Number(m[1]), Number(m[2]), Number(m[3]), locale) : day;
}
