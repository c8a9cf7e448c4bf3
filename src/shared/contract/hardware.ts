/**
 * Hardware (core/hardware/): the cash drawer, the receipt printer, the customer and pole displays,
 * the scale labels. The methods' schemas, spread into the one contract in ../contract.ts.
 */
import { z } from 'zod';
import type { DevicesView, PrintJobView, PrintOutcome, PrinterConfig, PrinterStatusView } from '../types';
import { id, empty, approvalPin, note, method } from './common';

/**
 * The receipt printer's settings. A queue name is CUPS's (letters, digits, `_.@-`, never a leading
 * `-` that `lp` would read as an option); a serial port is a device path or a COM port.
 */
export const printerConfigSchema = z
  .object({
    kind: z.enum(['html', 'network', 'queue', 'serial']),
    host: z
      .string()
      .trim()
      .max(253)
      .regex(/^$|^[A-Za-z0-9][A-Za-z0-9.-]*$|^\[?[0-9A-Fa-f:.]+\]?$/, { message: 'a host name or an IP address' }),
    port: z.number().int().min(1).max(65_535),
    queue: z
      .string()
      .trim()
      .max(127)
      .regex(/^$|^[A-Za-z0-9_.@][A-Za-z0-9_.@-]*$/, { message: 'a print queue name' }),
    serialPath: z
      .string()
      .trim()
      .max(200)
      .regex(/^$|^(\/dev\/[A-Za-z0-9_./-]+|COM\d{1,3})$/, { message: 'a serial port (/dev/… or COMn)' }),
    baudRate: z.union([z.literal(9600), z.literal(19_200), z.literal(38_400), z.literal(57_600), z.literal(115_200)]),
    width: z.union([z.literal(58), z.literal(80)]),
    codePage: z.enum(['gb18030', 'gbk']),
    cutter: z.boolean(),
    status: z.boolean(),
    drawer: z.boolean(),
    drawerPin: z.union([z.literal(2), z.literal(5)]),
    pulseMs: z.number().int().min(50).max(500),
  })
  .strict()
  .refine((c) => c.kind !== 'network' || c.host !== '', { message: 'the printer’s address is needed', path: ['host'] })
  .refine((c) => c.kind !== 'queue' || c.queue !== '', { message: 'the queue name is needed', path: ['queue'] })
  .refine((c) => c.kind !== 'serial' || c.serialPath !== '', {
    message: 'the serial port is needed',
    path: ['serialPath'],
  });

export const printerMethods = {
  /** open the cash drawer without a sale (owner, audited) */
  'drawer.open': method<{ opened: boolean }>()(z.object({ reason: note, approvalPin }).strict()),
  /** the receipt printer (core/hardware/): its settings (anyone reads; saving is the owner's, audited) */
  'printer.settings': method<PrinterConfig>()(empty),
  'printer.setSettings': method<PrinterConfig>()(z.object({ config: printerConfigSchema, approvalPin }).strict()),
  /** the test page and the status, on the saved printer */
  'printer.test': method<PrintOutcome>()(empty),
  'printer.status': method<PrinterStatusView>()(empty),
  /** receipts and slips not printed yet: offered again, retried or dismissed by the clerk */
  'printer.jobs': method<PrintJobView[]>()(empty),
  'printer.retry': method<PrintOutcome>()(z.object({ jobId: id }).strict()),
  'printer.dismiss': method<PrintJobView[]>()(z.object({ jobId: id }).strict()),
};

/** The customer display, the pole display and the scale labels: later in the contract's order than the printer. */
export const devicesMethods = {
  /** the customer display, the pole display and the scale labels (anyone may read: nothing secret) */
  'devices.settings': method<DevicesView>()(empty),
  /** the owner changes them (PIN), audited; only the fields given */
  'devices.set': method<DevicesView>()(
    z
      .object({
        scaleLayouts: z
          .array(z.string().regex(/^[2FPAWC]{13}$|^[2FPAWC]{18}$/))
          .max(4)
          .optional(),
        pole: z
          .object({
            enabled: z.boolean(),
            port: z
              .string()
              .trim()
              .max(128)
              .regex(/^[A-Za-z0-9/._:\\-]*$/),
            baud: z.union([z.literal(2400), z.literal(4800), z.literal(9600), z.literal(19200), z.literal(38400)]),
            charset: z.enum(['gb18030', 'ascii']),
          })
          .strict()
          .optional(),
        approvalPin,
      })
      .strict(),
  ),
};
