/**
 * A fake network receipt printer: a TCP server on an ephemeral port of 127.0.0.1 that collects what
 * it is sent, job by job (one job per connection), and answers `DLE EOT n` status requests like an
 * ESC/POS printer (0x12: ready). It can be told to refuse (the port is closed), to close the
 * connection after some bytes of the next job, to stay silent (accept, read, never answer), or to
 * report the paper out or the cover open.
 *
 *   const p = await startFakePrinter();  …  p.jobs  /  p.all()  /  p.mode = 'paper-out'  /  await p.close()
 */
import { createServer, type Server, type Socket } from 'node:net';

export type FakeMode = 'ok' | 'refuse' | 'close-mid-job' | 'silent' | 'paper-out' | 'cover-open';

export interface FakePrinter {
  readonly port: number;
  /** the bytes of each connection, the status requests left out */
  readonly jobs: Buffer[];
  mode: FakeMode;
  /** with `close-mid-job`: how many job bytes are read before the connection is closed */
  closeAfter: number;
  /** every job's bytes, one after another */
  all(): Buffer;
  /** resolves once `n` connections have ended */
  waitForJobs(n: number, ms?: number): Promise<Buffer[]>;
  /** resolves once no connection is open (the till's last job has ended on this side too) */
  idle(ms?: number): Promise<void>;
  close(): Promise<void>;
}

const READY = 0x12;

/** The answer to `DLE EOT n` (n = 1 printer, 2 offline cause, 3 error, 4 paper sensor). */
function answer(n: number, mode: FakeMode): number {
  if (mode === 'paper-out') return n === 1 ? READY | 0x08 : n === 2 ? READY | 0x20 : n === 4 ? READY | 0x60 : READY;
  if (mode === 'cover-open') return n === 1 ? READY | 0x08 : n === 2 ? READY | 0x04 : READY;
  return READY;
}

export async function startFakePrinter(port = 0, host = '127.0.0.1'): Promise<FakePrinter> {
  const jobs: Buffer[] = [];
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let boundPort = port;
  const waiters: (() => void)[] = [];

  const onConnection = (socket: Socket) => {
    sockets.add(socket);
    const job: number[] = [];
    let pending: number[] = []; // a DLE EOT split across reads
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      sockets.delete(socket);
      jobs.push(Buffer.from(job));
      for (const w of waiters.splice(0)) w();
    };
    socket.on('data', (chunk: Buffer) => {
      const bytes = [...pending, ...chunk];
      pending = [];
      for (let i = 0; i < bytes.length; i++) {
        const b = bytes[i] as number;
        if (b === 0x10 && bytes[i + 1] === 0x04) {
          if (i + 2 >= bytes.length) {
            pending = bytes.slice(i);
            break;
          }
          if (fake.mode !== 'silent') socket.write(Buffer.from([answer(bytes[i + 2] as number, fake.mode)]));
          i += 2;
          continue;
        }
        job.push(b);
        if (fake.mode === 'close-mid-job' && job.length >= fake.closeAfter) {
          finish();
          socket.resetAndDestroy();
          return;
        }
      }
    });
    socket.on('close', finish);
    socket.on('error', () => undefined);
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer(onConnection);
      server.once('error', reject);
      server.listen(boundPort, host, () => {
        const a = server?.address();
        if (a && typeof a === 'object') boundPort = a.port;
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      if (!server) return resolve();
      server.close(() => resolve());
      server = null;
    });

  let mode: FakeMode = 'ok';
  const fake: FakePrinter = {
    get port() {
      return boundPort;
    },
    jobs,
    get mode() {
      return mode;
    },
    set mode(next: FakeMode) {
      const was = mode;
      mode = next;
      // refuse: nothing listens on the port any more (the kernel answers RST: connection refused)
      if (next === 'refuse' && was !== 'refuse') void stop();
      if (was === 'refuse' && next !== 'refuse') void listen();
    },
    closeAfter: 16,
    all: () => Buffer.concat(jobs),
    waitForJobs: (n, ms = 5000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the fake printer got ${jobs.length} of ${n} jobs`)), ms);
        const check = () => {
          if (jobs.length >= n) {
            clearTimeout(timer);
            resolve(jobs);
          } else waiters.push(check);
        };
        check();
      }),
    idle: async (ms = 5000) => {
      const until = Date.now() + ms;
      await new Promise((r) => setTimeout(r, 20));
      while (sockets.size > 0) {
        if (Date.now() > until) throw new Error('the fake printer still has a connection open');
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    close: stop,
  };
  await listen();
  return fake;
}
