/**
 * The Electron customer window (src/main/electron/customer-window.ts): started with
 * POS_CUSTOMER_DISPLAY=window (the test machine has one screen; with a second one it opens there,
 * fullscreen, by itself), it shows the customer display's page, follows a cash sale, has no
 * `window.pos` and no Node, cannot navigate away, and closes with the till's window.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron as electron, type Page } from '@playwright/test';
import { ELECTRON, SKIP_REASON, expect, test } from '../support/electron-app';
import { PosPage } from '../support/pos-page';

test.skip(!ELECTRON, SKIP_REASON);

const root = resolve(__dirname, '../../..');

test('a second window shows the customer display, read-only, and closes with the till', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pos-electron-customer-'));
  const app = await electron.launch({
    executablePath: ELECTRON ?? undefined,
    args: [join(root, 'out/main/index.js'), '--data-dir', dataDir, '--no-sandbox'],
    env: { ...process.env, POS_LOCALE: 'en-US', POS_CUSTOMER_DISPLAY: 'window' },
  });
  try {
    const windows = async (): Promise<Page[]> => {
      await expect.poll(() => app.windows().length, { timeout: 15_000 }).toBe(2);
      return app.windows();
    };
    const all = await windows();
    const customer = all.find((w) => w.url().endsWith('customer.html'))!;
    const till = all.find((w) => w !== customer)!;
    expect(customer).toBeTruthy();
    await expect(customer.locator('#customer')).toHaveAttribute('data-phase', 'idle', { timeout: 15_000 });
    await expect(customer.getByTestId('customer-store')).toBeVisible();

    // read-only: no contract, no Node, no navigation away
    const globals = await customer.evaluate(() => ({
      pos: typeof (globalThis as Record<string, unknown>).pos,
      require: typeof (globalThis as Record<string, unknown>).require,
      process: typeof (globalThis as Record<string, unknown>).process,
      feed: typeof (globalThis as Record<string, unknown>).customerFeed,
    }));
    expect(globals).toEqual({ pos: 'undefined', require: 'undefined', process: 'undefined', feed: 'object' });
    const before = customer.url();
    await customer.evaluate(() => {
      (globalThis as unknown as { location: { href: string } }).location.href = 'https://example.com/';
    });
    await customer.waitForTimeout(500);
    expect(customer.url()).toBe(before);

    // it follows a sale at the till
    const pos = new PosPage(till);
    await till.getByTestId('product-tile').first().waitFor();
    await pos.tile('DRI-001').click();
    await expect(customer.getByTestId('customer-line')).toHaveCount(1);
    await pos.checkout();
    await pos.payCash('exact');
    await expect(customer.getByTestId('customer-result')).toBeVisible();
    await expect(customer.locator('#customer')).toHaveAttribute('data-phase', 'paid');

    // closed with the till's window
    await till.close();
    await expect.poll(() => app.windows().length, { timeout: 10_000 }).toBe(0);
  } finally {
    await app.close().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
});
