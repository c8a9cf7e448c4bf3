/**
 * A day at the till in browser mode: the clerk opens the drawer with a float counted note by note,
 * sells for cash, and sees the drawer blind (the cash expected and the Z reports are the owner's);
 * the owner's PIN, given once, shows the X and the totals; closing by counting the drawer ¥3 short
 * needs a reason and the owner's PIN again (a change is always approved on its own); the Z is shown
 * and printed (window.print, stubbed), a second print is marked COPY.
 */
import { PosPage } from '../support/pos-page';
import { expect, test } from '../support/web-app';

test.describe('cash drawer', () => {
  test('open with a float, sell for cash, close with a variance and its reason, see and print the Z', async ({
    pos,
  }) => {
    const till = new PosPage(pos);
    const denom = (d: string) => pos.locator(`[data-testid="denom-row"][data-denomination="${d}"]`);
    const openDrawerScreen = async () => {
      await till.id('nav-manage').click();
      await till.id('manage-cash').click();
      await expect(till.id('cash-screen')).toBeVisible();
    };

    await openDrawerScreen();
    await expect(till.id('cash-session-card')).toHaveAttribute('data-status', 'none');
    await expect(till.id('cash-terminal')).toContainText('T01');

    // open: two ¥100 notes with +, five ¥10 notes typed
    await till.id('cash-open').click();
    await expect(till.id('cash-open-dialog')).toBeVisible();
    await denom('10000').getByTestId('denom-inc').click();
    await denom('10000').getByTestId('denom-inc').click();
    await denom('1000').getByTestId('denom-count').fill('5');
    await expect(denom('1000').getByTestId('denom-line-total')).toHaveText('¥50.00');
    await expect(till.id('cash-float-total')).toHaveText('¥250.00');
    await till.id('cash-open-submit').click();
    await expect(till.id('cash-open-dialog')).toBeHidden();
    await expect(till.id('cash-session-card')).toHaveAttribute('data-status', 'open');
    await expect(till.id('cash-float')).toHaveText('¥250.00');
    // the clerk sees the drawer blind
    await expect(till.id('cash-expected')).toHaveAttribute('data-hidden', 'true');
    await expect(till.id('cash-z-owner-only')).toBeVisible();

    // a cash sale of ¥3.00
    await till.id('nav-sell').click();
    await till.tile('DRI-001').click();
    await till.checkout();
    await till.payCash('exact');
    await till.complete();
    await till.newSale();

    await openDrawerScreen();
    await expect(till.id('cash-expected')).toHaveAttribute('data-hidden', 'true');
    await expect(pos.getByText('¥253.00')).toHaveCount(0);

    // the X report is the owner's: asked once for this screen
    await till.id('cash-x').click();
    await expect(till.id('owner-pin-dialog')).toBeVisible();
    for (const k of ['8', '8', '8', '8']) await till.id(`pin-key-${k}`).click();
    await till.id('owner-pin-submit').click();
    await expect(till.id('owner-pin-dialog')).toBeHidden();
    await expect(pos.locator('[data-testid="cash-report-method"][data-method="cash"]')).toHaveAttribute(
      'data-sales',
      '300',
    );
    await expect(till.id('cash-report-expected')).toContainText('¥253.00');
    await till.id('cash-x-close').click();
    await expect(till.id('cash-expected')).toHaveText('¥253.00');

    // close: ¥250.00 counted, ¥3.00 short (the totals are open on this screen now: no PIN to see them)
    await till.id('cash-close').click();
    await expect(till.id('owner-pin-dialog')).toHaveCount(0);
    await expect(till.id('cash-close-expected')).toHaveText('¥253.00');
    await expect(till.id('cash-close-variance')).toHaveAttribute('data-state', 'waiting');
    await denom('10000').getByTestId('denom-count').fill('2');
    await denom('1000').getByTestId('denom-count').fill('5');
    await expect(till.id('cash-close-counted')).toHaveText('¥250.00');
    await expect(till.id('cash-close-variance')).toHaveAttribute('data-state', 'short');
    await expect(till.id('cash-close-variance')).toHaveAttribute('data-variance', '-300');
    await expect(till.id('cash-close-variance')).toContainText('¥3.00');
    // a difference needs its reason
    await till.id('cash-close-submit').click();
    await expect(till.id('cash-close-problem')).toBeVisible();
    await till.id('cash-close-reason').fill('gave ¥3 too much change');
    await till.id('cash-close-submit').click();

    // the clerk is signed in: the owner approves the close itself with the PIN
    await expect(till.id('owner-pin-dialog')).toBeVisible();
    for (const k of ['8', '8', '8', '8']) await till.id(`pin-key-${k}`).click();
    await till.id('owner-pin-submit').click();
    await expect(till.id('owner-pin-dialog')).toBeHidden();

    // the Z
    await expect(till.id('cash-z-dialog')).toBeVisible();
    await expect(till.id('cash-closed-done')).toContainText('Z-T01-0001');
    const z = till.id('cash-report');
    await expect(z).toHaveAttribute('data-kind', 'Z');
    await expect(z).toHaveAttribute('data-number', 'Z-T01-0001');
    await expect(till.id('cash-report-counted')).toContainText('¥250.00');
    await expect(till.id('cash-report-variance')).toContainText('-¥3.00');
    await expect(till.id('cash-report-reason')).toContainText('gave ¥3 too much change');
    await expect(till.id('cash-z-copy')).toHaveCount(0);

    // print: browser mode prints the page (window.print, stubbed here); the second print is a COPY
    await pos.evaluate(() => {
      const w = globalThis as unknown as { __prints: number; print: () => void };
      w.__prints = 0;
      w.print = () => {
        w.__prints++;
      };
    });
    const prints = () => pos.evaluate(() => (globalThis as unknown as { __prints: number }).__prints);
    await till.id('cash-print-z').click();
    await expect.poll(prints).toBe(1);
    await expect(till.id('cash-print-status')).toBeVisible();
    await expect(till.id('cash-z-copy')).toHaveCount(0);
    await till.id('cash-print-z').click();
    await expect.poll(prints).toBe(2);
    await expect(till.id('cash-z-copy')).toBeVisible();
    await pos.screenshot({ path: test.info().outputPath('cash-z.png') });
    await till.id('cash-z-close').click();

    // the drawer is closed; the Z is listed with its variance
    await expect(till.id('cash-session-card')).toHaveAttribute('data-status', 'none');
    const row = pos.locator('[data-testid="cash-z-row"][data-number="Z-T01-0001"]');
    await expect(row.getByTestId('cash-z-variance')).toContainText('Short ¥3.00');
    await row.getByTestId('cash-z-view').click();
    await expect(till.id('cash-report')).toHaveAttribute('data-number', 'Z-T01-0001');
    await expect(till.id('cash-z-copy')).toBeVisible();
  });
});
