#!/usr/bin/env node
// Browser mode: runs out/main/web.js under the runtime that matches the better-sqlite3 binary
// (runtime.mjs), with the core process's V8 flags (CORE_V8_FLAGS). Arguments go to web.js:
//   node scripts/web.mjs --data-dir /tmp/pos --port 0
import { spawn } from 'node:child_process';
import { CORE_V8_FLAGS, pickRuntime } from './runtime.mjs';

const rt = pickRuntime();
const child = spawn(rt.cmd, [...CORE_V8_FLAGS, 'out/main/web.js', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, ...rt.env },
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
