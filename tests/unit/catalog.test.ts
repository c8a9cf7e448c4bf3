import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import demo from '../../resources/demo-catalog.json';
import { pinyinKeys } from '../../src/main/core/catalogue/pinyin';
import { importCatalogue } from '../../src/main/core/catalogue/seed';
import { startCore, type TestCore } from '../support/core';

function ean13Valid(code: string): boolean {
  if (!/^\d{13}$/.test(code)) return false;
  const digits = [...code].map(Number);
  const sum = digits.slice(0, 12).reduce((a, d, i) => a + d * (i % 2 ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10 === digits[12];
}

describe('the demo catalogue', () => {
  it('has at least 60 products in at least 6 categories, bilingual, priced in fen, with valid unique EAN-13s and SKUs', () => {
    expect(demo.products.length).toBeGreaterThanOrEqual(60);
    expect(demo.categories.length).toBeGreaterThanOrEqual(6);
    const codes = new Set(demo.categories.map((c) => c.code));
    for (const p of demo.products) {
      expect(ean13Valid(p.barcode), p.barcode).toBe(true);
      expect(codes.has(p.category)).toBe(true);
      expect(Number.isSafeInteger(p.priceFen) && p.priceFen > 0).toBe(true);
      expect(p.nameZh).toMatch(/[\u4e00-\u9fff]/);
      expect(p.nameEn).toMatch(/[A-Za-z]/);
    }
    expect(new Set(demo.products.map((p) => p.barcode)).size).toBe(demo.products.length);
    expect(new Set(demo.products.map((p) => p.sku)).size).toBe(demo.products.length);
    // the precomputed pinyin keys are what pinyin-pro computes
    for (const p of demo.products)
      expect({ pinyin: p.pinyin, initials: p.initials }, p.sku).toEqual(pinyinKeys(p.nameZh));
    for (const c of demo.categories)
      expect(demo.products.filter((p) => p.category === c.code).length).toBeGreaterThanOrEqual(5);
  });
});

describe('catalogue search', () => {
  let t: TestCore;
  beforeAll(async () => {
    t = await startCore();
  });
  afterAll(() => t.close());

  it('computes pinyin keys of the Chinese name only', () => {
    expect(pinyinKeys('可口可乐 330ml')).toEqual({ pinyin: 'kekoukele', initials: 'kkkl' });
  });

  it('finds by pinyin initials, full pinyin, Chinese and English names, SKU and barcode', () => {
    const first = (q: string) => t.core.catalog.search(q)[0]?.sku;
    expect(first('kkkl')).toBe('DRI-001');
    expect(first('KKKL')).toBe('DRI-001');
    expect(first('kekou')).toBe('DRI-001');
    expect(first('可口')).toBe('DRI-001');
    expect(first('coca')).toBe('DRI-001');
    expect(first('dri-001')).toBe('DRI-001');
    expect(first('6901939621608')).toBe('DRI-001');
    expect(t.core.catalog.search('zzzzzz')).toEqual([]);
    expect(t.core.catalog.search('   ')).toEqual([]);
  });

  it('puts prefix matches before substring matches and honours the limit', () => {
    const r = t.core.catalog.search('ml');
    expect(r.length).toBeGreaterThan(3);
    expect(t.core.catalog.search('ml', 2)).toHaveLength(2);
    const beer = t.core.catalog.search('beer').map((p) => p.sku);
    expect(beer.length).toBeGreaterThanOrEqual(3);
    expect(beer.every((s) => s.startsWith('ALC'))).toBe(true);
  });

  it('ranks a prefix match anywhere in the keys above a product that merely contains the query', async () => {
    const own = await startCore({ seed: false });
    try {
      importCatalogue(
        own.core.store,
        {
          categories: [{ code: 'x', nameZh: '测试', nameEn: 'Test', color: '#000', sort: 0 }],
          products: [
            // "gm" only inside: jinGuangMian / jGM / a-gm
            {
              sku: 'A-1',
              barcode: null,
              nameZh: '金光面',
              nameEn: 'Gold noodles',
              category: 'x',
              priceFen: 100,
              unit: '',
            },
            // "gm" inside the pinyin (guangming) but also the start of the initials (gmnn)
            {
              sku: 'B-1',
              barcode: null,
              nameZh: '光明牛奶',
              nameEn: 'Bright milk',
              category: 'x',
              priceFen: 100,
              unit: '',
            },
            {
              sku: 'C-1',
              barcode: null,
              nameZh: '百事可乐 330ml',
              nameEn: 'Pepsi',
              category: 'x',
              priceFen: 100,
              unit: '',
            },
            { sku: 'D-1', barcode: null, nameZh: '可乐330ml', nameEn: 'Cola', category: 'x', priceFen: 100, unit: '' },
          ],
        },
        0,
        pinyinKeys,
      );
      own.core.catalog.reload();
      expect(own.core.catalog.search('gm').map((p) => p.sku)).toEqual(['B-1', 'A-1']);
      // a word of a Chinese name after a space counts as a prefix; glued to another word it does not
      expect(own.core.catalog.search('330ml').map((p) => p.sku)).toEqual(['C-1', 'D-1']);
      expect(own.core.catalog.search('可乐').map((p) => p.sku)).toEqual(['D-1', 'C-1']);
    } finally {
      own.close();
    }
  });

  it('lists categories with their product counts', () => {
    const cats = t.core.catalog.categories();
    expect(cats.length).toBe(demo.categories.length);
    expect(cats.reduce((a, c) => a + c.productCount, 0)).toBe(demo.products.length);
  });
});
