/**
 * A fake network receipt printer for trying the ESC/POS path by hand (README, "Receipt printers"):
 * listens on 127.0.0.1 (port 9100, or --port N; 0 picks a free one), prints where to point the
 * till, and shows each job it gets as text, with its QR, cut and drawer pulse.
 *
 *   npm run fake-printer -- --port 9100 [--mode paper-out|cover-open|silent|close-mid-job|refuse]
 */
import { readEscPos } from '../tests/support/escpos-reader';
import { startFakePrinter, type FakeMode } from '../tests/support/fake-printer';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const printer = await startFakePrinter(Number(arg('port') ?? 9100));
  const mode = arg('mode') as FakeMode | undefined;
  if (mode) printer.mode = mode;
  console.log(`Fake receipt printer listening on 127.0.0.1:${printer.port}${mode ? ` (${mode})` : ''}.`);
  console.log(
    `In Counter POS: Settings → Receipt printer → Network receipt printer, address 127.0.0.1, port ${printer.port}, Save (owner PIN), Print a test page.`,
  );
  const stop = () => void printer.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  for (let n = 1; ; n++) {
    const jobs = await printer.waitForJobs(n, 2_147_483_647);
    const read = readEscPos(jobs[n - 1] ?? Buffer.alloc(0));
    console.log(`\n── job ${n} (${jobs[n - 1]?.length ?? 0} bytes) ──`);
    for (const l of read.lines) console.log(`│${l.text}${l.bold ? '  [bold]' : ''}`);
    if (read.qr.length) console.log(`QR: ${read.qr.join(', ')}`);
    if (read.barcodes.length) console.log(`barcode: ${read.barcodes.join(', ')}`);
    for (const p of read.pulses) console.log(`drawer pulse: pin ${p.pin}, ${p.onMs} ms`);
    if (read.cuts) console.log('✂ cut');
  }
}

void main();
