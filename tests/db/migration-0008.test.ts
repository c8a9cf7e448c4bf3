/**
 * Migration 0008-report-rollups: migrate to the migration before it, write a small history (cash and
 * intermediary sales, a refund by line and one by amount, a cancelled and an open order, a sale near
 * midnight), migrate to 0008, and check: the summary tables are backfilled to exactly what the
 * reference GROUP BY says, in the store's time zone from the settings; the triggers then follow new
 * sales and refunds; the rest of the data is untouched.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/main/core/clock';
import { referenceReport } from '../support/report-reference';
import { Reports } from '../../src/main/core/reports/reports';
import { openStore } from '../../src/main/store/db';
import { MIGRATION_NAMES } from '../../src/main/store/migrations';
import { tempDir } from '../support/temp';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

const THIS = '0008-report-rollups';
const BEFORE = MIGRATION_NAMES[MIGRATION_NAMES.indexOf(THIS) - 1]!;
const comparable = <T extends { timeZone: string; generatedAt: number }>(r: T) => ({
  ...r,
  timeZone: '',
  generatedAt: 0,
});

describe(THIS, () => {
  it('backfills the summary tables from existing sales and refunds, in the store time zone, then follows new ones by trigger', async () => {
    const t = tempDir('pos-db-0008-');
    cleanups.push(t.cleanup);
    let { store } = await openStore({ dataDir: t.dir, migrateTo: BEFORE });
    const db = () => store.sqlite;
    db().exec(`
      insert into settings (key, value) values ('store.timeZone', '"Asia/Shanghai"');
      insert into categories (code, name_zh, name_en, color, sort) values ('drinks', '饮料', 'Drinks', '#1e88e5', 1), ('snacks', '零食', 'Snacks', '#f4511e', 2);
      insert into products (sku, barcode, name_zh, name_en, pinyin, pinyin_initials, category_id, price_fen, unit, created_at, updated_at)
        values ('DRI-001', '1', '可乐', 'Cola', 'kele', 'kl', 1, 300, '', 0, 0), ('SNA-001', '2', '薯片', 'Chips', 'shupian', 'sp', 2, 650, '', 0, 0);
    `);
    const order = db().prepare(
      `insert into orders (number, business_day, seq, status, clerk, terminal, subtotal_fen, line_discount_fen, order_discount_fen, total_fen, item_count, created_at)
       values (?, ?, ?, ?, ?, 'T01', ?, ?, ?, ?, ?, ?)`,
    );
    const line = db().prepare(
      `insert into order_lines (order_id, line_no, product_id, sku, name_zh, name_en, unit_price_fen, qty, gross_fen, line_discount_fen, order_discount_share_fen, total_fen)
       values (?, ?, ?, 'x', 'x', 'x', ?, ?, ?, ?, ?, ?)`,
    );
    const attempt = db().prepare(
      `insert into payment_attempts (order_id, method, mode, out_trade_no, amount_fen, state, created_at, updated_at, paid_at) values (?, ?, ?, ?, ?, ?, 0, 0, 0)`,
    );
    const refund = db().prepare(
      `insert into refunds (order_id, attempt_id, refund_no, method, amount_fen, trade_fen, state, lines, requested_by, created_at, updated_at, finished_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, 'owner', ?, ?, ?)`,
    );
    // 1: cash, 2 colas and chips, a line discount; a cola refunded by line the next morning
    order.run(
      '20261126-0001',
      '2026-11-26',
      1,
      'partially_refunded',
      '收银员 01',
      1250,
      50,
      0,
      1200,
      3,
      Date.parse('2026-11-26T02:00:00Z'),
    );
    line.run(1, 1, 1, 300, 2, 600, 0, 0, 600);
    line.run(1, 2, 2, 650, 1, 650, 50, 0, 600);
    attempt.run(1, 'cash', 'cash', 'C1', 1200, 'partially_refunded');
    const morning = Date.parse('2026-11-27T01:30:00Z'); // 09:30 in Shanghai
    refund.run(
      1,
      1,
      'C1R1',
      'cash',
      300,
      1200,
      'succeeded',
      JSON.stringify([{ lineNo: 1, qty: 1, amountFen: 300 }]),
      morning,
      morning,
      morning,
    );
    // 2: Alipay QR at 23:59:30 Shanghai (15:59:30 UTC), refunded ¥1 by amount after midnight
    order.run(
      '20261126-0002',
      '2026-11-26',
      2,
      'partially_refunded',
      '店长',
      650,
      0,
      0,
      650,
      1,
      Date.parse('2026-11-26T15:59:30Z'),
    );
    line.run(2, 1, 2, 650, 1, 650, 0, 0, 650);
    attempt.run(2, 'alipay', 'qr', 'A1', 650, 'partially_refunded');
    const late = Date.parse('2026-11-26T16:00:30Z');
    refund.run(2, 2, 'A1R1', 'alipay', 100, 650, 'succeeded', null, late, late, late);
    // 3: cancelled; 4: open; 5: a refund that failed on a paid WeChat sale
    order.run(
      '20261126-0003',
      '2026-11-26',
      3,
      'cancelled',
      '店长',
      300,
      0,
      0,
      300,
      1,
      Date.parse('2026-11-26T03:00:00Z'),
    );
    line.run(3, 1, 1, 300, 1, 300, 0, 0, 300);
    order.run('20261126-0004', '2026-11-26', 4, 'open', '店长', 300, 0, 0, 300, 1, Date.parse('2026-11-26T04:00:00Z'));
    line.run(4, 1, 1, 300, 1, 300, 0, 0, 300);
    order.run(
      '20261126-0005',
      '2026-11-26',
      5,
      'paid',
      '收银员 01',
      300,
      0,
      30,
      270,
      1,
      Date.parse('2026-11-26T05:00:00Z'),
    );
    line.run(5, 1, 1, 300, 1, 300, 0, 30, 270);
    attempt.run(5, 'wechat', 'payment_code', 'W1', 270, 'paid');
    refund.run(5, 3, 'W1R1', 'wechat', 270, 270, 'failed', null, late, late, late);
    store.close();

    const next = await openStore({ dataDir: t.dir, migrateTo: THIS });
    store = next.store;
    expect(next.migration.applied).toEqual([THIS]);
    expect(next.migration.backup).not.toBeNull();
    // nothing else changed
    expect(db().prepare('select count(*) as n from orders').get()).toEqual({ n: 5 });
    expect(db().prepare(`select state from refunds order by id`).all()).toEqual([
      { state: 'succeeded' },
      { state: 'succeeded' },
      { state: 'failed' },
    ]);
    // the store's time zone from the settings, one offset for Shanghai
    expect(db().prepare('select value from report_meta where key = ?').get('timeZone')).toEqual({
      value: 'Asia/Shanghai',
    });
    expect(db().prepare('select offset_min from report_tz').all()).toEqual([{ offset_min: 480 }]);
    expect(
      db()
        .prepare(`select name from sqlite_master where type = 'trigger' and name like 'report_%' order by name`)
        .all(),
    ).toEqual([
      { name: 'report_holder_switch' },
      { name: 'report_order_paid' },
      { name: 'report_refund_inserted' },
      { name: 'report_refund_succeeded' },
      { name: 'report_refund_unsucceeded' },
    ]);

    const reports = new Reports(store, new ManualClock(0), () => 'Asia/Shanghai');
    expect(reports.syncTimeZone()).toBe(false);
    const day = reports.sales('2026-11-26', '2026-11-27');
    expect(comparable(day)).toEqual(comparable(referenceReport(store, '2026-11-26', '2026-11-27')));
    expect(day.summary).toMatchObject({
      orders: 3,
      items: 5,
      grossFen: 2200,
      discountFen: 80,
      salesFen: 2120,
      refundFen: 400,
      refunds: 2,
      refundItems: 1,
      netFen: 1720,
    });
    expect(day.byDay.map((d) => [d.day, d.orders, d.refundFen])).toEqual([
      ['2026-11-26', 3, 0],
      ['2026-11-27', 0, 400],
    ]);
    expect(day.byHour[23]).toMatchObject({ orders: 1, grossFen: 650 });
    expect(day.byHour[0]).toMatchObject({ refunds: 1, refundFen: 100 });
    expect(day.byMethod.map((m) => [m.method, m.mode, m.orders, m.refundFen])).toEqual([
      ['cash', 'cash', 1, 300],
      ['alipay', 'qr', 1, 100],
      ['wechat', 'payment_code', 1, 0],
    ]);
    expect(day.products.top.map((p) => [p.sku, p.qty, p.refundQty, p.netFen])).toEqual([
      ['SNA-001', 2, 0, 1250],
      ['DRI-001', 3, 1, 570],
    ]);
    expect(day.products.unallocatedRefundFen).toBe(100);

    // the triggers follow: the open order is paid in cash at 12:00
    db()
      .prepare(
        `insert into payment_attempts (order_id, method, mode, out_trade_no, amount_fen, state, created_at, updated_at, paid_at) values (4, 'cash', 'cash', 'C4', 300, 'paid', 0, 0, 0)`,
      )
      .run();
    db().prepare(`update orders set status = 'paid' where id = 4`).run();
    const after = reports.sales('2026-11-26', '2026-11-27');
    expect(after.summary.orders).toBe(4);
    expect(comparable(after)).toEqual(comparable(referenceReport(store, '2026-11-26', '2026-11-27')));
    store.close();
  });
});
