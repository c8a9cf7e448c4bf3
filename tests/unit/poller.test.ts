/**
 * The one poller (src/main/core/payments/poller.ts) on its own, with jobs in memory: the bounded
 * pool, most overdue first, one call in flight per item, the wake timer, quiet while nothing is open.
 * The attempts' and refunds' pollers are tested through the core in tests/integration/payments-clock.test.ts
 * and tests/integration/order-refunds.test.ts.
 */
import { describe, expect, it, vi } from 'vitest';
import { Poller } from '../../src/main/core/payments/poller';

/** Items with their next poll; a step asks, then schedules the item `again` ms later (or ends it). */
function jobs(items: Map<number, number | null>, now: () => number, again: number | null = null) {
  let inFlight = 0;
  const calls = { due: 0, nextAt: 0, steps: [] as number[], maxInFlight: 0 };
  const release: (() => void)[] = [];
  let hold = false;
  return {
    calls,
    release,
    holdSteps: (on: boolean) => (hold = on),
    jobs: {
      due: (at: number, limit: number | null) => {
        calls.due++;
        const due = [...items].filter(([, n]) => n !== null && n <= at).sort((a, b) => a[1]! - b[1]!);
        return due.slice(0, limit ?? due.length).map(([id]) => id);
      },
      nextAt: (at: number) => {
        calls.nextAt++;
        const later = [...items.values()].filter((n): n is number => n !== null && n > at);
        return later.length ? Math.min(...later) : null;
      },
      step: async (id: number) => {
        calls.steps.push(id);
        calls.maxInFlight = Math.max(calls.maxInFlight, ++inFlight);
        if (hold) await new Promise<void>((r) => release.push(r));
        else await new Promise((r) => setTimeout(r, 1));
        items.set(id, again === null ? null : now() + again);
        inFlight--;
      },
    },
  };
}

describe('the poller', () => {
  it('runs every due item, most overdue first, at most maxConcurrent at a time, one call per item', async () => {
    const now = 1_000;
    const items = new Map<number, number | null>([
      [1, 900],
      [2, 100],
      [3, 500],
      [4, 2_000],
      [5, null],
    ]);
    const j = jobs(items, () => now);
    const p = new Poller(j.jobs, { now: () => now, maxConcurrent: 2, log: () => undefined, name: 't', item: 'i' });
    expect(p.claim(3)).toBe(true); // a call of the owner's own is in flight for 3
    expect(p.claim(3)).toBe(false);
    expect(await p.runDue()).toBe(2);
    expect(j.calls.steps).toEqual([2, 1]);
    p.release(3);
    expect(await p.runDue()).toBe(1);
    expect(j.calls.steps).toEqual([2, 1, 3]);
    expect(j.calls.maxInFlight).toBeLessThanOrEqual(2);
  });

  it('in the background: a hanging step holds one slot; it goes quiet when nothing is open, and wakes when told', async () => {
    let now = 1_000;
    const items = new Map<number, number | null>([
      [1, 1_000],
      [2, 1_000],
      [3, 1_000],
    ]);
    const j = jobs(items, () => now);
    const log = vi.fn();
    const p = new Poller(j.jobs, { now: () => now, maxConcurrent: 2, log, name: 't', item: 'i' });
    j.holdSteps(true);
    p.start(5);
    try {
      await vi.waitFor(() => expect(j.calls.steps).toEqual([1, 2]));
      j.release.shift()!(); // 1 answers: its slot goes to 3, while 2 still hangs
      await vi.waitFor(() => expect(j.calls.steps).toEqual([1, 2, 3]));
      j.holdSteps(false);
      for (const r of j.release.splice(0)) r();
      // nothing open: a few more ticks, then no reads at all
      await new Promise((r) => setTimeout(r, 40));
      const reads = j.calls.due + j.calls.nextAt;
      await new Promise((r) => setTimeout(r, 60));
      expect(j.calls.due + j.calls.nextAt).toBe(reads);
      // something was written: the next tick looks, and the wake timer starts it on time
      now = 2_000;
      items.set(4, 2_020);
      p.wake();
      await new Promise((r) => setTimeout(r, 10));
      expect(j.calls.steps).toEqual([1, 2, 3]);
      now = 2_020;
      await vi.waitFor(() => expect(j.calls.steps).toEqual([1, 2, 3, 4]));
    } finally {
      p.stop();
    }
    expect(log).not.toHaveBeenCalled();
  });
});
