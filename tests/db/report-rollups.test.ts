/**
 * The report summary tables (migration 0008) against the reference GROUP BY over the raw tables, on
 * random store histories written straight in SQL the way the core writes them: orders left open,
 * cancelled, paid in cash or through an intermediary, paid after a cancel (late money accepted),
 * paid twice (the double payment refunded, or kept with the cash given back); refunds in full, by
 * line and by amount, at once (cash) or followed to their end (intermediary), some failing, some
 * with malformed lines; discounts on lines and orders; instants around midnight and around the
 * daylight-saving changes of New York. For each history: every range's report equals the reference,
 * the store-time hours and days agree with Intl, and a rebuild from scratch gives the same rows.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { businessDay } from '../../src/main/core/clock';
import { referenceReport } from '../support/report-reference';
import { addDays } from '../../src/main/core/reports/reports';
import type { Store } from '../../src/main/store/db';
import { REPORT_TABLES } from '../../src/main/store/migrations/0008-report-rollups';
import type { SalesReport } from '../../src/shared/types';
import { history, rng, world as makeWorld, type World } from '../support/report-history';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});
const world = (zone: string) => makeWorld(zone, cleanups);

const comparable = (r: SalesReport) => ({ ...r, timeZone: '', generatedAt: 0 });

function snapshot(store: Store): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const t of REPORT_TABLES) {
    const rows = store.sqlite.prepare(`select * from ${t} order by 1, 2, 3`).all() as Record<string, unknown>[];
    out[t] = rows.filter((r) =>
      Object.entries(r).some(([k, v]) => typeof v === 'number' && v !== 0 && !['hour', 'product_id'].includes(k)),
    );
  }
  return out;
}

/** The store-time day and hour of each sale and refund, by Intl, against the report. */
function checkLocalTime(w: World, from: string, to: string, report: SalesReport): void {
  const hour = new Intl.DateTimeFormat('en-GB', { timeZone: w.zone, hour: '2-digit', hourCycle: 'h23' });
  const h = (t: number) => Number(hour.format(new Date(t)));
  const sales = w.store.sqlite
    .prepare(
      `select business_day as day, created_at as t from orders where status in ('paid', 'partially_refunded', 'refunded') and business_day between ? and ?`,
    )
    .all(from, to) as { day: string; t: number }[];
  const byHour = new Array<number>(24).fill(0);
  for (const s of sales) {
    expect(businessDay(s.t, w.zone)).toBe(s.day);
    byHour[h(s.t)]! += 1;
  }
  expect(report.byHour.map((x) => x.orders)).toEqual(byHour);
  // refunds that count: by their store-time day by Intl
  const refunds = w.store.sqlite
    .prepare(
      `select r.amount_fen as fen, r.finished_at as t from refunds r join orders o on o.id = r.order_id
       where r.state = 'succeeded' and o.status in ('paid', 'partially_refunded', 'refunded')
         and r.attempt_id = (select x.id from payment_attempts x where x.order_id = r.order_id and x.state in ('paid', 'partially_refunded', 'refunded')
                             order by x.state = 'refunded', x.paid_at desc, x.id desc limit 1)`,
    )
    .all() as { fen: number; t: number }[];
  const byDay = new Map<string, number>();
  for (const r of refunds) {
    const d = businessDay(r.t, w.zone);
    if (d >= from && d <= to) byDay.set(d, (byDay.get(d) ?? 0) + r.fen);
  }
  for (const d of report.byDay) expect([d.day, d.refundFen]).toEqual([d.day, byDay.get(d.day) ?? 0]);
}

describe('report rollups against the reference GROUP BY', () => {
  for (const zone of ['Asia/Shanghai', 'America/New_York']) {
    it(`agree on random histories (${zone}), for every range, by Intl's clock too; a rebuild gives the same rows`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 2 ** 31 - 1 }),
          fc.integer({ min: 1, max: 12 }),
          async (seed, top) => {
            const w = await world(zone);
            history(w, seed, 70);
            const days = w.store.sqlite
              .prepare('select min(business_day) as a, max(business_day) as b from orders')
              .get() as { a: string; b: string };
            const first = addDays(days.a, -1);
            const last = addDays(days.b, 3);
            const random = rng(seed ^ 0x5bd1e995);
            const ranges: [string, string][] = [[first, last]];
            for (let i = 0; i < 6; i++) {
              const a = addDays(first, Math.floor(random() * 6));
              ranges.push([a, addDays(a, Math.floor(random() * 4))]);
            }
            for (const [from, to] of ranges) {
              const got = w.reports.sales(from, to, top);
              expect(comparable(got)).toEqual(comparable(referenceReport(w.store, from, to, top)));
              checkLocalTime(w, from, to, got);
            }
            const before = snapshot(w.store);
            w.reports.rebuild();
            expect(snapshot(w.store)).toEqual(before);
          },
        ),
        { numRuns: 12 },
      );
    }, 120_000);
  }

  it('a month split: whole months from month rows and the days around them agree with the reference', async () => {
    const w = await world('Asia/Shanghai');
    const db = w.store.sqlite;
    const random = rng(7);
    // one cash sale a day for 70 days from 2026-01-20, some refunded by line the next day
    const start = Date.parse('2026-01-20T04:00:00Z');
    for (let d = 0; d < 70; d++) {
      const t = start + d * 86_400_000;
      const day = businessDay(t, w.zone);
      const p = w.products[d % w.products.length]!;
      const qty = 1 + (d % 3);
      const o = Number(
        db
          .prepare(
            `insert into orders (number, business_day, seq, status, clerk, terminal, subtotal_fen, line_discount_fen, order_discount_fen, total_fen, item_count, created_at)
             values (?, ?, 1, 'open', 'c', 'T01', ?, 0, 0, ?, ?, ?)`,
          )
          .run(`N${d}`, day, p.price * qty, p.price * qty, qty, t).lastInsertRowid,
      );
      db.prepare(
        `insert into order_lines (order_id, line_no, product_id, sku, name_zh, name_en, unit_price_fen, qty, gross_fen, line_discount_fen, order_discount_share_fen, total_fen)
         values (?, 1, ?, 'S', '甲', 'A', ?, ?, ?, 0, 0, ?)`,
      ).run(o, p.id, p.price, qty, p.price * qty, p.price * qty);
      const a = Number(
        db
          .prepare(
            `insert into payment_attempts (order_id, method, mode, out_trade_no, amount_fen, state, created_at, updated_at, paid_at) values (?, 'cash', 'cash', ?, ?, 'paid', ?, ?, ?)`,
          )
          .run(o, `C${d}`, p.price * qty, t, t, t).lastInsertRowid,
      );
      db.prepare(`update orders set status = 'paid' where id = ?`).run(o);
      if (random() < 0.4) {
        const rt = t + 86_400_000;
        db.prepare(
          `insert into refunds (order_id, attempt_id, refund_no, method, amount_fen, trade_fen, state, lines, requested_by, created_at, updated_at, finished_at)
           values (?, ?, ?, 'cash', ?, ?, 'succeeded', ?, 'owner', ?, ?, ?)`,
        ).run(
          o,
          a,
          `R${d}`,
          p.price,
          p.price * qty,
          JSON.stringify([{ lineNo: 1, qty: 1, amountFen: p.price }]),
          rt,
          rt,
          rt,
        );
      }
    }
    for (const [from, to] of [
      ['2026-01-15', '2026-04-10'],
      ['2026-02-01', '2026-02-28'],
      ['2026-02-01', '2026-03-31'],
      ['2026-01-31', '2026-03-01'],
      ['2026-03-05', '2026-03-05'],
    ] as const) {
      expect(comparable(w.reports.sales(from, to, 5))).toEqual(comparable(referenceReport(w.store, from, to, 5)));
    }
  });

  it('a malformed refund line never blocks the refund and counts against no product', async () => {
    const w = await world('Asia/Shanghai');
    const db = w.store.sqlite;
    const p = w.products[0]!;
    db.prepare(
      `insert into orders (number, business_day, seq, status, clerk, terminal, subtotal_fen, line_discount_fen, order_discount_fen, total_fen, item_count, created_at)
       values ('N1', '2026-11-26', 1, 'open', 'c', 'T01', ?, 0, 0, ?, 1, ?)`,
    ).run(p.price, p.price, Date.parse('2026-11-26T02:00:00Z'));
    db.prepare(
      `insert into order_lines (order_id, line_no, product_id, sku, name_zh, name_en, unit_price_fen, qty, gross_fen, line_discount_fen, order_discount_share_fen, total_fen)
       values (1, 1, ?, 'S', '甲', 'A', ?, 1, ?, 0, 0, ?)`,
    ).run(p.id, p.price, p.price, p.price);
    db.prepare(
      `insert into payment_attempts (order_id, method, mode, out_trade_no, amount_fen, state, created_at, updated_at) values (1, 'cash', 'cash', 'C1', ?, 'paid', 0, 0)`,
    ).run(p.price);
    db.prepare(`update orders set status = 'paid' where id = 1`).run();
    const t = Date.parse('2026-11-26T03:00:00Z');
    for (const [i, lines] of ['{oops', '[{"lineNo": 1, "qty": "many"}]', '"text"'].entries()) {
      db.prepare(
        `insert into refunds (order_id, attempt_id, refund_no, method, amount_fen, trade_fen, state, lines, requested_by, created_at, updated_at, finished_at)
         values (1, 1, ?, 'cash', 1, ?, 'succeeded', ?, 'owner', ?, ?, ?)`,
      ).run(`R${i}`, p.price, lines, t, t, t);
    }
    const r = w.reports.sales('2026-11-26', '2026-11-26');
    expect(r.summary).toMatchObject({ refunds: 3, refundFen: 3, refundItems: 0 });
    expect(r.products.unallocatedRefundFen).toBe(3);
    expect(r.products.top[0]).toMatchObject({ productId: p.id, refundFen: 0 });
  });
});
