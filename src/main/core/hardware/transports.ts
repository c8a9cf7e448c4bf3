/**
 * How the bytes reach the printer: raw TCP (`host:9100`), the operating system's queue in raw mode
 * (`lp -d <queue> -o raw`; on Windows the spooler's RAW datatype, windows-spooler.ts), or a serial port. Every failure is a `PrinterFailure` naming its cause
 * (refused, no route, timeout, queue or port not found, paper out, cover open, offline, interrupted).
 *
 * Status (`DLE EOT n`, real-time: answered as soon as the printer reads it): where the printer
 * answers (the `status` setting), it is asked before the job (paper, cover, offline) and once more
 * after the job's last byte; that answer is the acknowledgement that the printer received the whole
 * job (TCP and serial deliver in order). Without it the job counts as sent once written.
 */
import { spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import type { PrinterCause, PrinterConfig, PrinterStatusView } from '../../../shared/types';
import { windowsSpoolerJob } from './windows-spooler';

export class PrinterFailure extends Error {
  constructor(
    readonly reason: PrinterCause,
    detail: string,
  ) {
    super(`${reason}: ${detail}`);
  }
}

export interface TransportTiming {
  /** to connect or open the port */
  connectMs: number;
  /** for a status answer */
  answerMs: number;
  /** for the whole job to be written (and, for the queue, for `lp` to accept it) */
  jobMs: number;
}

export const DEFAULT_TRANSPORT_TIMING: TransportTiming = { connectMs: 3000, answerMs: 3000, jobMs: 15_000 };

/** DLE EOT 1 (printer), 2 (offline cause), 4 (paper roll sensor) */
const STATUS_QUERY = Uint8Array.from([0x10, 0x04, 0x01, 0x10, 0x04, 0x02, 0x10, 0x04, 0x04]);
const ACK_QUERY = Uint8Array.from([0x10, 0x04, 0x01]);

export function readStatus(answer: Uint8Array): PrinterStatusView {
  const [s1 = 0, s2 = 0, s4 = 0] = answer;
  return {
    answered: true,
    offline: (s1 & 0x08) !== 0,
    coverOpen: (s2 & 0x04) !== 0,
    paperOut: (s2 & 0x20) !== 0 || (s4 & 0x60) !== 0,
  };
}

/** The cause a status names, or null when the printer is ready. */
export function statusCause(s: PrinterStatusView): PrinterCause | null {
  if (s.paperOut) return 'paper-out';
  if (s.coverOpen) return 'cover-open';
  if (s.offline) return 'offline';
  return null;
}

function causeOf(err: NodeJS.ErrnoException): PrinterCause {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EADDRNOTAVAIL':
    case 'EHOSTDOWN':
      return 'no-route';
    case 'ETIMEDOUT':
      return 'timeout';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'interrupted';
    default:
      return 'unknown';
  }
}

/** A two-way byte stream to a printer (a socket or a serial port). */
interface Channel {
  write(bytes: Uint8Array): Promise<void>;
  /** the next `n` bytes the printer sends; `timeout` when they do not come, `interrupted` when it hangs up */
  read(n: number, ms: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** Buffers what the printer sends, for `read`. */
class Inbox {
  private buf = Buffer.alloc(0);
  private closed: PrinterFailure | null = null;
  private wake: (() => void) | null = null;

  push(chunk: Buffer): void {
    this.buf = Buffer.concat([this.buf, chunk]);
    this.wake?.();
  }

  end(failure: PrinterFailure): void {
    this.closed ??= failure;
    this.wake?.();
  }

  read(n: number, ms: number): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.wake = null;
        reject(new PrinterFailure('timeout', `the printer did not answer within ${ms} ms`));
      }, ms);
      const check = () => {
        if (this.buf.length >= n) {
          clearTimeout(timer);
          this.wake = null;
          const out = this.buf.subarray(0, n);
          this.buf = this.buf.subarray(n);
          resolve(out);
        } else if (this.closed) {
          clearTimeout(timer);
          this.wake = null;
          reject(this.closed);
        }
      };
      this.wake = check;
      check();
    });
  }
}

function tcpChannel(host: string, port: number, t: TransportTiming): Promise<Channel> {
  return new Promise((resolve, reject) => {
    const inbox = new Inbox();
    const socket: Socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new PrinterFailure('timeout', `no answer from ${host}:${port} within ${t.connectMs} ms`));
    }, t.connectMs);
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new PrinterFailure(causeOf(err), `${host}:${port}: ${err.message}`));
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      socket.on('error', (err: NodeJS.ErrnoException) =>
        inbox.end(new PrinterFailure(causeOf(err) === 'unknown' ? 'interrupted' : causeOf(err), err.message)),
      );
      socket.on('data', (c: Buffer) => inbox.push(c));
      socket.on('close', () => inbox.end(new PrinterFailure('interrupted', 'the printer closed the connection')));
      resolve({
        write: (bytes) =>
          new Promise((done, fail) => {
            if (socket.destroyed) return fail(new PrinterFailure('interrupted', 'the printer closed the connection'));
            const timer = setTimeout(() => {
              socket.destroy();
              fail(new PrinterFailure('timeout', `the printer took no data for ${t.jobMs} ms`));
            }, t.jobMs);
            socket.write(bytes, (err) => {
              clearTimeout(timer);
              if (err) fail(new PrinterFailure(causeOf(err) === 'unknown' ? 'interrupted' : causeOf(err), err.message));
              else done();
            });
          }),
        read: (n, ms) => inbox.read(n, ms),
        close: () =>
          new Promise((done) => {
            if (socket.destroyed) return done();
            const timer = setTimeout(() => {
              socket.destroy();
              done();
            }, t.answerMs);
            socket.end(() => {
              clearTimeout(timer);
              done();
            });
          }),
      });
    });
  });
}

async function serialChannel(path: string, baudRate: number, t: TransportTiming): Promise<Channel> {
  // loaded only when a serial printer is used; SerialPort.list() is never called (it crashes the
  // process where `udevadm` is missing): the owner types the port's path
  const { SerialPort } = await import('serialport');
  const inbox = new Inbox();
  const port = new SerialPort({ path, baudRate, autoOpen: false });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new PrinterFailure('timeout', `${path} did not open within ${t.connectMs} ms`)),
      t.connectMs,
    );
    port.open((err) => {
      clearTimeout(timer);
      if (!err) return resolve();
      const missing = /no such file|not found|cannot find|ENOENT/i.test(err.message);
      reject(new PrinterFailure(missing ? 'port-not-found' : 'unknown', `${path}: ${err.message}`));
    });
  });
  port.on('data', (c: Buffer) => inbox.push(c));
  port.on('close', () => inbox.end(new PrinterFailure('interrupted', 'the serial port closed')));
  port.on('error', (err: Error) => inbox.end(new PrinterFailure('interrupted', err.message)));
  return {
    write: (bytes) =>
      new Promise((done, fail) => {
        port.write(Buffer.from(bytes), (err) => {
          if (err) return fail(new PrinterFailure('interrupted', err.message));
          port.drain((e) => (e ? fail(new PrinterFailure('interrupted', e.message)) : done()));
        });
      }),
    read: (n, ms) => inbox.read(n, ms),
    close: () => new Promise((done) => (port.isOpen ? port.close(() => done()) : done())),
  };
}

function lpJob(queue: string, bytes: Uint8Array, t: TransportTiming): Promise<void> {
  // the Windows spooler in raw mode (WritePrinter with the RAW datatype) through PowerShell: windows-spooler.ts
  if (process.platform === 'win32')
    return windowsSpoolerJob(queue, bytes, t.jobMs).then((failed) => {
      if (failed) throw new PrinterFailure(failed.cause, failed.detail);
    });
  return new Promise((resolve, reject) => {
    const child = spawn('lp', ['-d', queue, '-o', 'raw'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new PrinterFailure('timeout', `lp did not accept the job within ${t.jobMs} ms`));
    }, t.jobMs);
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        new PrinterFailure(
          e.code === 'ENOENT' ? 'queue-not-found' : 'unknown',
          e.code === 'ENOENT' ? 'the lp command is not installed (CUPS)' : e.message,
        ),
      );
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) return resolve();
      const missing = /does not exist|unknown destination|not found|no such/i.test(err);
      reject(
        new PrinterFailure(missing ? 'queue-not-found' : 'unknown', err.trim().slice(0, 200) || `lp exited ${code}`),
      );
    });
    child.stdin.on('error', () => undefined); // lp gone: its exit code says why
    child.stdin.end(Buffer.from(bytes));
  });
}

async function channel(config: PrinterConfig, t: TransportTiming): Promise<Channel> {
  if (config.kind === 'network') return tcpChannel(config.host, config.port, t);
  if (config.kind === 'serial') return serialChannel(config.serialPath, config.baudRate, t);
  throw new PrinterFailure('unknown', `a ${config.kind} printer has no two-way channel`);
}

/** Sends a job; resolves once it is acknowledged (see the file's comment), else throws a `PrinterFailure`. */
export async function sendJob(config: PrinterConfig, bytes: Uint8Array, t = DEFAULT_TRANSPORT_TIMING): Promise<void> {
  if (config.kind === 'queue') return lpJob(config.queue, bytes, t);
  const ch = await channel(config, t);
  try {
    if (config.status) {
      await ch.write(STATUS_QUERY);
      const cause = statusCause(readStatus(await ch.read(3, t.answerMs)));
      if (cause) throw new PrinterFailure(cause, 'the printer reported it');
    }
    await ch.write(bytes);
    if (config.status) {
      await ch.write(ACK_QUERY);
      const after = readStatus(Uint8Array.from([...(await ch.read(1, t.answerMs)), 0, 0]));
      if (after.offline) throw new PrinterFailure('interrupted', 'the printer went offline during the job');
    }
  } finally {
    await ch.close();
  }
}

/** Asks the printer's status (network and serial printers that answer `DLE EOT`). */
export async function askStatus(config: PrinterConfig, t = DEFAULT_TRANSPORT_TIMING): Promise<PrinterStatusView> {
  if (config.kind !== 'network' && config.kind !== 'serial')
    return { answered: false, paperOut: false, coverOpen: false, offline: false };
  const ch = await channel(config, t);
  try {
    await ch.write(STATUS_QUERY);
    return readStatus(await ch.read(3, t.answerMs));
  } finally {
    await ch.close();
  }
}
