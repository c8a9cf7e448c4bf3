/**
 * What a match reads: the till's attempts and refunds a statement concerns (one range query for the
 * day widened by the cross-midnight buffer, plus batched lookups for the trades it names outside
 * it), the neighbour days' statements, and a digest of all of it, to tell whether the rows a match
 * read in a snapshot are still the same when the import is stored.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { ProviderId } from '../../../shared/types';
import type { Statement, StatementRow } from '../../intermediaries/provider';
import {
  bufferZone,
  indexAttempts,
  reconcile,
  type LocalAttempt,
  type LocalRefund,
  type LocalState,
  type MatchResult,
  type NeighbourDay,
} from '../../intermediaries/statement-match';
import type { Store } from '../../store/db';
import type { ReconRunRow } from '../../store/schema';
import { chunks } from '../../store/sql';
import { dayWindow, shiftDay } from './days';
import { CURRENT, type ReconSettingsSource } from './types';

/** An attempt's columns, read as arrays (Store.allRaw) and made the matcher's LocalAttempt by `attemptOf`. */
const ATTEMPT_COLUMNS = ['id', 'out_trade_no', 'mode', 'amount_fen', 'state', 'paid_at'] as const;
type AttemptValues = [
  id: number,
  outTradeNo: string,
  mode: string,
  amountFen: number,
  state: LocalState,
  paidAt: number | null,
];

function attemptOf(v: AttemptValues): LocalAttempt {
  return { id: v[0], outTradeNo: v[1], mode: v[2], amountFen: v[3], state: v[4], paidAt: v[5] };
}

interface RefundColumns {
  id: number;
  attempt_id: number;
  out_trade_no: string;
  refund_no: string;
  amount_fen: number;
  state: LocalRefund['state'];
  finished_at: number | null;
}

/** The sets a match looked up beyond the day's range, to digest the same rows again. */
export interface DigestKeys {
  named: string[];
  refundNos: string[];
  refundedTrades: number[];
}

/** A match, what it looked up, and how long loading and matching took. */
export interface MatchRead {
  match: MatchResult;
  keys: DigestKeys;
  loadMs: number;
  matchMs: number;
}

export class MatchReader {
  constructor(
    private readonly store: Store,
    private readonly settings: ReconSettingsSource,
  ) {}

  private get k() {
    return this.store.kysely;
  }

  private window(s: Statement): { from: number; to: number; bufferMs: number; lo: number; hi: number } {
    const { from, to } = dayWindow(s.day);
    const bufferMs = Math.max(0, this.settings.values.reconBufferMinutes) * 60_000;
    return { from, to, bufferMs, lo: from - bufferMs, hi: to + bufferMs };
  }

  /** The provider's attempts created or paid within the buffered day (one range query), as the matcher takes them. */
  private attemptsInRange(provider: ProviderId, lo: number, hi: number) {
    return this.k
      .selectFrom('payment_attempts')
      .select(ATTEMPT_COLUMNS)
      .where('method', '=', provider)
      .where((eb) =>
        eb.or([
          eb.and([eb('paid_at', '>=', lo), eb('paid_at', '<', hi)]),
          eb.and([eb('created_at', '>=', lo), eb('created_at', '<', hi)]),
        ]),
      );
  }

  private attemptsNamed(provider: ProviderId, trades: readonly string[]) {
    return this.k
      .selectFrom('payment_attempts')
      .select(ATTEMPT_COLUMNS)
      .where('method', '=', provider)
      .where('out_trade_no', 'in', trades);
  }

  private refunds(provider: ProviderId) {
    return this.k
      .selectFrom('refunds')
      .innerJoin('payment_attempts', 'payment_attempts.id', 'refunds.attempt_id')
      .select([
        'refunds.id',
        'refunds.attempt_id',
        'payment_attempts.out_trade_no',
        'refunds.refund_no',
        'refunds.amount_fen',
        'refunds.state',
        'refunds.finished_at',
      ])
      .where('refunds.method', '=', provider);
  }

  /**
   * Loads what the matcher needs for this statement (a few range and batched queries) and matches.
   * The rows come out of SQLite in the matcher's own shape (no second object per attempt), and each
   * statement row is joined to its attempt here, once, for the matcher too.
   */
  readAndMatch(s: Statement): MatchRead {
    const t0 = performance.now();
    const { from, to, bufferMs, lo, hi } = this.window(s);
    const provider = s.provider;
    // one range query for the (buffered) day
    const attempts = this.store.allRaw<AttemptValues>(this.attemptsInRange(provider, lo, hi)).map(attemptOf);
    const index = indexAttempts(attempts);
    const { byTrade } = index;
    let unique = index.unique;
    const rowAttempt = new Int32Array(s.rows.length);
    // trades the statement names that the day's range did not bring (refunds of older payments, late money)
    const named = new Set<string>();
    for (let k = 0; k < s.rows.length; k++) {
      const trade = (s.rows[k] as StatementRow).outTradeNo;
      const i = byTrade.get(trade);
      if (i === undefined) {
        rowAttempt[k] = -1;
        named.add(trade);
      } else rowAttempt[k] = i;
    }
    const namedList = [...named];
    let found = 0;
    for (const part of chunks(namedList)) {
      for (const r of this.store.allRaw<AttemptValues>(this.attemptsNamed(provider, part)).map(attemptOf)) {
        const size = byTrade.size;
        byTrade.set(r.outTradeNo, attempts.length);
        if (byTrade.size === size) unique = false;
        attempts.push(r);
        found++;
      }
    }
    if (found > 0) {
      for (let k = 0; k < s.rows.length; k++)
        if (rowAttempt[k] === -1) rowAttempt[k] = byTrade.get((s.rows[k] as StatementRow).outTradeNo) ?? -1;
    }

    const refunds = new Map<number, LocalRefund>();
    const putRefund = (r: RefundColumns): void => {
      refunds.set(r.id, {
        id: r.id,
        attemptId: r.attempt_id,
        outTradeNo: r.out_trade_no,
        refundNo: r.refund_no,
        amountFen: r.amount_fen,
        state: r.state,
        finishedAt: r.finished_at,
      });
    };
    for (const r of this.store.all(
      this.refunds(provider).where('refunds.finished_at', '>=', lo).where('refunds.finished_at', '<', hi),
    ))
      putRefund(r);
    const refundNos = new Set<string>();
    const refundedTrades = new Set<number>();
    for (let k = 0; k < s.rows.length; k++) {
      const r = s.rows[k] as StatementRow;
      if (r.type !== 'refund') continue;
      if (r.refundNo) refundNos.add(r.refundNo);
      const i = rowAttempt[k] as number;
      if (i >= 0) refundedTrades.add((attempts[i] as LocalAttempt).id);
    }
    const keys: DigestKeys = { named: namedList, refundNos: [...refundNos], refundedTrades: [...refundedTrades] };
    for (const part of chunks(keys.refundNos))
      for (const r of this.store.all(this.refunds(provider).where('refunds.refund_no', 'in', part))) putRefund(r);
    for (const part of chunks(keys.refundedTrades))
      for (const r of this.store.all(this.refunds(provider).where('refunds.attempt_id', 'in', part))) putRefund(r);

    const localRefunds = [...refunds.values()];
    const zone = bufferZone(attempts, localRefunds, from, to, bufferMs);
    const previousDay = shiftDay(s.day, -1);
    const nextDay = shiftDay(s.day, 1);
    const fee = this.settings.values.reconFeeRatesPpm[provider];
    const previous = this.neighbour(provider, previousDay, zone.previous);
    const next = this.neighbour(provider, nextDay, zone.next);
    const loadMs = performance.now() - t0;
    const m0 = performance.now();
    const match = reconcile({
      day: s.day,
      from,
      to,
      bufferMs,
      rows: s.rows,
      attempts,
      index: { byTrade, unique, rowAttempt },
      refunds: localRefunds,
      previous,
      next,
      previousDay,
      nextDay,
      feeRatePpm: typeof fee === 'number' ? fee : null,
    });
    return { match, keys, loadMs, matchMs: performance.now() - m0 };
  }

  /**
   * A digest of every row a match read: the same queries, each row's changing columns concatenated
   * by SQLite and hashed, and the neighbour days' statements in use. Equal digests: the match made on
   * the snapshot still holds. (A row only ever gains state and a payment time; ids never change.)
   */
  inputsDigest(s: Statement, keys: DigestKeys): string {
    const { lo, hi } = this.window(s);
    const provider = s.provider;
    const h = createHash('sha256');
    const attempts = (q: ReturnType<MatchReader['attemptsInRange']>) => {
      const r = this.store.first(
        this.k
          .selectFrom(q.as('d'))
          .select([
            sql<number>`count(*)`.as('n'),
            sql<
              string | null
            >`group_concat(d.id || ',' || d.state || ',' || ifnull(d.paid_at, '') || ',' || d.amount_fen, ';')`.as('g'),
          ]),
      );
      h.update(`a${r?.n ?? 0}:${r?.g ?? ''}\n`);
    };
    const refunds = (q: ReturnType<MatchReader['refunds']>) => {
      const r = this.store.first(
        this.k
          .selectFrom(q.as('d'))
          .select([
            sql<number>`count(*)`.as('n'),
            sql<
              string | null
            >`group_concat(d.id || ',' || d.state || ',' || ifnull(d.finished_at, '') || ',' || d.amount_fen || ',' || d.attempt_id, ';')`.as(
              'g',
            ),
          ]),
      );
      h.update(`r${r?.n ?? 0}:${r?.g ?? ''}\n`);
    };
    attempts(this.attemptsInRange(provider, lo, hi));
    for (const part of chunks(keys.named)) attempts(this.attemptsNamed(provider, part));
    refunds(this.refunds(provider).where('refunds.finished_at', '>=', lo).where('refunds.finished_at', '<', hi));
    for (const part of chunks(keys.refundNos)) refunds(this.refunds(provider).where('refunds.refund_no', 'in', part));
    for (const part of chunks(keys.refundedTrades))
      refunds(this.refunds(provider).where('refunds.attempt_id', 'in', part));
    for (const day of [shiftDay(s.day, -1), shiftDay(s.day, 1)])
      h.update(`n${this.currentRun(provider, day)?.id ?? ''}\n`);
    return h.digest('hex');
  }

  /** The statement in use for a provider and day (imported or empty), if any. */
  private currentRun(provider: ProviderId, day: string): ReconRunRow | undefined {
    return this.store.first(
      this.k
        .selectFrom('recon_runs')
        .selectAll()
        .where('provider', '=', provider)
        .where('day', '=', day)
        .where('status', 'in', CURRENT)
        .orderBy('id', 'desc')
        .limit(1),
    );
  }

  /** What a neighbour day's imported statement says about the given trades; null when not imported. */
  private neighbour(provider: ProviderId, day: string, trades: ReadonlySet<string>): NeighbourDay | null {
    const run = this.currentRun(provider, day);
    if (!run) return null;
    const payments = new Set<string>();
    const refunds = new Set<string>();
    for (const part of chunks([...trades])) {
      const lines = this.store.all(
        this.k
          .selectFrom('recon_lines')
          .select(['type', 'out_trade_no', 'refund_no', 'amount_fen'])
          .where('run_id', '=', run.id)
          .where('out_trade_no', 'in', part),
      );
      for (const l of lines) {
        if (l.type === 'payment') payments.add(l.out_trade_no);
        else {
          if (l.refund_no) refunds.add(l.refund_no);
          refunds.add(`${l.out_trade_no}#${l.amount_fen}`);
        }
      }
    }
    return { day, payments, refunds };
  }
}
