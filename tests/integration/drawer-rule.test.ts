/**
 * The store's rule "require an open drawer before a cash sale" (issue 12, finding 10), through
 * `core.dispatch` as a clerk would call it, and as a hostile clerk calling the methods directly:
 * - a new store starts with it on (the product default); a store from an earlier version, which has
 *   no value, reads it off and sells as before;
 * - on: `checkout.payCash` and `checkout.cashSale` are refused with DRAWER_NOT_OPEN and write
 *   nothing while this terminal has no open session; opened with a float, the same cash goes through;
 * - a drawer closed between the order's confirm and its cash is seen inside the cash's transaction;
 * - intermediary payments are not affected;
 * - changing the rule is the owner's, audited.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src/main/core/core';
import { SYSTEM_ACTOR } from '../../src/main/core/people/auth';
import type { ProviderSource } from '../../src/main/core/payments/attempts';
import { ManualClock } from '../../src/main/core/clock';
import { openStore } from '../../src/main/store/db';
import { MIGRATION_NAMES } from '../../src/main/store/migrations';
import type { ProviderId } from '../../src/main/intermediaries/provider';
import type { ErrorCode } from '../../src/shared/errors';
import type { CashSessionState, PaidOrder } from '../../src/shared/types';
import { FakeProvider } from '../support/fake-provider';
import { must, startCore, tempDir } from '../support/core';

const OWNER_PIN = '8888';
const OWNER = { ...SYSTEM_ACTOR, name: 'owner', role: 'owner' as const };

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

function providers(): ProviderSource {
  const map = new Map<ProviderId, FakeProvider>([['alipay', new FakeProvider('alipay')]]);
  return {
    get: (id) => (map.has(id) ? { provider: map.get(id)!, sandbox: true } : undefined),
    all: () => [...map.values()].map((provider) => ({ provider, sandbox: true })),
  };
}

/** A core on `dir` started the way the app starts (no opt-out: the product's default for a new store). */
async function open(dir: string): Promise<Core> {
  const core = await createCore({
    dataDir: dir,
    mode: 'browser',
    clock: new ManualClock('2026-11-26T02:00:00Z'),
    timeZone: 'Asia/Shanghai',
    poll: false,
    providers: providers(),
  });
  cleanups.push(() => core.close());
  return core;
}

async function freshDir(): Promise<string> {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  return dir;
}

async function refused(core: Core, method: string, input: unknown): Promise<{ code: ErrorCode; message: string }> {
  const r = await core.dispatch(method, input);
  if (r.ok) throw new Error(`${method} should have been refused`);
  return r.error;
}

const state = async (core: Core) => must(await core.dispatch('cashSession.current', {})) as CashSessionState;

/** Everything a sale writes: orders, their lines, payments, the timeline, the audit log, the day counters. */
function written(core: Core): Record<string, number> {
  const count = (table: string) =>
    (core.store.sqlite.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
  return Object.fromEntries(
    ['orders', 'order_lines', 'payment_attempts', 'payment_journal', 'audit_log', 'day_counters'].map((t) => [
      t,
      count(t),
    ]),
  );
}

function fillCart(core: Core): void {
  core.carts.add(core.catalog.findByCode('DRI-001')!.id, 2);
}

describe('require an open drawer before a cash sale', () => {
  it('is on for a new store: cash is refused with DRAWER_NOT_OPEN and nothing is written, until the drawer is opened', async () => {
    const core = await open(await freshDir());
    expect((await state(core)).requireOpenDrawer).toBe(true);

    // the one-step sale: refused, no order left behind, the cart as it was
    fillCart(core);
    const before = written(core);
    const oneStep = await refused(core, 'checkout.cashSale', { tenderedFen: 1000 });
    expect(oneStep.code).toBe('DRAWER_NOT_OPEN');
    expect(written(core)).toEqual(before);
    expect(core.carts.view().lines).toHaveLength(1);

    // confirm, then cash: the order stays open, no payment, no timeline row
    const order = must(await core.dispatch('checkout.confirm', {})) as { id: number; totalFen: number };
    const confirmed = written(core);
    expect((await refused(core, 'checkout.payCash', { orderId: order.id, tenderedFen: 1000 })).code).toBe(
      'DRAWER_NOT_OPEN',
    );
    expect(written(core)).toEqual(confirmed);
    expect(core.orders.get(order.id).status).toBe('open');

    // the float: the same cash goes through at once, and lands in the session (on its Z)
    must(await core.dispatch('cashSession.open', { floatFen: 20_000 }));
    const paid = must(await core.dispatch('checkout.payCash', { orderId: order.id, tenderedFen: 1000 })) as PaidOrder;
    expect(paid.order.status).toBe('paid');
    expect(core.cashSessions.x().drawer.cashSalesFen).toBe(order.totalFen);
  });

  it('is off for a store from an earlier version (no value): cash is taken without a drawer, as before', async () => {
    const dir = await freshDir();
    // the store as the previous version left it: one migration behind, and no value for the rule
    const previous = MIGRATION_NAMES[MIGRATION_NAMES.length - 2]!;
    const { store } = await openStore({ dataDir: dir, migrateTo: previous });
    store.close();
    const core = await open(dir);
    expect(core.migration.from).toBe(previous);
    expect((await state(core)).requireOpenDrawer).toBe(false);
    fillCart(core);
    const paid = must(await core.dispatch('checkout.cashSale', { tenderedFen: 1000 })) as PaidOrder;
    expect(paid.order.status).toBe('paid');
    expect((await state(core)).session).toBeNull();
  });

  it('keeps what the store has across restarts: on for a new store, off once the owner turned it off', async () => {
    const dir = await freshDir();
    let core = await open(dir);
    core.close();
    core = await open(dir);
    expect((await state(core)).requireOpenDrawer).toBe(true);
    must(await core.dispatch('cashSession.setRequireOpen', { required: false, approvalPin: OWNER_PIN }));
    core.close();
    core = await open(dir);
    expect((await state(core)).requireOpenDrawer).toBe(false);
  });

  it('lets test fixtures opt a new store out explicitly (the product default stays on)', async () => {
    const t = await startCore({ poll: false });
    cleanups.push(t.close);
    expect((must(await t.core.dispatch('cashSession.current', {})) as CashSessionState).requireOpenDrawer).toBe(false);
  });

  it('sees a drawer closed between the confirm and the cash, inside the cash transaction', async () => {
    const core = await open(await freshDir());
    must(await core.dispatch('cashSession.open', { floatFen: 10_000 }));
    fillCart(core);
    const order = core.orders.confirm();
    // the owner closes the drawer (its Z) after the clerk confirmed
    core.cashSessions.close({ denominations: { '10000': 1 } }, OWNER);
    const before = written(core);
    // past the handler's early check: the order's own transaction refuses
    expect(() => core.orders.payCash(order.id, 1000)).toThrow(expect.objectContaining({ code: 'DRAWER_NOT_OPEN' }));
    expect((await refused(core, 'checkout.payCash', { orderId: order.id, tenderedFen: 1000 })).code).toBe(
      'DRAWER_NOT_OPEN',
    );
    expect(written(core)).toEqual(before);
    expect(core.orders.get(order.id).status).toBe('open');
  });

  it("refuses the owner's override to cash too, before the owner is asked, while the drawer is not open", async () => {
    const core = await open(await freshDir());
    fillCart(core);
    const order = core.orders.confirm();
    await core.payments.start({ orderId: order.id, provider: 'alipay', mode: 'qr' });
    const before = written(core);
    const r = await refused(core, 'checkout.payCash', {
      orderId: order.id,
      tenderedFen: 1000,
      overrideOpenAttempt: true,
      approvalPin: OWNER_PIN,
    });
    expect(r.code).toBe('DRAWER_NOT_OPEN');
    expect(written(core)).toEqual(before);
  });

  it('does not touch intermediary payments: a QR payment starts with the drawer not open', async () => {
    const core = await open(await freshDir());
    fillCart(core);
    const order = core.orders.confirm();
    const attempt = must(
      await core.dispatch('payments.start', { orderId: order.id, provider: 'alipay', mode: 'qr' }),
    ) as { state: string };
    expect(attempt.state).not.toBe('failed');
  });

  it("is the owner's to change: a clerk without the PIN is refused and nothing changes; the owner's change is audited", async () => {
    const core = await open(await freshDir());
    const audits = () =>
      core.store.sqlite
        .prepare(`select actor_name, approved_by, before, after from audit_log where action = 'cash.requireOpenDrawer'`)
        .all() as { actor_name: string; approved_by: string | null; before: string; after: string }[];
    expect((await refused(core, 'cashSession.setRequireOpen', { required: false })).code).toBe(
      'OWNER_APPROVAL_REQUIRED',
    );
    expect((await refused(core, 'cashSession.setRequireOpen', { required: false, approvalPin: '0000' })).code).toBe(
      'WRONG_PIN',
    );
    expect((await state(core)).requireOpenDrawer).toBe(true);
    expect(audits()).toHaveLength(0);

    const after = must(
      await core.dispatch('cashSession.setRequireOpen', { required: false, approvalPin: OWNER_PIN }),
    ) as CashSessionState;
    expect(after.requireOpenDrawer).toBe(false);
    const rows = audits();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.approved_by).not.toBeNull();
    expect(JSON.parse(rows[0]!.before)).toEqual({ requireOpenDrawer: true });
    expect(JSON.parse(rows[0]!.after)).toEqual({ requireOpenDrawer: false });

    // off: the clerk sells cash without a drawer again
    fillCart(core);
    expect((must(await core.dispatch('checkout.cashSale', { tenderedFen: 1000 })) as PaidOrder).order.status).toBe(
      'paid',
    );
  });
});
