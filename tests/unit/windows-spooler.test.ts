/**
 * The Windows spooler transport (src/main/core/hardware/windows-spooler.ts), by the command it would
 * run: PowerShell with an encoded script that opens the named queue and writes one RAW job, the
 * job's bytes on stdin as base64 (never on the command line), and each failure named.
 */
import { describe, expect, it } from 'vitest';
import {
  EXIT_NO_QUEUE,
  EXIT_WRITE_FAILED,
  spoolerCommand,
  windowsSpoolerJob,
  type RunCommand,
} from '../../src/main/core/hardware/windows-spooler';

const job = Uint8Array.from([0x1b, 0x40, 0xd6, 0xd0, 0x0a, 0x1d, 0x56, 0x42, 0x00]);

function recorder(answer: Awaited<ReturnType<RunCommand>> | Error) {
  const calls: { file: string; args: string[]; input: Buffer; timeoutMs: number }[] = [];
  const run: RunCommand = async (file, args, input, timeoutMs) => {
    calls.push({ file, args, input, timeoutMs });
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { calls, run };
}

const script = (args: string[]) =>
  Buffer.from(args[args.indexOf('-EncodedCommand') + 1]!, 'base64').toString('utf16le');

describe('the Windows spooler in raw mode', () => {
  it('runs PowerShell with a script that writes one RAW job to the named queue; the bytes go on stdin', async () => {
    const { calls, run } = recorder({ code: 0, stdout: '', stderr: '' });
    expect(await windowsSpoolerJob('XP-58', job, 15_000, run)).toBeNull();
    expect(calls).toHaveLength(1);
    const c = calls[0]!;
    expect(c.file).toBe('powershell.exe');
    expect(c.args.slice(0, 5)).toEqual([
      '-NoProfile',
      '-NonInteractive',
      '-ExecutionPolicy',
      'Bypass',
      '-EncodedCommand',
    ]);
    expect(c.timeoutMs).toBe(15_000);
    const text = script(c.args);
    expect(text).toContain("OpenPrinter('XP-58', [ref]$h");
    expect(text).toContain("pDataType = 'RAW'");
    expect(text).toContain('WritePrinter($h, $bytes, $bytes.Length');
    expect(text).toContain('[Console]::In.ReadToEnd()');
    // the job itself: on stdin, as base64, decoding to exactly the bytes
    expect(Buffer.from(c.input.toString(), 'base64').equals(Buffer.from(job))).toBe(true);
    expect(c.args.join(' ')).not.toContain(Buffer.from(job).toString('base64'));
  });

  it('keeps a quote in a queue name inside its PowerShell string', () => {
    const text = script(spoolerCommand("O'Brien").args);
    expect(text).toContain("OpenPrinter('O''Brien',");
  });

  it('names each failure: no such queue, the spooler refusing, no answer, no PowerShell', async () => {
    expect(
      await windowsSpoolerJob(
        'NOPE',
        job,
        1000,
        recorder({ code: EXIT_NO_QUEUE, stdout: '', stderr: 'queue not found' }).run,
      ),
    ).toEqual({
      cause: 'queue-not-found',
      detail: 'there is no Windows printer named NOPE',
    });
    expect(
      await windowsSpoolerJob(
        'XP-58',
        job,
        1000,
        recorder({ code: EXIT_WRITE_FAILED, stdout: '', stderr: 'wrote 0 of 9 bytes\r\n' }).run,
      ),
    ).toEqual({ cause: 'unknown', detail: 'wrote 0 of 9 bytes' });
    expect(
      await windowsSpoolerJob(
        'XP-58',
        job,
        1000,
        recorder(Object.assign(new Error('slow'), { code: 'ETIMEDOUT' })).run,
      ),
    ).toMatchObject({ cause: 'timeout' });
    expect(
      await windowsSpoolerJob('XP-58', job, 1000, recorder(Object.assign(new Error('spawn'), { code: 'ENOENT' })).run),
    ).toEqual({ cause: 'unknown', detail: 'PowerShell was not found on this computer' });
  });
});
