/**
 * Raw HTTP over `node:net` for the attack tests in tests/security: send exactly the bytes a
 * malformed or slow client would, and read what the server answers and when it hangs up.
 */
import { connect, type Socket } from 'node:net';

export interface RawAnswer {
  /** the status code of the first answer, or null if the server answered nothing */
  status: number | null;
  /** everything the server sent */
  text: string;
  /** the server closed the connection (rather than our timeout) */
  closedByServer: boolean;
  /** milliseconds from the first byte sent until the server closed, or our timeout */
  ms: number;
}

/** Opens a connection; resolves once connected (or rejects on a refused connection). */
export function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

/** Collects what the server sends on `socket` until it closes the connection or `timeoutMs` passes. */
export function collect(socket: Socket, timeoutMs = 5_000): Promise<RawAnswer> {
  const started = Date.now();
  return new Promise((resolve) => {
    let text = '';
    let done = false;
    const finish = (closedByServer: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ status: m ? Number(m[1]) : null, text, closedByServer, ms: Date.now() - started });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
  });
}

/**
 * Sends `bytes` on a fresh connection and waits for the server to close it (requests should say
 * `Connection: close`) or for `timeoutMs`.
 */
export async function raw(port: number, bytes: string | Buffer, timeoutMs = 5_000): Promise<RawAnswer> {
  const s = await open(port);
  const answer = collect(s, timeoutMs);
  s.write(bytes);
  return answer;
}

/** A request head (CRLF line ends, blank line at the end). */
export function head(requestLine: string, headers: Record<string, string | number>): string {
  return `${requestLine}\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;
}

/** What an answer must never show: a stack trace, a source file or a path on this machine. */
export const LEAK = /\bat [\w.<>]+ \(|node:internal|\.[cm]?[jt]s:\d+|\/(home|tmp|usr|root|Users)\/|[A-Z]:\\/;

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
