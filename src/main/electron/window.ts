import { BrowserWindow } from 'electron';
import { join } from 'node:path';
import { hardenContents, rendererEntry } from './security';

/** The till's window; `allowList` names the pages a link in it may open in the system browser (security.ts). */
export function createMainWindow(allowList: () => readonly string[]): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 1024,
    minHeight: 700,
    show: false,
    backgroundColor: '#f4f6f8',
    title: 'Counter POS',
    autoHideMenuBar: true,
    webPreferences: {
      preload: join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  hardenContents(win.webContents, allowList);
  win.once('ready-to-show', () => win.show());
  const entry = rendererEntry();
  if ('url' in entry) void win.loadURL(entry.url);
  else void win.loadFile(entry.file);
  return win;
}
