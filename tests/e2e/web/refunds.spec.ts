/**
 * Refunds in browser mode against the embedded sandbox: an owner refunds one item of an Alipay QR
 * sale through the intermediary; without the owner's PIN nothing happens.
 */
import { PosPage } from '../support/pos-page';
import { expect, test } from '../support/web-app';

test('an owner refunds part of a QR sale; without the PIN nothing is refunded', async ({ pos, context, app }) => {
  const till = new PosPage(pos);
  await till.tile('DRI-001').click();
  await till.tile('DRI-001').click();
  await till.tile('SNA-001').click(); // 2 × ¥3.00 + ¥7.50
  const number = await till.checkout();
  await till.id('pay-alipay-qr').click();
  const content = await till.id('payment-qr').getAttribute('data-content');
  const phone = await context.newPage();
  await phone.goto(content!);
  await phone.getByTestId('customer-pay').click();
  await expect(till.id('receipt')).toBeVisible({ timeout: 15_000 });
  await phone.close();
  await till.newSale();

  await till.id('nav-orders').click();
  await pos.locator(`[data-testid="order-row"][data-number="${number}"]`).click();
  await till.id('order-refund').click();
  await expect(till.id('refund-refundable')).toContainText('¥13.50');
  await till.id('refund-kind-lines').click();
  const cola = pos.locator('[data-testid="refund-line"]').filter({ hasText: /Coca-Cola/ });
  await cola.getByTestId('refund-line-plus').click();
  await expect(till.id('refund-total')).toHaveText('¥3.00');
  await till.id('refund-reason').fill('Can was dented');

  // the clerk cannot approve it: the owner's PIN is asked, and going back refunds nothing
  await till.id('refund-confirm').click();
  await expect(till.id('owner-pin-dialog')).toBeVisible();
  await till.id('owner-pin-cancel').click();
  await expect(till.id('owner-pin-dialog')).toBeHidden();
  await expect(till.id('order-detail')).toHaveAttribute('data-status', 'paid');

  await till.id('refund-confirm').click();
  await till.id('owner-pin-input').fill('8888');
  await pos.screenshot({ path: test.info().outputPath('refund-dialog.png') });
  await till.id('owner-pin-submit').click();
  await expect(till.id('refund-dialog')).toBeHidden();
  await expect(till.id('order-detail')).toHaveAttribute('data-status', 'partially_refunded', { timeout: 15_000 });
  await pos.screenshot({ path: test.info().outputPath('refund-done.png') });

  // the sandbox refunded ¥3.00 of the trade
  const trades = (await (await fetch(`${app.sandboxUrl}/_sandbox/trades?provider=alipay`)).json()) as {
    trades: { refunded_fen: number }[];
  };
  expect(trades.trades[0]!.refunded_fen).toBe(300);
  // and the rest can still be refunded
  await till.id('order-refund').click();
  await expect(till.id('refund-refundable')).toContainText('¥10.50');
});
