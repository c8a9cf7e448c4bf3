import { ELECTRON, SKIP_REASON, expect, test } from '../support/electron-app';
import { PosPage } from '../support/pos-page';

test.skip(!ELECTRON, SKIP_REASON);

async function toPay(till: PosPage): Promise<string> {
  await till.tile('DRI-001').click();
  await till.tile('SNA-001').click();
  return till.checkout();
}

test('Alipay QR in the Electron app: paid by the customer (sandbox control API), receipt shows Alipay', async ({
  window,
  request,
}) => {
  const till = new PosPage(window);
  await expect(till.id('sandbox-badge')).toBeVisible({ timeout: 15_000 });
  await toPay(till);
  await till.id('pay-alipay-qr').click();
  const content = await till.id('payment-qr').getAttribute('data-content');
  const base = new URL(content!).origin;
  const otn = await till.id('payment-attempt').getAttribute('data-out-trade-no');
  const paid = await request.post(`${base}/_sandbox/trades/alipay/${otn}/pay`, { data: {} });
  expect(paid.status()).toBe(200);
  await expect(till.id('receipt')).toBeVisible({ timeout: 15_000 });
  await expect(till.id('receipt-paid-by')).toHaveAttribute('data-method', 'alipay');
});

test('YeePay in the Electron app: the cashier page opens in a child window limited to the gateway', async ({
  window,
  electronApp,
}) => {
  const till = new PosPage(window);
  await expect(till.id('sandbox-badge')).toBeVisible({ timeout: 15_000 });
  await toPay(till);
  const cashierPromise = electronApp.waitForEvent('window');
  await till.id('pay-yeepay').click();
  const cashier = await cashierPromise;
  await cashier.getByTestId('cashier-pay').click();
  await expect(till.id('receipt')).toBeVisible({ timeout: 15_000 });
});

test('payment code in the Electron app: scanned, USERPAYING, then paid', async ({ window }) => {
  test.setTimeout(45_000);
  const till = new PosPage(window);
  await expect(till.id('sandbox-badge')).toBeVisible({ timeout: 15_000 });
  await toPay(till);
  await till.id('pay-code').click();
  await till.id('payment-code-input').waitFor();
  await till.scan('134567890123451111');
  await expect(till.id('receipt')).toBeVisible({ timeout: 25_000 });
  await expect(till.id('receipt-paid-by')).toHaveAttribute('data-method', 'wechat');
});
