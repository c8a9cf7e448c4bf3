/**
 * The crash matrix's child: the main-process core (createCore with the real intermediary clients,
 * pointed at the sandbox the parent started) on a data directory, doing one scripted sale.
 *
 *   node --import tsx tests/support/crash-child.ts '<json ChildInput>'
 *
 * `flow` mode sells: cart → confirm → cash, a QR or a payment code (or cart → cash in one step) → the customer pays (or not)
 * through the sandbox's control API → polling until every attempt is final. With POS_CRASH_POINT
 * set, the core kills this process with SIGKILL at that point (src/main/core/crash-points.ts).
 * `recover` mode only opens the core on the same directory and drives the poller until every
 * attempt is final — what the app does at start-up, minus the waiting.
 *
 * Time: a ManualClock that jumps straight to the next due poll, and the sandbox's clock is moved by
 * the same amount (its control API), so a 3-minute QR or WeChat's 5-minute close rule take
 * milliseconds. Progress goes to stdout as one JSON object per line.
 */
import { writeSync } from 'node:fs';
import { businessDay, ManualClock } from '../../src/main/core/clock';
import { SYSTEM_ACTOR } from '../../src/main/core/people/auth';
import { createCore, type Core } from '../../src/main/core/core';
import type { PaymentTiming } from '../../src/main/core/payments/attempts';
import { shiftDay } from '../../src/main/core/reconciliation/days';

export type CrashFlow =
  | { kind: 'confirm' }
  | { kind: 'cash' }
  /** the active cart confirmed and paid in cash in one transaction (checkout.cashSale) */
  | { kind: 'cash-sale' }
  | { kind: 'qr'; provider: 'alipay' | 'wechat'; customerPays: boolean }
  /** split tender: a cash part of `cashFen`, then a QR part for the rest */
  | { kind: 'split'; provider: 'alipay' | 'wechat'; customerPays: boolean; cashFen: number }
  | { kind: 'code'; provider: 'alipay' | 'wechat'; authCode: string }
  /** paid by payment code, then refunded in full through the intermediary */
  | { kind: 'refund'; provider: 'alipay' | 'wechat'; authCode: string }
  /** paid by payment code; the next day, past the daily time, the scheduled reconciliation imports the statements */
  | { kind: 'recon'; provider: 'alipay' | 'wechat'; authCode: string };

export interface ChildInput {
  mode: 'flow' | 'recover';
  dataDir: string;
  sandboxUrl: string;
  flow?: CrashFlow;
}

export type ChildLine =
  | { at: 'ready'; clock: number }
  | { at: 'order'; orderId: number; number: string; totalFen: number }
  | { at: 'attempt'; attemptId: number; outTradeNo: string; state: string }
  | { at: 'customer-paid'; outTradeNo: string }
  | { at: 'cash-paid'; orderId: number }
  | { at: 'refund'; refundId: number; refundNo: string }
  | { at: 'reconcile'; day: string }
  | { at: 'reconciled'; day: string; ran: string[]; again: string[] }
  | { at: 'done'; open: number; openRefunds: number; steps: number; clock: number };

/** Short deadlines, so that a flow reaches its close in a few dozen jumps of the clock. */
export const CRASH_TIMING: PaymentTiming = {
  qrTtlMs: 30_000,
  redirectTtlMs: 60_000,
  codeTtlMs: { alipay: 6_000, wechat: 6_000, yeepay: 6_000 },
  fastPollMs: 1_000,
  fastForMs: 5_000,
  slowPollMs: 5_000,
  codePollMs: { alipay: 3_000, wechat: 3_000, yeepay: 3_000 },
  retryMs: 2_000,
  orphanAfterMs: 2_000,
};

function emit(line: ChildLine): void {
  writeSync(1, JSON.stringify(line) + '\n');
}

async function control(base: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}/_sandbox/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`sandbox ${path}: HTTP ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Moves the till's clock and the sandbox's forward to `at` together. */
async function jumpTo(clock: ManualClock, sandboxUrl: string, at: number): Promise<void> {
  const jump = at - clock.now();
  if (jump <= 0) return;
  clock.advance(jump);
  await control(sandboxUrl, 'clock/advance', { ms: jump });
}

/**
 * Polls until no attempt is open and no refund unfinished: jump the clock (and the sandbox's) to the
 * earliest due poll, run what is due, repeat. Returns the rounds and what is still open.
 */
async function drive(
  core: Core,
  clock: ManualClock,
  sandboxUrl: string,
  maxRounds = 400,
): Promise<{ open: number; openRefunds: number; steps: number }> {
  const k = core.store.kysely;
  for (let steps = 0; ; steps++) {
    const open = core.store.all(
      k
        .selectFrom('payment_attempts')
        .select(['id', 'next_poll_at'])
        .where('state', 'in', ['created', 'pending'])
        .where('method', '!=', 'cash'),
    );
    const refunds = core.store.all(
      k.selectFrom('refunds').select(['id', 'next_poll_at']).where('state', 'in', ['requested', 'pending']),
    );
    const due = Math.min(...[...open, ...refunds].map((o) => o.next_poll_at ?? Number.POSITIVE_INFINITY));
    // nothing open; or parked for the owner (no next poll); or stuck — the parent judges which
    if (!Number.isFinite(due) || steps >= maxRounds) return { open: open.length, openRefunds: refunds.length, steps };
    await jumpTo(clock, sandboxUrl, due);
    await core.payments.runDue();
    await core.refunds.runDue();
  }
}

async function sell(core: Core, clock: ManualClock, input: ChildInput, flow: CrashFlow): Promise<void> {
  core.carts.add(core.catalog.findByCode('DRI-001')!.id, 2);
  core.carts.add(core.catalog.findByCode('SNA-001')!.id, 1);
  if (flow.kind === 'cash-sale') {
    const { order } = core.orders.cashSale(core.carts.view().totalFen + 500);
    emit({ at: 'order', orderId: order.id, number: order.number, totalFen: order.totalFen });
    emit({ at: 'cash-paid', orderId: order.id });
    return;
  }
  const order = core.orders.confirm();
  emit({ at: 'order', orderId: order.id, number: order.number, totalFen: order.totalFen });
  if (flow.kind === 'confirm') return;
  if (flow.kind === 'cash') {
    core.orders.payCash(order.id, order.totalFen + 500);
    emit({ at: 'cash-paid', orderId: order.id });
    return;
  }
  if (flow.kind === 'split') {
    // the cash part (change given), then the rest by QR: the order stays open in between
    core.orders.payCash(order.id, flow.cashFen + 200, null, flow.cashFen);
    emit({ at: 'cash-paid', orderId: order.id });
  }
  const a =
    flow.kind === 'qr' || flow.kind === 'split'
      ? await core.payments.start({ orderId: order.id, provider: flow.provider, mode: 'qr' })
      : await core.payments.start({
          orderId: order.id,
          provider: flow.provider,
          mode: 'payment_code',
          authCode: flow.authCode,
        });
  emit({ at: 'attempt', attemptId: a.id, outTradeNo: a.outTradeNo, state: a.state });
  if ((flow.kind === 'qr' || flow.kind === 'split') && flow.customerPays) {
    // the customer scans and pays before the till's first poll
    await control(input.sandboxUrl, `trades/${flow.provider}/${a.outTradeNo}/pay`, {});
    emit({ at: 'customer-paid', outTradeNo: a.outTradeNo });
  }
  if (flow.kind === 'recon') {
    if (a.state !== 'paid') throw new Error(`the payment to reconcile ended ${a.state}`);
    // the next day at noon (the daily run is due from 10:00): the scheduled run imports yesterday
    const day = businessDay(clock.now(), 'Asia/Shanghai');
    await jumpTo(clock, input.sandboxUrl, Date.parse(`${day}T12:00:00+08:00`) + 86_400_000);
    emit({ at: 'reconcile', day });
    await core.reconciliation.tick();
  }
  if (flow.kind === 'refund') {
    if (a.state !== 'paid') throw new Error(`the payment to refund ended ${a.state}`);
    // the refund outbox: the intent is committed (in the caller's transaction), then sent
    const refundId = core.store.tx(() =>
      core.refunds.intent(
        { attemptId: a.id, amountFen: a.amountFen, reason: 'the customer brought it back' },
        SYSTEM_ACTOR,
      ),
    );
    emit({ at: 'refund', refundId, refundNo: core.refunds.view(refundId).refundNo });
    await core.refunds.send(refundId);
  }
}

async function main(): Promise<void> {
  const input = JSON.parse(process.argv[2] ?? '{}') as ChildInput;
  // start where the sandbox's clock is, so both sides agree on deadlines
  const sandboxNow = Number((await control(input.sandboxUrl, 'clock'))['now_ms']);
  const clock = new ManualClock(sandboxNow);
  const core = await createCore({
    dataDir: input.dataDir,
    mode: 'browser',
    newStoreRequiresDrawer: false, // sells cash without opening a drawer
    clock,
    timeZone: 'Asia/Shanghai',
    sandboxBaseUrl: input.sandboxUrl,
    poll: false,
    timing: CRASH_TIMING,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  emit({ at: 'ready', clock: clock.now() });
  if (input.mode === 'flow') await sell(core, clock, input, input.flow ?? { kind: 'confirm' });
  const { open, openRefunds, steps } = await drive(core, clock, input.sandboxUrl);
  if (input.mode === 'recover' && input.flow?.kind === 'recon') {
    // what the app's schedule does at start-up; then the owner runs the day again by hand
    const day = shiftDay(businessDay(clock.now(), 'Asia/Shanghai'), -1);
    const ran = await core.reconciliation.tick();
    const again = (await core.reconciliation.run(day, SYSTEM_ACTOR)).outcomes.map((o) => `${o.provider}:${o.outcome}`);
    emit({ at: 'reconciled', day, ran, again });
  }
  emit({ at: 'done', open, openRefunds, steps, clock: clock.now() });
  core.close();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`crash-child: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
