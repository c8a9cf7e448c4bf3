/**
 * Intermediary sales in browser mode against the embedded sandbox: the customer's phone is a second
 * page opened at the URL the QR encodes; the YeePay cashier page opens in a popup.
 */
import { PosPage } from '../support/pos-page';
import { expect, test } from '../support/web-app';

async function toPay(till: PosPage): Promise<string> {
  await till.tile('DRI-001').click();
  await till.tile('SNA-001').click(); // ¥3.00 + ¥7.50
  return till.checkout();
}

test.describe('intermediary payments in browser mode', () => {
  test('shows the SANDBOX badge when the embedded sandbox is on', async ({ pos }) => {
    await expect(pos.getByTestId('sandbox-badge')).toBeVisible();
  });

  for (const provider of ['alipay', 'wechat'] as const) {
    test(`${provider} QR: the customer scans and pays on the phone; the till shows paid and prints the receipt`, async ({
      pos,
      context,
    }) => {
      const till = new PosPage(pos);
      const number = await toPay(till);
      await till.id(`pay-${provider}-qr`).click();
      const qr = till.id('payment-qr');
      await expect(qr).toBeVisible();
      await expect(till.id('payment-countdown')).toHaveText(/\d+:\d\d/);
      await expect(till.id('payment-status')).toHaveAttribute('data-state', 'pending');
      const content = await qr.getAttribute('data-content');
      expect(content).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
      const phone = await context.newPage();
      await phone.goto(content!);
      await expect(phone.getByText('¥10.50')).toBeVisible();
      await phone.getByTestId('customer-pay').click();
      await expect(till.id('receipt')).toBeVisible({ timeout: 15_000 });
      await expect(till.id('receipt')).toContainText(number);
      await expect(till.id('receipt')).not.toContainText(/REPRINT|重印/);
      await expect(till.id('receipt-method')).toContainText(provider === 'alipay' ? 'Alipay' : 'WeChat');
      await phone.close();
    });
  }

  test('YeePay: the cashier page opens in a popup, the buyer picks a bank and pays, the return is confirmed', async ({
    pos,
  }) => {
    const till = new PosPage(pos);
    await toPay(till);
    const popupPromise = pos.waitForEvent('popup');
    await till.id('pay-yeepay').click();
    const popup = await popupPromise;
    await popup.getByTestId('cashier-pay').click();
    await expect(till.id('receipt')).toBeVisible({ timeout: 15_000 });
    await expect(till.id('receipt-method')).toContainText('YeePay');
  });

  test('payment code: the customer confirms on the phone (USERPAYING / 10003), then paid', async ({ pos }) => {
    const till = new PosPage(pos);
    await toPay(till);
    await till.id('pay-code').click();
    await till.id('payment-code-input').waitFor();
    // a sandbox code ending 1111: ten seconds of "entering password", then paid
    await till.scan('281234567890121111');
    await expect(till.id('payment-status')).toHaveAttribute('data-state', 'pending');
    await expect(till.id('receipt')).toBeVisible({ timeout: 25_000 });
    await expect(till.id('receipt-method')).toContainText('Alipay');
  });

  test('a declined payment code leaves the order payable, and cash completes it', async ({ pos }) => {
    const till = new PosPage(pos);
    await toPay(till);
    await till.id('pay-code').click();
    await till.id('payment-code-input').fill('134567890123454444'); // WeChat, declined by the sandbox
    await till.id('payment-code-input').press('Enter');
    await expect(till.id('error-banner').or(till.id('payment-status'))).toContainText(
      /declin|NOTENOUGH|balance|余额|拒/i,
    );
    await till.payCash('exact');
    await till.complete();
  });

  test.describe('with a 6-second QR', () => {
    test.use({ appEnv: { POS_QR_TTL_SECONDS: '6' } });

    test('an unpaid QR expires: closed upstream, back to the method choice with the order intact', async ({ pos }) => {
      const till = new PosPage(pos);
      const number = await toPay(till);
      await till.id('pay-alipay-qr').click();
      await expect(till.id('payment-qr')).toBeVisible();
      await expect(till.id('payment-qr')).toBeHidden({ timeout: 20_000 });
      await expect(till.id('order-number')).toHaveText(number);
      await expect(till.id('pay-cash')).toBeVisible();
      await till.payCash('exact');
      await till.complete();
      await till.newSale();
      await till.id('nav-orders').click();
      await pos.locator(`[data-testid="order-row"][data-number="${number}"]`).click();
      await expect(till.id('order-timeline')).toContainText(/expired/i);
    });
  });
});
