/** The pole display follows a cash sale through the core, on a fake port opened with the owner's settings. */
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { PoleDisplaySettings } from '../../src/shared/types';
import { startCore, type TestCore } from '../support/core';

let t: TestCore;
const written: string[] = [];
const opened: PoleDisplaySettings[] = [];
const call = async <T>(method: string, input: unknown = {}): Promise<T> => {
  const r = await t.core.dispatch(method, input);
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
};

beforeEach(async () => {
  written.length = 0;
  opened.length = 0;
  t = await startCore({
    openPole: async (settings) => {
      opened.push(settings);
      // the two lines, read back from the CD5220 bytes (ESC @, ESC Q A … CR, ESC Q B … CR)
      return {
        write: (b) => written.push(b.toString('latin1').slice(5, -1).replace('\r\x1bQB', ' | ')),
        close: () => {},
      };
    },
  });
});
afterEach(() => t.close());

it('is off until the owner turns it on; then shows the item, the total and the change of a cash sale', async () => {
  const r = await t.core.dispatch('devices.set', {
    pole: { enabled: true, port: 'COM3', baud: 9600, charset: 'ascii' },
  });
  expect(r.ok ? null : r.error.code).toBe('OWNER_APPROVAL_REQUIRED');
  await call('cart.scan', { code: '6901939621608' });
  expect(opened).toEqual([]);
  expect(written).toEqual([]);

  await call('devices.set', {
    pole: { enabled: true, port: 'COM3', baud: 9600, charset: 'ascii' },
    approvalPin: '8888',
  });
  await new Promise((r) => setTimeout(r, 10)); // the port opens
  expect(opened).toEqual([{ enabled: true, port: 'COM3', baud: 9600, charset: 'ascii' }]);
  await call('cart.scan', { code: '6901939621608' });
  const order = await call<{ id: number }>('checkout.confirm');
  await call('checkout.payCash', { orderId: order.id, tenderedFen: 1000 });
  expect(written).toEqual([
    'Coca-Cola 330ml      | PRICE    2x3.00 6.00',
    'TOTAL           6.00 |                     ',
    'PAID           10.00 | CHANGE          4.00',
  ]);
});
