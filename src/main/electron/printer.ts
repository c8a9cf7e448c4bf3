/**
 * Prints a receipt silently to the default printer from a hidden window; where there is no printer
 * (or printing fails) the receipt is saved as a PDF in the data directory instead.
 */
import { BrowserWindow } from 'electron';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReceiptPrinter } from '../core/reports/printing';
import { ensurePrivateDir, makePrivate, PRIVATE_FILE_MODE } from '../store/file-modes';

export function electronPrinter(dataDir: string): ReceiptPrinter {
  return {
    async print(receipt, html) {
      const win = new BrowserWindow({
        show: false,
        webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false },
      });
      try {
        await win.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(html)}`);
        const printers = await win.webContents.getPrintersAsync();
        if (printers.length > 0) {
          // No deviceName: silent printing goes to the system's default printer.
          const printed = await new Promise<boolean>((resolve) => {
            win.webContents.print({ silent: true, printBackground: false }, (success) => resolve(success));
          });
          if (printed) return { kind: 'printer', path: null };
        }
        const pdf = await win.webContents.printToPDF({ pageSize: { width: 3.15, height: 11 }, printBackground: false });
        const dir = join(dataDir, 'receipts');
        ensurePrivateDir(dir);
        const path = join(dir, `${receipt.number}.pdf`);
        writeFileSync(path, pdf, { mode: PRIVATE_FILE_MODE });
        makePrivate(path); // a reprint overwrites a file that may predate private modes
        return { kind: 'pdf', path };
      } finally {
        win.destroy();
      }
    },
  };
}
