/**
 * The customer display in browser mode (issue 13, item 5): a second page, at a customer screen's
 * size, on `/customer` with its own key, follows a cash sale and a QR sale on the till. The QR is
 * read from the display's pixels (jsqr) and must carry the attempt's text, the one on the clerk's
 * pay screen. The display's key opens its feed and nothing else: the page cannot call the till.
 * Screenshots go to `$CUSTOMER_SHOTS` when it is set (docs/testing.md).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from '@playwright/test';
import jsQR from 'jsqr';
import { PosPage } from '../support/pos-page';
import { expect, test } from '../support/web-app';

const SIZES = [
  { width: 800, height: 480 },
  { width: 1024, height: 600 },
];
const SHOTS = process.env.CUSTOMER_SHOTS;
if (SHOTS) mkdirSync(SHOTS, { recursive: true });

async function shot(page: Page, name: string): Promise<void> {
  const size = page.viewportSize();
  if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}-${size?.width}x${size?.height}.png`) });
}

async function openDisplay(browser: Browser, url: string, size: { width: number; height: number }): Promise<Page> {
  const context = await browser.newContext({ viewport: size });
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

/**
 * The text of the QR on the screen at `img`, read from its pixels: the element's screenshot (a PNG)
 * is decoded to RGBA by the browser (no PNG decoder among the dev dependencies), then read by jsqr.
 */
async function readQr(img: Locator): Promise<string | null> {
  const png = (await img.screenshot()).toString('base64');
  const { width, height, rgba } = await img.page().evaluate(async (b64) => {
    const g = globalThis as unknown as {
      Blob: typeof Blob;
      atob(s: string): string;
      createImageBitmap(b: Blob): Promise<{ width: number; height: number }>;
      OffscreenCanvas: new (
        w: number,
        h: number,
      ) => {
        getContext(kind: '2d'): {
          drawImage(i: unknown, x: number, y: number): void;
          getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
        };
      };
      btoa(s: string): string;
    };
    // from the bytes, not a data: URL (the page's CSP refuses to fetch one)
    const bytes = Uint8Array.from(g.atob(b64), (c) => c.charCodeAt(0));
    const bitmap = await g.createImageBitmap(new g.Blob([bytes], { type: 'image/png' }));
    const ctx = new g.OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d');
    ctx.drawImage(bitmap, 0, 0);
    const data = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
    let bin = '';
    for (let i = 0; i < data.length; i += 0x8000) bin += String.fromCharCode(...data.subarray(i, i + 0x8000));
    return { width: bitmap.width, height: bitmap.height, rgba: g.btoa(bin) };
  }, png);
  return jsQR(new Uint8ClampedArray(Buffer.from(rgba, 'base64')), width, height)?.data ?? null;
}

for (const size of SIZES) {
  test.describe(`the customer display at ${size.width}×${size.height}`, () => {
    // two pages and a phone against one till and its sandbox: slow on a busy machine
    test.describe.configure({ timeout: 150_000 });
    test('follows a cash sale: the store when idle, the lines and total as scanned, the change when paid', async ({
      pos,
      app,
      browser,
    }) => {
      const till = new PosPage(pos);
      const display = await openDisplay(browser, app.customerUrl, size);
      const screen = display.getByTestId('customer-display');
      await expect(screen).toHaveAttribute('data-phase', 'idle');
      await expect(screen).toContainText('Demo Store');
      await shot(display, 'idle');

      await till.tile('DRI-001').click();
      await expect(screen).toHaveAttribute('data-phase', 'cart');
      await expect(display.getByTestId('customer-line')).toHaveCount(1);
      await expect(display.getByTestId('customer-line')).toContainText('可口可乐');
      await till.tile('SNA-001').click();
      await till.tile('DRI-001').click();
      await expect(display.getByTestId('customer-line')).toHaveCount(2);
      await expect(display.getByTestId('customer-total')).toHaveText('¥13.50');
      expect(await till.total()).toContain('13.50');
      await shot(display, 'cart');

      await till.checkout();
      await expect(screen).toHaveAttribute('data-phase', 'pay');
      await expect(display.getByTestId('customer-total')).toHaveText('¥13.50');
      await till.payCash('20');
      await till.complete();
      await expect(screen).toHaveAttribute('data-phase', 'paid');
      await expect(display.getByTestId('customer-change')).toHaveText('¥6.50');
      await expect(screen).toContainText('支付成功');
      await shot(display, 'paid-cash');

      // the next sale replaces the paid screen
      await till.newSale();
      await expect(screen).toHaveAttribute('data-phase', 'paid');
      await till.tile('DRI-001').click();
      await expect(screen).toHaveAttribute('data-phase', 'cart');
      await expect(display.getByTestId('customer-total')).toHaveText('¥3.00');
      await display.context().close();
    });

    test('follows a QR sale: the QR large with its countdown, the same text as the clerk’s, then paid', async ({
      pos,
      app,
      browser,
    }) => {
      const till = new PosPage(pos);
      const display = await openDisplay(browser, app.customerUrl, size);
      const screen = display.getByTestId('customer-display');
      await till.tile('DRI-001').click();
      await till.tile('SNA-001').click();
      await till.checkout();
      await till.id('pay-alipay-qr').click();
      await expect(till.id('payment-qr')).toBeVisible({ timeout: 15_000 });
      const text = await till.id('payment-qr').getAttribute('data-content');
      expect(text).toBeTruthy();

      await expect(screen).toHaveAttribute('data-phase', 'pay');
      const qr = display.getByTestId('customer-qr');
      await expect(qr).toBeVisible({ timeout: 15_000 });
      await expect(qr).toHaveAttribute('data-content', text!);
      await expect(display.getByTestId('customer-countdown')).toHaveText(/^\d+:\d\d$/);
      await expect(display.getByTestId('customer-total')).toHaveText('¥10.50');
      // large: most of the screen's height, so a phone reads it from a step away
      await expect
        .poll(async () => (await qr.boundingBox())?.height ?? 0, { timeout: 5_000 })
        .toBeGreaterThan(size.height * 0.6);
      await shot(display, 'pay-qr');
      expect(await readQr(qr)).toBe(text);

      // the customer's phone: its own browser context (a tab in the till's context, closed, can leave the
      // till's page unanswering to Playwright: split-tender.spec.ts)
      const phoneContext = await browser.newContext();
      const phone = await phoneContext.newPage();
      await phone.goto(text!);
      await phone.getByTestId('customer-pay').click();
      await expect(screen).toHaveAttribute('data-phase', 'paid', { timeout: 15_000 });
      await expect(screen).toContainText('Alipay');
      await expect(display.getByTestId('customer-change')).toHaveCount(0);
      await shot(display, 'paid-qr');
      await phoneContext.close();
      await display.context().close();
    });
  });
}

test('a declined payment shows “declined” on the customer display', async ({ pos, app, browser }) => {
  const till = new PosPage(pos);
  const display = await openDisplay(browser, app.customerUrl, SIZES[0]!);
  await till.tile('DRI-001').click();
  await till.checkout();
  await till.id('pay-code').click();
  await till.id('payment-code-input').fill('134567890123454444'); // WeChat, declined by the sandbox
  await till.id('payment-code-input').press('Enter');
  await expect(display.getByTestId('customer-display')).toHaveAttribute('data-phase', 'declined', { timeout: 15_000 });
  await expect(display.getByTestId('customer-result')).toContainText('支付未成功');
  await shot(display, 'declined');
  await display.context().close();
});

test('the customer display’s key calls nothing: /api/invoke and /api/events refuse it, from the page and outside', async ({
  pos,
  app,
  browser,
}) => {
  const display = await openDisplay(browser, app.customerUrl, SIZES[0]!);
  await expect(display.getByTestId('customer-display')).toHaveAttribute('data-phase', 'idle');
  const key = new URL(app.customerUrl).searchParams.get('key')!;
  const tried = await display.evaluate(async (key) => {
    const g = globalThis as unknown as {
      location: { host: string };
      sessionStorage: Record<string, string>;
      localStorage: Record<string, string>;
      WebSocket: new (url: string) => { onopen: () => void; onerror: () => void };
    };
    const call = (body: unknown) =>
      fetch('/api/invoke', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify(body),
      }).then(async (r) => [r.status, ((await r.json()) as { ok: boolean }).ok] as const);
    const events = await new Promise<string>((done) => {
      const ws = new g.WebSocket(`ws://${g.location.host}/api/events?token=${encodeURIComponent(key)}`);
      ws.onopen = () => done('open');
      ws.onerror = () => done('refused');
    });
    return {
      add: await call({ method: 'cart.add', input: { productId: 1 } }),
      info: await call({ method: 'app.info', input: {} }),
      events,
      // the clerk's token is nowhere in the display's page
      stored: JSON.stringify({ ...g.sessionStorage, ...g.localStorage }),
    };
  }, key);
  expect(tried).toEqual({ add: [401, false], info: [401, false], events: 'refused', stored: '{}' });
  // nothing reached the till's cart
  await expect(new PosPage(pos).id('cart-line')).toHaveCount(0);
  await expect(display.getByTestId('customer-display')).toHaveAttribute('data-phase', 'idle');
  await display.context().close();
});
