#!/usr/bin/env node
// `npm test`: every test. Builds the app, runs the unit, database and integration tests (vitest)
// under the runtime that matches the better-sqlite3 binary, then the Playwright end-to-end specs
// (browser mode in Chromium; Electron where its binary exists), and prints one summary line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { electronBinary, pickRuntime } from './runtime.mjs';

const results = join('test-results', 'summary');
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });
const run = (cmd, args, env = {}) =>
  spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;

console.log('\n== build ==');
if (run(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build']) !== 0) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const rt = pickRuntime();
console.log(`\n== unit, database and integration tests (vitest, under ${rt.name}) ==`);
const vitestJson = join(results, 'vitest.json');
const vitestStatus = run(
  rt.cmd,
  ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`],
  rt.env,
);

console.log('\n== end-to-end tests (Playwright) ==');
if (!electronBinary()) {
  console.log(
    'Electron e2e specs skipped: no Electron binary is installed (ELECTRON_SKIP_BINARY_DOWNLOAD=1); browser-mode specs still run.',
  );
}
const pwJson = join(results, 'playwright.json'); // written by the json reporter (playwright.config.ts)
const pwArgs = ['node_modules/@playwright/test/cli.js', 'test'];
const needsDisplay = electronBinary() && !process.env.DISPLAY && process.platform === 'linux';
const xvfb = needsDisplay && spawnSync('which', ['xvfb-run']).status === 0;
const pwStatus = xvfb ? run('xvfb-run', ['-a', process.execPath, ...pwArgs]) : run(process.execPath, pwArgs);

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(vitestJson)) {
  const v = JSON.parse(readFileSync(vitestJson, 'utf8'));
  passed += v.numPassedTests;
  failed += v.numFailedTests;
  skipped += v.numPendingTests + (v.numTodoTests ?? 0);
} else if (vitestStatus !== 0) failed += 1;
if (existsSync(pwJson)) {
  const s = JSON.parse(readFileSync(pwJson, 'utf8')).stats;
  passed += s.expected + s.flaky;
  failed += s.unexpected;
  skipped += s.skipped;
} else if (pwStatus !== 0) failed += 1;

console.log('');
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(vitestStatus !== 0 || pwStatus !== 0 || failed > 0 ? 1 : 0);
