// Picks the runtime that matches the better-sqlite3 binary in node_modules.
//
// On an ordinary install, `npm install` downloads Electron and the postinstall rebuilds
// better-sqlite3 for Electron's ABI; plain Node can then no longer load it, so everything that
// opens the database (tests, browser mode, benchmarks) runs under Electron's own Node
// (ELECTRON_RUN_AS_NODE=1). Where Electron's binary was skipped (ELECTRON_SKIP_BINARY_DOWNLOAD=1),
// better-sqlite3 keeps its Node build and plain Node is used. We decide by trying to load it.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Path of the Electron binary, or null where it was not downloaded (never downloads it). */
export function electronBinary() {
  return require('./electron-path.cjs').electronBinary(process.cwd());
}

function sqliteLoadsUnder(cmd, env) {
  const probe = "const D=require('better-sqlite3');new D(':memory:').close()";
  const r = spawnSync(cmd, ['-e', probe], { env: { ...process.env, ...env }, stdio: 'pipe', timeout: 30_000 });
  return r.status === 0;
}

/** `{ cmd, env, name }` to run a Node script that loads better-sqlite3. */
export function pickRuntime() {
  if (sqliteLoadsUnder(process.execPath, {}))
    return { cmd: process.execPath, env: {}, name: `node ${process.version}` };
  const electron = electronBinary();
  if (electron && sqliteLoadsUnder(electron, { ELECTRON_RUN_AS_NODE: '1' })) {
    return { cmd: electron, env: { ELECTRON_RUN_AS_NODE: '1' }, name: 'electron (ELECTRON_RUN_AS_NODE)' };
  }
  throw new Error(
    'better-sqlite3 loads neither under Node nor under Electron. Rebuild it: `npm rebuild better-sqlite3` ' +
      '(for plain Node) or `npx electron-builder install-app-deps` (for Electron).',
  );
}

/**
 * V8 flags for the till's core process (browser mode's web.js; Electron's main process through
 * `--js-flags`). V8 lets the young generation grow to 16 MB semi-spaces (32 MB of new space) under a
 * burst of calls and never gives it back, which was most of the difference between a till's memory at
 * start (~74 MB) and after an hour of selling and the owner's reports (~175 MB). 4 MB semi-spaces keep
 * it near 127 MB with no measurable cost per call (README, "Speed on a year-old store"). V8 reads
 * these only when the process starts, so they are given on its command line, not set from inside.
 */
export const CORE_V8_FLAGS = ['--max-semi-space-size=4'];
