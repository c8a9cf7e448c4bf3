/**
 * The sandbox as a program:
 *   node out/main/sandbox.js --port N --data-dir DIR [--host 127.0.0.1] [--credentials FILE] [--notify-time-scale X]
 *     [--parent-pid PID]
 * Prints `Counter POS sandbox listening at http://127.0.0.1:PORT`, then where it keeps its trades,
 * and closes cleanly on SIGTERM/SIGINT. Without --data-dir each run starts on a fresh folder, so a
 * second run never meets the first run's trades. With --parent-pid (the till's embedded sandbox,
 * src/main/sandbox-child.ts) it closes when that process is gone, even killed by SIGKILL.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LISTENING_PREFIX, startSandbox, type SandboxOptions } from './server';

const USAGE =
  'usage: sandbox [--port N] [--data-dir DIR] [--host 127.0.0.1] [--credentials FILE] [--notify-time-scale X] [--parent-pid PID]';

/** How often the sandbox looks whether its parent is still there. */
const PARENT_CHECK_MS = 1_000;

function parseArgs(argv: string[]): SandboxOptions & { parentPid?: number } {
  const opts: SandboxOptions & { parentPid?: number } = { dataDir: '' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      const v = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (v === undefined || v === '') throw new Error(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case '--port': {
        const p = Number(value());
        if (!Number.isInteger(p) || p < 0 || p > 65535) throw new Error('--port must be 0–65535');
        opts.port = p;
        break;
      }
      case '--data-dir':
        opts.dataDir = value();
        break;
      case '--parent-pid': {
        const p = Number(value());
        if (!Number.isInteger(p) || p <= 0) throw new Error('--parent-pid must be a process id');
        opts.parentPid = p;
        break;
      }
      case '--host':
        opts.host = value();
        break;
      case '--credentials':
        opts.credentialsFile = value();
        break;
      case '--notify-time-scale': {
        const s = Number(value());
        if (!Number.isFinite(s) || s <= 0) throw new Error('--notify-time-scale must be a positive number');
        opts.notifyTimeScale = s;
        break;
      }
      case '--help':
      case '-h':
        process.stdout.write(USAGE + '\n');
        process.exit(0);
        break;
      default:
        throw new Error(`unknown argument ${arg}`);
    }
  }
  if (!opts.dataDir) opts.dataDir = mkdtempSync(join(tmpdir(), 'counter-pos-sandbox-'));
  return opts;
}

/** Whether process `pid` still runs (signal 0 checks without sending anything). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function main(): Promise<void> {
  let opts: SandboxOptions & { parentPid?: number };
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  const sandbox = await startSandbox(opts);
  process.stdout.write(`${LISTENING_PREFIX}${sandbox.baseUrl}\n`);
  process.stdout.write(`Counter POS sandbox keeps its trades in ${opts.dataDir}\n`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  const parent = opts.parentPid;
  if (parent !== undefined) {
    // the till that started it is gone (even by SIGKILL, which no exit handler sees): never outlive it
    setInterval(() => {
      if (!alive(parent)) stop();
    }, PARENT_CHECK_MS).unref();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`sandbox failed to start: ${(e as Error).message}\n`);
  process.exit(1);
});
