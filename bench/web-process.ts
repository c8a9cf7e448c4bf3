/**
 * Starts browser mode as the user does (`node --max-semi-space-size=4 out/main/web.js --data-dir DIR --port 0`, as scripts/web.mjs, under the
 * same runtime as the bench: Node, or Electron's Node with ELECTRON_RUN_AS_NODE inherited), waits
 * for its "ready at" line and hands back its URL, token and pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
// the flags the till's launchers give its core process (scripts/web.mjs, scripts/start.mjs)
import { CORE_V8_FLAGS } from '../scripts/runtime.mjs';

export const WEB_JS = resolve(__dirname, '../out/main/web.js');
export const RENDERER_INDEX = resolve(__dirname, '../out/renderer/index.html');

export interface WebProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  origin: string;
  token: string;
  /** From just before spawn to the "ready at" line on stdout. */
  readyMs: number;
  /** What web.js itself reports as its start-up time (main(): open store, migrate, seed, listen), once printed. */
  startedInMs: () => number | null;
  /** Everything the process wrote, for error messages. */
  output: () => string;
  stop: () => Promise<void>;
}

export async function startWebProcess(
  dataDir: string,
  timeoutMs = 15_000,
  t0 = performance.now(),
  env: NodeJS.ProcessEnv = {},
): Promise<WebProcess> {
  if (!existsSync(WEB_JS)) throw new Error(`${WEB_JS} is missing: run npm run build`);
  const child = spawn(process.execPath, [...CORE_V8_FLAGS, WEB_JS, '--data-dir', dataDir, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // the benchmarks sell cash on a fresh store without opening a drawer (the product default requires one)
    env: { ...process.env, POS_LOCALE: 'zh-CN', POS_NEW_STORE_REQUIRE_DRAWER: 'off', ...env },
  });
  let out = '';
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
  };
  try {
    const { url, readyMs } = await new Promise<{ url: string; readyMs: number }>((done, fail) => {
      const timer = setTimeout(
        () => fail(new Error(`web.js printed no "ready at" line within ${timeoutMs} ms:\n${out}`)),
        timeoutMs,
      );
      let ready: { url: string; readyMs: number } | undefined;
      const onData = (chunk: Buffer) => {
        const now = performance.now() - t0;
        out += chunk.toString('utf8');
        const m = ready ? null : /ready at (http:\/\/\S+)/.exec(out);
        if (m?.[1]) {
          ready = { url: m[1], readyMs: now };
          // the "(started in N ms)" line follows at once; do not wait for it for long
          setTimeout(() => {
            clearTimeout(timer);
            done(ready as { url: string; readyMs: number });
          }, 500);
        }
        if (ready && /started in \d+ ms/.test(out)) {
          clearTimeout(timer);
          done(ready);
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', (c: Buffer) => (out += c.toString('utf8')));
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        fail(new Error(`web.js exited (${code ?? signal}) before it was ready:\n${out}`));
      });
      child.once('error', (err) => {
        clearTimeout(timer);
        fail(err);
      });
    });
    const parsed = new URL(url);
    return {
      child,
      pid: child.pid as number,
      url,
      origin: parsed.origin,
      token: parsed.searchParams.get('token') ?? '',
      readyMs,
      startedInMs: () => {
        const m = /started in (\d+) ms/.exec(out);
        return m?.[1] ? Number(m[1]) : null;
      },
      output: () => out,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** A line of /proc/<pid>/status in MB (VmRSS, VmHWM), or null where there is no /proc. */
export function procStatusMb(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  const file = `/proc/${pid}/status`;
  if (process.platform !== 'linux' || !existsSync(file)) return null;
  const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(readFileSync(file, 'utf8'));
  return m?.[1] ? Number(m[1]) / 1024 : null;
}

export function rendererBuilt(): boolean {
  return existsSync(RENDERER_INDEX);
}
