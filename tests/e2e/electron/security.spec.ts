import { METHOD_NAMES } from '../../../src/shared/methods';
import { ELECTRON, SKIP_REASON, expect, test } from '../support/electron-app';
import { PosPage } from '../support/pos-page';

test.skip(!ELECTRON, SKIP_REASON);

test('the renderer has no Node: no require, no process, no module', async ({ window }) => {
  const globals = await window.evaluate(() => ({
    require: typeof (globalThis as Record<string, unknown>).require,
    process: typeof (globalThis as Record<string, unknown>).process,
    module: typeof (globalThis as Record<string, unknown>).module,
    Buffer: typeof (globalThis as Record<string, unknown>).Buffer,
  }));
  expect(globals).toEqual({ require: 'undefined', process: 'undefined', module: 'undefined', Buffer: 'undefined' });
});

test('window.pos exposes exactly the contract', async ({ window }) => {
  const exposed = await window.evaluate(() => {
    const pos = (globalThis as unknown as { pos: Record<string, unknown> }).pos;
    const names: string[] = [];
    for (const [ns, group] of Object.entries(pos)) {
      if (typeof group === 'function') names.push(ns);
      else
        for (const [m, fn] of Object.entries(group as Record<string, unknown>))
          if (typeof fn === 'function') names.push(`${ns}.${m}`);
    }
    return names.sort();
  });
  expect(exposed).toEqual([...METHOD_NAMES, 'on'].sort());
});

test('navigation and new windows are denied', async ({ window, electronApp }) => {
  const before = window.url();
  await window.evaluate(() => {
    (globalThis as unknown as { location: { href: string } }).location.href = 'https://example.com/';
  });
  await window.waitForTimeout(500);
  expect(window.url()).toBe(before);
  const opened = await window.evaluate(
    () => (globalThis as unknown as { open: (u: string) => unknown }).open('https://example.com/') === null,
  );
  expect(opened).toBe(true);
  expect(electronApp.windows()).toHaveLength(1);
});

test('a malformed call through the bridge gets a typed error, not an exception', async ({ window }) => {
  const r = await window.evaluate(async () => {
    const pos = (globalThis as unknown as { pos: { cart: { add: (i: unknown) => Promise<unknown> } } }).pos;
    return pos.cart.add({ productId: 'one', priceFen: 1 });
  });
  expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
});

test('the cashier partition refuses geolocation, camera and notifications to the gateway page', async ({
  window,
  electronApp,
}) => {
  const till = new PosPage(window);
  await expect(till.id('sandbox-badge')).toBeVisible({ timeout: 15_000 });
  await till.tile('DRI-001').click();
  await till.checkout();
  const cashierPromise = electronApp.waitForEvent('window');
  await till.id('pay-yeepay').click();
  const cashier = await cashierPromise;
  await cashier.getByTestId('cashier-pay').waitFor();
  // the gateway's page is on loopback http, a secure context: each API reaches the permission handlers
  const asked = await cashier.evaluate(async () => {
    const g = globalThis as unknown as {
      Notification: { requestPermission(): Promise<string> };
      navigator: {
        geolocation: { getCurrentPosition(ok: () => void, err: (e: { code: number }) => void, o: object): void };
        mediaDevices: { getUserMedia(c: object): Promise<unknown> };
        permissions: { query(d: { name: string }): Promise<{ state: string }> };
      };
    };
    const geolocation = await new Promise<string>((resolve) =>
      g.navigator.geolocation.getCurrentPosition(
        () => resolve('granted'),
        (e) => resolve(e.code === 1 ? 'denied' : `error ${e.code}`),
        { timeout: 5_000 },
      ),
    );
    const camera = await g.navigator.mediaDevices.getUserMedia({ video: true }).then(
      () => 'granted',
      (e: { name: string }) => e.name,
    );
    const notifications = await g.Notification.requestPermission();
    const query = await g.navigator.permissions.query({ name: 'geolocation' }).then((p) => p.state);
    return { geolocation, camera, notifications, query };
  });
  expect(asked.geolocation).toBe('denied');
  expect(asked.camera).not.toBe('granted');
  expect(asked.notifications).toBe('denied');
  expect(asked.query).toBe('denied');
});

test('a link opens in the system browser only for the sandbox customer page, never for another https site', async ({
  window,
  electronApp,
}) => {
  // record what main hands to the system browser instead of opening it
  await electronApp.evaluate(({ shell }) => {
    const opened: string[] = [];
    (globalThis as unknown as { __opened: string[] }).__opened = opened;
    shell.openExternal = async (url: string) => {
      opened.push(url);
    };
  });
  const opened = () => electronApp.evaluate(() => [...(globalThis as unknown as { __opened: string[] }).__opened]);
  const till = new PosPage(window);
  await expect(till.id('sandbox-badge')).toBeVisible({ timeout: 15_000 });
  await till.tile('DRI-001').click();
  await till.checkout();
  await till.id('pay-alipay-qr').click();
  const content = await till.id('payment-qr').getAttribute('data-content');
  // the "demo" link under the QR: the sandbox's customer page is allowed
  await till.id('payment-demo-link').click();
  await expect.poll(opened).toEqual([content]);
  // anything else is refused: another https site, the sandbox's control API, a look-alike path
  const base = new URL(content!).origin;
  for (const url of [
    'https://example.com/',
    'https://evil.example/alipay/qr/x',
    `${base}/_sandbox/health`,
    `${base}/alipay/qr/../../_sandbox/reset`,
  ]) {
    const w = await window.evaluate((u) => (globalThis as unknown as { open: (u: string) => unknown }).open(u), url);
    expect(w).toBeNull();
  }
  await window.waitForTimeout(300);
  expect(await opened()).toEqual([content]);
  expect(electronApp.windows()).toHaveLength(1);
});
