/**
 * The embedded default: on launch, the app starts the intermediary sandbox as a child process
 * (out/main/sandbox.js) with its data under `<dataDir>/sandbox`, and points every provider at it,
 * so a new user can complete a QR, redirect or payment-code sale at once. POS_SANDBOX=off (or
 * --no-sandbox-child) skips it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { nodeLauncher, type NodeProgram, type NodeProgramLauncher } from './node-program';

/** The sandbox program running: a Node child process, or under Electron a utility process (node-program.ts). */
export type SandboxProcess = NodeProgram;
export type SandboxLauncher = NodeProgramLauncher;

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
