/**
 * The cash drawer's reports: the X report (read at any time) and closing with the Z (count, variance,
 * numbered immutable report), on sessions holding a busy day's sales — cash, a few refunds — made
 * through the core on a fresh data directory with a manual clock.
 */
import { performance } from 'node:perf_hooks';
import { ManualClock } from '../src/main/core/clock';
import { createCore } from '../src/main/core/core';
import { SYSTEM_ACTOR } from '../src/main/core/people/auth';
import { fmt, progress, rng, row, tempDir, type Row } from './stats';

export async function benchCash(opts: { sessions: number; salesPerSession: number; xRuns: number }): Promise<Row[]> {
  const tmp = tempDir('cash');
  const clock = new ManualClock('2026-11-26T01:00:00Z');
  const core = await createCore({
    dataDir: tmp.dir,
    mode: 'browser',
    clock,
    timeZone: 'Asia/Shanghai',
    poll: false,
    newStoreRequiresDrawer: false, // its sales are timed, not its drawer
  });
  try {
    const owner = core.auth.users().find((u) => u.role === 'owner');
    const actor = { ...SYSTEM_ACTOR, userId: owner?.id ?? null, name: owner?.name ?? 'owner', role: 'owner' as const };
    const products = core.catalog.products(null);
    const random = rng(7);
    const xMs: number[] = [];
    const zMs: number[] = [];
    let sales = 0;
    for (let s = 0; s < opts.sessions; s++) {
      core.cashSessions.open({ floatFen: 50_000 }, actor);
      for (let i = 0; i < opts.salesPerSession; i++) {
        clock.advance(20_000);
        for (let k = 0; k < 3; k++) core.carts.add(products[Math.floor(random() * products.length)]!.id);
        const order = core.orders.confirm();
        core.orders.payCash(order.id, Math.ceil(order.totalFen / 10_000) * 10_000);
        sales++;
        if (i % 100 === 99) {
          await core.dispatch('refunds.create', {
            orderId: order.id,
            kind: 'full',
            restock: true,
            reason: 'bench refund',
            requestKey: `bench-${s}-${i}-refund`,
            approvalPin: '8888',
          });
        }
      }
      for (let r = 0; r < opts.xRuns; r++) {
        const t = performance.now();
        core.cashSessions.x();
        xMs.push(performance.now() - t);
      }
      const expected = core.cashSessions.x().drawer.expectedFen;
      const t = performance.now();
      core.cashSessions.close(
        { denominations: { '10000': Math.floor(expected / 10_000), '1': expected % 10_000 }, varianceReason: 'bench' },
        actor,
      );
      zMs.push(performance.now() - t);
      progress(
        `cash: session ${s + 1}/${opts.sessions} closed (${opts.salesPerSession} sales), Z in ${fmt(zMs.at(-1) ?? 0)} ms`,
      );
      clock.advance(3_600_000);
    }
    const note = `${opts.sessions} sessions × ${opts.salesPerSession} cash sales (3 items each, 1 % refunded) through the core; synchronous=FULL`;
    return [
      row('cash drawer: X report on a session', 'ms', xMs, '—', `${note}; ${xMs.length} reads`),
      row('cash drawer: close and write the Z', 'ms', zMs, '—', `${note}; ${sales} sales in all`),
    ];
  } finally {
    core.close();
    tmp.cleanup();
  }
}
