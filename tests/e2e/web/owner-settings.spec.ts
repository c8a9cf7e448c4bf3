/**
 * Where money goes is the owner's (issue 9, defects 1 and 9), in browser mode, in both languages.
 * The clerk (signed in at start) opens Settings → WeChat Pay and points it at another gateway:
 * saving asks for the owner's PIN; cancelling saves nothing; a production gateway over plain
 * http:// is refused after approval, on the card, naming the field; a wrong PIN is refused in the
 * dialog; the owner's PIN saves it. Screenshots at 1024×768 and 1366×768 go to the test's output.
 */
import type { Page } from '@playwright/test';
import { PosPage } from '../support/pos-page';
import { expect, test } from '../support/web-app';

const SIZES = [
  { width: 1024, height: 768 },
  { width: 1366, height: 768 },
] as const;
const KEY = 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6';

async function shoot(page: Page, name: string): Promise<void> {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.screenshot({ path: test.info().outputPath(`${name}-${size.width}x${size.height}.png`) });
  }
}

for (const locale of ['en', 'zh-CN'] as const) {
  test.describe(`payment settings are the owner's (${locale})`, () => {
    test.use({ appEnv: { POS_LOCALE: locale === 'en' ? 'en-US' : 'zh-CN' } });

    test('the clerk rewires WeChat Pay: the owner PIN dialog appears, a wrong PIN is refused, http:// for production is refused, the owner’s PIN saves it', async ({
      pos,
    }) => {
      const till = new PosPage(pos);
      await till.id('nav-settings').click();
      await expect(till.id('settings-screen')).toBeVisible();
      await expect(till.id('settings-owner-note')).toBeVisible();
      const card = pos.locator('[data-testid="settings-provider"][data-provider="wechat"]');
      const field = (name: string) => card.locator(`[data-testid="settings-field"][data-name="${name}"]`);
      await expect(card).toHaveAttribute('data-state', 'ready');

      // the attack from the report, through the screen: a gateway on plain http, claimed to be production
      await card.getByTestId('settings-target').selectOption('custom');
      await card.getByTestId('settings-environment').selectOption('production');
      await field('apiBase').fill('http://127.0.0.1:9/wechat');
      await field('appId').fill('wx0000attacker0001');
      await field('mchId').fill('1900000109');
      await card.getByTestId('settings-secret-replace').click();
      await card.getByTestId('settings-secret-input').fill(KEY);

      // saving asks for the owner; cancelling saves nothing
      await card.getByTestId('settings-save').click();
      await expect(till.id('owner-pin-dialog')).toBeVisible();
      await expect(till.id('owner-pin-reason')).toContainText(locale === 'en' ? 'WeChat Pay' : '微信支付');
      await shoot(pos, `settings-pin-${locale}`);
      await till.id('owner-pin-cancel').click();
      await expect(till.id('owner-pin-dialog')).toHaveCount(0);
      await expect(card.getByTestId('settings-saved')).toHaveCount(0);
      await expect(till.id('sandbox-badge')).toBeVisible();

      // approved, the http:// production gateway is still refused, on the card, naming the field
      await card.getByTestId('settings-save').click();
      await till.id('owner-pin-input').fill('8888');
      await till.id('owner-pin-submit').click();
      await expect(till.id('owner-pin-dialog')).toHaveCount(0);
      const error = card.getByTestId('settings-error');
      await expect(error).toHaveAttribute('data-code', 'INVALID_INPUT');
      await expect(error).toContainText('https://');
      await expect(error).toContainText(locale === 'en' ? 'API base URL' : 'API 基础地址');
      await error.scrollIntoViewIfNeeded();
      await shoot(pos, `settings-https-${locale}`);

      // an https gateway: a wrong PIN stays in the dialog, the owner's PIN saves it
      await field('apiBase').fill('https://api.mch.example.test');
      await card.getByTestId('settings-save').click();
      await expect(till.id('owner-pin-dialog')).toBeVisible();
      await till.id('owner-pin-input').fill('0000');
      await till.id('owner-pin-submit').click();
      await expect(till.id('owner-pin-error')).toBeVisible();
      await shoot(pos, `settings-wrong-pin-${locale}`);
      await till.id('owner-pin-input').fill('8888');
      await till.id('owner-pin-submit').click();
      await expect(till.id('owner-pin-dialog')).toHaveCount(0);
      await expect(card.getByTestId('settings-saved')).toBeVisible();
      await expect(card).toHaveAttribute('data-state', 'ready');
      await expect(card.locator('[data-testid="settings-secret"][data-name="apiKey"]')).toHaveAttribute(
        'data-set',
        'true',
      );
      await expect(pos.getByText(KEY)).toHaveCount(0);
      // Alipay and YeePay are still on the embedded sandbox: the badge stays
      await expect(till.id('sandbox-badge')).toBeVisible();
      await card.scrollIntoViewIfNeeded();
      await shoot(pos, `settings-saved-${locale}`);
    });
  });
}
