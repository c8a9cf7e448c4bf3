/**
 * The statement matcher (the daily reconciliation's pure part): one intermediary's statement for one
 * day against the till's own payment attempts and refunds. Pure (no I/O, no clock): the core loads the
 * rows (core/reconciliation.ts), this decides. Its inputs and findings: statement-match-types.ts.
 *
 * Two passes, both by `out_trade_no` through Maps (100k rows against 100k attempts in well under a
 * second):
 *
 * - **theirs → ours**: every statement row is looked up locally. A payment unknown to the till is
 *   `missing_locally`; one the till closed, expired or saw fail is `paid_after_close`; one the till
 *   still waits for is a `status_mismatch`; a different amount is an `amount_mismatch`. A refund row
 *   is matched against the local refunds by refund number (our `out_request_no` / `out_refund_no`),
 *   else by amount within its trade; a reversal (Alipay cancel, WeChat REVOKED) of a trade the till
 *   closed is the money going back, not a difference.
 * - **ours → theirs**: every payment the till holds paid that day (and every refund it saw succeed)
 *   must be on the statement, else `missing_upstream`.
 *
 * The cross-midnight buffer: the intermediary's clock and the till's differ by seconds, and a payment
 * started before midnight can land after it. A local payment within `bufferMs` of a day edge that is
 * not on this day's statement is looked up on the neighbour day's statement (as imported) before it is
 * called missing; when that statement is not imported yet, the item is still raised but marked
 * `awaitingDay`, and the core settles it when the neighbour day is imported. The core loads local
 * attempts for the day widened by the buffer, so a statement row of an attempt created in the last
 * minutes of the previous day finds it.
 *
 * Fees: when an expected rate is configured, each row's fee must be the amount times the rate,
 * rounded either way to the fen (intermediaries differ in rounding); otherwise `fee_mismatch`.
 */
import { FINAL_UNPAID, PAID_STATES } from '../../shared/payment-states';
import type { StatementRow } from './provider';
import type {
  LocalAttempt,
  LocalRefund,
  LocalState,
  MatchInput,
  MatchItem,
  MatchResult,
  MatchTotals,
  NeighbourDay,
  Side,
} from './statement-match-types';

export { RECON_CATEGORIES } from './statement-match-types';
export type * from './statement-match-types';

const PAID: ReadonlySet<LocalState> = new Set(PAID_STATES);
const ENDED_UNPAID: ReadonlySet<LocalState> = new Set(FINAL_UNPAID);

export const DEFAULT_BUFFER_MS = 30 * 60_000;

/** The fee for `amountFen` at `ppm`, both roundings: intermediaries round either way. */
export function feeBounds(amountFen: number, ppm: number): { low: number; high: number } {
  const exact = amountFen * ppm;
  return { low: Math.floor(exact / 1_000_000), high: Math.ceil(exact / 1_000_000) };
}

const side = (): Side => ({ count: 0, sumFen: 0 });
const add = (s: Side, fen: number): void => {
  s.count++;
  s.sumFen += fen;
};

/** A reversal: Alipay cancel (refund number = order number), WeChat REVOKED. */
function isReversal(r: StatementRow): boolean {
  return r.status === 'REVOKED' || (r.refundNo !== null && r.refundNo === r.outTradeNo);
}

export function indexAttempts(attempts: readonly LocalAttempt[]): { byTrade: Map<string, number>; unique: boolean } {
  const byTrade = new Map<string, number>();
  let unique = true;
  for (let i = 0; i < attempts.length; i++) {
    const size = byTrade.size;
    byTrade.set((attempts[i] as LocalAttempt).outTradeNo, i); // the last one wins, as a lookup by number would
    if (byTrade.size === size) unique = false;
  }
  return { byTrade, unique };
}

/**
 * Rows are joined to attempts once, by index: the statement's rows and the till's attempts are each
 * looked up by out_trade_no a single time (hash lookups on 100k string keys are most of the cost of
 * a match), the rest of the work follows indexes into the two arrays.
 */
export function reconcile(input: MatchInput): MatchResult {
  const { from, to, bufferMs, feeRatePpm } = input;
  const items: MatchItem[] = [];
  const matched = { payments: 0, refunds: 0 };
  let onNeighbourDay = 0;

  // ---- indexes ----------------------------------------------------------------------------------
  const attempts = input.attempts;
  const rows = input.rows;
  const { byTrade, unique } = input.index ?? indexAttempts(attempts);
  let rowAttempt = input.index?.rowAttempt;
  if (!rowAttempt) {
    rowAttempt = new Int32Array(rows.length);
    for (let k = 0; k < rows.length; k++) rowAttempt[k] = byTrade.get((rows[k] as StatementRow).outTradeNo) ?? -1;
  }
  const attemptOf = (k: number): LocalAttempt | undefined => {
    const i = (rowAttempt as Int32Array)[k] as number;
    return i < 0 ? undefined : attempts[i];
  };
  const refundsByNo = new Map<string, LocalRefund>();
  const refundsByAttempt = new Map<number, LocalRefund[]>();
  for (const r of input.refunds) {
    refundsByNo.set(r.refundNo, r);
    const list = refundsByAttempt.get(r.attemptId);
    if (list) list.push(r);
    else refundsByAttempt.set(r.attemptId, [r]);
  }
  /** per attempt: the row of its first payment on the statement (any other is a duplicate), or -1 */
  const firstPay = new Int32Array(attempts.length).fill(-1);
  /** the same for trades the till does not know */
  const firstUnknownPay = new Map<string, number>();
  /** per trade: refund rows that are reversals, summed */
  const reversedFen = new Map<string, number>();
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k] as StatementRow;
    if (r.type === 'payment') {
      const i = rowAttempt[k] as number;
      if (i >= 0) {
        if (firstPay[i] === -1) firstPay[i] = k;
      } else if (!firstUnknownPay.has(r.outTradeNo)) firstUnknownPay.set(r.outTradeNo, k);
    } else if (isReversal(r)) {
      reversedFen.set(r.outTradeNo, (reversedFen.get(r.outTradeNo) ?? 0) + r.amountFen);
    }
  }
  const isFirstPayment = (k: number): boolean => {
    const i = (rowAttempt as Int32Array)[k] as number;
    return i >= 0 ? firstPay[i] === k : firstUnknownPay.get((rows[k] as StatementRow).outTradeNo) === k;
  };

  const totals: MatchTotals = {
    local: { payments: side(), refunds: side() },
    statement: { payments: side(), refunds: side(), feeFen: 0 },
    byMode: [],
  };
  const modes = new Map<string, { mode: string; local: Side; statement: Side }>();
  const modeOf = (mode: string) => {
    let m = modes.get(mode);
    if (!m) {
      m = { mode, local: side(), statement: side() };
      modes.set(mode, m);
    }
    return m;
  };

  const raise = (
    item: Omit<MatchItem, 'awaitingDay' | 'refundId' | 'refundNo'> &
      Partial<Pick<MatchItem, 'awaitingDay' | 'refundId' | 'refundNo'>>,
  ): void => {
    items.push({ awaitingDay: null, refundId: null, refundNo: null, ...item });
  };

  const checkFee = (r: StatementRow, attemptId: number | null): void => {
    if (feeRatePpm === null) return;
    const { low, high } = feeBounds(r.amountFen, feeRatePpm);
    if (r.feeFen >= low && r.feeFen <= high) return;
    raise({
      category: 'fee_mismatch',
      outTradeNo: r.outTradeNo,
      attemptId,
      refundNo: r.refundNo,
      oursFen: low === high || Math.abs(r.feeFen - low) < Math.abs(r.feeFen - high) ? low : high,
      theirsFen: r.feeFen,
      detail: { reason: 'fee', type: r.type, amountFen: r.amountFen, ratePpm: feeRatePpm, tradeNo: r.tradeNo },
    });
  };

  // ---- theirs → ours: payments ----------------------------------------------------------------
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k] as StatementRow;
    totals.statement.feeFen += r.type === 'payment' ? r.feeFen : -r.feeFen;
    if (r.type !== 'payment') continue;
    add(totals.statement.payments, r.amountFen);
    const a = attemptOf(k);
    add(modeOf(a?.mode ?? 'unknown').statement, r.amountFen);
    const base = { outTradeNo: r.outTradeNo, attemptId: a?.id ?? null, theirsFen: r.amountFen };
    if (!isFirstPayment(k)) {
      // the first payment row of a trade is the one indexed; any other is a duplicate
      raise({
        ...base,
        category: 'status_mismatch',
        oursFen: a?.amountFen ?? null,
        detail: { reason: 'duplicate_row', tradeNo: r.tradeNo, at: r.at },
      });
      continue;
    }
    checkFee(r, a?.id ?? null);
    if (!a) {
      raise({
        ...base,
        category: 'missing_locally',
        oursFen: null,
        detail: { reason: 'unknown_trade', tradeNo: r.tradeNo, at: r.at },
      });
      continue;
    }
    if (PAID.has(a.state)) {
      if (a.amountFen !== r.amountFen) {
        raise({
          ...base,
          category: 'amount_mismatch',
          oursFen: a.amountFen,
          detail: { reason: 'amount', tradeNo: r.tradeNo, state: a.state },
        });
      } else matched.payments++;
      continue;
    }
    if (ENDED_UNPAID.has(a.state)) {
      // paid, then given back by a reversal on the same statement: the money is back, as the till says
      if ((reversedFen.get(r.outTradeNo) ?? 0) === r.amountFen) {
        matched.payments++;
        continue;
      }
      raise({
        ...base,
        category: 'paid_after_close',
        oursFen: a.amountFen,
        detail: { reason: 'paid_after_close', state: a.state, tradeNo: r.tradeNo, at: r.at },
      });
      continue;
    }
    raise({
      ...base,
      category: 'status_mismatch',
      oursFen: a.amountFen,
      detail: { reason: 'pending_locally', state: a.state, tradeNo: r.tradeNo, at: r.at },
    });
  }

  // ---- theirs → ours: refunds -------------------------------------------------------------------
  const usedRefunds = new Set<number>();
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k] as StatementRow;
    if (r.type !== 'refund') continue;
    add(totals.statement.refunds, r.amountFen);
    const a = attemptOf(k);
    checkFee(r, a?.id ?? null);
    const base = { outTradeNo: r.outTradeNo, attemptId: a?.id ?? null, refundNo: r.refundNo, theirsFen: r.amountFen };
    if (!a) {
      raise({
        ...base,
        category: 'missing_locally',
        oursFen: null,
        detail: { reason: 'refund_of_unknown_trade', tradeNo: r.tradeNo, at: r.at },
      });
      continue;
    }
    let local = r.refundNo !== null ? refundsByNo.get(r.refundNo) : undefined;
    if (local && (local.attemptId !== a.id || usedRefunds.has(local.id))) local = undefined;
    if (!local && !isReversal(r)) {
      // no refund number of ours (YeePay's rows carry its own): match by amount within the trade
      local =
        refundsByAttempt
          .get(a.id)
          ?.find((x) => !usedRefunds.has(x.id) && x.amountFen === r.amountFen && x.state === 'succeeded') ??
        refundsByAttempt.get(a.id)?.find((x) => !usedRefunds.has(x.id) && x.amountFen === r.amountFen);
    }
    if (local) {
      usedRefunds.add(local.id);
      const withRefund = { ...base, refundId: local.id, refundNo: local.refundNo, oursFen: local.amountFen };
      if (local.amountFen !== r.amountFen) {
        raise({
          ...withRefund,
          category: 'amount_mismatch',
          detail: { reason: 'refund_amount', state: local.state, tradeNo: r.tradeNo },
        });
      } else if (local.state === 'succeeded') {
        matched.refunds++;
      } else {
        raise({
          ...withRefund,
          category: 'status_mismatch',
          detail: {
            reason: local.state === 'failed' ? 'refund_failed_locally' : 'refund_pending_locally',
            state: local.state,
            tradeNo: r.tradeNo,
          },
        });
      }
      continue;
    }
    if (isReversal(r)) {
      if (ENDED_UNPAID.has(a.state) || a.state === 'refunded') matched.refunds++;
      else
        raise({
          ...base,
          category: 'status_mismatch',
          oursFen: null,
          detail: { reason: 'reversed_upstream', state: a.state, tradeNo: r.tradeNo, at: r.at },
        });
      continue;
    }
    if (a.state === 'refunded' || a.state === 'partially_refunded') {
      // the till knows the trade was refunded but holds no refund row for it (refunded before
      // refunds were recorded one by one): matched by state, checked by amount
      if (r.amountFen <= a.amountFen) matched.refunds++;
      else
        raise({
          ...base,
          category: 'amount_mismatch',
          oursFen: a.amountFen,
          detail: { reason: 'refund_amount', state: a.state, tradeNo: r.tradeNo },
        });
      continue;
    }
    raise({
      ...base,
      category: 'status_mismatch',
      oursFen: null,
      detail: { reason: 'refunded_upstream_only', state: a.state, tradeNo: r.tradeNo, at: r.at },
    });
  }

  // ---- ours → theirs ------------------------------------------------------------------------------
  /** where a local event at `t` belongs: this day, a neighbour, and whether it sits in a buffer zone */
  const place = (
    t: number,
  ): { home: 'this' | 'other'; neighbour: NeighbourDay | null | undefined; neighbourDay: string | null } => {
    if (t < from || t >= to) return { home: 'other', neighbour: undefined, neighbourDay: null };
    if (t < from + bufferMs) return { home: 'this', neighbour: input.previous, neighbourDay: input.previousDay };
    if (t >= to - bufferMs) return { home: 'this', neighbour: input.next, neighbourDay: input.nextDay };
    return { home: 'this', neighbour: undefined, neighbourDay: null };
  };

  for (let i = 0; i < attempts.length; i++) {
    const a = attempts[i] as LocalAttempt;
    if (!PAID.has(a.state) || a.paidAt === null) continue;
    if (a.paidAt >= from && a.paidAt < to) {
      add(totals.local.payments, a.amountFen);
      add(modeOf(a.mode).local, a.amountFen);
    }
    // on the statement: a payment row of its trade (an out_trade_no given twice is looked up)
    if (firstPay[unique ? i : (byTrade.get(a.outTradeNo) as number)] !== -1) continue;
    const p = place(a.paidAt);
    if (p.home !== 'this') continue; // the neighbour day's run answers for it
    if (p.neighbour && p.neighbour.payments.has(a.outTradeNo)) {
      onNeighbourDay++;
      continue;
    }
    raise({
      category: 'missing_upstream',
      outTradeNo: a.outTradeNo,
      attemptId: a.id,
      oursFen: a.amountFen,
      theirsFen: null,
      awaitingDay: p.neighbour === null ? p.neighbourDay : null,
      detail: {
        reason: 'paid_locally_absent_upstream',
        state: a.state,
        paidAt: a.paidAt,
        checkedDay: p.neighbour ? p.neighbour.day : null,
      },
    });
  }

  for (const r of input.refunds) {
    if (r.state !== 'succeeded' || r.finishedAt === null) continue;
    if (r.finishedAt >= from && r.finishedAt < to) add(totals.local.refunds, r.amountFen);
    if (usedRefunds.has(r.id)) continue;
    const p = place(r.finishedAt);
    if (p.home !== 'this') continue;
    if (
      p.neighbour &&
      (p.neighbour.refunds.has(r.refundNo) || p.neighbour.refunds.has(`${r.outTradeNo}#${r.amountFen}`))
    ) {
      onNeighbourDay++;
      continue;
    }
    raise({
      category: 'missing_upstream',
      outTradeNo: r.outTradeNo,
      attemptId: r.attemptId,
      refundId: r.id,
      refundNo: r.refundNo,
      oursFen: r.amountFen,
      theirsFen: null,
      awaitingDay: p.neighbour === null ? p.neighbourDay : null,
      detail: {
        reason: 'refund_absent_upstream',
        finishedAt: r.finishedAt,
        checkedDay: p.neighbour ? p.neighbour.day : null,
      },
    });
  }

  totals.byMode = [...modes.values()].sort((x, y) => x.mode.localeCompare(y.mode));
  return { items, matched, onNeighbourDay, totals };
}

/** The out_trade_nos whose neighbour-day rows the matcher may ask about (local events in a buffer zone). */
export function bufferZone(
  attempts: readonly LocalAttempt[],
  refunds: readonly LocalRefund[],
  from: number,
  to: number,
  bufferMs: number,
): { previous: Set<string>; next: Set<string> } {
  const previous = new Set<string>();
  const next = new Set<string>();
  const put = (t: number, no: string): void => {
    if (t >= from && t < from + bufferMs) previous.add(no);
    if (t >= to - bufferMs && t < to) next.add(no);
  };
  for (const a of attempts) if (PAID.has(a.state) && a.paidAt !== null) put(a.paidAt, a.outTradeNo);
  for (const r of refunds) if (r.state === 'succeeded' && r.finishedAt !== null) put(r.finishedAt, r.outTradeNo);
  return { previous, next };
}
