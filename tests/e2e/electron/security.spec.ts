import { METHOD_NAMES } from '../../../src/shared/methods';
import { ELECTRON, SKIP_REASON, expect, test } from '../support/electron-app';

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
      else for (const [m, fn] of Object.entries(group as Record<string, unknown>)) if (typeof fn === 'function') names.push(`${ns}.${m}`);
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
