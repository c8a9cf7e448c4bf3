/**
 * Payments to check, in browser mode against the embedded sandbox: a customer's Alipay payment lands
 * after the clerk stopped the QR (the sandbox's `pay_after_close` scenario) and took cash;
 * asked from the order, it shows up under "To check"; a wrong owner PIN is refused in the dialog; the
 * owner refunds it through the intermediary.
 */
import { PosPage } from '../support/pos-page';
import { expect, test } from '../support/web-app';

test.describe('payments to check', () => {
  test('late money after a cash sale: found from the order, refunded by the owner with a note and a PIN; a wrong PIN is refused', async ({
    pos,
    app,
  }) => {
    expect(app.sandboxUrl).not.toBeNull();
    const scenario = await fetch(`${app.sandboxUrl}/_sandbox/scenarios`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'pay_after_close', provider: 'alipay', params: { seconds: 1 } }),
    });
    expect(scenario.ok).toBe(true);

    const till = new PosPage(pos);
    await till.tile('DRI-001').click();
    const number = await till.checkout();
    await till.id('pay-alipay-qr').click();
    await expect(till.id('payment-qr')).toBeVisible();
    // the customer would rather pay cash: the clerk stops the QR (closed upstream at once), takes cash
    await till.id('payment-stop').click();
    await expect(till.id('payment-qr')).toBeHidden({ timeout: 20_000 });
    await till.payCash('exact');
    await till.complete();
    await till.newSale();

    // later the customer comes back: their Alipay payment went through after the close
    await till.id('nav-orders').click();
    await pos.locator(`[data-testid="order-row"][data-number="${number}"]`).click();
    await expect(till.id('payment-check-late')).toBeVisible();
    await expect(async () => {
      await till.id('payment-check-late').click();
      await expect(till.id('check-count')).toHaveText(/^[1-9]/, { timeout: 2_000 });
    }).toPass({ timeout: 20_000 });

    await till.id('nav-check').click();
    await expect(till.id('attention-screen')).toBeVisible();
    const card = pos.locator(`[data-testid="check-exception"][data-kind="paid_after_close"]`);
    await expect(card).toContainText(number);
    await expect(card).toContainText('¥3.00');
    // the order was paid in cash: the money can only go back
    await expect(card.getByTestId('exception-accept')).toHaveCount(0);
    await pos.screenshot({ path: test.info().outputPath('check-late-money.png') });

    await card.getByTestId('exception-refund').click();
    await till.id('decision-confirm').click();
    await expect(till.id('decision-note-missing')).toBeVisible();
    await till.id('decision-note').fill('Paid cash after the QR expired; Alipay went through too');
    await till.id('decision-confirm').click();

    // the clerk is signed in: main asks for the owner; a wrong PIN stays in the dialog
    await expect(till.id('owner-pin-dialog')).toBeVisible();
    await till.id('owner-pin-input').fill('1111');
    await till.id('owner-pin-submit').click();
    await expect(till.id('owner-pin-error')).toContainText(/4/);
    await pos.screenshot({ path: test.info().outputPath('check-pin.png') });
    for (const k of ['8', '8', '8', '8']) await till.id(`pin-key-${k}`).click();
    await till.id('owner-pin-submit').click();
    await expect(till.id('owner-pin-dialog')).toBeHidden();

    await expect(pos.locator('[data-testid="check-resolved-item"][data-resolution="refunded"]')).toContainText(number, {
      timeout: 20_000,
    });
    await expect(till.id('check-count')).toBeHidden();
    await pos.screenshot({ path: test.info().outputPath('check-resolved.png') });
    // at the sandbox, the trade was refunded in full
    const trade = (await (await fetch(`${app.sandboxUrl}/_sandbox/trades?provider=alipay`)).json()) as unknown;
    expect(JSON.stringify(trade)).toMatch(/refund/i);
  });
});
