/**
 * Split tender (组合支付) in browser mode against the embedded sandbox: cash for a part (with change),
 * then Alipay QR for the rest, paid on the customer's phone page; the order is paid and the receipt
 * lists both parts. At 1024×768 and 1366×768, in both languages, by keyboard (F8, the amount, Enter)
 * with the QR picked by its key; the split row, the cash form and the QR are checked in view and
 * screenshots saved under test-results/split-tender/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  clippedTexts,
  expectQrUncovered,
  expectReachable,
  expectUncovered,
  layoutProblems,
} from '../support/layout-checks';
import { PosPage } from '../support/pos-page';
import { expect, test } from '../support/web-app';

const LOCALES = [
  {
    tag: 'en',
    env: 'en-US',
    owed: 'Still owed',
    parts: 'Paid in parts',
    cash: 'Cash',
    alipay: 'Alipay',
    paidSplit: 'Paid ¥10.50 (Cash ¥5.00 + Alipay ¥5.50)',
  },
  {
    tag: 'zh',
    env: 'zh-CN',
    owed: '尚欠',
    parts: '组合支付',
    cash: '现金',
    alipay: '支付宝',
    paidSplit: '已付款 ¥10.50（现金 ¥5.00 + 支付宝 ¥5.50）',
  },
] as const;
const SIZES = [
  { width: 1024, height: 768 },
  { width: 1366, height: 768 },
];
const SHOTS = join('test-results', 'split-tender');

for (const locale of LOCALES) {
  test.describe(`split tender in ${locale.tag}`, () => {
    test.use({ appEnv: { POS_LOCALE: locale.env } });
    // a long flow (a cash part, a QR part paid on the customer's page, a refund by the owner): on a
    // loaded CI machine it has run past the default 60 s with every step within its own wait
    test.describe.configure({ timeout: 120_000 });
    for (const size of SIZES) {
      test(`cash ¥5 (tendered ¥10) + Alipay QR for the rest, ${size.width}×${size.height}`, async ({
        pos,
        browser,
      }) => {
        mkdirSync(SHOTS, { recursive: true });
        const shot = (name: string) =>
          pos.screenshot({ path: join(SHOTS, `${size.width}x${size.height}-${locale.tag}-${name}.png`) });
        await pos.setViewportSize(size);
        const till = new PosPage(pos);
        await till.tile('DRI-001').click();
        await till.tile('SNA-001').click(); // ¥3.00 + ¥7.50
        const number = await till.checkout();

        // F8: this part's amount, Enter: on to the cash tendered
        await pos.keyboard.press('F8');
        await expect(till.id('split-amount')).toBeFocused();
        await pos.keyboard.type('5');
        await pos.keyboard.press('Enter');
        await expect(till.id('cash-tendered')).toBeFocused();
        await expect(till.id('still-needed')).toHaveText('¥5.00');
        await pos.keyboard.type('10');
        await expect(till.id('change-due')).toHaveText('¥5.00');
        // the change is read by the clerk: never under Complete (it was at 1024×768 with the drawer's note shown)
        await expectUncovered(till.id('change-due'), 'the change due', 4);
        await expectReachable(till.id('cash-complete'), 'Complete');
        expect(await layoutProblems(pos)).toEqual([]);
        // every method's name and small line whole, no "WeChat …" or "QR · custo…"
        expect(await clippedTexts(pos, '.method-label, .method-sub')).toEqual([]);
        await shot('1-cash-part');
        await pos.keyboard.press('Enter');

        // the part is paid; the order still owes ¥5.50 and stays on the pay screen
        await expect(till.id('split-owed')).toHaveText('¥5.50');
        await expect(till.id('split-part')).toHaveCount(1);
        await expect(till.id('split-part')).toContainText(locale.cash);
        await expect(till.id('order-number')).toHaveText(number);
        await shot('2-owed');

        // the rest by Alipay QR (F2), paid on the customer's phone
        await pos.keyboard.press('F2');
        const qr = till.id('payment-qr');
        await expectQrUncovered(qr);
        await shot('3-qr-rest');
        // the customer's phone is another device: its own browser context, not a tab beside the till's
        const phoneContext = await browser.newContext();
        const phone = await phoneContext.newPage();
        await phone.goto((await qr.getAttribute('data-content'))!);
        await expect(phone.getByText('¥5.50')).toBeVisible();
        await phone.getByTestId('customer-pay').click();

        // paid: the receipt lists both parts, the change under the cash part
        await expect(till.id('receipt')).toBeVisible({ timeout: 15_000 });
        // (a phone opened as a tab in the till's own context and closed here left the till's page unanswering
        // to Playwright, even bringToFront, in about one run in five: tests, not the till, which painted on)
        await phoneContext.close();
        await expect(till.id('receipt')).toContainText(number);
        await expect(till.id('receipt-parts')).toContainText(locale.parts);
        const parts = till.id('receipt-part');
        await expect(parts).toHaveCount(2);
        await expect(parts.nth(0)).toHaveAttribute('data-method', 'cash');
        await expect(parts.nth(0)).toContainText('¥5.00');
        await expect(parts.nth(0).getByTestId('receipt-change')).toHaveText('¥5.00');
        await expect(parts.nth(1)).toHaveAttribute('data-method', 'alipay');
        await expect(parts.nth(1)).toContainText(locale.alipay);
        await expect(parts.nth(1)).toContainText('¥5.50');
        await expect(till.id('receipt-paid-by')).toHaveAttribute('data-method', 'split');
        expect(await layoutProblems(pos)).toEqual([]);
        await shot('4-receipt');

        // the owner refunds ¥1.00 by amount from the Alipay part (chosen in the dialog)
        await till.newSale();
        await till.id('nav-orders').click();
        const row = pos.locator(`[data-testid="order-row"][data-number="${number}"]`);
        // the day's list names both methods of the split order, not only the first part's
        await expect(row.getByTestId('order-methods')).toHaveText(`${locale.cash} + ${locale.alipay}`);
        await shot('5-orders-list');
        await row.click();
        await till.id('order-refund').click();
        await expect(till.id('refund-refundable')).toContainText('¥10.50');
        await expect(pos.locator('.refund-summary-line')).toContainText(locale.paidSplit);
        await till.id('refund-kind-amount').click();
        const alipayPart = pos.locator('[data-testid="refund-part"]').filter({ hasText: locale.alipay });
        await expect(till.id('refund-part')).toHaveCount(3);
        await alipayPart.click();
        await till.id('refund-amount').fill('1');
        await till.id('refund-reason').fill('dented can');
        await expect(till.id('refund-total')).toHaveText('¥1.00');
        await shot('6-refund-dialog');
        await till.id('refund-confirm').click();
        await till.id('owner-pin-input').fill('8888');
        await till.id('owner-pin-submit').click();
        await expect(till.id('refund-dialog')).toBeHidden();
        await expect(till.id('order-refund')).toBeVisible();
        await till.id('order-refund').click();
        await expect(till.id('refund-refundable')).toContainText('¥9.50');
      });
    }
  });
}
