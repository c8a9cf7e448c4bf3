/**
 * Every screen at the common counter sizes, in both languages (issue 12): the primary actions are in
 * the viewport and not covered (a tap at their centre reaches them), nothing runs off the screen
 * sideways, header labels stay on one line, touch targets are at least 44 px, and on Pay the QR's four
 * corners are not covered; in the header nothing is cut off by the header's edge or its brand column.
 * All screens at 1024×768 and 1366×768; Sell and Pay (and the header alone) also at 1280×800 and
 * 1920×1080. Screenshots go to POS_SCREENSHOT_DIR when it is set (else the test's output folder).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expectGoodLayout, expectQrUncovered, expectReachable } from '../support/layout-checks';
import { PosPage } from '../support/pos-page';
import { expect, test } from '../support/web-app';

/** Per language: the words a clerk should read (issue 12, "human text everywhere"). */
const LOCALES = [
  {
    tag: 'en',
    env: 'en-US',
    declined: 'The customer cancelled the Alipay payment on the phone',
    timeline: ['Order created', 'Payment started', 'Asked the intermediary to create the payment', 'Order paid'],
    audit: { action: 'Drawer opened', change: 'float: ¥200.00' },
  },
  {
    tag: 'zh',
    env: 'zh-CN',
    declined: '顾客在手机上取消了付款（支付宝）',
    timeline: ['创建订单', '发起支付', '请支付机构创建支付', '订单已付款'],
    audit: { action: '钱箱开班', change: '备用金: ¥200.00' },
  },
] as const;
type Words = (typeof LOCALES)[number];

type Size = { width: number; height: number };
const ALL_SCREENS: Size[] = [
  { width: 1024, height: 768 },
  { width: 1366, height: 768 },
];
const SELL_AND_PAY: Size[] = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
];

async function shot(page: Page, name: string): Promise<void> {
  const dir = process.env.POS_SCREENSHOT_DIR ?? test.info().outputPath('screens');
  mkdirSync(dir, { recursive: true });
  await page.mouse.move(0, 0);
  await page.screenshot({ path: join(dir, `${name}.png`) });
}

/** The screen is well laid out, its primary actions reachable; a screenshot is kept. */
async function check(page: Page, tag: string, screen: string, primary: string[] = []): Promise<void> {
  await page.mouse.move(0, 0);
  for (const id of primary) await expectReachable(page.getByTestId(id).first(), `${screen}: ${id}`);
  await expectGoodLayout(page, screen);
  await shot(page, `${tag}-${screen}`);
}

async function ownerPin(page: Page): Promise<void> {
  await expect(page.getByTestId('owner-pin-dialog')).toBeVisible();
  await expectReachable(page.getByTestId('owner-pin-submit'), 'owner PIN: submit');
  await page.getByTestId('owner-pin-input').fill('8888');
  await page.getByTestId('owner-pin-submit').click();
  await expect(page.getByTestId('owner-pin-dialog')).toBeHidden();
}

async function fillCart(till: PosPage): Promise<void> {
  for (const sku of ['DRI-001', 'SNA-005', 'DAI-001', 'INS-001', 'SNA-001', 'ALC-005']) await till.tile(sku).click();
  await expect(till.id('cart-line')).toHaveCount(6);
}

/** The customer pays or declines the QR on the phone (the sandbox's control API: no page to load, so no wait). */
async function customer(page: Page, sandboxUrl: string | null, action: 'pay' | 'decline'): Promise<void> {
  const otn = await page.getByTestId('payment-attempt').getAttribute('data-out-trade-no');
  const r = await fetch(`${sandboxUrl}/_sandbox/trades/alipay/${otn}/${action}`, { method: 'POST' });
  expect(r.status, await r.text()).toBe(200);
}

/** Sell with a full cart, then Pay: cash, a QR waiting, declined, expired, then paid by QR: the receipt. */
async function sellAndPay(page: Page, sandboxUrl: string | null, tag: string, words: Words): Promise<string> {
  const till = new PosPage(page);
  await fillCart(till);
  await check(page, tag, 'sell', ['checkout', 'product-search', 'language-switch', 'nav-check']);
  const number = await till.checkout();
  await till.id('cash-exact').click();
  await check(page, tag, 'pay-cash', ['cash-complete', 'pay-cancel', 'pay-alipay-qr']);

  // a QR, waiting: its four corners uncovered, the buttons under it reachable
  await till.id('pay-alipay-qr').click();
  const qr = till.id('payment-qr');
  await expect(qr).toBeVisible();
  await expectQrUncovered(qr);
  await check(page, tag, 'pay-qr', ['payment-query-now', 'payment-stop']);

  // the customer declines: the note, and Complete in view once cash is chosen
  await customer(page, sandboxUrl, 'decline');
  await expect(till.id('payment-ended')).toBeVisible({ timeout: 15_000 });
  // in the clerk's words, not main's note ("closed by the intermediary")
  await expect(till.id('payment-ended')).toContainText(words.declined);
  await expect(till.id('payment-ended')).not.toContainText('intermediary');
  await check(page, tag, 'pay-declined', ['payment-retry', 'pay-cash']);
  await till.id('pay-cash').click();
  await till.id('cash-exact').click();
  await check(page, tag, 'pay-declined-cash', ['cash-complete']);

  // again, left to expire (POS_QR_TTL_SECONDS)
  await till.id('pay-alipay-qr').click();
  await expect(qr).toBeVisible();
  await expect(till.id('payment-ended')).toHaveAttribute('data-state', /expired|closed|failed/, { timeout: 30_000 });
  await till.id('cash-exact').click();
  await check(page, tag, 'pay-expired', ['cash-complete', 'payment-retry']);

  // paid by QR: the receipt
  await till.id('payment-retry').click();
  await expect(qr).toBeVisible();
  await expectQrUncovered(qr);
  await customer(page, sandboxUrl, 'pay');
  await expect(till.id('receipt')).toBeVisible({ timeout: 15_000 });
  await check(page, tag, 'receipt', ['new-sale', 'print-receipt']);
  return number;
}

for (const locale of LOCALES) {
  test.describe(`layout in ${locale.tag}`, () => {
    test.use({ appEnv: { POS_LOCALE: locale.env, POS_QR_TTL_SECONDS: '25' } });

    for (const size of ALL_SCREENS) {
      const tag = `${size.width}x${size.height}-${locale.tag}`;
      test(`every screen at ${size.width}×${size.height}`, async ({ pos, app }) => {
        test.setTimeout(240_000);
        await pos.setViewportSize(size);
        const till = new PosPage(pos);
        const number = await sellAndPay(pos, app.sandboxUrl, tag, locale);
        await till.newSale();

        // Orders, the paid order's detail and its refund dialog
        await till.id('nav-orders').click();
        await pos.locator(`[data-testid="order-row"][data-number="${number}"]`).click();
        await expect(till.id('order-detail')).toBeVisible();
        await check(pos, tag, 'orders', ['order-refund', 'reprint-receipt']);
        // the timeline in words: no event or state codes, no empty-state marks
        const timeline = till.id('order-timeline');
        for (const w of locale.timeline) await expect(timeline).toContainText(w);
        const timelineText = await timeline.innerText();
        expect(timelineText).not.toMatch(/\b(wire|order|attempt|transition)\b|\b[a-z]+\.[a-z_]+\b|∅|_/);
        await till.id('order-refund').click();
        await expect(till.id('refund-dialog')).toBeVisible();
        await check(pos, tag, 'refund-dialog', ['refund-confirm', 'refund-cancel']);
        await till.id('refund-cancel').click();

        // To check
        await till.id('nav-check').click();
        await expect(till.id('attention-screen')).toBeVisible();
        await check(pos, tag, 'check', ['check-refresh']);

        // Manage and each section
        await till.id('nav-manage').click();
        await expect(till.id('manage-screen')).toBeVisible();
        await check(pos, tag, 'manage', ['manage-cash', 'manage-data-safety']);

        await till.id('manage-cash').click();
        await expect(till.id('cash-screen')).toBeVisible();
        await check(pos, tag, 'cash', ['cash-open']);
        await till.id('cash-open').click();
        await expect(till.id('cash-open-dialog')).toBeVisible();
        await check(pos, tag, 'cash-open', ['cash-open-submit']);
        await till.id('cash-float-by-amount').click();
        await till.id('cash-float-input').fill('200');
        await till.id('cash-open-submit').click();
        await expect(till.id('cash-open-dialog')).toBeHidden();
        await till.id('cash-paid-in').click();
        await expect(till.id('cash-move-dialog')).toBeVisible();
        await check(pos, tag, 'cash-paid-in', ['cash-move-submit']);
        await till.id('cash-move-cancel').click();
        await till.id('cash-x').click();
        await ownerPin(pos);
        await expect(till.id('cash-x-dialog')).toBeVisible();
        await check(pos, tag, 'cash-x', ['cash-print-x', 'cash-x-close']);
        await till.id('cash-x-close').click();
        await till.id('cash-close').click();
        await expect(till.id('cash-close-dialog')).toBeVisible();
        await check(pos, tag, 'cash-close', ['cash-close-submit']);
        await till.id('cash-close-cancel').click();
        await till.id('cash-back').click();

        await till.id('manage-catalogue').click();
        await ownerPin(pos);
        await expect(till.id('catalogue-screen')).toBeVisible();
        await check(pos, tag, 'catalogue', ['catalogue-add']);
        await till.id('catalogue-edit').first().click();
        await expect(till.id('product-dialog')).toBeVisible();
        await check(pos, tag, 'product-dialog', ['product-save', 'product-cancel']);
        await till.id('product-cancel').click();
        await till.id('catalogue-back').click();

        await till.id('manage-reports').click();
        await ownerPin(pos);
        await expect(till.id('reports-screen')).toHaveAttribute('data-state', 'ready');
        await check(pos, tag, 'reports', ['reports-back']);
        await till.id('reports-back').click();

        await till.id('manage-reconciliation').click();
        await ownerPin(pos);
        await expect(till.id('recon-screen')).toBeVisible();
        await check(pos, tag, 'reconciliation', ['recon-run']);
        await till.id('nav-manage').click();

        await till.id('manage-people').click();
        await expect(till.id('people-screen')).toBeVisible();
        await till.id('audit-show').click();
        await ownerPin(pos);
        const opened = pos.locator('[data-testid="audit-row"][data-action="cash.session.open"]');
        await expect(opened).toContainText(locale.audit.action);
        await expect(opened).toContainText(locale.audit.change);
        // words, not JSON or action codes
        expect(await till.id('audit-log').innerText()).not.toMatch(/[{}"]|cash\.session|Fen\b/);
        await check(pos, tag, 'people');
        await till.id('nav-manage').click();

        await till.id('manage-data-safety').click();
        await ownerPin(pos);
        await expect(till.id('safety-screen')).toBeVisible();
        await check(pos, tag, 'data-safety', ['safety-back']);

        await till.id('nav-settings').click();
        await expect(till.id('settings-screen')).toBeVisible();
        await check(pos, tag, 'settings');
      });
    }

    // the header alone at every counter size: the brand column's two rows (names, badges) whole and
    // inside it, every label on one line, the targets ≥ 44 px (expectGoodLayout's header checks)
    test('the header at every counter size', async ({ pos }) => {
      for (const size of [...ALL_SCREENS, ...SELL_AND_PAY]) {
        await pos.setViewportSize(size);
        await expect(pos.getByTestId('browser-mode')).toBeVisible();
        for (const id of ['store-name', 'sandbox-badge', 'browser-mode', 'language-switch', 'nav-settings'])
          await expectReachable(pos.getByTestId(id), `${size.width}×${size.height}: ${id}`);
        await expectGoodLayout(pos, `header at ${size.width}×${size.height}`);
        await shot(pos, `${size.width}x${size.height}-${locale.tag}-header`);
      }
    });

    for (const size of SELL_AND_PAY) {
      const tag = `${size.width}x${size.height}-${locale.tag}`;
      test(`Sell and Pay at ${size.width}×${size.height}`, async ({ pos, app }) => {
        test.setTimeout(180_000);
        await pos.setViewportSize(size);
        await sellAndPay(pos, app.sandboxUrl, tag, locale);
      });
    }
  });
}
