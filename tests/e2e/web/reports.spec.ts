/**
 * Sales review in browser mode: after two cash sales (one with an order discount), the owner opens
 * Manage → Sales review and approves with their PIN at the clerk's till, sees today's totals, the
 * charts and the product table, switches to yesterday (nothing), a custom range and another table
 * without being asked again, exports the CSV and prints; a clerk without the owner's PIN is refused.
 */
import { readFileSync } from 'node:fs';
import { PosPage } from '../support/pos-page';
import { expect, test } from '../support/web-app';

test.use({ appEnv: { POS_SANDBOX: 'off' } });

async function openReports(till: PosPage): Promise<void> {
  await till.id('nav-manage').click();
  await till.id('manage-reports').click();
  await expect(till.id('owner-pin-dialog')).toBeVisible();
}

test.describe('sales review', () => {
  test('the owner reviews today: totals, charts, tables, another range, CSV and print', async ({ pos }) => {
    const till = new PosPage(pos);
    // two cash sales: 2 colas (¥6.00), then 2 colas with ¥1.00 off the order (¥5.00; under the 20 % a clerk may give)
    await till.tile('DRI-001').click();
    await till.tile('DRI-001').click();
    const first = await till.checkout();
    await till.payCash('exact');
    await till.complete();
    await till.newSale();
    await till.tile('DRI-001').click();
    await till.tile('DRI-001').click();
    await till.id('order-discount').click();
    await till.id('discount-kind-amount').click();
    await till.id('discount-value').fill('1');
    await till.id('discount-apply').click();
    await expect(till.id('cart-total')).toHaveText('¥5.00');
    await till.checkout();
    await till.payCash('exact');
    await till.complete();
    await till.newSale();

    await openReports(till);
    await expect(till.id('owner-pin-reason')).toContainText('sales review');
    await till.id('owner-pin-input').fill('8888');
    await till.id('owner-pin-submit').click();
    const screen = till.id('reports-screen');
    await expect(screen).toHaveAttribute('data-state', 'ready');
    const day = first.slice(0, 8).replace(/^(\d{4})(\d{2})(\d{2})$/, '$1-$2-$3');
    await expect(screen).toHaveAttribute('data-from', day);
    const card = (id: string) => pos.locator(`[data-testid="reports-card"][data-card="${id}"]`);
    await expect(card('net')).toHaveAttribute('data-value', '1100');
    await expect(card('net')).toContainText('¥11.00');
    await expect(card('orders')).toContainText('2');
    await expect(card('avg')).toContainText('¥5.50');
    await expect(card('discounts')).toContainText('¥1.00');
    await expect(card('refunds')).toContainText('¥0.00');
    // one day: the hour chart, methods and categories (no chart by day)
    await expect(till.id('reports-chart-hour')).toHaveAttribute('data-empty', 'false');
    await expect(till.id('reports-chart-hour').locator('canvas')).toBeVisible();
    await expect(till.id('reports-chart-method').locator('canvas')).toBeVisible();
    await expect(till.id('reports-chart-category').locator('canvas')).toBeVisible();
    await expect(till.id('reports-chart-day')).toHaveCount(0);
    const products = pos.locator('[data-testid="reports-table"][data-table="products"]');
    await expect(products.locator('[data-testid="reports-row"][data-key="DRI-001"]')).toContainText('Coca-Cola 330ml');
    await expect(products.locator('[data-testid="reports-row"][data-key="DRI-001"]')).toContainText('¥11.00');
    await pos.screenshot({ path: test.info().outputPath('reports-today.png'), fullPage: true });

    // yesterday: nothing sold; no PIN asked again while the screen is open
    await pos.locator('[data-testid="reports-preset"][data-preset="yesterday"]').click();
    await expect(screen).toHaveAttribute('data-from', /\d/);
    await expect(till.id('reports-empty')).toBeVisible();
    await expect(till.id('owner-pin-dialog')).toBeHidden();

    // a custom range: yesterday to today, with the chart by day; a backwards range cannot be asked for
    const yesterday = await screen.getAttribute('data-from');
    await till.id('reports-from').fill(day);
    await till.id('reports-to').fill(yesterday!);
    await expect(till.id('reports-range-error')).toBeVisible();
    await expect(till.id('reports-apply')).toBeDisabled();
    await till.id('reports-from').fill(yesterday!);
    await till.id('reports-to').fill(day);
    await till.id('reports-apply').click();
    await expect(screen).toHaveAttribute('data-from', yesterday!);
    await expect(screen).toHaveAttribute('data-state', 'ready');
    await expect(till.id('reports-chart-day')).toHaveAttribute('data-points', '2');
    await expect(card('orders')).toContainText('2');
    await pos.locator('[data-testid="reports-tab"][data-tab="methods"]').click();
    await expect(
      pos.locator(
        '[data-testid="reports-table"][data-table="methods"] [data-testid="reports-row"][data-key="cash/cash"]',
      ),
    ).toContainText('¥11.00');
    await pos.locator('[data-testid="reports-tab"][data-tab="days"]').click();
    await expect(
      pos.locator('[data-testid="reports-table"][data-table="days"] [data-testid="reports-row"]'),
    ).toHaveCount(3); // two days and the total

    const download = pos.waitForEvent('download');
    await till.id('reports-export-csv').click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`counter-pos-sales-${yesterday}-to-${day}.csv`);
    const csv = readFileSync((await file.path())!, 'utf8');
    expect(csv).toMatch(/^\uFEFFsection,key,name/);
    expect(csv).toContain(`summary,${yesterday}..${day},Total,,2,4,12.00,1.00,11.00,0.00,0,11.00,5.50`);

    await till.id('reports-print').click();
    const frame = pos.locator('iframe[data-testid="reports-print-frame"]');
    await expect(frame).toHaveCount(1);
    await expect(pos.frameLocator('iframe[data-testid="reports-print-frame"]').locator('h1')).toContainText(
      'Sales review',
    );
    await expect(till.id('owner-pin-dialog')).toBeHidden();

    await till.id('reports-back').click();
    await expect(till.id('manage-screen')).toBeVisible();
  });

  test('a clerk without the owner PIN is refused', async ({ pos, app }) => {
    const till = new PosPage(pos);
    await openReports(till);
    await till.id('owner-pin-input').fill('1111');
    await till.id('owner-pin-submit').click();
    await expect(till.id('owner-pin-error')).toBeVisible();
    await till.id('owner-pin-cancel').click();
    await expect(till.id('owner-pin-dialog')).toBeHidden();
    await expect(till.id('reports-screen')).toHaveAttribute('data-state', 'refused');
    await expect(till.id('reports-refused')).toBeVisible();
    await expect(pos.locator('[data-testid="reports-card"]')).toHaveCount(0);
    await expect(till.id('reports-export-csv')).toBeDisabled();
    // and main refuses the call itself, whatever the screen shows
    const url = new URL(app.url);
    const answer = (await (
      await fetch(`${url.origin}/api/invoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${url.searchParams.get('token')}` },
        body: JSON.stringify({ method: 'reports.sales', input: { from: '2026-01-01', to: '2026-01-31' } }),
      })
    ).json()) as unknown;
    expect(answer).toMatchObject({ ok: false, error: { code: 'OWNER_APPROVAL_REQUIRED' } });
    // the owner can still approve from here
    await till.id('reports-retry').click();
    await till.id('owner-pin-input').fill('8888');
    await till.id('owner-pin-submit').click();
    await expect(till.id('reports-screen')).toHaveAttribute('data-state', 'ready');
  });
});
