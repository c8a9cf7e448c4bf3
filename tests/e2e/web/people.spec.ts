/**
 * People in browser mode: locking the till, signing in with a PIN (a wrong one refused), the owner
 * adding a clerk, the audit log showing it, and the new clerk selling under their name.
 */
import { PosPage } from '../support/pos-page';
import { expect, test } from '../support/web-app';

test('lock, sign in as the owner, add a clerk, read the audit log, switch to the new clerk', async ({ pos }) => {
  const till = new PosPage(pos);
  await expect(till.id('clerk-name')).toContainText('收银员 01');
  await till.id('clerk-name').click();
  await till.id('lock-till').click();
  await expect(till.id('sign-in')).toHaveAttribute('data-locked', 'true');
  await expect(till.id('signin-cancel')).toHaveCount(0);

  await pos.locator('[data-testid="signin-user"][data-role="owner"]').click();
  await till.id('signin-pin').fill('1111');
  await till.id('signin-submit').click();
  await expect(till.id('signin-error')).toContainText(/4/);
  for (const k of ['8', '8', '8', '8']) await till.id(`signin-key-${k}`).click();
  await pos.screenshot({ path: test.info().outputPath('sign-in.png') });
  await till.id('signin-submit').click();
  await expect(till.id('sign-in')).toBeHidden();
  await expect(till.id('clerk-name')).toContainText('店长');

  // the owner is signed in: no PIN is asked for owner work
  await till.id('nav-manage').click();
  await till.id('manage-people').click();
  await till.id('people-name').fill('Wang Fang');
  await till.id('people-pin').fill('2468');
  await till.id('people-add').click();
  await expect(pos.locator('[data-testid="people-user"]').filter({ hasText: 'Wang Fang' })).toBeVisible();
  await till.id('audit-show').click();
  await expect(pos.locator('[data-testid="audit-row"][data-action="user.add"]')).toContainText('Wang Fang');
  await pos.screenshot({ path: test.info().outputPath('people.png') });

  await till.id('clerk-name').click();
  await pos.locator('[data-testid="signin-user"]').filter({ hasText: 'Wang Fang' }).click();
  await till.id('signin-pin').fill('2468');
  await till.id('signin-pin').press('Enter');
  await expect(till.id('clerk-name')).toContainText('Wang Fang');
  await till.id('nav-sell').click();
  await till.tile('DRI-001').click();
  await till.checkout();
  await till.payCash('exact');
  await till.complete();
  await expect(till.id('receipt-clerk')).toContainText('Wang Fang');
});
