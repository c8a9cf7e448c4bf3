/**
 * The one background poller, for payment attempts and refunds alike. It knows nothing of either:
 * what is due, how one item is stepped and when the next one is due are passed in (`due`, `step`,
 * `nextAt`), and it runs no SQL of its own. Its schedule is the items' own (`next_poll_at`,
 * persisted), so a restart resumes every unfinished one. What it keeps:
 *
 * - **A bounded pool**: up to `maxConcurrent` steps run at once, and as each ends the next due items
 *   start, most overdue first (the order `due` gives) — a slow or hanging answer holds one slot, not
 *   the whole round. One item never has more than one call in flight (`claim`/`release`, which the
 *   owner's own calls — a clerk's "check now", a create — use too).
 * - **A wake timer** for the earliest future poll (`nextAt`), so a poll starts on time rather than
 *   on the next tick; the tick (`intervalMs` of `start`) is the backstop that notices items
 *   scheduled by other code paths.
 * - **Quiet while nothing is open**: when nothing is due, scheduled or in flight, the tick skips its
 *   queries (they were an idle till's main wake-up: the attempts' two queries four times a second,
 *   ~0.4 % of a core) until the owner says something was written (`wake`) or `kick`s it.
 * - **justEnded**: an item whose step just ended is not started again before the next tick, even
 *   if it asked to be polled again at once.
 *
 * What a step asks and how far its next poll is (the attempts' adaptive intervals, the published
 * cap, the per-attempt backoff, the deadline close) is the owner's: core/payments/attempt-*.ts, core/refunds/refunds.ts.
 */

export interface PollerJobs {
  /** The items due at `now`, most overdue first; at most `limit` of them, or all when `limit` is null. */
  due(now: number, limit: number | null): readonly number[];
  /** One step for one item: ask, store the answer, set its next poll. */
  step(id: number): Promise<void>;
  /** The earliest poll after `now`, or null when none is scheduled. */
  nextAt(now: number): number | null;
}

export interface PollerOptions {
  now: () => number;
  /** calls in flight at most */
  maxConcurrent: number;
  log: (line: string) => void;
  /** log lines: `${name}: ${item} ${id}: …` */
  name: string;
  item: string;
}

export class Poller {
  private timer: NodeJS.Timeout | null = null;
  private wakeTimer: NodeJS.Timeout | null = null;
  private wakeAt = Number.POSITIVE_INFINITY;
  /** items with a call in flight, from the pool or from the owner's own calls */
  private readonly inFlight = new Set<number>();
  /** items the pool is stepping */
  private readonly active = new Set<number>();
  private pumpQueued = false;
  /** items whose step ended since the last tick */
  private readonly justEnded = new Set<number>();
  /**
   * Nothing is open: nothing due, scheduled or in flight. The tick then skips its queries until
   * `wake` or `kick`: the owner wakes it on every write that may schedule an item.
   */
  private quiet = false;

  constructor(
    private readonly jobs: PollerJobs,
    private readonly options: PollerOptions,
  ) {}

  private get maxConcurrent(): number {
    return Math.max(1, this.options.maxConcurrent);
  }

  /** Whether the background poller runs. */
  get running(): boolean {
    return this.timer !== null;
  }

  /** Marks an item as having a call in flight; false when it already has one. */
  claim(id: number): boolean {
    if (this.inFlight.has(id)) return false;
    this.inFlight.add(id);
    return true;
  }

  release(id: number): void {
    this.inFlight.delete(id);
  }

  /** Something was written that may schedule an item: the next tick looks again. */
  wake(): void {
    this.quiet = false;
  }

  /** Starts the background poller (also resumes every unfinished item after a restart). */
  start(intervalMs: number): void {
    if (this.timer) return;
    this.quiet = false;
    this.timer = setInterval(() => {
      // an item that asked to be polled again at once waits at least until the next tick
      this.justEnded.clear();
      if (!this.quiet) this.kick();
    }, intervalMs);
    this.timer.unref?.();
    this.kick();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = null;
  }

  /** Starts due items in the free slots of the pool (only while the poller runs). */
  kick(): void {
    if (!this.timer) return;
    this.quiet = false;
    try {
      this.pump();
    } catch (err) {
      this.options.log(`${this.options.name}: ${(err as Error).stack ?? String(err)}`);
    }
  }

  /** Items due at `now`, most overdue first (at most `limit`, or all), skipping those with a call in flight. */
  private dueAt(now: number, limit: number | null, skip: ReadonlySet<number> = new Set()): number[] {
    if (limit !== null && limit <= 0) return [];
    // enough rows to fill `limit` past the busy ones (the pool's own steps are in flight too, as the owner claims them)
    let busy = this.inFlight.size;
    for (const id of this.active) if (!this.inFlight.has(id)) busy++;
    const ids = this.jobs.due(now, limit === null ? null : limit + busy + skip.size);
    const out: number[] = [];
    for (const id of ids) {
      if (this.inFlight.has(id) || this.active.has(id) || skip.has(id)) continue;
      out.push(id);
      if (out.length === limit) break;
    }
    return out;
  }

  private pump(): void {
    if (!this.timer) return;
    const now = this.options.now();
    for (const id of this.dueAt(now, this.maxConcurrent - this.active.size, this.justEnded)) this.launch(id);
    if (this.active.size < this.maxConcurrent) this.schedule(now);
  }

  private launch(id: number): void {
    this.active.add(id);
    this.jobs
      .step(id)
      .catch((err: unknown) =>
        this.options.log(`${this.options.name}: ${this.options.item} ${id}: ${(err as Error).stack ?? String(err)}`),
      )
      .finally(() => {
        this.active.delete(id);
        this.justEnded.add(id);
        // one refill for every step that ended in this turn of the event loop
        if (this.pumpQueued || !this.timer) return;
        this.pumpQueued = true;
        setImmediate(() => {
          this.pumpQueued = false;
          this.kick();
        });
      });
  }

  /**
   * Sets the one-shot timer for the earliest future poll (what is due now was just taken or waits
   * for a slot), while the poller runs; goes quiet when nothing is open.
   */
  schedule(now = this.options.now()): void {
    if (!this.timer) return;
    const at = this.jobs.nextAt(now);
    if (at === null) {
      // nothing later; with nothing due or in flight either (skipped ones included), nothing is open
      if (this.active.size === 0 && this.inFlight.size === 0 && this.jobs.due(now, 1).length === 0) this.quiet = true;
      return;
    }
    if (this.wakeTimer && this.wakeAt <= at) return;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeAt = at;
    this.wakeTimer = setTimeout(
      () => {
        this.wakeTimer = null;
        this.wakeAt = Number.POSITIVE_INFINITY;
        this.kick();
      },
      Math.min(at - now, 60_000),
    );
    this.wakeTimer.unref?.();
  }

  /**
   * Every item whose time has come, each with at most one call in flight, at most `maxConcurrent`
   * at a time; resolves when all of them are done. Tests (and anything driving a manual clock) call
   * this directly; the background poller uses the pool above.
   */
  async runDue(): Promise<number> {
    const due = this.dueAt(this.options.now(), null);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < due.length) await this.jobs.step(due[next++] as number);
    };
    await Promise.all(Array.from({ length: Math.min(this.maxConcurrent, due.length) }, worker));
    return due.length;
  }
}
