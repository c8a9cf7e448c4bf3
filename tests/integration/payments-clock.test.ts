/**
 * Time, through the one injected clock (issue 4, item 9): deadlines, the polling schedule, WeChat's
 * 5-minute close rule and business days, each run in milliseconds by moving a ManualClock by hand
 * and calling `payments.runDue()` — nothing here waits for real minutes. The last block drives the
 * background poller (`startPolling`) with scripted answers: a hanging answer must not stall the
 * others, and no more calls than the pool allows are in flight.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_TIMING, type PaymentTiming, type ProviderSource } from '../../src/main/core/payments';
import type { Called, CancelOutcome, CloseOutcome, CreateInput, CreateOutcome, ProviderId, QueryOutcome, TradeRef } from '../../src/main/payments/provider';
import type { AttemptView, OrderSummary, OrderView } from '../../src/shared/types';
import { FakeProvider } from '../support/fake-provider';
import { must, startCore, type TestCore } from '../support/core';

type Op = 'create' | 'query' | 'close' | 'cancel';

/** A scripted provider that stamps every call with the manual clock (which stands still during a call). */
class TimedProvider extends FakeProvider {
  readonly log: { op: Op; at: number; outTradeNo: string }[] = [];
  /** out_trade_no → a query that answers only when the test lets it */
  readonly held = new Map<string, () => void>();
  hold = new Set<string>();
  /** answer queries after this many real ms (0: at once) */
  queryDelayMs = 0;
  queriesInFlight = 0;
  maxQueriesInFlight = 0;

  constructor(id: ProviderId) {
    super(id);
  }

  private stamp(op: Op, outTradeNo: string): void {
    this.log.push({ op, at: t.clock.now(), outTradeNo });
  }

  override create(input: CreateInput): Promise<Called<CreateOutcome>> {
    this.stamp('create', input.outTradeNo);
    return super.create(input);
  }

  override async query(ref: TradeRef): Promise<Called<QueryOutcome>> {
    this.stamp('query', ref.outTradeNo);
    this.queriesInFlight++;
    this.maxQueriesInFlight = Math.max(this.maxQueriesInFlight, this.queriesInFlight);
    try {
      if (this.hold.has(ref.outTradeNo)) await new Promise<void>((resume) => this.held.set(ref.outTradeNo, resume));
      else if (this.queryDelayMs > 0) await new Promise((r) => setTimeout(r, this.queryDelayMs));
      return await super.query(ref);
    } finally {
      this.queriesInFlight--;
    }
  }

  override close(ref: TradeRef): Promise<Called<CloseOutcome>> {
    this.stamp('close', ref.outTradeNo);
    return super.close(ref);
  }

  override cancel(ref: TradeRef): Promise<Called<CancelOutcome>> {
    this.stamp('cancel', ref.outTradeNo);
    return super.cancel(ref);
  }

  times(op: Op, outTradeNo?: string): number[] {
    return this.log.filter((c) => c.op === op && (!outTradeNo || c.outTradeNo === outTradeNo)).map((c) => c.at);
  }
}

/** another day's orders are the owner's: the clerk signed in passes the owner's PIN */
const OWNER_PIN = '8888';

let t: TestCore;
let alipay: TimedProvider;
let wechat: TimedProvider;
afterEach(() => t?.close());

async function setup(options: { timing?: PaymentTiming; timeZone?: string } = {}): Promise<void> {
  alipay = new TimedProvider('alipay');
  wechat = new TimedProvider('wechat');
  const map = new Map<ProviderId, TimedProvider>([
    ['alipay', alipay],
    ['wechat', wechat],
  ]);
  const providers: ProviderSource = {
    get: (id) => (map.has(id) ? { provider: map.get(id)!, sandbox: true } : undefined),
    all: () => [...map.values()].map((provider) => ({ provider, sandbox: true })),
  };
  t = await startCore({ providers, poll: false, ...options });
}

function confirmOrder(): OrderView {
  t.core.carts.add(t.core.catalog.findByCode('DRI-001')!.id, 1);
  return t.core.orders.confirm();
}

async function startQr(provider: ProviderId): Promise<AttemptView> {
  return t.core.payments.start({ orderId: confirmOrder().id, provider, mode: 'qr' });
}

function attempt(id: number): { next_poll_at: number | null; state: string; closing_since: number | null } {
  return t.core.store.sqlite.prepare('select next_poll_at, state, closing_since from payment_attempts where id = ?').get(id) as {
    next_poll_at: number | null;
    state: string;
    closing_since: number | null;
  };
}

/** Moves the clock to the attempt's next poll and runs what is due; false once nothing is scheduled. */
async function toNextPoll(id: number): Promise<boolean> {
  const next = attempt(id).next_poll_at;
  if (next === null) return false;
  if (next > t.clock.now()) t.clock.set(next);
  await t.core.payments.runDue();
  return true;
}

/** Polls on schedule until the attempt is final (or `until` says stop); returns how many steps it took. */
async function drive(id: number, until: () => boolean = () => false, maxSteps = 1_000): Promise<number> {
  for (let i = 0; i < maxSteps; i++) {
    const s = attempt(id).state;
    if (s !== 'created' && s !== 'pending') return i;
    if (until()) return i;
    if (!(await toNextPoll(id))) return i;
  }
  throw new Error(`attempt ${id} still ${attempt(id).state} after ${maxSteps} polls`);
}

function journalKinds(attemptId: number): { kind: string; at: number; to_state: string | null }[] {
  return t.core.store.sqlite.prepare('select kind, at, to_state from payment_journal where attempt_id = ? order by id').all(attemptId) as {
    kind: string;
    at: number;
    to_state: string | null;
  }[];
}

const gaps = (xs: readonly number[]) => xs.slice(1).map((x, i) => x - (xs[i] as number));

describe('deadlines', () => {
  it('a QR: one ms before its deadline it is an ordinary pending payment; at the deadline it is closing, queried first, then closed → expired', async () => {
    await setup();
    const a = await startQr('alipay');
    const deadline = a.deadlineAt!;
    expect(deadline).toBe(a.createdAt + DEFAULT_TIMING.qrTtlMs);
    // the customer asks to check one ms before the deadline: a query, nothing closed, and the next poll lands on the deadline
    t.clock.set(deadline - 1);
    const before = await t.core.payments.queryNow(a.id);
    expect(before).toMatchObject({ state: 'pending', closing: false });
    expect(alipay.count('query')).toBe(1);
    expect(alipay.count('close')).toBe(0);
    expect(attempt(a.id).next_poll_at).toBe(deadline);
    expect(await t.core.payments.runDue()).toBe(0); // still one ms early

    // at the deadline: the close does not get a definite answer the first time
    alipay.then('close', { kind: 'unknown', reason: 'timeout' });
    t.clock.set(deadline);
    expect(await t.core.payments.runDue()).toBe(1);
    expect(alipay.log.slice(-2).map((c) => `${c.op}@${c.at - deadline}`)).toEqual(['query@0', 'close@0']);
    expect(t.core.payments.view(a.id)).toMatchObject({ state: 'pending', closing: true, unknown: true });
    expect(attempt(a.id).closing_since).toBe(deadline);

    // the retry queries first again, then closes: expired, and the order is still open to be paid another way
    t.clock.advance(DEFAULT_TIMING.retryMs);
    await t.core.payments.runDue();
    expect(alipay.log.slice(-2).map((c) => c.op)).toEqual(['query', 'close']);
    expect(t.core.payments.view(a.id).state).toBe('expired');
    expect(t.core.orders.get(a.orderId).status).toBe('open');
    const kinds = journalKinds(a.id).map((j) => j.kind);
    const deadlineRow = journalKinds(a.id).find((j) => j.kind === 'attempt.deadline');
    expect(deadlineRow?.at).toBe(deadline);
    const from = kinds.indexOf('attempt.deadline');
    expect(kinds.slice(from)).toEqual(['attempt.deadline', 'wire.query', 'wire.close', 'wire.query', 'wire.close', 'transition']);
    expect(journalKinds(a.id).at(-1)?.to_state).toBe('expired');
  });

  it('a QR polled on schedule is closed at its deadline, not up to one interval later', async () => {
    await setup();
    const a = await startQr('alipay');
    // a "query now" off the poller's beat (a clerk's button, a notification) shifts every later poll by 500 ms
    t.clock.set(a.createdAt + 2_500);
    await t.core.payments.queryNow(a.id);
    await drive(a.id);
    expect(t.core.payments.view(a.id).state).toBe('expired');
    expect(alipay.times('close')).toEqual([a.deadlineAt]);
    expect(Math.max(...alipay.times('query'))).toBe(a.deadlineAt);
  });

  it.each([
    ['alipay', '281234567890123456'],
    ['wechat', '134567890123456789'],
  ] as const)('a %s payment code: queried at its documented interval, cancelled at its own deadline', async (provider, code) => {
    await setup();
    const p = provider === 'alipay' ? alipay : wechat;
    p.then('create', { kind: 'waiting' });
    p.defaults.query = { kind: 'pending' };
    const a = await t.core.payments.start({ orderId: confirmOrder().id, provider, mode: 'payment_code', authCode: code });
    expect(a).toMatchObject({ state: 'pending', lastOutcome: 'waiting' });
    const deadline = a.deadlineAt!;
    expect(deadline - a.createdAt).toBe(DEFAULT_TIMING.codeTtlMs[provider]);
    // the clerk presses "query now" after 1 s: the poller's beat is now off the deadline's
    t.clock.set(a.createdAt + 1_000);
    await t.core.payments.queryNow(a.id);
    await drive(a.id);

    const queries = p.times('query');
    expect(queries[0]).toBe(a.createdAt + 1_000);
    const onBeat = queries.filter((q) => q < deadline);
    expect(onBeat.length).toBeGreaterThan(5);
    expect(new Set(gaps(onBeat))).toEqual(new Set([DEFAULT_TIMING.codePollMs[provider]]));
    expect(queries.at(-1)).toBe(deadline); // the last look before cancelling, at the deadline
    expect(p.times('cancel')).toEqual([deadline]);
    expect(p.log.at(-1)?.op).toBe('cancel');
    expect(p.count('close')).toBe(0);
    expect(t.core.payments.view(a.id).state).toBe('expired');
  });

  it("WeChat's QR: closing from its deadline, queried meanwhile, and no close call before created + 5 minutes", async () => {
    await setup();
    const a = await startQr('wechat');
    const deadline = a.deadlineAt!;
    const fiveMinutes = a.createdAt + 5 * 60_000;
    expect(deadline).toBeLessThan(fiveMinutes); // the rule matters only because our QR lives 3 minutes
    await drive(a.id, () => t.clock.now() >= deadline);
    expect(t.clock.now()).toBe(deadline);
    await t.core.payments.runDue(); // nothing due at the same instant: still closing, not closed
    expect(t.core.payments.view(a.id)).toMatchObject({ state: 'pending', closing: true });
    expect(wechat.count('close')).toBe(0);

    await drive(a.id);
    const closes = wechat.times('close');
    expect(closes).toHaveLength(1);
    expect(closes[0]).toBeGreaterThanOrEqual(fiveMinutes);
    expect(closes[0]).toBeLessThanOrEqual(fiveMinutes + DEFAULT_TIMING.slowPollMs);
    const meanwhile = wechat.times('query').filter((q) => q >= deadline && q <= closes[0]!);
    expect(meanwhile.length).toBeGreaterThanOrEqual((fiveMinutes - deadline) / DEFAULT_TIMING.slowPollMs);
    expect(Math.max(...gaps(meanwhile))).toBeLessThanOrEqual(DEFAULT_TIMING.slowPollMs);
    expect(t.core.payments.view(a.id).state).toBe('expired');
  });
});

describe('polling cadence', () => {
  it('fast while the customer is likely paying, then slow: queries counted minute by minute', async () => {
    const timing: PaymentTiming = { ...DEFAULT_TIMING, fastPollMs: 1_000, fastForMs: 60_000, slowPollMs: 3_000, qrTtlMs: 5 * 60_000 };
    await setup({ timing });
    const a = await startQr('alipay');
    await drive(a.id);
    const queries = alipay.times('query').map((q) => q - a.createdAt);
    const perMinute = [1, 2, 3, 4, 5].map((m) => queries.filter((q) => q > (m - 1) * 60_000 && q <= m * 60_000).length);
    expect(perMinute).toEqual([60, 20, 20, 20, 20]);
    expect(new Set(gaps(queries.filter((q) => q <= 60_000)))).toEqual(new Set([1_000]));
    expect(new Set(gaps(queries.filter((q) => q >= 60_000)))).toEqual(new Set([3_000]));
    expect(alipay.times('close')).toEqual([a.deadlineAt]);
  });

  it('the shipped schedule starts fast and never asks more than once a second', () => {
    expect(DEFAULT_TIMING.fastPollMs).toBeGreaterThanOrEqual(1_000);
    expect(DEFAULT_TIMING.slowPollMs).toBeGreaterThan(DEFAULT_TIMING.fastPollMs);
    expect(DEFAULT_TIMING.fastForMs).toBeGreaterThanOrEqual(30_000);
  });
});

describe('business days', () => {
  const call = async <T>(method: string, input: unknown): Promise<T> => must(await t.core.dispatch(method, input)) as T;
  const numbers = (list: OrderSummary[]) => list.map((o) => o.number);

  it('Asia/Shanghai: 23:59:59.999 belongs to the day, 00:00:00.000 starts the next one and its numbering; a UTC midnight is no boundary', async () => {
    await setup({ timeZone: 'Asia/Shanghai' });
    const at = (iso: string) => {
      t.clock.set(iso);
      const o = confirmOrder();
      return `${o.businessDay} ${o.number}`;
    };
    expect(at('2026-11-26T15:59:59.998Z')).toBe('2026-11-26 20261126-0001'); // 23:59:59.998 in Shanghai
    expect(at('2026-11-26T15:59:59.999Z')).toBe('2026-11-26 20261126-0002'); // 23:59:59.999
    expect(at('2026-11-26T16:00:00.000Z')).toBe('2026-11-27 20261127-0001'); // 00:00:00.000: a new day, numbering restarts
    expect(at('2026-11-26T16:00:00.001Z')).toBe('2026-11-27 20261127-0002');
    // UTC midnight is 08:00 in Shanghai: the same business day, the numbering carries on
    expect(at('2026-11-27T23:59:59.999Z')).toBe('2026-11-28 20261128-0001');
    expect(at('2026-11-28T00:00:00.000Z')).toBe('2026-11-28 20261128-0002');

    expect(numbers(await call<OrderSummary[]>('orders.list', { businessDay: '2026-11-26', approvalPin: OWNER_PIN }))).toEqual(['20261126-0002', '20261126-0001']);
    expect(numbers(await call<OrderSummary[]>('orders.list', { businessDay: '2026-11-27', approvalPin: OWNER_PIN }))).toEqual(['20261127-0002', '20261127-0001']);
    expect(numbers(await call<OrderSummary[]>('orders.list', { businessDay: '2026-11-28', approvalPin: OWNER_PIN }))).toEqual(['20261128-0002', '20261128-0001']);
    expect(await call<OrderSummary[]>('orders.list', { businessDay: '2026-11-29', approvalPin: OWNER_PIN })).toEqual([]);
    // without a day, the list is today's in the store's zone, on either side of midnight
    t.clock.set('2026-11-26T15:59:59.999Z');
    expect(numbers(await call<OrderSummary[]>('orders.list', {}))).toEqual(['20261126-0002', '20261126-0001']);
    expect((await call<{ businessDay: string }>('app.info', {})).businessDay).toBe('2026-11-26');
    t.clock.set('2026-11-26T16:00:00.000Z');
    expect(numbers(await call<OrderSummary[]>('orders.list', {}))).toEqual(['20261127-0002', '20261127-0001']);
    expect((await call<{ businessDay: string }>('app.info', {})).businessDay).toBe('2026-11-27');
  });

  it('a store on UTC: the same two instants around UTC midnight fall on two days', async () => {
    await setup({ timeZone: 'UTC' });
    t.clock.set('2026-11-27T23:59:59.999Z');
    expect(confirmOrder()).toMatchObject({ businessDay: '2026-11-27', number: '20261127-0001' });
    t.clock.set('2026-11-28T00:00:00.000Z');
    expect(confirmOrder()).toMatchObject({ businessDay: '2026-11-28', number: '20261128-0001' });
    expect(numbers(await call<OrderSummary[]>('orders.list', { businessDay: '2026-11-27', approvalPin: OWNER_PIN }))).toEqual(['20261127-0001']);
  });
});

describe('the background poller', () => {
  async function openAttempts(n: number): Promise<AttemptView[]> {
    const out: AttemptView[] = [];
    for (let i = 0; i < n; i++) out.push(await startQr('alipay'));
    return out;
  }

  it('a query that hangs holds one slot: the other attempts keep being polled on schedule', async () => {
    await setup();
    const [stuck, ...others] = await openAttempts(3);
    alipay.hold.add(stuck!.outTradeNo);
    t.clock.advance(DEFAULT_TIMING.fastPollMs);
    t.core.payments.startPolling(5);
    try {
      // a round is over when each answer is stored (its next poll is in the future)
      const answered = (round: number) => {
        for (const o of others) {
          expect(alipay.times('query', o.outTradeNo)).toHaveLength(round);
          expect(attempt(o.id).next_poll_at).toBeGreaterThan(t.clock.now());
        }
      };
      await vi.waitFor(() => {
        expect(alipay.held.has(stuck!.outTradeNo)).toBe(true);
        answered(1);
      });
      for (let round = 2; round <= 4; round++) {
        t.clock.advance(DEFAULT_TIMING.fastPollMs);
        await vi.waitFor(() => answered(round));
      }
      expect(alipay.times('query', stuck!.outTradeNo)).toHaveLength(1); // one call in flight per attempt, never two
    } finally {
      t.core.payments.stopPolling();
      alipay.held.get(stuck!.outTradeNo)?.();
      await vi.waitFor(() => expect(alipay.queriesInFlight).toBe(0));
    }
    await vi.waitFor(() => expect(attempt(stuck!.id).next_poll_at).toBeGreaterThan(t.clock.now()));
  });

  it('an idle till asks the database nothing on each tick; a new payment wakes the poller, and it goes quiet again once the payment is final', async () => {
    await setup();
    const store = t.core.store;
    let reads = 0;
    const spies = (['first', 'all'] as const).map((m) => {
      const original = store[m].bind(store) as (q: never) => unknown;
      return vi.spyOn(store, m).mockImplementation(((q: never) => {
        reads++;
        return original(q);
      }) as never);
    });
    t.core.payments.startPolling(5);
    try {
      // the first round finds nothing open; the ticks after it (every 5 ms) read nothing
      await new Promise((r) => setTimeout(r, 30));
      const after = reads;
      await new Promise((r) => setTimeout(r, 100));
      expect(reads - after).toBe(0);

      // a payment started while it is quiet is polled on its schedule
      const a = await startQr('alipay');
      alipay.then('query', { kind: 'paid', trade: { tradeNo: 'T1', amountFen: a.amountFen, paidAt: t.clock.now(), buyer: null } });
      t.clock.advance(DEFAULT_TIMING.fastPollMs);
      await vi.waitFor(() => expect(attempt(a.id).state).toBe('paid'));
      expect(alipay.times('query', a.outTradeNo)).toHaveLength(1);

      // paid: nothing open, quiet again
      await new Promise((r) => setTimeout(r, 30));
      const paid = reads;
      await new Promise((r) => setTimeout(r, 100));
      expect(reads - paid).toBe(0);
    } finally {
      t.core.payments.stopPolling();
      for (const s of spies) s.mockRestore();
    }
  });

  it('never more calls in flight than maxConcurrentPolls, in the background and in runDue', async () => {
    await setup({ timing: { ...DEFAULT_TIMING, maxConcurrentPolls: 2 } });
    const attempts = await openAttempts(5);
    alipay.queryDelayMs = 5;
    t.clock.advance(DEFAULT_TIMING.fastPollMs);
    expect(await t.core.payments.runDue()).toBe(5);
    expect(alipay.count('query')).toBe(5);
    expect(alipay.maxQueriesInFlight).toBe(2);

    alipay.maxQueriesInFlight = 0;
    t.clock.advance(DEFAULT_TIMING.fastPollMs);
    t.core.payments.startPolling(5);
    try {
      await vi.waitFor(() => {
        for (const a of attempts) {
          expect(alipay.times('query', a.outTradeNo)).toHaveLength(2);
          expect(attempt(a.id).next_poll_at).toBeGreaterThan(t.clock.now());
        }
      });
    } finally {
      t.core.payments.stopPolling();
    }
    await vi.waitFor(() => expect(alipay.queriesInFlight).toBe(0));
    expect(alipay.maxQueriesInFlight).toBe(2);
  });
});
