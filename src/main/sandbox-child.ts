/**
 * The embedded default: on launch, the app starts the intermediary sandbox as a child process
 * (out/main/sandbox.js) with its data under `<dataDir>/sandbox`, and points every provider at it,
 * so a new user can complete a QR, redirect or payment-code sale at once. POS_SANDBOX=off (or
 * --no-sandbox-child) skips it.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The sandbox program running: a Node child process, or under Electron a utility process. */
export interface SandboxProcess {
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
  /** the exit code once it has ended, else null */
  readonly exitCode: number | null;
  once(event: 'exit', listener: (code: number | null) => void): unknown;
  on(event: 'exit', listener: (code: number | null) => void): unknown;
  /** asks it to stop (SIGTERM: the sandbox closes cleanly) */
  terminate(): void;
  /** stops it at once */
  kill(): void;
}

/** Starts `script` with `args` as a Node program. */
export type SandboxLauncher = (script: string, args: string[]) => SandboxProcess;

/**
 * Under plain Node (browser mode, tests): a child process of the same Node. The Electron app passes a
 * utility-process launcher instead (src/main/electron/utility.ts), because the packaged app is built
 * with the RunAsNode fuse off (package.json `build.electronFuses`), so `ELECTRON_RUN_AS_NODE` no
 * longer turns its binary into Node.
 */
export const nodeLauncher: SandboxLauncher = (script, args) => {
  const child = spawn(process.execPath, [script, ...args], { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  return {
    get stdout() {
      return child.stdout;
    },
    get stderr() {
      return child.stderr;
    },
    get exitCode() {
      return child.exitCode;
    },
    once: (event, listener) => child.once(event, listener),
    on: (event, listener) => child.on(event, listener),
    terminate: () => void child.kill('SIGTERM'),
    kill: () => void child.kill('SIGKILL'),
  };
};

export interface SandboxChild {
  baseUrl: string;
  process: SandboxProcess;
  stop(): Promise<void>;
}

const READY = /Counter POS sandbox listening at (http:\/\/[^\s]+)/;

export function startSandboxChild(options: {
  dataDir: string;
  script?: string;
  log?: (line: string) => void;
  launcher?: SandboxLauncher;
}): Promise<SandboxChild> {
  // out/main/sandbox.js, seen from out/main (an entry) or out/main/chunks (a shared chunk)
  const script =
    options.script ??
    [join(__dirname, 'sandbox.js'), join(__dirname, '..', 'sandbox.js')].find((f) => existsSync(f)) ??
    join(__dirname, 'sandbox.js');
  if (!existsSync(script))
    return Promise.reject(new Error(`the sandbox program ${script} is missing: run npm run build`));
  const child = (options.launcher ?? nodeLauncher)(script, [
    '--port',
    '0',
    '--data-dir',
    join(options.dataDir, 'sandbox'),
    // it closes when the till is gone, even killed by SIGKILL (src/sandbox/main.ts)
    '--parent-pid',
    String(process.pid),
  ]);
  return new Promise((resolveStart, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`the sandbox did not start within 15 s:\n${output}`));
    }, 15_000);
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      for (const line of text.split('\n')) if (line.trim()) options.log?.(`[sandbox] ${line}`);
      const m = READY.exec(output);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.stdout!.on('data', (c: Buffer) => options.log?.(`[sandbox] ${c.toString().trimEnd()}`));
        resolveStart({
          baseUrl: m[1]!.replace(/\/$/, ''),
          process: child,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.terminate();
              setTimeout(() => child.kill(), 3_000).unref();
            }),
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => {
      output += c.toString();
      options.log?.(`[sandbox] ${c.toString().trimEnd()}`);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the sandbox exited with code ${code} before it was ready:\n${output}`));
    });
  });
}
