/**
 * The device settings in browser mode, in both languages (s-devices): the owner picks a logo image
 * (the page's canvas turns it to 1 bit at the 58 mm dot width) and the fake network printer's test
 * page carries it as a raster image of that size; the pole display is turned on (the port cannot
 * open here: the test says so, naming the port); scale layouts are added from the presets and a
 * sample label is read to its product and price, a misread one named. Screenshots at 1024×768 and
 * 1366×768 go to the test's output.
 */
import type { Page } from '@playwright/test';
import { readEscPos } from '../../support/escpos-reader';
import { startFakePrinter, type FakePrinter } from '../../support/fake-printer';
import { checkDigit } from '../../../src/main/core/hardware/scale-barcodes';
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
  await page.setViewportSize(SIZES[0]);
}

/** A contract call from the page, as the signed-in clerk (the page's own token). */
async function invoke(page: Page, method: string, input: unknown): Promise<{ ok: boolean; value?: unknown }> {
  return page.evaluate(
    async ([m, i]) => {
      const res = await fetch('/api/invoke', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${
            (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }).sessionStorage.getItem(
              'counter-pos.token',
            ) ?? ''
          }`,
        },
        body: JSON.stringify({ method: m, input: i }),
      });
      return (await res.json()) as { ok: boolean; value?: unknown };
    },
    [method, input] as const,
  );
}

/** A 600×150 PNG drawn by the page: a black frame and a block on white (what a shop's logo file might be). */
async function logoPng(page: Page): Promise<Buffer> {
  const dataUrl = await page.evaluate(() => {
    const doc = (globalThis as unknown as { document: { createElement(tag: 'canvas'): Canvas } }).document;
    interface Canvas {
      width: number;
      height: number;
      getContext(kind: '2d'): { fillStyle: string; fillRect(x: number, y: number, w: number, h: number): void } | null;
      toDataURL(type: string): string;
    }
    const c = doc.createElement('canvas');
    c.width = 600;
    c.height = 150;
    const g = c.getContext('2d')!;
    g.fillStyle = '#fff';
    g.fillRect(0, 0, 600, 150);
    g.fillStyle = '#000';
    g.fillRect(0, 0, 600, 8);
    g.fillRect(0, 142, 600, 8);
    g.fillRect(40, 40, 120, 70);
    return c.toDataURL('image/png');
  });
  return Buffer.from(dataUrl.split(',')[1]!, 'base64');
}

const approve = async (till: PosPage) => {
  await expect(till.id('owner-pin-dialog')).toBeVisible();
  await till.id('owner-pin-input').fill('8888');
  await till.id('owner-pin-submit').click();
  await expect(till.id('owner-pin-dialog')).toHaveCount(0);
};

let printer: FakePrinter;
test.beforeEach(async () => {
  printer = await startFakePrinter();
});
test.afterEach(async () => {
  await printer.close();
});

for (const locale of ['en', 'zh-CN'] as const) {
  test.describe(`device settings (${locale})`, () => {
    test.use({ appEnv: { POS_LOCALE: locale === 'en' ? 'en-US' : 'zh-CN' } });

    test('a receipt logo, the pole display’s test and a scale label read from Settings', async ({ pos }) => {
      test.setTimeout(150_000);
      const till = new PosPage(pos);
      const categories = (await invoke(pos, 'catalog.categories', {})) as { value: { id: number }[] };
      const saved = await invoke(pos, 'catalog.saveProduct', {
        sku: '00123',
        nameZh: '苹果',
        nameEn: 'Apples',
        priceFen: 1280,
        unit: 'kg',
        barcode: null,
        categoryId: categories.value[0]!.id,
        approvalPin: '8888',
      });
      expect(saved.ok).toBe(true);

      await till.id('nav-settings').click();
      const card = till.id('settings-printer');
      await card.scrollIntoViewIfNeeded();
      await card.getByTestId('printer-kind').selectOption('network');
      await card.locator('[data-testid="printer-field"][data-name="host"]').fill('127.0.0.1');
      await card.locator('[data-testid="printer-field"][data-name="port"]').fill(String(printer.port));
      await card.getByTestId('printer-width').selectOption('58');
      await card.getByTestId('printer-save').click();
      await approve(till);
      await expect(card).toHaveAttribute('data-kind', 'network');

      // the logo: 600×150 scaled to 384 dots wide (96 high), 1 bit, saved with the owner's PIN
      const logo = card.getByTestId('printer-logo');
      await expect(logo).toHaveAttribute('data-set', 'false');
      await logo
        .getByTestId('logo-file')
        .setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: await logoPng(pos) });
      await approve(till);
      await expect(logo).toHaveAttribute('data-set', 'true');
      await expect(logo.getByTestId('logo-preview')).toHaveAttribute('data-width', '384');
      await expect(logo.getByTestId('logo-preview')).toHaveAttribute('data-height', '96');
      await logo.scrollIntoViewIfNeeded();
      await shoot(pos, `logo-${locale}`);

      // a file that is no image is named, and changes nothing
      await logo
        .getByTestId('logo-file')
        .setInputFiles({ name: 'x.png', mimeType: 'image/png', buffer: Buffer.from('not an image') });
      await expect(logo.getByTestId('logo-unreadable')).toBeVisible();

      await card.getByTestId('printer-test').click();
      await expect(card.getByTestId('printer-tested')).toBeVisible();
      await printer.idle();
      const read = readEscPos(printer.all());
      expect(read.images.map((i) => [i.width, i.height])).toEqual([[384, 96]]);
      // the top rows are the frame (black), the first row's bytes all set
      expect([...read.images[0]!.bits.subarray(0, 48)].every((b) => b === 0xff)).toBe(true);
      expect(read.text).toContain('中文测试：收银小票打印正常');

      // the pole display: on, on a port that does not exist here; its test names the port
      const devices = till.id('settings-devices');
      await devices.scrollIntoViewIfNeeded();
      await devices.getByTestId('pole-enabled').check();
      await devices.getByTestId('pole-port').fill('/dev/ttyNOPE0');
      await devices.getByTestId('pole-charset').selectOption('gb18030');

      // scale layouts from the presets; a sample weight label read by the draft
      await devices.locator('[data-testid="scale-layout-add"][data-preset="weight13"]').click();
      await expect(devices.getByTestId('scale-layout')).toHaveCount(1);
      const body = '210012300523';
      await devices.getByTestId('scale-sample').fill(`${body}${checkDigit(body)}`);
      await devices.getByTestId('scale-read').click();
      const result = devices.getByTestId('scale-read-result');
      await expect(result).toHaveAttribute('data-layout', '2FPPPPPWWWWWC');
      await expect(result.getByTestId('scale-read-product')).toContainText(locale === 'en' ? 'Apples' : '苹果');
      await expect(result.getByTestId('scale-read-charge')).toContainText('6.69');
      await result.scrollIntoViewIfNeeded();
      await shoot(pos, `scale-read-${locale}`);

      await devices.getByTestId('scale-sample').fill(`${body}${(checkDigit(body) + 1) % 10}`);
      await devices.getByTestId('scale-read').click();
      await expect(devices.getByTestId('scale-read-error')).toHaveAttribute('data-code', 'SCALE_CODE_INVALID');

      await devices.getByTestId('devices-save').click();
      await approve(till);
      await expect(devices.getByTestId('pole-test')).toBeVisible();
      await devices.getByTestId('pole-test').click();
      const test1 = devices.getByTestId('pole-test-result');
      await expect(test1).toHaveAttribute('data-shown', 'false');
      await expect(test1).toContainText('/dev/ttyNOPE0');
      await devices.getByTestId('pole-test').scrollIntoViewIfNeeded();
      await shoot(pos, `pole-test-${locale}`);

      // what was saved is what a scan reads
      // (called directly: the typed scanner's timing is the keyboard spec's subject, and splits under load)
      const scanned = (await invoke(pos, 'cart.scan', { code: `${body}${checkDigit(body)}` })) as {
        value: { totalFen: number };
      };
      expect(scanned.value.totalFen).toBe(669);

      // the logo removed: the next test page has none
      await till.id('nav-settings').click();
      await card.getByTestId('logo-remove').click();
      await approve(till);
      await expect(logo).toHaveAttribute('data-set', 'false');
      printer.jobs.length = 0;
      await card.getByTestId('printer-test').click();
      await expect(card.getByTestId('printer-tested')).toBeVisible();
      await printer.idle();
      expect(readEscPos(printer.all()).images).toEqual([]);
    });
  });
}
