/**
 * Writes what an import found, inside the import's transaction: the run (or, for a statement refused
 * or not downloaded, only a run row with the reason), every statement line, the differences, the
 * late money they show, the superseding of an older statement of the same day, the settling of items
 * that waited for this day, and the audit row.
 */
import type { ReconAutoResolution, ReconRunOutcome } from '../../../shared/types';
import type { Statement } from '../../intermediaries/provider';
import type { MatchItem, MatchResult } from '../../intermediaries/statement-match';
import type { ReconItemRow } from '../../store/schema';
import { chunks } from '../../store/sql';
import { SYSTEM_ACTOR } from '../people/auth';
import { crashPoint } from '../crash-points';
import { PaymentTruth } from '../payments/truth';
import { actorName, CURRENT, type ReconciliationOptions, type RunContext } from './types';

/** statement lines per INSERT (10 columns each: well under SQLite's 32766 parameters) */
const LINES_PER_INSERT = 200;

export class RunWriter {
  constructor(
    private readonly o: Pick<ReconciliationOptions, 'store' | 'clock' | 'audit'>,
    private readonly log: (line: string) => void,
  ) {}

  private get k() {
    return this.o.store.kysely;
  }

  private get store() {
    return this.o.store;
  }

  /** Records a refused or failed download: one run row with the reason, nothing imported. */
  failed(ctx: RunContext, status: 'refused' | 'unavailable', reason: string): ReconRunOutcome {
    const code = status === 'refused' ? 'STATEMENT_REFUSED' : 'STATEMENT_UNAVAILABLE';
    const runId = this.store.tx(() => {
      const id = this.store.run(
        this.k.insertInto('recon_runs').values({
          provider: ctx.provider,
          day: ctx.day,
          sha256: null,
          status,
          trigger: ctx.trigger,
          actor: actorName(ctx.actor),
          started_at: ctx.startedAt,
          imported_at: null,
          merchant_id: null,
          totals: null,
          error_code: code,
          error: reason.slice(0, 2000),
        }),
      ).lastInsertRowid;
      this.o.audit.record(ctx.actor, 'recon.run', `${ctx.provider} ${ctx.day}`, {
        after: { runId: id, status, reason },
      });
      return id;
    });
    this.log(`${ctx.provider} ${ctx.day}: ${status}: ${reason}`);
    return {
      provider: ctx.provider,
      outcome: status,
      runId,
      rows: 0,
      items: 0,
      matched: 0,
      error: { code, message: reason },
    };
  }

  /** The outcome of a statement imported before (the same SHA-256), if it was. */
  alreadyImported(run: RunContext, sha: string): ReconRunOutcome | null {
    const existing = this.store.first(
      this.k
        .selectFrom('recon_runs')
        .selectAll()
        .where('provider', '=', run.provider)
        .where('day', '=', run.day)
        .where('sha256', '=', sha),
    );
    if (!existing) return null;
    const n = this.store.first(
      this.k
        .selectFrom('recon_items')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('run_id', '=', existing.id),
    );
    return {
      provider: run.provider,
      outcome: 'already_imported',
      runId: existing.id,
      rows: existing.row_count,
      items: Number(n?.n ?? 0),
      matched: existing.matched_count,
      error: null,
    };
  }

  /** Stores an import (inside the caller's transaction): the run, every line, the items and their effects, the audit row. */
  storeImport(run: RunContext, statement: Statement, sha: string, match: MatchResult): ReconRunOutcome {
    const now = this.o.clock.now();
    const matched = match.matched.payments + match.matched.refunds;
    const runId = this.store.run(
      this.k.insertInto('recon_runs').values({
        provider: run.provider,
        day: run.day,
        sha256: sha,
        status: statement.rows.length > 0 ? 'imported' : 'empty',
        trigger: run.trigger,
        actor: actorName(run.actor),
        started_at: run.startedAt,
        imported_at: now,
        merchant_id: statement.merchantId,
        row_count: statement.rows.length,
        matched_count: matched,
        totals: JSON.stringify({ ...match.totals, onNeighbourDay: match.onNeighbourDay }),
        error_code: null,
        error: null,
      }),
    ).lastInsertRowid;
    crashPoint('recon.import-in-tx');
    this.insertLines(runId, statement);
    this.insertItems(runId, match.items, now);
    this.openLateMoney(match.items, run.day, now);
    const superseded = this.supersede(run, runId, now);
    const settled = this.settleAwaiting(run, statement, now);
    this.o.audit.record(run.actor, 'recon.run', `${run.provider} ${run.day}`, {
      after: {
        runId,
        status: statement.rows.length > 0 ? 'imported' : 'empty',
        sha256: sha,
        rows: statement.rows.length,
        matched,
        items: match.items.length,
        superseded,
        settled,
      },
    });
    return {
      provider: run.provider,
      outcome: statement.rows.length > 0 ? 'imported' : 'empty',
      runId,
      rows: statement.rows.length,
      items: match.items.length,
      matched,
      error: null,
    };
  }

  /**
   * The statement's rows: multi-row inserts of LINES_PER_INSERT rows, each shape built once by
   * kysely and prepared once by the store (100k rows in a few hundred statements instead of 100k).
   */
  private insertLines(runId: number, s: Statement): void {
    const n = s.rows.length;
    if (n === 0) return;
    const compiled = new Map<number, string>();
    const statementFor = (count: number) => {
      let text = compiled.get(count);
      if (text === undefined) {
        const blank = {
          run_id: 0,
          line_no: 0,
          type: 'payment' as const,
          out_trade_no: '',
          trade_no: null,
          refund_no: null,
          amount_fen: 0,
          fee_fen: 0,
          status: '',
          at: null,
        };
        text = this.k
          .insertInto('recon_lines')
          .values(Array.from({ length: count }, () => blank))
          .compile().sql;
        compiled.set(count, text);
      }
      return text;
    };
    for (let start = 0; start < n; start += LINES_PER_INSERT) {
      const end = Math.min(n, start + LINES_PER_INSERT);
      const params: unknown[] = [];
      for (let i = start; i < end; i++) {
        const r = s.rows[i]!;
        params.push(runId, i + 1, r.type, r.outTradeNo, r.tradeNo, r.refundNo, r.amountFen, r.feeFen, r.status, r.at);
      }
      this.store.runCompiled(statementFor(end - start), params);
    }
  }

  /**
   * Money the statement shows for an attempt the till had closed is late money: it opens the same
   * `paid_after_close` exception the poller would (once per attempt), so the owner can refund it or
   * keep it on the order from "To check"; the reconciliation item only records the decision.
   */
  private openLateMoney(items: readonly MatchItem[], day: string, now: number): void {
    const late = items.filter((i) => i.category === 'paid_after_close' && i.attemptId !== null);
    if (late.length === 0) return;
    // what is known of those attempts, in a few batched queries (a thousand late payments were four
    // compiled queries each, with the write lock held)
    const ids = [...new Set(late.map((i) => i.attemptId as number))];
    const seen = new Set<number>();
    const attempts = new Map<number, { order_id: number; state: string; foreign_at: number | null }>();
    for (const part of chunks(ids)) {
      for (const e of this.store.all(
        this.k
          .selectFrom('payment_exceptions')
          .select('attempt_id')
          .where('attempt_id', 'in', part)
          .where('kind', '=', 'paid_after_close'),
      )) {
        if (e.attempt_id !== null) seen.add(e.attempt_id);
      }
      for (const a of this.store.all(
        this.k.selectFrom('payment_attempts').select(['id', 'order_id', 'state', 'foreign_at']).where('id', 'in', part),
      ))
        attempts.set(a.id, a);
    }
    const open: { orderId: number; attemptId: number; detail: Record<string, unknown> }[] = [];
    for (const i of late) {
      const attemptId = i.attemptId as number;
      if (seen.has(attemptId)) continue;
      const a = attempts.get(attemptId);
      // another till's trade under this attempt's number is not this till's money (a foreign_trade exception says so)
      if (!a || a.foreign_at !== null) continue;
      open.push({
        orderId: a.order_id,
        attemptId,
        detail: { amountFen: i.theirsFen, via: `statement ${day}`, state: a.state, outTradeNo: i.outTradeNo },
      });
      seen.add(attemptId);
    }
    new PaymentTruth(this.store, this.o.clock).openExceptions('paid_after_close', open, now);
  }

  private insertItems(runId: number, items: readonly MatchItem[], now: number): void {
    if (items.length === 0) return;
    const insertItem = this.k
      .insertInto('recon_items')
      .values({
        run_id: 0,
        category: 'missing_locally',
        out_trade_no: '',
        attempt_id: null,
        refund_id: null,
        refund_no: null,
        ours_fen: null,
        theirs_fen: null,
        detail: '',
        awaiting_day: null,
        opened_at: 0,
      })
      .compile().sql;
    for (const i of items) {
      this.store.runCompiled(insertItem, [
        runId,
        i.category,
        i.outTradeNo,
        i.attemptId,
        i.refundId,
        i.refundNo,
        i.oursFen,
        i.theirsFen,
        JSON.stringify(i.detail),
        i.awaitingDay,
        now,
      ]);
    }
  }

  /**
   * A newer statement for the same day replaces the older: the older run is `superseded`, its open
   * items closed as such, and the owner's decisions carried over to the same differences.
   */
  private supersede(run: RunContext, runId: number, now: number): number {
    const older = this.store.all(
      this.k
        .selectFrom('recon_runs')
        .select('id')
        .where('provider', '=', run.provider)
        .where('day', '=', run.day)
        .where('status', 'in', CURRENT)
        .where('id', '!=', runId),
    );
    if (older.length === 0) return 0;
    const ids = older.map((r) => r.id);
    this.store.run(this.k.updateTable('recon_runs').set({ status: 'superseded' }).where('id', 'in', ids));
    const key = (i: Pick<ReconItemRow, 'category' | 'out_trade_no' | 'refund_no'>) =>
      `${i.category}|${i.out_trade_no}|${i.refund_no ?? ''}`;
    const decided = new Map<string, ReconItemRow>();
    for (const i of this.store.all(
      this.k
        .selectFrom('recon_items')
        .selectAll()
        .where('run_id', 'in', ids)
        .where('resolution', 'in', ['accepted', 'refunded', 'written_off', 'corrected']),
    )) {
      decided.set(key(i), i);
    }
    for (const i of this.store.all(this.k.selectFrom('recon_items').selectAll().where('run_id', '=', runId))) {
      const d = decided.get(key(i));
      if (!d) continue;
      this.store.run(
        this.k
          .updateTable('recon_items')
          .set({ resolved_at: d.resolved_at, resolution: d.resolution, note: d.note, resolved_by: d.resolved_by })
          .where('id', '=', i.id)
          .where('resolved_at', 'is', null),
      );
    }
    this.store.run(
      this.k
        .updateTable('recon_items')
        .set({
          resolved_at: now,
          resolution: 'superseded' satisfies ReconAutoResolution,
          resolved_by: 'system',
          note: `replaced by a newer statement (run ${runId})`,
        })
        .where('run_id', 'in', ids)
        .where('resolved_at', 'is', null),
    );
    return ids.length;
  }

  /**
   * Items of the neighbour days that waited for this day's statement: settled when the trade is on
   * it (a payment near midnight billed on this day), otherwise they stand as differences.
   */
  private settleAwaiting(run: RunContext, s: Statement, now: number): number {
    const waiting = this.store.all(
      this.k
        .selectFrom('recon_items')
        .innerJoin('recon_runs', 'recon_runs.id', 'recon_items.run_id')
        .selectAll('recon_items')
        .where('recon_runs.provider', '=', run.provider)
        .where('recon_items.awaiting_day', '=', run.day)
        .where('recon_items.resolved_at', 'is', null),
    );
    if (waiting.length === 0) return 0;
    const payments = new Set<string>();
    const refunds = new Set<string>();
    for (const r of s.rows) {
      if (r.type === 'payment') payments.add(r.outTradeNo);
      else {
        if (r.refundNo) refunds.add(r.refundNo);
        refunds.add(`${r.outTradeNo}#${r.amountFen}`);
      }
    }
    let settled = 0;
    for (const i of waiting) {
      const found =
        i.refund_no !== null
          ? refunds.has(i.refund_no) || refunds.has(`${i.out_trade_no}#${i.ours_fen ?? -1}`)
          : payments.has(i.out_trade_no);
      if (found) {
        this.store.run(
          this.k
            .updateTable('recon_items')
            .set({
              resolved_at: now,
              resolution: 'matched_neighbour_day' satisfies ReconAutoResolution,
              resolved_by: 'system',
              note: `found on the ${run.day} statement`,
            })
            .where('id', '=', i.id)
            .where('resolved_at', 'is', null),
        );
        this.o.audit.record(SYSTEM_ACTOR, 'recon.resolve', `recon_item:${i.id}`, {
          before: { category: i.category, outTradeNo: i.out_trade_no, resolution: null },
          after: { resolution: 'matched_neighbour_day' },
          note: `found on the ${run.day} statement`,
        });
        settled++;
      } else {
        const detail = { ...(JSON.parse(i.detail) as Record<string, unknown>), checkedDay: run.day };
        this.store.run(
          this.k
            .updateTable('recon_items')
            .set({ awaiting_day: null, detail: JSON.stringify(detail) })
            .where('id', '=', i.id)
            .where('resolved_at', 'is', null),
        );
      }
    }
    return settled;
  }
}
