/**
 * The catalogue: categories, products, and an in-memory search index over names, pinyin, pinyin
 * initials, SKU and barcode. The index is a derived cache of the products table, rebuilt when the
 * catalogue changes; searching 100k products is one pass of `indexOf` over precomputed keys.
 */
import { PosError } from '../../../shared/errors';
import type { Category, Product } from '../../../shared/types';
import type { Store } from '../../store/db';
import type { ProductRow } from '../../store/schema';

const SEP = '\u0001';

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

/**
 * All products' search keys joined into two long strings, one ASCII (English name, pinyin,
 * initials, SKU, barcode) and one for the Chinese names, so a query is a few `indexOf` calls over
 * one flat string each (one-byte strings for ASCII queries) rather than one call per product.
 * Each product's keys start with SEP; a match right after SEP is a prefix match.
 */
class Haystack {
  text = '';
  /** starts[i] = offset in `text` where product i's keys begin (ascending). */
  starts: number[] = [];

  private parts: string[] = [];
  private at = 0;

  /** Adds the next product's keys (in catalogue order); `finish` makes them searchable. */
  add(key: string): void {
    this.starts.push(this.at);
    this.parts.push(SEP, key);
    this.at += SEP.length + key.length;
  }

  finish(): this {
    this.text = this.parts.join('');
    this.parts = [];
    return this;
  }

  /** Index of the product whose keys contain offset `pos`. */
  owner(pos: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] as number) <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Products (indexes, ascending, no duplicates) with `needle` at offsets found by indexOf, up to `limit`. */
  collect(needle: string, limit: number, skip: Set<number>): number[] {
    const out: number[] = [];
    let from = 0;
    for (;;) {
      const pos = this.text.indexOf(needle, from);
      if (pos < 0) break;
      const i = this.owner(pos);
      if (!skip.has(i)) {
        skip.add(i);
        out.push(i);
        if (out.length >= limit) break;
      }
      // continue after this product: one hit per product is enough
      from = i + 1 < this.starts.length ? (this.starts[i + 1] as number) : this.text.length;
    }
    return out;
  }
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** Products per slice of a rebuild in the background (`Catalog.refresh`): a few milliseconds each. */
const SLICE = 250;

/** ASCII words inside a Chinese name ("330ml" in "可口可乐 330ml"), so ASCII queries never need the Chinese haystack */
const ASCII_WORDS = /[\x21-\x7e]+/g;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The index being built: products in catalogue order and their search keys. */
class IndexBuild {
  readonly products: Product[] = [];
  readonly ascii = new Haystack();
  readonly zh = new Haystack();
  readonly byCode = new Map<string, Product>();
  readonly byId = new Map<number, Product>();

  add(r: ProductRow): void {
    const product = toProduct(r);
    this.products.push(product);
    const zh = r.name_zh.toLowerCase();
    let ascii = `${r.name_en.toLowerCase()}${SEP}${r.pinyin}${SEP}${r.pinyin_initials}${SEP}${r.sku.toLowerCase()}${SEP}${r.barcode ?? ''}`;
    for (const word of zh.match(ASCII_WORDS) ?? []) ascii += SEP + word;
    this.ascii.add(ascii);
    this.zh.add(zh);
    this.byId.set(r.id, product);
    this.byCode.set(r.sku.toLowerCase(), product);
    if (r.barcode) this.byCode.set(r.barcode, product);
  }
}

export class Catalog {
  private products_: Product[] = [];
  private ascii = new Haystack();
  private zh = new Haystack();
  private byCode = new Map<string, Product>();
  private byId = new Map<number, Product>();
  private refreshing: Promise<void> | null = null;
  private nextRefresh: Promise<void> | null = null;

  constructor(private readonly store: Store) {
    this.reload();
  }

  /** Rebuilds the index from the database at once (start-up, after a restore, tests). */
  reload(): void {
    const rows = this.store.all(
      this.store.kysely
        .selectFrom('products')
        .selectAll()
        .where('active', '=', 1)
        .orderBy('category_id')
        .orderBy('sku'),
    );
    const build = new IndexBuild();
    for (const r of rows) build.add(r);
    this.install(build);
  }

  /**
   * Rebuilds the index after a catalogue change without holding the counter: the products are read
   * and indexed SLICE at a time with the event loop free in between (20,000 products took ~0.2 s of
   * the thread at once), and the new index replaces the old in one step; searches meanwhile use the
   * old one. Resolves once an index read after this call is in place (a change during a rebuild gets
   * another one).
   */
  refresh(): Promise<void> {
    if (!this.refreshing) {
      this.refreshing = this.rebuildInSlices().finally(() => (this.refreshing = null));
      return this.refreshing;
    }
    // the rebuild under way may have read the table before this change: the next one will not
    this.nextRefresh ??= this.refreshing.then(() => {
      this.nextRefresh = null;
      return this.refresh();
    });
    return this.nextRefresh;
  }

  private async rebuildInSlices(): Promise<void> {
    const k = this.store.kysely;
    const build = new IndexBuild();
    // in catalogue order, as `reload` reads it: category by category, each by SKU, SLICE at a time
    const categories = this.store.all(
      k.selectFrom('products').select('category_id').distinct().where('active', '=', 1).orderBy('category_id'),
    );
    for (const { category_id: category } of categories) {
      for (let after: string | null = null; ; ) {
        let q = k.selectFrom('products').selectAll().where('active', '=', 1).where('category_id', '=', category);
        if (after !== null) q = q.where('sku', '>', after);
        const slice = this.store.all(q.orderBy('sku').limit(SLICE));
        for (const r of slice) build.add(r);
        await nextTurn();
        if (slice.length < SLICE) break;
        after = (slice[slice.length - 1] as ProductRow).sku;
      }
    }
    this.install(build);
  }

  private install(build: IndexBuild): void {
    this.products_ = build.products;
    this.byCode = build.byCode;
    this.byId = build.byId;
    this.ascii = build.ascii.finish();
    this.zh = build.zh.finish();
  }

  get size(): number {
    return this.products_.length;
  }

  categories(): Category[] {
    const rows = this.store.all(
      this.store.kysely
        .selectFrom('categories')
        .leftJoin('products', (j) =>
          j.onRef('products.category_id', '=', 'categories.id').on('products.active', '=', 1),
        )
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
    return categoryId === null ? [...this.products_] : this.products_.filter((p) => p.categoryId === categoryId);
  }

  /** An active product by id; PRODUCT_RETIRED for a retired one, else UNKNOWN_PRODUCT. */
  get(productId: number): Product {
    const p = this.byId.get(productId);
    if (p) return p;
    const retired = this.store.first(
      this.store.kysely.selectFrom('products').select(['sku']).where('id', '=', productId).where('active', '=', 0),
    );
    if (retired)
      throw new PosError('PRODUCT_RETIRED', `Product ${retired.sku} is retired: it is no longer sold.`, {
        productId,
        sku: retired.sku,
      });
    throw new PosError('UNKNOWN_PRODUCT', `There is no product with id ${productId} for sale.`, { productId });
  }

  /** Exact barcode or SKU (case-insensitive). */
  findByCode(code: string): Product | undefined {
    const c = code.trim();
    return this.byCode.get(c) ?? this.byCode.get(c.toLowerCase());
  }

  /**
   * Exact code first, then products where the query starts a name (or a word of it), the pinyin,
   * the initials, SKU or barcode, then those that merely contain it; each group in catalogue order.
   */
  search(query: string, limit = 50): Product[] {
    const q = query.trim().toLowerCase().replace(/\s+/g, ' ').replaceAll(SEP, '');
    if (!q) return [];
    const seen = new Set<number>();
    const out: Product[] = [];
    const exact = this.findByCode(q);
    if (exact) {
      out.push(exact);
      seen.add(this.products_.indexOf(exact));
    }
    const hay = isAscii(q) ? this.ascii : this.zh;
    for (const i of hay.collect(SEP + q, limit - out.length, seen)) out.push(this.products_[i] as Product);
    if (!isAscii(q) && out.length < limit) {
      // a word inside a Chinese name ("可乐" in "百事可乐 330ml" is a contains match, but "330ml" after a space is a prefix)
      for (const i of hay.collect(' ' + q, limit - out.length, seen)) out.push(this.products_[i] as Product);
    }
    if (out.length < limit)
      for (const i of hay.collect(q, limit - out.length, seen)) out.push(this.products_[i] as Product);
    return out;
  }
}
