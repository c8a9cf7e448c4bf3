/** Reading a day the clerk typed in a day box (the renderer's screens/reports/day-input.tsx): the forms date-format.ts writes, and a few more. Pure. */
import type { Locale } from './types';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * A typed day as `YYYY-MM-DD`, or null: `2026-12-02`, `2026/12/2`, `2026年12月2日` (full-width
 * digits too, as a Chinese input method types them) in either language, and `2 Dec 2026` / `2 December
 * 2026` in English. Only days that exist.
 */
export function parseDay(text: string, locale: Locale): string | null {
  const s = text.normalize('NFKC').trim().toLowerCase();
  let y: number;
  let m: number;
  let d: number;
  const ymd = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(s);
  const dmy = locale === 'en' ? /^(\d{1,2})\s+([a-z]{3})[a-z]*\.?,?\s+(\d{4})$/.exec(s) : null;
  if (ymd) [y, m, d] = [Number(ymd[1]), Number(ymd[2]), Number(ymd[3])];
  else if (dmy) [y, m, d] = [Number(dmy[3]), MONTHS.indexOf(dmy[2]!) + 1, Number(dmy[1])];
  else return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (m < 1 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
