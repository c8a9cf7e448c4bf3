/**
 * Random store histories written straight in SQL the way the core writes them (see
 * tests/db/report-rollups.test.ts), for the report rollup tests.
 */
import { businessDay, ManualClock } from '../../src/main/core/clock';
import { Reports } from '../../src/main/core/reports/reports';
import { DEMO_CATALOGUE, importCatalogue } from '../../src/main/core/catalogue/seed';
import { openStore, type Store } from '../../src/main/store/db';
import { tempDir } from './temp';

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface World {
  store: Store;
  reports: Reports;
  zone: string;
  products: { id: number; price: number }[];
}

export async function world(zone: string, cleanups: (() => void)[]): Promise<World> {
  const t = tempDir('pos-rollups-');
  const { store } = await openStore({ dataDir: t.dir });
  cleanups.push(() => {
    store.close();
    t.cleanup();
  });
  importCatalogue(store, DEMO_CATALOGUE, 0, () => ({ pinyin: 'x', initials: 'x' }));
  const reports = new Reports(store, new ManualClock(0), () => zone);
  reports.syncTimeZone();
  const products = (
    store.sqlite.prepare('select id, price_fen as price from products order by id').all() as {
      id: number;
      price: number;
    }[]
  ).slice(0, 12);
  return { store, reports, zone, products };
}

/** Instants to sell at: around the window's midnights and DST changes, and anywhere in between. */
function instants(zone: string, random: () => number): () => number {
  const start = zone === 'America/New_York' ? Date.parse('2026-03-06T00:00:00Z') : Date.parse('2026-11-25T00:00:00Z');
  const span = 5 * 86_400_000;
  const specials = [
    Date.parse('2026-03-08T07:00:00Z'),
    Date.parse('2026-03-08T06:59:59Z'),
    Date.parse('2026-11-26T16:00:00Z'),
    Date.parse('2026-11-26T15:59:59.999Z'),
  ];
  return () => {
    const x = random();
    if (x < 0.3) {
      // within a minute of a local midnight
      const day = businessDay(start + Math.floor(random() * 5) * 86_400_000, zone);
      const midnight = localMidnight(day, zone);
      return midnight + Math.floor((random() - 0.5) * 120_000);
    }
    if (x < 0.4) return specials[Math.floor(random() * specials.length)]! + Math.floor((random() - 0.5) * 4_000);
    return start + Math.floor(random() * span);
  };
}

function localMidnight(day: string, zone: string): number {
  // the first instant whose business day is `day`
  let lo = Date.parse(`${day}T00:00:00Z`) - 15 * 3_600_000;
  let hi = Date.parse(`${day}T00:00:00Z`) + 15 * 3_600_000;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (businessDay(mid, zone) >= day) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Writes one random history the way the core writes it (same tables, same order of updates). */
export function history(w: World, seed: number, orders: number): void {
  const random = rng(seed);
  const when = instants(w.zone, random);
  const db = w.store.sqlite;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const insOrder = db.prepare(
    `insert into orders (number, business_day, seq, status, clerk, terminal, subtotal_fen, line_discount_fen, order_discount_fen, total_fen, item_count, created_at)
     values (?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insLine = db.prepare(
    `insert into order_lines (order_id, line_no, product_id, sku, name_zh, name_en, unit_price_fen, qty, gross_fen, line_discount_fen, order_discount_share_fen, total_fen)
     values (?, ?, ?, 'S', '甲', 'A', ?, ?, ?, ?, ?, ?)`,
  );
  let trade = 0;
  const insAttempt = db.prepare(
    `insert into payment_attempts (order_id, method, mode, out_trade_no, amount_fen, state, created_at, updated_at, paid_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const attemptState = db.prepare(`update payment_attempts set state = ?, updated_at = ? where id = ?`);
  const attemptPaid = db.prepare(
    `update payment_attempts set state = 'paid', updated_at = ?, paid_at = ? where id = ?`,
  );
  const orderStatus = db.prepare(`update orders set status = ? where id = ?`);
  let refundNo = 0;
  const insRefund = db.prepare(
    `insert into refunds (order_id, attempt_id, refund_no, method, amount_fen, trade_fen, state, lines, requested_by, created_at, updated_at, finished_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, 'owner', ?, ?, ?)`,
  );
  const refundState = db.prepare(`update refunds set state = ?, updated_at = ?, finished_at = ? where id = ?`);
  const seqs = new Map<string, number>();

  for (let n = 0; n < orders; n++) {
    const created = when();
    const day = businessDay(created, w.zone);
    const seq = (seqs.get(day) ?? 0) + 1;
    seqs.set(day, seq);
    const lineCount = 1 + Math.floor(random() * 4);
    const chosen = [...new Set(Array.from({ length: lineCount }, () => pick(w.products)))];
    let subtotal = 0;
    let lineDisc = 0;
    const lines = chosen.map((p, i) => {
      const qty = 1 + Math.floor(random() * 3);
      const gross = p.price * qty;
      const disc = random() < 0.2 ? Math.floor(gross * random() * 0.3) : 0;
      subtotal += gross;
      lineDisc += disc;
      return { lineNo: i + 1, productId: p.id, price: p.price, qty, gross, disc, share: 0, total: gross - disc };
    });
    let orderDisc = 0;
    if (random() < 0.15) {
      for (const l of lines) {
        const share = Math.floor(l.total * 0.1);
        l.share = share;
        l.total -= share;
        orderDisc += share;
      }
    }
    const total = subtotal - lineDisc - orderDisc;
    const items = lines.reduce((s, l) => s + l.qty, 0);
    const clerk = pick(['收银员 01', '收银员 02', '店长']);
    const terminal = pick(['T01', 'T02']);
    const orderId = Number(
      insOrder.run(
        `${day.replaceAll('-', '')}-${String(seq).padStart(4, '0')}`,
        day,
        seq,
        clerk,
        terminal,
        subtotal,
        lineDisc,
        orderDisc,
        total,
        items,
        created,
      ).lastInsertRowid,
    );
    for (const l of lines)
      insLine.run(orderId, l.lineNo, l.productId, l.price, l.qty, l.gross, l.disc, l.share, l.total);

    const attempt = (method: string, mode: string, state: string, t: number) =>
      Number(
        insAttempt.run(orderId, method, mode, `OT${++trade}`, total, state, t, t, state === 'paid' ? t : null)
          .lastInsertRowid,
      );
    const later = (t: number) => t + Math.floor(random() * 2 * 86_400_000 * (random() < 0.5 ? 0.02 : 1));
    const flow = random();
    let holder: { id: number; method: string } | null = null;
    if (flow < 0.1) continue; // left open
    if (flow < 0.18) {
      orderStatus.run('cancelled', orderId);
      continue;
    }
    if (flow < 0.55) {
      holder = { id: attempt('cash', 'cash', 'paid', created + 1000), method: 'cash' };
      orderStatus.run('paid', orderId);
    } else if (flow < 0.82) {
      const [method, mode] = pick([
        ['alipay', 'qr'],
        ['alipay', 'payment_code'],
        ['wechat', 'qr'],
        ['wechat', 'payment_code'],
        ['yeepay', 'redirect'],
      ] as const);
      const id = attempt(method, mode, 'pending', created + 500);
      attemptPaid.run(created + 2000, created + 2000, id);
      orderStatus.run('paid', orderId);
      holder = { id, method };
    } else if (flow < 0.88) {
      // late money accepted onto a cancelled order
      const id = attempt('alipay', 'qr', 'pending', created + 500);
      attemptState.run('closed', created + 200_000, id);
      orderStatus.run('cancelled', orderId);
      attemptPaid.run(created + 900_000, created + 900_000, id);
      orderStatus.run('paid', orderId);
      holder = { id, method: 'alipay' };
    } else {
      // paid twice: a WeChat payment still closing, and cash
      const wx = attempt('wechat', 'qr', 'pending', created + 500);
      const cash = attempt('cash', 'cash', 'paid', created + 60_000);
      orderStatus.run('paid', orderId);
      const t = later(created + 120_000);
      if (random() < 0.5) {
        // kept: the cash goes back from the drawer, the WeChat payment becomes the order's
        insRefund.run(orderId, cash, `R${++refundNo}`, 'cash', total, total, 'succeeded', null, t, t, t);
        attemptState.run('refunded', t, cash);
        orderStatus.run('refunded', orderId);
        attemptPaid.run(t, t, wx);
        orderStatus.run('paid', orderId);
        holder = { id: wx, method: 'wechat' };
      } else {
        // refunded: the WeChat money goes back; it never was the sale
        const r = Number(
          insRefund.run(orderId, wx, `R${++refundNo}`, 'wechat', total, total, 'requested', null, t, t, null)
            .lastInsertRowid,
        );
        refundState.run('succeeded', t + 5000, t + 5000, r);
        attemptState.run('closed', t + 5000, wx);
        holder = { id: cash, method: 'cash' };
      }
    }

    // refunds of the sale
    let refunded = 0;
    const left = lines.map((l) => ({ ...l, qtyLeft: l.qty, fenLeft: l.total }));
    const howMany = random() < 0.35 ? 1 + Math.floor(random() * 2) : 0;
    for (let k = 0; k < howMany && refunded < total; k++) {
      const kind = random();
      let amount: number;
      let linesJson: string | null = null;
      if (kind < 0.45) {
        const l = pick(left.filter((x) => x.qtyLeft > 0).length ? left.filter((x) => x.qtyLeft > 0) : left);
        if (l.qtyLeft === 0) continue;
        const q = 1 + Math.floor(random() * l.qtyLeft);
        const fen = q === l.qtyLeft ? l.fenLeft : Math.round((l.total * q) / l.qty);
        amount = Math.min(fen, total - refunded);
        l.qtyLeft -= q;
        l.fenLeft -= fen;
        linesJson = JSON.stringify([{ lineNo: l.lineNo, qty: q, amountFen: fen }]);
      } else if (kind < 0.6) {
        amount = total - refunded;
        linesJson = JSON.stringify(
          left.filter((x) => x.qtyLeft > 0).map((x) => ({ lineNo: x.lineNo, qty: x.qtyLeft, amountFen: x.fenLeft })),
        );
        for (const x of left) x.qtyLeft = 0;
      } else {
        amount = Math.max(1, Math.floor((total - refunded) * random()));
        if (random() < 0.15)
          linesJson = pick(['{not json', '"x"', '{"lineNo":1}', '[1, "a", null]', '[{"lineNo":"1","qty":"x"}]']);
      }
      if (amount <= 0) continue;
      const t = later(created + 3_600_000);
      const cash = holder.method === 'cash';
      if (cash) {
        insRefund.run(orderId, holder.id, `R${++refundNo}`, 'cash', amount, total, 'succeeded', linesJson, t, t, t);
      } else {
        const r = Number(
          insRefund.run(
            orderId,
            holder.id,
            `R${++refundNo}`,
            holder.method,
            amount,
            total,
            'requested',
            linesJson,
            t,
            t,
            null,
          ).lastInsertRowid,
        );
        refundState.run('pending', t + 1000, null, r);
        if (random() < 0.15) {
          refundState.run('failed', t + 9000, t + 9000, r);
          continue;
        }
        refundState.run('succeeded', t + 9000, t + 9000, r);
      }
      refunded += amount;
      const full = refunded >= total;
      attemptState.run(full ? 'refunded' : 'partially_refunded', t, holder.id);
      orderStatus.run(full ? 'refunded' : 'partially_refunded', orderId);
    }
  }
}
