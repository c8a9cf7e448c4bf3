import { readFileSync } from 'node:fs';
import { expect, test } from '../support/web-app';
import { PosPage } from '../support/pos-page';

test.describe('a cash sale in browser mode', () => {
  test('by search: kkkl finds Coca-Cola, pay ¥50, change shown, receipt, new sale', async ({ pos }) => {
    const till = new PosPage(pos);
    await till.addBySearch('kkkl', 'DRI-001');
    await till.line('DRI-001').getByTestId('line-inc').click();
    await expect.poll(() => till.qty('DRI-001')).toBe(2);
    await expect(till.id('cart-total')).toHaveText('¥6.00');
    const number = await till.checkout();
    expect(number).toMatch(/^\d{8}-0001$/);
    await expect(till.id('amount-due')).toContainText('¥6.00');
    await till.payCash('exact');
    await till.id('cash-50').click();
    await expect(till.id('change-due')).toContainText('¥44.00');
    await till.complete();
    const receipt = till.id('receipt');
    await expect(receipt).toContainText(number);
    await expect(receipt).toContainText('Coca-Cola 330ml');
    await expect(receipt).toContainText('¥50.00');
    await expect(receipt).toContainText('¥44.00');
    await till.newSale();
    await expect(till.id('cart-line')).toHaveCount(0);

    await till.id('nav-orders').click();
    const row = pos.locator(`[data-testid="order-row"][data-number="${number}"]`);
    await expect(row).toContainText('¥6.00');
    await row.click();
    await expect(till.id('order-detail')).toContainText('Coca-Cola 330ml');
    await till.id('reprint-receipt').click();
    await expect(till.id('receipt')).toContainText(/REPRINT/i);
    await pos.keyboard.press('Escape');
    // the payment timeline (its wire exchanges) is the owner's: the owner's PIN, then the download
    const download = pos.waitForEvent('download');
    await till.id('export-timeline-csv').click();
    await expect(till.id('owner-pin-dialog')).toBeVisible();
    await till.id('owner-pin-input').fill('8888');
    await till.id('owner-pin-submit').click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`counter-pos-${number}-timeline.csv`);
    const text = readFileSync((await file.path())!, 'utf8');
    expect(text).toMatch(/^at,order,attempt_id,kind/);
    expect(text).toContain('cash.tendered');
  });

  test('by scanner: the code never leaks into the search box, and an unknown code is named', async ({ pos }) => {
    const till = new PosPage(pos);
    await till.id('product-search').click();
    await till.scan('6901939621608');
    await expect(till.line('DRI-001')).toBeVisible();
    await expect(till.id('product-search')).toHaveValue('');
    await till.scan('6901939621608');
    await expect.poll(() => till.qty('DRI-001')).toBe(2);
    // scanned with focus nowhere in particular
    await pos.locator('body').click({ position: { x: 5, y: 5 } });
    await till.scan('6900000000019');
    await expect(till.id('scan-error')).toContainText('6900000000019');
    await expect(till.id('cart-line')).toHaveCount(1);
    // a person typing in the search box is not mistaken for a scanner
    await till.id('product-search').pressSequentially('cola', { delay: 900 });
    await expect(till.id('product-search')).toHaveValue('cola');
  });

  test('park and resume: two customers at once, nothing lost', async ({ pos }) => {
    const till = new PosPage(pos);
    await till.tile('DRI-001').click();
    await till.tile('SNA-001').click();
    await expect(till.id('cart-line')).toHaveCount(2);
    await till.id('cart-park').click();
    // the name is optional: Enter parks it unnamed
    await expect(till.id('park-label')).toBeFocused();
    await pos.keyboard.press('Enter');
    await expect(till.id('cart-line')).toHaveCount(0);
    await till.tile('DAI-001').click();
    await till.id('parked-carts').click();
    await expect(till.id('parked-cart')).toHaveCount(1);
    await till.id('parked-cart').first().click();
    await expect(till.id('cart-line')).toHaveCount(2);
    await expect(till.line('SNA-001')).toBeVisible();
    // the cart in progress was parked in its place
    await till.id('parked-carts').click();
    await expect(till.id('parked-cart')).toHaveCount(1);
  });

  test('discounts: 10% off a line and ¥1 off the order, priced by main', async ({ pos }) => {
    const till = new PosPage(pos);
    await till.tile('SNA-001').click(); // ¥7.50
    await till.tile('DRI-001').click(); // ¥3.00
    await till.line('SNA-001').getByTestId('line-discount').click();
    const dialog = pos.getByTestId('discount-dialog');
    await dialog.getByTestId('discount-kind-percent').click();
    await dialog.getByTestId('discount-value').fill('10');
    await dialog.getByTestId('discount-apply').click();
    await expect(till.id('cart-total')).toHaveText('¥9.75');
    await till.id('order-discount').click();
    await dialog.getByTestId('discount-kind-amount').click();
    await dialog.getByTestId('discount-value').fill('1');
    await dialog.getByTestId('discount-apply').click();
    await expect(till.id('cart-total')).toHaveText('¥8.75');
    await till.checkout();
    await expect(till.id('amount-due')).toContainText('¥8.75');
    await till.payCash('10');
    await expect(till.id('change-due')).toContainText('¥1.25');
    await till.complete();
    await expect(till.id('receipt')).toContainText('¥8.75');
  });

  test('switches language at any time without losing the cart', async ({ pos }) => {
    const till = new PosPage(pos);
    await till.tile('DRI-001').click();
    await expect(till.line('DRI-001')).toContainText('Coca-Cola');
    await till.id('language-switch').click();
    await expect(till.line('DRI-001')).toContainText('可口可乐');
    await expect(till.id('checkout')).toContainText('结账');
    await expect(till.id('cart-total')).toHaveText('¥3.00');
    await pos.reload();
    await till.ready();
    await expect(till.line('DRI-001')).toContainText('可口可乐');
    await till.id('language-switch').click();
    await expect(till.line('DRI-001')).toContainText('Coca-Cola');
  });

  test('keyboard only: F2 search, Enter adds, F4 checkout, Enter completes, F8 new sale', async ({ pos }) => {
    const till = new PosPage(pos);
    await pos.keyboard.press('F2');
    await expect(till.id('product-search')).toBeFocused();
    await pos.keyboard.type('beer', { delay: 60 });
    await expect(till.id('product-tile').first()).toBeVisible();
    await pos.keyboard.press('Enter');
    await expect(till.id('cart-line')).toHaveCount(1);
    await pos.keyboard.press('F4');
    await expect(till.id('order-number')).toBeVisible();
    await till.id('pay-cash').click();
    await till.id('cash-100').click();
    await pos.keyboard.press('Enter');
    await expect(till.id('receipt')).toBeVisible();
    await pos.keyboard.press('F8');
    await expect(till.id('cart-line')).toHaveCount(0);
  });

  test('a tender below the total is refused in the clerk language, and the order stays payable', async ({ pos }) => {
    const till = new PosPage(pos);
    await till.id('language-switch').click();
    await till.tile('ALC-005').click(); // ¥22.00
    await till.checkout();
    await till.payCash('20');
    await expect(till.id('cash-complete')).toBeDisabled();
    await expect(till.id('still-needed')).toContainText('¥2.00');
    await expect(till.id('pay-screen')).toContainText('还差');
    await till.id('cash-tendered').fill('22');
    await expect(till.id('change-due')).toContainText('¥0.00');
    await till.complete();
  });

  test('back to cart: the order is cancelled and its lines return to the cart for editing', async ({ pos }) => {
    const till = new PosPage(pos);
    await till.tile('DRI-001').click();
    await till.tile('SNA-001').click();
    const number = await till.checkout();
    await till.id('pay-cancel').click();
    await till.id('confirm-yes').click();
    await expect(till.id('cart-line')).toHaveCount(2);
    await till.line('SNA-001').getByTestId('line-remove').click();
    const second = await till.checkout();
    expect(second).not.toBe(number);
    await expect(till.id('amount-due')).toContainText('¥3.00');
    await till.payCash('exact');
    await till.complete();
    await till.newSale();
    await till.id('nav-orders').click();
    await expect(pos.locator(`[data-testid="order-row"][data-number="${number}"]`)).toHaveAttribute(
      'data-status',
      'cancelled',
    );
    await expect(pos.locator(`[data-testid="order-row"][data-number="${second}"]`)).toHaveAttribute(
      'data-status',
      'paid',
    );
  });

  test('a one-step cash sale through the API (checkout.cashSale) shows on the open orders screen at once, paid in cash, with its receipt', async ({
    pos,
    app,
  }) => {
    const till = new PosPage(pos);
    await till.id('nav-orders').click();
    await expect(till.id('orders-none')).toBeVisible();
    // another program at the counter (a self-checkout, a test harness) sells through the same API
    const url = new URL(app.url);
    const call = async <T>(method: string, input: unknown): Promise<T> => {
      const res = await fetch(new URL('/api/invoke', url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${url.searchParams.get('token')}` },
        body: JSON.stringify({ method, input }),
      });
      const body = (await res.json()) as { ok: boolean; value: T; error?: { code: string } };
      expect(body.ok, body.error?.code).toBe(true);
      return body.value;
    };
    const [cola] = await call<{ id: number }[]>('catalog.search', { query: 'DRI-001' });
    await call('cart.add', { productId: cola!.id, qty: 2 });
    const sale = await call<{ order: { number: string; status: string } }>('checkout.cashSale', { tenderedFen: 1000 });
    expect(sale.order.status).toBe('paid');

    // pushed to the page (order.changed): no refresh needed
    const row = pos.locator(`[data-testid="order-row"][data-number="${sale.order.number}"]`);
    await expect(row).toHaveAttribute('data-status', 'paid');
    await expect(row).toContainText('¥6.00');
    await row.click();
    await expect(till.id('order-detail')).toContainText('Coca-Cola 330ml');
    await till.id('reprint-receipt').click();
    await expect(till.id('receipt-tendered')).toHaveText('¥10.00');
    await expect(till.id('receipt-change')).toHaveText('¥4.00');
  });
});
