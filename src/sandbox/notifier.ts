/**
 * Delivers queued notifications with each provider's retry habit (schedules in trades.ts, scaled
 * by notifyTimeScale), and runs the trade timers. One beat every `beatMs`; at most one delivery in
 * flight per notification; every attempt is recorded on the row.
 */
import type { Ctx } from './context';
import { acknowledged } from './notify';
import type { NotificationRow } from './store';
import { tick } from './trades';

export const NOTIFY_TIMEOUT_MS = 5000;

export class Notifier {
  private timer: NodeJS.Timeout | null = null;
  private readonly inFlight = new Set<number>();
  private readonly aborts = new Set<AbortController>();
  private stopped = false;

  constructor(
    private readonly ctx: Ctx,
    private readonly beatMs = 50,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.beat(), this.beatMs);
    this.timer.unref();
  }

  /** Run a beat now (a notification was just queued). */
  kick(): void {
    if (!this.stopped) setImmediate(() => this.beat());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    for (const a of this.aborts) a.abort();
    const deadline = Date.now() + 2000;
    while (this.inFlight.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  }

  private beat(): void {
    if (this.stopped) return;
    try {
      tick(this.ctx);
      for (const n of this.ctx.store.dueNotifications(this.ctx.now(), [...this.inFlight])) void this.deliver(n);
    } catch (err) {
      // never let a timer crash the server; the next beat retries
      process.stderr.write(`sandbox notifier: ${(err as Error).message}\n`);
    }
  }

  private async send(n: NotificationRow): Promise<{ ok: boolean; result: string }> {
    const ac = new AbortController();
    this.aborts.add(ac);
    const timer = setTimeout(() => ac.abort(), NOTIFY_TIMEOUT_MS);
    try {
      const res = await fetch(n.url, {
        method: n.method,
        headers:
          n.method === 'POST'
            ? { 'content-type': n.content_type, 'user-agent': 'Counter POS sandbox notifier' }
            : { 'user-agent': 'Counter POS sandbox notifier' },
        body: n.method === 'POST' ? n.body : undefined,
        redirect: 'manual',
        signal: ac.signal,
      });
      const text = (await res.text()).slice(0, 2000);
      const ok = res.status === 200 && acknowledged(n.expect, text);
      return { ok, result: `HTTP ${res.status}: ${text.slice(0, 200)}` };
    } catch (err) {
      return { ok: false, result: `error: ${(err as Error).message}` };
    } finally {
      clearTimeout(timer);
      this.aborts.delete(ac);
    }
  }

  private async deliver(n: NotificationRow): Promise<void> {
    this.inFlight.add(n.id);
    try {
      let outcome = await this.send(n);
      // duplicate_notification: the same notification again, moments later (several servers)
      for (let i = 1; i < n.duplicate && !this.stopped; i++) {
        const again = await this.send(n);
        outcome = { ok: outcome.ok || again.ok, result: again.result };
      }
      if (this.stopped || !this.ctx.store.db.open) return;
      const attempts = n.attempts + 1;
      const schedule = JSON.parse(n.schedule) as number[];
      const now = this.ctx.now();
      if (outcome.ok) {
        this.ctx.store.updateNotification(n.id, {
          attempts,
          status: 'delivered',
          delivered_at: now,
          last_result: outcome.result,
        });
      } else if (attempts - 1 < schedule.length) {
        this.ctx.store.updateNotification(n.id, {
          attempts,
          next_at: now + (schedule[attempts - 1] ?? 0),
          last_result: outcome.result,
        });
      } else {
        this.ctx.store.updateNotification(n.id, { attempts, status: 'gave_up', last_result: outcome.result });
      }
    } finally {
      this.inFlight.delete(n.id);
    }
  }
}
