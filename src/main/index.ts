/**
 * The Electron shell: lifecycle, the window, security guards, IPC registration and the Electron-only
 * services (printing). Everything else is the core, which also runs under plain Node in browser mode.
 */
import { app, type BrowserWindow, dialog } from 'electron';
import { startCallbackServer } from './callback-server';
import { createCore, type Core } from './core/core';
import { electronCashier } from './electron/cashier-window';
import { osSecretStore } from './electron/secrets';
import { loadAlipaySdk } from './intermediaries/alipay/signing';
import { startSandboxChild } from './sandbox-child';
import { useJobLauncher } from './store/sqlite-jobs';
import { parseLaunch, timingFrom } from './config';
import { DEFAULT_TIMING } from './core/payments/attempts';
import { registerIpc } from './electron/ipc';
import { electronPrinter } from './electron/printer';
import { hardenSessions } from './electron/security';
import { utilityLauncher } from './electron/utility';
import { createMainWindow } from './electron/window';
import { followCustomerDisplay } from './electron/customer-window';
import { customerDisplayMode } from './electron/customer-placement';

let win: BrowserWindow | null = null;
let core: Core | null = null;

app.enableSandbox();

async function start(): Promise<void> {
  const launch = parseLaunch(process.argv, process.env);
  const dataDir = launch.dataDir ?? app.getPath('userData');
  if (launch.dataDir) app.setPath('userData', dataDir);
  hardenSessions();
  // backups and integrity checks run as utility processes: the packaged binary cannot run as Node
  useJobLauncher(utilityLauncher);
  // the sandbox starts beside the core; payment methods appear as soon as it is up
  const sandboxStarting = launch.sandbox
    ? startSandboxChild({ dataDir, launcher: utilityLauncher }).catch((err: Error) => {
        console.error(`The embedded sandbox did not start (${err.message}); intermediary payments are off.`);
        return null;
      })
    : Promise.resolve(null);
  let callbackBase: string | null = null;
  core = await createCore({
    dataDir,
    mode: 'electron',
    version: app.getVersion(),
    printer: electronPrinter(dataDir),
    secrets: osSecretStore(),
    sandboxBaseUrl: null,
    sandboxStarting: launch.sandbox,
    paymentsConfigFile: launch.paymentsConfig,
    newStoreRequiresDrawer: launch.newStoreRequiresDrawer,
    returnUrl: () => (callbackBase ? `${callbackBase}/pay/yeepay/callback` : undefined),
    timing: timingFrom(DEFAULT_TIMING, launch.timing),
    cashier: electronCashier(
      () => win,
      () => (callbackBase ? `${callbackBase}/pay/` : null),
    ),
    systemLocale: process.env.POS_LOCALE ?? app.getLocale(),
    log: (line) => console.error(`[core] ${line}`),
  });
  callbackBase = (await startCallbackServer(core)).base;
  registerIpc(core, () => win);
  // load the Alipay SDK while the till is idle, so the first Alipay payment does not wait for it
  setTimeout(() => loadAlipaySdk(), 2_000).unref();
  void sandboxStarting.then((sandbox) => {
    if (!core) return;
    if (sandbox) app.on('will-quit', () => void sandbox.stop());
    core.paymentSettings.setSandboxBaseUrl(sandbox?.baseUrl ?? null);
  });
  win = createMainWindow(() => core?.paymentSettings.cashierPages() ?? []);
  win.on('closed', () => {
    win = null;
  });
  // the customer display on the second screen, when there is one (closed with the till's window)
  followCustomerDisplay(win, core.customerDisplay, customerDisplayMode(process.env.POS_CUSTOMER_DISPLAY));
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
  app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
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
