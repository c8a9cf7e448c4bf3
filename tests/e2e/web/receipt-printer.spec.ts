/**
 * A 58 mm LAN receipt printer set up from Settings, in browser mode, in both languages (issue 13,
 * "done when"): the clerk points the till at the fake network printer (tests/support/fake-printer.ts)
 * and the owner's PIN saves it; the test page's bytes decode to its Chinese and English lines, a QR
 * and a cut; a cash sale kicks the drawer and its receipt prints with the order number as a QR; a
 * printer out of paper is named, the receipt is kept and printed once on retry from Settings.
 * Screenshots at 1024×768 and 1366×768 go to the test's output.
 */
import type { Page } from '@playwright/test';
import { readEscPos } from '../../support/escpos-reader';
import { startFakePrinter, type FakePrinter } from '../../support/fake-printer';
import { PosPage } from '../support/pos-page';
import { expect, test } from '../support/web-app';

const SIZES = [
  { width: 1024, height: 768 },
  { width: 1366, height: 768 },
] as const;

async function shoot(page: Page, name: string): Promise<void> {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.screenshot({ path: test.info().outputPath(`${name}-${size.width}x${size.height}.png`) });
  }
}

let printer: FakePrinter;
test.beforeEach(async () => {
  printer = await startFakePrinter();
});
test.afterEach(async () => {
  await printer.close();
});

for (const locale of ['en', 'zh-CN'] as const) {
  test.describe(`a LAN receipt printer (${locale})`, () => {
    test.use({ appEnv: { POS_LOCALE: locale === 'en' ? 'en-US' : 'zh-CN' } });

    test('set up from Settings, the test page, a cash sale with the drawer pulse, paper out named and retried', async ({
      pos,
    }) => {
      test.setTimeout(150_000);
      const till = new PosPage(pos);
      await till.id('nav-settings').click();
      const card = till.id('settings-printer');
      await card.scrollIntoViewIfNeeded();
      await expect(card).toHaveAttribute('data-kind', 'html');
      await expect(card.getByTestId('printer-test')).toHaveCount(0);
      await card.getByTestId('printer-kind').selectOption('network');
      await card.locator('[data-testid="printer-field"][data-name="host"]').fill('127.0.0.1');
      await card.locator('[data-testid="printer-field"][data-name="port"]').fill(String(printer.port));
      await card.getByTestId('printer-width').selectOption('58');
      await card.locator('[data-testid="printer-check"][data-name="drawer"]').check();
      await card.getByTestId('printer-save').scrollIntoViewIfNeeded();
      await shoot(pos, `printer-draft-${locale}`);
      await card.getByTestId('printer-save').click();
      await expect(till.id('owner-pin-dialog')).toBeVisible();
      await till.id('owner-pin-input').fill('8888');
      await till.id('owner-pin-submit').click();
      await expect(card).toHaveAttribute('data-kind', 'network');

      // the test page: Chinese, English, a QR and a cut, in the bytes the printer got
      await card.getByTestId('printer-test').click();
      await expect(card.getByTestId('printer-tested')).toBeVisible();
      await printer.idle();
      const page1 = readEscPos(printer.all());
      expect(page1.text).toContain('中文测试：收银小票打印正常');
      expect(page1.text.some((l) => l.startsWith('English test: receipt printing'))).toBe(true);
      expect(page1.qr).toEqual(['COUNTER-POS-TEST']);
      expect(page1.cuts).toBe(1);
      for (const l of page1.lines) expect(l.width).toBeLessThanOrEqual(32);
      await card.getByTestId('printer-check-status').click();
      await expect(card.getByTestId('printer-status')).toBeVisible();
      await card.getByTestId('printer-test').scrollIntoViewIfNeeded();
      await shoot(pos, `printer-tested-${locale}`);

      // a cash sale: the drawer opens, then the receipt prints with the order number as a QR
      await till.id('nav-sell').click();
      await till.addBySearch('kkkl', 'DRI-001');
      const number = await till.checkout();
      await till.payCash('exact');
      await till.complete();
      await expect.poll(() => readEscPos(printer.all()).pulses.length).toBe(1);
      const before = printer.jobs.length;
      await till.id('print-receipt').click();
      await expect(till.id('print-status')).toBeVisible();
      await printer.idle();
      const receipt = readEscPos(Buffer.concat(printer.jobs.slice(before)));
      expect(receipt.qr).toEqual([number]);
      expect(receipt.text.some((l) => l.includes(locale === 'en' ? 'TOTAL' : '合计') && l.endsWith('￥3.00'))).toBe(
        true,
      );
      expect(receipt.pulses).toEqual([]);
      expect(readEscPos(printer.all()).pulses).toEqual([{ pin: 2, onMs: 100, offMs: 200 }]);

      // out of paper: named in plain words; the receipt is kept and printed from Settings once paper is in
      printer.mode = 'paper-out';
      await till.id('print-receipt').click();
      await expect(till.id('print-status')).toContainText(locale === 'en' ? 'Receipt not printed' : '小票未打印');
      await expect(pos.getByText(locale === 'en' ? 'out of paper' : '缺纸').first()).toBeVisible();
      await shoot(pos, `printer-paper-out-${locale}`);
      await till.id('new-sale').click();
      await till.id('nav-settings').click();
      const job = card.getByTestId('printer-job');
      await expect(job).toHaveCount(1);
      await job.scrollIntoViewIfNeeded();
      await shoot(pos, `printer-owed-${locale}`);
      printer.mode = 'ok';
      const sent = printer.jobs.length;
      await job.getByTestId('printer-retry').click();
      await expect(job).toHaveCount(0);
      await printer.idle();
      const retried = readEscPos(Buffer.concat(printer.jobs.slice(sent)));
      expect(retried.qr).toEqual([number]);
      expect(retried.text.some((l) => /重印|REPRINT/.test(l))).toBe(true); // the first print reached the paper
    });
  });
}
