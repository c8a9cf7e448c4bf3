/**
 * Heavy work runs off the counter's event loop (issue 10, part 3): in a worker thread with its own
 * connection (src/main/core/worker-tasks.ts), holding the store's write gate only while it writes
 * (src/main/store/write-gate.ts). What each task answers does not depend on where it runs; a call
 * that may write waits for the gate with the event loop free; a statement import that read and
 * matched in a snapshot matches again, with the lock held, when what it read changed meanwhile.
 * Speed is measured by the bench (bench/stall.ts), never asserted here.
 */
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/main/core/clock';
import { createCore, type Core } from '../../src/main/core/core';
import { inlineTasks } from '../../src/main/core/worker-tasks';
import { workerTasks, type Tasks } from '../../src/main/core/worker-runner';
import type { Statement, StatementRow } from '../../src/main/intermediaries/provider';
import type { ImportApplied, ImportPreview, ImportUpload } from '../../src/shared/types';
import { history, world } from '../support/report-history';
import { must, tempDir } from '../support/core';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const D = '2026-11-26';
const at = (beijing: string) => Date.parse(`${beijing}+08:00`);
const OWNER = { userId: null, name: 'owner', role: 'owner' as const, approvedBy: null };

async function till(tasks: 'worker' | 'inline' = 'worker'): Promise<Core> {
  const t = tempDir('pos-background-');
  const core = await createCore({
    dataDir: t.dir,
    mode: 'browser',
    clock: new ManualClock(at('2026-11-27T10:00:00')),
    timeZone: 'Asia/Shanghai',
    poll: false,
    tasks,
  });
  cleanups.push(() => {
    core.close();
    t.cleanup();
  });
  return core;
}

/** Alipay attempts on day D, written as the core writes them (one order each). */
function attempts(
  core: Core,
  list: { trade: string; fen: number; state: 'paid' | 'pending' | 'closed' }[],
): Map<string, number> {
  const db = core.store.sqlite;
  const ids = new Map<string, number>();
  db.transaction(() => {
    list.forEach((a, i) => {
      const t = at('2026-11-26T12:00:00') + i * 60_000;
      const orderId = Number(
        db
          .prepare(
            `insert into orders (number, business_day, seq, status, clerk, terminal, subtotal_fen, line_discount_fen, order_discount_fen, total_fen, item_count, created_at, paid_at)
             values (?, ?, ?, ?, 'c', 'T01', ?, 0, 0, ?, 1, ?, ?)`,
          )
          .run(
            `20261126-${9000 + i}`,
            D,
            9000 + i,
            a.state === 'paid' ? 'paid' : 'open',
            a.fen,
            a.fen,
            t,
            a.state === 'paid' ? t : null,
          ).lastInsertRowid,
      );
      const id = db
        .prepare(
          `insert into payment_attempts (order_id, method, mode, out_trade_no, amount_fen, state, unknown, created_at, updated_at, paid_at)
           values (?, 'alipay', 'qr', ?, ?, ?, 0, ?, ?, ?)`,
        )
        .run(orderId, a.trade, a.fen, a.state, t, t, a.state === 'paid' ? t + 5_000 : null).lastInsertRowid;
      ids.set(a.trade, Number(id));
    });
  })();
  return ids;
}

function statement(rows: [trade: string, fen: number][]): Statement {
  const list: StatementRow[] = rows.map(([outTradeNo, amountFen], i) => ({
    outTradeNo,
    tradeNo: `T${i}`,
    type: 'payment',
    amountFen,
    feeFen: 0,
    refundNo: null,
    status: 'SUCCESS',
    at: at('2026-11-26T12:10:00') + i,
  }));
  return {
    provider: 'alipay',
    day: D,
    merchantId: null,
    rows: list,
    totals: { count: list.length, amountFen: list.reduce((n, r) => n + r.amountFen, 0), refundFen: 0, feeFen: 0 },
  };
}

const stored = (core: Core) => ({
  runs: core.store.sqlite
    .prepare(`select provider, day, status, row_count, matched_count, totals from recon_runs order by id`)
    .all(),
  lines: core.store.sqlite.prepare(`select line_no, type, out_trade_no, amount_fen from recon_lines order by id`).all(),
  items: core.store.sqlite
    .prepare(`select category, out_trade_no, ours_fen, theirs_fen, detail from recon_items order by id`)
    .all(),
});

describe('a statement import in two phases (read in a snapshot, store with the lock held)', () => {
  it('stores what the one-transaction import stores when nothing changed in between', async () => {
    const a = await till('inline');
    const b = await till('inline');
    const list = [
      { trade: 'A1', fen: 100, state: 'paid' as const },
      { trade: 'A2', fen: 200, state: 'pending' as const },
      { trade: 'A3', fen: 300, state: 'closed' as const },
      { trade: 'A4', fen: 400, state: 'paid' as const },
    ];
    attempts(a, list);
    attempts(b, list);
    const s = statement([
      ['A1', 100],
      ['A2', 200],
      ['A3', 300],
      ['X9', 900],
    ]);
    const ctx = {
      provider: 'alipay' as const,
      day: D,
      actor: OWNER,
      trigger: 'manual' as const,
      startedAt: at('2026-11-27T10:00:00'),
    };
    const one = a.reconciliation.importStatement(s, ctx);
    const two = await b.reconciliation.importStaged(s, ctx, async (fn) => fn());
    expect(two).toEqual(one);
    expect(b.reconciliation.lastImport?.rematched).toBe(false);
    expect(stored(b)).toEqual(stored(a));
    expect(one).toMatchObject({ outcome: 'imported', rows: 4, matched: 1, items: 4 }); // pending, after the close, unknown, missing upstream
  });

  it('matches again, with the lock held, when a payment it read changed before the write: what it stores is what one transaction would store now', async () => {
    const core = await till('inline');
    const ids = attempts(core, [
      { trade: 'A1', fen: 100, state: 'paid' },
      { trade: 'A2', fen: 200, state: 'pending' },
    ]);
    const s = statement([
      ['A1', 100],
      ['A2', 200],
    ]);
    const ctx = {
      provider: 'alipay' as const,
      day: D,
      actor: OWNER,
      trigger: 'manual' as const,
      startedAt: at('2026-11-27T10:00:00'),
    };
    const outcome = await core.reconciliation.importStaged(s, ctx, async (fn) => {
      // between the snapshot and the write: the poller learns A2 was paid
      core.store.sqlite
        .prepare(`update payment_attempts set state = 'paid', paid_at = ? where id = ?`)
        .run(at('2026-11-26T12:01:30'), ids.get('A2'));
      return fn();
    });
    expect(core.reconciliation.lastImport?.rematched).toBe(true);
    expect(outcome).toMatchObject({ outcome: 'imported', matched: 2, items: 0 });
    expect(stored(core).items).toEqual([]);
  });

  it('sees a change committed by another connection (the counter, while a worker reads), and one that touches none of its rows', async () => {
    const core = await till('inline');
    const ids = attempts(core, [
      { trade: 'A1', fen: 100, state: 'paid' },
      { trade: 'A2', fen: 200, state: 'closed' },
    ]);
    const ctx = {
      provider: 'alipay' as const,
      day: D,
      actor: OWNER,
      trigger: 'manual' as const,
      startedAt: at('2026-11-27T10:00:00'),
    };
    const other = (sql: string, ...params: unknown[]) => {
      const db = new BetterSqlite3(core.store.file);
      try {
        db.prepare(sql).run(...params);
      } finally {
        db.close();
      }
    };
    // a sale elsewhere in the store: written, but none of the rows the match read
    const first = await core.reconciliation.importStaged(statement([['A1', 100]]), ctx, async (fn) => {
      other(`update settings set value = value where key = (select min(key) from settings)`);
      return fn();
    });
    expect(first).toMatchObject({ outcome: 'imported', matched: 1 });
    expect(core.reconciliation.lastImport?.rematched).toBe(false);
    // late money accepted on the counter: A2 becomes paid before the next day's statement is stored
    const next = { ...ctx, day: '2026-11-27' };
    const s = { ...statement([['A2', 200]]), day: '2026-11-27' };
    s.rows[0]!.at = at('2026-11-27T09:00:00');
    const second = await core.reconciliation.importStaged(s, next, async (fn) => {
      other(
        `update payment_attempts set state = 'paid', paid_at = ? where id = ?`,
        at('2026-11-27T08:59:00'),
        ids.get('A2'),
      );
      return fn();
    });
    expect(core.reconciliation.lastImport?.rematched).toBe(true);
    expect(second).toMatchObject({ outcome: 'imported', matched: 1, items: 0 });
  });

  it('a statement imported meanwhile by another run is "already imported", with nothing written twice', async () => {
    const core = await till('inline');
    attempts(core, [{ trade: 'A1', fen: 100, state: 'paid' }]);
    const s = statement([['A1', 100]]);
    const ctx = {
      provider: 'alipay' as const,
      day: D,
      actor: OWNER,
      trigger: 'manual' as const,
      startedAt: at('2026-11-27T10:00:00'),
    };
    let first: ReturnType<Core['reconciliation']['importStatement']> | null = null;
    const second = await core.reconciliation.importStaged(s, ctx, async (fn) => {
      first = core.reconciliation.importStatement(s, ctx);
      return fn();
    });
    expect(first).toMatchObject({ outcome: 'imported' });
    expect(second).toMatchObject({ outcome: 'already_imported', runId: first!.runId });
    expect(stored(core).runs).toHaveLength(1);
    expect(stored(core).lines).toHaveLength(1);
  });

  it('from a downloaded file, in the worker: parsed there, stored as the in-place import stores it; a refused file leaves one refused run', async () => {
    const inWorker = await till('worker');
    const inPlace = await till('inline');
    const list = [
      { trade: '202611260001T01A', fen: 1230, state: 'paid' as const },
      { trade: '202611260002T01A', fen: 450, state: 'closed' as const },
    ];
    attempts(inWorker, list);
    attempts(inPlace, list);
    const header =
      '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
    const row = (time: string, trade: string, yuan: string) =>
      [
        time,
        'wx1',
        '1900000109',
        '0',
        'T01',
        `42000${trade}`,
        trade,
        'o1',
        'NATIVE',
        'SUCCESS',
        'OTHERS',
        'CNY',
        yuan,
        '0.00',
        '0',
        '0',
        '0.00',
        '0.00',
        '',
        '',
        '商品',
        '',
        '0.07000',
        '0.60%',
        yuan,
        '0.00',
        '',
      ]
        .map((c) => `\`${c}`)
        .join(',');
    const bill = [
      header,
      row('2026-11-26 12:00:05', '202611260001T01A', '12.30'),
      row('2026-11-26 12:05:00', '202611260002T01A', '4.50'),
      '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额',
      '`2,`16.80,`0.00,`0.00,`0.14000,`16.80,`0.00',
    ].join('\r\n');
    const ctx = {
      provider: 'wechat' as const,
      day: D,
      actor: OWNER,
      trigger: 'manual' as const,
      startedAt: at('2026-11-27T10:00:00'),
    };
    // the attempts above are Alipay's: the same bill read as WeChat's, in both places
    for (const core of [inWorker, inPlace])
      core.store.sqlite.prepare(`update payment_attempts set method = 'wechat'`).run();
    const file = Buffer.from(bill, 'utf8');
    const viaWorker = await inWorker.reconciliation.importInBackground(
      { file: new Uint8Array(file), format: { kind: 'wechat', mchId: '1900000109' } },
      ctx,
    );
    const parsed = (await import('../../src/main/intermediaries/wechat/statement')).parseWechatBill(
      file,
      D,
      '1900000109',
    );
    if (parsed.kind !== 'statement') throw new Error(parsed.kind);
    const viaPlace = inPlace.reconciliation.importStatement(parsed.statement, ctx);
    expect(viaWorker).toEqual(viaPlace);
    expect(viaWorker).toMatchObject({ outcome: 'imported', rows: 2, matched: 1, items: 1 });
    expect(stored(inWorker)).toEqual(stored(inPlace));
    expect(inWorker.reconciliation.lastImport).toMatchObject({ rematched: false });
    expect(inWorker.reconciliation.lastImport?.parseMs).toBeGreaterThanOrEqual(0);

    const refused = await inWorker.reconciliation.importInBackground(
      { file: new Uint8Array(Buffer.from('garbage', 'utf8')), format: { kind: 'wechat', mchId: '1900000109' } },
      { ...ctx, day: '2026-11-25' },
    );
    expect(refused).toMatchObject({ outcome: 'refused', error: { code: 'STATEMENT_REFUSED' } });
    expect(
      inWorker.store.sqlite.prepare(`select status, error_code from recon_runs where day = '2026-11-25'`).all(),
    ).toEqual([{ status: 'refused', error_code: 'STATEMENT_REFUSED' }]);
  });
});

describe('the write gate', () => {
  it('a call that may write waits for it with the event loop free; a call that only reads answers at once', async () => {
    const core = await till();
    const release = await core.store.writeGate.acquire();
    let scanned = false;
    const scan = core.dispatch('cart.scan', { code: '6901939621608' }).then((r) => {
      scanned = true;
      return r;
    });
    const search = must(await core.dispatch('catalog.search', { query: 'kkkl' }));
    expect(search).not.toHaveLength(0);
    await new Promise((r) => setTimeout(r, 20)); // the loop turns: timers fire while the scan waits
    expect(scanned).toBe(false);
    release();
    expect((must(await scan) as { lines: unknown[] }).lines).toHaveLength(1);
  });

  it('background writers take it one after the other', async () => {
    const core = await till();
    const order: string[] = [];
    const first = await core.store.writeGate.acquire();
    const second = core.store.writeGate.acquire().then((release) => {
      order.push('second');
      release();
    });
    await new Promise((r) => setTimeout(r, 10));
    order.push('first');
    first();
    await second;
    expect(order).toEqual(['first', 'second']);
    expect(core.store.writeGate.closed).toBe(false);
  });
});

describe('the catalogue import in the worker', () => {
  const HEADER = 'sku,barcode,name_zh,name_en,category,price,unit,active,stock';

  async function upload(core: Core, text: string): Promise<string> {
    const u = must(
      await core.dispatch('catalog.importUpload', { chunk: Buffer.from(text).toString('base64') }),
    ) as ImportUpload;
    return u.uploadId;
  }

  it('a second apply of the same preview (a double click) joins the first: applied once, the same answer', async () => {
    const core = await till();
    const owner = core.auth.users().find((u) => u.role === 'owner')!;
    must(await core.dispatch('auth.login', { userId: owner.id, pin: '8888' }));
    const uploadId = await upload(
      core,
      `${HEADER}\r\nBG-1,,背景甲,Background A,drinks,1.00,瓶,1,3\r\nBG-2,,背景乙,Background B,drinks,2.00,瓶,1,0\r\n`,
    );
    const preview = must(
      await core.dispatch('catalog.importPreview', { uploadId, retireMissing: false, setStock: false }),
    ) as ImportPreview;
    const [a, b] = await Promise.all([
      core.dispatch('catalog.importApply', { token: preview.token }),
      core.dispatch('catalog.importApply', { token: preview.token }),
    ]);
    expect(must(a)).toEqual({ added: 2, changed: 0, retired: 0, unchanged: 0, stockMoves: 1 } satisfies ImportApplied);
    expect(must(b)).toEqual(must(a));
    expect(
      (core.store.sqlite.prepare(`select count(*) as n from products where sku like 'BG-%'`).get() as { n: number }).n,
    ).toBe(2);
    // the search index was rebuilt before the apply answered
    expect(core.catalog.search('bjy').map((p) => p.sku)).toEqual(['BG-2']);
    expect(core.catalog.findByCode('bg-1')?.nameZh).toBe('背景甲');
  });
});

describe('what a task answers does not depend on where it runs', () => {
  it('the sales report, its CSV and printable page, the audit log and the catalogue export: in the worker as in place', async () => {
    const w = await world('Asia/Shanghai', cleanups as (() => void)[]);
    history(w, 7, 300);
    const here: Tasks = inlineTasks(w.store);
    const there: Tasks = workerTasks(w.store);
    cleanups.push(() => there.close());
    const now = Date.parse('2026-12-01T00:00:00Z');
    const timeZone = 'Asia/Shanghai';
    const range = { from: '2026-11-20', to: '2026-11-30' };
    for (const locale of ['en', 'zh-CN'] as const) {
      expect(await there.run('reports.csv', { ...range, locale, now, timeZone })).toEqual(
        await here.run('reports.csv', { ...range, locale, now, timeZone }),
      );
      const page = { ...range, top: 5, locale, storeName: '测试店', now, timeZone };
      expect(await there.run('reports.printable', page)).toEqual(await here.run('reports.printable', page));
    }
    expect(await there.run('reports.sales', { ...range, top: 3, now, timeZone })).toEqual(
      await here.run('reports.sales', { ...range, top: 3, now, timeZone }),
    );
    expect(await there.run('audit.csv', { now })).toEqual(await here.run('audit.csv', { now }));
    expect(await there.run('catalog.export', { now, timeZone })).toEqual(
      await here.run('catalog.export', { now, timeZone }),
    );
  });

  it('a refusal keeps its code and details across the thread; a report over a long range is made there through the contract', async () => {
    const core = await till();
    const r = await core.dispatch('catalog.importUpload', {
      chunk: Buffer.from('\u0000\u0001binary').toString('base64'),
      approvalPin: '8888',
    });
    const uploadId = (must(r) as ImportUpload).uploadId;
    const refused = await core.dispatch('catalog.importPreview', {
      uploadId,
      retireMissing: false,
      setStock: false,
      approvalPin: '8888',
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'IMPORT_REFUSED', details: { reason: 'binary' } } });
    const year = must(
      await core.dispatch('reports.sales', { from: '2025-12-01', to: '2026-11-30', approvalPin: '8888' }),
    ) as { days: number };
    expect(year.days).toBe(365);
  });
});
