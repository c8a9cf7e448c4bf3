/**
 * The close and the Z report. The Z is numbered per terminal (`Z-T01-0001`, gapless and unique,
 * enforced by the database), its whole content stored as JSON at the close, and never changed
 * (append-only table). Closing while intermediary payments on this terminal are still pending is
 * refused with the list (CASH_PENDING_PAYMENTS) until the closer acknowledges them: they are not on
 * the Z. A statement reconciled after the close is shown beside it, never written into it. Every
 * print of a Z after the first is marked COPY; each is audited.
 */
import { compactCounts, denominationTotal, zNumber } from '../../../shared/cash';
import { PosError } from '../../../shared/errors';
import { formatFen } from '../../../shared/money';
import type {
  CashPrintOutcome,
  Locale,
  PendingAttemptView,
  ReconDayView,
  ZReport,
  ZSummary,
  ZView,
} from '../../../shared/types';
import type { ZReportRow } from '../../store/schema';
import type { Actor } from '../people/auth';
import { cashReportHtml, type ReceiptPrinter } from '../reports/printing';
import { cashReportSlip } from '../hardware/slip';
import type { Drawer } from './drawer';
import { RECONCILED, type CashReports } from './report';
import type { CashSessionsOptions, CloseInput } from './types';

/** The refusal of a close while intermediary payments on the terminal are still pending. */
export function pendingError(pending: readonly PendingAttemptView[]): PosError {
  const orders = [...new Set(pending.map((p) => p.orderNumber))];
  return new PosError(
    'CASH_PENDING_PAYMENTS',
    `${pending.length} intermediary payment(s) on this terminal are not final yet (order ${orders.join(', ')}). Wait for them, or close acknowledging them: they will not be on this Z.`,
    { count: pending.length, orders: orders.join(', '), attemptIds: pending.map((p) => p.attemptId).join(',') },
  );
}

/**
 * Everything a close checks before the owner is asked for a PIN: an open session, pending
 * payments acknowledged, a reason for a variance. The close checks it all again in its transaction.

/** A count that differs from the cash expected needs a reason (three characters at least). */
export function varianceCheck(expectedFen: number, countedFen: number, reason: string | undefined): void {
  const varianceFen = countedFen - expectedFen;
  if (varianceFen !== 0 && (reason?.trim().length ?? 0) < 3) {
    throw new PosError(
      'CASH_VARIANCE_REASON_REQUIRED',
      `The count (${formatFen(countedFen)}) differs from the expected ${formatFen(expectedFen)} by ${formatFen(varianceFen)}: say why before closing.`,
      { expectedFen, countedFen, varianceFen },
    );
  }
}

export function zSummary(r: ZReportRow): ZSummary {
  return {
    number: r.number,
    seq: r.seq,
    terminal: r.terminal,
    businessDay: r.business_day,
    openedAt: r.opened_at,
    closedAt: r.closed_at,
    closedBy: r.closed_by,
    approvedBy: r.approved_by,
    salesFen: r.sales_fen,
    netFen: r.net_fen,
    expectedFen: r.expected_fen,
    countedFen: r.counted_fen,
    varianceFen: r.variance_fen,
  };
}

export class ZReports {
  constructor(
    private readonly o: CashSessionsOptions,
    private readonly drawer: Drawer,
    private readonly reports: CashReports,
  ) {}

  private get k() {
    return this.o.store.kysely;
  }

  private get store() {
    return this.o.store;
  }

  /** Counts the drawer, closes the session and writes its Z (the caller has the owner's approval). */
  close(input: CloseInput, actor: Actor): ZView {
    const number = this.store.tx(() => {
      const s = this.drawer.requireOpen();
      const until = this.drawer.windowEnd(s);
      const report = this.reports.report(s, until);
      if (report.pendingAttempts.length > 0 && !input.acknowledgePending) throw pendingError(report.pendingAttempts);
      const counts = compactCounts(input.denominations);
      const countedFen = denominationTotal(counts);
      const expectedFen = report.drawer.expectedFen;
      varianceCheck(expectedFen, countedFen, input.varianceReason);
      const varianceFen = countedFen - expectedFen;
      const reason = input.varianceReason?.trim() || null;

      const last = this.store.first(
        this.k
          .selectFrom('z_reports')
          .select((eb) => eb.fn.max<number | null>('seq').as('seq'))
          .where('terminal', '=', s.terminal),
      );
      const seq = Number(last?.seq ?? 0) + 1;
      const z: ZReport = {
        ...report,
        kind: 'Z',
        format: 1,
        number: zNumber(s.terminal, seq),
        seq,
        closedAt: until,
        closedBy: actor.name,
        approvedBy: actor.approvedBy,
        countedFen,
        countedDenominations: counts,
        varianceFen,
        varianceReason: reason,
      };
      const changed = this.store.run(
        this.k
          .updateTable('cash_sessions')
          .set({
            status: 'closed',
            closed_at: until,
            closed_by: actor.name,
            approved_by: actor.approvedBy,
            expected_fen: expectedFen,
            counted_fen: countedFen,
            counted_denominations: JSON.stringify(counts),
            variance_fen: varianceFen,
            variance_reason: reason,
          })
          .where('id', '=', s.id)
          .where('status', '=', 'open'),
      ).changes;
      if (changed !== 1)
        throw new PosError('CASH_SESSION_NOT_OPEN', `The cash session on ${s.terminal} was closed meanwhile.`, {
          terminal: s.terminal,
        });
      this.store.run(
        this.k.insertInto('z_reports').values({
          session_id: s.id,
          terminal: s.terminal,
          seq,
          number: z.number,
          business_day: s.business_day,
          opened_at: s.opened_at,
          closed_at: until,
          closed_by: actor.name,
          approved_by: actor.approvedBy,
          sales_fen: report.totals.salesFen,
          net_fen: report.totals.netFen,
          expected_fen: expectedFen,
          counted_fen: countedFen,
          variance_fen: varianceFen,
          content: JSON.stringify(z),
        }),
      );
      this.o.audit.record(actor, 'cash.session.close', `${s.terminal} session ${s.id}`, {
        before: { status: 'open', floatFen: s.float_fen },
        after: {
          status: 'closed',
          z: z.number,
          expectedFen,
          countedFen,
          varianceFen,
          pendingAcknowledged: report.pendingAttempts.map((p) => ({
            order: p.orderNumber,
            provider: p.provider,
            amountFen: p.amountFen,
          })),
        },
        note: reason,
      });
      return z.number;
    });
    return this.z(number);
  }

  private zRow(number: string): ZReportRow {
    const row = this.store.first(this.k.selectFrom('z_reports').selectAll().where('number', '=', number));
    if (!row) throw new PosError('NOT_FOUND', `There is no Z report ${number}.`, { number });
    return row;
  }

  private prints(number: string): number {
    const r = this.store.first(
      this.k
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('action', 'in', ['cash.z.print', 'cash.z.reprint'])
        .where('subject', '=', number),
    );
    return Number(r?.n ?? 0);
  }

  /** One Z as written at the close, how often it was printed, and statements reconciled since. */
  z(number: string): ZView {
    const z = JSON.parse(this.zRow(number).content) as ZReport;
    const reconciledSince: ZView['reconciledSince'] = [];
    const cache = new Map<string, Pick<ReconDayView, 'providers'>>();
    for (const line of z.intermediaries) {
      for (const d of line.days) {
        if (RECONCILED.has(d.status)) continue;
        let view = cache.get(d.day);
        if (!view) cache.set(d.day, (view = this.o.statements.day(d.day)));
        const p = view.providers.find((x) => x.provider === line.provider);
        if (p && RECONCILED.has(p.status) && p.statement)
          reconciledSince.push({ provider: line.provider, day: d.day, statement: p.statement });
      }
    }
    return { z, prints: this.prints(number), reconciledSince };
  }

  /** Z reports, newest first: this terminal's by default. */
  zList(limit = 50, terminal = this.drawer.terminal()): ZSummary[] {
    return this.store
      .all(
        this.k.selectFrom('z_reports').selectAll().where('terminal', '=', terminal).orderBy('seq', 'desc').limit(limit),
      )
      .map((r) => zSummary(r));
  }

  // ---- printing ---------------------------------------------------------------------------------

  /** Prints a Z; every print after the first is marked COPY. Each print is audited once it was handed to the printer. */
  async printZ(number: string, printer: ReceiptPrinter, locale: Locale, actor: Actor): Promise<CashPrintOutcome> {
    const view = this.z(number);
    const copy = view.prints > 0;
    const html = cashReportHtml(view.z, locale, this.o.timeZone(), {
      copy,
      reconciledSince: view.reconciledSince,
      printedAt: this.o.clock.now(),
    });
    let outcome;
    try {
      outcome = await printer.print({ number }, html, {
        kind: 'z',
        slip: cashReportSlip(view.z, locale, this.o.timeZone(), { copy, printedAt: this.o.clock.now() }),
      });
    } catch (err) {
      if (err instanceof PosError) throw err; // an ESC/POS printer's named cause (core/hardware/)
      throw new PosError('PRINT_FAILED', `${number} could not be printed: ${(err as Error).message}`, { number });
    }
    this.store.tx(() =>
      this.o.audit.record(actor, copy ? 'cash.z.reprint' : 'cash.z.print', number, {
        after: { copy, output: outcome.kind, path: outcome.path },
      }),
    );
    return { ...outcome, copy };
  }
}
