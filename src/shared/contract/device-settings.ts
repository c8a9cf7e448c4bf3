/**
 * The device settings' checks and the store logo (core/hardware/): the pole display's test line, a
 * sample scale label read as a scan reads it, the receipt logo. Spread into the one contract in
 * ../contract.ts after the other domains.
 */
import { z } from 'zod';
import { LOGO_DOTS, LOGO_MAX_HEIGHT, type PoleTestResult, type ReceiptLogo, type ScaleReadView } from '../device-types';
import { empty, approvalPin, method } from './common';

/** Bytes a base64 text holds (-1 when its length is not a multiple of 4): no Buffer in the renderer. */
function base64Bytes(text: string): number {
  if (text.length % 4 !== 0) return -1;
  return (text.length / 4) * 3 - (text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0);
}

export const deviceSettingsMethods = {
  /** show a test line on the pole display as saved (anyone at the till, like the printer's test page) */
  'devices.poleTest': method<PoleTestResult>()(empty),
  /** read a sample barcode as a scan would: the layouts given (a draft) or the saved ones; adds nothing to any cart */
  'devices.readScale': method<ScaleReadView>()(
    z
      .object({
        code: z
          .string()
          .trim()
          .regex(/^\d{8,20}$/),
        scaleLayouts: z
          .array(z.string().regex(/^[2FPAWC]{13}$|^[2FPAWC]{18}$/))
          .max(4)
          .optional(),
      })
      .strict(),
  ),
  /** the store logo on receipts (1-bit, packed; anyone reads it: it is printed on every receipt) */
  'printer.logo': method<ReceiptLogo | null>()(empty),
  /** set it (owner, audited): width a multiple of 8, at most 576 dots; height at most 160; bits = width × height / 8 bytes */
  'printer.setLogo': method<ReceiptLogo>()(
    z
      .object({
        width: z
          .number()
          .int()
          .min(8)
          .max(LOGO_DOTS[80])
          .refine((w) => w % 8 === 0, 'the width is a multiple of 8'),
        height: z.number().int().min(1).max(LOGO_MAX_HEIGHT),
        bits: z
          .string()
          .max(Math.ceil((LOGO_DOTS[80] * LOGO_MAX_HEIGHT) / 8 / 3) * 4)
          .regex(/^[A-Za-z0-9+/]*={0,2}$/),
        approvalPin,
      })
      .strict()
      .refine((v) => base64Bytes(v.bits) === (v.width * v.height) / 8, {
        message: 'the bits are width × height / 8 bytes',
        path: ['bits'],
      }),
  ),
  /** print receipts without a logo again (owner, audited) */
  'printer.removeLogo': method<null>()(z.object({ approvalPin }).strict()),
};
