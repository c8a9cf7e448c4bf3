// After `npm install`: rebuild native modules (better-sqlite3) for Electron, unless Electron's
// binary was deliberately skipped (offline installs, CI), in which case the Node build is kept and
// tests and browser mode run under plain Node.
import { spawnSync } from 'node:child_process';
import { electronBinary } from './runtime.mjs';

if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
  console.log(
    'counter-pos: ELECTRON_SKIP_BINARY_DOWNLOAD is set — keeping better-sqlite3 built for Node; browser mode and tests run under plain Node.',
  );
} else if (!electronBinary()) {
  console.log('counter-pos: the Electron binary is not installed — keeping better-sqlite3 built for Node.');
} else {
  const r = spawnSync('npx', ['electron-builder', 'install-app-deps'], {
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (r.status !== 0) {
    console.error(
      'counter-pos: rebuilding better-sqlite3 for Electron failed; run `npx electron-builder install-app-deps` by hand.',
    );
    process.exit(r.status ?? 1);
  }
}
