/**
 * Daily reconciliation of the till against the intermediaries' statements. All amounts are integer
 * fen; all times are epoch milliseconds.
 */
import type { Fen } from '../money';
import type { ProviderId } from './payments';

// ---- daily reconciliation ------------------------------------------------------------------------

/** A difference between the till and an intermediary's daily statement. */
export type ReconCategory =
  | 'missing_locally'
  | 'missing_upstream'
  | 'amount_mismatch'
  | 'status_mismatch'
  | 'fee_mismatch'
  | 'paid_after_close';

/** How the owner settled a difference (a note is always required). */
export type ReconResolution = 'accepted' | 'refunded' | 'written_off' | 'corrected';
export const RECON_RESOLUTIONS: readonly ReconResolution[] = ['accepted', 'refunded', 'written_off', 'corrected'];

/** Resolutions the app makes itself: found on the neighbour day's statement; replaced by a newer statement. */
export type ReconAutoResolution = 'matched_neighbour_day' | 'superseded';

/** `not_run`: no statement was fetched for that day yet. */
export type ReconRunStatus = 'imported' | 'empty' | 'superseded' | 'refused' | 'unavailable' | 'not_run';

export interface ReconSide {
  count: number;
  sumFen: Fen;
}

export interface ReconProviderDay {
  provider: ProviderId;
  /** the latest import or attempt for the day */
  status: ReconRunStatus;
  /** the imported statement in use (null when none) */
  runId: number | null;
  importedAt: number | null;
  /** when the last download was tried, and by whom (`system` for the daily run) */
  lastTriedAt: number | null;
  lastTriedBy: string | null;
  /** the last try failed: STATEMENT_REFUSED or STATEMENT_UNAVAILABLE, with the reason */
  error: { code: 'STATEMENT_REFUSED' | 'STATEMENT_UNAVAILABLE'; message: string } | null;
  rowCount: number;
  matched: number;
  /** the till, now: payments paid that day and refunds that succeeded that day */
  local: { payments: ReconSide; refunds: ReconSide };
  /** the imported statement (null when none) */
  statement: { payments: ReconSide; refunds: ReconSide; feeFen: Fen } | null;
  /** payments per payment mode (qr, payment_code, redirect; `unknown`: rows the till lacks) */
  byMode: { mode: string; local: ReconSide; statement: ReconSide | null }[];
  open: number;
  awaiting: number;
}

export interface ReconItemView {
  id: number;
  runId: number;
  provider: ProviderId;
  day: string;
  category: ReconCategory;
  /** why, as a code the UI words (see the statement matcher: unknown_trade, paid_after_close, amount, …) */
  reason: string;
  outTradeNo: string;
  attemptId: number | null;
  orderId: number | null;
  orderNumber: string | null;
  refundNo: string | null;
  oursFen: Fen | null;
  theirsFen: Fen | null;
  /** the neighbour day whose statement may still explain it (not imported yet) */
  awaitingDay: string | null;
  detail: Record<string, string | number | boolean | null>;
  openedAt: number;
  resolvedAt: number | null;
  resolution: ReconResolution | ReconAutoResolution | null;
  note: string | null;
  resolvedBy: string | null;
}

export interface ReconDayView {
  day: string;
  /** the day is over (only past days can be reconciled) */
  canRun: boolean;
  providers: ReconProviderDay[];
  /** the differences of the statements in use, open first */
  items: ReconItemView[];
}

export interface ReconDaySummary {
  day: string;
  providers: { provider: ProviderId; status: ReconRunStatus; open: number }[];
  open: number;
  awaiting: number;
}

export interface ReconRunOutcome {
  provider: ProviderId;
  outcome: 'imported' | 'already_imported' | 'empty' | 'refused' | 'unavailable';
  runId: number | null;
  rows: number;
  items: number;
  matched: number;
  /** STATEMENT_REFUSED / STATEMENT_UNAVAILABLE and the reason, for refused and unavailable */
  error: { code: 'STATEMENT_REFUSED' | 'STATEMENT_UNAVAILABLE'; message: string } | null;
}

export interface ReconRunResult {
  day: string;
  outcomes: ReconRunOutcome[];
  view: ReconDayView;
}

export interface ReconSettingsView {
  /** the daily run, store time `HH:MM` (default 10:00; statements are usually ready by then) */
  dailyAt: string;
  /** the cross-midnight buffer in minutes (default 30) */
  bufferMinutes: number;
  /** expected fee per provider, parts per million of the amount (0.6 % = 6000); absent: not checked */
  feeRatesPpm: Partial<Record<ProviderId, number>>;
}
