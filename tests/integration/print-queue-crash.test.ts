/**
 * The print queue survives a kill -9 (issue 13, item 2). A child process sells for cash and prints
 * the receipt to the fake network printer; POS_CRASH_POINT kills it with SIGKILL
 * (src/main/core/crash-points.ts):
 *   - at `print.job-written` (the job committed, nothing sent): after a restart the receipt prints
 *     once, by itself; a second restart prints nothing more;
 *   - at `print.job-sending` (handed to the printer, never acknowledged: "sent but not
 *     acknowledged"): it may have printed, so a restart sends nothing and offers it to the clerk as
 *     failed, cause `unconfirmed`.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { PrintJobView } from '../../src/shared/types';
import type { PrintChildInput } from '../support/print-child';
import { startFakePrinter, type FakePrinter } from '../support/fake-printer';
import { readEscPos } from '../support/escpos-reader';
import { tempDir } from '../support/temp';

const ROOT = resolve(__dirname, '../..');
let printer: FakePrinter;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await printer?.close();
  while (cleanups.length) cleanups.pop()!();
});

interface Ran {
  signal: NodeJS.Signals | null;
  line: Record<string, unknown> | null;
}

function run(input: PrintChildInput, crashPoint?: string): Promise<Ran> {
  const env = { ...process.env };
  delete env['POS_CRASH_POINT'];
  if (crashPoint) env['POS_CRASH_POINT'] = crashPoint;
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/print-child.ts', JSON.stringify(input)], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), 30_000);
    child.on('error', fail);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0 && signal === null) return fail(new Error(`child exited ${code}: ${err}`));
      const line = out.split('\n').find((l) => l.startsWith('{'));
      done({ signal, line: line ? (JSON.parse(line) as Record<string, unknown>) : null });
    });
  });
}

const receipts = () => printer.jobs.map((j) => readEscPos(j)).filter((r) => r.qr.length > 0);

it('killed between "job written" and "job sent": printed once after the restart, never twice', async () => {
  printer = await startFakePrinter();
  const t = tempDir('pos-print-crash-');
  cleanups.push(t.cleanup);
  const input = { dataDir: t.dir, port: printer.port };
  const sold = await run({ ...input, mode: 'sell' }, 'print.job-written');
  expect(sold.signal).toBe('SIGKILL');
  expect(receipts()).toHaveLength(0);

  const first = await run({ ...input, mode: 'restart' });
  expect(first.line).toEqual({ owed: [] });
  await printer.idle();
  expect(receipts()).toHaveLength(1);
  expect(receipts()[0]?.qr).toEqual(['20261126-0001']);
  expect(receipts()[0]?.text.some((l) => /重印|REPRINT/.test(l))).toBe(false);

  await run({ ...input, mode: 'restart' });
  await printer.idle();
  expect(receipts()).toHaveLength(1);
}, 60_000);

it('killed while the job was being sent (not acknowledged): not sent again by itself, offered as "may have printed"', async () => {
  printer = await startFakePrinter();
  const t = tempDir('pos-print-crash-');
  cleanups.push(t.cleanup);
  const input = { dataDir: t.dir, port: printer.port };
  expect((await run({ ...input, mode: 'sell' }, 'print.job-sending')).signal).toBe('SIGKILL');
  const after = await run({ ...input, mode: 'restart' });
  await printer.idle();
  expect(receipts()).toHaveLength(0);
  expect((after.line as { owed: PrintJobView[] }).owed).toMatchObject([
    { kind: 'receipt', title: '20261126-0001', state: 'failed', cause: 'unconfirmed' },
  ]);
}, 60_000);
