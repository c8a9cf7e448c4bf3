/**
 * Time in the sandbox: one clock (an injectable base plus a durable offset that the control API
 * can advance), and the gateways' formats, all in Beijing time (UTC+8).
 */
const BEIJING_MS = 8 * 3600_000;

function parts(ms: number): { y: string; mo: string; d: string; h: string; mi: string; s: string } {
  const t = new Date(ms + BEIJING_MS);
  const p2 = (n: number) => String(n).padStart(2, '0');
  return {
    y: String(t.getUTCFullYear()),
    mo: p2(t.getUTCMonth() + 1),
    d: p2(t.getUTCDate()),
    h: p2(t.getUTCHours()),
    mi: p2(t.getUTCMinutes()),
    s: p2(t.getUTCSeconds()),
  };
}

/** `yyyy-MM-dd HH:mm:ss` (Alipay, bills). */
export function fmtDateTime(ms: number): string {
  const p = parts(ms);
  return `${p.y}-${p.mo}-${p.d} ${p.h}:${p.mi}:${p.s}`;
}

/** `yyyyMMddHHmmss` (WeChat, YeePay). */
export function fmtCompact(ms: number): string {
  const p = parts(ms);
  return `${p.y}${p.mo}${p.d}${p.h}${p.mi}${p.s}`;
}

/** `yyyy-MM-dd`, the Beijing calendar day of an instant. */
export function beijingDay(ms: number): string {
  const p = parts(ms);
  return `${p.y}-${p.mo}-${p.d}`;
}

/** `yyyy年MM月dd日 HH:mm:ss` (Alipay bill preamble). */
export function fmtChinese(ms: number): string {
  const p = parts(ms);
  return `${p.y}年${p.mo}月${p.d}日 ${p.h}:${p.mi}:${p.s}`;
}

/** Start of a Beijing day `yyyy-MM-dd` as epoch ms, or null if not a real date. */
export function beijingDayStart(day: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - BEIJING_MS;
  return beijingDay(ms) === day ? ms : null;
}

/** Parse `yyyyMMddHHmmss` (Beijing) to epoch ms, or null. */
export function parseCompact(text: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (!m) return null;
  const ms =
    Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) - BEIJING_MS;
  return fmtCompact(ms) === text ? ms : null;
}

/** Parse `yyyy-MM-dd HH:mm:ss` (Beijing) to epoch ms, or null. */
export function parseDateTime(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  return m ? parseCompact(`${m[1]}${m[2]}${m[3]}${m[4]}${m[5]}${m[6]}`) : null;
}

/**
 * Alipay's relative timeouts: `Nm`, `Nh`, `Nd` (1m–15d) or `1c` (until the end of the current day).
 * Returns milliseconds, or null when the text is not one of them.
 */
export function parseTimeoutExpress(text: string, now: number): number | null {
  const m = /^(\d{1,5})([mhdc])$/.exec(text);
  if (!m) return null;
  const n = Number(m[1]);
  const unit = m[2];
  if (unit === 'c') {
    if (n !== 1) return null;
    const start = beijingDayStart(beijingDay(now)) ?? now;
    return start + 86_400_000 - now;
  }
  const ms = n * (unit === 'm' ? 60_000 : unit === 'h' ? 3600_000 : 86_400_000);
  return ms >= 60_000 && ms <= 15 * 86_400_000 ? ms : null;
}
