/**
 * Daily reconciliation in browser mode: yesterday's trading is made at an intermediary sandbox
 * (tests/e2e/support/recon-seed.ts, with the sandbox's clock set to yesterday), then the owner opens
 * Manage → Daily reconciliation, fetches the statements (the clerk is signed in: the owner's PIN is
 * asked by the shared owner approval, a wrong one refused), reads the totals per method with the
 * difference highlighted, resolves the payment that landed after the close with a note (the PIN asked
 * over the dialog, Enter submits it), and a second fetch changes nothing. (The approval's lock-out
 * message is pinned by pin-lock-and-discount.spec.ts.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { PosPage } from '../support/pos-page';
import { startWebApp, type WebApp } from '../support/web-app';

const root = resolve(__dirname, '../../..');

/** Runs the seed script; resolves with the day it traded once the sandbox keeps serving. */
function seed(dataDir: string, sandboxDir: string): Promise<{ child: ChildProcess; day: string }> {
  const child = spawn(
    process.execPath,
    ['scripts/node.mjs', '--import', 'tsx', 'tests/e2e/support/recon-seed.ts', dataDir, sandboxDir],
    {
      cwd: root,
      env: { ...process.env, RECON_SEED_DAILY_AT: '23:59' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`the seed did not finish in 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /RECON SEED READY \S+ (\d{4}-\d{2}-\d{2})/.exec(output);
      if (m) {
        clearTimeout(timer);
        done({ child, day: m[1]! });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`the seed exited with ${code}:\n${output}`));
    });
  });
}

test.describe('daily reconciliation', () => {
  // the seed (in beforeEach, within the test's time) and a dozen PIN checks: 60 s is too tight on a loaded machine
  test.describe.configure({ timeout: 120_000 });
  let dataDir: string;
  let sandboxDir: string;
  let seeded: { child: ChildProcess; day: string } | null = null;
  let app: WebApp | null = null;

  test.beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'pos-e2e-recon-'));
    sandboxDir = mkdtempSync(join(tmpdir(), 'pos-e2e-recon-sandbox-'));
    seeded = await seed(dataDir, sandboxDir);
    app = await startWebApp({ dataDir, env: { POS_SANDBOX: 'off' } });
  });

  test.afterEach(async () => {
    await app?.stop();
    if (seeded && seeded.child.exitCode === null) {
      const exited = new Promise((r) => seeded!.child.once('exit', r));
      seeded.child.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(sandboxDir, { recursive: true, force: true });
  });

  test("the owner fetches yesterday's statements, sees what differs and resolves it with a note; fetching again changes nothing", async ({
    page,
  }) => {
    const day = seeded!.day;
    await page.goto(app!.url);
    const till = new PosPage(page);
    await till.ready();
    await till.id('nav-manage').click();
    await till.id('manage-reconciliation').click();
    const screen = till.id('recon-screen');
    await expect(screen).toBeVisible();
    // reconciliation is the owner's to read: the clerk is signed in, the owner's PIN is asked once for the screen
    await expect(till.id('owner-pin-dialog')).toBeVisible();
    await till.id('owner-pin-input').fill('8888');
    await till.id('owner-pin-submit').click();
    await expect(till.id('owner-pin-dialog')).toBeHidden();
    if ((await screen.getAttribute('data-day')) !== day) await till.id('recon-day-input').fill(day);
    await expect(screen).toHaveAttribute('data-day', day);
    await expect(till.id('recon-queue')).toContainText(/Fetch the statements/);

    // the clerk is signed in: the owner's PIN is asked (the shared owner approval); a wrong one is refused in the dialog
    await till.id('recon-run').click();
    await expect(till.id('owner-pin-dialog')).toBeVisible();
    await expect(till.id('owner-pin-reason')).toContainText(day);
    await till.id('owner-pin-input').fill('0000');
    await till.id('owner-pin-submit').click();
    await expect(till.id('owner-pin-error')).toHaveAttribute('data-code', 'WRONG_PIN');
    await expect(till.id('owner-pin-error')).toContainText('attempts left');
    await till.id('owner-pin-input').fill('8888');
    await till.id('owner-pin-input').press('Enter');
    await expect(till.id('owner-pin-dialog')).toBeHidden({ timeout: 20_000 });

    const outcome = (p: string) => page.locator(`[data-testid="recon-run-outcome"][data-provider="${p}"]`);
    await expect(outcome('alipay')).toHaveAttribute('data-outcome', 'imported');
    await expect(outcome('wechat')).toHaveAttribute('data-outcome', 'imported');
    await expect(outcome('yeepay')).toHaveAttribute('data-outcome', 'empty');

    // totals per method: Alipay's statement holds ¥3.00 (after the close) + ¥25.00 (another till) more than the till
    const alipay = page.locator('[data-testid="recon-provider-row"][data-provider="alipay"]');
    await expect(alipay).toHaveAttribute('data-status', 'imported');
    await expect(alipay).toHaveAttribute('data-open', '2');
    await expect(alipay.getByTestId('recon-diff')).toHaveAttribute('data-diff-fen', '2800');
    await expect(alipay.getByTestId('recon-diff')).toHaveText(/\+¥28\.00/);
    const wechat = page.locator('[data-testid="recon-provider-row"][data-provider="wechat"]');
    await expect(wechat.getByTestId('recon-diff')).toHaveAttribute('data-diff-fen', '0');
    await expect(
      page.locator('[data-testid="recon-mode-row"][data-provider="alipay"][data-mode="unknown"]'),
    ).toBeVisible();

    // the queue, grouped by category
    const category = (c: string) => page.locator(`[data-testid="recon-category"][data-category="${c}"]`);
    await expect(category('paid_after_close')).toHaveAttribute('data-count', '1');
    await expect(category('missing_locally')).toHaveAttribute('data-count', '1');
    await expect(category('missing_locally')).toContainText('OTHERTILL0001');

    // resolve the payment that landed after the close: a resolution and a note are required
    await category('paid_after_close').getByTestId('recon-item-resolve').click();
    const dialog = till.id('recon-resolve-dialog');
    await expect(dialog).toBeVisible();
    await till.id('recon-resolve-submit').click();
    await expect(till.id('recon-resolve-hint')).toBeVisible();
    await dialog.locator('[data-testid="recon-resolution"][data-resolution="refunded"]').click();
    await expect(dialog.locator('[data-testid="recon-resolution"][data-resolution="refunded"]')).toHaveAttribute(
      'aria-checked',
      'true',
    );
    await till.id('recon-note').fill('Refunded in the Alipay merchant app');
    await till.id('recon-resolve-submit').click();
    // the owner's PIN over the resolve dialog: Escape closes only the PIN pad, Enter submits it
    await expect(till.id('owner-pin-dialog')).toBeVisible();
    await till.id('owner-pin-input').press('Escape');
    await expect(till.id('owner-pin-dialog')).toBeHidden();
    await expect(dialog).toBeVisible();
    await till.id('recon-resolve-submit').click();
    await till.id('owner-pin-input').fill('8888');
    await till.id('owner-pin-input').press('Enter');
    await expect(dialog).toBeHidden();
    await expect(category('paid_after_close')).toHaveCount(0);
    await expect(alipay).toHaveAttribute('data-open', '1');
    await expect(till.id('recon-resolved-list')).toHaveAttribute('data-count', '1');
    await till.id('recon-resolved-toggle').click();
    await expect(page.locator('[data-testid="recon-item-decision"][data-resolution="refunded"]')).toContainText(
      'Refunded in the Alipay merchant app',
    );
    await expect(page.locator(`[data-testid="recon-day-item"][data-day="${day}"]`)).toHaveAttribute('data-open', '1');

    // fetching again: already imported, nothing changed
    await till.id('recon-run').click();
    await till.id('owner-pin-input').fill('8888');
    await till.id('owner-pin-submit').click();
    await expect(outcome('alipay')).toHaveAttribute('data-outcome', 'already_imported');
    await expect(till.id('recon-outcomes')).toContainText('already imported');
    await expect(alipay).toHaveAttribute('data-open', '1');

    // the same screen in Chinese
    await till.id('language-switch').click();
    await expect(screen).toContainText('每日对账');
    await expect(category('missing_locally')).toContainText('对账单有，收银无记录');
  });
});
