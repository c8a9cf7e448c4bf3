/**
 * Issue 9, defect 5: formula injection through the CSV exports. Whoever can name a product, a
 * category or a user, or write a note (or data that arrived by any other path: an import, an older
 * version), can plant `=HYPERLINK(…)` and its kin; a spreadsheet opening the export runs it. Every
 * export — sales report, order timeline, audit log, catalogue, the sales re-entered after a restore —
 * goes through one writer (core/platform/csv.ts)
 * that writes such text with a leading `'`, while numbers (a negative amount, a negative stock) stay
 * numbers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/main/core/catalogue/csv';
import { RECOVERY_TABLES, type RecoveredSet } from '../../src/main/core/data-safety/recovery';
import { recoveryCsv } from '../../src/main/core/data-safety/recovery-export';
import type { OrderView, ReportFile, TimelineExport } from '../../src/shared/types';
import { must, startCore, type TestCore } from '../support/core';

let t: TestCore;
afterEach(() => t?.close());

const OWNER = '8888';
/** the eight shapes a spreadsheet runs (or starts to run) as a formula */
const SHAPES = [
  '=1+1',
  '+1+1',
  '-1+1',
  '@SUM(1+1)',
  '\t=1+1',
  '\r=1+1',
  '=HYPERLINK("http://example.invalid/x","click")',
  '-2+3',
];
const SKUS = ['DRI-001', 'DRI-002', 'SNA-001', 'SNA-002', 'DRI-003', 'DRI-004', 'SNA-003', 'SNA-004'];
const DANGEROUS = /^[=+\-@\t\r]/;
const NUMBER = /^-?\d+(\.\d+)?$/;

const call = async <T>(method: string, input: unknown): Promise<T> => must(await t.core.dispatch(method, input)) as T;

function cells(content: string): string[] {
  return parseCsv(content.replace(/^\uFEFF/, '')).records.flatMap((r) => r.cells);
}

/** No cell starts like a formula unless it is a plain number; every shape is there, guarded. */
function expectNeutralised(content: string, shapes: readonly string[]): void {
  const all = cells(content);
  const live = all.filter((c) => DANGEROUS.test(c) && !NUMBER.test(c));
  expect(live).toEqual([]);
  for (const s of shapes) expect(all).toContain(`'${s}`);
}

/** Products, a category and the clerk named with every shape (as data from any path would be), each sold once, paid cash. */
async function plant(): Promise<{ order: OrderView }> {
  t = await startCore({ poll: false });
  const db = t.core.store.sqlite;
  SKUS.forEach((sku, i) =>
    db.prepare('update products set name_zh = ?, name_en = ? where sku = ?').run(SHAPES[i], SHAPES[i], sku),
  );
  db.prepare("update categories set name_zh = ?, name_en = ? where code = 'drinks'").run('=1+2', '@cat');
  db.prepare("update users set name = '@clerk' where role = 'clerk'").run();
  t.core.catalog.reload();
  let order!: OrderView;
  for (const sku of SKUS) {
    t.core.carts.add(t.core.catalog.findByCode(sku)!.id, 1);
    order = await call<OrderView>('checkout.confirm', {});
    await call('checkout.payCash', { orderId: order.id, tenderedFen: order.totalFen });
  }
  // a refund by amount: the report shows it as a negative amount, which must stay a number
  await call('refunds.create', {
    orderId: order.id,
    kind: 'amount',
    amountFen: 100,
    restock: false,
    reason: 'price match',
    requestKey: 'req-000000001',
    approvalPin: OWNER,
  });
  // the exports are the owner's: the owner signs in to take them
  const owner = t.core.auth.users().find((u) => u.role === 'owner')!;
  await call('auth.login', { userId: owner.id, pin: OWNER });
  return { order };
}

describe('every CSV export neutralises formulas and keeps numbers numbers', () => {
  it('the sales report', async () => {
    await plant();
    const file = await call<ReportFile>('reports.exportCsv', {
      from: '2026-11-26',
      to: '2026-11-26',
      approvalPin: OWNER,
    });
    expect(file.content.startsWith('\uFEFF')).toBe(true);
    expectNeutralised(file.content, [...SHAPES, '=1+2', '@cat', '@clerk']);
    const unallocated = parseCsv(file.content.slice(1)).records.find(
      (r) => r.cells[2] === 'Refunds by amount (no product)',
    )!;
    expect(unallocated.cells[11]).toBe('-1.00');
  });

  it('the catalogue', async () => {
    await plant();
    const file = await call<{ content: string }>('catalog.exportCsv', {});
    expectNeutralised(file.content, SHAPES);
    // stock went below zero with the sales: -1 is written as a number
    const row = parseCsv(file.content.slice(1)).records.find((r) => r.cells[0] === 'DRI-001')!;
    expect(row.cells.slice(2, 4)).toEqual(["'=1+1", "'=1+1"]);
    expect(row.cells[8]).toBe('-1');
  });

  it('the audit log', async () => {
    await plant();
    t.core.store.tx(() => {
      for (const s of SHAPES) t.core.audit.record(t.core.auth.current(), 'test.note', s, { note: s });
    });
    const file = await call<{ content: string }>('audit.export', { approvalPin: OWNER });
    expectNeutralised(file.content, [...SHAPES, '@clerk']);
  });

  it("an order's payment timeline", async () => {
    const { order } = await plant();
    const insert = t.core.store.sqlite.prepare(
      'insert into payment_journal (order_id, attempt_id, at, kind, from_state, to_state, detail) values (?, null, 0, ?, ?, null, null)',
    );
    for (const s of SHAPES) insert.run(order.id, s, s);
    const file = await call<TimelineExport>('orders.exportTimeline', { orderId: order.id, format: 'csv' });
    expect(file.content.startsWith('\uFEFF')).toBe(false);
    expectNeutralised(file.content, SHAPES);
  });

  it('the sales re-entered after a restore (the export the owner keeps)', () => {
    const rows = {} as RecoveredSet['rows'];
    const backupMaxIds = {} as RecoveredSet['backupMaxIds'];
    for (const t of RECOVERY_TABLES) {
      rows[t] = { inserted: [], updated: [] };
      backupMaxIds[t] = 0;
    }
    SHAPES.forEach((s, i) => {
      rows.orders.inserted.push({
        id: i + 1,
        number: s,
        created_at: 0,
        total_fen: -150,
        status: s,
        item_count: 1,
        clerk: s,
      });
      rows.order_lines.inserted.push({
        id: i + 1,
        sku: s,
        order_id: i + 1,
        total_fen: 300,
        qty: 1,
        name_zh: s,
        name_en: s,
      });
    });
    const content = recoveryCsv({
      backupMaxIds,
      rows,
      dayCounters: [],
      sequences: [],
      unreadable: [{ table: 'orders', id: 99, error: '@SUM(1+1)' }],
    });
    expect(content.startsWith('\uFEFF')).toBe(true);
    expectNeutralised(content, SHAPES);
    // an amount is written as a number, a negative one too
    const order = parseCsv(content.slice(1)).records.find((r) => r.cells[0] === 'order')!;
    expect(order.cells[5]).toBe('-1.50');
  });
});
