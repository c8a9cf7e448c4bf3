/**
 * Catalogue management for the owner: add, edit, retire and bring back products; categories (add,
 * rename, recolour, reorder); stock adjustments; CSV export and a two-step CSV import (preview,
 * then apply exactly what was previewed). Every change is owner-only (checked by the handler),
 * audited with before/after in the same transaction, refreshes the sell screen's search index and
 * emits `catalog.changed`.
 *
 * Codes: a SKU is unique among all products (case-insensitively: the scanner lookup ignores case);
 * a barcode is unique among products for sale, and no product's barcode is another's SKU. The
 * database holds each barcode once, so a retired product gives its barcode up (audited) when a
 * product for sale takes it; its past orders keep the barcode in their lines.
 *
 * Past orders never change: an order line copies the name and price when the order is written.
 */
import { createHash, randomBytes } from 'node:crypto';
import { sql, type SqlBool } from 'kysely';
import { checkBarcode } from '../../shared/barcode';
import { PosError } from '../../shared/errors';
import { fenToYuanString } from '../../shared/money';
import type {
  CatalogueCategory,
  CatalogueExport,
  CatalogueList,
  CatalogueProduct,
  ImportApplied,
  ImportChange,
  ImportPreview,
  ImportUpload,
  ProductSaved,
  StockMoveView,
} from '../../shared/types';
import type { Store } from '../store/db';
import type { ProductRow } from '../store/schema';
import type { Audit } from './audit';
import type { Actor } from './auth';
import { CSV_COLUMNS, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, REQUIRED_COLUMNS, decodeCsv, parseCsv, type CsvEncoding } from './catalog-csv';
import { decimal, writeCsv } from './csv';
import { shortPrefix } from '../../shared/text';
import { planImport, type CatalogueSnapshot, type ImportOptions, type PlannedOp } from './catalog-import';
import type { Catalog } from './catalog';
import { businessDay, type Clock } from './clock';
import type { Events } from './events';
import { loadPinyin as loadPinyinPro, type PinyinFn } from './seed';

export interface SaveProductInput {
  id?: number | undefined;
  sku: string;
  barcode: string | null;
  nameZh: string;
  nameEn: string;
  categoryId: number;
  priceFen: number;
  unit: string;
  openingStock?: number | undefined;
}

export interface SaveCategoryInput {
  id?: number | undefined;
  code: string;
  nameZh: string;
  nameEn: string;
  color: string;
}

/** How long an upload or a preview is kept, idle; and how many at once. */
const KEEP_MS = 30 * 60_000;
const MAX_UPLOADS = 4;
const MAX_PLANS = 4;
/** Each list of a preview holds at most this many entries (the counts are exact). */
export const PREVIEW_LIST_LIMIT = 1000;

interface Upload {
  parts: Buffer[];
  size: number;
  touched: number;
}

interface StoredPlan {
  token: string;
  fingerprint: string;
  fileSha: string;
  encoding: CsvEncoding;
  options: ImportOptions;
  ops: PlannedOp[];
  keys: Map<PlannedOp, { pinyin: string; initials: string }>;
  unchanged: number;
  rows: number;
  touched: number;
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

function snapshotOf(p: ProductRow, categoryCode: string) {
  return {
    sku: p.sku,
    barcode: p.barcode,
    nameZh: p.name_zh,
    nameEn: p.name_en,
    category: categoryCode,
    priceFen: p.price_fen,
    unit: p.unit,
    active: p.active === 1,
  };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export class CatalogAdmin {
  private readonly uploads = new Map<string, Upload>();
  private readonly plans = new Map<string, StoredPlan>();
  private readonly applied = new Map<string, ImportApplied>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly catalog: Catalog,
    private readonly audit: Audit,
    private readonly events: Events,
    private readonly timeZone: () => string,
    private readonly loadPinyin: () => Promise<PinyinFn> = loadPinyinPro,
  ) {}

  private get k() {
    return this.store.kysely;
  }

  // ---- reading ------------------------------------------------------------------------------------

  private productQuery() {
    return this.k
      .selectFrom('products')
      .innerJoin('categories', 'categories.id', 'products.category_id')
      .selectAll('products')
      .select(['categories.code as category_code']);
  }

  private view(r: ProductRow & { category_code: string }): CatalogueProduct {
    return {
      id: r.id,
      sku: r.sku,
      barcode: r.barcode,
      nameZh: r.name_zh,
      nameEn: r.name_en,
      categoryId: r.category_id,
      categoryCode: r.category_code,
      priceFen: r.price_fen,
      unit: r.unit,
      active: r.active === 1,
      stock: r.stock,
      updatedAt: r.updated_at,
    };
  }

  product(id: number): CatalogueProduct {
    const r = this.store.first(this.productQuery().where('products.id', '=', id));
    if (!r) throw new PosError('UNKNOWN_PRODUCT', `There is no product with id ${id}.`, { productId: id });
    return this.view(r);
  }

  /** Products with their stock, retired too; `query` matches names, pinyin, initials, SKU and barcode. */
  list(filter: { query?: string | undefined; categoryId?: number | null | undefined; status?: 'active' | 'retired' | 'all' | undefined; limit?: number | undefined }): CatalogueList {
    const status = filter.status ?? 'active';
    const q = (filter.query ?? '').trim().toLowerCase();
    const like = `%${escapeLike(q)}%`;
    let base = this.k.selectFrom('products').innerJoin('categories', 'categories.id', 'products.category_id');
    if (status !== 'all') base = base.where('products.active', '=', status === 'active' ? 1 : 0);
    if (filter.categoryId) base = base.where('products.category_id', '=', filter.categoryId);
    if (q) {
      base = base.where((eb) =>
        eb.or([
          sql<SqlBool>`lower(products.name_zh) like ${like} escape '\\'`,
          sql<SqlBool>`lower(products.name_en) like ${like} escape '\\'`,
          sql<SqlBool>`products.pinyin like ${like} escape '\\'`,
          sql<SqlBool>`products.pinyin_initials like ${like} escape '\\'`,
          sql<SqlBool>`lower(products.sku) like ${like} escape '\\'`,
          sql<SqlBool>`lower(products.barcode) like ${like} escape '\\'`,
        ]),
      );
    }
    const total = this.store.first(base.select((eb) => eb.fn.countAll<number>().as('n')));
    const rows = this.store.all(
      base
        .selectAll('products')
        .select(['categories.code as category_code'])
        .orderBy('categories.sort')
        .orderBy('categories.id')
        .orderBy('products.sku')
        .limit(filter.limit ?? 500),
    );
    return { products: rows.map((r) => this.view(r)), total: Number(total?.n ?? 0) };
  }

  categories(): CatalogueCategory[] {
    const rows = this.store.all(
      this.k
        .selectFrom('categories')
        .leftJoin('products', 'products.category_id', 'categories.id')
        .select((eb) => [
          'categories.id',
          'categories.code',
          'categories.name_zh',
          'categories.name_en',
          'categories.color',
          'categories.sort',
          eb.fn.sum<number>(eb.case().when('products.active', '=', 1).then(1).else(0).end()).as('active_count'),
          eb.fn.sum<number>(eb.case().when('products.active', '=', 0).then(1).else(0).end()).as('retired_count'),
        ])
        .groupBy('categories.id')
        .orderBy('categories.sort')
        .orderBy('categories.id'),
    );
    return rows.map((r) => ({
      id: r.id,
      code: r.code,
      nameZh: r.name_zh,
      nameEn: r.name_en,
      color: r.color,
      sort: r.sort,
      activeCount: Number(r.active_count ?? 0),
      retiredCount: Number(r.retired_count ?? 0),
    }));
  }

  stockMoves(productId: number, limit = 100): StockMoveView[] {
    this.product(productId);
    const rows = this.store.all(
      this.k
        .selectFrom('stock_moves')
        .leftJoin('orders', 'orders.id', 'stock_moves.order_id')
        .selectAll('stock_moves')
        .select(['orders.number as order_number'])
        .where('stock_moves.product_id', '=', productId)
        .orderBy('stock_moves.id', 'desc')
        .limit(limit),
    );
    return rows.map((r) => ({
      id: r.id,
      productId: r.product_id,
      delta: r.delta,
      reason: r.reason,
      orderId: r.order_id,
      orderNumber: r.order_number,
      refundId: r.refund_id,
      actor: r.actor,
      approvedBy: r.approved_by,
      at: r.at,
      note: r.note,
      stockAfter: r.stock_after,
    }));
  }

  // ---- products -----------------------------------------------------------------------------------

  private categoryCode(id: number): string {
    const c = this.store.first(this.k.selectFrom('categories').select('code').where('id', '=', id));
    if (!c) throw new PosError('UNKNOWN_CATEGORY', `There is no category ${id}.`, { categoryId: id });
    return c.code;
  }

  /**
   * Checks a product's codes against the others; returns the retired product that must give up
   * the barcode, if any. A product not for sale only needs its barcode free in the database.
   */
  private checkCodes(p: { id: number | null; sku: string; barcode: string | null; active: boolean }): ProductRow | null {
    const others = () => {
      const q = this.k.selectFrom('products').selectAll();
      return p.id === null ? q : q.where('id', '!=', p.id);
    };
    const sameSku = this.store.first(others().where(sql<SqlBool>`lower(sku) = ${p.sku.toLowerCase()}`));
    if (sameSku) {
      throw new PosError('SKU_TAKEN', `SKU ${p.sku} is already used by ${sameSku.sku} (${sameSku.name_zh} / ${sameSku.name_en})${sameSku.active ? '' : ', a retired product: bring it back instead'}.`, {
        sku: p.sku,
        otherSku: sameSku.sku,
        otherId: sameSku.id,
        retired: sameSku.active === 0,
      });
    }
    if (p.active) {
      const barcodeIsSku = this.store.first(
        others().where('active', '=', 1).where(sql<SqlBool>`lower(barcode) = ${p.sku.toLowerCase()}`),
      );
      if (barcodeIsSku) {
        throw new PosError('SKU_TAKEN', `SKU ${p.sku} is the barcode of ${barcodeIsSku.sku}: a scan could not tell them apart.`, {
          sku: p.sku,
          otherSku: barcodeIsSku.sku,
          otherId: barcodeIsSku.id,
          retired: false,
        });
      }
    }
    if (p.barcode === null) return null;
    const holder = this.store.first(others().where('barcode', '=', p.barcode));
    if (holder && (holder.active === 1 || !p.active)) {
      throw new PosError('BARCODE_TAKEN', `Barcode ${p.barcode} is already on ${holder.sku} (${holder.name_zh} / ${holder.name_en})${holder.active ? '' : ', a retired product'}.`, {
        barcode: p.barcode,
        otherSku: holder.sku,
        otherId: holder.id,
        retired: holder.active === 0,
      });
    }
    if (p.active) {
      const skuIsBarcode = this.store.first(
        others().where('active', '=', 1).where(sql<SqlBool>`lower(sku) = ${p.barcode.toLowerCase()}`),
      );
      if (skuIsBarcode) {
        throw new PosError('BARCODE_TAKEN', `Barcode ${p.barcode} is the SKU of ${skuIsBarcode.sku}: a scan could not tell them apart.`, {
          barcode: p.barcode,
          otherSku: skuIsBarcode.sku,
          otherId: skuIsBarcode.id,
          retired: false,
        });
      }
    }
    return holder ?? null;
  }

  private names(nameZh: string, nameEn: string): { nameZh: string; nameEn: string } {
    const zh = nameZh.trim();
    const en = nameEn.trim();
    if (!zh && !en) throw new PosError('INVALID_INPUT', 'A product needs a name, in Chinese or in English.', { field: 'nameZh' });
    return { nameZh: zh || en, nameEn: en || zh };
  }

  private barcodeOf(text: string | null): string | null {
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

  /** Adds (no id) or edits a product. */
  async saveProduct(input: SaveProductInput, actor: Actor): Promise<ProductSaved> {
    const { nameZh, nameEn } = this.names(input.nameZh, input.nameEn);
    const barcode = this.barcodeOf(input.barcode);
    const sku = input.sku.trim();
    const existing = input.id === undefined ? undefined : this.store.first(this.k.selectFrom('products').selectAll().where('id', '=', input.id));
    if (input.id !== undefined && !existing) throw new PosError('UNKNOWN_PRODUCT', `There is no product with id ${input.id}.`, { productId: input.id });
    if (existing && input.openingStock !== undefined) {
      throw new PosError('INVALID_INPUT', 'An opening stock is for a new product; adjust the stock of an existing one.', { field: 'openingStock' });
    }
    const keys = !existing || existing.name_zh !== nameZh ? (await this.loadPinyin())(nameZh) : { pinyin: existing.pinyin, initials: existing.pinyin_initials };
    const now = this.clock.now();
    const result = this.store.tx(() => {
      const code = this.categoryCode(input.categoryId);
      // re-read inside the transaction: the product may have changed while pinyin loaded
      const before = input.id === undefined ? undefined : this.store.first(this.k.selectFrom('products').selectAll().where('id', '=', input.id));
      const active = before ? before.active === 1 : true;
      const releaseFrom = this.checkCodes({ id: before?.id ?? null, sku, barcode, active });
      if (releaseFrom) {
        this.store.run(this.k.updateTable('products').set({ barcode: null, updated_at: now }).where('id', '=', releaseFrom.id));
        this.audit.record(actor, 'catalog.product.update', `product:${releaseFrom.sku}`, {
          before: { barcode: releaseFrom.barcode },
          after: { barcode: null },
          note: `barcode given up to ${sku} (retired product)`,
        });
      }
      const values = {
        sku,
        barcode,
        name_zh: nameZh,
        name_en: nameEn,
        pinyin: keys.pinyin,
        pinyin_initials: keys.initials,
        category_id: input.categoryId,
        price_fen: input.priceFen,
        unit: input.unit.trim(),
        updated_at: now,
      };
      let id: number;
      if (before) {
        id = before.id;
        this.store.run(this.k.updateTable('products').set(values).where('id', '=', id));
      } else {
        id = this.store.run(this.k.insertInto('products').values({ ...values, active: 1, created_at: now })).lastInsertRowid;
        if (input.openingStock) this.moveStock(id, input.openingStock, 'adjustment', actor, 'opening count', now);
      }
      const after = this.store.first(this.k.selectFrom('products').selectAll().where('id', '=', id)) as ProductRow;
      if (before) {
        const b = snapshotOf(before, this.categoryCode(before.category_id));
        const a = snapshotOf(after, code);
        this.audit.record(actor, 'catalog.product.update', `product:${after.sku}`, { before: b, after: a });
      } else {
        this.audit.record(actor, 'catalog.product.create', `product:${after.sku}`, {
          after: { ...snapshotOf(after, code), stock: after.stock },
        });
      }
      return { product: this.product(id), barcodeFrom: releaseFrom ? { id: releaseFrom.id, sku: releaseFrom.sku } : null };
    });
    this.changed('products');
    return result;
  }

  /** Retires a product (gone from the grid, search and scan; kept in past orders) or brings it back. */
  setActive(productId: number, active: boolean, actor: Actor): CatalogueProduct {
    const result = this.store.tx(() => {
      const before = this.store.first(this.k.selectFrom('products').selectAll().where('id', '=', productId));
      if (!before) throw new PosError('UNKNOWN_PRODUCT', `There is no product with id ${productId}.`, { productId });
      if ((before.active === 1) === active) return this.product(productId);
      if (active) this.checkCodes({ id: before.id, sku: before.sku, barcode: before.barcode, active: true });
      this.store.run(this.k.updateTable('products').set({ active: active ? 1 : 0, updated_at: this.clock.now() }).where('id', '=', productId));
      this.audit.record(actor, active ? 'catalog.product.unretire' : 'catalog.product.retire', `product:${before.sku}`, {
        before: { active: before.active === 1 },
        after: { active },
      });
      return this.product(productId);
    });
    this.changed('products');
    return result;
  }

  /**
   * Writes one stock move and the new count. Call inside a transaction. `current`: the count now,
   * when the caller knows it (a product just inserted with its count), to spare a read and a write.
   */
  private moveStock(
    productId: number,
    delta: number,
    reason: 'adjustment' | 'import',
    actor: Actor,
    note: string | null,
    now: number,
    written?: { stock: number },
  ): number {
    let after: number;
    if (written) after = written.stock;
    else {
      const row = this.store.first(this.k.selectFrom('products').select('stock').where('id', '=', productId));
      after = (row?.stock ?? 0) + delta;
      this.store.run(this.k.updateTable('products').set({ stock: after }).where('id', '=', productId));
    }
    this.store.run(
      this.k.insertInto('stock_moves').values({
        product_id: productId,
        delta,
        reason,
        order_id: null,
        refund_id: null,
        actor: actor.name,
        approved_by: actor.approvedBy,
        at: now,
        note,
        stock_after: after,
      }),
    );
    return after;
  }

  /** An owner's adjustment: by a delta (received, damaged) or to a counted value, with the reason. */
  adjustStock(productId: number, mode: 'delta' | 'count', value: number, reason: string, actor: Actor): CatalogueProduct {
    const result = this.store.tx(() => {
      const p = this.product(productId);
      const delta = mode === 'delta' ? value : value - p.stock;
      if (mode === 'delta' && delta === 0) throw new PosError('INVALID_INPUT', 'An adjustment of 0 changes nothing.', { field: 'value' });
      const now = this.clock.now();
      const after = delta === 0 ? p.stock : this.moveStock(productId, delta, 'adjustment', actor, reason.trim(), now);
      this.audit.record(actor, mode === 'count' ? 'stock.count' : 'stock.adjust', `product:${p.sku}`, {
        before: { stock: p.stock },
        after: { stock: after },
        note: reason.trim(),
      });
      return this.product(productId);
    });
    this.changed('stock');
    return result;
  }

  // ---- categories ---------------------------------------------------------------------------------

  saveCategory(input: SaveCategoryInput, actor: Actor): CatalogueCategory {
    const zh = input.nameZh.trim();
    const en = input.nameEn.trim();
    if (!zh && !en) throw new PosError('INVALID_INPUT', 'A category needs a name, in Chinese or in English.', { field: 'nameZh' });
    const code = input.code.trim().toLowerCase();
    const id = this.store.tx(() => {
      const same = this.store.first(this.k.selectFrom('categories').selectAll().where('code', '=', code));
      if (same && same.id !== input.id) {
        throw new PosError('CATEGORY_CODE_TAKEN', `Category code ${code} is already used by ${same.name_zh} / ${same.name_en}.`, { code });
      }
      const values = { code, name_zh: zh || en, name_en: en || zh, color: input.color.toLowerCase() };
      if (input.id !== undefined) {
        const before = this.store.first(this.k.selectFrom('categories').selectAll().where('id', '=', input.id));
        if (!before) throw new PosError('UNKNOWN_CATEGORY', `There is no category ${input.id}.`, { categoryId: input.id });
        this.store.run(this.k.updateTable('categories').set(values).where('id', '=', input.id));
        this.audit.record(actor, 'catalog.category.update', `category:${code}`, {
          before: { code: before.code, nameZh: before.name_zh, nameEn: before.name_en, color: before.color },
          after: { code, nameZh: values.name_zh, nameEn: values.name_en, color: values.color },
        });
        return input.id;
      }
      const last = this.store.first(this.k.selectFrom('categories').select((eb) => eb.fn.max<number | null>('sort').as('s')));
      const newId = this.store.run(this.k.insertInto('categories').values({ ...values, sort: (last?.s ?? -1) + 1 })).lastInsertRowid;
      this.audit.record(actor, 'catalog.category.create', `category:${code}`, {
        after: { code, nameZh: values.name_zh, nameEn: values.name_en, color: values.color },
      });
      return newId;
    });
    this.changed('categories');
    return this.categories().find((c) => c.id === id) as CatalogueCategory;
  }

  /** `ids`: every category, in the new order. */
  reorderCategories(ids: number[], actor: Actor): CatalogueCategory[] {
    this.store.tx(() => {
      const all = this.store.all(this.k.selectFrom('categories').select(['id', 'code']).orderBy('sort').orderBy('id'));
      const given = new Set(ids);
      if (given.size !== ids.length || ids.length !== all.length || all.some((c) => !given.has(c.id))) {
        throw new PosError('INVALID_INPUT', `Give every category exactly once (${all.length} of them).`, { field: 'ids' });
      }
      ids.forEach((id, sort) => this.store.run(this.k.updateTable('categories').set({ sort }).where('id', '=', id)));
      const code = new Map(all.map((c) => [c.id, c.code]));
      this.audit.record(actor, 'catalog.category.reorder', null, { before: all.map((c) => c.code), after: ids.map((id) => code.get(id)) });
    });
    this.changed('categories');
    return this.categories();
  }

  // ---- CSV export ---------------------------------------------------------------------------------

  exportCsv(): CatalogueExport {
    const rows = this.store.all(
      this.productQuery().orderBy('categories.sort').orderBy('categories.id').orderBy('products.sku'),
    );
    const cells = rows.map((r) => [
      r.sku,
      r.barcode ?? '',
      r.name_zh,
      r.name_en,
      r.category_code,
      decimal(fenToYuanString(r.price_fen)),
      r.unit,
      r.active ? 1 : 0,
      r.stock,
    ]);
    const content = writeCsv([CSV_COLUMNS, ...cells], { bom: true });
    return { filename: `counter-pos-catalogue-${businessDay(this.clock.now(), this.timeZone())}.csv`, content, rows: rows.length };
  }

  // ---- CSV import ---------------------------------------------------------------------------------

  private expire(): void {
    const now = this.clock.now();
    for (const [id, u] of this.uploads) if (now - u.touched > KEEP_MS) this.uploads.delete(id);
    for (const [t, p] of this.plans) if (now - p.touched > KEEP_MS) this.plans.delete(t);
  }

  /** Receives one base64 piece of a file; the first piece (no uploadId) opens an upload. */
  upload(uploadId: string | undefined, chunk: string): ImportUpload {
    this.expire();
    let id = uploadId;
    let u = id === undefined ? undefined : this.uploads.get(id);
    if (id !== undefined && !u) {
      throw new PosError('IMPORT_EXPIRED', 'That upload is gone (the till restarted, or it waited more than 30 minutes): choose the file again.');
    }
    if (!u || id === undefined) {
      while (this.uploads.size >= MAX_UPLOADS) this.uploads.delete(this.uploads.keys().next().value as string);
      id = randomBytes(18).toString('base64url');
      u = { parts: [], size: 0, touched: this.clock.now() };
      this.uploads.set(id, u);
    }
    const bytes = Buffer.from(chunk, 'base64');
    u.size += bytes.length;
    u.touched = this.clock.now();
    if (u.size > MAX_IMPORT_BYTES) {
      this.uploads.delete(id);
      throw new PosError('IMPORT_REFUSED', `The file is larger than ${MAX_IMPORT_BYTES} bytes, the most one import takes.`, {
        reason: 'too_big',
        max: MAX_IMPORT_BYTES,
      });
    }
    u.parts.push(bytes);
    return { uploadId: id, receivedBytes: u.size };
  }

  /** What the catalogue is now (stock aside: a file's counts are targets, and sales must not void a preview). */
  private snapshot(): { snapshot: CatalogueSnapshot; fingerprint: string } {
    const products = this.store.all(this.k.selectFrom('products').selectAll().orderBy('id'));
    const categories = this.store.all(this.k.selectFrom('categories').select(['id', 'code']).orderBy('id'));
    const h = createHash('sha256');
    for (const p of products) {
      h.update(`${p.id}\t${p.sku}\t${p.barcode ?? ''}\t${p.name_zh}\t${p.name_en}\t${p.category_id}\t${p.price_fen}\t${p.unit}\t${p.active}\n`);
    }
    for (const c of categories) h.update(`c${c.id}\t${c.code}\n`);
    return {
      fingerprint: h.digest('hex'),
      snapshot: {
        products: products.map((p) => ({
          id: p.id,
          sku: p.sku,
          barcode: p.barcode,
          nameZh: p.name_zh,
          nameEn: p.name_en,
          categoryId: p.category_id,
          priceFen: p.price_fen,
          unit: p.unit,
          active: p.active === 1,
          stock: p.stock,
        })),
        categories,
      },
    };
  }

  private refuse(reason: string, message: string, details: Record<string, string | number> = {}): never {
    throw new PosError('IMPORT_REFUSED', message, { reason, ...details });
  }

  /** Reads every row of an uploaded file and says what applying it would change; writes nothing. */
  async preview(uploadId: string, options: ImportOptions): Promise<ImportPreview> {
    this.expire();
    const u = this.uploads.get(uploadId);
    if (!u) throw new PosError('IMPORT_EXPIRED', 'That upload is gone (the till restarted, or it waited more than 30 minutes): choose the file again.');
    u.touched = this.clock.now();
    const bytes = Buffer.concat(u.parts);
    const fileSha = sha256(bytes);
    const { text, encoding } = decodeCsv(bytes);
    const { records, more } = parseCsv(text, MAX_IMPORT_ROWS + 1);
    if (more) this.refuse('too_many_rows', `The file has more than ${MAX_IMPORT_ROWS} rows, the most one import takes: split it.`, { max: MAX_IMPORT_ROWS });
    const head = records[0];
    if (!head) this.refuse('empty', 'The file is empty: it needs a header row and at least one product.');
    const header = head.cells.map((h) => h.trim().toLowerCase());
    const seen = new Set<string>();
    for (const h of header) {
      // a header cell may be a megabyte: it is quoted as a short, printable prefix
      if (!(CSV_COLUMNS as readonly string[]).includes(h)) {
        this.refuse('unknown_column', `The header names a column "${shortPrefix(h)}" the till does not know; the columns are ${CSV_COLUMNS.join(', ')}.`, { column: shortPrefix(h) });
      }
      if (seen.has(h)) this.refuse('duplicate_column', `The header names the column "${h}" twice.`, { column: h });
      seen.add(h);
    }
    for (const c of REQUIRED_COLUMNS) {
      if (!seen.has(c)) this.refuse('missing_column', `The header has no "${c}" column; required: ${REQUIRED_COLUMNS.join(', ')}.`, { column: c });
    }
    const data = records.slice(1);
    if (data.length === 0) this.refuse('no_rows', 'The file has a header but no products.');

    const { snapshot, fingerprint } = this.snapshot();
    const plan = planImport(header, data, snapshot, options);
    const errorLines = new Set(plan.errors.map((e) => e.line));
    const ok = plan.errors.length === 0;
    const token = ok ? sha256(`${fileSha}\n${JSON.stringify(options)}\n${fingerprint}`) : null;
    if (token) {
      const keys = new Map<PlannedOp, { pinyin: string; initials: string }>();
      const needing = plan.ops.filter((o) => o.needsPinyin);
      if (needing.length > 0) {
        const keysOf = await this.loadPinyin();
        for (const o of needing) keys.set(o, keysOf(o.nameZh));
      }
      while (this.plans.size >= MAX_PLANS) this.plans.delete(this.plans.keys().next().value as string);
      this.plans.set(token, {
        token,
        fingerprint,
        fileSha,
        encoding,
        options,
        ops: plan.ops,
        keys,
        unchanged: plan.unchanged,
        rows: plan.rows,
        touched: this.clock.now(),
      });
    }
    const change = (o: PlannedOp): ImportChange => ({
      line: o.line,
      productId: o.id,
      sku: o.sku,
      nameZh: o.nameZh,
      nameEn: o.nameEn,
      fields: o.fields,
    });
    const added = plan.ops.filter((o) => o.kind === 'add');
    const changed = plan.ops.filter((o) => o.kind === 'change' || o.kind === 'release');
    const retired = plan.ops.filter((o) => o.kind === 'retire');
    return {
      token,
      encoding,
      rows: plan.rows,
      options,
      errors: plan.errors.slice(0, PREVIEW_LIST_LIMIT),
      errorCount: plan.errors.length,
      badRows: errorLines.size,
      added: added.slice(0, PREVIEW_LIST_LIMIT).map(change),
      changed: changed.slice(0, PREVIEW_LIST_LIMIT).map(change),
      retired: retired.slice(0, PREVIEW_LIST_LIMIT).map(change),
      counts: { added: added.length, changed: changed.length, unchanged: plan.unchanged, retired: retired.length },
      stockIgnored: plan.stockIgnored,
      listLimit: PREVIEW_LIST_LIMIT,
    };
  }

  /** Applies a preview, all or nothing; refused if the catalogue changed since (IMPORT_STALE). */
  apply(token: string, actor: Actor): ImportApplied {
    const done = this.applied.get(token);
    if (done) return done;
    this.expire();
    const plan = this.plans.get(token);
    if (!plan) throw new PosError('IMPORT_EXPIRED', 'That preview is gone (the till restarted, or it waited more than 30 minutes): preview the file again.');
    const note = `CSV import ${plan.fileSha.slice(0, 12)}`;
    const result = this.store.tx(() => {
      if (this.snapshot().fingerprint !== plan.fingerprint) {
        throw new PosError('IMPORT_STALE', 'The catalogue changed since this preview: preview the file again to see what it would change now.');
      }
      const now = this.clock.now();
      const codes = new Map(this.store.all(this.k.selectFrom('categories').select(['id', 'code'])).map((c) => [c.id, c.code]));
      let stockMoves = 0;
      // barcodes that move are freed first: the database holds each barcode once, at every statement
      for (const o of plan.ops) {
        if (o.id !== null && o.barcodeChanged) this.store.run(this.k.updateTable('products').set({ barcode: null }).where('id', '=', o.id));
      }
      for (const o of plan.ops) {
        const keys = plan.keys.get(o);
        const values = {
          barcode: o.barcode,
          name_zh: o.nameZh,
          name_en: o.nameEn,
          category_id: o.categoryId,
          price_fen: o.priceFen,
          unit: o.unit,
          active: o.active ? 1 : 0,
          updated_at: now,
          ...(keys ? { pinyin: keys.pinyin, pinyin_initials: keys.initials } : {}),
        };
        let id = o.id;
        if (id === null) {
          // a new product is written with its count, and its move says so
          const stock = o.stock ?? 0;
          id = this.store.run(
            this.k
              .insertInto('products')
              .values({ ...values, sku: o.sku, pinyin: keys?.pinyin ?? '', pinyin_initials: keys?.initials ?? '', stock, created_at: now }),
          ).lastInsertRowid;
          if (stock !== 0) {
            this.moveStock(id, stock, 'import', actor, note, now, { stock });
            stockMoves++;
          }
        } else {
          this.store.run(this.k.updateTable('products').set(values).where('id', '=', id));
          if (o.stock !== null) {
            const current = this.store.first(this.k.selectFrom('products').select('stock').where('id', '=', id));
            const delta = o.stock - (current?.stock ?? 0);
            if (delta !== 0) {
              this.store.run(this.k.updateTable('products').set({ stock: o.stock }).where('id', '=', id));
              this.moveStock(id, delta, 'import', actor, note, now, { stock: o.stock });
              stockMoves++;
            }
          }
        }
        const after = {
          sku: o.sku,
          barcode: o.barcode,
          nameZh: o.nameZh,
          nameEn: o.nameEn,
          category: codes.get(o.categoryId),
          priceFen: o.priceFen,
          unit: o.unit,
          active: o.active,
          ...(o.stock !== null ? { stock: o.stock } : {}),
        };
        if (o.before === null) {
          this.audit.record(actor, 'catalog.product.create', `product:${o.sku}`, { after, note });
        } else {
          const b = o.before;
          const before = {
            sku: b.sku,
            barcode: b.barcode,
            nameZh: b.nameZh,
            nameEn: b.nameEn,
            category: codes.get(b.categoryId),
            priceFen: b.priceFen,
            unit: b.unit,
            active: b.active,
            ...(o.stock !== null ? { stock: b.stock } : {}),
          };
          const action = o.kind === 'retire' ? 'catalog.product.retire' : 'catalog.product.update';
          this.audit.record(actor, action, `product:${o.sku}`, { before, after, note });
        }
      }
      const counts = {
        added: plan.ops.filter((o) => o.kind === 'add').length,
        changed: plan.ops.filter((o) => o.kind === 'change' || o.kind === 'release').length,
        retired: plan.ops.filter((o) => o.kind === 'retire').length,
        unchanged: plan.unchanged,
        stockMoves,
      };
      this.audit.record(actor, 'catalog.import', null, {
        after: { ...counts, rows: plan.rows, sha256: plan.fileSha, encoding: plan.encoding, ...plan.options },
        note,
      });
      return counts;
    });
    this.plans.delete(token);
    this.applied.set(token, result);
    if (this.applied.size > 16) this.applied.delete(this.applied.keys().next().value as string);
    this.changed('import');
    return result;
  }

  private changed(kind: 'products' | 'categories' | 'import' | 'stock'): void {
    if (kind !== 'stock') this.catalog.reload();
    this.events.emit('catalog.changed', { kind });
  }
}
