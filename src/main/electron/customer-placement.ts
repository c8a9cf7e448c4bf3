/**
 * Where the customer window goes (no `electron` import: tested as a plain unit). The customer
 * display faces the customer on a second screen: it opens fullscreen on the first display that is
 * not the clerk's (the primary), and not at all where there is only one — a window over the clerk's
 * own screen would hide the till. `POS_CUSTOMER_DISPLAY` changes that: `off` never opens it,
 * `window` opens it as an ordinary window on the one screen (a shop trying it out, the tests).
 */

export type CustomerDisplayMode = 'auto' | 'off' | 'window';

export interface DisplayLike {
  id: number;
  bounds: { x: number; y: number; width: number; height: number };
}

export type Placement =
  | { kind: 'none' }
  | { kind: 'fullscreen'; displayId: number; bounds: DisplayLike['bounds'] }
  | { kind: 'window'; bounds: DisplayLike['bounds'] };

export function customerDisplayMode(value: string | undefined): CustomerDisplayMode {
  const v = (value ?? '').trim().toLowerCase();
  return v === 'off' || v === 'window' ? v : 'auto';
}

/** The customer's screen: the first non-primary display (fullscreen), an 800×480 window when asked, or none. */
export function customerPlacement(
  displays: readonly DisplayLike[],
  primaryId: number,
  mode: CustomerDisplayMode,
): Placement {
  if (mode === 'off') return { kind: 'none' };
  const other = displays.find((d) => d.id !== primaryId);
  if (other) return { kind: 'fullscreen', displayId: other.id, bounds: { ...other.bounds } };
  if (mode === 'window') {
    const primary = displays.find((d) => d.id === primaryId) ?? displays[0];
    const x = primary ? primary.bounds.x + 40 : 40;
    const y = primary ? primary.bounds.y + 40 : 40;
    return { kind: 'window', bounds: { x, y, width: 800, height: 480 } };
  }
  return { kind: 'none' };
}

/**
 * The customer window's page settings: as locked down as the till's window (sandboxed, isolated, no
 * Node), with a preload that exposes only the read-only feed (src/preload/customer.ts).
 */
export const CUSTOMER_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  spellcheck: false,
  devTools: false,
} as const;

/** The channel main pushes the customer display's view on (one way: the window sends nothing back). */
export const CUSTOMER_VIEW_CHANNEL = 'customer:view';
