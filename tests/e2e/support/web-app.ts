/** Starts browser mode (out/main/web.js) on a fresh data directory and port, as a tester would. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test as base, type Page } from '@playwright/test';

export interface WebApp {
  url: string;
  /** the customer display's page (`/customer?key=…`), printed beside the till's */
  customerUrl: string;
  /** the embedded sandbox's base URL (its control API is under /_sandbox/), when it started */
  sandboxUrl: string | null;
  dataDir: string;
  process: ChildProcess;
  /** Stops the app (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
}

const root = resolve(__dirname, '../../..');

export async function startWebApp(options: { dataDir?: string; env?: Record<string, string> } = {}): Promise<WebApp> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'pos-e2e-'));
  const child = spawn(process.execPath, ['scripts/web.mjs', '--data-dir', dataDir, '--port', '0'], {
    cwd: root,
    // the specs sell cash on a fresh store without opening a drawer: they opt out of the product default
    // (a new store requires an open drawer); a spec about the rule passes POS_NEW_STORE_REQUIRE_DRAWER: 'on'
    env: { ...process.env, POS_LOCALE: 'en-US', POS_NEW_STORE_REQUIRE_DRAWER: 'off', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => {
      // stopped, so that its sandbox is stopped too and not left running (it stops the sandbox it started)
      child.kill('SIGTERM');
      reject(new Error(`browser mode did not start in 45 s:\n${output}`));
    }, 45_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /ready at (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(output);
      // with the embedded sandbox on, wait for it too, so payment methods are offered from the start
      const sandboxOff = /^(off|0|false|no)$/i.test(options.env?.POS_SANDBOX ?? process.env.POS_SANDBOX ?? '');
      const sandboxSettled =
        sandboxOff || /Intermediary sandbox \(demo mode\) at|embedded sandbox did not start/.test(output);
      if (m && sandboxSettled) {
        clearTimeout(timer);
        resolveUrl(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`browser mode exited with ${code}:\n${output}`));
    });
  });
  const customerUrl =
    /Customer display .* at (http:\/\/127\.0\.0\.1:\d+\/customer\?key=[\w-]+)/.exec(output)?.[1] ?? '';
  const sandboxUrl = /Intermediary sandbox \(demo mode\) at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1] ?? null;
  return {
    url,
    customerUrl,
    sandboxUrl,
    dataDir,
    process: child,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * Playwright sends each key only after the page has handled the previous one, so on a loaded CI
 * machine a scanner burst can arrive with gaps longer than a hardware scanner's (a hardware scanner's
 * keys carry the OS's input timestamps, which page load does not stretch). The page reads its scanner
 * timing from localStorage; the specs allow 300 ms between keys (the default is 35 ms) and type as a
 * human with gaps of 900 ms.
 */
export const SCANNER_TIMING = () => {
  const storage = (
    globalThis as unknown as {
      localStorage: { getItem(k: string): string | null; setItem(k: string, v: string): void };
    }
  ).localStorage;
  // this runs again on every reload: a spec's own allowance, set before its reload, is kept (it was
  // overwritten, so a spec's 2 s allowance was 300 ms, and a burst stretched by a loaded machine
  // broke in two: its Enter then pressed the product tile in focus, a second Coca-Cola)
  if (storage.getItem('counter-pos.scanner.maxGapMs') === null) storage.setItem('counter-pos.scanner.maxGapMs', '300');
  if (storage.getItem('counter-pos.scanner.flushMs') === null) storage.setItem('counter-pos.scanner.flushMs', '600');
};

/**
 * A Playwright test with a fresh browser-mode app per test, the page already open on it.
 * `test.use({ appEnv: { POS_QR_TTL_SECONDS: '6' } })` starts the app with extra environment.
 */
export const test = base.extend<{ appEnv: Record<string, string>; app: WebApp; pos: Page }>({
  appEnv: [{}, { option: true }],
  app: async ({ appEnv }, use) => {
    const app = await startWebApp({ env: appEnv });
    await use(app);
    await app.stop();
    rmSync(app.dataDir, { recursive: true, force: true });
  },
  pos: async ({ page, app }, use) => {
    await page.addInitScript(SCANNER_TIMING);
    await page.goto(app.url);
    await page.getByTestId('product-tile').first().waitFor();
    await use(page);
  },
});

export { expect } from '@playwright/test';
