/**
 * Money at the intermediaries' edge. Inside, amounts are integer fen; these helpers are the only
 * place the payment clients turn fen into wire text or wire text into fen. Parsing is decimal (no
 * floating point): `"1.0"`, `"0.01"`, `"12.3"`, `"12.30"` all parse exactly.
 */

/** `1230` → `"12.30"` (Alipay `total_amount`, YeePay `p3_Amt`, always two decimals, `%.2f`). */
export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new TypeError(`not an amount in fen: ${String(fen)}`);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/**
 * `"12.3"` → `1230`; `"-0.01"` → `-1`; `"1"` → `100`. Returns null for anything that is not a plain
 * decimal with at most two fraction digits (no exponent, no thousands separator, no third decimal).
 */
export function yuanToFen(text: string): number | null {
  const m = /^(-?)(\d{1,12})(?:\.(\d{0,2}))?$/.exec(text.trim());
  if (!m) return null;
  const fen = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  if (!Number.isSafeInteger(fen)) return null;
  return m[1] === '-' && fen !== 0 ? -fen : fen;
}

/**
 * Like yuanToFen but accepts up to `maxDecimals` fraction digits (WeChat bill fees carry five,
 * `0.07000`) and rounds half away from zero to the fen, in integers.
 */
export function yuanToFenRounded(text: string, maxDecimals = 5): number | null {
  const m = new RegExp(`^(-?)(\\d{1,12})(?:\\.(\\d{0,${maxDecimals}}))?$`).exec(text.trim());
  if (!m) return null;
  const frac = (m[3] ?? '').padEnd(maxDecimals, '0');
  const cents = Number(frac.slice(0, 2) || '0');
  const rest = frac.slice(2);
  const roundUp = rest.length > 0 && Number(rest[0]) >= 5 ? 1 : 0;
  const fen = Number(m[2]) * 100 + cents + roundUp;
  if (!Number.isSafeInteger(fen)) return null;
  return m[1] === '-' && fen !== 0 ? -fen : fen;
}

/** WeChat's integer fen as text (`total_fee`): `"1230"` → `1230`; anything else → null. */
export function fenText(text: string): number | null {
  if (!/^\d{1,15}$/.test(text.trim())) return null;
  const n = Number(text.trim());
  return Number.isSafeInteger(n) ? n : null;
}

const BEIJING_OFFSET_MS = 8 * 3600_000;

function beijingParts(ms: number): { y: string; mo: string; d: string; h: string; mi: string; s: string } {
  const t = new Date(ms + BEIJING_OFFSET_MS);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return {
    y: p(t.getUTCFullYear(), 4),
    mo: p(t.getUTCMonth() + 1),
    d: p(t.getUTCDate()),
    h: p(t.getUTCHours()),
    mi: p(t.getUTCMinutes()),
    s: p(t.getUTCSeconds()),
  };
}

/** Beijing time `yyyy-MM-dd HH:mm:ss` (Alipay timestamps), whatever the machine's time zone. */
export function beijingDateTime(ms: number): string {
  const p = beijingParts(ms);
  return `${p.y}-${p.mo}-${p.d} ${p.h}:${p.mi}:${p.s}`;
}

/** Beijing time `yyyyMMddHHmmss` (WeChat time_start/time_expire, YeePay rp_PayDate). */
export function beijingCompact(ms: number): string {
  const p = beijingParts(ms);
  return `${p.y}${p.mo}${p.d}${p.h}${p.mi}${p.s}`;
}

/** Beijing calendar day `yyyy-MM-dd` of an instant. */
export function beijingDay(ms: number): string {
  const p = beijingParts(ms);
  return `${p.y}-${p.mo}-${p.d}`;
}

/**
 * Parse Beijing local time given as `yyyy-MM-dd HH:mm:ss`, `yyyy/MM/dd HH:mm:ss` or
 * `yyyyMMddHHmmss` into epoch ms; null when it is not a valid time.
 */
export function parseBeijing(text: string): number | null {
  const m = /^(\d{4})[-/]?(\d{2})[-/]?(\d{2})[ T]?(\d{2}):?(\d{2}):?(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s) - BEIJING_OFFSET_MS;
  const back = new Date(ms + BEIJING_OFFSET_MS);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  if (h > 23 || mi > 59 || s > 59) return null;
  return ms;
}

/** `YYYY-MM-DD` that is a real calendar day. */
export function isDay(day: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return false;
  const t = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return t.getUTCFullYear() === Number(m[1]) && t.getUTCMonth() === Number(m[2]) - 1 && t.getUTCDate() === Number(m[3]);
}
