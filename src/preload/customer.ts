/**
 * The customer window's preload: a read-only feed of what the customer display shows
 * (`window.customerFeed`, read by src/renderer/src/customer/main.ts). It listens on one channel and
 * sends nothing: the customer's screen cannot call the contract, nor reach ipcRenderer.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { CustomerView } from '../shared/types';

const CHANNEL = 'customer:view'; // CUSTOMER_VIEW_CHANNEL in src/main/electron/customer-placement.ts

contextBridge.exposeInMainWorld('customerFeed', {
  subscribe(listener: (view: CustomerView) => void): () => void {
    const handler = (_e: Electron.IpcRendererEvent, view: CustomerView) => listener(view);
    ipcRenderer.on(CHANNEL, handler);
    return () => ipcRenderer.removeListener(CHANNEL, handler);
  },
});
