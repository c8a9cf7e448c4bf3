/**
 * Navigation, new windows and permissions are denied; only the app's own renderer (the built file
 * or, in development, the electron-vite dev server) is trusted to call the contract. The decisions
 * themselves are plain functions in `policy.ts`.
 */
import { app, session, shell, type Session, type WebContents } from 'electron';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { describeUrl, externalUrlAllowed, permissionDecision } from './policy';

export function rendererEntry(): { url: string } | { file: string } {
  const dev = process.env.ELECTRON_RENDERER_URL;
  if (!app.isPackaged && dev) return { url: dev };
  return { file: join(__dirname, '../renderer/index.html') };
}

export function isTrustedUrl(url: string): boolean {
  const entry = rendererEntry();
  if ('url' in entry) return url.startsWith(new URL(entry.url).origin + '/');
  const base = pathToFileURL(entry.file).href;
  return url === base || url.startsWith(base + '#') || url.startsWith(base + '?');
}

/**
 * Guards the main window's page. A link it opens (the sandbox's "demo" customer page under a QR)
 * goes to the system browser only when `allowList()` allows it (`policy.ts`); anything else is
 * refused and logged.
 */
export function hardenContents(contents: WebContents, allowList: () => readonly string[] = () => []): void {
  contents.on('will-navigate', (event, url) => {
    if (!isTrustedUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isTrustedUrl(url)) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    let allowed: readonly string[] = [];
    try {
      allowed = allowList();
    } catch (err) {
      console.error(`[security] the list of pages a link may open could not be read: ${(err as Error).message}`);
    }
    if (externalUrlAllowed(url, allowed)) void shell.openExternal(url);
    else
      console.error(
        `[security] refused to open ${describeUrl(url)}: not a configured gateway or the sandbox's customer page`,
      );
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

const hardened = new WeakSet<Session>();

/** Every permission and device request refused (`permissionDecision`), on one session. */
function hardenOne(ses: Session): void {
  if (hardened.has(ses)) return;
  hardened.add(ses);
  ses.setPermissionRequestHandler((_wc, permission, callback, details) =>
    callback(permissionDecision(permission, details.requestingUrl)),
  );
  ses.setPermissionCheckHandler((_wc, permission, requestingOrigin) =>
    permissionDecision(permission, requestingOrigin),
  );
  // HID, serial and USB: no device is ever granted, and a chooser is cancelled instead of shown
  ses.setDevicePermissionHandler((details) => permissionDecision(details.deviceType, details.origin));
  ses.on('select-hid-device', (event, _details, callback) => {
    event.preventDefault();
    callback();
  });
  ses.on('select-serial-port', (event, _ports, _wc, callback) => {
    event.preventDefault();
    callback('');
  });
  ses.on('select-usb-device', (event, _details, callback) => {
    event.preventDefault();
    callback();
  });
  // screen capture (getDisplayMedia): refused
  ses.setDisplayMediaRequestHandler((_request, callback) => callback(null));
  // (Bluetooth pairing that needs a confirmation is cancelled by Electron when no handler is set)
}

/**
 * Every session refuses every permission: the default session (the till's window, the printing
 * window), the `cashier` partition (the intermediary's remote cashier page, cashier-window.ts), and
 * any session created later. Call once, when the app is ready and before any window exists.
 */
export function hardenSessions(): void {
  app.on('session-created', hardenOne);
  hardenOne(session.defaultSession);
  hardenOne(session.fromPartition('cashier'));
  app.on('web-contents-created', (_event, contents) => {
    // by default no page opens windows or embeds webviews (the main window then installs its own
    // handler, hardenContents; the cashier window denies too; the printing window gets this one)
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-attach-webview', (event) => event.preventDefault());
    // Web Bluetooth's chooser is per page: cancel it rather than let Electron pick the first device
    contents.on('select-bluetooth-device', (event, _devices, callback) => {
      event.preventDefault();
      callback('');
    });
  });
}
