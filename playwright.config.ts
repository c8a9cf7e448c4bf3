import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';

/**
 * Browser-mode specs run in Chromium against `out/main/web.js` on a fresh data directory per test.
 * Debian's chromium is used where installed (Playwright cannot download its own browsers offline),
 * else CHROMIUM_PATH, else Playwright's own browser. Electron specs launch `out/main/index.js` with
 * Playwright's Electron automation and skip, saying so, where the Electron binary is absent.
 */
const chromium = process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

export default defineConfig({
  testDir: 'tests/e2e',
  fullyParallel: false,
  // one spec at a time by default: each starts its own till, sandbox and browser, and on 2 cores two at
  // once saved only ~15 % (16.5 min against ~19) while long QR flows ran past their time-outs.
  // POS_E2E_WORKERS=2 on a bigger machine.
  workers: Number(process.env.POS_E2E_WORKERS ?? 1),
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/summary/playwright.json' }]],
  outputDir: 'test-results/e2e',
  use: {
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: chromium,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  projects: [
    { name: 'web', testDir: 'tests/e2e/web' },
    { name: 'electron', testDir: 'tests/e2e/electron' },
  ],
});
