/**
 * Cash in the drawer: the CNY denominations a till counts, keyed by their value in fen (as strings,
 * because they travel as JSON object keys), largest first. ¥1 exists as a note and as a coin; both
 * are counted on the one ¥1 row. The fen coins (5, 2, 1 fen) are still legal tender, rarely seen.
 */
import { formatFen, type Fen } from './money';

export const DENOMINATION_KEYS = ['10000', '5000', '2000', '1000', '500', '100', '50', '10', '5', '2', '1'] as const;
export type DenominationKey = (typeof DENOMINATION_KEYS)[number];

/** How many of each denomination; a missing key counts as none. */
export type DenominationCounts = Partial<Record<DenominationKey, number>>;

/** More of one denomination than any drawer holds: a typing mistake. */
export const MAX_DENOMINATION_COUNT = 99_999;

/** The amount the counts make, in fen. */
export function denominationTotal(counts: DenominationCounts): Fen {
  let fen = 0;
  for (const key of DENOMINATION_KEYS) fen += Number(key) * (counts[key] ?? 0);
  return fen;
}

/** Only the denominations with a count above zero, in the standard order (what is stored and printed). */
export function compactCounts(counts: DenominationCounts): DenominationCounts {
  const out: DenominationCounts = {};
  for (const key of DENOMINATION_KEYS) {
    const n = counts[key] ?? 0;
    if (n > 0) out[key] = n;
  }
  return out;
}

/** Notes (¥1 and up) or coins (jiao and fen), for grouping the count. */
export function isNote(key: DenominationKey): boolean {
  return Number(key) >= 100;
}

/** `¥100`, `¥1`, then the coins: `5角` / `5分` in Chinese, `¥0.50` / `¥0.05` in English. */
export function denominationLabel(key: DenominationKey, locale: 'zh-CN' | 'en'): string {
  const fen = Number(key);
  if (fen >= 100) return `¥${fen / 100}`;
  if (locale === 'zh-CN') return fen >= 10 ? `${fen / 10}角` : `${fen}分`;
  return formatFen(fen);
}

/** Z report numbers: `Z-T01-0001`, counted per terminal from 1 without gaps. */
export function zNumber(terminal: string, seq: number): string {
  return `Z-${terminal}-${String(seq).padStart(4, '0')}`;
}

export const Z_NUMBER_PATTERN = /^Z-[A-Za-z0-9_.-]{1,40}-\d{4,}$/;
