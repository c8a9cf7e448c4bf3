/**
 * Cash sessions per terminal, X and Z reports (src/main/core/cash/). All amounts are integer fen;
 * all times are epoch milliseconds.
 */
import type { DenominationCounts } from '../cash';
import type { Fen } from '../money';
import type { PrintOutcome } from './hardware';
import type { ProviderId } from './payments';
import type { ReconRunStatus, ReconSide } from './reconciliation';
import type { AttemptState, PaymentMethod, PaymentMode } from './tender';

// ---- cash sessions per terminal (src/main/core/cash/) ---------------------------------------------

export type CashMoveKind = 'in' | 'out';

/** Paid in / paid out: cash put into or taken out of the drawer outside a sale, with the reason. */
export interface CashMoveView {
  id: number;
  kind: CashMoveKind;
  amountFen: Fen;
  reason: string;
  at: number;
  by: string;
  /** the owner whose PIN approved a clerk's paid out */
  approvedBy: string | null;
}

export interface CashSessionView {
  id: number;
  terminal: string;
  /** the business day it was opened on: a session crossing midnight stays on that day */
  businessDay: string;
  status: 'open' | 'closed';
  openedAt: number;
  openedBy: string;
  floatFen: Fen;
  floatDenominations: DenominationCounts | null;
  closedAt: number | null;
  closedBy: string | null;
  zNumber: string | null;
  /**
   * float + cash sales − cash refunds + paid in − paid out: now while open, at the close once closed;
   * null for a clerk without the owner's PIN (the drawer is closed blind: docs/security.md)
   */
  expectedFen: Fen | null;
  moves: CashMoveView[];
}

/** One line of the Z list. */
export interface ZSummary {
  number: string;
  seq: number;
  terminal: string;
  businessDay: string;
  openedAt: number;
  closedAt: number;
  closedBy: string;
  approvedBy: string | null;
  salesFen: Fen;
  netFen: Fen;
  expectedFen: Fen;
  countedFen: Fen;
  varianceFen: Fen;
}

/** An intermediary payment not final yet on one of this terminal's orders. */
export interface PendingAttemptView {
  attemptId: number;
  orderId: number;
  orderNumber: string;
  provider: PaymentMethod;
  mode: PaymentMode;
  amountFen: Fen;
  state: AttemptState;
  unknown: boolean;
  createdAt: number;
}

export interface CashSessionState {
  terminal: string;
  /** today's business day */
  businessDay: string;
  session: CashSessionView | null;
  /** null for a clerk without the owner's PIN (`blind`) */
  lastZ: ZSummary | null;
  /** sales paid on this terminal while no session was open (since the last close, or since the start of today): in no Z; the amounts are null when `blind` */
  outsideSession: { count: number; salesFen: Fen | null; cashFen: Fen | null; since: number } | null;
  /** the money totals are left out: a clerk asked without the owner's PIN (they are the owner's) */
  blind: boolean;
  /** the store refuses cash while this terminal's drawer is not open (settings, owner's; a clerk sees it too) */
  requireOpenDrawer: boolean;
}

export interface MethodTotals {
  method: PaymentMethod;
  salesCount: number;
  salesFen: Fen;
  /** refunds that succeeded in the session, deducted from the method they were paid by */
  refundsCount: number;
  refundsFen: Fen;
  netFen: Fen;
}

export interface DrawerTotals {
  floatFen: Fen;
  cashSalesFen: Fen;
  cashRefundsFen: Fen;
  paidInFen: Fen;
  paidOutFen: Fen;
  expectedFen: Fen;
}

/** What an intermediary's statement settled for one business day, beside the till's own total for that day. */
export interface StatementDay {
  day: string;
  /** `imported` / `empty`: reconciled; anything else: the statement is not reconciled yet */
  status: ReconRunStatus;
  statement: { payments: ReconSide; refunds: ReconSide; feeFen: Fen } | null;
  /** the till, the whole store, that day (what the statement is compared with) */
  till: { payments: ReconSide; refunds: ReconSide };
}

export interface IntermediaryTotals {
  provider: ProviderId;
  /** paid locally in this session, on this terminal */
  session: { payments: ReconSide; refunds: ReconSide };
  days: StatementDay[];
}

/** An X report (a snapshot of the open session) or the body of a Z. */
export interface CashReport {
  kind: 'X' | 'Z';
  storeName: string;
  terminal: string;
  sessionId: number;
  businessDay: string;
  /** the business days the session's sales fall on (two when it crossed midnight) */
  daysCovered: string[];
  openedAt: number;
  openedBy: string;
  /** the end of the window: when the X was taken, or the close */
  until: number;
  orders: { paidCount: number; itemCount: number; cancelledCount: number; cancelledFen: Fen };
  methods: MethodTotals[];
  totals: { salesFen: Fen; refundsFen: Fen; netFen: Fen };
  discounts: { lineFen: Fen; orderFen: Fen; totalFen: Fen; orderCount: number };
  drawer: DrawerTotals;
  floatDenominations: DenominationCounts | null;
  moves: CashMoveView[];
  intermediaries: IntermediaryTotals[];
  /** intermediary payments not final yet on this terminal's orders: not counted above */
  pendingAttempts: PendingAttemptView[];
}

/** The Z report: written once at the close, never changed. */
export interface ZReport extends CashReport {
  kind: 'Z';
  format: 1;
  number: string;
  seq: number;
  closedAt: number;
  closedBy: string;
  approvedBy: string | null;
  countedFen: Fen;
  countedDenominations: DenominationCounts;
  /** counted − expected: negative when the drawer is short */
  varianceFen: Fen;
  varianceReason: string | null;
}

export interface ZView {
  z: ZReport;
  /** how many times it was printed (a later print is marked COPY) */
  prints: number;
  /** statements reconciled after the close for the days it covers; shown beside the Z, not part of it */
  reconciledSince: {
    provider: ProviderId;
    day: string;
    statement: { payments: ReconSide; refunds: ReconSide; feeFen: Fen };
  }[];
}

export interface CashPrintOutcome extends PrintOutcome {
  /** a reprint: marked COPY */
  copy: boolean;
}
