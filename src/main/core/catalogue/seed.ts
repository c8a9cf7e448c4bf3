/** Seeds the demo catalogue into an empty database (first run on a fresh data directory). */
import demo from '../../../../resources/demo-catalog.json';
import type { Store } from '../../store/db';

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
    /** Precomputed pinyin keys of nameZh; computed with pinyin-pro when absent. */
    pinyin?: string;
    initials?: string;
  }[];
}

export type PinyinFn = (nameZh: string) => { pinyin: string; initials: string };

/** pinyin-pro is large: it is loaded only when a catalogue without precomputed keys is imported. */
export async function loadPinyin(): Promise<PinyinFn> {
  return (await import('./pinyin')).pinyinKeys;
}

export function needsPinyin(file: CatalogueFile): boolean {
  return file.products.some((p) => p.pinyin === undefined || p.initials === undefined);
}

export const DEMO_CATALOGUE: CatalogueFile = demo;

/** Inserts categories and products in one transaction. Returns how many products were added. */
export function importCatalogue(store: Store, file: CatalogueFile, now: number, keysOf?: PinyinFn): number {
  const k = store.kysely;
  return store.tx(() => {
    const catIds = new Map<string, number>();
    for (const c of file.categories) {
      const existing = store.first(k.selectFrom('categories').select('id').where('code', '=', c.code));
      const id =
        existing?.id ??
        store.run(
          k
            .insertInto('categories')
            .values({ code: c.code, name_zh: c.nameZh, name_en: c.nameEn, color: c.color, sort: c.sort }),
        ).lastInsertRowid;
      catIds.set(c.code, id);
    }
    let added = 0;
    for (const p of file.products) {
      const categoryId = catIds.get(p.category);
      if (categoryId === undefined) throw new Error(`product ${p.sku} names unknown category ${p.category}`);
      const keys =
        p.pinyin !== undefined && p.initials !== undefined
          ? { pinyin: p.pinyin, initials: p.initials }
          : keysOf?.(p.nameZh);
      if (!keys) throw new Error(`product ${p.sku} has no pinyin keys and no pinyin function was given`);
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

export async function seedIfEmpty(store: Store, now: number): Promise<number> {
  const row = store.first(store.kysely.selectFrom('products').select((eb) => eb.fn.countAll<number>().as('n')));
  if (Number(row?.n ?? 0) > 0) return 0;
  return importCatalogue(store, DEMO_CATALOGUE, now, needsPinyin(DEMO_CATALOGUE) ? await loadPinyin() : undefined);
}
