/**
 * Defect 0 of the security review: an unpaid order taken as paid because another till — or this
 * till after a reinstall or a restore — used the same trade number at the same merchant account.
 *
 * Every case runs two tills (or one till twice) against ONE sandbox, i.e. one merchant account,
 * through the real intermediary clients over HTTP, exactly as a shop with two counters would.
 */
import { copyFileSync, cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/server';
import { ManualClock } from '../../src/main/core/clock';
import { createCore, type Core } from '../../src/main/core/core';
import { DB_FILE } from '../../src/main/store/db';
import { SEAL_FILE } from '../../src/main/core/payments/till-identity';
import { tempDir } from '../support/temp';

type Provider = 'alipay' | 'wechat' | 'yeepay';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function sandbox(): Promise<{ baseUrl: string }> {
  const sb = tempDir('pos-sandbox-');
  const s = await startSandbox({ port: 0, dataDir: sb.dir });
  cleanups.push(
    () => sb.cleanup(),
    () => s.close(),
  );
  return s;
}

/** A till on its own data directory (a fresh one unless given), pointed at the shared sandbox. */
async function till(
  baseUrl: string,
  opts: { dir?: string; clock?: ManualClock } = {},
): Promise<{ core: Core; clock: ManualClock; dir: string; close: () => void }> {
  let dir = opts.dir;
  if (!dir) {
    const t = tempDir('pos-till-');
    cleanups.push(t.cleanup);
    dir = t.dir;
  }
  const clock = opts.clock ?? new ManualClock(Date.now());
  const core = await createCore({
    dataDir: dir,
    mode: 'browser',
    newStoreRequiresDrawer: false, // sells cash without opening a drawer
    clock,
    timeZone: 'Asia/Shanghai',
    sandboxBaseUrl: baseUrl,
    poll: false,
    returnUrl: () => 'http://127.0.0.1:9/pay/yeepay/callback',
  });
  let open = true;
  const close = () => {
    if (open) core.close();
    open = false;
  };
  cleanups.push(close);
  return { core, clock, dir, close };
}

/** One Sprite (¥3.50), confirmed: order 0001 of the day on a fresh till. */
function sellSprite(core: Core): { id: number; number: string } {
  core.carts.add(core.catalog.findByCode('DRI-003')!.id, 1);
  const o = core.orders.confirm();
  return { id: o.id, number: o.number };
}

async function control(baseUrl: string, path: string): Promise<Response> {
  return fetch(`${baseUrl}/_sandbox/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
}

/** The customer pays this attempt at the sandbox (a YeePay trade exists once the cashier form is posted). */
async function customerPays(baseUrl: string, core: Core, attemptId: number): Promise<void> {
  const a = core.payments.view(attemptId);
  if (a.provider === 'yeepay') {
    const page = await fetch(a.redirect!.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(a.redirect!.fields).toString(),
    });
    expect(page.status).toBe(200);
  }
  expect((await control(baseUrl, `trades/${a.provider}/${a.outTradeNo}/pay`)).status).toBe(200);
}

/** Polls like the background poller for a while (3 s steps on the till's clock). */
async function poll(core: Core, clock: ManualClock, steps = 8): Promise<void> {
  for (let i = 0; i < steps; i++) {
    clock.advance(3_000);
    await core.payments.runDue();
  }
}

const modeOf = (p: Provider) => (p === 'yeepay' ? 'redirect' : 'qr') as 'qr' | 'redirect';

describe('trade numbers are unique per merchant account: two tills, one sandbox', () => {
  it.each(['alipay', 'wechat', 'yeepay'] as const)(
    '%s: till A is paid, till B sells the same item and nobody pays: B stays unpaid',
    async (provider) => {
      const { baseUrl } = await sandbox();
      const a = await till(baseUrl);
      const b = await till(baseUrl);
      const oa = sellSprite(a.core);
      const ob = sellSprite(b.core);
      // the same order number on both tills: the case that used to collide
      expect(ob.number).toBe(oa.number);
      const pa = await a.core.payments.start({ orderId: oa.id, provider, mode: modeOf(provider) });
      await customerPays(baseUrl, a.core, pa.id);
      await poll(a.core, a.clock, 3);
      expect(a.core.orders.get(oa.id).status).toBe('paid');

      const pb = await b.core.payments.start({ orderId: ob.id, provider, mode: modeOf(provider) });
      expect(pb.outTradeNo).not.toBe(pa.outTradeNo);
      expect(pb.state).toBe('pending');
      await poll(b.core, b.clock);
      expect(b.core.orders.get(ob.id).status).toBe('open');
      expect(b.core.payments.view(pb.id).state).toBe('pending');
      // B's own customer can still pay B's own trade
      await customerPays(baseUrl, b.core, pb.id);
      await poll(b.core, b.clock, 3);
      expect(b.core.orders.get(ob.id).status).toBe('paid');
    },
  );

  it("numbers carry the terminal and an installation code, within every intermediary's limits", async () => {
    const { baseUrl } = await sandbox();
    const a = await till(baseUrl);
    const o = sellSprite(a.core);
    const p = await a.core.payments.start({ orderId: o.id, provider: 'wechat', mode: 'qr' });
    expect(p.outTradeNo).toBe(`${o.number.replace('-', '')}T01${a.core.identity.installation}W1`);
    expect(p.outTradeNo).toMatch(/^[0-9A-Z]{1,32}$/);
    const cash = sellSprite(a.core);
    const paid = await a.core.dispatch('checkout.payCash', { orderId: cash.id, tenderedFen: 500 });
    expect(paid.ok).toBe(true);
    const row = a.core.store.sqlite
      .prepare(`select out_trade_no from payment_attempts where order_id = ?`)
      .get(cash.id) as { out_trade_no: string };
    expect(row.out_trade_no).toBe(`${cash.number.replace('-', '')}T01${a.core.identity.installation}C1`);
  });
});

describe('a reinstalled or restored till never repeats a number', () => {
  it('restoring a backup of the database takes a new installation code: the repeated order number gets a new trade number and is not paid', async () => {
    const { baseUrl } = await sandbox();
    const first = await till(baseUrl);
    const backup = join(first.dir, 'manual-backup.sqlite');
    await first.core.store.sqlite.backup(backup);
    first.core.identity.afterBackup();
    const before = first.core.identity.installation;
    const o1 = sellSprite(first.core);
    const p1 = await first.core.payments.start({ orderId: o1.id, provider: 'alipay', mode: 'qr' });
    await customerPays(baseUrl, first.core, p1.id);
    await poll(first.core, first.clock, 3);
    expect(first.core.orders.get(o1.id).status).toBe('paid');
    first.close();

    // the owner copies the backup over the database (in place, keeping the file's inode)
    copyFileSync(backup, join(first.dir, DB_FILE));
    rmSync(join(first.dir, `${DB_FILE}-wal`), { force: true });
    rmSync(join(first.dir, `${DB_FILE}-shm`), { force: true });
    const again = await till(baseUrl, { dir: first.dir });
    expect(again.core.identity.installation).not.toBe(before);
    expect(again.core.identity.history().at(-1)).toMatchObject({ reason: 'restored' });
    const o2 = sellSprite(again.core);
    expect(o2.number).toBe(o1.number);
    const p2 = await again.core.payments.start({ orderId: o2.id, provider: 'alipay', mode: 'qr' });
    expect(p2.outTradeNo).not.toBe(p1.outTradeNo);
    await poll(again.core, again.clock);
    expect(again.core.orders.get(o2.id).status).toBe('open');
  });

  it('a data folder copied to another place takes a new code; restarting in place keeps it', async () => {
    const { baseUrl } = await sandbox();
    const a = await till(baseUrl);
    const code = a.core.identity.installation;
    a.close();
    const same = await till(baseUrl, { dir: a.dir });
    expect(same.core.identity.installation).toBe(code);
    same.close();
    const t = tempDir('pos-copy-');
    cleanups.push(t.cleanup);
    const copy = join(t.dir, 'data');
    cpSync(a.dir, copy, { recursive: true });
    const moved = await till(baseUrl, { dir: copy });
    expect(moved.core.identity.installation).not.toBe(code);
    expect(moved.core.identity.history().at(-1)).toMatchObject({ reason: 'moved' });
  });

  it('a database whose seal file is missing (copied without its folder) takes a new code', async () => {
    const { baseUrl } = await sandbox();
    const a = await till(baseUrl);
    const code = a.core.identity.installation;
    a.close();
    rmSync(join(a.dir, SEAL_FILE));
    const b = await till(baseUrl, { dir: a.dir });
    expect(b.core.identity.installation).not.toBe(code);
    expect(b.core.identity.history().map((h) => h.installation)).toEqual([code, b.core.identity.installation]);
  });

  it('refund request numbers carry the current installation, so a refund after a restore is a new request', async () => {
    const { baseUrl } = await sandbox();
    const a = await till(baseUrl);
    const o = sellSprite(a.core);
    const p = await a.core.payments.start({ orderId: o.id, provider: 'alipay', mode: 'qr' });
    await customerPays(baseUrl, a.core, p.id);
    await poll(a.core, a.clock, 3);
    const owner = a.core.auth.users().find((u) => u.role === 'owner')!;
    await a.core.auth.login(owner.id, '8888');
    const r1 = await a.core.dispatch('refunds.create', {
      orderId: o.id,
      kind: 'amount',
      amountFen: 100,
      restock: false,
      reason: 'part of it',
      requestKey: 'req-00000001',
    });
    expect(r1.ok).toBe(true);
    const code1 = a.core.identity.installation;
    a.core.identity.rotate('restored', 'test');
    const r2 = await a.core.dispatch('refunds.create', {
      orderId: o.id,
      kind: 'amount',
      amountFen: 100,
      restock: false,
      reason: 'another part',
      requestKey: 'req-00000002',
    });
    expect(r2.ok).toBe(true);
    const nos = (
      a.core.store.sqlite.prepare('select refund_no from refunds order by id').all() as { refund_no: string }[]
    ).map((r) => r.refund_no);
    expect(nos).toEqual([`${p.outTradeNo}R${code1}1`, `${p.outTradeNo}R${a.core.identity.installation}2`]);
    expect(new Set(nos).size).toBe(2);
  });
});

describe('an answer about a trade this attempt did not create never pays the order', () => {
  /** Till B made a clone of till A's identity (as if detection had failed): its numbers repeat A's. */
  async function cloneIdentity(a: Core, b: Core): Promise<void> {
    b.store.sqlite
      .prepare(
        `insert into till_identity (installation, reason, detail, created_at) values (?, 'moved', 'test clone', 0)`,
      )
      .run(a.identity.installation);
    expect(b.identity.installation).toBe(a.identity.installation);
  }

  /** Till A sells a Sprite by QR and its customer pays; the attempt is returned. */
  async function paidAtA(
    baseUrl: string,
    a: { core: Core; clock: ManualClock },
    provider: 'alipay' | 'wechat',
  ): Promise<{ id: number; outTradeNo: string }> {
    const oa = sellSprite(a.core);
    const pa = await a.core.payments.start({ orderId: oa.id, provider, mode: 'qr' });
    await customerPays(baseUrl, a.core, pa.id);
    await poll(a.core, a.clock, 3);
    expect(a.core.orders.get(oa.id).status).toBe('paid');
    return pa;
  }

  it.each(['alipay', 'wechat'] as const)(
    '%s: the create call says the number is taken or paid → failed, a foreign_trade exception, a new code, never paid',
    async (provider) => {
      const { baseUrl } = await sandbox();
      const a = await till(baseUrl);
      const b = await till(baseUrl);
      await cloneIdentity(a.core, b.core);
      const pa = await paidAtA(baseUrl, a, provider);

      const ob = sellSprite(b.core);
      const code = b.core.identity.installation;
      const pb = await b.core.payments.start({ orderId: ob.id, provider, mode: 'qr' });
      expect(pb.outTradeNo).toBe(pa.outTradeNo);
      expect(pb).toMatchObject({ state: 'failed', lastOutcome: { kind: 'foreign_trade' } });
      await poll(b.core, b.clock);
      // a notification or "customer says they paid" for that number cannot pay it either
      await b.core.payments.queryNow(pb.id);
      expect(b.core.orders.get(ob.id).status).toBe('open');
      expect(b.core.payments.view(pb.id).state).toBe('failed');
      const att = b.core.exceptions.attention();
      const ex = att.exceptions.find((e) => e.attemptId === pb.id);
      expect(ex).toMatchObject({ kind: 'foreign_trade' });
      // nothing to refund or accept: it is not this till's money
      expect(ex!.resolutions).toEqual(['dismiss']);
      // the till took a new code; the clerk tries again and this customer's own payment goes through
      expect(b.core.identity.installation).not.toBe(code);
      expect(b.core.identity.history().at(-1)).toMatchObject({ reason: 'collision' });
      const retry = await b.core.payments.start({ orderId: ob.id, provider, mode: 'qr' });
      expect(retry.outTradeNo).not.toBe(pa.outTradeNo);
      await customerPays(baseUrl, b.core, retry.id);
      await poll(b.core, b.clock, 3);
      expect(b.core.orders.get(ob.id).status).toBe('paid');
      // till A's sale is untouched upstream: still paid, never closed or reversed by B
      await a.core.payments.queryNow(pa.id);
      expect(a.core.payments.view(pa.id).state).toBe('paid');
    },
  );

  /*
   * YeePay's order query (QueryOrdDetail) carries no pay time and its cashier page is a form the
   * browser posts (no create call the till sees answered), so for YeePay the unique numbers above
   * are the protection; the two-tills case for YeePay is the first describe's.
   */
  it.each(['alipay', 'wechat'] as const)(
    '%s: the create answer is lost, and the query finds a trade paid before the attempt existed → foreign, never paid, never closed',
    async (provider) => {
      const { baseUrl } = await sandbox();
      const a = await till(baseUrl);
      // till B's clock is 15 minutes on: its attempt is created well after A's trade was paid
      const b = await till(baseUrl, { clock: new ManualClock(Date.now() + 15 * 60_000) });
      await cloneIdentity(a.core, b.core);
      const pa = await paidAtA(baseUrl, a, provider);

      const ob = sellSprite(b.core);
      const scenario = await fetch(`${baseUrl}/_sandbox/scenarios`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'http_500', provider, operation: 'create', times: 1 }),
      });
      expect(scenario.status).toBe(201);
      const pb = await b.core.payments.start({ orderId: ob.id, provider, mode: 'qr' });
      expect(pb).toMatchObject({ state: 'pending', unknown: true });
      expect(pb.outTradeNo).toBe(pa.outTradeNo);
      await poll(b.core, b.clock);
      expect(b.core.orders.get(ob.id).status).toBe('open');
      expect(b.core.payments.view(pb.id)).toMatchObject({ state: 'failed', lastOutcome: { kind: 'foreign_trade' } });
      expect(b.core.exceptions.attention().exceptions.find((e) => e.attemptId === pb.id)).toMatchObject({
        kind: 'foreign_trade',
      });
      // past its deadline nothing is closed, cancelled or reversed upstream for it
      b.clock.advance(20 * 60_000);
      await b.core.payments.runDue();
      const wire = b.core.orders
        .get(ob.id)
        .journal.filter((j) => j.kind.startsWith('wire.'))
        .map((j) => j.kind);
      expect(wire.filter((k) => /close|cancel|reverse/.test(k))).toEqual([]);
      await a.core.payments.queryNow(pa.id);
      expect(a.core.payments.view(pa.id).state).toBe('paid');
    },
  );
});

describe('the till identity itself', () => {
  it('takes a new code when the host changes, never reuses one, and keeps numbers within 32 letters and digits', async () => {
    const { openStore } = await import('../../src/main/store/db');
    const { TillIdentity, terminalCode } = await import('../../src/main/core/payments/till-identity');
    const t = tempDir('pos-id-');
    cleanups.push(t.cleanup);
    const { store } = await openStore({ dataDir: t.dir });
    cleanups.push(() => store.close());
    const clock = new ManualClock('2026-12-02T02:00:00Z');
    let host = 'counter-1';
    let terminal = '收银台 front-desk 2';
    const id = new TillIdentity(
      store,
      clock,
      t.dir,
      () => terminal,
      undefined,
      () => host,
    );
    expect(id.check().rotated).toBeNull();
    expect(id.check().rotated).toBeNull();
    host = 'counter-2';
    expect(id.check().rotated).toBe('moved');
    expect(id.check().rotated).toBeNull();
    for (let i = 0; i < 50; i++) id.rotate('collision');
    const codes = id.history().map((h) => h.installation);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes.every((c) => /^[0-9A-HJKMNP-TV-Z]{6}$/.test(c))).toBe(true);
    expect(terminalCode(terminal)).toBe('FRON');
    terminal = '前台';
    expect(terminalCode(terminal)).toBe('T');
    terminal = 'T01';
    const no = id.tradeNo('20261202-9999', 'W', 999);
    expect(no).toMatch(/^[0-9A-Z]{1,32}$/);
    expect(no.length).toBeLessThanOrEqual(26);
    // the history is append-only
    expect(() => store.sqlite.prepare('update till_identity set installation = ?').run('AAAAAA')).toThrow(
      /never changed/,
    );
    expect(() => store.sqlite.prepare('delete from till_identity').run()).toThrow(/never deleted/);
  });
});
