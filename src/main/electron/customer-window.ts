/**
 * The customer window in Electron: the customer display's page (the same customer.html as browser
 * mode's `/customer`) on the second screen, fed by main over one push-only channel. It opens when a
 * second display is there (at start or plugged in later), closes when that display goes, and closes
 * with the till's window. It is hardened like the till's window (security.ts: no navigation, no new
 * window, no webview; every permission refused by the session) and cannot call the contract: its
 * preload has no `pos`, and ipc.ts answers only the till's window.
 */
import { app, BrowserWindow, screen } from 'electron';
import { join } from 'node:path';
import type { CustomerView } from '../../shared/types';
import {
  CUSTOMER_VIEW_CHANNEL,
  CUSTOMER_WEB_PREFERENCES,
  customerPlacement,
  type CustomerDisplayMode,
  type Placement,
} from './customer-placement';
import { hardenContents } from './security';

export interface CustomerFeed {
  view(): CustomerView;
  subscribe(listener: (view: CustomerView) => void): () => void;
}

function customerEntry(): { url: string } | { file: string } {
  const dev = process.env.ELECTRON_RENDERER_URL;
  if (!app.isPackaged && dev) return { url: new URL('customer.html', dev.endsWith('/') ? dev : `${dev}/`).href };
  return { file: join(__dirname, '../renderer/customer.html') };
}

function open(place: Exclude<Placement, { kind: 'none' }>, feed: CustomerFeed): BrowserWindow {
  const fullscreen = place.kind === 'fullscreen';
  const win = new BrowserWindow({
    ...place.bounds,
    show: false,
    fullscreen,
    frame: !fullscreen,
    // the clerk keeps the keyboard: the customer's screen never takes the focus (the scanner types into the till)
    focusable: !fullscreen,
    backgroundColor: '#0f172a',
    title: 'Counter POS — customer display',
    autoHideMenuBar: true,
    webPreferences: { ...CUSTOMER_WEB_PREFERENCES, preload: join(__dirname, '../preload/customer.js') },
  });
  hardenContents(win.webContents);
  const send = (view: CustomerView) => {
    if (!win.isDestroyed()) win.webContents.send(CUSTOMER_VIEW_CHANNEL, view);
  };
  const unsubscribe = feed.subscribe(send);
  win.webContents.on('did-finish-load', () => send(feed.view()));
  win.once('ready-to-show', () => (fullscreen ? win.showInactive() : win.show()));
  win.on('closed', unsubscribe);
  const entry = customerEntry();
  if ('url' in entry) void win.loadURL(entry.url);
  else void win.loadFile(entry.file);
  return win;
}

/** Keeps the customer window where the displays say it belongs, until the till's window closes. */
export function followCustomerDisplay(main: BrowserWindow, feed: CustomerFeed, mode: CustomerDisplayMode): void {
  let win: BrowserWindow | null = null;
  let placedOn: string | null = null;
  const place = () => {
    if (main.isDestroyed()) return;
    const p = customerPlacement(screen.getAllDisplays(), screen.getPrimaryDisplay().id, mode);
    const key = p.kind === 'none' ? null : JSON.stringify(p);
    if (key === placedOn && (win === null) === (key === null)) return;
    if (win && !win.isDestroyed()) win.close();
    win = null;
    placedOn = key;
    if (p.kind !== 'none') {
      win = open(p, feed);
      win.on('closed', () => {
        win = null;
        placedOn = null;
      });
    }
  };
  place();
  screen.on('display-added', place);
  screen.on('display-removed', place);
  screen.on('display-metrics-changed', place);
  main.on('closed', () => {
    screen.removeListener('display-added', place);
    screen.removeListener('display-removed', place);
    screen.removeListener('display-metrics-changed', place);
    if (win && !win.isDestroyed()) win.close();
    win = null;
  });
}
