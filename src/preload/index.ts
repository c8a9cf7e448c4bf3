/**
 * The preload exposes exactly the contract as `window.pos` — one function per method, plus `on` for
 * pushed events — and nothing else: never ipcRenderer itself.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { EventName } from '../shared/contract';
import { buildApi, type Transport } from '../shared/api';
import { EVENT_NAMES } from '../shared/methods';

const INVOKE = 'pos:invoke';
const EVENT = 'pos:event';

const transport: Transport = {
  invoke: (method, input) => ipcRenderer.invoke(INVOKE, method, input),
  on(event: EventName, listener: (payload: unknown) => void) {
    if (!(EVENT_NAMES as readonly string[]).includes(event)) return () => undefined;
    const handler = (_e: Electron.IpcRendererEvent, name: string, payload: unknown) => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on(EVENT, handler);
    return () => ipcRenderer.removeListener(EVENT, handler);
  },
};

contextBridge.exposeInMainWorld('pos', buildApi(transport));
