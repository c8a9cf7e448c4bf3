/**
 * The print queue's crash child (tests/integration/print-queue-crash.test.ts): the core on a data
 * directory, its receipt printer pointed at the parent's fake printer.
 *
 *   node --import tsx tests/support/print-child.ts '<json PrintChildInput>'
 *
 * `sell`: a cash sale, then its receipt printed; with POS_CRASH_POINT (print.job-written or
 * print.job-sending) the core kills this process with SIGKILL there. `restart`: opens the core on
 * the same directory, waits for the queue's start-up (src/main/core/hardware/print-queue.ts) and
 * reports the jobs still owed. One JSON line on stdout.
 */
import { writeSync } from 'node:fs';
import { ManualClock } from '../../src/main/core/clock';
import { createCore } from '../../src/main/core/core';
import { DEFAULT_SETTINGS } from '../../src/main/core/settings';

export interface PrintChildInput {
  mode: 'sell' | 'restart';
  dataDir: string;
  port: number;
}

async function main(): Promise<void> {
  const input = JSON.parse(process.argv[2] ?? '{}') as PrintChildInput;
  const core = await createCore({
    dataDir: input.dataDir,
    mode: 'browser',
    newStoreRequiresDrawer: false, // sells cash without opening a drawer
    clock: new ManualClock('2026-11-26T02:00:00Z'),
    timeZone: 'Asia/Shanghai',
    poll: false,
    tasks: 'inline',
    printerTiming: { connectMs: 1000, answerMs: 1000, jobMs: 3000 },
  });
  try {
    if (input.mode === 'sell') {
      core.settings.set('printer', {
        ...DEFAULT_SETTINGS.printer,
        kind: 'network',
        host: '127.0.0.1',
        port: input.port,
      });
      const cola = core.catalog.findByCode('DRI-001')!;
      core.carts.add(cola.id, 1);
      const paid = core.orders.cashSale(1000);
      const printed = await core.dispatch('orders.print', { orderId: paid.order.id });
      writeSync(1, `${JSON.stringify({ number: paid.order.number, printed })}\n`);
    } else {
      await core.printer.started;
      writeSync(1, `${JSON.stringify({ owed: core.printer.queue.owed() })}\n`);
    }
  } finally {
    core.close();
  }
}

void main();
