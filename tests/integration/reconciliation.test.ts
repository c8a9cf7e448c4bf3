/**
 * Daily reconciliation through the core against the sandbox over HTTP: real sales with each
 * provider, a payment after the close, a trade the till never saw, a payment only the till believes
 * in, then the statements downloaded, matched and stored; re-importing changes nothing; owners
 * resolve with a note (audited); bad statements are refused with nothing imported; the daily run
 * happens once per day on a ManualClock; the cross-midnight buffer settles a payment billed on the
 * next day. The sandbox shares the till's ManualClock (plus a lead, for clock skew).
 */
import JSZip from 'jszip';
import iconv from 'iconv-lite';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/server';
import { SYSTEM_ACTOR } from '../../src/main/core/people/auth';
import { ManualClock } from '../../src/main/core/clock';
import { createCore, type Core } from '../../src/main/core/core';
import { createProvider, sandboxConfigs } from '../../src/main/intermediaries';
import { fetchHttp } from '../../src/main/intermediaries/http';
import type { Http, HttpRequest, HttpResponse } from '../../src/main/intermediaries/provider';
import { readZip } from '../../src/main/intermediaries/zip';
import type { ProviderId, ReconItemView, ReconRunResult } from '../../src/shared/types';
import { tempDir } from '../support/temp';

const OWNER_PIN = '8888';
const D = '2026-11-26';
const at = (beijing: string) => Date.parse(`${beijing}+08:00`);

type Mangle = (req: HttpRequest, res: HttpResponse) => HttpResponse | Promise<HttpResponse>;

interface Env {
  core: Core;
  clock: ManualClock;
  base: string;
  /** the sandbox's clock runs this many ms ahead of the till's */
  lead: { ms: number };
  /** rewrites statement downloads (bad statements) */
  mangle: { fn: Mangle | null };
  /** makes statement downloads fail at the transport */
  down: { on: boolean };
  control(path: string, body?: unknown): Promise<Response>;
  close(): Promise<void>;
}

function isStatement(req: HttpRequest): boolean {
  return /\/alipay\/bill\/download|\/pay\/downloadbill|\/app-merchant-proxy\/statement/.test(req.url);
}

async function startEnv(start = at('2026-11-26T12:00:00')): Promise<Env> {
  const app = tempDir('pos-recon-');
  const sb = tempDir('pos-recon-sandbox-');
  const clock = new ManualClock(start);
  const lead = { ms: 0 };
  const mangle: Env['mangle'] = { fn: null };
  const down = { on: false };
  const sandbox = await startSandbox({ port: 0, dataDir: sb.dir, now: () => clock.now() + lead.ms });
  const http: Http = async (req) => {
    if (down.on && isStatement(req))
      throw Object.assign(new Error('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    const res = await fetchHttp(req);
    return mangle.fn && isStatement(req) ? mangle.fn(req, res) : res;
  };
  const core = await createCore({
    dataDir: app.dir,
    mode: 'browser',
    clock,
    timeZone: 'Asia/Shanghai',
    sandboxBaseUrl: sandbox.baseUrl,
    poll: false,
    clientDeps: { http },
    returnUrl: () => 'http://127.0.0.1:9/pay/yeepay/callback',
  });
  return {
    core,
    clock,
    base: sandbox.baseUrl,
    lead,
    mangle,
    down,
    control: (path, body = {}) =>
      fetch(`${sandbox.baseUrl}/_sandbox/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    close: async () => {
      core.close();
      await sandbox.close();
      app.cleanup();
      sb.cleanup();
    },
  };
}

function newOrder(core: Core): number {
  core.carts.add(core.catalog.findByCode('DRI-001')!.id, 1);
  core.carts.add(core.catalog.findByCode('SNA-001')!.id, 1); // ¥3.00 + ¥7.50
  return core.orders.confirm().id;
}

/** A sale paid through `provider` at the sandbox, seen paid by the till. */
async function paidSale(env: Env, provider: ProviderId): Promise<{ outTradeNo: string; attemptId: number }> {
  const orderId = newOrder(env.core);
  const a = await env.core.payments.start({ orderId, provider, mode: provider === 'yeepay' ? 'redirect' : 'qr' });
  if (provider === 'yeepay') {
    await fetch(a.redirect!.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(a.redirect!.fields).toString(),
    });
  }
  expect((await env.control(`trades/${provider}/${a.outTradeNo}/pay`)).status).toBe(200);
  for (let i = 0; i < 5 && env.core.payments.view(a.id).state !== 'paid'; i++) await env.core.payments.queryNow(a.id);
  expect(env.core.payments.view(a.id).state).toBe('paid');
  return { outTradeNo: a.outTradeNo, attemptId: a.id };
}

/** An Alipay QR the till closed, which the buyer still paid (the pay_after_close scenario). */
async function paidAfterClose(env: Env, lateSeconds = 2): Promise<{ outTradeNo: string; attemptId: number }> {
  const orderId = newOrder(env.core);
  const a = await env.core.payments.start({ orderId, provider: 'alipay', mode: 'qr' });
  await env.control(`trades/alipay/${a.outTradeNo}/scan`);
  const s = await env.control('scenarios', {
    name: 'pay_after_close',
    provider: 'alipay',
    out_trade_no: a.outTradeNo,
    params: { seconds: lateSeconds },
  });
  expect(s.status).toBe(201);
  expect((await env.core.payments.stop(a.id)).state).toBe('closed');
  env.clock.advance((lateSeconds + 1) * 1000);
  const t = (await (await fetch(`${env.base}/_sandbox/trades/alipay/${a.outTradeNo}`)).json()) as { status: string };
  expect(t.status).toBe('paid');
  return { outTradeNo: a.outTradeNo, attemptId: a.id };
}

const count = (core: Core, table: 'recon_runs' | 'recon_lines' | 'recon_items' | 'audit_log', where = '') =>
  (core.store.sqlite.prepare(`select count(*) as n from ${table} ${where}`).get() as { n: number }).n;

async function run(env: Env, day: string, providers?: ProviderId[]): Promise<ReconRunResult> {
  const r = await env.core.dispatch('recon.run', { day, approvalPin: OWNER_PIN, ...(providers ? { providers } : {}) });
  if (!r.ok) throw new Error(`recon.run failed: ${r.error.code} ${r.error.message}`);
  return r.value as ReconRunResult;
}

const brief = (items: ReconItemView[]) => items.map((i) => `${i.provider}:${i.category}:${i.reason}`).sort();

let env: Env | null = null;
afterEach(async () => {
  await env?.close();
  env = null;
});

describe('reconciliation against the sandbox', () => {
  it('matches a day of sales, finds every kind of difference, and a re-import changes nothing', async () => {
    env = await startEnv();
    const { core, clock } = env;
    const sales = [
      await paidSale(env, 'alipay'),
      await paidSale(env, 'wechat'),
      await paidSale(env, 'yeepay'),
      await paidSale(env, 'alipay'),
    ];
    const late = await paidAfterClose(env);
    // a trade the till never saw: made at the sandbox directly, and paid
    const stranger = createProvider(sandboxConfigs(env.base).alipay, { now: () => clock.now() });
    const created = await stranger.create({
      outTradeNo: 'FOREIGN0001',
      amountFen: 999,
      subject: 'not ours',
      mode: 'qr',
      expiresAt: clock.now() + 60_000,
    });
    expect(created.outcome.kind).toBe('qr');
    expect((await env.control('trades/alipay/FOREIGN0001/pay')).status).toBe(200);
    // a payment only the till believes in (a bug, a tampered database…)
    const ghost = await core.payments.start({ orderId: newOrder(core), provider: 'wechat', mode: 'qr' });
    core.store.sqlite
      .prepare(`update payment_attempts set state = 'paid', paid_at = ? where id = ?`)
      .run(clock.now(), ghost.id);
    // an amount the till recorded differently from what was paid
    core.store.sqlite
      .prepare(`update payment_attempts set amount_fen = amount_fen + 100 where id = ?`)
      .run(sales[3]!.attemptId);
    // fees: WeChat's contract says 0.4 % (the sandbox charges 0.6 %), Alipay's 0.6 %
    expect(
      (
        await core.dispatch('recon.setSettings', {
          dailyAt: '10:00',
          bufferMinutes: 30,
          feeRatesPpm: { alipay: 6000, wechat: 4000 },
          approvalPin: OWNER_PIN,
        })
      ).ok,
    ).toBe(true);

    // today is not over
    const early = await core.dispatch('recon.run', { day: D, approvalPin: OWNER_PIN });
    expect(early).toMatchObject({ ok: false, error: { code: 'RECON_DAY_NOT_OVER' } });
    // a clerk alone cannot run it
    clock.set(at('2026-11-27T10:30:00'));
    expect(await core.dispatch('recon.run', { day: D })).toMatchObject({
      ok: false,
      error: { code: 'OWNER_APPROVAL_REQUIRED' },
    });

    const result = await run(env, D);
    expect(result.outcomes.map((o) => [o.provider, o.outcome])).toEqual([
      ['alipay', 'imported'],
      ['wechat', 'imported'],
      ['yeepay', 'imported'],
    ]);
    const view = result.view;
    expect(brief(view.items)).toEqual([
      'alipay:amount_mismatch:amount',
      'alipay:missing_locally:unknown_trade',
      'alipay:paid_after_close:paid_after_close',
      'wechat:fee_mismatch:fee',
      'wechat:missing_upstream:paid_locally_absent_upstream',
    ]);
    const pac = view.items.find((i) => i.category === 'paid_after_close')!;
    expect(pac).toMatchObject({
      outTradeNo: late.outTradeNo,
      attemptId: late.attemptId,
      oursFen: 1050,
      theirsFen: 1050,
      orderNumber: expect.stringMatching(/^20261126-\d{4}$/),
    });
    // the late money is also a payment exception the owner can refund or keep from "To check"
    const attention = await core.dispatch('payments.attention', {});
    expect(attention).toMatchObject({
      ok: true,
      value: {
        exceptions: [
          { kind: 'paid_after_close', attemptId: late.attemptId, amountFen: 1050, resolutions: ['refund', 'accept'] },
        ],
      },
    });
    expect(view.items.find((i) => i.category === 'missing_locally')).toMatchObject({
      outTradeNo: 'FOREIGN0001',
      attemptId: null,
      theirsFen: 999,
    });
    expect(view.items.find((i) => i.category === 'amount_mismatch')).toMatchObject({
      outTradeNo: sales[3]!.outTradeNo,
      oursFen: 1150,
      theirsFen: 1050,
    });
    const alipay = view.providers.find((p) => p.provider === 'alipay')!;
    expect(alipay).toMatchObject({ status: 'imported', rowCount: 4, matched: 1, open: 3, error: null });
    expect(alipay.statement).toEqual({
      payments: { count: 4, sumFen: 1050 * 3 + 999 },
      refunds: { count: 0, sumFen: 0 },
      feeFen: 6 * 4,
    });
    expect(alipay.local.payments).toEqual({ count: 2, sumFen: 1050 + 1150 });
    expect(alipay.byMode).toEqual([
      { mode: 'qr', local: { count: 2, sumFen: 2200 }, statement: { count: 3, sumFen: 3150 } },
      { mode: 'unknown', local: { count: 0, sumFen: 0 }, statement: { count: 1, sumFen: 999 } },
    ]);
    expect(view.providers.find((p) => p.provider === 'yeepay')).toMatchObject({
      status: 'imported',
      rowCount: 1,
      matched: 1,
      open: 0,
    });
    expect(view.providers.find((p) => p.provider === 'wechat')).toMatchObject({ rowCount: 1, matched: 1, open: 2 });

    // the same statements again: "already imported", not a row changed
    const before = ['recon_runs', 'recon_lines', 'recon_items'].map((t) => count(core, t as 'recon_runs'));
    const again = await run(env, D);
    expect(again.outcomes.map((o) => o.outcome)).toEqual(['already_imported', 'already_imported', 'already_imported']);
    expect(again.outcomes[0]).toMatchObject({ runId: result.outcomes[0]!.runId, items: 3 });
    expect(['recon_runs', 'recon_lines', 'recon_items'].map((t) => count(core, t as 'recon_runs'))).toEqual(before);
    expect(brief(again.view.items)).toEqual(brief(view.items));

    // the days list
    const days = await core.dispatch('recon.days', { limit: 3, approvalPin: OWNER_PIN });
    expect(days).toMatchObject({
      ok: true,
      value: [{ day: D, open: 5 }, { day: '2026-11-25', open: 0 }, { day: '2026-11-24' }],
    });
  });

  it('an owner resolves a difference with a note, audited; a resolution is final', async () => {
    env = await startEnv();
    const { core, clock } = env;
    await paidAfterClose(env);
    clock.set(at('2026-11-27T10:30:00'));
    const item = (await run(env, D, ['alipay'])).view.items[0]!;
    expect(item.category).toBe('paid_after_close');

    expect(
      await core.dispatch('recon.resolve', {
        itemId: item.id,
        resolution: 'refunded',
        note: 'refunded at the counter',
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'OWNER_APPROVAL_REQUIRED' },
    });
    expect(
      await core.dispatch('recon.resolve', {
        itemId: item.id,
        resolution: 'refunded',
        note: 'ok',
        approvalPin: '0000',
      }),
    ).toMatchObject({ ok: false });
    expect(
      await core.dispatch('recon.resolve', {
        itemId: item.id,
        resolution: 'refunded',
        note: '   ',
        approvalPin: OWNER_PIN,
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(
      await core.dispatch('recon.resolve', {
        itemId: item.id,
        resolution: 'lost',
        note: 'whatever',
        approvalPin: OWNER_PIN,
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    const audits = count(core, 'audit_log', `where action = 'recon.resolve'`);
    const done = await core.dispatch('recon.resolve', {
      itemId: item.id,
      resolution: 'refunded',
      note: 'Buyer refunded in the Alipay app',
      approvalPin: OWNER_PIN,
    });
    expect(done).toMatchObject({
      ok: true,
      value: {
        id: item.id,
        resolution: 'refunded',
        note: 'Buyer refunded in the Alipay app',
        resolvedBy: expect.stringContaining('店长'),
      },
    });
    expect(count(core, 'audit_log', `where action = 'recon.resolve'`)).toBe(audits + 1);
    const entry = core.audit.list({ action: 'recon.resolve' })[0]!;
    expect(entry).toMatchObject({
      subject: `recon_item:${item.id}`,
      note: 'Buyer refunded in the Alipay app',
      approvedBy: '店长',
      after: { resolution: 'refunded' },
    });
    expect(
      await core.dispatch('recon.resolve', {
        itemId: item.id,
        resolution: 'accepted',
        note: 'changed my mind',
        approvalPin: OWNER_PIN,
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'EXCEPTION_RESOLVED' },
    });
    const day = await core.dispatch('recon.day', { day: D, approvalPin: OWNER_PIN });
    expect(day).toMatchObject({
      ok: true,
      value: { providers: expect.arrayContaining([expect.objectContaining({ provider: 'alipay', open: 0 })]) },
    });
  });

  it('a payment billed on the next day (clock skew at midnight) waits, then settles when that day is imported', async () => {
    env = await startEnv(at('2026-11-26T23:58:00'));
    const { core, clock } = env;
    env.lead.ms = 90_000; // the intermediary's clock is 90 s ahead of the till's
    const orderId = newOrder(core);
    const a = await core.payments.start({ orderId, provider: 'yeepay', mode: 'redirect' });
    await fetch(a.redirect!.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(a.redirect!.fields).toString(),
    });
    clock.set(at('2026-11-26T23:59:40')); // the sandbox: 00:01:10 on the 27th
    await env.control(`trades/yeepay/${a.outTradeNo}/pay`);
    await core.payments.queryNow(a.id); // YeePay's query carries no pay time: the till records its own
    expect(core.payments.view(a.id)).toMatchObject({ state: 'paid', paidAt: at('2026-11-26T23:59:40') });

    clock.set(at('2026-11-27T10:30:00'));
    env.lead.ms = 0;
    const first = await run(env, D, ['yeepay']);
    expect(first.outcomes[0]).toMatchObject({ outcome: 'empty' });
    expect(first.view.items).toMatchObject([
      { category: 'missing_upstream', outTradeNo: a.outTradeNo, awaitingDay: '2026-11-27' },
    ]);
    expect(first.view.providers.find((p) => p.provider === 'yeepay')).toMatchObject({ open: 0, awaiting: 1 });

    clock.set(at('2026-11-28T10:30:00'));
    const next = await run(env, '2026-11-27', ['yeepay']);
    expect(next.outcomes[0]).toMatchObject({ outcome: 'imported', matched: 1, items: 0 });
    const settled = (await core.dispatch('recon.day', { day: D, approvalPin: OWNER_PIN })) as {
      ok: true;
      value: { items: ReconItemView[] };
    };
    expect(settled.value.items).toMatchObject([
      {
        outTradeNo: a.outTradeNo,
        resolution: 'matched_neighbour_day',
        resolvedBy: 'system',
        awaitingDay: '2026-11-27',
      },
    ]);
  });

  it('a QR opened in the last minutes of a day, closed, then paid after midnight is a payment after the close on the next day', async () => {
    env = await startEnv(at('2026-11-26T23:56:00'));
    const { core, clock } = env;
    const late = await paidAfterClose(env, 300); // lands at 00:01:00 on the 27th
    expect(core.payments.view(late.attemptId).state).toBe('closed');
    clock.set(at('2026-11-28T10:30:00'));
    const d1 = await run(env, D, ['alipay']);
    expect(d1.outcomes[0]).toMatchObject({ outcome: 'empty', items: 0 });
    const d2 = await run(env, '2026-11-27', ['alipay']);
    expect(brief(d2.view.items)).toEqual(['alipay:paid_after_close:paid_after_close']);
    expect(d2.view.items[0]).toMatchObject({ outTradeNo: late.outTradeNo, attemptId: late.attemptId });
  });
});

describe('refunds and newer statements', () => {
  it("matches the statement's refunds with the till's: by refund number (Alipay, WeChat), by amount (YeePay)", async () => {
    env = await startEnv();
    const { core, clock } = env;
    const refunded: string[] = [];
    for (const p of ['alipay', 'wechat', 'yeepay'] as const) {
      const sale = await paidSale(env, p);
      const id = core.store.tx(() =>
        core.refunds.intent({ attemptId: sale.attemptId, amountFen: 300, reason: 'one item returned' }, SYSTEM_ACTOR),
      );
      let view = await core.refunds.send(id);
      for (let i = 0; i < 5 && view.state !== 'succeeded'; i++) {
        clock.advance(15_000);
        await core.refunds.step(id);
        view = core.refunds.view(id);
      }
      expect(view.state).toBe('succeeded');
      refunded.push(sale.outTradeNo);
    }
    clock.set(at('2026-11-27T10:30:00'));
    const r = await run(env, D);
    expect(r.outcomes.map((o) => [o.provider, o.outcome, o.rows, o.matched, o.items])).toEqual([
      ['alipay', 'imported', 2, 2, 0],
      ['wechat', 'imported', 2, 2, 0],
      ['yeepay', 'imported', 2, 2, 0],
    ]);
    for (const p of r.view.providers) {
      expect(p.local.refunds).toEqual({ count: 1, sumFen: 300 });
      expect(p.statement!.refunds).toEqual({ count: 1, sumFen: 300 });
    }
  });

  it('a newer statement for the same day supersedes the older, keeping the decisions already taken', async () => {
    env = await startEnv(at('2026-11-27T10:00:00'));
    const { core } = env;
    const owner = { userId: null, name: 'owner', role: 'owner' as const, approvedBy: null };
    const row = (outTradeNo: string, amountFen: number) => ({
      outTradeNo,
      tradeNo: null,
      type: 'payment' as const,
      amountFen,
      feeFen: 0,
      refundNo: null,
      status: 'SUCCESS',
      at: at('2026-11-26T12:00:00'),
    });
    const statement = (rows: ReturnType<typeof row>[]) => ({
      provider: 'wechat' as const,
      day: D,
      merchantId: '1900000109',
      rows,
      totals: { count: rows.length, amountFen: rows.reduce((n, r) => n + r.amountFen, 0), refundFen: 0, feeFen: 0 },
    });
    const ctx = { provider: 'wechat' as const, day: D, actor: owner, trigger: 'manual' as const };
    const first = core.reconciliation.importStatement(statement([row('X1', 100), row('X2', 200)]), ctx);
    expect(first).toMatchObject({ outcome: 'imported', items: 2 });
    const [x1] = core.reconciliation.day(D).items;
    core.reconciliation.resolve(x1!.id, 'written_off', 'a test trade from the installer', owner);
    expect(core.reconciliation.importStatement(statement([row('X1', 100), row('X2', 200)]), ctx)).toMatchObject({
      outcome: 'already_imported',
      runId: first.runId,
    });
    const second = core.reconciliation.importStatement(
      statement([row('X1', 100), row('X2', 200), row('X3', 300)]),
      ctx,
    );
    expect(second).toMatchObject({ outcome: 'imported', items: 3 });
    const view = core.reconciliation.day(D);
    expect(view.providers.find((p) => p.provider === 'wechat')).toMatchObject({
      runId: second.runId,
      rowCount: 3,
      open: 2,
    });
    expect(view.items.map((i) => [i.outTradeNo, i.resolution])).toEqual([
      ['X2', null],
      ['X3', null],
      ['X1', 'written_off'],
    ]);
    const old = core.store.sqlite.prepare(`select status from recon_runs where id = ?`).get(first.runId) as {
      status: string;
    };
    expect(old.status).toBe('superseded');
    expect(
      core.store.sqlite
        .prepare(`select out_trade_no, resolution from recon_items where run_id = ? order by id`)
        .all(first.runId),
    ).toEqual([
      { out_trade_no: 'X1', resolution: 'written_off' },
      { out_trade_no: 'X2', resolution: 'superseded' },
    ]);
  });
});

describe('bad statements are refused and nothing is imported', () => {
  let shared: Env;
  beforeAll(async () => {
    shared = await startEnv();
    for (const p of ['alipay', 'wechat', 'yeepay'] as const) await paidSale(shared, p);
    shared.clock.set(at('2026-11-27T10:30:00'));
  });
  afterAll(async () => {
    await shared.close();
  });

  const text = (res: HttpResponse, f: (s: string) => string): HttpResponse => ({
    ...res,
    body: Buffer.from(f(res.body.toString('utf8')), 'utf8'),
  });
  /** rewrites the Alipay bill's detail CSV (GBK inside a zip) */
  const alipayDetail = async (res: HttpResponse, f: (s: string) => string, encoding = 'gbk'): Promise<HttpResponse> => {
    const zip = new JSZip();
    for (const e of readZip(res.body)) {
      const csv = iconv.decode(e.data, 'gbk');
      zip.file(e.name, e.name.includes('汇总') ? e.data : iconv.encode(f(csv), encoding));
    }
    return { ...res, body: await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }) };
  };

  const cases: [string, ProviderId, Mangle, RegExp][] = [
    [
      'garbage rows',
      'wechat',
      (_q, r) => text(r, (s) => s.replace('总交易单数', '`garbage,`more garbage\r\n总交易单数')),
      /line \d+ has 2 fields/,
    ],
    [
      'a garbage file',
      'yeepay',
      (_q, r) => ({ ...r, body: Buffer.from('this is not a statement\n\x00\x01\x02') }),
      /unexpected header/,
    ],
    ['the wrong day', 'wechat', (_q, r) => text(r, (s) => s.replaceAll('`2026-11-26 ', '`2026-11-25 ')), /wrong day/],
    [
      'the wrong day (Alipay)',
      'alipay',
      (_q, r) => alipayDetail(r, (s) => s.replace(/起始日期：\[2026年11月26日/, '起始日期：[2026年11月25日')),
      /for 2026-11-25, not 2026-11-26/,
    ],
    [
      'another merchant',
      'wechat',
      (_q, r) => text(r, (s) => s.replaceAll('`1900000109', '`1900000999')),
      /merchant 1900000999, not 1900000109/,
    ],
    [
      'another merchant (YeePay)',
      'yeepay',
      (_q, r) => text(r, (s) => s.replaceAll(',10001126856,', ',10000432521,')),
      /merchant 10000432521/,
    ],
    [
      'another Alipay account',
      'alipay',
      (_q, r) => alipayDetail(r, (s) => s.replace('20880000000000010156', '20889999999999990156')),
      /account 2088999/,
    ],
    [
      'a truncated zip',
      'alipay',
      (_q, r) => ({ ...r, body: r.body.subarray(0, Math.floor(r.body.length / 2)) }),
      /truncated|damaged/,
    ],
    [
      'another encoding (UTF-8 where GBK is expected)',
      'alipay',
      (_q, r) => alipayDetail(r, (s) => s, 'utf8'),
      /UTF-8, not GBK/,
    ],
    [
      'a missing totals line',
      'wechat',
      (_q, r) => text(r, (s) => s.trimEnd().split('\r\n').slice(0, -1).join('\r\n')),
      /truncated/,
    ],
    [
      'a missing #total line',
      'yeepay',
      (_q, r) =>
        text(r, (s) =>
          s
            .split('\n')
            .filter((l) => !l.startsWith('#total'))
            .join('\n'),
        ),
      /truncated/,
    ],
    [
      'an altered amount',
      'yeepay',
      (_q, r) => text(r, (s) => s.replace(/,PAYMENT,10\.50,/, ',PAYMENT,1.50,')),
      /altered/,
    ],
  ];

  it.each(cases)('%s (%s)', async (_name, provider, fn, reason) => {
    const { core } = shared;
    const imported = () => [
      count(core, 'recon_lines'),
      count(core, 'recon_items'),
      count(core, 'recon_runs', `where status in ('imported', 'empty')`),
    ];
    const before = imported();
    const refusedBefore = count(core, 'recon_runs', `where status = 'refused'`);
    shared.mangle.fn = fn;
    try {
      const r = await run(shared, D, [provider]);
      expect(r.outcomes).toEqual([
        {
          provider,
          outcome: 'refused',
          runId: expect.any(Number),
          rows: 0,
          items: 0,
          matched: 0,
          error: { code: 'STATEMENT_REFUSED', message: expect.stringMatching(reason) },
        },
      ]);
      expect(imported()).toEqual(before);
      expect(count(core, 'recon_runs', `where status = 'refused'`)).toBe(refusedBefore + 1);
      const p = r.view.providers.find((x) => x.provider === provider)!;
      expect(p).toMatchObject({
        status: 'refused',
        runId: null,
        statement: null,
        error: { code: 'STATEMENT_REFUSED' },
      });
    } finally {
      shared.mangle.fn = null;
    }
  });

  it('an unreachable intermediary: unavailable, nothing imported; then the good statement imports', async () => {
    const { core } = shared;
    shared.down.on = true;
    try {
      const r = await run(shared, D, ['wechat']);
      expect(r.outcomes[0]).toMatchObject({
        outcome: 'unavailable',
        error: { code: 'STATEMENT_UNAVAILABLE', message: expect.stringMatching(/refused|fetch failed/) },
      });
    } finally {
      shared.down.on = false;
    }
    const ok = await run(shared, D, ['wechat']);
    expect(ok.outcomes[0]).toMatchObject({ outcome: 'imported', matched: 1 });
    expect(ok.view.providers.find((p) => p.provider === 'wechat')).toMatchObject({ status: 'imported', error: null });
    expect(count(core, 'recon_lines')).toBe(1);
  });
});

describe('the daily run', () => {
  it('runs yesterday once per day at the configured time, never twice, and retries a failed download hourly', async () => {
    env = await startEnv(at('2026-11-26T12:00:00'));
    const { core, clock } = env;
    const r = core.reconciliation;
    await paidSale(env, 'alipay');
    await paidSale(env, 'wechat');

    clock.set(at('2026-11-27T09:59:00'));
    expect(await r.tick()).toEqual([]);
    expect(count(core, 'recon_runs')).toBe(0);
    clock.set(at('2026-11-27T10:00:00'));
    env.down.on = true; // WeChat's bill is not ready yet… (every download fails)
    expect(await r.tick()).toEqual(['alipay', 'wechat', 'yeepay']);
    expect(
      core.store.sqlite.prepare(`select provider, status, trigger, actor from recon_runs order by id`).all(),
    ).toEqual([
      { provider: 'alipay', status: 'unavailable', trigger: 'scheduled', actor: 'system' },
      { provider: 'wechat', status: 'unavailable', trigger: 'scheduled', actor: 'system' },
      { provider: 'yeepay', status: 'unavailable', trigger: 'scheduled', actor: 'system' },
    ]);
    env.down.on = false;
    clock.set(at('2026-11-27T10:30:00'));
    expect(await r.tick()).toEqual([]); // not before an hour
    clock.set(at('2026-11-27T11:00:00'));
    expect(await r.tick()).toEqual(['alipay', 'wechat', 'yeepay']);
    expect(
      core.store.sqlite
        .prepare(`select provider, status from recon_runs where status != 'unavailable' order by id`)
        .all(),
    ).toEqual([
      { provider: 'alipay', status: 'imported' },
      { provider: 'wechat', status: 'imported' },
      { provider: 'yeepay', status: 'empty' },
    ]);
    for (const t of ['2026-11-27T12:00:00', '2026-11-27T23:59:00']) {
      clock.set(at(t));
      expect(await r.tick()).toEqual([]); // once per day
    }
    expect(count(core, 'recon_runs')).toBe(6);

    // a new time of day; a restart keeps what ran (the runs are the record)
    expect(
      (
        await core.dispatch('recon.setSettings', {
          dailyAt: '11:30',
          bufferMinutes: 30,
          feeRatesPpm: {},
          approvalPin: OWNER_PIN,
        })
      ).ok,
    ).toBe(true);
    clock.set(at('2026-11-28T11:00:00'));
    expect(await r.tick()).toEqual([]);
    clock.set(at('2026-11-28T11:30:00'));
    const [one, two] = await Promise.all([r.tick(), r.tick()]); // a second tick joins the first
    expect(one).toEqual(['alipay', 'wechat', 'yeepay']);
    expect(two).toEqual(one);
    expect(core.store.sqlite.prepare(`select day, status from recon_runs where day = '2026-11-27'`).all()).toEqual([
      { day: '2026-11-27', status: 'empty' },
      { day: '2026-11-27', status: 'empty' },
      { day: '2026-11-27', status: 'empty' },
    ]);
    clock.set(at('2026-11-28T18:00:00'));
    expect(await r.tick()).toEqual([]);
    expect(count(core, 'recon_runs')).toBe(9);
  });

  it('gives up on a failed download after four tries', async () => {
    env = await startEnv(at('2026-11-27T10:00:00'));
    const { core, clock } = env;
    env.down.on = true;
    const ran: string[][] = [];
    for (let i = 0; i < 6; i++) {
      ran.push(await core.reconciliation.tick());
      clock.advance(61 * 60_000);
    }
    // Alipay answers "no bill" before any download: an empty day, done at once
    expect(ran).toEqual([
      ['alipay', 'wechat', 'yeepay'],
      ['wechat', 'yeepay'],
      ['wechat', 'yeepay'],
      ['wechat', 'yeepay'],
      [],
      [],
    ]);
    expect(count(core, 'recon_runs', `where provider = 'wechat' and status = 'unavailable'`)).toBe(4);
    expect(core.reconciliation.day('2026-11-26').providers.find((p) => p.provider === 'wechat')).toMatchObject({
      status: 'unavailable',
      error: { code: 'STATEMENT_UNAVAILABLE', message: expect.stringMatching(/connection refused/) },
    });
  });
});
