/**
 * Intermediary payments: the ways to pay, attempts, provider settings, exceptions and the
 * "payments to check" screen. All amounts are integer fen; all times are epoch milliseconds.
 */
import type { Fen } from '../money';
import type { AttemptDisplay, AttemptOutcome, NetworkTrouble } from '../outcomes';
import type { RefundView } from './refunds';
import type { OrderStatus } from './sales';
import type { AttemptState, PaymentMethod, PaymentMode } from './tender';

export type ProviderId = 'yeepay' | 'alipay' | 'wechat';
export type IntermediaryMode = 'qr' | 'redirect' | 'payment_code';

/** A way to pay offered on the pay screen. */
export interface PaymentOption {
  provider: ProviderId;
  mode: IntermediaryMode;
  /** the provider points at a sandbox, not a real intermediary */
  sandbox: boolean;
  /** its last call got no answer (core/payments/reachability.ts): why; null while it answers */
  unreachable: NetworkTrouble | null;
}

export interface AttemptView {
  id: number;
  orderId: number;
  orderNumber: string;
  provider: PaymentMethod;
  mode: PaymentMode;
  outTradeNo: string;
  amountFen: Fen;
  state: AttemptState;
  /** the last call had no definite answer: the outcome is being established */
  unknown: boolean;
  /** the app is closing/cancelling it upstream (deadline reached, or the clerk stopped it) */
  closing: boolean;
  qrContent: string | null;
  redirect: { url: string; method: 'GET' | 'POST'; fields: Record<string, string> } | null;
  createdAt: number;
  deadlineAt: number | null;
  paidAt: number | null;
  /** the intermediary's last word, as data (src/shared/outcomes.ts) */
  lastOutcome: AttemptOutcome | null;
  message: string | null;
  /** what the order still owes beside this part (split tender: the pay screen continues with the rest) */
  orderOwedFen: Fen;
  /** what the pay screen shows and allows, decided in main */
  display: AttemptDisplay;
}

export interface ProviderSettingsView {
  provider: ProviderId;
  enabled: boolean;
  /** 'embedded': the sandbox the app starts itself, with the demo credentials */
  target: 'embedded' | 'custom';
  environment: 'sandbox' | 'production';
  fields: Record<string, string>;
  /** secrets are never sent: only whether one is set, and a fingerprint to recognise it */
  secrets: Record<string, { set: boolean; fingerprint: string | null }>;
  /** why it cannot be used right now, in plain words; null when it is ready */
  problem: string | null;
  sandbox: boolean;
}

/** An order's payment timeline as a file, for disputes. */
export interface TimelineExport {
  filename: string;
  mime: 'application/json' | 'text/csv';
  content: string;
}

/** What a payment exception is about (opened by the payment core; see docs/architecture.md). */
export type ExceptionKind =
  | 'amount_mismatch'
  | 'paid_after_close'
  | 'double_payment'
  | 'refunded_by_cancel'
  | 'refunded_upstream'
  | 'untrusted_answer'
  | 'paid_order_not_open'
  /** the intermediary answered about a trade the attempt did not create (its number was used elsewhere) */
  | 'foreign_trade';

/** refund: give the money back through the intermediary; accept: keep it on the order; dismiss: acknowledged, nothing to move */
export type ExceptionResolution = 'refund' | 'accept' | 'dismiss';

export interface ExceptionView {
  id: number;
  orderId: number;
  orderNumber: string;
  orderStatus: OrderStatus;
  attemptId: number | null;
  provider: PaymentMethod | null;
  outTradeNo: string | null;
  kind: ExceptionKind;
  detail: Record<string, unknown>;
  /** money the intermediary holds for this attempt, as far as the exception tells */
  amountFen: Fen | null;
  openedAt: number;
  resolvedAt: number | null;
  /** `refunding` while a refund resolution is under way */
  resolution: ExceptionResolution | 'refunding' | 'refunded' | 'accepted' | 'dismissed' | null;
  note: string | null;
  /** what the owner may choose now (empty once resolved or while refunding) */
  resolutions: ExceptionResolution[];
  refund: RefundView | null;
}

export type AttentionReason = 'unknown' | 'overdue' | 'closing' | 'unanswered' | 'overridden' | 'parked';

export interface AttentionAttempt extends AttemptView {
  reasons: AttentionReason[];
  polls: number;
  nextPollAt: number | null;
  overriddenAt: number | null;
}

/** The "payments to check" screen: open payments whose outcome is unknown or overdue, open exceptions, unfinished refunds. */
export interface AttentionView {
  attempts: AttentionAttempt[];
  exceptions: ExceptionView[];
  refunds: RefundView[];
  /** exceptions resolved in the last 7 days, newest first */
  resolved: ExceptionView[];
}
