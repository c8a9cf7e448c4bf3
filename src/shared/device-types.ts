/**
 * Types of the counter's devices added after the first hardware work (s-devices): the pole
 * display's test, reading a sample scale label in Settings, and the store logo on receipts. Kept
 * apart from types.ts so the device work does not touch the file every part of the till shares.
 */

/** What the pole display's test showed, or why it could not. */
export interface PoleTestResult {
  shown: boolean;
  /** the two lines sent (or that would have been sent) */
  lines: [string, string];
  /** why nothing was shown: off, or its port could not be opened (the port's own words) */
  problem: 'off' | 'not-open' | null;
  detail: string | null;
}

/** A sample barcode read the way a scan at the till would read it (devices.readScale). */
export interface ScaleReadView {
  code: string;
  /** the layout it was read by; null: no layout of the till fits it (then it is an ordinary barcode) */
  layout: string | null;
  plu: string | null;
  amountFen: number | null;
  weightG: number | null;
  /** the product it sells: the label's product, or the product whose own barcode this is */
  product: { id: number; nameZh: string; nameEn: string; unit: string; priceFen: number } | null;
  /** what the label charges (its amount, or its weight at the product's price); null: no label */
  chargeFen: number | null;
  /** the code is a product's own barcode: the till sells that product, not a scale label */
  ordinary: boolean;
}

/** Dot widths of the print head: 58 mm paper prints 384 dots, 80 mm 576. */
export const LOGO_DOTS: Record<58 | 80, number> = { 58: 384, 80: 576 };
export const LOGO_MAX_HEIGHT = 160;

/**
 * The store logo printed at the top of receipts: 1-bit, packed 8 dots a byte, rows top to bottom,
 * the high bit the leftmost dot, 1 = black (the ESC/POS raster's own order). Base64 in the contract.
 */
export interface ReceiptLogo {
  width: number;
  height: number;
  bits: string;
}

/** The layouts most Chinese label scales print by default (kept with scale-barcodes.ts's presets). */
export const SCALE_PRESETS = {
  amount13: '2FPPPPPAAAAAC',
  weight13: '2FPPPPPWWWWWC',
  amountWeight18: '2FPPPPPAAAAAWWWWWC',
} as const;
export const MAX_SCALE_LAYOUTS = 4;
