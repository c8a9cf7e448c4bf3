#!/usr/bin/env node
// `npm start`: build, then launch the Electron app. Where Electron's binary is not installed
// (ELECTRON_SKIP_BINARY_DOWNLOAD=1), say so in one line and start browser mode instead.
import { spawn, spawnSync } from 'node:child_process';
import { CORE_V8_FLAGS, electronBinary } from './runtime.mjs';

const build = spawnSync(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build'], {
  stdio: 'inherit',
});
if (build.status !== 0) process.exit(build.status ?? 1);
const args = process.argv.slice(2);
const electron = electronBinary();
const child = electron
  ? spawn(electron, [`--js-flags=${CORE_V8_FLAGS.join(' ')}`, '.', ...args], { stdio: 'inherit' })
  : (console.log(
      'counter-pos: the Electron binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD?) — starting browser mode instead.',
    ),
    spawn(process.execPath, ['scripts/web.mjs', ...args], { stdio: 'inherit' }));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
