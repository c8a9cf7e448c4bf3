/**
 * The pure reconciliation matcher: every category, the cross-midnight buffer, refunds by number and
 * by amount, fees, totals, and that the same input gives the same answer.
 */
import { describe, expect, it } from 'vitest';
import type { StatementRow } from '../../../src/main/intermediaries/provider';
import {
  bufferZone,
  feeBounds,
  reconcile,
  type LocalAttempt,
  type LocalRefund,
  type MatchInput,
  type NeighbourDay,
} from '../../../src/main/intermediaries/statement-match';

const DAY = '2026-11-26';
const FROM = Date.parse('2026-11-25T16:00:00Z'); // 2026-11-26 00:00 Beijing
const TO = FROM + 86_400_000;
const MIN = 60_000;
const NOON = FROM + 12 * 3600_000;

let ids = 0;
function attempt(outTradeNo: string, over: Partial<LocalAttempt> = {}): LocalAttempt {
  return {
    id: ++ids,
    outTradeNo,
    mode: 'qr',
    amountFen: 1050,
    state: 'paid',
    createdAt: NOON - MIN,
    paidAt: NOON,
    ...over,
  };
}
function pay(outTradeNo: string, over: Partial<StatementRow> = {}): StatementRow {
  return {
    outTradeNo,
    tradeNo: `T${outTradeNo}`,
    type: 'payment',
    amountFen: 1050,
    feeFen: 6,
    refundNo: null,
    status: 'SUCCESS',
    at: NOON,
    ...over,
  };
}
function refundRow(
  outTradeNo: string,
  refundNo: string | null,
  amountFen: number,
  over: Partial<StatementRow> = {},
): StatementRow {
  return {
    outTradeNo,
    tradeNo: `T${outTradeNo}`,
    type: 'refund',
    amountFen,
    feeFen: 0,
    refundNo,
    status: 'REFUND',
    at: NOON + 3600_000,
    ...over,
  };
}
function localRefund(
  a: LocalAttempt,
  refundNo: string,
  amountFen: number,
  over: Partial<LocalRefund> = {},
): LocalRefund {
  return {
    id: ++ids,
    attemptId: a.id,
    outTradeNo: a.outTradeNo,
    refundNo,
    amountFen,
    state: 'succeeded',
    finishedAt: NOON + 3600_000,
    ...over,
  };
}
function input(over: Partial<MatchInput>): MatchInput {
  return {
    day: DAY,
    from: FROM,
    to: TO,
    bufferMs: 30 * MIN,
    rows: [],
    attempts: [],
    refunds: [],
    previous: neighbour('2026-11-25'),
    next: neighbour('2026-11-27'),
    previousDay: '2026-11-25',
    nextDay: '2026-11-27',
    feeRatePpm: null,
    ...over,
  };
}
function neighbour(day: string, payments: string[] = [], refunds: string[] = []): NeighbourDay {
  return { day, payments: new Set(payments), refunds: new Set(refunds) };
}
const brief = (r: ReturnType<typeof reconcile>) =>
  r.items.map((i) => ({
    category: i.category,
    outTradeNo: i.outTradeNo,
    reason: i.detail.reason,
    awaitingDay: i.awaitingDay,
  }));

describe('reconcile: payments', () => {
  it('matches payments present on both sides and counts them', () => {
    const a = [attempt('A1'), attempt('A2', { mode: 'payment_code', amountFen: 300 })];
    const r = reconcile(input({ attempts: a, rows: [pay('A1'), pay('A2', { amountFen: 300 })] }));
    expect(r.items).toEqual([]);
    expect(r.matched).toEqual({ payments: 2, refunds: 0 });
    expect(r.totals.local.payments).toEqual({ count: 2, sumFen: 1350 });
    expect(r.totals.statement.payments).toEqual({ count: 2, sumFen: 1350 });
    expect(r.totals.byMode).toEqual([
      { mode: 'payment_code', local: { count: 1, sumFen: 300 }, statement: { count: 1, sumFen: 300 } },
      { mode: 'qr', local: { count: 1, sumFen: 1050 }, statement: { count: 1, sumFen: 1050 } },
    ]);
  });

  it('missing_locally: a statement payment the till has no attempt for', () => {
    const r = reconcile(input({ rows: [pay('X9')] }));
    expect(brief(r)).toEqual([
      { category: 'missing_locally', outTradeNo: 'X9', reason: 'unknown_trade', awaitingDay: null },
    ]);
    expect(r.items[0]).toMatchObject({ attemptId: null, oursFen: null, theirsFen: 1050 });
    expect(r.totals.byMode).toEqual([
      { mode: 'unknown', local: { count: 0, sumFen: 0 }, statement: { count: 1, sumFen: 1050 } },
    ]);
  });

  it('missing_upstream: paid locally at noon, absent from the statement', () => {
    const a = attempt('A1');
    const r = reconcile(input({ attempts: [a] }));
    expect(brief(r)).toEqual([
      { category: 'missing_upstream', outTradeNo: 'A1', reason: 'paid_locally_absent_upstream', awaitingDay: null },
    ]);
    expect(r.items[0]).toMatchObject({ attemptId: a.id, oursFen: 1050, theirsFen: null });
  });

  it('amount_mismatch: the statement paid another amount', () => {
    const r = reconcile(input({ attempts: [attempt('A1')], rows: [pay('A1', { amountFen: 1000 })] }));
    expect(brief(r)).toEqual([{ category: 'amount_mismatch', outTradeNo: 'A1', reason: 'amount', awaitingDay: null }]);
    expect(r.items[0]).toMatchObject({ oursFen: 1050, theirsFen: 1000 });
    expect(r.matched.payments).toBe(0);
  });

  it.each(['closed', 'expired', 'failed'] as const)(
    'paid_after_close: locally %s, the statement says paid',
    (state) => {
      const r = reconcile(input({ attempts: [attempt('A1', { state, paidAt: null })], rows: [pay('A1')] }));
      expect(brief(r)).toEqual([
        { category: 'paid_after_close', outTradeNo: 'A1', reason: 'paid_after_close', awaitingDay: null },
      ]);
      expect(r.items[0]!.detail.state).toBe(state);
    },
  );

  it.each(['created', 'pending'] as const)('status_mismatch: locally %s, the statement says paid', (state) => {
    const r = reconcile(input({ attempts: [attempt('A1', { state, paidAt: null })], rows: [pay('A1')] }));
    expect(brief(r)).toEqual([
      { category: 'status_mismatch', outTradeNo: 'A1', reason: 'pending_locally', awaitingDay: null },
    ]);
  });

  it('status_mismatch: the same trade twice on one statement', () => {
    const r = reconcile(input({ attempts: [attempt('A1')], rows: [pay('A1'), pay('A1')] }));
    expect(brief(r)).toEqual([
      { category: 'status_mismatch', outTradeNo: 'A1', reason: 'duplicate_row', awaitingDay: null },
    ]);
    expect(r.matched.payments).toBe(1);
  });

  it('a paid-then-reversed payment of a closed attempt is the money going back, not a difference', () => {
    const a = attempt('A1', { state: 'closed', paidAt: null, mode: 'payment_code' });
    const rows = [pay('A1'), refundRow('A1', 'A1', 1050, { status: 'REVOKED' })];
    const r = reconcile(input({ attempts: [a], rows }));
    expect(r.items).toEqual([]);
    expect(r.matched).toEqual({ payments: 1, refunds: 1 });
  });

  it('a reversal of a payment the till holds paid is a status_mismatch', () => {
    const a = attempt('A1');
    const r = reconcile(input({ attempts: [a], rows: [pay('A1'), refundRow('A1', 'A1', 1050)] }));
    expect(brief(r)).toEqual([
      { category: 'status_mismatch', outTradeNo: 'A1', reason: 'reversed_upstream', awaitingDay: null },
    ]);
  });
});

describe('reconcile: refunds', () => {
  it('matches a refund row to the local refund by refund number', () => {
    const a = attempt('A1', { state: 'partially_refunded', paidAt: NOON - 86_400_000 });
    const lr = localRefund(a, 'A1R1', 500);
    const r = reconcile(input({ attempts: [a], refunds: [lr], rows: [refundRow('A1', 'A1R1', 500)] }));
    expect(r.items).toEqual([]);
    expect(r.matched.refunds).toBe(1);
    expect(r.totals.local.refunds).toEqual({ count: 1, sumFen: 500 });
    expect(r.totals.statement.refunds).toEqual({ count: 1, sumFen: 500 });
  });

  it('matches by amount within the trade when the row carries no refund number of ours (YeePay)', () => {
    const a = attempt('A1', { state: 'refunded' });
    const refunds = [localRefund(a, 'A1R1', 300), localRefund(a, 'A1R2', 750)];
    const rows = [pay('A1'), refundRow('A1', 'YP-R-77', 750), refundRow('A1', null, 300)];
    const r = reconcile(input({ attempts: [a], refunds, rows }));
    expect(r.items).toEqual([]);
    expect(r.matched).toEqual({ payments: 1, refunds: 2 });
  });

  it('a refund of a trade the till does not know is missing_locally', () => {
    const r = reconcile(input({ rows: [refundRow('Z1', 'Z1R1', 100)] }));
    expect(brief(r)).toEqual([
      { category: 'missing_locally', outTradeNo: 'Z1', reason: 'refund_of_unknown_trade', awaitingDay: null },
    ]);
  });

  it('refunded upstream only: status_mismatch', () => {
    const a = attempt('A1', { paidAt: NOON - 86_400_000 });
    const r = reconcile(input({ attempts: [a], rows: [refundRow('A1', 'SOMEONE-ELSE', 200)] }));
    expect(brief(r)).toEqual([
      { category: 'status_mismatch', outTradeNo: 'A1', reason: 'refunded_upstream_only', awaitingDay: null },
    ]);
  });

  it('a local refund still pending or failed while the statement says refunded: status_mismatch', () => {
    const a = attempt('A1', { paidAt: NOON - 86_400_000 });
    const pending = localRefund(a, 'A1R1', 200, { state: 'pending', finishedAt: null });
    const b = attempt('B1', { paidAt: NOON - 86_400_000 });
    const failed = localRefund(b, 'B1R1', 200, { state: 'failed' });
    const r = reconcile(
      input({
        attempts: [a, b],
        refunds: [pending, failed],
        rows: [refundRow('A1', 'A1R1', 200), refundRow('B1', 'B1R1', 200)],
      }),
    );
    expect(brief(r).map((i) => i.reason)).toEqual(['refund_pending_locally', 'refund_failed_locally']);
    expect(r.items[0]).toMatchObject({ refundId: pending.id, refundNo: 'A1R1' });
  });

  it('refund amounts that differ: amount_mismatch', () => {
    const a = attempt('A1', { state: 'partially_refunded', paidAt: NOON - 86_400_000 });
    const r = reconcile(
      input({ attempts: [a], refunds: [localRefund(a, 'A1R1', 500)], rows: [refundRow('A1', 'A1R1', 400)] }),
    );
    expect(brief(r)).toEqual([
      { category: 'amount_mismatch', outTradeNo: 'A1', reason: 'refund_amount', awaitingDay: null },
    ]);
  });

  it('a refund the till saw succeed that the statement lacks: missing_upstream', () => {
    const a = attempt('A1', { state: 'refunded', paidAt: NOON - 86_400_000 });
    const lr = localRefund(a, 'A1R1', 1050);
    const r = reconcile(input({ attempts: [a], refunds: [lr] }));
    expect(brief(r)).toEqual([
      { category: 'missing_upstream', outTradeNo: 'A1', reason: 'refund_absent_upstream', awaitingDay: null },
    ]);
    expect(r.items[0]).toMatchObject({ refundId: lr.id, refundNo: 'A1R1' });
  });

  it('a refunded attempt without a refund row of its own (older data) is matched by state and amount', () => {
    const a = attempt('A1', { state: 'refunded', paidAt: NOON - 86_400_000 });
    expect(reconcile(input({ attempts: [a], rows: [refundRow('A1', 'X', 1050)] })).items).toEqual([]);
    expect(brief(reconcile(input({ attempts: [a], rows: [refundRow('A1', 'X', 9999)] })))[0]).toMatchObject({
      category: 'amount_mismatch',
    });
  });
});

describe('reconcile: fees', () => {
  it('fee_mismatch when a fee is outside amount × rate rounded either way', () => {
    expect(feeBounds(1050, 6000)).toEqual({ low: 6, high: 7 });
    const a = [attempt('A1'), attempt('A2'), attempt('A3')];
    const rows = [pay('A1', { feeFen: 6 }), pay('A2', { feeFen: 7 }), pay('A3', { feeFen: 9 })];
    const r = reconcile(input({ attempts: a, rows, feeRatePpm: 6000 }));
    expect(brief(r)).toEqual([{ category: 'fee_mismatch', outTradeNo: 'A3', reason: 'fee', awaitingDay: null }]);
    expect(r.items[0]).toMatchObject({ oursFen: 7, theirsFen: 9 });
    expect(r.matched.payments).toBe(3);
    expect(r.totals.statement.feeFen).toBe(22);
  });
  it('no rate configured: fees are not checked', () => {
    expect(reconcile(input({ attempts: [attempt('A1')], rows: [pay('A1', { feeFen: 999 })] })).items).toEqual([]);
  });
});

describe('reconcile: the cross-midnight buffer', () => {
  it('a payment in the last minutes, absent here, found on the next day: no item', () => {
    const a = attempt('A1', { paidAt: TO - 10_000 });
    const r = reconcile(input({ attempts: [a], next: neighbour('2026-11-27', ['A1']) }));
    expect(r.items).toEqual([]);
    expect(r.onNeighbourDay).toBe(1);
    expect(r.totals.local.payments.count).toBe(1); // the till's day still counts it
  });

  it('the same payment, next day not imported yet: raised, awaiting the next day', () => {
    const a = attempt('A1', { paidAt: TO - 10_000 });
    const r = reconcile(input({ attempts: [a], next: null }));
    expect(brief(r)).toEqual([
      {
        category: 'missing_upstream',
        outTradeNo: 'A1',
        reason: 'paid_locally_absent_upstream',
        awaitingDay: '2026-11-27',
      },
    ]);
  });

  it('the next day imported and without it: missing_upstream for good', () => {
    const a = attempt('A1', { paidAt: TO - 10_000 });
    const r = reconcile(input({ attempts: [a], next: neighbour('2026-11-27', ['OTHER']) }));
    expect(brief(r)).toEqual([
      { category: 'missing_upstream', outTradeNo: 'A1', reason: 'paid_locally_absent_upstream', awaitingDay: null },
    ]);
    expect(r.items[0]!.detail.checkedDay).toBe('2026-11-27');
  });

  it('a payment just after midnight is looked up on the previous day', () => {
    const a = attempt('A1', { paidAt: FROM + 5_000 });
    expect(reconcile(input({ attempts: [a], previous: neighbour('2026-11-25', ['A1']) })).items).toEqual([]);
    expect(brief(reconcile(input({ attempts: [a], previous: null })))[0]).toMatchObject({ awaitingDay: '2026-11-25' });
  });

  it('outside the buffer the neighbour is not consulted', () => {
    const a = attempt('A1', { paidAt: TO - 31 * MIN });
    expect(brief(reconcile(input({ attempts: [a], next: neighbour('2026-11-27', ['A1']) })))).toEqual([
      { category: 'missing_upstream', outTradeNo: 'A1', reason: 'paid_locally_absent_upstream', awaitingDay: null },
    ]);
  });

  it("a neighbour day's local payment (loaded through the buffer) is that day's business", () => {
    const before = attempt('B1', { paidAt: FROM - 60_000 });
    const after = attempt('C1', { paidAt: TO + 60_000 });
    const r = reconcile(input({ attempts: [before, after] }));
    expect(r.items).toEqual([]);
    expect(r.totals.local.payments.count).toBe(0);
  });

  it("a statement row for a payment the till recorded just before midnight matches (the till's clock is behind)", () => {
    const a = attempt('A1', { paidAt: FROM - 20_000 });
    const r = reconcile(input({ attempts: [a], rows: [pay('A1', { at: FROM + 5_000 })] }));
    expect(r.items).toEqual([]);
    expect(r.matched.payments).toBe(1);
  });

  it('an attempt created in the last minutes of the previous day, closed, then paid after midnight: paid_after_close, not missing_locally', () => {
    const a = attempt('A1', { state: 'closed', createdAt: FROM - 4 * MIN, paidAt: null });
    const r = reconcile(input({ attempts: [a], rows: [pay('A1', { at: FROM + 2 * MIN })] }));
    expect(brief(r)).toEqual([
      { category: 'paid_after_close', outTradeNo: 'A1', reason: 'paid_after_close', awaitingDay: null },
    ]);
  });

  it('refunds near midnight use the same buffer', () => {
    const a = attempt('A1', { state: 'refunded', paidAt: NOON - 86_400_000 });
    const lr = localRefund(a, 'A1R1', 1050, { finishedAt: TO - 1_000 });
    expect(
      reconcile(input({ attempts: [a], refunds: [lr], next: neighbour('2026-11-27', [], ['A1R1']) })).items,
    ).toEqual([]);
    expect(
      reconcile(input({ attempts: [a], refunds: [lr], next: neighbour('2026-11-27', [], ['A1#1050']) })).items,
    ).toEqual([]);
    expect(brief(reconcile(input({ attempts: [a], refunds: [lr], next: null })))[0]).toMatchObject({
      reason: 'refund_absent_upstream',
      awaitingDay: '2026-11-27',
    });
  });

  it('bufferZone names the trades near each edge', () => {
    const near = [
      attempt('P1', { paidAt: FROM + 1_000 }),
      attempt('N1', { paidAt: TO - 1_000 }),
      attempt('M1'),
      attempt('U1', { state: 'closed', paidAt: null }),
    ];
    const z = bufferZone(near, [], FROM, TO, 30 * MIN);
    expect([...z.previous]).toEqual(['P1']);
    expect([...z.next]).toEqual(['N1']);
  });
});

describe('reconcile: determinism', () => {
  it('the same input gives the same result (re-running changes nothing)', () => {
    const attempts = [
      attempt('A1'),
      attempt('A2', { state: 'closed', paidAt: null }),
      attempt('A3', { paidAt: TO - 1000 }),
    ];
    const rows = [pay('A1', { amountFen: 1 }), pay('A2'), pay('X1')];
    const one = reconcile(input({ attempts, rows, next: null, feeRatePpm: 6000 }));
    const two = reconcile(input({ attempts, rows, next: null, feeRatePpm: 6000 }));
    expect(two).toEqual(one);
    expect(one.items.map((i) => i.category).sort()).toEqual([
      'amount_mismatch',
      'fee_mismatch',
      'missing_locally',
      'missing_upstream',
      'paid_after_close',
    ]);
  });

  it('matches a large statement through Maps (timings: npm run bench, section reconcile)', () => {
    const n = 20_000;
    const attempts: LocalAttempt[] = [];
    const rows: StatementRow[] = [];
    for (let i = 0; i < n; i++) {
      const no = `20261126${String(i).padStart(6, '0')}A1`;
      attempts.push({
        id: i + 1,
        outTradeNo: no,
        mode: i % 3 ? 'qr' : 'payment_code',
        amountFen: 100 + (i % 977),
        state: 'paid',
        createdAt: FROM + i * 800,
        paidAt: FROM + i * 800 + 100,
      });
      rows.push({
        outTradeNo: no,
        tradeNo: `T${i}`,
        type: 'payment',
        amountFen: 100 + (i % 977),
        feeFen: 1,
        refundNo: null,
        status: 'SUCCESS',
        at: FROM + i * 800 + 200,
      });
    }
    const r = reconcile(input({ attempts, rows }));
    expect(r.matched.payments).toBe(n);
    expect(r.items).toEqual([]);
    expect(r.totals.local.payments.count).toBe(n);
  });
});
