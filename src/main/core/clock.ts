/** The one source of time for the core: deadlines, business days, receipts and reports. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  private t: number;
  constructor(start: number | string) {
    this.t = typeof start === 'number' ? start : Date.parse(start);
  }
  now(): number {
    return this.t;
  }
  set(t: number | string): void {
    this.t = typeof t === 'number' ? t : Date.parse(t);
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

const dayFormatters = new Map<string, Intl.DateTimeFormat>();

/** The business day (`YYYY-MM-DD`) an instant falls on in the store's time zone. */
export function businessDay(epochMs: number, timeZone: string): string {
  let f = dayFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormatters.set(timeZone, f);
  }
  return f.format(new Date(epochMs));
}

let systemZone: { tz: string | undefined; zone: string } | null = null;

/**
 * The system's time zone. Asked on every call that needs the store's day (a sale, a list), so it
 * is kept: building a DateTimeFormat to read it costs ~0.1 ms. V8 fixes the default zone at start
 * and changes it only when TZ is set, so the kept value is read again only then.
 */
export function systemTimeZone(): string {
  const tz = process.env.TZ;
  if (systemZone === null || systemZone.tz !== tz)
    systemZone = { tz, zone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC' };
  return systemZone.zone;
}
