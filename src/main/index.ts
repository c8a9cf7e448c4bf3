/**
 * The Electron shell: lifecycle, the window, security guards, IPC registration and the Electron-only
 * services (printing). Everything else is the core, which also runs under plain Node in browser mode.
 */
import { app, type BrowserWindow, dialog } from 'electron';
import { createCore, type Core } from './core/core';
import { parseLaunch } from './config';
import { registerIpc } from './electron/ipc';
import { electronPrinter } from './electron/printer';
import { hardenSession } from './electron/security';
import { createMainWindow } from './electron/window';

let win: BrowserWindow | null = null;
let core: Core | null = null;

app.enableSandbox();

async function start(): Promise<void> {
  const launch = parseLaunch(process.argv, process.env);
  const dataDir = launch.dataDir ?? app.getPath('userData');
  if (launch.dataDir) app.setPath('userData', dataDir);
  hardenSession();
  core = await createCore({
    dataDir,
    mode: 'electron',
    version: app.getVersion(),
    printer: electronPrinter(dataDir),
    systemLocale: process.env.POS_LOCALE ?? app.getLocale(),
    log: (line) => console.error(`[core] ${line}`),
  });
  registerIpc(core, () => win);
  win = createMainWindow();
  win.on('closed', () => {
    win = null;
  });
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
  app.whenReady().then(start).catch((err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    console.error(`Counter POS could not start: ${message}`);
    dialog.showErrorBox('Counter POS could not start', message);
    app.exit(3);
  });
  app.on('window-all-closed', () => {
    core?.close();
    app.quit();
  });
}
