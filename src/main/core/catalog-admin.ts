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
import type { Audit, AuditRow } from './audit';
import type { Actor } from './auth';
import {
  CSV_COLUMNS,
  MAX_IMPORT_BYTES,
  MAX_IMPORT_ROWS,
  REQUIRED_COLUMNS,
  decodeCsv,
  parseCsv,
  type CsvEncoding,
} from './catalog-csv';
import { decimal, writeCsv } from './csv';
import { shortPrefix } from '../../shared/text';
import { planImport, type CatalogueSnapshot, type ImportOptions, type PlannedOp } from './catalog-import';
import type { Catalog } from './catalog';
import { businessDay, type Clock } from './clock';
import type { Events } from './events';
import { loadPinyin as loadPinyinPro, type PinyinFn } from './seed';
import type { TaskRunner } from './tasks';

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

/** A planned op as the plan keeps it: with the pinyin keys of a new or renamed Chinese name. */
type StoredOp = PlannedOp & { keys?: { pinyin: string; initials: string } };

/**
 * A preview's plan, as it comes back from the worker that computed it and goes to the one that
 * applies it: the ops travel as JSON in bytes, which the counter's thread keeps without reading.
 * (20,000 ops as objects, or as a string, are 20+ MB on its heap: copying them in, and the garbage
 * collection that follows, stopped the event loop for 0.2–0.3 s.)
 */
export interface SerializedPlan {
  token: string;
  fingerprint: string;
  fileSha: string;
  encoding: CsvEncoding;
  options: ImportOptions;
  /** UTF-8 JSON of the StoredOp[] */
  ops: Uint8Array;
  unchanged: number;
  rows: number;
}

interface StoredPlan extends SerializedPlan {
  touched: number;
}

/** An apply worked out ahead of its transaction (`CatalogAdmin.prepareApply`). */
export interface PreparedApply {
  plan: SerializedPlan;
  actor: Actor;
  ops: StoredOp[];
  /** each op's audit row, at the op's index */
  audits: AuditRow[];
  note: string;
}

/** The catalogue's heavy work off the counter's thread (core/worker-tasks.ts): the export, a preview, an apply. */
export type CatalogueTasks = TaskRunner<{
  'catalog.export': [{ now: number; timeZone: string }, CatalogueExport];
  'catalog.preview': [
    { bytes: Uint8Array; options: ImportOptions; now: number; timeZone: string },
    { preview: ImportPreview; plan: SerializedPlan | null },
  ];
  'catalog.apply': [{ plan: SerializedPlan; actor: Actor; now: number; timeZone: string }, ImportApplied];
}>;

/** What an apply changed (the contract's ImportApplied). */
export type ImportCounts = ImportApplied;

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
  /** applies under way: a second apply of the same preview (a double click) joins the first */
  private readonly applying = new Map<string, Promise<ImportApplied>>();

  /**
   * `tasks` runs the heavy parts (reading a whole file, writing a whole import, the export) off the
   * counter's thread (core/worker-tasks.ts); in the worker itself this class runs them in place.
   */
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly catalog: Pick<Catalog, 'refresh'>,
    private readonly audit: Audit,
    private readonly events: Events,
    private readonly timeZone: () => string,
    private readonly loadPinyin: () => Promise<PinyinFn> = loadPinyinPro,
    private readonly tasks: CatalogueTasks | null = null,
  ) {}

  private get background(): CatalogueTasks {
    if (!this.tasks) throw new Error('catalogue tasks are not wired here');
    return this.tasks;
  }

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
  list(filter: {
    query?: string | undefined;
    categoryId?: number | null | undefined;
    status?: 'active' | 'retired' | 'all' | undefined;
    limit?: number | undefined;
  }): CatalogueList {
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
  private checkCodes(p: {
    id: number | null;
    sku: string;
    barcode: string | null;
    active: boolean;
  }): ProductRow | null {
    const others = () => {
      const q = this.k.selectFrom('products').selectAll();
      return p.id === null ? q : q.where('id', '!=', p.id);
    };
    const sameSku = this.store.first(others().where(sql<SqlBool>`lower(sku) = ${p.sku.toLowerCase()}`));
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
      const barcodeIsSku = this.store.first(
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
    const holder = this.store.first(others().where('barcode', '=', p.barcode));
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
      const skuIsBarcode = this.store.first(
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

  private names(nameZh: string, nameEn: string): { nameZh: string; nameEn: string } {
    const zh = nameZh.trim();
    const en = nameEn.trim();
    if (!zh && !en)
      throw new PosError('INVALID_INPUT', 'A product needs a name, in Chinese or in English.', { field: 'nameZh' });
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
    const existing =
      input.id === undefined
        ? undefined
        : this.store.first(this.k.selectFrom('products').selectAll().where('id', '=', input.id));
    if (input.id !== undefined && !existing)
      throw new PosError('UNKNOWN_PRODUCT', `There is no product with id ${input.id}.`, { productId: input.id });
    if (existing && input.openingStock !== undefined) {
      throw new PosError(
        'INVALID_INPUT',
        'An opening stock is for a new product; adjust the stock of an existing one.',
        { field: 'openingStock' },
      );
    }
    const keys =
      !existing || existing.name_zh !== nameZh
        ? (await this.loadPinyin())(nameZh)
        : { pinyin: existing.pinyin, initials: existing.pinyin_initials };
    const now = this.clock.now();
    const result = this.store.tx(() => {
      const code = this.categoryCode(input.categoryId);
      // re-read inside the transaction: the product may have changed while pinyin loaded
      const before =
        input.id === undefined
          ? undefined
          : this.store.first(this.k.selectFrom('products').selectAll().where('id', '=', input.id));
      const active = before ? before.active === 1 : true;
      const releaseFrom = this.checkCodes({ id: before?.id ?? null, sku, barcode, active });
      if (releaseFrom) {
        this.store.run(
          this.k.updateTable('products').set({ barcode: null, updated_at: now }).where('id', '=', releaseFrom.id),
        );
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
        id = this.store.run(
          this.k.insertInto('products').values({ ...values, active: 1, created_at: now }),
        ).lastInsertRowid;
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
      return {
        product: this.product(id),
        barcodeFrom: releaseFrom ? { id: releaseFrom.id, sku: releaseFrom.sku } : null,
      };
    });
    await this.changed('products');
    return result;
  }

  /** Retires a product (gone from the grid, search and scan; kept in past orders) or brings it back. */
  async setActive(productId: number, active: boolean, actor: Actor): Promise<CatalogueProduct> {
    const result = this.store.tx(() => {
      const before = this.store.first(this.k.selectFrom('products').selectAll().where('id', '=', productId));
      if (!before) throw new PosError('UNKNOWN_PRODUCT', `There is no product with id ${productId}.`, { productId });
      if ((before.active === 1) === active) return this.product(productId);
      if (active) this.checkCodes({ id: before.id, sku: before.sku, barcode: before.barcode, active: true });
      this.store.run(
        this.k
          .updateTable('products')
          .set({ active: active ? 1 : 0, updated_at: this.clock.now() })
          .where('id', '=', productId),
      );
      this.audit.record(
        actor,
        active ? 'catalog.product.unretire' : 'catalog.product.retire',
        `product:${before.sku}`,
        {
          before: { active: before.active === 1 },
          after: { active },
        },
      );
      return this.product(productId);
    });
    await this.changed('products');
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
  adjustStock(
    productId: number,
    mode: 'delta' | 'count',
    value: number,
    reason: string,
    actor: Actor,
  ): CatalogueProduct {
    const result = this.store.tx(() => {
      const p = this.product(productId);
      const delta = mode === 'delta' ? value : value - p.stock;
      if (mode === 'delta' && delta === 0)
        throw new PosError('INVALID_INPUT', 'An adjustment of 0 changes nothing.', { field: 'value' });
      const now = this.clock.now();
      const after = delta === 0 ? p.stock : this.moveStock(productId, delta, 'adjustment', actor, reason.trim(), now);
      this.audit.record(actor, mode === 'count' ? 'stock.count' : 'stock.adjust', `product:${p.sku}`, {
        before: { stock: p.stock },
        after: { stock: after },
        note: reason.trim(),
      });
      return this.product(productId);
    });
    void this.changed('stock'); // no index to rebuild: the event goes out at once
    return result;
  }

  // ---- categories ---------------------------------------------------------------------------------

  async saveCategory(input: SaveCategoryInput, actor: Actor): Promise<CatalogueCategory> {
    const zh = input.nameZh.trim();
    const en = input.nameEn.trim();
    if (!zh && !en)
      throw new PosError('INVALID_INPUT', 'A category needs a name, in Chinese or in English.', { field: 'nameZh' });
    const code = input.code.trim().toLowerCase();
    const id = this.store.tx(() => {
      const same = this.store.first(this.k.selectFrom('categories').selectAll().where('code', '=', code));
      if (same && same.id !== input.id) {
        throw new PosError(
          'CATEGORY_CODE_TAKEN',
          `Category code ${code} is already used by ${same.name_zh} / ${same.name_en}.`,
          { code },
        );
      }
      const values = { code, name_zh: zh || en, name_en: en || zh, color: input.color.toLowerCase() };
      if (input.id !== undefined) {
        const before = this.store.first(this.k.selectFrom('categories').selectAll().where('id', '=', input.id));
        if (!before)
          throw new PosError('UNKNOWN_CATEGORY', `There is no category ${input.id}.`, { categoryId: input.id });
        this.store.run(this.k.updateTable('categories').set(values).where('id', '=', input.id));
        this.audit.record(actor, 'catalog.category.update', `category:${code}`, {
          before: { code: before.code, nameZh: before.name_zh, nameEn: before.name_en, color: before.color },
          after: { code, nameZh: values.name_zh, nameEn: values.name_en, color: values.color },
        });
        return input.id;
      }
      const last = this.store.first(
        this.k.selectFrom('categories').select((eb) => eb.fn.max<number | null>('sort').as('s')),
      );
      const newId = this.store.run(
        this.k.insertInto('categories').values({ ...values, sort: (last?.s ?? -1) + 1 }),
      ).lastInsertRowid;
      this.audit.record(actor, 'catalog.category.create', `category:${code}`, {
        after: { code, nameZh: values.name_zh, nameEn: values.name_en, color: values.color },
      });
      return newId;
    });
    await this.changed('categories');
    return this.categories().find((c) => c.id === id) as CatalogueCategory;
  }

  /** `ids`: every category, in the new order. */
  async reorderCategories(ids: number[], actor: Actor): Promise<CatalogueCategory[]> {
    this.store.tx(() => {
      const all = this.store.all(this.k.selectFrom('categories').select(['id', 'code']).orderBy('sort').orderBy('id'));
      const given = new Set(ids);
      if (given.size !== ids.length || ids.length !== all.length || all.some((c) => !given.has(c.id))) {
        throw new PosError('INVALID_INPUT', `Give every category exactly once (${all.length} of them).`, {
          field: 'ids',
        });
      }
      ids.forEach((id, sort) => this.store.run(this.k.updateTable('categories').set({ sort }).where('id', '=', id)));
      const code = new Map(all.map((c) => [c.id, c.code]));
      this.audit.record(actor, 'catalog.category.reorder', null, {
        before: all.map((c) => c.code),
        after: ids.map((id) => code.get(id)),
      });
    });
    await this.changed('categories');
    return this.categories();
  }

  // ---- CSV export ---------------------------------------------------------------------------------

  /** The catalogue as CSV, written in a worker (20,000 products are ~150 ms of the counter's thread). */
  exportCsv(): Promise<CatalogueExport> {
    return this.background.run('catalog.export', { now: this.clock.now(), timeZone: this.timeZone() });
  }

  /** Builds the export here (the worker's side of `exportCsv`). */
  buildExport(): CatalogueExport {
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
    return {
      filename: `counter-pos-catalogue-${businessDay(this.clock.now(), this.timeZone())}.csv`,
      content,
      rows: rows.length,
    };
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
      throw new PosError(
        'IMPORT_EXPIRED',
        'That upload is gone (the till restarted, or it waited more than 30 minutes): choose the file again.',
      );
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
      throw new PosError(
        'IMPORT_REFUSED',
        `The file is larger than ${MAX_IMPORT_BYTES} bytes, the most one import takes.`,
        {
          reason: 'too_big',
          max: MAX_IMPORT_BYTES,
        },
      );
    }
    u.parts.push(bytes);
    return { uploadId: id, receivedBytes: u.size };
  }

  /**
   * The catalogue's fingerprint (stock aside: a file's counts are targets, and sales must not void a
   * preview), and when asked the snapshot the plan reads.
   */
  private snapshot(): { snapshot: CatalogueSnapshot; fingerprint: string } {
    const products = this.store.all(this.k.selectFrom('products').selectAll().orderBy('id'));
    const categories = this.store.all(this.k.selectFrom('categories').select(['id', 'code']).orderBy('id'));
    return {
      fingerprint: fingerprintOf(products, categories),
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

  /**
   * Reads every row of an uploaded file and says what applying it would change; writes nothing. The
   * file is decoded, parsed and planned in a worker (a 20,000-row file took the counter's thread
   * 1.2 s, a 7 MB cell 2.8 s); the plan stays here, as the worker wrote it, until it is applied.
   */
  async preview(uploadId: string, options: ImportOptions): Promise<ImportPreview> {
    this.expire();
    const u = this.uploads.get(uploadId);
    if (!u)
      throw new PosError(
        'IMPORT_EXPIRED',
        'That upload is gone (the till restarted, or it waited more than 30 minutes): choose the file again.',
      );
    u.touched = this.clock.now();
    // a new buffer, handed over to the worker (copying 8 MB into a message costs the event loop ~100 ms)
    const bytes = Buffer.concat(u.parts);
    const { preview, plan } = await this.background.run(
      'catalog.preview',
      { bytes, options, now: this.clock.now(), timeZone: this.timeZone() },
      [bytes],
    );
    if (plan) {
      this.expire();
      while (this.plans.size >= MAX_PLANS) this.plans.delete(this.plans.keys().next().value as string);
      this.plans.set(plan.token, { ...plan, touched: this.clock.now() });
    }
    return preview;
  }

  /** The preview's work (the worker's side of `preview`): decode, parse, check, plan, pinyin. */
  async computePreview(
    bytes: Buffer,
    options: ImportOptions,
  ): Promise<{ preview: ImportPreview; plan: SerializedPlan | null }> {
    const fileSha = sha256(bytes);
    const { text, encoding } = decodeCsv(bytes);
    const { records, more } = parseCsv(text, MAX_IMPORT_ROWS + 1);
    if (more)
      this.refuse(
        'too_many_rows',
        `The file has more than ${MAX_IMPORT_ROWS} rows, the most one import takes: split it.`,
        { max: MAX_IMPORT_ROWS },
      );
    const head = records[0];
    if (!head) this.refuse('empty', 'The file is empty: it needs a header row and at least one product.');
    const header = head.cells.map((h) => h.trim().toLowerCase());
    const seen = new Set<string>();
    for (const h of header) {
      // a header cell may be a megabyte: it is quoted as a short, printable prefix
      if (!(CSV_COLUMNS as readonly string[]).includes(h)) {
        this.refuse(
          'unknown_column',
          `The header names a column "${shortPrefix(h)}" the till does not know; the columns are ${CSV_COLUMNS.join(', ')}.`,
          { column: shortPrefix(h) },
        );
      }
      if (seen.has(h)) this.refuse('duplicate_column', `The header names the column "${h}" twice.`, { column: h });
      seen.add(h);
    }
    for (const c of REQUIRED_COLUMNS) {
      if (!seen.has(c))
        this.refuse('missing_column', `The header has no "${c}" column; required: ${REQUIRED_COLUMNS.join(', ')}.`, {
          column: c,
        });
    }
    const data = records.slice(1);
    if (data.length === 0) this.refuse('no_rows', 'The file has a header but no products.');

    const { snapshot, fingerprint } = this.snapshot();
    const plan = planImport(header, data, snapshot, options);
    const errorLines = new Set(plan.errors.map((e) => e.line));
    const ok = plan.errors.length === 0;
    const token = ok ? sha256(`${fileSha}\n${JSON.stringify(options)}\n${fingerprint}`) : null;
    let serialized: SerializedPlan | null = null;
    if (token) {
      const needing = plan.ops.filter((o) => o.needsPinyin);
      const ops: StoredOp[] = plan.ops;
      if (needing.length > 0) {
        const keysOf = await this.loadPinyin();
        for (const o of needing as StoredOp[]) o.keys = keysOf(o.nameZh);
      }
      serialized = {
        token,
        fingerprint,
        fileSha,
        encoding,
        options,
        ops: Buffer.from(JSON.stringify(ops)),
        unchanged: plan.unchanged,
        rows: plan.rows,
      };
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
    const preview: ImportPreview = {
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
    return { preview, plan: serialized };
  }

  /**
   * Applies a preview, all or nothing; refused if the catalogue changed since (IMPORT_STALE). The
   * transaction runs in a worker on its own connection, holding the store's write gate while it
   * writes (store/write-gate.ts); then the search index is rebuilt in slices.
   */
  apply(token: string, actor: Actor): Promise<ImportApplied> {
    const done = this.applied.get(token);
    if (done) return Promise.resolve(done);
    const running = this.applying.get(token);
    if (running) return running;
    this.expire();
    const plan = this.plans.get(token);
    if (!plan)
      throw new PosError(
        'IMPORT_EXPIRED',
        'That preview is gone (the till restarted, or it waited more than 30 minutes): preview the file again.',
      );
    const { touched: _touched, ...kept } = plan;
    const applying = copyInSlices(plan.ops)
      // the copy is handed over, not copied again into the message; the plan stays for a retry
      .then((ops) =>
        this.background.run(
          'catalog.apply',
          { plan: { ...kept, ops }, actor, now: this.clock.now(), timeZone: this.timeZone() },
          [ops],
        ),
      )
      .then(async (result) => {
        this.plans.delete(token);
        this.applied.set(token, result);
        if (this.applied.size > 16) this.applied.delete(this.applied.keys().next().value as string);
        await this.changed('import');
        return result;
      })
      .finally(() => this.applying.delete(token));
    this.applying.set(token, applying);
    return applying;
  }

  /**
   * The apply (the worker's side of `apply`), all or nothing: `prepareApply` works out every row to
   * write, then `writeApply` writes them in one transaction. In the worker the store's write lock is
   * taken between the two, so it is held only for the writes.
   */
  applyPlan(plan: SerializedPlan, actor: Actor): ImportApplied {
    return this.writeApply(this.prepareApply(plan, actor));
  }

  /**
   * Everything an apply writes that does not depend on the moment of writing: the ops, and the audit
   * row of each product (category codes read now: were they to change before the write, the
   * fingerprint checked in `writeApply` would refuse it as stale).
   */
  prepareApply(plan: SerializedPlan, actor: Actor): PreparedApply {
    const ops = JSON.parse(
      Buffer.from(plan.ops.buffer, plan.ops.byteOffset, plan.ops.byteLength).toString('utf8'),
    ) as StoredOp[];
    const note = `CSV import ${plan.fileSha.slice(0, 12)}`;
    const codes = new Map(
      this.store.all(this.k.selectFrom('categories').select(['id', 'code'])).map((c) => [c.id, c.code]),
    );
    const audits = ops.map((o) => {
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
      if (o.before === null)
        return this.audit.row(actor, 'catalog.product.create', `product:${o.sku}`, { after, note });
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
      return this.audit.row(
        actor,
        o.kind === 'retire' ? 'catalog.product.retire' : 'catalog.product.update',
        `product:${o.sku}`,
        { before, after, note },
      );
    });
    return { plan, actor, ops, audits, note };
  }

  /** Writes a prepared apply in one transaction; IMPORT_STALE if the catalogue changed since the preview. */
  writeApply(p: PreparedApply): ImportApplied {
    const { plan, actor, ops, note } = p;
    return this.store.tx(() => {
      if (this.fingerprint() !== plan.fingerprint) {
        throw new PosError(
          'IMPORT_STALE',
          'The catalogue changed since this preview: preview the file again to see what it would change now.',
        );
      }
      const now = this.clock.now();
      const sql = this.importStatements();
      let stockMoves = 0;
      const move = (productId: number, delta: number, stockAfter: number) => {
        this.store.runCompiled(sql.move, [
          productId,
          delta,
          'import',
          null,
          null,
          actor.name,
          actor.approvedBy,
          now,
          note,
          stockAfter,
        ]);
        stockMoves++;
      };
      // barcodes that move are freed first: the database holds each barcode once, at every statement
      for (const o of ops) {
        if (o.id !== null && o.barcodeChanged) this.store.runCompiled(sql.freeBarcode, [null, o.id]);
      }
      ops.forEach((o, i) => {
        const keys = o.keys;
        const active = o.active ? 1 : 0;
        if (o.id === null) {
          // a new product is written with its count, and its move says so
          const stock = o.stock ?? 0;
          const id = this.store.runCompiled(sql.insert, [
            o.barcode,
            o.nameZh,
            o.nameEn,
            o.categoryId,
            o.priceFen,
            o.unit,
            active,
            now,
            o.sku,
            keys?.pinyin ?? '',
            keys?.initials ?? '',
            stock,
            now,
          ]).lastInsertRowid;
          if (stock !== 0) move(id, stock, stock);
        } else {
          if (keys)
            this.store.runCompiled(sql.updateWithKeys, [
              o.barcode,
              o.nameZh,
              o.nameEn,
              o.categoryId,
              o.priceFen,
              o.unit,
              active,
              now,
              keys.pinyin,
              keys.initials,
              o.id,
            ]);
          else
            this.store.runCompiled(sql.update, [
              o.barcode,
              o.nameZh,
              o.nameEn,
              o.categoryId,
              o.priceFen,
              o.unit,
              active,
              now,
              o.id,
            ]);
          if (o.stock !== null) {
            const current = this.store.first(this.k.selectFrom('products').select('stock').where('id', '=', o.id));
            const delta = o.stock - (current?.stock ?? 0);
            if (delta !== 0) {
              this.store.runCompiled(sql.setStock, [o.stock, o.id]);
              move(o.id, delta, o.stock);
            }
          }
        }
        this.audit.write(p.audits[i] as AuditRow);
      });
      const counts = {
        added: ops.filter((o) => o.kind === 'add').length,
        changed: ops.filter((o) => o.kind === 'change' || o.kind === 'release').length,
        retired: ops.filter((o) => o.kind === 'retire').length,
        unchanged: plan.unchanged,
        stockMoves,
      };
      this.audit.record(actor, 'catalog.import', null, {
        after: { ...counts, rows: plan.rows, sha256: plan.fileSha, encoding: plan.encoding, ...plan.options },
        note,
      });
      return counts;
    });
  }

  /** The catalogue's fingerprint now (what a preview was made against). */
  private fingerprint(): string {
    const products = this.store.all(this.k.selectFrom('products').selectAll().orderBy('id'));
    const categories = this.store.all(this.k.selectFrom('categories').select(['id', 'code']).orderBy('id'));
    return fingerprintOf(products, categories);
  }

  /** The import's statements, compiled once; their parameters in the order of the values below. */
  private importStatements() {
    const k = this.k;
    const fields = {
      barcode: null,
      name_zh: '',
      name_en: '',
      category_id: 0,
      price_fen: 0,
      unit: '',
      active: 0,
      updated_at: 0,
    };
    return {
      freeBarcode: k.updateTable('products').set({ barcode: null }).where('id', '=', 0).compile().sql,
      insert: k
        .insertInto('products')
        .values({ ...fields, sku: '', pinyin: '', pinyin_initials: '', stock: 0, created_at: 0 })
        .compile().sql,
      update: k.updateTable('products').set(fields).where('id', '=', 0).compile().sql,
      updateWithKeys: k
        .updateTable('products')
        .set({ ...fields, pinyin: '', pinyin_initials: '' })
        .where('id', '=', 0)
        .compile().sql,
      setStock: k.updateTable('products').set({ stock: 0 }).where('id', '=', 0).compile().sql,
      move: k
        .insertInto('stock_moves')
        .values({
          product_id: 0,
          delta: 0,
          reason: 'import',
          order_id: null,
          refund_id: null,
          actor: '',
          approved_by: null,
          at: 0,
          note: null,
          stock_after: 0,
        })
        .compile().sql,
    };
  }

  /** Rebuilds the search index in slices (the sell screen keeps searching meanwhile), then tells the screens. */
  private async changed(kind: 'products' | 'categories' | 'import' | 'stock'): Promise<void> {
    if (kind !== 'stock') await this.catalog.refresh();
    this.events.emit('catalog.changed', { kind });
  }
}

/**
 * A copy of `bytes`, a megabyte per turn of the event loop: 12 MB copied at once held it ~40 ms on
 * a 2-core machine, and a worker message would copy them the slow way.
 */
async function copyInSlices(bytes: Uint8Array): Promise<Uint8Array> {
  const copy = new Uint8Array(bytes.byteLength);
  for (let at = 0; at < bytes.byteLength; at += 1 << 20) {
    if (at > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    copy.set(bytes.subarray(at, Math.min(bytes.byteLength, at + (1 << 20))), at);
  }
  return copy;
}

/** SHA-256 over what a preview depends on: every product but its stock, and the category codes. */
function fingerprintOf(products: readonly ProductRow[], categories: readonly { id: number; code: string }[]): string {
  const h = createHash('sha256');
  for (const p of products) {
    h.update(
      `${p.id}\t${p.sku}\t${p.barcode ?? ''}\t${p.name_zh}\t${p.name_en}\t${p.category_id}\t${p.price_fen}\t${p.unit}\t${p.active}\n`,
    );
  }
  for (const c of categories) h.update(`c${c.id}\t${c.code}\n`);
  return h.digest('hex');
}
