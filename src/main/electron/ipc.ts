/** Registers the contract on IPC: one channel, sender checked, input validated by the core's dispatch. */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import type { Core } from '../core/core';
import { isTrustedUrl } from './security';

export const INVOKE = 'pos:invoke';
export const EVENT = 'pos:event';

export function registerIpc(core: Core, getWindow: () => BrowserWindow | null): () => void {
  const handler = (event: IpcMainInvokeEvent, method: unknown, input: unknown) => {
    const win = getWindow();
    const frameUrl = event.senderFrame?.url ?? '';
    if (!win || event.sender !== win.webContents || !isTrustedUrl(frameUrl)) {
      return { ok: false, error: { code: 'UNAUTHORIZED', message: 'This window may not call Counter POS.' } };
    }
    return core.dispatch(method, input);
  };
  ipcMain.handle(INVOKE, handler);
  const unsubscribe = core.events.subscribe((name, payload) => {
    const win = getWindow();
    if (win && !win.isDestroyed()) win.webContents.send(EVENT, name, payload);
  });
  return () => {
    unsubscribe();
    ipcMain.removeHandler(INVOKE);
  };
}
