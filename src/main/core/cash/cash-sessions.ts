/**
 * Cash sessions per terminal: the drawer is opened with a float, cash is paid in or out with a
 * reason, an X report shows the session so far at any time, and the close counts the drawer by
 * denomination and writes the Z report.
 *
 * - A session's sales are this terminal's payments paid within its window (opening → close, both
 *   inclusive; sessions on one terminal never overlap, so every instant belongs to at most one).
 *   Refunds count when they succeeded within the window, against the method they were paid by (a
 *   cash refund leaves the drawer). A session crossing midnight belongs to the day it was opened.
 *   The window, the cash expected and the moves: drawer.ts; the X and the Z's content: report.ts.
 * - Expected cash = float + cash sales − cash refunds + paid in − paid out. The count is never
 *   forced to match: the variance (counted − expected) is recorded, with a reason when non-zero.
 * - The close and the Z (z-reports.ts): numbered per terminal, written once, never changed; for
 *   each intermediary it puts what was paid locally beside what the intermediary's statement
 *   settled for the day(s) covered, when reconciliation has imported that statement.
 * - Opening, paid in/out, the close and every Z print are in the audit log, in the same transaction.
 * Roles are checked by the caller (handlers.ts): closing and paying out need the owner, and a clerk
 * sees the drawer blind.
 */
import { compactCounts, denominationTotal } from '../../../shared/cash';
import { PosError } from '../../../shared/errors';
import { formatFen } from '../../../shared/money';
import type {
  CashMoveKind,
  CashPrintOutcome,
  CashReport,
  CashSessionState,
  CashSessionView,
  Locale,
  PendingAttemptView,
  ZSummary,
  ZView,
} from '../../../shared/types';
import type { Actor } from '../people/auth';
import { cashReportHtml, type ReceiptPrinter } from '../reports/printing';
import { cashReportSlip } from '../hardware/slip';
import { Drawer } from './drawer';
import { CashReports } from './report';
import type { CashSessionsOptions, CloseInput, OpenInput } from './types';
import { pendingError, varianceCheck, ZReports, zSummary } from './z-reports';

export class CashSessions {
  private readonly drawer: Drawer;
  private readonly reports: CashReports;
  private readonly zReports: ZReports;

  constructor(private readonly o: CashSessionsOptions) {
    this.drawer = new Drawer(o);
    this.reports = new CashReports(o, this.drawer);
    this.zReports = new ZReports(o, this.drawer, this.reports);
  }

  private get k() {
    return this.o.store.kysely;
  }

  private get store() {
    return this.o.store;
  }

  /** This till's terminal id (settings). */
  terminal(): string {
    return this.drawer.terminal();
  }

  /** Throws CASH_SESSION_NOT_OPEN unless this terminal has an open session (before asking for a PIN). */
  assertOpen(): void {
    this.drawer.requireOpen();
  }

  // ---- state ------------------------------------------------------------------------------------

  current(): CashSessionState {
    const terminal = this.terminal();
    const now = this.o.clock.now();
    const s = this.drawer.openRow(terminal);
    const last = this.store.first(
      this.k.selectFrom('z_reports').selectAll().where('terminal', '=', terminal).orderBy('seq', 'desc').limit(1),
    );
    return {
      terminal,
      businessDay: this.drawer.day(now),
      session: s ? this.drawer.view(s) : null,
      lastZ: last ? zSummary(last) : null,
      outsideSession: this.drawer.outsideSession(terminal, s?.opened_at ?? null, now),
      blind: false,
      requireOpenDrawer: this.o.settings.values.requireOpenDrawer,
    };
  }

  /** The owner turns the "open drawer before cash" rule on or off (the caller has the owner's approval); audited. */
  setRequireOpen(required: boolean, actor: Actor): CashSessionState {
    this.store.tx(() => {
      const before = this.o.settings.values.requireOpenDrawer;
      this.o.settings.set('requireOpenDrawer', required);
      this.o.audit.record(actor, 'cash.requireOpenDrawer', null, {
        before: { requireOpenDrawer: before },
        after: { requireOpenDrawer: required },
      });
    });
    return this.current();
  }

  /**
   * Sales paid on this terminal while no session was open: since the last close (or, when no session
   * was ever closed here, during today's business day), up to the opening of the current session.

  // ---- opening and moves ------------------------------------------------------------------------

  /** Opens this terminal's drawer with a float (typed, or counted by denomination). A clerk may. */
  open(input: OpenInput, actor: Actor): CashSessionView {
    const counts = input.denominations ? compactCounts(input.denominations) : null;
    const floatFen = input.floatFen ?? denominationTotal(counts ?? {});
    if (counts && denominationTotal(counts) !== floatFen) {
      throw new PosError('INVALID_INPUT', 'The float and its denominations differ.', {
        field: 'denominations',
        floatFen,
        countedFen: denominationTotal(counts),
      });
    }
    const id = this.store.tx(() => {
      const terminal = this.terminal();
      const open = this.drawer.openRow(terminal);
      if (open) {
        throw new PosError(
          'CASH_SESSION_OPEN',
          `A cash session is already open on ${terminal} (opened by ${open.opened_by}); close it before opening another.`,
          {
            terminal,
            openedBy: open.opened_by,
            openedAt: open.opened_at,
          },
        );
      }
      const openedAt = this.o.clock.now();
      const sessionId = this.store.run(
        this.k.insertInto('cash_sessions').values({
          terminal,
          business_day: this.drawer.day(openedAt),
          status: 'open',
          opened_at: openedAt,
          opened_by: actor.name,
          opened_by_id: actor.userId,
          float_fen: floatFen,
          float_denominations: counts ? JSON.stringify(counts) : null,
          closed_at: null,
          closed_by: null,
          approved_by: null,
          expected_fen: null,
          counted_fen: null,
          counted_denominations: null,
          variance_fen: null,
          variance_reason: null,
        }),
      ).lastInsertRowid;
      this.o.audit.record(actor, 'cash.session.open', `${terminal} session ${sessionId}`, {
        after: { terminal, businessDay: this.drawer.day(openedAt), floatFen, denominations: counts },
      });
      return sessionId;
    });
    return this.drawer.viewById(id);
  }

  /** Refuses a paid out larger than the cash expected in the drawer (before asking for a PIN too). */
  checkMove(kind: CashMoveKind, amountFen: number): void {
    const s = this.drawer.requireOpen();
    if (kind !== 'out') return;
    const expectedFen = this.drawer.totals(s, this.drawer.windowEnd(s)).expectedFen;
    if (amountFen > expectedFen) {
      throw new PosError(
        'CASH_OUT_TOO_LARGE',
        `Paying out ${formatFen(amountFen)} is more than the ${formatFen(expectedFen)} expected in the drawer; check the amount (or record the cash paid in first).`,
        { amountFen, expectedFen },
      );
    }
  }

  /** Paid in (a clerk may) or paid out (the caller has the owner's approval), with a reason. */
  move(kind: CashMoveKind, amountFen: number, reason: string, actor: Actor): CashSessionView {
    const id = this.store.tx(() => {
      this.checkMove(kind, amountFen);
      const s = this.drawer.requireOpen();
      const at = this.o.clock.now();
      const moveId = this.store.run(
        this.k.insertInto('cash_moves').values({
          session_id: s.id,
          kind,
          amount_fen: amountFen,
          reason: reason.trim(),
          at,
          actor: actor.name,
          approved_by: actor.approvedBy,
        }),
      ).lastInsertRowid;
      this.o.audit.record(actor, kind === 'in' ? 'cash.paid_in' : 'cash.paid_out', `${s.terminal} session ${s.id}`, {
        after: { moveId, kind, amountFen },
        note: reason.trim(),
      });
      return s.id;
    });
    return this.drawer.viewById(id);
  }

  // ---- reports ----------------------------------------------------------------------------------

  /** Intermediary payments not final yet on this terminal's orders (any age: each still matters). */
  pending(terminal = this.terminal()): PendingAttemptView[] {
    return this.drawer.pending(terminal);
  }

  /** The X report: the open session so far. Read-only. */
  x(): CashReport {
    const s = this.drawer.requireOpen();
    return this.reports.report(s, this.drawer.windowEnd(s));
  }

  // ---- the close and the Z ----------------------------------------------------------------------

  /**
   * Everything a close checks before the owner is asked for a PIN: an open session, pending
   * payments acknowledged, a reason for a variance. The close checks it all again in its transaction.
   */
  checkClose(input: CloseInput): void {
    const s = this.drawer.requireOpen();
    const pending = this.pending(s.terminal);
    if (pending.length > 0 && !input.acknowledgePending) throw pendingError(pending);
    const expectedFen = this.drawer.totals(s, this.drawer.windowEnd(s)).expectedFen;
    varianceCheck(expectedFen, denominationTotal(input.denominations), input.varianceReason);
  }

  /** Counts the drawer, closes the session and writes its Z (the caller has the owner's approval). */
  close(input: CloseInput, actor: Actor): ZView {
    return this.zReports.close(input, actor);
  }

  /** One Z as written at the close, how often it was printed, and statements reconciled since. */
  z(number: string): ZView {
    return this.zReports.z(number);
  }

  /** Z reports, newest first: this terminal's by default. */
  zList(limit?: number, terminal?: string): ZSummary[] {
    return this.zReports.zList(limit, terminal);
  }

  // ---- printing ---------------------------------------------------------------------------------

  /** Prints a Z; every print after the first is marked COPY. Each print is audited once it was handed to the printer. */
  printZ(number: string, printer: ReceiptPrinter, locale: Locale, actor: Actor): Promise<CashPrintOutcome> {
    return this.zReports.printZ(number, printer, locale, actor);
  }

  /** Prints the X report of the open session (not audited: it changes nothing). */
  async printX(printer: ReceiptPrinter, locale: Locale): Promise<CashPrintOutcome> {
    const report = this.x();
    const html = cashReportHtml(report, locale, this.o.timeZone(), { copy: false, printedAt: report.until });
    try {
      const outcome = await printer.print(
        { number: `X-${report.terminal}-${report.sessionId}-${report.until}` },
        html,
        {
          kind: 'x',
          slip: cashReportSlip(report, locale, this.o.timeZone(), { copy: false, printedAt: report.until }),
        },
      );
      return { ...outcome, copy: false };
    } catch (err) {
      if (err instanceof PosError) throw err; // an ESC/POS printer's named cause (core/hardware/)
      throw new PosError('PRINT_FAILED', `The X report could not be printed: ${(err as Error).message}`);
    }
  }
}
