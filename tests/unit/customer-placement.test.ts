/** Where the Electron customer window goes (src/main/electron/customer-placement.ts), and how it is locked down. */
import { describe, expect, it } from 'vitest';
import {
  CUSTOMER_WEB_PREFERENCES,
  customerDisplayMode,
  customerPlacement,
} from '../../src/main/electron/customer-placement';

const clerk = { id: 1, bounds: { x: 0, y: 0, width: 1366, height: 768 } };
const facing = { id: 7, bounds: { x: 1366, y: 0, width: 800, height: 480 } };

describe('the customer window', () => {
  it('goes fullscreen on the display that is not the clerk’s, whichever order the system lists them', () => {
    expect(customerPlacement([clerk, facing], 1, 'auto')).toEqual({
      kind: 'fullscreen',
      displayId: 7,
      bounds: facing.bounds,
    });
    expect(customerPlacement([facing, clerk], 1, 'auto')).toMatchObject({ kind: 'fullscreen', displayId: 7 });
    // the primary is the customer's screen's neighbour: a till whose primary is the second one listed
    expect(customerPlacement([facing, clerk], 7, 'auto')).toMatchObject({ kind: 'fullscreen', displayId: 1 });
  });

  it('does not open over the clerk’s only screen, unless asked for a window; never when off', () => {
    expect(customerPlacement([clerk], 1, 'auto')).toEqual({ kind: 'none' });
    expect(customerPlacement([clerk], 1, 'window')).toEqual({
      kind: 'window',
      bounds: { x: 40, y: 40, width: 800, height: 480 },
    });
    expect(customerPlacement([clerk, facing], 1, 'off')).toEqual({ kind: 'none' });
    expect(customerPlacement([], 1, 'auto')).toEqual({ kind: 'none' });
  });

  it('reads its mode from the environment: auto unless off or window', () => {
    expect(customerDisplayMode(undefined)).toBe('auto');
    expect(customerDisplayMode(' OFF ')).toBe('off');
    expect(customerDisplayMode('window')).toBe('window');
    expect(customerDisplayMode('fullscreen-everywhere')).toBe('auto');
  });

  it('is sandboxed and isolated like the till’s window, with no Node and no dev tools', () => {
    expect(CUSTOMER_WEB_PREFERENCES).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      devTools: false,
    });
  });
});
