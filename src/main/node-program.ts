/**
 * A Node program run as a child of the till: the embedded sandbox (sandbox-child.ts) and the long
 * SQLite jobs (store/sqlite-jobs.ts). Under plain Node (browser mode, tests, the bench) it is a child
 * process of the same Node; the Electron app passes a utility-process launcher instead
 * (electron/utility.ts), because the packaged app is built with the RunAsNode fuse off (package.json
 * `build.electronFuses`), so `ELECTRON_RUN_AS_NODE` no longer turns its binary into Node.
 */
import { spawn } from 'node:child_process';

/** The program running. */
export interface NodeProgram {
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

/** Starts `script` with `args` as a Node program; `name` is what the OS's task list may show. */
export type NodeProgramLauncher = (script: string, args: string[], name?: string) => NodeProgram;

/** Under plain Node: a child process of the same Node, with the till's environment. */
export const nodeLauncher: NodeProgramLauncher = (script, args) => {
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
