/**
 * For log lines anyone can provoke at will (a refused notification, a request over the rate limit):
 * the first line of a kind in an interval is written as is, the rest are only counted and written
 * as one summary line when the interval ends. A flood costs a counter, not a line per request.
 */
export class SummaryLog {
  private readonly kinds = new Map<string, { since: number; more: number; label: string }>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly write: (line: string) => void,
    private readonly intervalMs = 60_000,
    private readonly now: () => number = Date.now,
    /** kinds remembered at once; beyond it they share one (the keys may come from the network) */
    private readonly maxKinds = 64,
  ) {}

  /** Logs `text` unless a line of this `kind` was logged in the current interval; then counts it. */
  line(kind: string, text: string): void {
    const now = this.now();
    const key = this.kinds.has(kind) || this.kinds.size < this.maxKinds ? kind : '(other)';
    const k = this.kinds.get(key);
    if (k && now - k.since < this.intervalMs) {
      k.more++;
      this.arm();
      return;
    }
    if (k) this.summarise(key, k);
    this.kinds.set(key, { since: now, more: 0, label: key === kind ? text : 'other refused requests' });
    this.write(text);
  }

  /** Writes the pending summaries now (also on a timer at the end of each interval). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const [key, k] of this.kinds) this.summarise(key, k);
    this.kinds.clear();
  }

  private summarise(key: string, k: { since: number; more: number; label: string }): void {
    if (k.more > 0)
      this.write(
        `${k.more} more like "${k.label}" in ${Math.round(this.intervalMs / 1000)} s (counted, not logged one by one)`,
      );
    k.more = 0;
    this.kinds.delete(key);
  }

  private arm(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, this.intervalMs);
    this.timer.unref?.();
  }
}
