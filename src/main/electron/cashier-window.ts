/**
 * The intermediary's cashier page (YeePay bank selection) in a child window of the app. The form is
 * posted from a blank page; afterwards the window may navigate only within the gateway's origin and
 * to the app's own return URL, where the return is caught (the callback server verifies it and the
 * core confirms it by a query) and the window closes itself.
 */
import { BrowserWindow } from 'electron';
import type { CashierOpener } from '../core/core';
import type { AttemptView } from '../../shared/types';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function electronCashier(parent: () => BrowserWindow | null, returnBase: () => string | null): CashierOpener {
  const open = new Map<number, BrowserWindow>();
  return {
    async open(attempt: AttemptView) {
      const redirect = attempt.redirect;
      if (!redirect) return false;
      open.get(attempt.id)?.close();
      const gateway = new URL(redirect.url).origin;
      const ret = returnBase();
      const allowed = (url: string) => {
        if (url === 'about:blank' || url.startsWith('data:text/html')) return true;
        try {
          const u = new URL(url);
          return u.origin === gateway || (ret !== null && url.startsWith(ret));
        } catch {
          return false;
        }
      };
      const win = new BrowserWindow({
        parent: parent() ?? undefined,
        width: 960,
        height: 720,
        title: 'Cashier',
        autoHideMenuBar: true,
        webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, partition: 'cashier' },
      });
      open.set(attempt.id, win);
      win.on('closed', () => open.delete(attempt.id));
      const guard = (event: Electron.Event, url: string) => {
        if (!allowed(url)) event.preventDefault();
      };
      win.webContents.on('will-navigate', guard);
      win.webContents.on('will-redirect', guard);
      win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
      win.webContents.on('did-navigate', (_e, url) => {
        if (ret !== null && url.startsWith(ret)) setTimeout(() => !win.isDestroyed() && win.close(), 2_500);
      });
      const inputs = Object.entries(redirect.fields)
        .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
        .join('');
      const html = `<!doctype html><meta charset="utf-8"><body><form id="f" method="${redirect.method}" action="${esc(redirect.url)}" accept-charset="utf-8">${inputs}</form><script>document.getElementById('f').submit()</script></body>`;
      await win.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(html)}`);
      return true;
    },
  };
}
