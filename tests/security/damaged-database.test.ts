/**
 * Defect 14, the drill: a damaged database was neither noticed nor recoverable — with one 4 KB page
 * overwritten the till started, sold and wrote on without a word. Now the integrity check finds it,
 * the till says what is damaged, and the guided restore brings back the newest good backup,
 * re-enters the sales made since (marked recovered), keeps the damaged file, and the till sells again.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src/main/core/core';
import { ManualClock } from '../../src/main/core/clock';
import { referenceReport } from '../support/report-reference';
import type { Store } from '../../src/main/store/db';
import { DB_FILE } from '../../src/main/store/db';
import type { Trade } from '../../src/main/intermediaries/provider';
import type { DataSafetyStatus, RestorePlan, RestoreResult } from '../../src/shared/types';
import { scriptedProviders, type FakeProvider } from '../support/fake-provider';
import { must, tempDir } from '../support/core';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

const OWNER_PIN = '8888';

interface Till {
  core: Core;
  alipay: FakeProvider;
  call: <T>(method: string, input?: unknown) => Promise<T>;
  restored: Store[];
}

async function start(dir: string, clock: ManualClock): Promise<Till> {
  const scripted = scriptedProviders();
  const restored: Store[] = [];
  const core = await createCore({
    dataDir: dir,
    mode: 'browser',
    newStoreRequiresDrawer: false, // sells cash without opening a drawer
    clock,
    timeZone: 'Asia/Shanghai',
    providers: scripted.providers,
    poll: false,
    // the lead wires rotateTillIdentity(store, 'restored') here; the drill checks it runs on the restored store
    afterRestore: (store) => restored.push(store),
  });
  let closed = false;
  cleanups.unshift(() => {
    if (!closed) core.close();
    closed = true;
  });
  const call = async <T>(method: string, input: unknown = {}): Promise<T> =>
    must(await core.dispatch(method, input)) as T;
  return { core, alipay: scripted.alipay, call, restored };
}

function cashSale(core: Core, code = 'DRI-001', qty = 1): { id: number; number: string; totalFen: number } {
  core.carts.add(core.catalog.findByCode(code)!.id, qty);
  const o = core.orders.confirm();
  core.orders.payCash(o.id, o.totalFen, null);
  return { id: o.id, number: o.number, totalFen: o.totalFen };
}

const trade = (tradeNo: string, amountFen: number): Trade => ({ tradeNo, amountFen, paidAt: null, buyer: null });

/** Overwrites one page of the (closed) database file with garbage. */
function overwritePage(file: string, pageno: number): void {
  const db = new BetterSqlite3(file, { readonly: true });
  const size = db.pragma('page_size', { simple: true }) as number;
  db.close();
  const fd = openSync(file, 'r+');
  try {
    writeSync(fd, Buffer.alloc(size, 0xa5), 0, size, (pageno - 1) * size);
  } finally {
    closeSync(fd);
  }
}

/** The pages of one table or index, from dbstat, on the closed file. */
function pagesOf(file: string, name: string): number[] {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return (
      db.prepare(`select pageno from dbstat where name = ? order by pageno`).all(name) as { pageno: number }[]
    ).map((r) => r.pageno);
  } finally {
    db.close();
  }
}

function integrity(file: string): string[] {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
  } catch (err) {
    return [(err as Error).message]; // "database disk image is malformed"
  } finally {
    db.close();
  }
}

/** A store with sales, a backup, more sales after it (cash, Alipay, a refund, a paid-in), closed. */
async function storeWithSalesAfterBackup() {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const clock = new ManualClock('2026-11-26T02:00:00Z');
  const till = await start(t.dir, clock);
  const { core, alipay, call } = till;
  await call('cashSession.open', { floatFen: 20_000 });
  const a = cashSale(core, 'DRI-001', 2);
  const b = cashSale(core, 'DRI-002');
  // an Alipay QR still pending when the backup is taken, paid after it
  core.carts.add(core.catalog.findByCode('SNA-001')!.id, 1);
  const p = core.orders.confirm();
  const pAttempt = await core.payments.start({ orderId: p.id, provider: 'alipay', mode: 'qr' });
  expect(pAttempt.state).toBe('pending');

  clock.advance(60_000);
  const backup = await core.dataSafety.backup('manual');
  expect(backup.ok, backup.message ?? '').toBe(true);

  // after the backup: a cash sale, an Alipay sale, the pending one paid, a cash refund of A, a paid-in, an open order
  clock.advance(60_000);
  const c = cashSale(core, 'DRI-003', 3);
  core.carts.add(core.catalog.findByCode('SNA-002')!.id, 2);
  const d = core.orders.confirm();
  const dAttempt = await core.payments.start({ orderId: d.id, provider: 'alipay', mode: 'qr' });
  clock.advance(1_000);
  alipay.then(
    'query',
    { kind: 'paid', trade: trade('ALI-P', p.totalFen) },
    { kind: 'paid', trade: trade('ALI-D', d.totalFen) },
  );
  await core.payments.runDue();
  expect(core.payments.view(pAttempt.id).state).toBe('paid');
  expect(core.payments.view(dAttempt.id).state).toBe('paid');
  await call('refunds.create', {
    orderId: a.id,
    kind: 'full',
    restock: true,
    reason: 'customer returned it',
    requestKey: randomUUID(),
    approvalPin: OWNER_PIN,
  });
  await call('cashSession.move', { kind: 'in', amountFen: 5_000, reason: 'coins from the bank' });
  core.carts.add(core.catalog.findByCode('DRI-001')!.id, 1);
  const e = core.orders.confirm();

  const file = join(t.dir, DB_FILE);
  const before = {
    stock: Object.fromEntries(
      ['DRI-001', 'DRI-002', 'DRI-003', 'SNA-001', 'SNA-002'].map((code) => [code, core.catalog.findByCode(code)!.id]),
    ),
    stockCounts: core.store.sqlite.prepare('select id, stock from products order by id').all(),
    lastOrderNumber: e.number,
    report: core.reports.sales('2026-11-26', '2026-11-26', 50),
  };
  core.close();
  cleanups.shift();
  return { dir: t.dir, file, clock, a, b, c, d, e, p, pAttempt, dAttempt, backup, before };
}

describe('a damaged database: found, reported, restored with the later sales re-entered', () => {
  it('the drill: one overwritten index page; the check finds it, the restore brings back the backup and every later sale', async () => {
    const s = await storeWithSalesAfterBackup();
    // the orders' unique (business_day, seq) index: integrity_check fails, the rows themselves stay readable
    const pages = pagesOf(s.file, 'orders_day');
    expect(pages.length).toBeGreaterThan(0);
    overwritePage(s.file, pages[0]!);
    expect(integrity(s.file)).not.toEqual(['ok']);

    const till = await start(s.dir, s.clock);
    const { core, call } = till;
    // on main the till started and sold on; now the check (shortly after start) finds the damage
    const check = await core.dataSafety.check('start');
    expect(check.ok).toBe(false);
    const status = await call<DataSafetyStatus>('dataSafety.status');
    expect(status).toMatchObject({ damaged: true, restoring: false });
    expect(core.dataSafety.damage).toMatchObject({ source: 'check', tables: ['orders'], areas: ['sales'] });

    // a sale now meets the damaged index: refused with STORAGE_CORRUPT, nothing half-written
    core.carts.add(core.catalog.findByCode('DRI-001')!.id, 1);
    const refused = await core.dispatch('checkout.confirm', {});
    expect(refused.ok || refused.error.code).toBe('STORAGE_CORRUPT');

    // the owner's plan: the backup, the later sales to re-enter, nothing unreadable
    const plan = await call<RestorePlan>('dataSafety.restorePlan', { approvalPin: OWNER_PIN });
    expect(plan.backup?.id).toBe(s.backup.id);
    expect(plan.healthy).toBe(false);
    expect(plan.unreadable).toEqual([]);
    expect(plan.orders.map((o) => o.number)).toEqual([s.a.number, s.p.number, s.c.number, s.d.number, s.e.number]);

    // a clerk cannot restore; the owner must give the PIN even when signed in
    expect((await core.dispatch('dataSafety.restore', {})).ok).toBe(false);
    const wrong = await core.dispatch('dataSafety.restore', { approvalPin: '1234' });
    expect(wrong.ok || wrong.error.code).toBe('WRONG_PIN');

    const codeBefore = core.identity.installation;
    const result = await call<RestoreResult>('dataSafety.restore', { approvalPin: OWNER_PIN });
    expect(result.backup.id).toBe(s.backup.id);
    expect(result.unreadable).toEqual([]);
    expect(till.restored).toHaveLength(1); // afterRestore ran, on the restored store
    // the restored database takes a new installation code: no trade number used after the backup comes again
    expect(core.identity.installation).not.toBe(codeBefore);
    expect(core.identity.history().at(-1)).toMatchObject({ reason: 'restored' });
    expect(core.identity.history().map((h) => h.installation)).not.toContain(undefined);

    // the damaged file is kept aside (still damaged), the export is there
    expect(existsSync(result.damagedFile)).toBe(true);
    expect(integrity(result.damagedFile)).not.toEqual(['ok']);
    const exported = JSON.parse(readFileSync(result.exportFile, 'utf8')) as {
      rows: { orders: { inserted: { number: string }[] } };
    };
    expect(exported.rows.orders.inserted.map((o) => o.number)).toEqual([s.c.number, s.d.number, s.e.number]);
    expect(readFileSync(result.exportCsv, 'utf8')).toContain(s.d.number);
    if (process.platform !== 'win32') {
      // what was read from the damaged file is as private as the database (store/file-modes.ts)
      const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);
      expect(
        [dirname(result.exportFile), result.exportFile, result.exportCsv, result.damagedFile, s.file].map(mode),
      ).toEqual(['700', '600', '600', '600', '600']);
    }

    // the live database is healthy, and every later order, amount and payment is back, marked recovered
    expect(integrity(s.file)).toEqual(['ok']);
    expect(core.dataSafety.status()).toMatchObject({ damaged: false, restoring: false });
    const db = core.store.sqlite;
    const recovered = (table: string, id: number) =>
      db.prepare('select action from recovered_rows where table_name = ? and row_id = ?').get(table, id) as
        | { action: string }
        | undefined;
    for (const o of [s.c, s.d]) {
      const view = core.orders.get(o.id);
      expect(view).toMatchObject({ number: o.number, totalFen: o.totalFen, status: 'paid' });
      expect(recovered('orders', o.id)?.action).toBe('inserted');
    }
    expect(core.orders.get(s.e.id).status).toBe('open');
    expect(core.payments.view(s.dAttempt.id)).toMatchObject({
      state: 'paid',
      amountFen: s.d.totalFen,
      provider: 'alipay',
    });
    expect(recovered('payment_attempts', s.dAttempt.id)?.action).toBe('inserted');
    // the payment pending at the backup, paid after it: updated
    expect(core.payments.view(s.pAttempt.id).state).toBe('paid');
    expect(core.orders.get(s.p.id).status).toBe('paid');
    expect(recovered('payment_attempts', s.pAttempt.id)?.action).toBe('updated');
    // the cash refund of an order sold before the backup
    expect(core.orders.get(s.a.id).status).toBe('refunded');
    const refund = db.prepare('select id, amount_fen, state from refunds where order_id = ?').get(s.a.id) as {
      id: number;
      amount_fen: number;
      state: string;
    };
    expect(refund).toMatchObject({ amount_fen: s.a.totalFen, state: 'succeeded' });
    expect(recovered('refunds', refund.id)?.action).toBe('inserted');
    // the paid-in
    const move = db.prepare(`select id, amount_fen from cash_moves where kind = 'in'`).get() as {
      id: number;
      amount_fen: number;
    };
    expect(move.amount_fen).toBe(5_000);
    expect(recovered('cash_moves', move.id)?.action).toBe('inserted');

    // stock and the sales review count each recovered sale exactly once (the triggers replayed)
    expect(db.prepare('select id, stock from products order by id').all()).toEqual(s.before.stockCounts);
    expect(core.reports.sales('2026-11-26', '2026-11-26', 50)).toEqual(s.before.report);
    const reference = referenceReport(core.store, '2026-11-26', '2026-11-26', 50);
    expect({ ...core.reports.sales('2026-11-26', '2026-11-26', 50), generatedAt: 0, timeZone: '' }).toEqual({
      ...reference,
      generatedAt: 0,
      timeZone: '',
    });

    // audited, with the restore recorded
    expect(core.audit.list({ action: 'data.restore' })).toHaveLength(1);
    expect(db.prepare('select backup_file from data_restores').all()).toEqual([{ backup_file: s.backup.id }]);

    // and the till sells again, with a new order number (none is given twice)
    const f = cashSale(core, 'DRI-001');
    expect(f.number > s.before.lastOrderNumber).toBe(true);
    expect(core.orders.get(f.id).status).toBe('paid');
  });

  it('rows on a destroyed table page are listed in the export for manual entry; the rest is re-entered', async () => {
    const s = await storeWithSalesAfterBackup();
    // more journal after the backup (the timeline of order D), so that it spans pages
    const w = new BetterSqlite3(s.file);
    const add = w.prepare(
      `insert into payment_journal (order_id, attempt_id, at, kind, detail) values (?, ?, ?, 'wire.query', ?)`,
    );
    for (let i = 0; i < 120; i++)
      add.run(s.d.id, s.dAttempt.id, s.clock.now(), JSON.stringify({ poll: i, answer: 'x'.repeat(400) }));
    w.close();
    // the journal's last leaf page holds rows written after the backup
    const pages = pagesOf(s.file, 'payment_journal');
    expect(pages.length).toBeGreaterThan(1);
    overwritePage(s.file, pages[pages.length - 1]!);

    const till = await start(s.dir, s.clock);
    const { core, call } = till;
    await core.dataSafety.check('start');
    expect(core.dataSafety.damage).toMatchObject({ tables: ['payment_journal'], areas: ['payments'] });
    const result = await call<RestoreResult>('dataSafety.restore', { approvalPin: OWNER_PIN });
    expect(result.unreadable.length).toBeGreaterThan(0);
    expect(result.unreadable.every((u) => u.table === 'payment_journal')).toBe(true);
    const csv = readFileSync(result.exportCsv, 'utf8');
    expect(csv).toContain('UNREADABLE');
    // the sales themselves are all back
    for (const o of [s.c, s.d])
      expect(core.orders.get(o.id)).toMatchObject({ number: o.number, totalFen: o.totalFen, status: 'paid' });
    expect(integrity(s.file)).toEqual(['ok']);
    cashSale(core);
  });

  it('a query that meets a damaged page puts the till in the damaged state at once', async () => {
    const s = await storeWithSalesAfterBackup();
    overwritePage(s.file, pagesOf(s.file, 'orders_day')[0]!);
    const till = await start(s.dir, s.clock);
    expect(till.core.dataSafety.status().damaged).toBe(false); // the check has not run yet
    till.core.carts.add(till.core.catalog.findByCode('DRI-001')!.id, 1);
    const r = await till.core.dispatch('checkout.confirm', {});
    expect(r.ok || r.error.code).toBe('STORAGE_CORRUPT');
    expect(till.core.dataSafety.status().damaged).toBe(true);
  });

  it('refuses to restore over a healthy database unless the owner confirms it', async () => {
    const s = await storeWithSalesAfterBackup();
    const till = await start(s.dir, s.clock);
    const plan = await till.call<RestorePlan>('dataSafety.restorePlan', { approvalPin: OWNER_PIN });
    expect(plan).toMatchObject({ healthy: true, damage: null });
    const refused = await till.core.dispatch('dataSafety.restore', { approvalPin: OWNER_PIN });
    expect(refused.ok || refused.error.code).toBe('RESTORE_NOT_NEEDED');
    expect(till.core.orders.get(s.d.id).status).toBe('paid');
    const done = await till.call<RestoreResult>('dataSafety.restore', { approvalPin: OWNER_PIN, confirmHealthy: true });
    // nothing was lost: everything after the backup was re-entered
    expect(done.orders.map((o) => o.number)).toContain(s.d.number);
    expect(till.core.orders.get(s.d.id).status).toBe('paid');
  });
});
