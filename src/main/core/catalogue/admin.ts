/**
 * Catalogue management for the owner: add, edit, retire and bring back products; categories (add,
 * rename, recolour, reorder); stock adjustments. (The CSV export and the two-step import, preview
 * then apply exactly what was previewed, are csv-files.ts and csv-tasks.ts.) Every change is owner-only (checked by the handler),
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
import { sql, type SqlBool } from 'kysely';
import { PosError } from '../../../shared/errors';
import type {
  CatalogueCategory,
  CatalogueList,
  CatalogueProduct,
  ProductSaved,
  StockMoveView,
} from '../../../shared/types';
import type { Kysely } from 'kysely';
import type { Store } from '../../store/db';
import type { Database, ProductRow } from '../../store/schema';
import type { Audit } from '../people/audit';
import type { Actor } from '../people/auth';
import type { Clock } from '../clock';
import type { Events } from '../events';
import type { Catalog } from './catalog';
import { barcodeOf, checkCodes, productNames } from './codes';
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

/** Products with their category's code. */
export function productQuery(k: Kysely<Database>) {
  return k
    .selectFrom('products')
    .innerJoin('categories', 'categories.id', 'products.category_id')
    .selectAll('products')
    .select(['categories.code as category_code']);
}

export class CatalogAdmin {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly catalog: Pick<Catalog, 'refresh'>,
    private readonly audit: Audit,
    private readonly events: Events,
    private readonly loadPinyin: () => Promise<PinyinFn> = loadPinyinPro,
  ) {}

  private get k() {
    return this.store.kysely;
  }

  // ---- reading ------------------------------------------------------------------------------------
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
    const r = this.store.first(productQuery(this.k).where('products.id', '=', id));
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
  /** Adds (no id) or edits a product. */
  async saveProduct(input: SaveProductInput, actor: Actor): Promise<ProductSaved> {
    const { nameZh, nameEn } = productNames(input.nameZh, input.nameEn);
    const barcode = barcodeOf(input.barcode);
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
      const releaseFrom = checkCodes(this.store, { id: before?.id ?? null, sku, barcode, active });
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
      if (active) checkCodes(this.store, { id: before.id, sku: before.sku, barcode: before.barcode, active: true });
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

  /** Rebuilds the search index in slices (the sell screen keeps searching meanwhile), then tells the screens. */
  async changed(kind: 'products' | 'categories' | 'import' | 'stock'): Promise<void> {
    if (kind !== 'stock') await this.catalog.refresh();
    this.events.emit('catalog.changed', { kind });
  }
}
