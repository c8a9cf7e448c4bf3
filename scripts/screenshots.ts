/**
 * `npm run screenshots`: drives browser mode in Chromium through a sale and saves the screens a
 * clerk sees to docs/screenshots/ (the README's picture comes from here). Run after `npm run build`.
 */
import { mkdirSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { SCANNER_TIMING, startWebApp } from '../tests/e2e/support/web-app';
import { PosPage } from '../tests/e2e/support/pos-page';

const out = 'docs/screenshots';

async function main(): Promise<void> {
  mkdirSync(out, { recursive: true });
  const app = await startWebApp();
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  const browser = await chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.addInitScript(SCANNER_TIMING);
    await page.goto(app.url);
    const till = new PosPage(page);
    await till.ready();
    for (const sku of ['DRI-001', 'DRI-001', 'SNA-005', 'DAI-001', 'INS-001']) await till.tile(sku).click();
    await till.line('SNA-005').getByTestId('line-discount').click();
    const dialog = page.getByTestId('discount-dialog');
    await dialog.getByTestId('discount-kind-percent').click();
    await dialog.getByTestId('discount-value').fill('10');
    await dialog.getByTestId('discount-apply').click();
    await page.mouse.move(0, 0);
    await page.screenshot({ path: `${out}/sell.png` });
    await till.checkout();
    await till.payCash('exact');
    await till.id('cash-100').click();
    await page.screenshot({ path: `${out}/pay.png` });
    await till.complete();
    await page.screenshot({ path: `${out}/receipt.png` });
    await till.newSale();
    await till.id('language-switch').click();
    await till.search('kkkl');
    await till.tile('DRI-001').waitFor();
    await page.screenshot({ path: `${out}/sell-zh.png` });
    await till.id('nav-orders').click();
    await page.getByTestId('order-row').first().click();
    await till.id('order-detail').waitFor();
    await page.screenshot({ path: `${out}/orders-zh.png` });
    console.log(`screenshots written to ${out}/`);
  } finally {
    await browser.close();
    await app.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
