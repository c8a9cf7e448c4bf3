/**
 * The Electron shell's security decisions as plain functions, free of any `electron` import so they
 * are unit-tested under plain Node (tests/security/electron-hardening.test.ts). `security.ts` wires
 * them into every session and every web page the app creates.
 */

/**
 * Whether a web page may have a permission (camera, microphone, geolocation, notifications, screen
 * capture, clipboard read, HID/serial/USB devices, MIDI, fullscreen, …). The till needs none: its own
 * renderer prints and saves files through main, and the intermediaries' cashier pages (remote sites
 * in the `cashier` partition) must never reach a camera or the customer's location. So every
 * permission, on every session, for every origin, is refused — including ones Electron adds later.
 */
export function permissionDecision(_permission: string, _requestingOrigin?: string): false {
  return false;
}

/** Longest URL handed to the operating system's browser; a real cashier or customer page is far shorter. */
export const MAX_EXTERNAL_URL = 4096;

/**
 * Whether a link may be opened in the system browser (`shell.openExternal`). Only http(s) URLs
 * without credentials, whose origin equals an allow-list entry's and, when the entry has a path,
 * whose path starts with it. The allow-list comes from the payment settings
 * (`PaymentSettings.cashierPages()`): the configured gateways' origins, and the embedded sandbox's
 * customer pages only (not its control API). Paths are compared after URL normalisation, so
 * `/alipay/qr/../../_sandbox/reset` is `/_sandbox/reset` and is refused.
 */
export function externalUrlAllowed(url: string, allowList: readonly string[]): boolean {
  if (typeof url !== 'string' || url.length > MAX_EXTERNAL_URL) return false;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return false;
  if (u.username !== '' || u.password !== '') return false;
  for (const entry of allowList) {
    let e: URL;
    try {
      e = new URL(entry);
    } catch {
      continue;
    }
    if (e.protocol !== 'https:' && e.protocol !== 'http:') continue;
    if (u.origin !== e.origin) continue;
    if (e.pathname === '/' || u.pathname.startsWith(e.pathname)) return true;
  }
  return false;
}

/** What a log line may say about a refused URL: its origin and a short prefix, never a whole query. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    const path = u.pathname.length > 40 ? `${u.pathname.slice(0, 40)}…` : u.pathname;
    return `${u.origin}${path}`;
  } catch {
    return JSON.stringify(String(url).slice(0, 40));
  }
}
