/**
 * A USB receipt printer on Windows, through its print queue in raw mode: the bytes go to the
 * spooler with the RAW datatype (`OpenPrinter`, `StartDocPrinter`, `WritePrinter` in winspool.drv),
 * so the driver passes them to the printer untouched — what `lp -o raw` does with CUPS. No native
 * module is built for it: Windows' own PowerShell calls winspool through a few lines of C#, and the
 * command runner is injected, so the tests check the exact command without Windows.
 *
 * The script is sent as `-EncodedCommand` (no quoting by a shell); the queue name, already limited
 * by the contract to letters, digits and `_.@-`, is put in a single-quoted PowerShell string with
 * any quote doubled anyway. The job's bytes go on stdin as base64: never in the command line, never
 * in a temporary file.
 */
import { spawn } from 'node:child_process';
import type { PrinterCause } from '../../../shared/types';

/** Why a job did not print (transports.ts turns it into its `PrinterFailure`: no import circle). */
export interface SpoolerFailure {
  cause: PrinterCause;
  detail: string;
}

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `file args`, writes `input` to its stdin; rejects with the spawn error (e.g. ENOENT), or `timeout`. */
export type RunCommand = (file: string, args: string[], input: Buffer, timeoutMs: number) => Promise<CommandResult>;

export const spawnRunner: RunCommand = (file, args, input, timeoutMs) =>
  new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' }));
    }, timeoutMs);
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on('error', () => undefined); // the program ended early: its exit code says why
    child.stdin.end(input);
  });

/** Exit codes of the script: the queue was not found; the spooler refused the job or a write. */
export const EXIT_NO_QUEUE = 2;
export const EXIT_WRITE_FAILED = 3;

const WINSPOOL = `
using System;
using System.Runtime.InteropServices;
public static class CounterPosRaw {
  [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
  public class DOCINFO { public string pDocName; public string pOutputFile; public string pDataType; }
  [DllImport("winspool.drv", CharSet = CharSet.Unicode, SetLastError = true)]
  public static extern bool OpenPrinter(string name, out IntPtr handle, IntPtr defaults);
  [DllImport("winspool.drv", SetLastError = true)] public static extern bool ClosePrinter(IntPtr handle);
  [DllImport("winspool.drv", CharSet = CharSet.Unicode, SetLastError = true)]
  public static extern int StartDocPrinter(IntPtr handle, int level, DOCINFO info);
  [DllImport("winspool.drv", SetLastError = true)] public static extern bool EndDocPrinter(IntPtr handle);
  [DllImport("winspool.drv", SetLastError = true)] public static extern bool StartPagePrinter(IntPtr handle);
  [DllImport("winspool.drv", SetLastError = true)] public static extern bool EndPagePrinter(IntPtr handle);
  [DllImport("winspool.drv", SetLastError = true)]
  public static extern bool WritePrinter(IntPtr handle, byte[] bytes, int count, out int written);
}
`;

/** The PowerShell script that sends stdin's base64 bytes to `queue` as one RAW job. */
export function spoolerScript(queue: string): string {
  const name = `'${queue.replace(/'/g, "''")}'`;
  return [
    "$ErrorActionPreference = 'Stop'",
    `Add-Type -TypeDefinition @'${WINSPOOL}'@`,
    '$bytes = [Convert]::FromBase64String([Console]::In.ReadToEnd().Trim())',
    '$h = [IntPtr]::Zero',
    `if (-not [CounterPosRaw]::OpenPrinter(${name}, [ref]$h, [IntPtr]::Zero)) { [Console]::Error.WriteLine('queue not found'); exit ${EXIT_NO_QUEUE} }`,
    'try {',
    "  $doc = New-Object CounterPosRaw+DOCINFO; $doc.pDocName = 'Counter POS receipt'; $doc.pDataType = 'RAW'",
    `  if ([CounterPosRaw]::StartDocPrinter($h, 1, $doc) -eq 0) { [Console]::Error.WriteLine('the spooler refused the job'); exit ${EXIT_WRITE_FAILED} }`,
    '  [void][CounterPosRaw]::StartPagePrinter($h)',
    '  $written = 0',
    '  $ok = [CounterPosRaw]::WritePrinter($h, $bytes, $bytes.Length, [ref]$written)',
    '  [void][CounterPosRaw]::EndPagePrinter($h); [void][CounterPosRaw]::EndDocPrinter($h)',
    `  if (-not $ok -or $written -ne $bytes.Length) { [Console]::Error.WriteLine("wrote $written of $($bytes.Length) bytes"); exit ${EXIT_WRITE_FAILED} }`,
    '} finally { [void][CounterPosRaw]::ClosePrinter($h) }',
    'exit 0',
  ].join('\n');
}

/** The command that runs it: PowerShell without profile or prompts, the script UTF-16LE base64 encoded. */
export function spoolerCommand(queue: string): { file: string; args: string[] } {
  return {
    file: 'powershell.exe',
    args: [
      '-NoProfile',
      '-NonInteractive',
      '-ExecutionPolicy',
      'Bypass',
      '-EncodedCommand',
      Buffer.from(spoolerScript(queue), 'utf16le').toString('base64'),
    ],
  };
}

/** Sends one job to a Windows print queue in raw mode; null when the spooler took it, else why not. */
export async function windowsSpoolerJob(
  queue: string,
  bytes: Uint8Array,
  jobMs: number,
  run: RunCommand = spawnRunner,
): Promise<SpoolerFailure | null> {
  const { file, args } = spoolerCommand(queue);
  let result: CommandResult;
  try {
    result = await run(file, args, Buffer.from(Buffer.from(bytes).toString('base64')), jobMs);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ETIMEDOUT')
      return { cause: 'timeout', detail: `the Windows spooler did not take the job within ${jobMs} ms` };
    if (e.code === 'ENOENT') return { cause: 'unknown', detail: 'PowerShell was not found on this computer' };
    return { cause: 'unknown', detail: e.message };
  }
  if (result.code === 0) return null;
  if (result.code === EXIT_NO_QUEUE)
    return { cause: 'queue-not-found', detail: `there is no Windows printer named ${queue}` };
  return {
    cause: 'unknown',
    detail: result.stderr.trim().slice(0, 200) || `the spooler job ended with ${String(result.code)}`,
  };
}
