/**
 * What the till accepts as a product barcode, shared by main (which decides) and the renderer
 * (which explains while the owner types):
 * - GS1 numbers — EAN-8, UPC-A (12 digits), EAN-13, GTIN-14 — with a correct check digit;
 * - a shop's own code: 6 to 32 letters, digits or dashes that is not all digits of a GS1 length
 *   (6 is the shortest burst the wedge-scanner detector takes as a scan).
 */
export type BarcodeKind = 'ean8' | 'upca' | 'ean13' | 'gtin14' | 'internal';

export type BarcodeCheck =
  | { ok: true; kind: BarcodeKind; code: string }
  | { ok: false; reason: 'check_digit' | 'format' | 'excel_number'; expected?: number };

const GS1_LENGTHS: Record<number, BarcodeKind> = { 8: 'ean8', 12: 'upca', 13: 'ean13', 14: 'gtin14' };

/** The GS1 check digit of the digits before it (weights 3,1,3,… from the right). */
export function gs1CheckDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const d = body.charCodeAt(body.length - 1 - i) - 48;
    sum += d * (i % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}

export function checkBarcode(raw: string): BarcodeCheck {
  const code = raw.trim();
  // Excel shows a long number as 6.90194E+12 and saves it so: the digits are lost
  if (/^\d+(\.\d+)?E\+?\d+$/i.test(code)) return { ok: false, reason: 'excel_number' };
  if (/^\d+$/.test(code) && GS1_LENGTHS[code.length]) {
    const expected = gs1CheckDigit(code.slice(0, -1));
    if (expected !== code.charCodeAt(code.length - 1) - 48) return { ok: false, reason: 'check_digit', expected };
    return { ok: true, kind: GS1_LENGTHS[code.length] as BarcodeKind, code };
  }
  if (/^[A-Za-z0-9-]{6,32}$/.test(code)) return { ok: true, kind: 'internal', code };
  return { ok: false, reason: 'format' };
}
