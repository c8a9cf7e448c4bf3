/** The launch option that lets test fixtures create a store without the drawer rule (src/main/config.ts). */
import { describe, expect, it } from 'vitest';
import { parseLaunch } from '../../src/main/config';

describe('POS_NEW_STORE_REQUIRE_DRAWER', () => {
  it('leaves the product default on unless it is turned off', () => {
    expect(parseLaunch([], {}).newStoreRequiresDrawer).toBe(true);
    expect(parseLaunch([], { POS_NEW_STORE_REQUIRE_DRAWER: 'on' }).newStoreRequiresDrawer).toBe(true);
    expect(parseLaunch([], { POS_NEW_STORE_REQUIRE_DRAWER: '' }).newStoreRequiresDrawer).toBe(true);
    for (const off of ['off', 'OFF', '0', 'false', 'no'])
      expect(parseLaunch([], { POS_NEW_STORE_REQUIRE_DRAWER: off }).newStoreRequiresDrawer).toBe(false);
  });
});
