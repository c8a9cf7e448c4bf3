/**
 * The catalogue's code rules: a SKU is unique among all products (case-insensitively: the scanner
 * lookup ignores case); a barcode is unique among products for sale, and no product's barcode is
 * another's SKU. The database holds each barcode once, so a retired product gives its barcode up
 * when a product for sale takes it (the caller audits it).
 */
import { sql, type SqlBool } from 'kysely';
import { checkBarcode } from '../../../shared/barcode';
import { PosError } from '../../../shared/errors';
import type { Store } from '../../store/db';
import type { ProductRow } from '../../store/schema';

/**
 * Checks a product's codes against the others; returns the retired product that must give up
 * the barcode, if any. A product not for sale only needs its barcode free in the database.
 */
export function checkCodes(
  store: Store,
  p: {
    id: number | null;
    sku: string;
    barcode: string | null;
    active: boolean;
  },
): ProductRow | null {
  const others = () => {
    const q = store.kysely.selectFrom('products').selectAll();
    return p.id === null ? q : q.where('id', '!=', p.id);
  };
  const sameSku = store.first(others().where(sql<SqlBool>`lower(sku) = ${p.sku.toLowerCase()}`));
  if (sameSku) {
    throw new PosError(
      'SKU_TAKEN',
      `SKU ${p.sku} is already used by ${sameSku.sku} (${sameSku.name_zh} / ${sameSku.name_en})${sameSku.active ? '' : ', a retired product: bring it back instead'}.`,
      {
        sku: p.sku,
        otherSku: sameSku.sku,
        otherId: sameSku.id,
        retired: sameSku.active === 0,
      },
    );
  }
  if (p.active) {
    const barcodeIsSku = store.first(
      others()
        .where('active', '=', 1)
        .where(sql<SqlBool>`lower(barcode) = ${p.sku.toLowerCase()}`),
    );
    if (barcodeIsSku) {
      throw new PosError(
        'SKU_TAKEN',
        `SKU ${p.sku} is the barcode of ${barcodeIsSku.sku}: a scan could not tell them apart.`,
        {
          sku: p.sku,
          otherSku: barcodeIsSku.sku,
          otherId: barcodeIsSku.id,
          retired: false,
        },
      );
    }
  }
  if (p.barcode === null) return null;
  const holder = store.first(others().where('barcode', '=', p.barcode));
  if (holder && (holder.active === 1 || !p.active)) {
    throw new PosError(
      'BARCODE_TAKEN',
      `Barcode ${p.barcode} is already on ${holder.sku} (${holder.name_zh} / ${holder.name_en})${holder.active ? '' : ', a retired product'}.`,
      {
        barcode: p.barcode,
        otherSku: holder.sku,
        otherId: holder.id,
        retired: holder.active === 0,
      },
    );
  }
  if (p.active) {
    const skuIsBarcode = store.first(
      others()
        .where('active', '=', 1)
        .where(sql<SqlBool>`lower(sku) = ${p.barcode.toLowerCase()}`),
    );
    if (skuIsBarcode) {
      throw new PosError(
        'BARCODE_TAKEN',
        `Barcode ${p.barcode} is the SKU of ${skuIsBarcode.sku}: a scan could not tell them apart.`,
        {
          barcode: p.barcode,
          otherSku: skuIsBarcode.sku,
          otherId: skuIsBarcode.id,
          retired: false,
        },
      );
    }
  }
  return holder ?? null;
}

/** A product's two names: one may be empty, then it takes the other's text; both empty is refused. */
export function productNames(nameZh: string, nameEn: string): { nameZh: string; nameEn: string } {
  const zh = nameZh.trim();
  const en = nameEn.trim();
  if (!zh && !en)
    throw new PosError('INVALID_INPUT', 'A product needs a name, in Chinese or in English.', { field: 'nameZh' });
  return { nameZh: zh || en, nameEn: en || zh };
}

/** A barcode as typed, checked (src/shared/barcode.ts) and normalised; empty is none. */
export function barcodeOf(text: string | null): string | null {
  if (text === null || text.trim() === '') return null;
  const check = checkBarcode(text);
  if (!check.ok) {
    const why =
      check.reason === 'check_digit'
        ? `its check digit should be ${check.expected}`
        : check.reason === 'excel_number'
          ? 'it was turned into a number by a spreadsheet'
          : 'it is neither an EAN-13, EAN-8, UPC-A or GTIN-14 nor a code of 6–32 letters, digits or dashes';
    throw new PosError('INVALID_BARCODE', `Barcode ${text.trim()} is not valid: ${why}.`, {
      barcode: text.trim(),
      reason: check.reason,
      ...(check.expected === undefined ? {} : { expected: check.expected }),
    });
  }
  return check.code;
}
