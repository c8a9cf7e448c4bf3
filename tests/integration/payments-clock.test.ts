/**
 * Time, through the one injected clock (issue 4, item 9): deadlines, the polling schedule, WeChat's
 * 5-minute close rule and business days, each run in milliseconds by moving a ManualClock by hand
 * and calling `payments.runDue()` — nothing here waits for real minutes. The last block drives the
 * background poller (`startPolling`) with scripted answers: a hanging answer must not stall the
 * others, and no more calls than the pool allows are in flight.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_MAX_POLLS_PER_SECOND,
  DEFAULT_TIMING,
  MIN_POLL_GAP_MS,
  nextPollAt,
  type PaymentTiming,
  type ProviderSource,
} from '../../src/main/core/payments/attempts';
import type {
  Called,
  CancelOutcome,
  CloseOutcome,
  CreateInput,
  CreateOutcome,
  ProviderId,
  QueryOutcome,
  TradeRef,
} from '../../src/main/intermediaries/provider';
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
  return t.core.store.sqlite
    .prepare('select next_poll_at, state, closing_since from payment_attempts where id = ?')
    .get(id) as {
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
  return t.core.store.sqlite
    .prepare('select kind, at, to_state from payment_journal where attempt_id = ? order by id')
    .all(attemptId) as {
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
    expect(kinds.slice(from)).toEqual([
      'attempt.deadline',
      'wire.query',
      'wire.close',
      'wire.query',
      'wire.close',
      'transition',
    ]);
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
  ] as const)(
    'a %s payment code: queried at its documented interval, cancelled at its own deadline',
    async (provider, code) => {
      await setup();
      const p = provider === 'alipay' ? alipay : wechat;
      p.then('create', { kind: 'waiting' });
      p.defaults.query = { kind: 'pending' };
      const a = await t.core.payments.start({
        orderId: confirmOrder().id,
        provider,
        mode: 'payment_code',
        authCode: code,
      });
      expect(a).toMatchObject({ state: 'pending', lastOutcome: { kind: 'waiting' } });
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
    },
  );

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
    const timing: PaymentTiming = {
      ...DEFAULT_TIMING,
      fastPollMs: 1_000,
      fastForMs: 60_000,
      slowPollMs: 3_000,
      qrTtlMs: 5 * 60_000,
    };
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

describe('answers that settle nothing: a backoff per attempt, never more than once a second, and the deadline still polled', () => {
  const paidWrong = (fen: number): QueryOutcome => ({
    kind: 'paid',
    trade: { tradeNo: 'T-WRONG', amountFen: fen, paidAt: null, buyer: null },
  });
  const backoff = [3_000, 6_000, 12_000, 24_000, 30_000];

  it('a validly signed answer with the wrong amount: asked again after 3, 6, 12, 24, then every 30 s, then at the deadline; never paid', async () => {
    await setup();
    const a = await startQr('alipay');
    alipay.defaults.query = paidWrong(a.amountFen + 100);
    // before the backoff, this answer left the attempt due at once: every tick (~3.6 a second) asked again
    const steps = await drive(a.id);
    expect(steps).toBeLessThan(20);
    const queries = alipay.times('query');
    expect(queries[0]).toBe(a.createdAt + DEFAULT_TIMING.fastPollMs);
    const g = gaps(queries);
    expect(g.slice(0, backoff.length)).toEqual(backoff);
    expect(new Set(g.slice(backoff.length, -1))).toEqual(new Set([30_000]));
    expect(Math.min(...g)).toBeGreaterThanOrEqual(1_000);
    // the last look is on the deadline, then the close
    expect(queries.at(-1)).toBe(a.deadlineAt);
    expect(alipay.times('close')).toEqual([a.deadlineAt]);
    expect(t.core.orders.get(a.orderId).status).toBe('open');
    expect(t.core.store.sqlite.prepare('select kind from payment_exceptions').all()).toEqual([
      { kind: 'amount_mismatch' },
    ]);
    expect(t.core.payments.view(a.id).state).toBe('expired');
  });

  it('an answer that fails verification (untrusted), or no answer at all (unknown), backs off the same way; a good answer puts it back on its schedule', async () => {
    await setup();
    const a = await startQr('alipay');
    const untrusted: QueryOutcome = { kind: 'untrusted', reason: 'bad_signature', detail: 'sign does not verify' };
    const unknown: QueryOutcome = { kind: 'unknown', reason: 'timeout' };
    alipay.then('query', untrusted, untrusted, unknown, unknown, { kind: 'pending' }, unknown, { kind: 'pending' });
    alipay.defaults.query = { kind: 'pending' };
    for (let i = 0; i < 8; i++) await toNextPoll(a.id);
    // 1 s (schedule), then untrusted ×2 and unknown ×2 in a row: 3, 6, 12, 24 s; pending: back to the 1 s schedule;
    // one unknown: 3 s again (the streak restarts); pending: 1 s
    expect(gaps(alipay.times('query'))).toEqual([3_000, 6_000, 12_000, 24_000, 1_000, 3_000, 1_000]);
    expect(t.core.payments.view(a.id)).toMatchObject({ state: 'pending', unknown: false });
  });

  it('a close that keeps failing backs off too, and a close that says "paid" while the amount is wrong does not make it ask every tick', async () => {
    await setup();
    const a = await startQr('alipay');
    alipay.defaults.query = paidWrong(a.amountFen - 1);
    alipay.defaults.close = { kind: 'paid' };
    t.clock.set(a.deadlineAt!);
    await drive(a.id, () => t.clock.now() > a.deadlineAt! + 5 * 60_000);
    const closes = alipay.times('close');
    expect(closes[0]).toBe(a.deadlineAt);
    expect(Math.min(...gaps(alipay.times('query')))).toBeGreaterThanOrEqual(1_000);
    // 5 minutes of a paid-with-the-wrong-amount trade: a query and a close every 30 s at most after the backoff, not ~4 a second
    expect(closes.length).toBeLessThanOrEqual(15);
    expect(gaps(closes).slice(0, 4)).toEqual([3_000, 6_000, 12_000, 24_000]);
    expect(t.core.orders.get(a.orderId).status).toBe('open');
  });

  it('whatever the answers (seeded mixes of pending, none yet, no answer, untrusted, wrong amount): never two asks within a second, and the deadline asked and closed on time', async () => {
    await setup();
    const outcomes: QueryOutcome[] = [
      { kind: 'pending' },
      { kind: 'not_found' },
      { kind: 'unknown', reason: 'timeout' },
      { kind: 'untrusted', reason: 'bad_signature', detail: 'sign does not verify' },
      paidWrong(1),
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: outcomes.length - 1 }), { minLength: 1, maxLength: 60 }),
        async (picks) => {
          alipay.log.length = 0;
          const a = await startQr('alipay');
          alipay.then('query', ...picks.map((i) => outcomes[i]));
          alipay.defaults.query = { kind: 'pending' };
          await drive(a.id);
          const queries = alipay.times('query', a.outTradeNo);
          expect(Math.min(...gaps(queries))).toBeGreaterThanOrEqual(MIN_POLL_GAP_MS);
          expect(queries.at(-1)).toBe(a.deadlineAt);
          expect(alipay.times('close', a.outTradeNo)).toEqual([a.deadlineAt]);
          expect(t.core.payments.view(a.id).state).toBe('expired');
          alipay.queue.query.length = 0;
        },
      ),
      { numRuns: 15, seed: 10 },
    );
  });

  it('the rule itself: at least a second after the last ask, on the deadline rather than past it or within a second of it', () => {
    const now = 1_000_000;
    expect(nextPollAt(now, 0, null)).toBe(now + MIN_POLL_GAP_MS);
    expect(nextPollAt(now, 250, null)).toBe(now + MIN_POLL_GAP_MS);
    expect(nextPollAt(now, 3_000, null)).toBe(now + 3_000);
    expect(nextPollAt(now, 3_000, null, 10_000)).toBe(now + 10_000); // stretched
    expect(nextPollAt(now, 3_000, now + 10_000)).toBe(now + 3_000);
    expect(nextPollAt(now, 3_000, now + 3_500)).toBe(now + 3_500); // the poll half a second before the deadline moves onto it
    expect(nextPollAt(now, 3_000, now + 2_000)).toBe(now + 2_000);
    expect(nextPollAt(now, 30_000, now + 5_000, 60_000)).toBe(now + 5_000); // neither backoff nor stretch skips the deadline
    expect(nextPollAt(now, 1_000, now + 1)).toBe(now + 1); // asked off the schedule a ms before the deadline: the deadline still gets its poll
    expect(nextPollAt(now, 1_000, now)).toBe(now + 1_000); // past the deadline: the closing step decides
  });
});

describe('many open payments: the schedule stretches to the published cap, fairly', () => {
  async function openMany(n: number): Promise<AttemptView[]> {
    const out: AttemptView[] = [];
    for (let i = 0; i < n; i++) out.push(await startQr(i % 2 === 0 ? 'alipay' : 'wechat'));
    return out;
  }
  const queriesOf = (a: AttemptView) => (a.provider === 'alipay' ? alipay : wechat).times('query', a.outTradeNo);

  /** Runs the poller's steps in time order until `until` (manual clock); every ask lands in the providers' logs. */
  async function runUntil(until: number): Promise<void> {
    for (;;) {
      const next = t.core.store.sqlite
        .prepare("select min(next_poll_at) as at from payment_attempts where state in ('created', 'pending')")
        .get() as { at: number | null };
      if (next.at === null || next.at > until) return;
      if (next.at > t.clock.now()) t.clock.set(next.at);
      await t.core.payments.runDue();
    }
  }

  it('40 open QR payments with a cap of 10 queries/s: each asked every 4 s instead of every second, all in turn, no second over the cap, deadlines on time', async () => {
    await setup({ timing: { ...DEFAULT_TIMING, maxPollsPerSecond: 10 } });
    const attempts = await openMany(40);
    const start = t.clock.now();
    alipay.defaults.query = { kind: 'pending' };
    wechat.defaults.query = { kind: 'pending' };
    await runUntil(start + 60_000);
    const all = [...alipay.times('query'), ...wechat.times('query')]
      .filter((q) => q <= start + 60_000)
      .sort((x, y) => x - y);
    // at most the cap on average: any 4 s (the stretched interval) holds at most 40 asks, one per attempt
    for (const from of all) expect(all.filter((q) => q >= from && q < from + 4_000).length).toBeLessThanOrEqual(40);
    expect(all.length).toBeLessThanOrEqual(10 * 60 + 40);
    // each attempt: asked every 4 s (40 ÷ 10/s), never more often; everyone in turn (the same count, ±1)
    const counts = attempts.map((a) => queriesOf(a).filter((q) => q <= start + 60_000).length);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    for (const a of attempts) {
      const g = gaps(queriesOf(a).filter((q) => q <= start + 60_000));
      expect(Math.min(...g)).toBeGreaterThanOrEqual(4_000);
      expect(Math.max(...g)).toBeLessThanOrEqual(4_000);
    }
    // and every deadline still gets its poll and its close on time
    await runUntil(start + DEFAULT_TIMING.qrTtlMs + 10 * 60_000);
    for (const a of attempts) {
      const p = a.provider === 'alipay' ? alipay : wechat;
      expect(queriesOf(a)).toContain(a.deadlineAt);
      if (a.provider === 'alipay') expect(p.times('close', a.outTradeNo)).toEqual([a.deadlineAt]);
      expect(t.core.payments.view(a.id).state).toBe('expired');
    }
  });

  it('below the cap nothing stretches: 10 open payments with a cap of 10/s are each asked every second', async () => {
    await setup({ timing: { ...DEFAULT_TIMING, maxPollsPerSecond: 10 } });
    const attempts = await openMany(10);
    const start = t.clock.now();
    await runUntil(start + 20_000);
    for (const a of attempts) expect(new Set(gaps(queriesOf(a)))).toEqual(new Set([1_000]));
  });

  it('the shipped cap is published and a till with a few open payments never meets it', () => {
    expect(DEFAULT_MAX_POLLS_PER_SECOND).toBeGreaterThanOrEqual(50);
    expect(MIN_POLL_GAP_MS).toBe(1_000);
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

    expect(
      numbers(await call<OrderSummary[]>('orders.list', { businessDay: '2026-11-26', approvalPin: OWNER_PIN })),
    ).toEqual(['20261126-0002', '20261126-0001']);
    expect(
      numbers(await call<OrderSummary[]>('orders.list', { businessDay: '2026-11-27', approvalPin: OWNER_PIN })),
    ).toEqual(['20261127-0002', '20261127-0001']);
    expect(
      numbers(await call<OrderSummary[]>('orders.list', { businessDay: '2026-11-28', approvalPin: OWNER_PIN })),
    ).toEqual(['20261128-0002', '20261128-0001']);
    expect(await call<OrderSummary[]>('orders.list', { businessDay: '2026-11-29', approvalPin: OWNER_PIN })).toEqual(
      [],
    );
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
    expect(
      numbers(await call<OrderSummary[]>('orders.list', { businessDay: '2026-11-27', approvalPin: OWNER_PIN })),
    ).toEqual(['20261127-0001']);
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
      alipay.then('query', {
        kind: 'paid',
        trade: { tradeNo: 'T1', amountFen: a.amountFen, paidAt: t.clock.now(), buyer: null },
      });
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
