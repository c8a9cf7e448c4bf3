/**
 * Catalogue management through `core.dispatch`, as the renderer calls it: owner-only changes (a
 * clerk is refused without the owner's PIN) with audit rows; a price change never alters a past
 * order or receipt; SKU and barcode rules; retiring hides a product from the grid, search and scan;
 * stock moved by a cash sale, an intermediary payment, a refund with restock and the owner's
 * adjustments. The CSV import has its own file (catalogue-csv.test.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ProviderSource } from '../../src/main/core/payments/attempts';
import type { ProviderId, Trade } from '../../src/main/intermediaries/provider';
import type { EventName } from '../../src/shared/contract';
import type { Result } from '../../src/shared/result';
import type {
  AuditEntryView,
  CatalogueCategory,
  CatalogueList,
  CatalogueProduct,
  CartView,
  PaidOrder,
  Product,
  ProductSaved,
  StockMoveView,
} from '../../src/shared/types';
import { FakeProvider } from '../support/fake-provider';
import { must, startCore, type TestCore } from '../support/core';

let t: TestCore;
let alipay: FakeProvider;
afterEach(() => t?.close());

async function setup(): Promise<void> {
  alipay = new FakeProvider('alipay');
  const providers: ProviderSource = {
    get: (id: ProviderId) => (id === 'alipay' ? { provider: alipay, sandbox: true } : undefined),
    all: () => [{ provider: alipay, sandbox: true }],
  };
  t = await startCore({ providers, poll: false });
}

const OWNER_PIN = '8888';
const dispatch = (method: string, input: unknown): Promise<Result<unknown>> => t.core.dispatch(method, input);
const call = async <T>(method: string, input: unknown): Promise<T> => must(await dispatch(method, input)) as T;
const code = async (method: string, input: unknown): Promise<string> => {
  const r = await dispatch(method, input);
  return r.ok ? 'ok' : r.error.code;
};
const bySku = (sku: string) => t.core.catalog.findByCode(sku) as Product;
const admin = async (sku: string) =>
  (
    await call<CatalogueList>('catalog.adminProducts', { query: sku, status: 'all', approvalPin: OWNER_PIN })
  ).products.find((p) => p.sku === sku) as CatalogueProduct;
const drinks = () => t.core.catalog.categories().find((c) => c.code === 'drinks')!.id;

function events(): { name: EventName; payload: unknown }[] {
  const seen: { name: EventName; payload: unknown }[] = [];
  t.core.events.subscribe((name, payload) => seen.push({ name, payload }));
  return seen;
}

async function sellCash(sku: string, qty: number): Promise<PaidOrder> {
  must(await dispatch('cart.add', { productId: bySku(sku).id, qty }));
  const order = await call<{ id: number; totalFen: number }>('checkout.confirm', {});
  return call<PaidOrder>('checkout.payCash', { orderId: order.id, tenderedFen: order.totalFen });
}

const newProduct = {
  sku: 'TEA-100',
  barcode: '6900000000014',
  nameZh: '茉莉花茶',
  nameEn: 'Jasmine tea',
  priceFen: 450,
  unit: '瓶',
};

describe('catalogue management: the owner only, audited', () => {
  it('a clerk is refused without the owner PIN; a wrong PIN is counted; with the PIN it is done and audited before/after', async () => {
    await setup();
    const cola = bySku('DRI-001');
    const edit = {
      id: cola.id,
      sku: cola.sku,
      barcode: cola.barcode,
      nameZh: cola.nameZh,
      nameEn: cola.nameEn,
      categoryId: cola.categoryId,
      priceFen: 350,
      unit: cola.unit,
    };
    expect(t.core.auth.current().role).toBe('clerk');
    for (const [method, input] of [
      ['catalog.saveProduct', edit],
      ['catalog.setActive', { productId: cola.id, active: false }],
      ['catalog.saveCategory', { code: 'tea', nameZh: '茶', nameEn: 'Tea', color: '#00aa00' }],
      ['catalog.reorderCategories', { ids: t.core.catalog.categories().map((c) => c.id) }],
      ['catalog.adjustStock', { productId: cola.id, mode: 'delta', value: 24, reason: 'delivery' }],
      ['catalog.importApply', { token: 'a'.repeat(64) }],
    ] as const) {
      expect(await code(method, input), method).toBe('OWNER_APPROVAL_REQUIRED');
    }
    expect(bySku('DRI-001').priceFen).toBe(300);
    const wrong = await dispatch('catalog.saveProduct', { ...edit, approvalPin: '0000' });
    expect(wrong.ok || wrong.error).toMatchObject({ code: 'WRONG_PIN', details: { attemptsLeft: 4 } });
    expect(bySku('DRI-001').priceFen).toBe(300);

    const saved = await call<ProductSaved>('catalog.saveProduct', { ...edit, approvalPin: OWNER_PIN });
    expect(saved.product).toMatchObject({ sku: 'DRI-001', priceFen: 350, active: true, categoryCode: 'drinks' });
    expect(bySku('DRI-001').priceFen).toBe(350);
    const audit = t.core.audit.list({ action: 'catalog.product.update' });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor: '收银员 01',
      role: 'clerk',
      approvedBy: '店长',
      subject: 'product:DRI-001',
      before: { sku: 'DRI-001', priceFen: 300, category: 'drinks', active: true },
      after: { sku: 'DRI-001', priceFen: 350, category: 'drinks', active: true },
    } satisfies Partial<AuditEntryView>);
    // the catalogue with its stock, and its export, are the owner's to read too (tests/security/clerk-reads.test.ts)
    expect(await code('catalog.adminProducts', {})).toBe('OWNER_APPROVAL_REQUIRED');
    expect(await code('catalog.exportCsv', {})).toBe('OWNER_APPROVAL_REQUIRED');
    expect(await code('catalog.exportCsv', { approvalPin: OWNER_PIN })).toBe('ok');
  });

  it('an owner signed in needs no PIN', async () => {
    await setup();
    const owner = t.core.auth.users().find((u) => u.role === 'owner')!;
    await t.core.auth.login(owner.id, OWNER_PIN);
    const saved = await call<ProductSaved>('catalog.saveProduct', { ...newProduct, categoryId: drinks() });
    expect(saved.product).toMatchObject({ sku: 'TEA-100', stock: 0, active: true });
    expect(t.core.audit.list({ action: 'catalog.product.create' })[0]).toMatchObject({
      actor: '店长',
      approvedBy: null,
      after: { sku: 'TEA-100', priceFen: 450 },
    });
  });
});

describe('products', () => {
  it('a price change never alters past orders or receipts; the next sale and the grid use the new price', async () => {
    await setup();
    const seen = events();
    const before = await sellCash('DRI-001', 2);
    const receiptBefore = t.core.orders.receipt(before.order.id, false);
    const cola = bySku('DRI-001');
    await call('catalog.saveProduct', {
      id: cola.id,
      sku: cola.sku,
      barcode: cola.barcode,
      nameZh: '可口可乐 新装',
      nameEn: 'Coca-Cola new',
      categoryId: cola.categoryId,
      priceFen: 400,
      unit: cola.unit,
      approvalPin: OWNER_PIN,
    });
    expect(seen.filter((e) => e.name === 'catalog.changed')).toEqual([
      { name: 'catalog.changed', payload: { kind: 'products' } },
    ]);
    const past = t.core.orders.get(before.order.id);
    expect(past.totalFen).toBe(600);
    expect(past.lines.map((l) => [l.nameZh, l.nameEn, l.unitPriceFen, l.totalFen])).toEqual([
      ['可口可乐 330ml', 'Coca-Cola 330ml', 300, 600],
    ]);
    expect(t.core.orders.receipt(before.order.id, false)).toEqual(receiptBefore);
    // the grid, search (new pinyin too) and the next sale see the new price and name
    expect(
      (await call<Product[]>('catalog.products', { categoryId: null })).find((p) => p.sku === 'DRI-001'),
    ).toMatchObject({ priceFen: 400, nameEn: 'Coca-Cola new' });
    expect((await call<Product[]>('catalog.search', { query: 'kkklxz' }))[0]?.sku).toBe('DRI-001');
    const after = await sellCash('DRI-001', 1);
    expect(after.order.totalFen).toBe(400);
  });

  it('adds a product: pinyin keys computed, found by initials and scanned; opening stock recorded', async () => {
    await setup();
    const saved = await call<ProductSaved>('catalog.saveProduct', {
      ...newProduct,
      categoryId: drinks(),
      openingStock: 12,
      approvalPin: OWNER_PIN,
    });
    expect(saved.product).toMatchObject({ sku: 'TEA-100', stock: 12, barcode: '6900000000014' });
    expect((await call<Product[]>('catalog.search', { query: 'mlhc' }))[0]?.sku).toBe('TEA-100');
    const cart = await call<CartView>('cart.scan', { code: '6900000000014' });
    expect(cart.lines[0]).toMatchObject({ sku: 'TEA-100', unitPriceFen: 450 });
    expect(
      await call<StockMoveView[]>('catalog.stockMoves', { productId: saved.product.id, approvalPin: OWNER_PIN }),
    ).toMatchObject([
      {
        delta: 12,
        reason: 'adjustment',
        note: 'opening count',
        stockAfter: 12,
        actor: '收银员 01',
        approvedBy: '店长',
      },
    ]);
    // one name is enough; the other takes its text
    const en = await call<ProductSaved>('catalog.saveProduct', {
      ...newProduct,
      sku: 'TEA-101',
      barcode: null,
      nameZh: '',
      nameEn: 'Oolong',
      categoryId: drinks(),
      approvalPin: OWNER_PIN,
    });
    expect(en.product).toMatchObject({ nameZh: 'Oolong', nameEn: 'Oolong' });
    expect(
      await code('catalog.saveProduct', {
        ...newProduct,
        sku: 'TEA-102',
        barcode: null,
        nameZh: ' ',
        nameEn: '',
        categoryId: drinks(),
        approvalPin: OWNER_PIN,
      }),
    ).toBe('INVALID_INPUT');
    expect(
      await code('catalog.saveProduct', {
        ...newProduct,
        sku: 'TEA 102',
        barcode: null,
        categoryId: drinks(),
        approvalPin: OWNER_PIN,
      }),
    ).toBe('INVALID_INPUT');
    expect(
      await code('catalog.saveProduct', {
        ...newProduct,
        sku: 'TEA-102',
        barcode: null,
        categoryId: 999,
        approvalPin: OWNER_PIN,
      }),
    ).toBe('UNKNOWN_CATEGORY');
  });

  it('SKU unique (any case, retired too); barcode valid and unique among products for sale, never another SKU', async () => {
    await setup();
    const base = { ...newProduct, categoryId: drinks(), approvalPin: OWNER_PIN };
    const err = async (input: unknown) => {
      const r = await dispatch('catalog.saveProduct', input);
      return r.ok ? null : r.error;
    };
    expect(await err({ ...base, sku: 'dri-001' })).toMatchObject({
      code: 'SKU_TAKEN',
      details: { otherSku: 'DRI-001', retired: false },
    });
    expect(await err({ ...base, barcode: '6901939621608' })).toMatchObject({
      code: 'BARCODE_TAKEN',
      details: { otherSku: 'DRI-001' },
    });
    expect(await err({ ...base, barcode: '6900000000019' })).toMatchObject({
      code: 'INVALID_BARCODE',
      details: { reason: 'check_digit', expected: 4 },
    });
    expect(await err({ ...base, barcode: '6.90194E+12' })).toMatchObject({
      code: 'INVALID_BARCODE',
      details: { reason: 'excel_number' },
    });
    expect(await err({ ...base, barcode: 'ab' })).toMatchObject({
      code: 'INVALID_BARCODE',
      details: { reason: 'format' },
    });
    expect(await err({ ...base, barcode: 'DRI-002' })).toMatchObject({
      code: 'BARCODE_TAKEN',
      details: { otherSku: 'DRI-002' },
    });
    expect(await err({ ...base, sku: '6901939621608' })).toMatchObject({
      code: 'SKU_TAKEN',
      details: { otherSku: 'DRI-001' },
    });
    // EAN-8, UPC-A and a shop's own code are fine
    for (const [sku, barcode] of [
      ['T-1', '96385074'],
      ['T-2', '036000291452'],
      ['T-3', 'SHOP-0001'],
    ]) {
      expect((await call<ProductSaved>('catalog.saveProduct', { ...base, sku, barcode })).product.barcode).toBe(
        barcode,
      );
    }
    // a retired product's SKU stays taken (bring it back instead); its barcode passes to a product for sale
    const cola = bySku('DRI-001');
    await call('catalog.setActive', { productId: cola.id, active: false, approvalPin: OWNER_PIN });
    expect(await err({ ...base, sku: 'DRI-001' })).toMatchObject({ code: 'SKU_TAKEN', details: { retired: true } });
    const taken = await call<ProductSaved>('catalog.saveProduct', { ...base, barcode: '6901939621608' });
    expect(taken.barcodeFrom).toEqual({ id: cola.id, sku: 'DRI-001' });
    expect((await admin('DRI-001')).barcode).toBeNull();
    expect(t.core.audit.list({ action: 'catalog.product.update' })[0]).toMatchObject({
      subject: 'product:DRI-001',
      before: { barcode: '6901939621608' },
      after: { barcode: null },
    });
    expect(t.core.catalog.findByCode('6901939621608')?.sku).toBe('TEA-100');
  });

  it('retire: gone from the grid, search and scan, kept in past orders; brought back it sells again', async () => {
    await setup();
    const paid = await sellCash('SNA-001', 1);
    const chips = bySku('SNA-001');
    must(await dispatch('cart.add', { productId: chips.id }));
    const retired = await call<CatalogueProduct>('catalog.setActive', {
      productId: chips.id,
      active: false,
      approvalPin: OWNER_PIN,
    });
    expect(retired).toMatchObject({ active: false });
    expect((await call<Product[]>('catalog.products', { categoryId: null })).some((p) => p.sku === 'SNA-001')).toBe(
      false,
    );
    expect((await call<Product[]>('catalog.search', { query: 'SNA-001' })).length).toBe(0);
    expect((await call<Product[]>('catalog.search', { query: chips.nameEn })).some((p) => p.sku === 'SNA-001')).toBe(
      false,
    );
    expect(await code('cart.scan', { code: chips.barcode })).toBe('UNKNOWN_BARCODE');
    expect(await code('cart.add', { productId: chips.id })).toBe('PRODUCT_RETIRED');
    expect(t.core.catalog.categories().find((c) => c.id === chips.categoryId)!.productCount).toBe(
      (await call<CatalogueCategory[]>('catalog.adminCategories', { approvalPin: OWNER_PIN })).find(
        (c) => c.id === chips.categoryId,
      )!.activeCount,
    );
    expect(t.core.orders.get(paid.order.id).lines[0]).toMatchObject({ sku: 'SNA-001', nameEn: chips.nameEn });
    expect(
      (await call<CatalogueList>('catalog.adminProducts', { status: 'retired', approvalPin: OWNER_PIN })).products.map(
        (p) => p.sku,
      ),
    ).toEqual(['SNA-001']);
    expect(t.core.audit.list({ action: 'catalog.product.retire' })[0]).toMatchObject({
      subject: 'product:SNA-001',
      before: { active: true },
      after: { active: false },
    });

    await call('catalog.setActive', { productId: chips.id, active: true, approvalPin: OWNER_PIN });
    expect((await call<CartView>('cart.scan', { code: chips.barcode })).lines.some((l) => l.sku === 'SNA-001')).toBe(
      true,
    );
    expect(t.core.audit.list({ action: 'catalog.product.unretire' })).toHaveLength(1);
  });

  it('the owner list: search by name, pinyin, SKU and barcode; filter by category and status', async () => {
    await setup();
    const list = (input: Record<string, unknown>) =>
      call<CatalogueList>('catalog.adminProducts', { ...input, approvalPin: OWNER_PIN });
    expect((await list({ query: 'kkkl' })).products[0]?.sku).toBe('DRI-001');
    expect((await list({ query: '6901939621608' })).products.map((p) => p.sku)).toEqual(['DRI-001']);
    expect((await list({ query: '可口' })).products[0]?.sku).toBe('DRI-001');
    expect((await list({ query: '%' })).total).toBe(0);
    const all = await list({ limit: 5 });
    expect(all.products).toHaveLength(5);
    expect(all.total).toBe(68);
    expect((await list({ categoryId: drinks() })).products.every((p) => p.categoryCode === 'drinks')).toBe(true);
  });
});

describe('categories', () => {
  it('add, rename, recolour and reorder; codes unique; the sell screen tabs follow', async () => {
    await setup();
    const seen = events();
    const tea = await call<CatalogueCategory>('catalog.saveCategory', {
      code: 'tea',
      nameZh: '茶叶',
      nameEn: 'Tea',
      color: '#00AA00',
      approvalPin: OWNER_PIN,
    });
    expect(tea).toMatchObject({ code: 'tea', color: '#00aa00', activeCount: 0, sort: 8 });
    expect(
      await code('catalog.saveCategory', {
        code: 'tea',
        nameZh: '茶',
        nameEn: 'Tea 2',
        color: '#000000',
        approvalPin: OWNER_PIN,
      }),
    ).toBe('CATEGORY_CODE_TAKEN');
    const renamed = await call<CatalogueCategory>('catalog.saveCategory', {
      id: tea.id,
      code: 'tea',
      nameZh: '茶',
      nameEn: 'Teas',
      color: '#123456',
      approvalPin: OWNER_PIN,
    });
    expect(renamed).toMatchObject({ nameZh: '茶', nameEn: 'Teas', color: '#123456' });
    const ids = (await call<CatalogueCategory[]>('catalog.adminCategories', { approvalPin: OWNER_PIN })).map(
      (c) => c.id,
    );
    const reordered = await call<CatalogueCategory[]>('catalog.reorderCategories', {
      ids: [tea.id, ...ids.filter((i) => i !== tea.id)],
      approvalPin: OWNER_PIN,
    });
    expect(reordered[0]?.code).toBe('tea');
    expect(t.core.catalog.categories()[0]).toMatchObject({ code: 'tea', nameEn: 'Teas' });
    expect(await code('catalog.reorderCategories', { ids: ids.slice(1), approvalPin: OWNER_PIN })).toBe(
      'INVALID_INPUT',
    );
    expect(t.core.audit.list({ action: 'catalog.category.reorder' })).toHaveLength(1);
    expect(seen.filter((e) => e.name === 'catalog.changed').map((e) => e.payload)).toEqual([
      { kind: 'categories' },
      { kind: 'categories' },
      { kind: 'categories' },
    ]);
  });
});

describe('stock', () => {
  const trade = (amountFen: number): Trade => ({ tradeNo: 'T1', amountFen, paidAt: null, buyer: null });

  it('a cash sale takes stock; the owner adjusts by a delta or to a count, with a reason, audited; it may go negative', async () => {
    await setup();
    const cola = bySku('DRI-001');
    const seen = events();
    await call('catalog.adjustStock', {
      productId: cola.id,
      mode: 'delta',
      value: 24,
      reason: 'delivery from the wholesaler',
      approvalPin: OWNER_PIN,
    });
    expect(seen.map((e) => e.payload)).toContainEqual({ kind: 'stock' });
    const paid = await sellCash('DRI-001', 3);
    expect((await admin('DRI-001')).stock).toBe(21);
    await call('catalog.adjustStock', {
      productId: cola.id,
      mode: 'count',
      value: 20,
      reason: 'counted the shelf',
      approvalPin: OWNER_PIN,
    });
    expect((await admin('DRI-001')).stock).toBe(20);
    await sellCash('DRI-001', 25);
    expect((await admin('DRI-001')).stock).toBe(-5);
    const moves = await call<StockMoveView[]>('catalog.stockMoves', { productId: cola.id, approvalPin: OWNER_PIN });
    expect(moves.map((m) => [m.reason, m.delta, m.stockAfter, m.orderNumber])).toEqual([
      ['sale', -25, -5, expect.stringMatching(/-0002$/)],
      ['adjustment', -1, 20, null],
      ['sale', -3, 21, paid.order.number],
      ['adjustment', 24, 24, null],
    ]);
    expect(moves[2]).toMatchObject({ actor: '收银员 01', orderId: paid.order.id });
    expect(t.core.audit.list({ action: 'stock.count' })[0]).toMatchObject({
      before: { stock: 21 },
      after: { stock: 20 },
      note: 'counted the shelf',
      approvedBy: '店长',
    });
    expect(
      await code('catalog.adjustStock', {
        productId: cola.id,
        mode: 'delta',
        value: 0,
        reason: 'nothing',
        approvalPin: OWNER_PIN,
      }),
    ).toBe('INVALID_INPUT');
    expect(
      await code('catalog.adjustStock', {
        productId: cola.id,
        mode: 'delta',
        value: 1,
        reason: 'x',
        approvalPin: OWNER_PIN,
      }),
    ).toBe('INVALID_INPUT');
    expect(
      await code('catalog.adjustStock', {
        productId: cola.id,
        mode: 'delta',
        value: 1,
        reason: '到货',
        approvalPin: OWNER_PIN,
      }),
    ).toBe('ok');
  });

  it('an intermediary payment takes stock when the order becomes paid, not before', async () => {
    await setup();
    const cola = bySku('DRI-001');
    t.core.carts.add(cola.id, 2);
    const order = t.core.orders.confirm();
    const a = await t.core.payments.start({ orderId: order.id, provider: 'alipay', mode: 'qr' });
    expect((await admin('DRI-001')).stock).toBe(0);
    t.clock.advance(1_000);
    alipay.then('query', { kind: 'paid', trade: trade(order.totalFen) });
    await t.core.payments.runDue();
    expect(t.core.payments.view(a.id).state).toBe('paid');
    expect((await admin('DRI-001')).stock).toBe(-2);
    expect(
      (await call<StockMoveView[]>('catalog.stockMoves', { productId: cola.id, approvalPin: OWNER_PIN }))[0],
    ).toMatchObject({ reason: 'sale', delta: -2, orderId: order.id });
  });

  it('refunds.create: a refund by line with restock puts those items back; in full without restock, nothing', async () => {
    await setup();
    const cola = bySku('DRI-001');
    must(await dispatch('cart.add', { productId: cola.id, qty: 4 }));
    const order = await call<{ id: number; totalFen: number }>('checkout.confirm', {});
    await call<PaidOrder>('checkout.payCash', { orderId: order.id, tenderedFen: order.totalFen });
    expect((await admin('DRI-001')).stock).toBe(-4);
    const refund = (input: object) =>
      call('refunds.create', { orderId: order.id, reason: 'customer returned it', approvalPin: OWNER_PIN, ...input });
    await refund({ kind: 'lines', lines: [{ lineNo: 1, qty: 1 }], restock: true, requestKey: 'catalogue-test-1' });
    expect((await admin('DRI-001')).stock).toBe(-3);
    await refund({ kind: 'full', restock: false, requestKey: 'catalogue-test-2' });
    expect((await admin('DRI-001')).stock).toBe(-3);
    expect(
      (await call<StockMoveView[]>('catalog.stockMoves', { productId: cola.id, approvalPin: OWNER_PIN })).map((m) => [
        m.reason,
        m.delta,
      ]),
    ).toEqual([
      ['refund_restock', 1],
      ['sale', -4],
    ]);
  });

  it('a refund with restock puts the refunded items back when it succeeds (cash at once, an intermediary on success); without restock it does not', async () => {
    await setup();
    const cola = bySku('DRI-001');
    const chips = bySku('SNA-001');
    // cash
    must(await dispatch('cart.add', { productId: cola.id, qty: 3 }));
    must(await dispatch('cart.add', { productId: chips.id, qty: 1 }));
    const cashOrder = await call<{ id: number; totalFen: number }>('checkout.confirm', {});
    const cashPaid = await call<PaidOrder>('checkout.payCash', {
      orderId: cashOrder.id,
      tenderedFen: cashOrder.totalFen,
    });
    expect([(await admin('DRI-001')).stock, (await admin('SNA-001')).stock]).toEqual([-3, -1]);
    const owner = await t.core.auth.authorize('owner', OWNER_PIN);
    const cashAttempt = t.core.store.sqlite
      .prepare('select id from payment_attempts where order_id = ?')
      .get(cashPaid.order.id) as { id: number };
    t.core.store.tx(() =>
      t.core.refunds.intent(
        {
          attemptId: cashAttempt.id,
          amountFen: 600,
          reason: 'two cans dented',
          lines: [{ lineNo: 1, qty: 2, amountFen: 600 }],
          restock: true,
        },
        owner,
      ),
    );
    expect((await admin('DRI-001')).stock).toBe(-1);
    t.core.store.tx(() =>
      t.core.refunds.intent(
        {
          attemptId: cashAttempt.id,
          amountFen: 750,
          reason: 'opened, thrown away',
          lines: [{ lineNo: 2, qty: 1, amountFen: 750 }],
          restock: false,
        },
        owner,
      ),
    );
    expect((await admin('SNA-001')).stock).toBe(-1);

    // intermediary: restocked only once the refund succeeds
    t.core.carts.add(cola.id, 2);
    const order = t.core.orders.confirm();
    await t.core.payments.start({ orderId: order.id, provider: 'alipay', mode: 'qr' });
    t.clock.advance(1_000);
    alipay.then('query', { kind: 'paid', trade: trade(order.totalFen) });
    await t.core.payments.runDue();
    expect((await admin('DRI-001')).stock).toBe(-3);
    const attempt = t.core.store.sqlite
      .prepare(`select id from payment_attempts where order_id = ? and state = 'paid'`)
      .get(order.id) as { id: number };
    const refundId = t.core.store.tx(() =>
      t.core.refunds.intent(
        {
          attemptId: attempt.id,
          amountFen: 300,
          reason: 'returned one',
          lines: [{ lineNo: 1, qty: 1, amountFen: 300 }],
          restock: true,
        },
        owner,
      ),
    );
    alipay.then('refund', { kind: 'accepted' });
    await t.core.refunds.send(refundId);
    expect((await admin('DRI-001')).stock).toBe(-3);
    alipay.then('refundQuery', { kind: 'succeeded', refundedFen: 300 });
    await t.core.refunds.send(refundId);
    expect(t.core.refunds.view(refundId).state).toBe('succeeded');
    expect((await admin('DRI-001')).stock).toBe(-2);
    expect(
      (await call<StockMoveView[]>('catalog.stockMoves', { productId: cola.id, approvalPin: OWNER_PIN }))[0],
    ).toMatchObject({ reason: 'refund_restock', delta: 1, refundId, actor: '收银员 01 (approved by 店长)' });
  });
});
