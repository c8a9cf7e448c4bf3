/**
 * The sandbox as a program:
 *   node out/main/sandbox.js --port N --data-dir DIR [--host 127.0.0.1] [--credentials FILE] [--notify-time-scale X]
 * Prints one line, `Counter POS sandbox listening at http://127.0.0.1:PORT`, and closes cleanly on
 * SIGTERM/SIGINT.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LISTENING_PREFIX, startSandbox, type SandboxOptions } from './server';

const USAGE =
  'usage: sandbox [--port N] [--data-dir DIR] [--host 127.0.0.1] [--credentials FILE] [--notify-time-scale X]';

function parseArgs(argv: string[]): SandboxOptions {
  const opts: SandboxOptions = { dataDir: join(tmpdir(), 'counter-pos-sandbox') };
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
  return opts;
}

async function main(): Promise<void> {
  let opts: SandboxOptions;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  const sandbox = await startSandbox(opts);
  process.stdout.write(`${LISTENING_PREFIX}${sandbox.baseUrl}\n`);
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
}

main().catch((e: unknown) => {
  process.stderr.write(`sandbox failed to start: ${(e as Error).message}\n`);
  process.exit(1);
});
