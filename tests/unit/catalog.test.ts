import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import demo from '../../resources/demo-catalog.json';
import { pinyinKeys } from '../../src/main/core/catalog';
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
    for (const c of demo.categories) expect(demo.products.filter((p) => p.category === c.code).length).toBeGreaterThanOrEqual(5);
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

  it('lists categories with their product counts', () => {
    const cats = t.core.catalog.categories();
    expect(cats.length).toBe(demo.categories.length);
    expect(cats.reduce((a, c) => a + c.productCount, 0)).toBe(demo.products.length);
  });
});
