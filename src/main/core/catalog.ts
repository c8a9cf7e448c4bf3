/**
 * The catalogue: categories, products, and an in-memory search index over names, pinyin, pinyin
 * initials, SKU and barcode. The index is a derived cache of the products table, rebuilt when the
 * catalogue changes; searching 100k products is one pass of `indexOf` over precomputed keys.
 */
import { pinyin } from 'pinyin-pro';
import { PosError } from '../../shared/errors';
import type { Category, Product } from '../../shared/types';
import type { Store } from '../store/db';
import type { ProductRow } from '../store/schema';

const SEP = '\u0001';

export function pinyinKeys(nameZh: string): { pinyin: string; initials: string } {
  const full = pinyin(nameZh, { toneType: 'none', type: 'array', nonZh: 'removed' }) as string[];
  const first = pinyin(nameZh, { pattern: 'first', toneType: 'none', type: 'array', nonZh: 'removed' }) as string[];
  return { pinyin: full.join('').toLowerCase(), initials: first.join('').toLowerCase() };
}

export function toProduct(r: ProductRow): Product {
  return {
    id: r.id,
    sku: r.sku,
    barcode: r.barcode,
    nameZh: r.name_zh,
    nameEn: r.name_en,
    categoryId: r.category_id,
    priceFen: r.price_fen,
    unit: r.unit,
  };
}

interface Entry {
  product: Product;
  key: string;
}

export class Catalog {
  private entries: Entry[] = [];
  private byCode = new Map<string, Product>();
  private byId = new Map<number, Product>();

  constructor(private readonly store: Store) {
    this.reload();
  }

  /** Rebuilds the index from the database (after seeding or any catalogue change). */
  reload(): void {
    const rows = this.store.all(
      this.store.kysely.selectFrom('products').selectAll().where('active', '=', 1).orderBy('category_id').orderBy('sku'),
    );
    this.entries = [];
    this.byCode.clear();
    this.byId.clear();
    for (const r of rows) {
      const product = toProduct(r);
      const key = [
        r.name_zh.toLowerCase(),
        r.name_en.toLowerCase(),
        r.pinyin,
        r.pinyin_initials,
        r.sku.toLowerCase(),
        r.barcode ?? '',
      ].join(SEP);
      this.entries.push({ product, key: SEP + key });
      this.byId.set(r.id, product);
      this.byCode.set(r.sku.toLowerCase(), product);
      if (r.barcode) this.byCode.set(r.barcode, product);
    }
  }

  get size(): number {
    return this.entries.length;
  }

  categories(): Category[] {
    const rows = this.store.all(
      this.store.kysely
        .selectFrom('categories')
        .leftJoin('products', (j) => j.onRef('products.category_id', '=', 'categories.id').on('products.active', '=', 1))
        .select((eb) => [
          'categories.id',
          'categories.code',
          'categories.name_zh',
          'categories.name_en',
          'categories.color',
          eb.fn.count<number>('products.id').as('product_count'),
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
      productCount: Number(r.product_count),
    }));
  }

  products(categoryId: number | null): Product[] {
    const all = this.entries.map((e) => e.product);
    return categoryId === null ? all : all.filter((p) => p.categoryId === categoryId);
  }

  /** An active product by id, or UNKNOWN_PRODUCT. */
  get(productId: number): Product {
    const p = this.byId.get(productId);
    if (!p) throw new PosError('UNKNOWN_PRODUCT', `There is no product with id ${productId} for sale.`, { productId });
    return p;
  }

  /** Exact barcode or SKU (case-insensitive). */
  findByCode(code: string): Product | undefined {
    const c = code.trim();
    return this.byCode.get(c) ?? this.byCode.get(c.toLowerCase());
  }

  /**
   * Exact code first, then products where the query starts a name, pinyin, initials, SKU or
   * barcode, then those that merely contain it.
   */
  search(query: string, limit = 50): Product[] {
    const q = query.trim().toLowerCase().replace(/\s+/g, ' ');
    if (!q) return [];
    const exact = this.findByCode(q);
    const prefix: Product[] = exact ? [exact] : [];
    const contains: Product[] = [];
    const needle = q.includes(SEP) ? q.replaceAll(SEP, '') : q;
    for (const e of this.entries) {
      const at = e.key.indexOf(needle);
      if (at < 0 || e.product === exact) continue;
      if (e.key.charCodeAt(at - 1) === 1) {
        prefix.push(e.product);
        if (prefix.length >= limit) break;
      } else if (contains.length < limit) {
        contains.push(e.product);
      }
    }
    return prefix.concat(contains).slice(0, limit);
  }
}
