/**
 * The receipt printer, the customer display, the pole display and the scale labels
 * (core/hardware/). All amounts are integer fen; all times are epoch milliseconds.
 */
import type { Fen } from '../money';
import type { PaymentMethod } from './tender';

export interface PrintOutcome {
  /** `printer`: sent to the default printer; `pdf`: saved as a PDF (no printer); `browser`: the UI must call window.print(). */
  kind: 'printer' | 'pdf' | 'browser';
  path: string | null;
}

// ---- the receipt printer (core/hardware/) --------------------------------------------------------

/** `html`: the system printer through the HTML path (Electron) or the browser; the others speak ESC/POS. */
export type PrinterKind = 'html' | 'network' | 'queue' | 'serial';
export type PrinterCodePage = 'gb18030' | 'gbk';

export interface PrinterConfig {
  kind: PrinterKind;
  /** network: the printer's address (port 9100 unless `port` says otherwise) */
  host: string;
  port: number;
  /** queue: the operating system's queue name (`lp -d <queue> -o raw`) */
  queue: string;
  /** serial: the port (e.g. /dev/ttyUSB0, COM3) and its speed */
  serialPath: string;
  baudRate: 9600 | 19_200 | 38_400 | 57_600 | 115_200;
  /** paper width: 58 mm prints 32 columns, 80 mm 48 */
  width: 58 | 80;
  codePage: PrinterCodePage;
  cutter: boolean;
  /** the printer answers status requests (DLE EOT): asked before each job and after its last byte */
  status: boolean;
  /** a cash drawer is wired to the printer */
  drawer: boolean;
  /** the drawer's connector pin (2 or 5) and its pulse in milliseconds */
  drawerPin: 2 | 5;
  pulseMs: number;
}

/** Why a print failed, in the words a clerk is shown (error `PRINTER_<CAUSE>`). */
export type PrinterCause =
  | 'refused'
  | 'no-route'
  | 'timeout'
  | 'queue-not-found'
  | 'port-not-found'
  | 'paper-out'
  | 'cover-open'
  | 'offline'
  | 'interrupted'
  | 'unconfirmed'
  | 'unknown';

export type PrintJobKind = 'receipt' | 'reprint' | 'refund' | 'x' | 'z' | 'move' | 'test';

/**
 * A job of the print queue: `pending` written and not yet sent; `sending` handed to the printer and
 * not yet acknowledged; `sent`; `failed` (kept, offered again); `dismissed` by the clerk.
 */
export interface PrintJobView {
  id: number;
  kind: PrintJobKind;
  /** the order, refund or report number it prints */
  title: string;
  state: 'pending' | 'sending' | 'sent' | 'failed' | 'dismissed';
  cause: PrinterCause | null;
  attempts: number;
  createdAt: number;
}

export interface PrinterStatusView {
  /** the printer answered (false: it did not, or it is not an ESC/POS printer) */
  answered: boolean;
  paperOut: boolean;
  coverOpen: boolean;
  offline: boolean;
}

/**
 * What the customer display shows (core/customer-display/, the `/customer` page; the Electron
 * customer window when it is built): only what the customer may see, read-only, pushed on every change.
 */
export interface CustomerView {
  phase: 'idle' | 'cart' | 'pay' | 'paid' | 'declined';
  storeName: string;
  /** the last lines scanned, oldest first (at most 30; `itemCount` counts them all) */
  lines: CustomerLine[];
  itemCount: number;
  /** what is due: the cart's total, or the order's while it is paid */
  totalFen: Fen;
  discountFen: Fen;
  /** while the customer may scan to pay: the QR (its text, and an SVG drawn in main) and its deadline */
  qr: { provider: PaymentMethod; text: string; svg: string; countdownTo: number | null } | null;
  /** paid: how, how much was tendered (cash) and the change due */
  paid: { method: PaymentMethod | null; tenderedFen: Fen | null; changeFen: Fen | null } | null;
  /** the till's clock when this view was made (a countdown runs on it, not the display's own clock) */
  now: number;
}

export interface CustomerLine {
  nameZh: string;
  nameEn: string;
  qty: number;
  unitPriceFen: Fen;
  weightG: number | null;
  totalFen: Fen;
}

/** The pole display facing the customer and the scale labels (owner's settings, `devices.*`). */
export interface DevicesView {
  /** scale label layouts read by `cart.scan` (core/hardware/scale-barcodes.ts); empty: none */
  scaleLayouts: string[];
  /** the serial pole display (客显, 2×20): where it is and what it can show */
  pole: PoleDisplaySettings;
}

export interface PoleDisplaySettings {
  enabled: boolean;
  /** a serial port, e.g. `/dev/ttyUSB0` or `COM3` */
  port: string;
  baud: number;
  /** `gb18030` for displays with a Chinese font, else `ascii` (English only) */
  charset: 'gb18030' | 'ascii';
}
