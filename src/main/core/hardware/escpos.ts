/**
 * ESC/POS bytes of a slip. `@point-of-sale/receipt-printer-encoder` writes the commands (init,
 * styles, QR, barcode, cut, drawer pulse); its text encoder only knows single-byte code pages, so
 * the text of each line is encoded by `iconv-lite` in the printer's Chinese code page (GB18030 or
 * GBK) and handed to it as raw bytes, after `FS &` puts the printer in Chinese mode. Lines are
 * laid out here by display width (slip.ts), never by the encoder.
 */
import type ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';
import iconv from 'iconv-lite';
import { LOGO_DOTS, type ReceiptLogo } from '../../../shared/device-types';
import type { PrinterConfig } from '../../../shared/types';
import { logoImage } from './logo';
import { COLUMNS, layout, type Slip } from './slip';
import { lazyModule } from '../../lazy-module';

/** loaded at the first slip, not at start-up (src/main/lazy-module.ts) */
const Encoder = lazyModule<typeof ReceiptPrinterEncoder | { default: typeof ReceiptPrinterEncoder }>(
  '@point-of-sale/receipt-printer-encoder',
);

/** FS & — select Chinese (double-byte) character mode */
const CHINESE_MODE = [0x1c, 0x26];

export type EscPosOptions = Pick<PrinterConfig, 'width' | 'codePage' | 'cutter' | 'drawerPin' | 'pulseMs'> & {
  /** kick the drawer before printing (a cash sale, a cash refund, paid in/out) */
  kick?: boolean;
  /** the store logo, printed centred above the slip (skipped when wider than this paper prints) */
  logo?: ReceiptLogo | null;
};

function encoder(columns: number): ReceiptPrinterEncoder {
  const mod = Encoder(); // its CommonJS build exports the class itself
  const Make = 'default' in mod ? mod.default : mod;
  return new Make({ language: 'esc-pos', columns, newline: '\n', feedBeforeCut: 4 });
}

/** ESC p m t1 t2: pin 2 is m = 0, pin 5 is m = 1; on for `pulseMs`, off twice as long. */
function pulse(e: ReceiptPrinterEncoder, o: Pick<PrinterConfig, 'drawerPin' | 'pulseMs'>): ReceiptPrinterEncoder {
  return e.pulse(o.drawerPin === 5 ? 1 : 0, o.pulseMs, o.pulseMs * 2);
}

export function renderEscPos(slip: Slip, o: EscPosOptions): Uint8Array {
  const columns = COLUMNS[o.width];
  const e = encoder(columns).initialize().raw(CHINESE_MODE);
  if (o.kick) pulse(e, o);
  if (o.logo && o.logo.width <= LOGO_DOTS[o.width]) {
    // raster (GS v 0): one command for the whole image, what every ESC/POS printer of the last 15 years reads
    const img = logoImage(o.logo);
    e.align('center').image(img, {
      width: img.width,
      height: img.height,
      algorithm: 'threshold',
      threshold: 128,
      mode: 'raster',
    });
    e.align('left');
  }
  for (const l of layout(slip, columns, o.codePage)) {
    if (l.t === 'line') {
      e.bold(l.bold);
      if (l.big) e.size(1, 2);
      e.raw(iconv.encode(l.text, o.codePage)).newline();
      if (l.big) e.size(1, 1);
      e.bold(false);
    } else if (l.t === 'qr') {
      e.align('center').qrcode(l.data, { model: 2, size: o.width === 58 ? 5 : 6, errorlevel: 'm' });
      e.align('left');
    } else {
      e.align('center').barcode(l.data, 'code128', { height: 60, text: 'below' });
      e.align('left');
    }
  }
  if (o.cutter) e.cut('partial');
  else e.newline(4);
  return e.encode();
}

/** The drawer pulse alone (the owner's "open drawer"). */
export function drawerKick(o: Pick<PrinterConfig, 'drawerPin' | 'pulseMs'>): Uint8Array {
  return pulse(encoder(32).initialize(), o).encode();
}
