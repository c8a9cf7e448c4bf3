import { ELECTRON, SKIP_REASON, expect, test } from '../support/electron-app';
import { PosPage } from '../support/pos-page';

test.skip(!ELECTRON, SKIP_REASON);

test('owner work in the Electron app: a clerk is refused a refund without the PIN; the owner refunds part of a sale', async ({
  window,
}) => {
  const till = new PosPage(window);
  await till.tile('DRI-001').click();
  await till.tile('SNA-001').click();
  const number = await till.checkout();
  await till.payCash('exact');
  await till.complete();
  await till.newSale();

  await till.id('nav-orders').click();
  await window.locator(`[data-testid="order-row"][data-number="${number}"]`).click();
  await till.id('order-refund').click();
  await till.id('refund-kind-lines').click();
  await window
    .locator('[data-testid="refund-line"]')
    .filter({ hasText: /Coca-Cola|可口可乐/ })
    .getByTestId('refund-line-plus')
    .click();
  await till.id('refund-reason').fill('Can was dented');
  await till.id('refund-confirm').click();
  await expect(till.id('owner-pin-dialog')).toBeVisible();
  await till.id('owner-pin-cancel').click();
  await expect(till.id('order-detail')).toHaveAttribute('data-status', 'paid');

  await till.id('refund-confirm').click();
  await till.id('owner-pin-input').fill('8888');
  await till.id('owner-pin-submit').click();
  await expect(till.id('order-detail')).toHaveAttribute('data-status', 'partially_refunded');
});
