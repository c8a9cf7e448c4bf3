/**
 * The daily run: at `recon.dailyAt` (store time, default 10:00) yesterday is run for every enabled
 * provider that has no statement for it yet; a download that failed is tried again hourly, at most
 * four times. What ran is persisted in `recon_runs`, so a day is never imported twice, across
 * restarts too.
 */
import type { ProviderId } from '../../../shared/types';
import { businessDay } from '../clock';
import { localTime, shiftDay } from './days';
import { CURRENT, type ReconciliationOptions } from './types';

/** a download that failed is tried again by the scheduler after this long… */
export const RETRY_UNAVAILABLE_MS = 60 * 60_000;
/** …at most this many tries for a day in all */
export const MAX_SCHEDULED_TRIES = 4;

export class DailyRun {
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<ProviderId[]> | null = null;

  constructor(
    private readonly o: Pick<ReconciliationOptions, 'store' | 'clock' | 'settings' | 'timeZone'>,
    /** the enabled providers that download statements */
    private readonly providers: () => ProviderId[],
    /** runs `day` for `providers`, as the system */
    private readonly runDay: (day: string, providers: ProviderId[]) => Promise<unknown>,
    private readonly log: (line: string) => void,
  ) {}

  /** Checks the clock every `intervalMs` (and once soon after start). */
  start(intervalMs = 60_000): void {
    if (this.timer) return;
    const tick = () => {
      this.tick().catch((err: unknown) => this.log(`daily run failed: ${(err as Error).stack ?? String(err)}`));
    };
    this.timer = setInterval(tick, intervalMs);
    this.timer.unref?.();
    setTimeout(tick, 5_000).unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * Once the store's clock passes the daily time, runs yesterday for every enabled provider that has
   * no statement for it yet (a failed download: again after an hour, at most four tries). Returns the
   * providers it ran. Tests call this with a ManualClock.
   */
  tick(): Promise<ProviderId[]> {
    if (this.ticking) return this.ticking;
    this.ticking = this.tickOnce().finally(() => {
      this.ticking = null;
    });
    return this.ticking;
  }

  private async tickOnce(): Promise<ProviderId[]> {
    const now = this.o.clock.now();
    const tz = this.o.timeZone();
    if (localTime(now, tz) < this.o.settings.values.reconDailyAt) return [];
    const day = shiftDay(businessDay(now, tz), -1);
    const due = this.due(day, now);
    if (due.length === 0) return [];
    await this.runDay(day, due);
    return due;
  }

  /** Enabled statement providers that the daily run still owes `day`. */
  due(day: string, now: number): ProviderId[] {
    const runs = this.o.store.all(
      this.o.store.kysely
        .selectFrom('recon_runs')
        .select(['provider', 'status', 'started_at'])
        .where('day', '=', day)
        .orderBy('id'),
    );
    return this.providers().filter((p) => {
      const mine = runs.filter((r) => r.provider === p);
      if (mine.length === 0) return true;
      if (mine.some((r) => CURRENT.includes(r.status) || r.status === 'superseded' || r.status === 'refused'))
        return false;
      // every try failed to download: again after an hour, at most MAX_SCHEDULED_TRIES in all
      const last = mine.at(-1)!;
      return mine.length < MAX_SCHEDULED_TRIES && now - last.started_at >= RETRY_UNAVAILABLE_MS;
    });
  }
}
