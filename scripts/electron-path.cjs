// The Electron binary that `npm install` put in node_modules, or null where its download was
// skipped (ELECTRON_SKIP_BINARY_DOWNLOAD=1). Read from the electron package's path.txt rather than
// with require('electron'): that package's index downloads a missing binary on demand, which off
// the network prints a failed fetch and its stack instead of the one line the tests print.
const { existsSync, readFileSync } = require('node:fs');
const { dirname, join } = require('node:path');

/** @param {string} root the folder whose node_modules holds electron */
function electronBinary(root) {
  let dir;
  try {
    dir = dirname(require.resolve('electron/package.json', { paths: [root] }));
  } catch {
    return null;
  }
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const exe = join(process.env.ELECTRON_OVERRIDE_DIST_PATH || join(dir, 'dist'), readFileSync(pathFile, 'utf8').trim());
  return existsSync(exe) ? exe : null;
}

module.exports = { electronBinary };
