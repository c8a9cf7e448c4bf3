/**
 * Launches the built Electron app (out/main/index.js) on a fresh data directory with Playwright's
 * Electron automation. Where the Electron binary was not downloaded, specs skip with one clear line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SCANNER_TIMING } from './web-app';
import { _electron as electron, test as base, type ElectronApplication, type Page } from '@playwright/test';

const root = resolve(__dirname, '../../..');

/** the Electron binary, or null where it was not downloaded (scripts/electron-path.cjs never downloads it) */
function electronPath(): string | null {
  const { electronBinary } = createRequire(join(root, 'package.json'))('./scripts/electron-path.cjs') as {
    electronBinary: (root: string) => string | null;
  };
  return electronBinary(root);
}

export const ELECTRON = electronPath();
export const SKIP_REASON = 'no Electron binary installed (ELECTRON_SKIP_BINARY_DOWNLOAD=1): Electron specs skipped';

export const test = base.extend<{ electronApp: ElectronApplication; window: Page; dataDir: string }>({
  dataDir: async ({}, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'pos-electron-'));
    await use(dir);
    rmSync(dir, { recursive: true, force: true });
  },
  electronApp: async ({ dataDir }, use) => {
    const app = await electron.launch({
      executablePath: ELECTRON ?? undefined,
      args: [join(root, 'out/main/index.js'), '--data-dir', dataDir, '--no-sandbox'],
      // the specs sell cash on a fresh store without opening a drawer: they opt out of the product default
      env: { ...process.env, POS_LOCALE: 'en-US', POS_NEW_STORE_REQUIRE_DRAWER: 'off', ELECTRON_ENABLE_LOGGING: '1' },
    });
    await use(app);
    await app.close();
  },
  window: async ({ electronApp }, use) => {
    const win = await electronApp.firstWindow();
    await win.evaluate(SCANNER_TIMING);
    await win.reload();
    await win.getByTestId('product-tile').first().waitFor();
    await use(win);
  },
});

export { expect } from '@playwright/test';
