/** Seeds the demo catalogue into an empty database (first run on a fresh data directory). */
import demo from '../../../resources/demo-catalog.json';
import type { Store } from '../store/db';
import { pinyinKeys } from './catalog';

export interface CatalogueFile {
  categories: { code: string; nameZh: string; nameEn: string; color: string; sort: number }[];
  products: {
    sku: string;
    barcode: string | null;
    nameZh: string;
    nameEn: string;
    category: string;
    priceFen: number;
    unit: string;
  }[];
}

export const DEMO_CATALOGUE: CatalogueFile = demo;

/** Inserts categories and products in one transaction. Returns how many products were added. */
export function importCatalogue(store: Store, file: CatalogueFile, now: number): number {
  const k = store.kysely;
  return store.tx(() => {
    const catIds = new Map<string, number>();
    for (const c of file.categories) {
      const existing = store.first(k.selectFrom('categories').select('id').where('code', '=', c.code));
      const id =
        existing?.id ??
        store.run(
          k.insertInto('categories').values({ code: c.code, name_zh: c.nameZh, name_en: c.nameEn, color: c.color, sort: c.sort }),
        ).lastInsertRowid;
      catIds.set(c.code, id);
    }
    let added = 0;
    for (const p of file.products) {
      const categoryId = catIds.get(p.category);
      if (categoryId === undefined) throw new Error(`product ${p.sku} names unknown category ${p.category}`);
      const keys = pinyinKeys(p.nameZh);
      store.run(
        k.insertInto('products').values({
          sku: p.sku,
          barcode: p.barcode,
          name_zh: p.nameZh,
          name_en: p.nameEn,
          pinyin: keys.pinyin,
          pinyin_initials: keys.initials,
          category_id: categoryId,
          price_fen: p.priceFen,
          unit: p.unit,
          active: 1,
          created_at: now,
          updated_at: now,
        }),
      );
      added++;
    }
    return added;
  });
}

export function seedIfEmpty(store: Store, now: number): number {
  const row = store.first(store.kysely.selectFrom('products').select((eb) => eb.fn.countAll<number>().as('n')));
  if (Number(row?.n ?? 0) > 0) return 0;
  return importCatalogue(store, DEMO_CATALOGUE, now);
}
