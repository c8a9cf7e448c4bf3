/**
 * A time zone's UTC offsets as a short list of transitions, so SQL can turn an instant into the
 * store's local day and hour without a time-zone database: the offset in force at `t` is the row
 * with the greatest `fromMs <= t`. Asia/Shanghai is one row; a zone with daylight saving time has
 * two rows a year. Computed from the runtime's own Intl data (the same data `businessDay` uses).
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC at `epochMs`, in minutes (Shanghai: 480), from Intl's `GMT+08:00`. */
export function offsetMinutes(epochMs: number, timeZone: string): number {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    formatters.set(timeZone, f);
  }
  const m = /GMT(?:([+-])(\d{1,2}):?(\d{2})?)?$/.exec(f.format(new Date(epochMs)));
  if (!m || !m[1]) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return m[1] === '-' ? -minutes : minutes;
}

export interface OffsetTransition {
  fromMs: number;
  offsetMin: number;
}

/** From 2000-01-01 to 2100-01-01 UTC: no sale happens outside it. */
export const TZ_FROM_MS = Date.UTC(2000, 0, 1);
export const TZ_TO_MS = Date.UTC(2100, 0, 1);

/**
 * The offsets in force between TZ_FROM_MS and TZ_TO_MS: the first row starts at TZ_FROM_MS, each
 * further row at the exact second the offset changed. The zone is sampled every 7 days (no zone has
 * changed its offset twice within 7 days since 2000) and each change is found by bisection to the second.
 */
export function offsetTransitions(timeZone: string): OffsetTransition[] {
  const out: OffsetTransition[] = [{ fromMs: TZ_FROM_MS, offsetMin: offsetMinutes(TZ_FROM_MS, timeZone) }];
  const step = 7 * 86_400_000;
  let prevT = TZ_FROM_MS;
  let prev = out[0]!.offsetMin;
  for (let t = TZ_FROM_MS + step; t <= TZ_TO_MS + step; t += step) {
    const cur = offsetMinutes(t, timeZone);
    if (cur !== prev) {
      // the change lies in (prevT, t]: find the first second with the new offset
      let lo = prevT / 1000;
      let hi = t / 1000;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (offsetMinutes(mid * 1000, timeZone) === prev) lo = mid;
        else hi = mid;
      }
      out.push({ fromMs: hi * 1000, offsetMin: cur });
      prev = cur;
    }
    prevT = t;
  }
  return out;
}

/** A zone name the runtime knows, else null. */
export function validTimeZone(timeZone: string | null | undefined): string | null {
  if (!timeZone) return null;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return timeZone;
  } catch {
    return null;
  }
}

/** The system's time zone (the app's default when the store has none set). */
export function systemZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
