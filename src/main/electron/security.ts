/**
 * Navigation, new windows and permissions are denied; only the app's own renderer (the built file
 * or, in development, the electron-vite dev server) is trusted to call the contract.
 */
import { app, session, shell, type WebContents } from 'electron';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

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

export function hardenContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!isTrustedUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isTrustedUrl(url)) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    // Links open in the user's browser, never inside the till: the web, and the embedded sandbox's
    // customer page (the "demo" link under a QR), which is on loopback.
    if (url.startsWith('https://') || /^http:\/\/(127\.0\.0\.1|localhost):\d+\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export function hardenSession(): void {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}
