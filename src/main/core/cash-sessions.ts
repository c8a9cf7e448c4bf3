/**
 * Cash sessions per terminal: the drawer is opened with a float, cash is paid in or out with a
 * reason, an X report shows the session so far at any time, and the close counts the drawer by
 * denomination and writes the Z report.
 *
 * - A session's sales are this terminal's payments paid within its window (opening → close, both
 *   inclusive; sessions on one terminal never overlap, so every instant belongs to at most one).
 *   Refunds count when they succeeded within the window, against the method they were paid by (a
 *   cash refund leaves the drawer). A session crossing midnight belongs to the day it was opened.
 * - Expected cash = float + cash sales − cash refunds + paid in − paid out. The count is never
 *   forced to match: the variance (counted − expected) is recorded, with a reason when non-zero.
 * - The Z is numbered per terminal (`Z-T01-0001`, gapless and unique, enforced by the database),
 *   its whole content stored as JSON at the close, and never changed (append-only table). For each
 *   intermediary it puts what was paid locally beside what the intermediary's statement settled for
 *   the day(s) covered, when reconciliation has imported that statement.
 * - Closing while intermediary payments on this terminal are still pending is refused with the
 *   list (CASH_PENDING_PAYMENTS) until the closer acknowledges them: they are not on the Z.
 * - Opening, paid in/out, the close and every Z print are in the audit log, in the same transaction.
 * Roles are checked by the caller (core.ts): closing and paying out need the owner.
 */
import { compactCounts, denominationTotal, zNumber, type DenominationCounts } from '../../shared/cash';
import { PosError } from '../../shared/errors';
import { formatFen } from '../../shared/money';
import { OPEN_STATES, PAID_STATES } from '../../shared/payment-states';
import type {
  CashMoveKind,
  CashMoveView,
  CashPrintOutcome,
  CashReport,
  CashSessionState,
  CashSessionView,
  DrawerTotals,
  IntermediaryTotals,
  Locale,
  MethodTotals,
  PaymentMethod,
  PendingAttemptView,
  ProviderId,
  ReconDayView,
  ReconSide,
  StatementDay,
  ZReport,
  ZSummary,
  ZView,
} from '../../shared/types';
import type { Kysely } from 'kysely';
import type { Store } from '../store/db';
import { inList, unindexed } from '../store/sql';
import type { CashSessionRow, Database, ZReportRow } from '../store/schema';
import type { Audit } from './audit';
import type { Actor } from './auth';
import { businessDay, type Clock } from './clock';
import { cashReportHtml, type ReceiptPrinter } from './printing';
import type { Settings } from './settings';

const METHOD_ORDER: readonly PaymentMethod[] = ['cash', 'alipay', 'wechat', 'yeepay'];
const PROVIDER_ORDER: readonly ProviderId[] = ['alipay', 'wechat', 'yeepay'];
const RECONCILED: ReadonlySet<string> = new Set(['imported', 'empty']);
/** a session left open for weeks still gets a report; beyond this many days the statements are not looked up */
const MAX_DAYS_COVERED = 62;

/*
 * The payments of a terminal's window. A terminal holds half of a two-till shop's orders, so its
 * index narrows nothing: these queries find the window's payments by `paid_at` (or the few open ones
 * by their partial index) and check the terminal on each (`unindexed`, store/sql.ts). Registered in
 * core/hot-queries.ts (the drawer's state is on the clerk's screen).
 */

/** Cash taken on `terminal` from `from` to `until` (inclusive): the drawer's cash sales. */
export function drawerCashQuery(k: Kysely<Database>, terminal: string, from: number, until: number) {
  return k
    .selectFrom('payment_attempts as pa')
    .innerJoin('orders as o', 'o.id', 'pa.order_id')
    .select((eb) => eb.fn.sum<number>('pa.amount_fen').as('fen'))
    .where(unindexed<string>('o.terminal'), '=', terminal)
    .where('pa.method', '=', 'cash')
    .where(inList('pa.state', PAID_STATES))
    .where('pa.paid_at', '>=', from)
    .where('pa.paid_at', '<=', until);
}

/** Sales per method on `terminal` from `from` to `until` (inclusive): the X and the Z. */
export function sessionSalesQuery(k: Kysely<Database>, terminal: string, from: number, until: number) {
  return k
    .selectFrom('payment_attempts as pa')
    .innerJoin('orders as o', 'o.id', 'pa.order_id')
    .select([
      'pa.method',
      (eb) => eb.fn.countAll<number>().as('n'),
      (eb) => eb.fn.sum<number>('pa.amount_fen').as('fen'),
    ])
    .where(unindexed<string>('o.terminal'), '=', terminal)
    .where(inList('pa.state', PAID_STATES))
    .where('pa.paid_at', '>=', from)
    .where('pa.paid_at', '<=', until)
    .groupBy('pa.method');
}

/** Intermediary payments not final yet on `terminal`'s orders. */
export function pendingAttemptsQuery(k: Kysely<Database>, terminal: string) {
  return (
    k
      .selectFrom('payment_attempts as pa')
      .innerJoin('orders as o', 'o.id', 'pa.order_id')
      .select([
        'pa.id',
        'pa.order_id',
        'o.number',
        'pa.method',
        'pa.mode',
        'pa.amount_fen',
        'pa.state',
        'pa.unknown',
        'pa.created_at',
      ])
      .where(unindexed<string>('o.terminal'), '=', terminal)
      .where('pa.method', '!=', 'cash')
      .where(inList('pa.state', OPEN_STATES))
      // sorted once the few open rows are found: in rowid order SQLite would walk every payment
      .orderBy(unindexed<number>('pa.id'))
  );
}

/** Where the statements come from: the reconciliation's day view. */
export interface StatementSource {
  day(day: string): Pick<ReconDayView, 'providers'>;
}

export interface CashSessionsOptions {
  store: Store;
  clock: Clock;
  audit: Audit;
  settings: Settings;
  timeZone: () => string;
  statements: StatementSource;
}

export interface OpenInput {
  floatFen?: number;
  denominations?: DenominationCounts;
}

export interface CloseInput {
  denominations: DenominationCounts;
  varianceReason?: string;
  acknowledgePending?: boolean;
}

const side = (): ReconSide => ({ count: 0, sumFen: 0 });

/** `day` plus `n` calendar days (YYYY-MM-DD). */
function shiftDay(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

function parseCounts(json: string | null): DenominationCounts | null {
  return json === null ? null : (JSON.parse(json) as DenominationCounts);
}

/** A session as a clerk sees it: no expected cash. */
export function blindView(view: CashSessionView): CashSessionView {
  return { ...view, expectedFen: null };
}

/** The drawer's state as a clerk sees it: whether a session is open and its float, no totals. */
export function blindState(state: CashSessionState): CashSessionState {
  return {
    ...state,
    session: state.session ? blindView(state.session) : null,
    lastZ: null,
    outsideSession: state.outsideSession ? { ...state.outsideSession, salesFen: null, cashFen: null } : null,
    blind: true,
  };
}

export class CashSessions {
  constructor(private readonly o: CashSessionsOptions) {}

  private get k() {
    return this.o.store.kysely;
  }

  private get store(): Store {
    return this.o.store;
  }

  /** This till's terminal id (settings). */
  terminal(): string {
    return this.o.settings.values.terminal;
  }

  private day(ms: number): string {
    return businessDay(ms, this.o.timeZone());
  }

  private openRow(terminal: string): CashSessionRow | undefined {
    return this.store.first(
      this.k.selectFrom('cash_sessions').selectAll().where('terminal', '=', terminal).where('status', '=', 'open'),
    );
  }

  private requireOpen(): CashSessionRow {
    const terminal = this.terminal();
    const s = this.openRow(terminal);
    if (!s)
      throw new PosError(
        'CASH_SESSION_NOT_OPEN',
        `No cash session is open on ${terminal}: open the drawer with a float first.`,
        { terminal },
      );
    return s;
  }

  /** Throws CASH_SESSION_NOT_OPEN unless this terminal has an open session (before asking for a PIN). */
  assertOpen(): void {
    this.requireOpen();
  }

  // ---- state ------------------------------------------------------------------------------------

  current(): CashSessionState {
    const terminal = this.terminal();
    const now = this.o.clock.now();
    const s = this.openRow(terminal);
    const last = this.store.first(
      this.k.selectFrom('z_reports').selectAll().where('terminal', '=', terminal).orderBy('seq', 'desc').limit(1),
    );
    return {
      terminal,
      businessDay: this.day(now),
      session: s ? this.view(s) : null,
      lastZ: last ? this.summary(last) : null,
      outsideSession: this.outsideSession(terminal, s?.opened_at ?? null, now),
      blind: false,
    };
  }

  /**
   * Sales paid on this terminal while no session was open: since the last close (or, when no session
   * was ever closed here, during today's business day), up to the opening of the current session.
   */
  private outsideSession(terminal: string, openedAt: number | null, now: number): CashSessionState['outsideSession'] {
    const lastClose = this.store.first(
      this.k
        .selectFrom('cash_sessions')
        .select((eb) => eb.fn.max<number | null>('closed_at').as('at'))
        .where('terminal', '=', terminal)
        .where('status', '=', 'closed'),
    )?.at;
    let q = this.k
      .selectFrom('payment_attempts as pa')
      .innerJoin('orders as o', 'o.id', 'pa.order_id')
      .select([
        'pa.method',
        (eb) => eb.fn.countAll<number>().as('n'),
        (eb) => eb.fn.sum<number>('pa.amount_fen').as('fen'),
        (eb) => eb.fn.min<number>('pa.paid_at').as('since'),
      ])
      .where(unindexed<string>('o.terminal'), '=', terminal)
      .where(inList('pa.state', PAID_STATES));
    q =
      lastClose !== null && lastClose !== undefined
        ? q.where('pa.paid_at', '>', lastClose)
        : q.where('o.business_day', '=', this.day(now));
    if (openedAt !== null) q = q.where('pa.paid_at', '<', openedAt);
    const rows = this.store.all(q.groupBy('pa.method'));
    let count = 0;
    let salesFen = 0;
    let cashFen = 0;
    let since = Number.POSITIVE_INFINITY;
    for (const r of rows) {
      count += Number(r.n);
      salesFen += Number(r.fen ?? 0);
      if (r.method === 'cash') cashFen += Number(r.fen ?? 0);
      since = Math.min(since, Number(r.since));
    }
    return count === 0 ? null : { count, salesFen, cashFen, since };
  }

  private moves(sessionId: number): CashMoveView[] {
    return this.store
      .all(this.k.selectFrom('cash_moves').selectAll().where('session_id', '=', sessionId).orderBy('id'))
      .map((m) => ({
        id: m.id,
        kind: m.kind,
        amountFen: m.amount_fen,
        reason: m.reason,
        at: m.at,
        by: m.actor,
        approvedBy: m.approved_by,
      }));
  }

  private view(s: CashSessionRow): CashSessionView {
    const z = this.store.first(this.k.selectFrom('z_reports').select('number').where('session_id', '=', s.id));
    return {
      id: s.id,
      terminal: s.terminal,
      businessDay: s.business_day,
      status: s.status,
      openedAt: s.opened_at,
      openedBy: s.opened_by,
      floatFen: s.float_fen,
      floatDenominations: parseCounts(s.float_denominations),
      closedAt: s.closed_at,
      closedBy: s.closed_by,
      zNumber: z?.number ?? null,
      expectedFen: s.status === 'closed' ? (s.expected_fen ?? 0) : this.drawer(s, this.windowEnd(s)).expectedFen,
      moves: this.moves(s.id),
    };
  }

  /**
   * Where the session's window starts: its opening, but never at or before the previous close on the
   * terminal (a sale in the very millisecond of that close is on the previous Z), so windows never overlap.
   */
  private windowStart(s: CashSessionRow): number {
    const prev = this.store.first(
      this.k
        .selectFrom('cash_sessions')
        .select((eb) => eb.fn.max<number | null>('closed_at').as('at'))
        .where('terminal', '=', s.terminal)
        .where('id', '<', s.id),
    )?.at;
    return prev === null || prev === undefined ? s.opened_at : Math.max(s.opened_at, prev + 1);
  }

  /** Where an open session's window ends now (never before it starts). */
  private windowEnd(s: CashSessionRow): number {
    return Math.max(this.o.clock.now(), this.windowStart(s));
  }

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
      const open = this.openRow(terminal);
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
          business_day: this.day(openedAt),
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
        after: { terminal, businessDay: this.day(openedAt), floatFen, denominations: counts },
      });
      return sessionId;
    });
    return this.viewById(id);
  }

  private viewById(id: number): CashSessionView {
    const s = this.store.first(this.k.selectFrom('cash_sessions').selectAll().where('id', '=', id));
    if (!s) throw new PosError('NOT_FOUND', `There is no cash session ${id}.`, { sessionId: id });
    return this.view(s);
  }

  /** Refuses a paid out larger than the cash expected in the drawer (before asking for a PIN too). */
  checkMove(kind: CashMoveKind, amountFen: number): void {
    const s = this.requireOpen();
    if (kind !== 'out') return;
    const expectedFen = this.drawer(s, this.windowEnd(s)).expectedFen;
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
      const s = this.requireOpen();
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
    return this.viewById(id);
  }

  // ---- reports ----------------------------------------------------------------------------------

  /** The drawer's lines over the session's window, up to `until` (inclusive). */
  private drawer(s: CashSessionRow, until: number): DrawerTotals {
    const from = this.windowStart(s);
    const cash = this.store.first(drawerCashQuery(this.k, s.terminal, from, until));
    const refunds = this.store.first(
      this.k
        .selectFrom('refunds as r')
        .innerJoin('orders as o', 'o.id', 'r.order_id')
        .select((eb) => eb.fn.sum<number>('r.amount_fen').as('fen'))
        .where(unindexed<string>('o.terminal'), '=', s.terminal)
        .where('r.method', '=', 'cash')
        .where('r.state', '=', 'succeeded')
        .where('r.finished_at', '>=', from)
        .where('r.finished_at', '<=', until),
    );
    const moves = this.store.all(
      this.k
        .selectFrom('cash_moves')
        .select(['kind', (eb) => eb.fn.sum<number>('amount_fen').as('fen')])
        .where('session_id', '=', s.id)
        .where('at', '<=', until)
        .groupBy('kind'),
    );
    const cashSalesFen = Number(cash?.fen ?? 0);
    const cashRefundsFen = Number(refunds?.fen ?? 0);
    const paidInFen = Number(moves.find((m) => m.kind === 'in')?.fen ?? 0);
    const paidOutFen = Number(moves.find((m) => m.kind === 'out')?.fen ?? 0);
    return {
      floatFen: s.float_fen,
      cashSalesFen,
      cashRefundsFen,
      paidInFen,
      paidOutFen,
      expectedFen: s.float_fen + cashSalesFen - cashRefundsFen + paidInFen - paidOutFen,
    };
  }

  /** Intermediary payments not final yet on this terminal's orders (any age: each still matters). */
  pending(terminal = this.terminal()): PendingAttemptView[] {
    return this.store.all(pendingAttemptsQuery(this.k, terminal)).map((a) => ({
      attemptId: a.id,
      orderId: a.order_id,
      orderNumber: a.number,
      provider: a.method,
      mode: a.mode,
      amountFen: a.amount_fen,
      state: a.state,
      unknown: a.unknown === 1,
      createdAt: a.created_at,
    }));
  }

  private report(s: CashSessionRow, until: number): CashReport {
    const from = this.windowStart(s);
    const terminal = s.terminal;
    const sales = this.store.all(sessionSalesQuery(this.k, terminal, from, until));
    const refunds = this.store.all(
      this.k
        .selectFrom('refunds as r')
        .innerJoin('orders as o', 'o.id', 'r.order_id')
        .select([
          'r.method',
          (eb) => eb.fn.countAll<number>().as('n'),
          (eb) => eb.fn.sum<number>('r.amount_fen').as('fen'),
        ])
        .where(unindexed<string>('o.terminal'), '=', terminal)
        .where('r.state', '=', 'succeeded')
        .where('r.finished_at', '>=', from)
        .where('r.finished_at', '<=', until)
        .groupBy('r.method'),
    );
    const orders = this.store.first(
      this.k
        .selectFrom('orders as o')
        .select([
          (eb) => eb.fn.countAll<number>().as('n'),
          (eb) => eb.fn.sum<number>('o.item_count').as('items'),
          (eb) => eb.fn.sum<number>('o.line_discount_fen').as('line'),
          (eb) => eb.fn.sum<number>('o.order_discount_fen').as('order'),
          (eb) =>
            eb.fn
              .sum<number>(
                eb
                  .case()
                  .when(eb(eb('o.line_discount_fen', '+', eb.ref('o.order_discount_fen')), '>', 0))
                  .then(1)
                  .else(0)
                  .end(),
              )
              .as('discounted'),
        ])
        .where(unindexed<string>('o.terminal'), '=', terminal)
        .where('o.id', 'in', (eb) =>
          eb
            .selectFrom('payment_attempts')
            .select('order_id')
            .where(inList('state', PAID_STATES))
            .where('paid_at', '>=', from)
            .where('paid_at', '<=', until),
        ),
    );
    const cancelled = this.store.first(
      this.k
        .selectFrom('orders')
        .select([(eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.sum<number>('total_fen').as('fen')])
        .where('terminal', '=', terminal)
        .where('status', '=', 'cancelled')
        .where('cancelled_at', '>=', from)
        .where('cancelled_at', '<=', until),
    );

    const methods: MethodTotals[] = [];
    for (const method of METHOD_ORDER) {
      const sale = sales.find((r) => r.method === method);
      const refund = refunds.find((r) => r.method === method);
      if (!sale && !refund && method !== 'cash') continue;
      const salesFen = Number(sale?.fen ?? 0);
      const refundsFen = Number(refund?.fen ?? 0);
      methods.push({
        method,
        salesCount: Number(sale?.n ?? 0),
        salesFen,
        refundsCount: Number(refund?.n ?? 0),
        refundsFen,
        netFen: salesFen - refundsFen,
      });
    }
    const salesFen = methods.reduce((n, m) => n + m.salesFen, 0);
    const refundsFen = methods.reduce((n, m) => n + m.refundsFen, 0);
    const lineFen = Number(orders?.line ?? 0);
    const orderFen = Number(orders?.order ?? 0);

    const last = this.day(until);
    const daysCovered: string[] = [];
    for (let d = s.business_day; d <= last && daysCovered.length < MAX_DAYS_COVERED; d = shiftDay(d, 1))
      daysCovered.push(d);

    return {
      kind: 'X',
      storeName: this.o.settings.values.storeName,
      terminal,
      sessionId: s.id,
      businessDay: s.business_day,
      daysCovered,
      openedAt: s.opened_at,
      openedBy: s.opened_by,
      until,
      orders: {
        paidCount: Number(orders?.n ?? 0),
        itemCount: Number(orders?.items ?? 0),
        cancelledCount: Number(cancelled?.n ?? 0),
        cancelledFen: Number(cancelled?.fen ?? 0),
      },
      methods,
      totals: { salesFen, refundsFen, netFen: salesFen - refundsFen },
      discounts: { lineFen, orderFen, totalFen: lineFen + orderFen, orderCount: Number(orders?.discounted ?? 0) },
      drawer: this.drawer(s, until),
      floatDenominations: parseCounts(s.float_denominations),
      moves: this.moves(s.id).filter((m) => m.at <= until),
      intermediaries: this.intermediaries(methods, daysCovered),
      pendingAttempts: this.pending(terminal),
    };
  }

  /**
   * Per intermediary: what this session took beside, for each day covered, what its statement settled
   * (when reconciliation imported it) and the whole till's total that day (what the statement covers).
   */
  private intermediaries(methods: readonly MethodTotals[], days: readonly string[]): IntermediaryTotals[] {
    const views = days.map((d) => ({ day: d, providers: this.o.statements.day(d).providers }));
    // an intermediary that took nothing here, nothing in the till those days and has no statement is left out
    const active = (p: ReconDayView['providers'][number]) =>
      p.local.payments.count + p.local.refunds.count > 0 ||
      (RECONCILED.has(p.status) && p.statement !== null && p.statement.payments.count + p.statement.refunds.count > 0);
    const providers = PROVIDER_ORDER.filter(
      (p) =>
        methods.some((m) => m.method === p) ||
        views.some((v) => v.providers.some((x) => x.provider === p && active(x))),
    );
    return providers.map((provider) => {
      const m = methods.find((x) => x.method === provider);
      const statementDays: StatementDay[] = views.map((v) => {
        const p = v.providers.find((x) => x.provider === provider);
        const status = p?.status ?? 'not_run';
        return {
          day: v.day,
          status,
          statement: p && RECONCILED.has(status) && p.statement ? p.statement : null,
          till: p
            ? { payments: { ...p.local.payments }, refunds: { ...p.local.refunds } }
            : { payments: side(), refunds: side() },
        };
      });
      return {
        provider,
        session: {
          payments: { count: m?.salesCount ?? 0, sumFen: m?.salesFen ?? 0 },
          refunds: { count: m?.refundsCount ?? 0, sumFen: m?.refundsFen ?? 0 },
        },
        days: statementDays,
      };
    });
  }

  /** The X report: the open session so far. Read-only. */
  x(): CashReport {
    const s = this.requireOpen();
    return this.report(s, this.windowEnd(s));
  }

  // ---- the close and the Z ----------------------------------------------------------------------

  private pendingError(pending: readonly PendingAttemptView[]): PosError {
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
   */
  checkClose(input: CloseInput): void {
    const s = this.requireOpen();
    const pending = this.pending(s.terminal);
    if (pending.length > 0 && !input.acknowledgePending) throw this.pendingError(pending);
    const expectedFen = this.drawer(s, this.windowEnd(s)).expectedFen;
    this.varianceCheck(expectedFen, denominationTotal(input.denominations), input.varianceReason);
  }

  private varianceCheck(expectedFen: number, countedFen: number, reason: string | undefined): void {
    const varianceFen = countedFen - expectedFen;
    if (varianceFen !== 0 && (reason?.trim().length ?? 0) < 3) {
      throw new PosError(
        'CASH_VARIANCE_REASON_REQUIRED',
        `The count (${formatFen(countedFen)}) differs from the expected ${formatFen(expectedFen)} by ${formatFen(varianceFen)}: say why before closing.`,
        { expectedFen, countedFen, varianceFen },
      );
    }
  }

  /** Counts the drawer, closes the session and writes its Z (the caller has the owner's approval). */
  close(input: CloseInput, actor: Actor): ZView {
    const number = this.store.tx(() => {
      const s = this.requireOpen();
      const until = this.windowEnd(s);
      const report = this.report(s, until);
      if (report.pendingAttempts.length > 0 && !input.acknowledgePending)
        throw this.pendingError(report.pendingAttempts);
      const counts = compactCounts(input.denominations);
      const countedFen = denominationTotal(counts);
      const expectedFen = report.drawer.expectedFen;
      this.varianceCheck(expectedFen, countedFen, input.varianceReason);
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

  private summary(r: ZReportRow): ZSummary {
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

  /** Z reports, newest first: this terminal's by default. */
  zList(limit = 50, terminal = this.terminal()): ZSummary[] {
    return this.store
      .all(
        this.k.selectFrom('z_reports').selectAll().where('terminal', '=', terminal).orderBy('seq', 'desc').limit(limit),
      )
      .map((r) => this.summary(r));
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
      outcome = await printer.print({ number }, html);
    } catch (err) {
      throw new PosError('PRINT_FAILED', `${number} could not be printed: ${(err as Error).message}`, { number });
    }
    this.store.tx(() =>
      this.o.audit.record(actor, copy ? 'cash.z.reprint' : 'cash.z.print', number, {
        after: { copy, output: outcome.kind, path: outcome.path },
      }),
    );
    return { ...outcome, copy };
  }

  /** Prints the X report of the open session (not audited: it changes nothing). */
  async printX(printer: ReceiptPrinter, locale: Locale): Promise<CashPrintOutcome> {
    const report = this.x();
    const html = cashReportHtml(report, locale, this.o.timeZone(), { copy: false, printedAt: report.until });
    try {
      const outcome = await printer.print({ number: `X-${report.terminal}-${report.sessionId}-${report.until}` }, html);
      return { ...outcome, copy: false };
    } catch (err) {
      throw new PosError('PRINT_FAILED', `The X report could not be printed: ${(err as Error).message}`);
    }
  }
}
