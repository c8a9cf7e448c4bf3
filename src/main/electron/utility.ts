/**
 * Runs a Node program (the embedded sandbox, a long SQLite job) as an Electron utility process. The packaged app is
 * built with the RunAsNode fuse off (package.json `build.electronFuses`), so its binary can no
 * longer be started as plain Node with `ELECTRON_RUN_AS_NODE`; a utility process is Electron's own
 * way to run Node code in a child, and it loads the same better-sqlite3 build as main.
 */
import { utilityProcess } from 'electron';
import type { NodeProgramLauncher } from '../node-program';

export const utilityLauncher: NodeProgramLauncher = (script, args, name = 'Counter POS sandbox') => {
  const child = utilityProcess.fork(script, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    serviceName: name,
  });
  let exitCode: number | null = null;
  child.once('exit', (code) => {
    exitCode = code;
  });
  // the streams are kept: Electron clears child.stdout/stderr once the process has exited
  const stdout = child.stdout;
  const stderr = child.stderr;
  return {
    stdout,
    stderr,
    get exitCode() {
      return exitCode;
    },
    once: (event, listener) => child.once(event, listener),
    on: (event, listener) => child.on(event, listener),
    // on POSIX kill() sends SIGTERM, on which the sandbox closes cleanly
    terminate: () => void child.kill(),
    kill: () => void child.kill(),
  };
};
