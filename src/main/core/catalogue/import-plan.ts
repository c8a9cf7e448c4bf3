/**
 * Plans a catalogue CSV import: checks every row and works out, product by product, what applying
 * the file would change. Pure — it reads a snapshot of the catalogue and writes nothing — so the
 * preview and the apply are the same computation and what is applied is what was previewed.
 *
 * The SKU is the key: a row whose SKU the catalogue has (any case, retired or not) changes that
 * product; any other row adds one. Semantics of a cell, by column:
 *   barcode  empty = no barcode;                column left out = unchanged
 *   unit     empty = none;                      column left out = unchanged
 *   active   1/0, true/false, yes/no, y/n, 是/否; empty or left out = unchanged (new: active)
 *   stock    an integer; empty or left out = unchanged (new: 0). An existing product's count is
 *            only set from the file when asked (`setStock`): a file exported this morning would
 *            otherwise undo the day's sales.
 * A name may be empty when the other language's is not: it takes the other's text.
 */
import { checkBarcode } from '../../../shared/barcode';
import { parseYuan } from '../../../shared/money';
import { isCleanText, shortPrefix } from '../../../shared/text';
import type { ImportChange, ImportErrorKind, ImportField, ImportRowError, ImportValue } from '../../../shared/types';
import { readCell, type CsvRecord } from './csv';

export const SKU_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;
export const MAX_SKU = 32;
export const MAX_NAME = 80;
export const MAX_UNIT = 16;
export const MAX_STOCK = 9_999_999;

export interface SnapshotProduct {
  id: number;
  sku: string;
  barcode: string | null;
  nameZh: string;
  nameEn: string;
  categoryId: number;
  priceFen: number;
  unit: string;
  active: boolean;
  stock: number;
}

export interface SnapshotCategory {
  id: number;
  code: string;
}

export interface CatalogueSnapshot {
  products: SnapshotProduct[];
  categories: SnapshotCategory[];
}

export interface ImportOptions {
  retireMissing: boolean;
  setStock: boolean;
}

/** One product the import writes: its state after the import. */
export interface PlannedOp {
  kind: 'add' | 'change' | 'retire' | 'release';
  line: number | null;
  /** null: a new product */
  id: number | null;
  sku: string;
  barcode: string | null;
  nameZh: string;
  nameEn: string;
  categoryId: number;
  priceFen: number;
  unit: string;
  active: boolean;
  /** the stock count to set, or null to leave it */
  stock: number | null;
  /** the Chinese name is new or changed: its pinyin keys must be computed */
  needsPinyin: boolean;
  barcodeChanged: boolean;
  before: SnapshotProduct | null;
  fields: ImportChange['fields'];
}

export interface ImportPlan {
  errors: ImportRowError[];
  ops: PlannedOp[];
  unchanged: number;
  stockIgnored: number;
  rows: number;
}

export function parseActive(text: string): boolean | null | 'bad' {
  const v = text.trim().toLowerCase();
  if (v === '') return null;
  if (['1', 'true', 'yes', 'y', '是', '在售'].includes(v)) return true;
  if (['0', 'false', 'no', 'n', '否', '停售'].includes(v)) return false;
  return 'bad';
}

/** Text of an error for logs and testers (the UI words each kind itself). */
function message(
  kind: ImportErrorKind,
  column: string | null,
  value: string | null,
  p: Record<string, string | number>,
): string {
  const v = value === null ? '' : ` "${value}"`;
  switch (kind) {
    case 'column_count':
      return `has ${p.got} columns; the header has ${p.expected}`;
    case 'missing_sku':
      return 'has no SKU';
    case 'bad_sku':
      return `SKU${v} may hold only letters, digits and - _ . / (at most ${MAX_SKU}, no spaces)`;
    case 'missing_name':
      return 'has neither a Chinese nor an English name';
    case 'too_long':
      return `${column}${v} is longer than ${p.max} characters`;
    case 'bad_text':
      return `${column}${v} holds a control character or a line break`;
    case 'unknown_category':
      return `category${v} does not exist (known: ${p.known})`;
    case 'bad_price':
      return `price${v} is not an amount in yuan such as 12.30`;
    case 'invalid_barcode':
      return p.reason === 'check_digit'
        ? `barcode${v} has a wrong check digit (expected ${p.expected})`
        : p.reason === 'excel_number'
          ? `barcode${v} was turned into a number by Excel: format the column as Text and type the barcode again`
          : `barcode${v} is not an EAN-13, EAN-8, UPC-A or GTIN-14, nor a code of 6–32 letters, digits or dashes`;
    case 'bad_active':
      return `active${v} is not 1 or 0`;
    case 'bad_stock':
      return `stock${v} is not a whole number`;
    case 'duplicate_sku':
      return `SKU${v} is also on line ${p.otherLine}`;
    case 'duplicate_barcode':
      return `barcode${v} is also on line ${p.otherLine}`;
    case 'code_taken':
      return p.otherLine
        ? `${column}${v} is also used by SKU ${p.otherSku} on line ${p.otherLine}`
        : `${column}${v} is already used by SKU ${p.otherSku}, which is not in this file (or stays as it is)`;
  }
}

interface Row {
  line: number;
  existing: SnapshotProduct | undefined;
  sku: string;
  barcode: string | null | undefined;
  nameZh: string;
  nameEn: string;
  categoryId: number;
  priceFen: number;
  unit: string | undefined;
  active: boolean | null;
  stock: number | null;
}

/** The state every product ends in, to check codes across the whole catalogue. */
interface Final {
  line: number | null;
  id: number | null;
  sku: string;
  barcode: string | null;
  active: boolean;
  row: Row | null;
  /** a retired product not in the file whose barcode is given up to an active one */
  released: boolean;
}

export function planImport(
  header: readonly string[],
  records: readonly CsvRecord[],
  cat: CatalogueSnapshot,
  options: ImportOptions,
): ImportPlan {
  const errors: ImportRowError[] = [];
  const at = new Map(header.map((h, i) => [h, i]));
  const bySku = new Map(cat.products.map((p) => [p.sku.toLowerCase(), p]));
  const catByCode = new Map(cat.categories.map((c) => [c.code.toLowerCase(), c]));
  const codeOf = new Map(cat.categories.map((c) => [c.id, c.code]));
  const known = cat.categories
    .slice(0, 12)
    .map((c) => c.code)
    .join(', ');
  const seenSku = new Map<string, number>();
  const seenBarcode = new Map<string, number>();
  const rows: Row[] = [];
  const badLines = new Set<number>();

  for (const r of records) {
    const errs: ImportRowError[] = [];
    // a bad cell is quoted as a short, printable prefix (a cell may be a megabyte)
    const err = (
      kind: ImportErrorKind,
      column: string | null,
      cellText: string | null,
      params: Record<string, string | number> = {},
    ) => {
      const value = cellText === null ? null : shortPrefix(cellText);
      errs.push({ line: r.line, kind, column, value, params, message: message(kind, column, value, params) });
    };
    if (r.cells.length !== header.length) {
      err('column_count', null, null, { expected: header.length, got: r.cells.length });
      errors.push(...errs);
      badLines.add(r.line);
      continue;
    }
    const cell = (name: string): string | undefined => {
      const i = at.get(name);
      return i === undefined ? undefined : readCell(r.cells[i] as string);
    };

    const sku = cell('sku') ?? '';
    if (sku === '') err('missing_sku', 'sku', '');
    else if (sku.length > MAX_SKU || !SKU_PATTERN.test(sku)) err('bad_sku', 'sku', sku);
    else {
      const other = seenSku.get(sku.toLowerCase());
      if (other !== undefined) err('duplicate_sku', 'sku', sku, { otherLine: other });
      else seenSku.set(sku.toLowerCase(), r.line);
    }

    const zh = cell('name_zh') ?? '';
    const en = cell('name_en') ?? '';
    if (zh === '' && en === '') err('missing_name', 'name_zh', '');
    if (zh.length > MAX_NAME) err('too_long', 'name_zh', zh, { max: MAX_NAME });
    else if (!isCleanText(zh)) err('bad_text', 'name_zh', zh);
    if (en.length > MAX_NAME) err('too_long', 'name_en', en, { max: MAX_NAME });
    else if (!isCleanText(en)) err('bad_text', 'name_en', en);

    const code = cell('category') ?? '';
    const category = catByCode.get(code.toLowerCase());
    if (!category) err('unknown_category', 'category', code, { known });

    const priceText = cell('price') ?? '';
    const priceFen = parseYuan(priceText.replace(/^￥/, '¥'));
    if (priceFen === null) err('bad_price', 'price', priceText);

    const barcodeText = cell('barcode');
    let barcode: string | null | undefined;
    if (barcodeText === undefined) barcode = undefined;
    else if (barcodeText === '') barcode = null;
    else {
      const check = checkBarcode(barcodeText);
      if (!check.ok) {
        err(
          'invalid_barcode',
          'barcode',
          barcodeText,
          check.expected === undefined ? { reason: check.reason } : { reason: check.reason, expected: check.expected },
        );
      } else {
        barcode = check.code;
        const other = seenBarcode.get(barcode.toLowerCase());
        if (other !== undefined) err('duplicate_barcode', 'barcode', barcode, { otherLine: other });
        else seenBarcode.set(barcode.toLowerCase(), r.line);
      }
    }

    const unit = cell('unit');
    if (unit !== undefined && unit.length > MAX_UNIT) err('too_long', 'unit', unit, { max: MAX_UNIT });
    else if (unit !== undefined && !isCleanText(unit)) err('bad_text', 'unit', unit);

    const activeText = cell('active');
    const active = activeText === undefined ? null : parseActive(activeText);
    if (active === 'bad') err('bad_active', 'active', activeText ?? '');

    const stockText = cell('stock') ?? '';
    let stock: number | null = null;
    if (stockText !== '') {
      if (/^[+-]?\d{1,7}$/.test(stockText)) stock = Number(stockText);
      else err('bad_stock', 'stock', stockText);
    }

    if (errs.length > 0) {
      errors.push(...errs);
      badLines.add(r.line);
      continue;
    }
    rows.push({
      line: r.line,
      existing: bySku.get(sku.toLowerCase()),
      sku,
      barcode,
      nameZh: zh || en,
      nameEn: en || zh,
      categoryId: (category as SnapshotCategory).id,
      priceFen: priceFen as number,
      unit,
      active: active as boolean | null,
      stock,
    });
  }

  // ---- the catalogue as it would be: codes must stay unique among the products for sale ----------
  const rowBySku = new Map(rows.map((r) => [r.sku.toLowerCase(), r]));
  // every SKU the file names, refused rows included: a product named on a bad row is not "missing"
  const named = new Set<string>();
  const skuAt = at.get('sku');
  if (skuAt !== undefined)
    for (const r of records)
      if (r.cells.length === header.length) named.add(readCell(r.cells[skuAt] as string).toLowerCase());
  const finals: Final[] = [];
  for (const p of cat.products) {
    const row = rowBySku.get(p.sku.toLowerCase());
    if (row) {
      finals.push({
        line: row.line,
        id: p.id,
        sku: p.sku,
        barcode: row.barcode === undefined ? p.barcode : row.barcode,
        active: row.active ?? p.active,
        row,
        released: false,
      });
    } else {
      // a product on a refused row stays as it is (and the import cannot be applied anyway)
      const retire = options.retireMissing && !named.has(p.sku.toLowerCase());
      finals.push({
        line: null,
        id: p.id,
        sku: p.sku,
        barcode: p.barcode,
        active: p.active && !retire,
        row: null,
        released: false,
      });
    }
  }
  for (const row of rows) {
    if (!row.existing)
      finals.push({
        line: row.line,
        id: null,
        sku: row.sku,
        barcode: row.barcode ?? null,
        active: row.active ?? true,
        row,
        released: false,
      });
  }

  const refuse = (f: Final, column: 'sku' | 'barcode', code: string, other: Final): void => {
    if (f.line === null || badLines.has(f.line)) return;
    const params: Record<string, string | number> = { otherSku: other.sku };
    if (other.line !== null) params.otherLine = other.line;
    errors.push({
      line: f.line,
      kind: 'code_taken',
      column,
      value: code,
      params,
      message: message('code_taken', column, code, params),
    });
    badLines.add(f.line);
  };
  const owners = new Map<string, { f: Final; column: 'sku' | 'barcode' }>();
  for (const f of finals) {
    if (!f.active) continue;
    const codes: ['sku' | 'barcode', string][] = [['sku', f.sku]];
    if (f.barcode) codes.push(['barcode', f.barcode]);
    for (const [column, code] of codes) {
      const key = code.toLowerCase();
      const owner = owners.get(key);
      if (!owner) owners.set(key, { f, column });
      else if (owner.f !== f) {
        // same barcode on two lines of the file was reported as duplicate_barcode already
        if (column === 'barcode' && owner.column === 'barcode' && f.line !== null && owner.f.line !== null) continue;
        if (f.line !== null) refuse(f, column, code, owner.f);
        else refuse(owner.f, owner.column, code, f);
      }
    }
  }
  // a retired product keeps its barcode unless an active one takes it (the database holds each barcode once)
  const barcodeHolders = new Map<string, Final[]>();
  for (const f of finals) {
    if (!f.barcode) continue;
    const key = f.barcode.toLowerCase();
    barcodeHolders.set(key, [...(barcodeHolders.get(key) ?? []), f]);
  }
  for (const [, holders] of barcodeHolders) {
    if (holders.length < 2) continue;
    const keeper = holders.find((h) => h.active) ?? holders.find((h) => h.row !== null) ?? (holders[0] as Final);
    for (const h of holders) {
      if (h === keeper || h.active) continue;
      if (h.row === null) h.released = true;
      else refuse(h, 'barcode', h.barcode as string, keeper);
    }
  }

  // ---- what changes, product by product ----------------------------------------------------------
  const ops: PlannedOp[] = [];
  let unchanged = 0;
  let stockIgnored = 0;
  const finalById = new Map(finals.filter((f) => f.id !== null).map((f) => [f.id as number, f]));
  for (const row of rows) {
    if (badLines.has(row.line)) continue;
    const p = row.existing;
    const after = {
      barcode: row.barcode === undefined ? (p?.barcode ?? null) : row.barcode,
      nameZh: row.nameZh,
      nameEn: row.nameEn,
      categoryId: row.categoryId,
      priceFen: row.priceFen,
      unit: row.unit ?? p?.unit ?? '',
      active: row.active ?? p?.active ?? true,
    };
    const fields: PlannedOp['fields'] = [];
    const diff = (field: ImportField, from: ImportValue, to: ImportValue) => {
      if (from !== to) fields.push({ field, from, to });
    };
    let stock: number | null = null;
    if (p) {
      diff('barcode', p.barcode, after.barcode);
      diff('nameZh', p.nameZh, after.nameZh);
      diff('nameEn', p.nameEn, after.nameEn);
      diff('category', codeOf.get(p.categoryId) ?? null, codeOf.get(after.categoryId) ?? null);
      diff('priceFen', p.priceFen, after.priceFen);
      diff('unit', p.unit, after.unit);
      diff('active', p.active, after.active);
      if (row.stock !== null && row.stock !== p.stock) {
        if (options.setStock) {
          stock = row.stock;
          diff('stock', p.stock, row.stock);
        } else stockIgnored++;
      }
      if (fields.length === 0) {
        unchanged++;
        continue;
      }
    } else {
      stock = row.stock ?? 0;
      diff('barcode', null, after.barcode);
      diff('nameZh', null, after.nameZh);
      diff('nameEn', null, after.nameEn);
      diff('category', null, codeOf.get(after.categoryId) ?? null);
      diff('priceFen', null, after.priceFen);
      diff('unit', null, after.unit);
      diff('active', null, after.active);
      diff('stock', null, stock);
    }
    ops.push({
      kind: p ? 'change' : 'add',
      line: row.line,
      id: p?.id ?? null,
      sku: p?.sku ?? row.sku,
      ...after,
      stock,
      needsPinyin: !p || p.nameZh !== after.nameZh,
      barcodeChanged: p ? p.barcode !== after.barcode : false,
      before: p ?? null,
      fields,
    });
  }
  for (const p of cat.products) {
    const f = finalById.get(p.id) as Final;
    if (f.row !== null) continue;
    const retire = p.active && !f.active;
    if (!retire && !f.released) continue;
    const fields: PlannedOp['fields'] = [];
    if (retire) fields.push({ field: 'active', from: true, to: false });
    if (f.released) fields.push({ field: 'barcode', from: p.barcode, to: null });
    ops.push({
      kind: retire ? 'retire' : 'release',
      line: null,
      id: p.id,
      sku: p.sku,
      barcode: f.released ? null : p.barcode,
      nameZh: p.nameZh,
      nameEn: p.nameEn,
      categoryId: p.categoryId,
      priceFen: p.priceFen,
      unit: p.unit,
      active: f.active,
      stock: null,
      needsPinyin: false,
      barcodeChanged: f.released,
      before: p,
      fields,
    });
  }
  errors.sort((a, b) => a.line - b.line);
  return { errors, ops, unchanged, stockIgnored, rows: records.length };
}
