/**
 * The till's receipt printer as the core sees it. With the HTML kind (the default) everything goes
 * through the injected `ReceiptPrinter` as before (Electron's system printer or PDF, the browser's
 * dialog). With an ESC/POS kind (network, OS queue, serial) each slip is rendered to bytes
 * (escpos.ts), written to the durable queue (print-queue.ts) and sent (transports.ts); the cash
 * drawer wired to the printer is kicked through it.
 *
 * The drawer opens on a cash sale, a cash refund, paid in/out and the owner's "open drawer", never
 * for a sale paid by an intermediary alone. A kick is sent at once and never queued: opening the
 * drawer later, after a restart, would surprise the clerk.
 */
import { PosError, type ErrorCode } from '../../../shared/errors';
import type { PrintOutcome, PrinterCause, PrinterConfig, PrinterStatusView, Receipt } from '../../../shared/types';
import type { Clock } from '../clock';
import type { ReceiptPrinter } from '../reports/printing';
import { DEFAULT_SETTINGS, type Settings } from '../settings';
import type { Store } from '../../store/db';
import { drawerKick, renderEscPos } from './escpos';
import { PrintQueue } from './print-queue';
import type { PrintSlip, Slip } from '../reports/slip-types';
import { askStatus, DEFAULT_TRANSPORT_TIMING, PrinterFailure, sendJob, type TransportTiming } from './transports';

const CAUSE_TEXT: Record<PrinterCause, string> = {
  refused: 'the printer refused the connection (is it on, and is this its address and port?)',
  'no-route': 'there is no route to the printer (check the network cable and the address)',
  timeout: 'the printer did not answer in time (check that it is on and on this network)',
  'queue-not-found': 'the print queue was not found (check the queue name)',
  'port-not-found': 'the serial port was not found (check the cable and the port name)',
  'paper-out': 'the printer is out of paper (load a roll, then retry)',
  'cover-open': 'the printer cover is open (close it, then retry)',
  offline: 'the printer is offline (check its light and buttons, then retry)',
  interrupted: 'the printer stopped in the middle of the job (check the paper, then retry)',
  unconfirmed: 'the till stopped while sending; the receipt may have printed (check the paper)',
  unknown: 'the printer could not be used',
};

/** Slips a customer takes away carry the store's logo; the counter's own (X, Z, paid in/out) do not. */
const LOGO_KINDS: ReadonlySet<PrintSlip['kind']> = new Set<PrintSlip['kind']>(['receipt', 'reprint', 'refund', 'test']);

export function causeCode(cause: PrinterCause): ErrorCode {
  return `PRINTER_${cause.toUpperCase().replace(/-/g, '_')}` as ErrorCode;
}

export function printerError(failure: PrinterFailure, jobId: number | null): PosError {
  return new PosError(causeCode(failure.reason), `Not printed: ${CAUSE_TEXT[failure.reason]} — ${failure.message}`, {
    cause: failure.reason,
    jobId,
  });
}

export interface CounterPrinterOptions {
  store: Store;
  clock: Clock;
  settings: Settings;
  /** the HTML path (Electron or the browser) */
  html: ReceiptPrinter;
  timing?: TransportTiming;
  log: (line: string) => void;
}

export class CounterPrinter {
  readonly queue: PrintQueue;
  private readonly timing: TransportTiming;

  constructor(private readonly o: CounterPrinterOptions) {
    this.queue = new PrintQueue(o.store, o.clock, o.log);
    this.timing = o.timing ?? DEFAULT_TRANSPORT_TIMING;
  }

  config(): PrinterConfig {
    return { ...DEFAULT_SETTINGS.printer, ...this.o.settings.values.printer };
  }

  /** An ESC/POS printer is set up (not the HTML path). */
  get escpos(): boolean {
    return this.config().kind !== 'html';
  }

  private readonly send = (bytes: Uint8Array): Promise<void> => sendJob(this.config(), bytes, this.timing);

  /** What `start()` is doing (tests wait for it). */
  started: Promise<void> = Promise.resolve();

  /** At start-up: jobs cut off mid-send are offered to the clerk; jobs never sent are sent once. */
  start(): Promise<void> {
    this.started = this.startNow().catch((err: unknown) => this.o.log(`print queue start failed: ${String(err)}`));
    return this.started;
  }

  private async startNow(): Promise<void> {
    const unconfirmed = this.queue.recover();
    if (unconfirmed > 0)
      this.o.log(`${unconfirmed} print job(s) may have printed before the till stopped: offered again`);
    if (this.escpos) await this.queue.drain(this.send);
  }

  /** Renders, queues and sends a slip; a failure is thrown as PRINTER_<CAUSE> (the job stays, offered again). */
  async printSlip(p: PrintSlip): Promise<PrintOutcome> {
    const c = this.config();
    const logo = LOGO_KINDS.has(p.kind) ? this.o.settings.values.receiptLogo : null;
    const bytes = renderEscPos(p.slip, { ...c, kick: c.drawer && p.kick === true, logo });
    const id = this.queue.add(p.kind, p.slip.number, p.orderId ?? null, bytes);
    try {
      await this.queue.send(id, this.send);
    } catch (err) {
      throw printerError(err as PrinterFailure, id);
    }
    return { kind: 'printer', path: null };
  }

  /** Prints a slip that follows a money move (refund, paid in/out); a failure is kept in the queue and logged, not thrown. */
  async printAfter(p: PrintSlip): Promise<void> {
    if (!this.escpos) return;
    await this.printSlip(p).catch(() => undefined);
  }

  /**
   * A sale receipt through ESC/POS. The first print of an order is the original; any later one
   * (after one reached the printer, or may have) is marked REPRINT, and replaces prints still owed.
   */
  async printReceipt(orderId: number, receipt: (reprint: boolean) => Receipt, slip: (r: Receipt) => Slip) {
    const r = receipt(this.queue.printedBefore(orderId));
    this.queue.supersede(orderId);
    return this.printSlip({ kind: r.reprint ? 'reprint' : 'receipt', slip: slip(r), orderId });
  }

  /** Sends a job still owed once more. */
  async retry(id: number): Promise<PrintOutcome> {
    const job = this.queue.job(id);
    if (!job || job.state === 'sending')
      throw new PosError('NOT_FOUND', `Print job ${id} is not waiting to be printed.`, { jobId: id });
    try {
      await this.queue.send(id, this.send);
    } catch (err) {
      throw printerError(err as PrinterFailure, id);
    }
    return { kind: 'printer', path: null };
  }

  /**
   * After cash moved (a cash sale, a cash refund, paid in/out): the drawer opens, then the slip (if
   * any) prints. Never awaited by the caller: the money is already recorded, a printer that is off
   * must not hold the counter up; a slip not printed is kept in the queue.
   */
  async afterCash(why: string, slip?: PrintSlip): Promise<void> {
    await this.kick(why);
    if (slip) await this.printAfter(slip);
  }

  /** Kicks the drawer (when one is wired to an ESC/POS printer); false when there is none or it failed. */
  async kick(why: string): Promise<boolean> {
    const c = this.config();
    if (!this.escpos || !c.drawer) return false;
    try {
      // no status check: the drawer opens even when the paper is out
      await this.queue.serial(() => sendJob({ ...c, status: false }, drawerKick(c), this.timing));
      return true;
    } catch (err) {
      this.o.log(`the cash drawer did not open (${why}): ${(err as Error).message}`);
      return false;
    }
  }

  async status(): Promise<PrinterStatusView> {
    try {
      return await askStatus(this.config(), this.timing);
    } catch (err) {
      throw printerError(err instanceof PrinterFailure ? err : new PrinterFailure('unknown', String(err)), null);
    }
  }

  /**
   * The `ReceiptPrinter` the rest of the core uses (X and Z reports, the owner's open drawer): ESC/POS
   * when set up and the caller gave a slip, else the HTML path.
   */
  receiptPrinter(): ReceiptPrinter {
    return {
      print: (doc, html, slip) => (this.escpos && slip ? this.printSlip(slip) : this.o.html.print(doc, html)),
      openDrawer: async () => {
        if (this.escpos && this.config().drawer) return this.kick('open drawer');
        return this.o.html.openDrawer ? this.o.html.openDrawer() : false;
      },
    };
  }
}
