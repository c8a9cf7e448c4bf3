#!/usr/bin/env node
// Runs a Node script under the runtime that matches the better-sqlite3 binary (see runtime.mjs).
//   node scripts/node.mjs --import tsx bench/index.ts   (browser mode: scripts/web.mjs)
import { spawn } from 'node:child_process';
import { pickRuntime } from './runtime.mjs';

const rt = pickRuntime();
const child = spawn(rt.cmd, process.argv.slice(2), { stdio: 'inherit', env: { ...process.env, ...rt.env } });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
