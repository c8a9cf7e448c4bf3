/**
 * Scale barcodes (称重码): the labels a shop's scale prints, an EAN-13 (or the 18-digit variant of
 * the Chinese scale makers) starting with 2, carrying the product's code on the scale (its PLU) and
 * the price, the weight, or both. The owner chooses the layouts the shop's scales print
 * (`scaleLayouts`, docs/architecture.md "Scale barcodes"); each is a pattern of one letter a digit:
 *
 * - `2` the first digit (in-store codes), `F` a digit the scale sets (department, weighed/counted), ignored
 * - `P` the PLU: the product whose SKU or barcode is those digits (leading zeros optional)
 * - `A` the amount in fen, `W` the weight in grams (both may be there: then the amount is what is charged)
 * - `C` the check digit (GS1 mod 10, the EAN-13 method, over every digit before it)
 *
 * e.g. `2FPPPPPAAAAAC` (13 digits, amount), `2FPPPPPWWWWWC` (13 digits, weight),
 * `2FPPPPPAAAAAWWWWWC` (18 digits: amount, then weight).
 */
import { PosError } from '../../../shared/errors';

export const MAX_SCALE_LAYOUTS = 4;

/** The layouts most Chinese label scales print by default (大华/顶尖/托利多 13-digit, and the 18-digit). */
export const SCALE_LAYOUT_PRESETS = {
  amount13: '2FPPPPPAAAAAC',
  weight13: '2FPPPPPWWWWWC',
  amountWeight18: '2FPPPPPAAAAAWWWWWC',
} as const;

const LAYOUT = /^2F*P{4,6}(?:A{4,6}|W{4,6}|A{4,6}W{4,6}|W{4,6}A{4,6})C$/;

/** Why a layout is not one the till can read, or null when it is. */
export function layoutProblem(layout: string): string | null {
  if (layout.length !== 13 && layout.length !== 18) return 'a scale layout has 13 or 18 letters';
  if (!LAYOUT.test(layout))
    return 'a scale layout is 2, then F (ignored), then 4–6 P (the code), 4–6 A (amount) and/or W (weight), then C';
  return null;
}

/** GS1 mod-10 check digit of `digits` (weights 3, 1, 3… from the right), the EAN-13 method. */
export function checkDigit(digits: string): number {
  let sum = 0;
  for (let i = digits.length - 1, w = 3; i >= 0; i--, w = 4 - w) sum += Number(digits[i]) * w;
  return (10 - (sum % 10)) % 10;
}

export interface ScaleCode {
  code: string;
  layout: string;
  plu: string;
  amountFen: number | null;
  weightG: number | null;
}

function field(code: string, layout: string, letter: string): string | null {
  const start = layout.indexOf(letter);
  return start < 0 ? null : code.slice(start, layout.lastIndexOf(letter) + 1);
}

/**
 * Reads `code` by the first layout of its length whose shape it has, or null when it is no scale
 * code (then it is an ordinary barcode). A code of that shape with a wrong check digit is refused as
 * `SCALE_CODE_INVALID`, naming it: a misread label must never sell at a misread price.
 */
export function readScaleCode(code: string, layouts: readonly string[]): ScaleCode | null {
  const c = code.trim();
  if (!/^2\d+$/.test(c)) return null;
  const layout = layouts.find((l) => l.length === c.length && layoutProblem(l) === null);
  if (!layout) return null;
  const expected = checkDigit(c.slice(0, -1));
  if (Number(c[c.length - 1]) !== expected) {
    throw new PosError(
      'SCALE_CODE_INVALID',
      `The scale label ${c} does not read right (its check digit is ${c[c.length - 1]}, not ${expected}): scan it again or key in the product.`,
      { code: c },
    );
  }
  const amount = field(c, layout, 'A');
  const weight = field(c, layout, 'W');
  return {
    code: c,
    layout,
    plu: field(c, layout, 'P') as string,
    amountFen: amount === null ? null : Number(amount),
    weightG: weight === null ? null : Number(weight),
  };
}

export interface LabelProduct {
  id: number;
  priceFen: number;
  unit: string;
  nameZh: string;
  nameEn: string;
}

/** The product of a label: SKU or barcode = its PLU, leading zeros optional. */
export function labelProduct<P extends LabelProduct>(
  label: ScaleCode,
  findByCode: (code: string) => P | undefined,
): P | undefined {
  return findByCode(label.plu) ?? findByCode(label.plu.replace(/^0+(?=\d)/, ''));
}

/** Grams in one unit of a product's price, by its unit; null: not sold by weight. */
export function gramsPerPriceUnit(unit: string): number | null {
  const u = unit.trim().toLowerCase();
  if (u === 'kg' || u === '千克' || u === '公斤') return 1000;
  if (u === '斤') return 500;
  if (u === '100g' || u === '100克') return 100;
  if (u === 'g' || u === '克') return 1;
  return null;
}

/**
 * What a label charges: its amount when it carries one, else its weight at the product's price per
 * unit (rounded half up to the fen). A weight label for a product not sold by weight is refused.
 */
export function labelPriceFen(
  label: ScaleCode,
  product: { priceFen: number; unit: string; nameZh: string; nameEn: string },
): number {
  if (label.amountFen !== null) return label.amountFen;
  const grams = gramsPerPriceUnit(product.unit);
  if (grams === null) {
    throw new PosError(
      'SCALE_NOT_WEIGHED',
      `${product.nameEn} (${product.nameZh}) is not sold by weight (its unit is "${product.unit}"): the owner sets its unit to kg or 斤 in the catalogue.`,
      { code: label.code, unit: product.unit },
    );
  }
  return Math.floor(((label.weightG as number) * product.priceFen * 2 + grams) / (2 * grams));
}
