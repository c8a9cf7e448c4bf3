import { ELECTRON, SKIP_REASON, expect, test } from '../support/electron-app';
import { PosPage } from '../support/pos-page';

test.skip(!ELECTRON, SKIP_REASON);

test('a cash sale in the Electron app: search, scan, pay, receipt, orders', async ({ window }) => {
  const till = new PosPage(window);
  await till.addBySearch('kkkl', 'DRI-001');
  await till.id('product-search').click();
  await till.scan('6901939621608');
  await expect.poll(() => till.qty('DRI-001')).toBe(2);
  await expect(till.id('product-search')).toHaveValue('');
  const number = await till.checkout();
  await till.payCash('exact');
  await till.id('cash-50').click();
  await expect(till.id('change-due')).toContainText('¥44.00');
  await till.complete();
  await expect(till.id('receipt')).toContainText(number);
  await till.newSale();
  await till.id('nav-orders').click();
  await expect(window.locator(`[data-testid="order-row"][data-number="${number}"]`)).toContainText('¥6.00');
});

test('park, resume and a language switch in the Electron app', async ({ window }) => {
  const till = new PosPage(window);
  await till.tile('DRI-001').click();
  await till.id('cart-park').click();
  await window.keyboard.press('Enter'); // the name is optional
  await till.tile('SNA-001').click();
  await till.id('parked-carts').click();
  await till.id('parked-cart').first().click();
  await expect(till.line('DRI-001')).toBeVisible();
  await till.id('language-switch').click();
  await expect(till.line('DRI-001')).toContainText('可口可乐');
});
