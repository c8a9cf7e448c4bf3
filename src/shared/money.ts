/**
 * Money is integer fen (1/100 CNY) everywhere inside Counter POS. These helpers are the only
 * place that turns fen into text or text into fen.
 */
export type Fen = number;

/** Largest amount the till accepts anywhere: ¥9,999,999.99. Beyond it an input is absurd. */
export const MAX_FEN: Fen = 999_999_999;

export function isFen(value: unknown): value is Fen {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

/** `1230` → `¥12.30`; negative amounts as `-¥1.00`; thousands are not grouped (receipt style). */
export function formatFen(fen: Fen): string {
  if (!isFen(fen)) throw new TypeError(`not an amount in fen: ${String(fen)}`);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100);
  const cents = String(abs % 100).padStart(2, '0');
  return `${sign}¥${yuan}.${cents}`;
}

/** `1230` → `12.30` (no currency sign), the form the intermediaries' wire protocols use. */
export function fenToYuanString(fen: Fen): string {
  return formatFen(fen).replace('¥', '');
}

/**
 * Parse what a clerk typed (`12`, `12.3`, `12.30`, `¥12.30`) into fen. Returns `null` for anything
 * that is not a non-negative amount with at most two decimals.
 */
export function parseYuan(text: string): Fen | null {
  const m = /^\s*¥?\s*(\d{1,9})(?:\.(\d{0,2}))?\s*$/.exec(text);
  if (!m) return null;
  const yuan = Number(m[1]);
  const cents = Number((m[2] ?? '').padEnd(2, '0'));
  const fen = yuan * 100 + cents;
  return fen <= MAX_FEN ? fen : null;
}

/** Round half up of a non-negative rational `num / den`, in integers (no floating point). */
export function roundDiv(num: number, den: number): number {
  if (den <= 0) throw new RangeError('denominator must be positive');
  return Math.floor((2 * num + den) / (2 * den));
}
