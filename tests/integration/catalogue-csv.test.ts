/**
 * The catalogue CSV through `core.dispatch`: export (UTF-8 with BOM, documented columns), then the
 * two-step import — upload in pieces, preview (every bad row refused with its line and reason,
 * what would be added / changed field by field / retired), apply exactly the preview, all or
 * nothing. GBK and BOM files, refused files, stale previews, and an export → import round trip that
 * changes nothing.
 */
import iconv from 'iconv-lite';
import { afterEach, describe, expect, it } from 'vitest';
import type { Result } from '../../src/shared/result';
import type {
  CatalogueExport,
  CatalogueList,
  CatalogueProduct,
  ImportApplied,
  ImportPreview,
  ImportUpload,
  PaidOrder,
  Product,
  StockMoveView,
} from '../../src/shared/types';
import { must, startCore, type TestCore } from '../support/core';

let t: TestCore;
afterEach(() => t?.close());

const PIN = '8888';
const HEADER = 'sku,barcode,name_zh,name_en,category,price,unit,active,stock';
const dispatch = (method: string, input: unknown): Promise<Result<unknown>> => t.core.dispatch(method, input);
const call = async <T>(method: string, input: unknown): Promise<T> => must(await dispatch(method, input)) as T;
const failure = async (method: string, input: unknown) => {
  const r = await dispatch(method, input);
  if (r.ok) throw new Error(`${method} should have failed`);
  return r.error;
};

/** Sends a file as the renderer does: base64 pieces of 36 KiB (48 KiB of base64). */
async function upload(file: string | Buffer): Promise<string> {
  const bytes = typeof file === 'string' ? Buffer.from(file, 'utf8') : file;
  let uploadId: string | undefined;
  for (let i = 0; i === 0 || i < bytes.length; i += 36 * 1024) {
    const chunk = bytes.subarray(i, i + 36 * 1024).toString('base64');
    uploadId = (
      await call<ImportUpload>('catalog.importUpload', {
        ...(uploadId ? { uploadId, chunk } : { chunk }),
        approvalPin: PIN,
      })
    ).uploadId;
  }
  return uploadId as string;
}

async function preview(
  file: string | Buffer,
  options: { retireMissing?: boolean; setStock?: boolean } = {},
): Promise<ImportPreview> {
  const uploadId = await upload(file);
  return call<ImportPreview>('catalog.importPreview', {
    uploadId,
    retireMissing: options.retireMissing ?? false,
    setStock: options.setStock ?? false,
    approvalPin: PIN,
  });
}

async function refused(file: string | Buffer) {
  const uploadId = await upload(file);
  return failure('catalog.importPreview', { uploadId, retireMissing: false, setStock: false, approvalPin: PIN });
}

const apply = (p: ImportPreview) => call<ImportApplied>('catalog.importApply', { token: p.token, approvalPin: PIN });
const exported = () => call<CatalogueExport>('catalog.exportCsv', { approvalPin: PIN });
const product = async (sku: string) =>
  (await call<CatalogueList>('catalog.adminProducts', { query: sku, status: 'all', approvalPin: PIN })).products.find(
    (p) => p.sku === sku,
  ) as CatalogueProduct;
const count = () => Number((t.core.store.sqlite.prepare('select count(*) n from products').get() as { n: number }).n);
const csv = (...rows: string[]) => [HEADER, ...rows].join('\r\n') + '\r\n';

describe('CSV export', () => {
  it('writes every product with the documented columns, UTF-8 with a BOM, prices in yuan', async () => {
    t = await startCore();
    const file = await exported();
    expect(file.rows).toBe(68);
    expect(file.filename).toBe('counter-pos-catalogue-2026-11-26.csv');
    expect(file.content.startsWith('\uFEFF' + HEADER + '\r\n')).toBe(true);
    expect(file.content).toContain('\r\nDRI-001,6901939621608,可口可乐 330ml,Coca-Cola 330ml,drinks,3.00,瓶,1,0\r\n');
    expect(file.content.trimEnd().split('\r\n')).toHaveLength(69);
  });
});

describe('CSV import', () => {
  it('export → import changes nothing (with retire-missing and stock on too), even with commas, quotes and formula-like text', async () => {
    t = await startCore();
    const cola = t.core.catalog.findByCode('DRI-001') as Product;
    await call('catalog.saveProduct', {
      id: cola.id,
      sku: cola.sku,
      barcode: cola.barcode,
      nameZh: '=可口可乐, "经典"',
      nameEn: 'Coca-Cola, "classic" – two',
      categoryId: cola.categoryId,
      priceFen: 305,
      unit: '-瓶',
      approvalPin: PIN,
    });
    await call('catalog.adjustStock', {
      productId: cola.id,
      mode: 'delta',
      value: -7,
      reason: 'broken',
      approvalPin: PIN,
    });
    await call('catalog.setActive', {
      productId: (t.core.catalog.findByCode('SNA-001') as Product).id,
      active: false,
      approvalPin: PIN,
    });
    const before = await exported();
    expect(before.content).toContain(`"'=可口可乐, ""经典"""`);
    const p = await preview(before.content, { retireMissing: true, setStock: true });
    expect(p).toMatchObject({
      errors: [],
      errorCount: 0,
      encoding: 'utf-8-bom',
      rows: 68,
      counts: { added: 0, changed: 0, unchanged: 68, retired: 0 },
      stockIgnored: 0,
    });
    expect(p.token).toMatch(/^[0-9a-f]{64}$/);
    expect(await apply(p)).toEqual({ added: 0, changed: 0, retired: 0, unchanged: 68, stockMoves: 0 });
    expect((await exported()).content).toBe(before.content);
    expect(await product('DRI-001')).toMatchObject({
      nameZh: '=可口可乐, "经典"',
      nameEn: 'Coca-Cola, "classic" – two',
      unit: '-瓶',
      stock: -7,
    });
  });

  it('refuses every bad row with its line and reason, and applies nothing', async () => {
    t = await startCore();
    const long = 'x'.repeat(81);
    const p = await preview(
      csv(
        'NEW-1,6900000000014,新品,New one,drinks,5.00,瓶,1,10', // 2 fine
        'NEW-2,,新品二,New two,drinks,abc,瓶,1,', // 3
        'NEW-3,,新品三,New three,nosuch,1.00,瓶,1,', // 4
        'new-1,,重复,Dup,drinks,1.00,瓶,1,', // 5
        'NEW-4,6900000000014,新品四,New four,drinks,1.00,瓶,1,', // 6
        'NEW-5,6901939621608,新品五,New five,drinks,1.00,瓶,1,', // 7
        'NEW-6,,,,drinks,1.00,瓶,1,', // 8
        'NEW-7,,新品七,New seven,drinks,1.00', // 9
        ',,无编码,No SKU,drinks,1.00,瓶,1,', // 10
        'NEW 8,,新品八,New eight,drinks,1.00,瓶,1,', // 11
        'NEW-9,6900000000019,新品九,New nine,drinks,1.00,瓶,1,', // 12
        'NEW-10,6.90194E+12,新品十,New ten,drinks,1.00,瓶,1,', // 13
        'NEW-11,,新品,Eleven,drinks,1.00,瓶,maybe,', // 14
        'NEW-12,,新品,Twelve,drinks,1.00,瓶,1,lots', // 15
        `NEW-13,,${long},Thirteen,drinks,1.00,瓶,1,`, // 16
        '"NEW-14",,"两行\n名字",Two lines,drinks,1.00,瓶,1,', // 17-18: a name is one line
        'NEW-15,,新品,Fifteen,drinks,-1.00,瓶,1,', // 19
        'NEW-16,,新品,Sixteen,drinks,12.345,瓶,1,', // 20
        'NEW-17,DRI-002,新品,Seventeen,drinks,1.00,瓶,1,', // 21
      ),
    );
    expect(p.token).toBeNull();
    expect(p.errors.map((e) => [e.line, e.kind])).toEqual([
      [3, 'bad_price'],
      [4, 'unknown_category'],
      [5, 'duplicate_sku'],
      [6, 'duplicate_barcode'],
      [7, 'code_taken'],
      [8, 'missing_name'],
      [9, 'column_count'],
      [10, 'missing_sku'],
      [11, 'bad_sku'],
      [12, 'invalid_barcode'],
      [13, 'invalid_barcode'],
      [14, 'bad_active'],
      [15, 'bad_stock'],
      [16, 'too_long'],
      [17, 'bad_text'],
      [19, 'bad_price'],
      [20, 'bad_price'],
      [21, 'code_taken'],
    ]);
    const at = (line: number) => p.errors.find((e) => e.line === line)!;
    expect(at(3)).toMatchObject({ column: 'price', value: 'abc' });
    expect(at(4)).toMatchObject({
      column: 'category',
      value: 'nosuch',
      params: { known: expect.stringContaining('drinks') },
    });
    expect(at(5)).toMatchObject({ params: { otherLine: 2 }, message: 'SKU "new-1" is also on line 2' });
    expect(at(6)).toMatchObject({ params: { otherLine: 2 } });
    expect(at(7)).toMatchObject({ column: 'barcode', params: { otherSku: 'DRI-001' } });
    expect(at(9)).toMatchObject({ params: { expected: 9, got: 6 } });
    expect(at(12)).toMatchObject({ params: { reason: 'check_digit', expected: 4 } });
    expect(at(13)).toMatchObject({ params: { reason: 'excel_number' } });
    expect(at(16)).toMatchObject({ column: 'name_zh', params: { max: 80 } });
    expect(at(21)).toMatchObject({ column: 'barcode', value: 'DRI-002', params: { otherSku: 'DRI-002' } });
    expect(at(17)).toMatchObject({ column: 'name_zh', value: '两行\uFFFD名字' });
    expect(p).toMatchObject({ rows: 19, errorCount: 18, badRows: 18, counts: { added: 1 } });
    expect(p.added.map((a) => [a.line, a.sku])).toEqual([[2, 'NEW-1']]);
    // nothing can be applied, and nothing was
    expect(await failure('catalog.importApply', { token: 'f'.repeat(64), approvalPin: PIN })).toMatchObject({
      code: 'IMPORT_EXPIRED',
    });
    expect(count()).toBe(68);
  });

  it('the fixed file previews clean and applies: products added with pinyin and stock, audited; a clerk needs the PIN', async () => {
    t = await startCore();
    const file = csv(
      'NEW-1,6900000000014,茉莉花茶,Jasmine tea,drinks,5.00,瓶,1,10',
      'NEW-2,,新品二,New two,drinks,2.5,瓶,,',
      'DRI-001,6901939621608,可口可乐 330ml,Coca-Cola 330ml,drinks,3.20,瓶,1,0',
    );
    const p = await preview(file);
    expect(p).toMatchObject({ errors: [], counts: { added: 2, changed: 1, unchanged: 0, retired: 0 } });
    expect(p.changed).toEqual([
      {
        line: 4,
        productId: expect.any(Number),
        sku: 'DRI-001',
        nameZh: '可口可乐 330ml',
        nameEn: 'Coca-Cola 330ml',
        fields: [{ field: 'priceFen', from: 300, to: 320 }],
      },
    ]);
    expect(p.added[0]!.fields).toEqual([
      { field: 'barcode', from: null, to: '6900000000014' },
      { field: 'nameZh', from: null, to: '茉莉花茶' },
      { field: 'nameEn', from: null, to: 'Jasmine tea' },
      { field: 'category', from: null, to: 'drinks' },
      { field: 'priceFen', from: null, to: 500 },
      { field: 'unit', from: null, to: '瓶' },
      { field: 'active', from: null, to: true },
      { field: 'stock', from: null, to: 10 },
    ]);
    expect(await failure('catalog.importApply', { token: p.token })).toMatchObject({ code: 'OWNER_APPROVAL_REQUIRED' });
    const seen: unknown[] = [];
    t.core.events.subscribe((name, payload) => name === 'catalog.changed' && seen.push(payload));
    expect(await apply(p)).toEqual({ added: 2, changed: 1, retired: 0, unchanged: 0, stockMoves: 1 });
    expect(seen).toEqual([{ kind: 'import' }]);
    expect(await product('NEW-1')).toMatchObject({ priceFen: 500, stock: 10, active: true, barcode: '6900000000014' });
    expect(await product('NEW-2')).toMatchObject({ priceFen: 250, stock: 0, barcode: null });
    expect(t.core.catalog.search('mlhc')[0]?.sku).toBe('NEW-1');
    expect(t.core.catalog.findByCode('DRI-001')?.priceFen).toBe(320);
    expect(
      (
        await call<StockMoveView[]>('catalog.stockMoves', { productId: (await product('NEW-1')).id, approvalPin: PIN })
      )[0],
    ).toMatchObject({ reason: 'import', delta: 10, stockAfter: 10 });
    const summary = t.core.audit.list({ action: 'catalog.import' });
    expect(summary).toHaveLength(1);
    expect(summary[0]).toMatchObject({
      approvedBy: '店长',
      after: { added: 2, changed: 1, rows: 3, encoding: 'utf-8', retireMissing: false },
    });
    expect(t.core.audit.list({ action: 'catalog.product.update' })[0]).toMatchObject({
      subject: 'product:DRI-001',
      before: { priceFen: 300 },
      after: { priceFen: 320 },
    });
    // the same token again: the same answer, nothing applied twice
    expect(await apply(p)).toEqual({ added: 2, changed: 1, retired: 0, unchanged: 0, stockMoves: 1 });
    expect(t.core.audit.list({ action: 'catalog.import' })).toHaveLength(1);
  });

  it('applies exactly the preview: a catalogue change in between makes it stale (nothing applied); a sale does not', async () => {
    t = await startCore();
    const p = await preview(csv('DRI-001,6901939621608,可口可乐 330ml,Coca-Cola 330ml,drinks,3.50,瓶,1,40'), {
      setStock: true,
    });
    const cola = t.core.catalog.findByCode('DRI-001') as Product;
    await call('catalog.saveProduct', {
      id: cola.id,
      sku: cola.sku,
      barcode: cola.barcode,
      nameZh: cola.nameZh,
      nameEn: 'Cola',
      categoryId: cola.categoryId,
      priceFen: 300,
      unit: cola.unit,
      approvalPin: PIN,
    });
    expect(await failure('catalog.importApply', { token: p.token, approvalPin: PIN })).toMatchObject({
      code: 'IMPORT_STALE',
    });
    expect(await product('DRI-001')).toMatchObject({ priceFen: 300, nameEn: 'Cola', stock: 0 });
    const again = await preview(csv('DRI-001,6901939621608,可口可乐 330ml,Coca-Cola 330ml,drinks,3.50,瓶,1,40'), {
      setStock: true,
    });
    expect(again.changed[0]!.fields.map((f) => f.field)).toEqual(['nameEn', 'priceFen', 'stock']);
    // a sale between preview and apply: the count in the file is what the shelf holds
    must(await dispatch('cart.add', { productId: cola.id, qty: 2 }));
    const order = await call<{ id: number; totalFen: number }>('checkout.confirm', {});
    await call<PaidOrder>('checkout.payCash', { orderId: order.id, tenderedFen: order.totalFen });
    expect((await product('DRI-001')).stock).toBe(-2);
    expect(await apply(again)).toMatchObject({ changed: 1, stockMoves: 1 });
    expect(await product('DRI-001')).toMatchObject({ priceFen: 350, nameEn: 'Coca-Cola 330ml', stock: 40 });
    expect(
      (await call<StockMoveView[]>('catalog.stockMoves', { productId: cola.id, approvalPin: PIN }))[0],
    ).toMatchObject({ reason: 'import', delta: 42, stockAfter: 40 });
  });

  it('stock in the file is left alone unless asked; retire-missing only when asked', async () => {
    t = await startCore();
    const file = csv(
      'DRI-001,6901939621608,可口可乐 330ml,Coca-Cola 330ml,drinks,3.00,瓶,1,12',
      'DRI-002,,百事可乐 330ml,Pepsi 330ml,drinks,3.00,瓶,1,',
    );
    const plain = await preview(file);
    expect(plain).toMatchObject({ counts: { added: 0, changed: 1, unchanged: 1, retired: 0 }, stockIgnored: 1 });
    expect(plain.changed[0]).toMatchObject({ sku: 'DRI-002', fields: [{ field: 'barcode', to: null }] });
    const both = await preview(file, { retireMissing: true, setStock: true });
    expect(both).toMatchObject({ counts: { added: 0, changed: 2, unchanged: 0, retired: 66 }, stockIgnored: 0 });
    expect(both.retired[0]).toMatchObject({ line: null, fields: [{ field: 'active', from: true, to: false }] });
    expect(await apply(both)).toMatchObject({ retired: 66, changed: 2, stockMoves: 1 });
    expect((await call<Product[]>('catalog.products', { categoryId: null })).map((p) => p.sku)).toEqual([
      'DRI-001',
      'DRI-002',
    ]);
    expect((await product('DRI-001')).stock).toBe(12);
    expect(t.core.audit.list({ action: 'catalog.product.retire' })).toHaveLength(66);
  });

  it('a barcode moves from a retired product to one for sale (released, shown); Excel ="…" text and active words are read', async () => {
    t = await startCore();
    const chips = t.core.catalog.findByCode('SNA-001') as Product;
    await call('catalog.setActive', { productId: chips.id, active: false, approvalPin: PIN });
    const p = await preview(
      csv(`NEW-1,="${chips.barcode}",薯片新装,Chips new,snacks,8.00,袋,是,`, 'NEW-2,,新品,New,snacks,1.00,袋,否,'),
    );
    expect(p.errors).toEqual([]);
    expect(p.changed).toEqual([
      {
        line: null,
        productId: chips.id,
        sku: 'SNA-001',
        nameZh: chips.nameZh,
        nameEn: chips.nameEn,
        fields: [{ field: 'barcode', from: chips.barcode, to: null }],
      },
    ]);
    await apply(p);
    expect(t.core.catalog.findByCode(chips.barcode as string)?.sku).toBe('NEW-1');
    expect(await product('SNA-001')).toMatchObject({ barcode: null, active: false });
    expect(await product('NEW-2')).toMatchObject({ active: false });
  });

  it('reads GBK (Excel on a Chinese Windows) and UTF-8 with or without a BOM', async () => {
    t = await startCore();
    const text = csv('NEW-1,,绿茶,Green tea,drinks,4.00,瓶,1,');
    const gbk = await preview(iconv.encode(text, 'gbk'));
    expect(gbk).toMatchObject({ encoding: 'gbk', errors: [], added: [{ nameZh: '绿茶', nameEn: 'Green tea' }] });
    expect(await preview(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))).toMatchObject({
      encoding: 'utf-8-bom',
      errors: [],
    });
    expect(await preview(text)).toMatchObject({ encoding: 'utf-8', errors: [] });
    await apply(gbk);
    expect(t.core.catalog.search('lc')[0]?.sku).toBe('NEW-1');
  });

  it('refuses whole files it cannot read: UTF-16, other encodings, binary, bad headers, no rows, an open quote, too many rows or bytes', async () => {
    t = await startCore();
    const reason = async (file: string | Buffer) => (await refused(file)).details?.reason;
    expect(await reason(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(HEADER, 'utf16le')]))).toBe('utf16');
    expect(await reason(Buffer.from([0x73, 0x6b, 0x75, 0xff, 0xff, 0x0a]))).toBe('encoding');
    expect(await reason(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]))).toBe('binary');
    expect(await refused(HEADER.replace('unit', 'colour') + '\nA,,甲,A,drinks,1,x,1,0\n')).toMatchObject({
      code: 'IMPORT_REFUSED',
      details: { reason: 'unknown_column', column: 'colour' },
    });
    expect(await refused('sku,name_zh,name_en,category\nA,甲,A,drinks\n')).toMatchObject({
      details: { reason: 'missing_column', column: 'price' },
    });
    expect(await reason('sku,sku,name_zh,name_en,category,price\n')).toBe('duplicate_column');
    expect(await reason('')).toBe('empty');
    expect(await reason(HEADER + '\r\n\r\n')).toBe('no_rows');
    expect(await refused(csv('A,,"甲,A,drinks,1.00,x,1,0'))).toMatchObject({
      details: { reason: 'unclosed_quote', line: 2 },
    });
    const rows = Array.from({ length: 20_001 }, (_, i) => `S${i},,品${i},P${i},drinks,1.00,个,1,`);
    expect(await refused(csv(...rows))).toMatchObject({ details: { reason: 'too_many_rows', max: 20_000 } });
    // too big: refused while uploading (the owner signed in: no PIN to check on each of the 240 pieces)
    const owner = t.core.auth.users().find((u) => u.role === 'owner')!;
    await call('auth.login', { userId: owner.id, pin: PIN });
    let uploadId: string | undefined;
    const piece = Buffer.alloc(36 * 1024, 0x61).toString('base64');
    let error: unknown = null;
    for (let i = 0; i < 240 && !error; i++) {
      const r = await dispatch('catalog.importUpload', uploadId ? { uploadId, chunk: piece } : { chunk: piece });
      if (r.ok) uploadId = (r.value as ImportUpload).uploadId;
      else error = r.error;
    }
    expect(error).toMatchObject({ code: 'IMPORT_REFUSED', details: { reason: 'too_big' } });
    expect(await failure('catalog.importPreview', { uploadId, retireMissing: false, setStock: false })).toMatchObject({
      code: 'IMPORT_EXPIRED',
    });
    expect(count()).toBe(68);
  });

  it('imports 10,000 new products in one go (timed)', async () => {
    t = await startCore();
    const rows = Array.from({ length: 10_000 }, (_, i) => {
      const n = String(i).padStart(5, '0');
      return `B-${n},,测试商品${n}号,Bench product ${n},snacks,${(i % 500) + 1}.${String(i % 100).padStart(2, '0')},件,1,${i % 50}`;
    });
    const file = csv(...rows);
    const t0 = performance.now();
    const uploadId = await upload(file);
    const t1 = performance.now();
    const p = await call<ImportPreview>('catalog.importPreview', {
      uploadId,
      retireMissing: false,
      setStock: false,
      approvalPin: PIN,
    });
    const t2 = performance.now();
    expect(p).toMatchObject({ errors: [], counts: { added: 10_000 } });
    expect(p.added).toHaveLength(1000);
    const done = await apply(p);
    const t3 = performance.now();
    expect(done).toMatchObject({ added: 10_000, stockMoves: 9800 });
    const reload0 = performance.now();
    t.core.catalog.reload();
    const reload1 = performance.now();
    const again = await preview(file);
    const t4 = performance.now();
    expect(again.counts).toMatchObject({ unchanged: 10_000 });
    console.log(
      `[bench] 10k-row CSV (${(Buffer.byteLength(file) / 1024).toFixed(0)} KiB): upload ${(t1 - t0).toFixed(0)} ms, preview ${(t2 - t1).toFixed(0)} ms, ` +
        `apply ${(t3 - t2).toFixed(0)} ms, index rebuild at ${t.core.catalog.size} products ${(reload1 - reload0).toFixed(0)} ms, re-preview ${(t4 - reload1).toFixed(0)} ms`,
    );
    expect(t.core.catalog.search('测试商品09999')[0]?.sku).toBe('B-09999');
  }, 120_000);
});
