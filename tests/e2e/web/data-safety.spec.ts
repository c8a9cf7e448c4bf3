/**
 * Data safety in browser mode: the owner's screen (backups, checks, settings), then the drill — a
 * store with a backup and sales after it, one page of the database overwritten, the till started
 * again: the first sale meets the damage, every screen shows the banner, and the owner's guided
 * restore brings back the backup with the later sales, after which the till sells again.
 * Screenshots of each state at 1024×768 and 1366×768 in English and Chinese go to
 * POS_SCREENSHOT_DIR when it is set.
 */
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { test, expect, type Page } from '@playwright/test';
import { PosPage } from '../support/pos-page';
import { SCANNER_TIMING, startWebApp, type WebApp } from '../support/web-app';

const ENV = { POS_SANDBOX: 'off' };
const SHOTS = process.env.POS_SCREENSHOT_DIR;

/** The same screen at both sizes in both languages (then back to English at 1280×800); `lower`: also scrolled to that element. */
async function shots(page: Page, name: string, lower?: string): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  for (const lang of ['en', 'zh'] as const) {
    if (lang === 'zh') {
      await page.getByTestId('language-switch').click();
      await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    }
    for (const [w, h] of [
      [1024, 768],
      [1366, 768],
    ] as const) {
      await page.setViewportSize({ width: w, height: h });
      await page.waitForTimeout(150);
      await page.screenshot({ path: join(SHOTS, `${name}-${lang}-${w}.png`) });
      if (lower) {
        await page.getByTestId(lower).scrollIntoViewIfNeeded();
        await page.screenshot({ path: join(SHOTS, `${name}-${lang}-${w}-lower.png`) });
        await page
          .locator('.manage')
          .evaluate((el) => el.scrollTo(0, 0))
          .catch(() => undefined);
      }
    }
  }
  await page.getByTestId('language-switch').click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.setViewportSize({ width: 1280, height: 800 });
}

async function open(page: Page, app: WebApp): Promise<PosPage> {
  await page.addInitScript(SCANNER_TIMING);
  await page.goto(app.url);
  const till = new PosPage(page);
  await till.ready();
  return till;
}

async function cashSale(till: PosPage, sku: string): Promise<string> {
  await till.tile(sku).click();
  const number = await till.checkout();
  await till.payCash('exact');
  await till.complete();
  await till.newSale();
  return number;
}

async function ownerPin(page: Page): Promise<void> {
  await expect(page.getByTestId('owner-pin-dialog')).toBeVisible();
  await page.getByTestId('owner-pin-input').fill('8888');
  await page.getByTestId('owner-pin-submit').click();
  await expect(page.getByTestId('owner-pin-dialog')).toBeHidden();
}

test('the owner’s Data safety screen, and the drill: damage found, banner everywhere, guided restore, selling again', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'pos-e2e-'));
  let app = await startWebApp({ dataDir, env: ENV });
  try {
    let till = await open(page, app);
    const before = await cashSale(till, 'DRI-001');

    // Manage → Data safety: a clerk is asked for the owner's PIN
    await till.id('nav-manage').click();
    await shots(page, '0-manage');
    await till.id('manage-data-safety').click();
    await ownerPin(page);
    await expect(till.id('safety-ok')).toBeVisible();
    await till.id('safety-backup-now').click();
    await ownerPin(page);
    await expect(page.locator('[data-testid="safety-backup"][data-ok="true"]')).toHaveCount(1);
    await till.id('safety-check-now').click();
    await expect(page.locator('[data-testid="safety-check"][data-ok="true"]').first()).toBeVisible();
    await shots(page, '1-data-safety', 'safety-settings');
    // a restore over a healthy database needs the owner's explicit confirmation as well as the PIN
    await till.id('safety-restore-prepare').click();
    await expect(till.id('safety-confirm-healthy')).toBeVisible();
    await till.id('safety-restore-pin').fill('8888');
    await expect(till.id('safety-restore-submit')).toBeDisabled();
    await till.id('safety-confirm-healthy').check();
    await expect(till.id('safety-restore-submit')).toBeEnabled();
    await shots(page, '1b-restore-healthy', 'safety-restore-submit');
    await till.id('safety-restore-cancel').click();
    await till.id('safety-back').click();
    await till.id('nav-sell').click();

    // sales after the backup
    const after1 = await cashSale(till, 'DRI-002');
    const after2 = await cashSale(till, 'SNA-001');
    await app.stop();

    // one page of the orders' index overwritten while the till is off
    const file = join(dataDir, 'counter-pos.sqlite');
    const db = new BetterSqlite3(file, { readonly: true });
    const page0 = (
      db.prepare(`select pageno from dbstat where name = 'orders_day' order by pageno limit 1`).get() as {
        pageno: number;
      }
    ).pageno;
    db.close();
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, (page0 - 1) * 4096);
    closeSync(fd);

    app = await startWebApp({ dataDir, env: ENV });
    till = await open(page, app);
    // the first sale meets the damaged page: refused, and the till says so on every screen
    await till.tile('DRI-003').click();
    await till.id('checkout').click();
    await expect(till.id('error-banner')).toHaveAttribute('data-code', 'STORAGE_CORRUPT');
    await expect(till.id('safety-banner')).toHaveAttribute('data-state', 'damaged');
    await expect(till.id('safety-banner')).toContainText('call the owner');
    await till.id('notice-dismiss').click();
    await shots(page, '2-banner-sell');
    await till.id('nav-orders').click();
    await expect(till.id('safety-banner')).toBeVisible();

    // the owner opens the guided restore from the banner
    await till.id('safety-banner-open').click();
    await ownerPin(page);
    await expect(till.id('safety-damage')).toBeVisible();
    await expect(page.locator('[data-testid="safety-areas"] li[data-area="sales"]')).toBeVisible();
    await expect(till.id('safety-restore-backup')).toBeVisible();
    await expect(page.locator('[data-testid="safety-reentry-order"]')).toHaveText([
      new RegExp(after1),
      new RegExp(after2),
    ]);
    await expect(till.id('safety-restore-dir')).toContainText('restores');
    await shots(page, '3-guided-restore', 'safety-restore-submit');

    await expect(till.id('safety-restore-submit')).toBeDisabled();
    await till.id('safety-restore-pin').fill('8888');
    await till.id('safety-restore-submit').click();
    await expect(till.id('safety-restore-done')).toBeVisible({ timeout: 30_000 });
    await expect(till.id('safety-export-file')).toContainText('sales-since-backup.json');
    await expect(till.id('safety-damaged-file')).toContainText('damaged-counter-pos.sqlite');
    await expect(till.id('safety-banner')).toHaveCount(0);
    await expect(till.id('safety-ok')).toBeVisible();
    await shots(page, '4-restored');

    // the recovered sales are there, and the till sells again
    await till.id('safety-back').click();
    await till.id('nav-orders').click();
    for (const n of [before, after1, after2]) await expect(page.getByText(n).first()).toBeVisible();
    await till.id('nav-sell').click();
    await cashSale(till, 'DRI-003');
  } finally {
    await app.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('the owner — only the owner — is told when a backup could not be copied to the second folder', async ({
  page,
}) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pos-e2e-'));
  const usb = mkdtempSync(join(tmpdir(), 'pos-usb-'));
  const app = await startWebApp({ dataDir, env: ENV });
  try {
    const till = await open(page, app);
    // the owner signs in
    await till.id('clerk-name').click();
    await page.locator('[data-testid="signin-user"][data-role="owner"]').click();
    await till.id('signin-pin').fill('8888');
    await till.id('signin-submit').click();
    await expect(till.id('sign-in')).toBeHidden();

    await till.id('nav-manage').click();
    await till.id('manage-data-safety').click();
    await till.id('safety-second-folder').fill(usb);
    await till.id('safety-settings-save').click();
    await expect(till.id('info-banner')).toBeVisible();
    rmSync(usb, { recursive: true, force: true }); // the drive is unplugged
    await till.id('safety-backup-now').click();
    await expect(till.id('error-banner')).toContainText('not copied to the second folder');
    await expect(page.locator('[data-testid="safety-backup"]').first()).toHaveAttribute('data-ok', 'true');
    await expect(page.locator('[data-testid="safety-backup"]').first()).toContainText('folder is missing');
    await till.id('safety-back').click();
    await till.id('nav-sell').click();
    await expect(till.id('safety-banner')).toHaveAttribute('data-state', 'backup-failed');
    await shots(page, '5-copy-failed-owner');
    // a clerk is not told (nothing they can do); the owner is, until they dismiss it
    const signIn = async (role: 'clerk' | 'owner', pin: string) => {
      await till.id('clerk-name').click();
      await page.locator(`[data-testid="signin-user"][data-role="${role}"]`).first().click();
      await till.id('signin-pin').fill(pin);
      await till.id('signin-submit').click();
      await expect(till.id('sign-in')).toBeHidden();
    };
    await signIn('clerk', '1234');
    await expect(till.id('safety-banner')).toHaveCount(0);
    await signIn('owner', '8888');
    await expect(till.id('safety-banner')).toHaveAttribute('data-state', 'backup-failed');
    await till.id('safety-banner-dismiss').click();
    await expect(till.id('safety-banner')).toHaveCount(0);
  } finally {
    await app.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(usb, { recursive: true, force: true });
  }
});
