/**
 * The one interface every intermediary client implements. The core speaks only this; each client
 * (yeepay/, alipay/, wechat/: each a client.ts, its signing.ts, notification.ts and statement.ts)
 * turns it into its wire protocol (see docs/protocols.md),
 * signs every request and verifies every answer. Outcomes are data, never exceptions: a timeout, a
 * 5xx, garbage, a bad signature all come back as an outcome the core can record and act on.
 *
 * Money is integer fen on this side of the interface; each client formats and parses amounts at
 * its own edge.
 */

import type { NetworkTrouble } from '../../shared/outcomes';

export type ProviderId = 'yeepay' | 'alipay' | 'wechat';
export type PayMode = 'qr' | 'redirect' | 'payment_code';

/** What a provider can do; the UI offers, and the core attempts, only what is declared here. */
export interface Capabilities {
  modes: readonly PayMode[];
  query: boolean;
  /** close an unpaid trade (Alipay close, WeChat closeorder) */
  close: boolean;
  /** cancel/reverse: close if unpaid, refund if paid (Alipay cancel, WeChat reverse) */
  cancel: boolean;
  refund: boolean;
  refundQuery: boolean;
  statement: boolean;
  notification: boolean;
  /** browser return from a cashier page (YeePay r9_BType=1) */
  browserReturn: boolean;
}

/** One HTTP exchange with the intermediary, secrets redacted, for the payment journal. */
export interface Exchange {
  op: string;
  at: number;
  method: 'GET' | 'POST';
  url: string;
  /** request body or query as sent, with secrets (keys, sign values are fine) never included */
  request: string;
  status: number | null;
  /** response body as received (truncated to 16 KiB), or null when none came */
  response: string | null;
  error: string | null;
  ms: number;
}

/** Every call returns what happened on the wire with its interpreted outcome. */
export interface Called<T> {
  outcome: T;
  exchanges: Exchange[];
}

/**
 * An answer that arrived but cannot be trusted: missing or bad signature, another merchant or app
 * id, another order number, a currency other than CNY. Never treated as paid; the core opens an
 * exception and keeps asking.
 */
export interface Untrusted {
  kind: 'untrusted';
  reason: 'bad_signature' | 'unsigned' | 'wrong_merchant' | 'wrong_order' | 'wrong_currency' | 'malformed';
  detail: string;
}

export function untrusted(reason: Untrusted['reason'], detail: string): Untrusted {
  return { kind: 'untrusted', reason, detail };
}

/** No definite answer: timeout, connection refused, HTTP 5xx, an HTML error page, SYSTEMERROR, 20000. */
export interface Unknown {
  kind: 'unknown';
  reason: string;
  /** no answer on the wire at all, or a 5xx: why (`http.ts`); absent for an answer that said "unknown" */
  trouble?: NetworkTrouble;
}

export interface Trade {
  /** the intermediary's own trade number (trade_no, transaction_id, r2_TrxId) */
  tradeNo: string | null;
  /** the amount the intermediary says was paid, parsed to fen; the core compares it with the order */
  amountFen: number;
  paidAt: number | null;
  buyer: string | null;
}

export interface CreateInput {
  outTradeNo: string;
  amountFen: number;
  /** shown to the buyer; ASCII-safe text is best for YeePay (see docs/protocols.md §1.3) */
  subject: string;
  mode: PayMode;
  /** payment_code: the code scanned from the buyer's phone */
  authCode?: string;
  /** redirect: bank/channel code, or undefined for the cashier page's bank list */
  bankCode?: string;
  /** redirect: where the cashier page sends the buyer back (YeePay p8_Url) */
  returnUrl?: string;
  /** when the app will stop waiting; sent upstream as time_expire where supported */
  expiresAt: number;
  /** the terminal's IP for WeChat spbill_create_ip (default 127.0.0.1) */
  clientIp?: string;
}

export type CreateOutcome =
  | { kind: 'qr'; qrContent: string }
  | { kind: 'redirect'; url: string; method: 'POST' | 'GET'; fields: Record<string, string> }
  | { kind: 'paid'; trade: Trade }
  /** payment code: the buyer must confirm on the phone (Alipay 10003, WeChat USERPAYING): poll */
  | { kind: 'waiting' }
  | { kind: 'declined'; code: string; message: string }
  /**
   * The intermediary already has a trade under this number that this call did not create (paid,
   * closed, or made with other parameters: Alipay ACQ.TRADE_HAS_SUCCESS / TRADE_HAS_CLOSE /
   * CONTEXT_INCONSISTENT, WeChat ORDERPAID / ORDERCLOSED / OUT_TRADE_NO_USED). A create is sent once
   * per attempt, so the trade is another till's (or this till's before a restore): never paid, never
   * queried or closed as ours.
   */
  | { kind: 'taken'; code: string; message: string }
  | Unknown
  | Untrusted;

export interface TradeRef {
  outTradeNo: string;
  /** the local amount, for clients that need it (YeePay refund, WeChat refund total_fee) */
  amountFen: number;
  tradeNo?: string | null;
  /** when the attempt was created (WeChat refuses closeorder within 5 minutes of it) */
  createdAt?: number;
}

export type QueryOutcome =
  | { kind: 'paid'; trade: Trade }
  /** WAIT_BUYER_PAY, NOTPAY, USERPAYING, ACCEPT, INIT, AUTHORIZED */
  | { kind: 'pending' }
  /** no such trade upstream (an unscanned Alipay QR, YeePay r1_Code=50) */
  | { kind: 'not_found' }
  /** TRADE_CLOSED, CLOSED, REVOKED, CANCELED */
  | { kind: 'closed' }
  /** PAYERROR */
  | { kind: 'failed'; code: string; message: string }
  /** WeChat REFUND: paid, then refunded in part or whole */
  | { kind: 'refunded'; trade: Trade }
  | Unknown
  | Untrusted;

export type CloseOutcome =
  | { kind: 'closed' }
  /** it was paid after all (ORDERPAID, TRADE_HAS_SUCCESS): query it and keep the money */
  | { kind: 'paid' }
  | { kind: 'not_found' }
  /** WeChat: closeorder is refused within 5 minutes of creation */
  | { kind: 'too_early'; retryAt: number }
  | Unknown
  | Untrusted;

export type CancelOutcome =
  | { kind: 'closed' }
  /** it had been paid; the cancel/reverse refunded it */
  | { kind: 'refunded' }
  | { kind: 'not_found' }
  /** retry_flag=Y, recall=Y, USERPAYING, too early (WeChat reverse < 15 s) */
  | { kind: 'retry'; retryAt: number; reason: string }
  | Unknown
  | Untrusted;

export interface RefundInput extends TradeRef {
  /** idempotency key: the same on every retry of one refund */
  refundNo: string;
  refundFen: number;
  reason: string;
}

export type RefundOutcome =
  | { kind: 'succeeded'; refundedFen: number }
  /** accepted, final state to be learnt by refundQuery */
  | { kind: 'accepted' }
  | { kind: 'declined'; code: string; message: string }
  | Unknown
  | Untrusted;

export type RefundQueryOutcome =
  | { kind: 'succeeded'; refundedFen: number }
  | { kind: 'pending' }
  | { kind: 'failed'; code: string; message: string }
  | { kind: 'not_found' }
  | Unknown
  | Untrusted;

export interface StatementRow {
  outTradeNo: string;
  tradeNo: string | null;
  type: 'payment' | 'refund';
  /** positive fen; a refund row's amount is what was refunded */
  amountFen: number;
  feeFen: number;
  refundNo: string | null;
  /** the intermediary's own status text, e.g. SUCCESS, REFUND, 交易 */
  status: string;
  at: number | null;
}

export interface Statement {
  provider: ProviderId;
  /** YYYY-MM-DD */
  day: string;
  merchantId: string | null;
  rows: StatementRow[];
  totals: { count: number; amountFen: number; refundFen: number; feeFen: number };
}

export type StatementOutcome =
  | { kind: 'statement'; statement: Statement }
  /** the intermediary says there is no bill for that day (no trades) */
  | { kind: 'none' }
  /** refused: garbage rows, the wrong day, the wrong merchant, a truncated zip, another encoding */
  | { kind: 'invalid'; reason: string }
  | Unknown
  | Untrusted;

/** How a statement file is read (statement-file.ts): the parser and the account it must be for. */
export type StatementFormat =
  | { kind: 'alipay'; sellerId: string | null }
  | { kind: 'wechat'; mchId: string | null }
  | { kind: 'yeepay'; merchantId: string };

/** A statement downloaded but not parsed yet: parsing 100k rows is left to whoever imports it (a worker). */
export type StatementFileOutcome =
  | { kind: 'file'; file: Buffer; format: StatementFormat }
  | Exclude<StatementOutcome, { kind: 'statement' }>;

/** An incoming notification or browser return, as the transport received it. */
export interface Incoming {
  method: 'GET' | 'POST';
  query: Record<string, string>;
  body: Buffer;
  contentType: string;
}

export type IncomingOutcome =
  | { kind: 'paid'; outTradeNo: string; trade: Trade }
  | { kind: 'other'; outTradeNo: string; status: string }
  | Untrusted;

export interface Verified {
  outcome: IncomingOutcome;
  /** what to answer the intermediary (YeePay `success`, Alipay `success`, WeChat XML) */
  reply: { status: number; contentType: string; body: string };
}

export interface PaymentProvider {
  readonly id: ProviderId;
  readonly capabilities: Capabilities;
  create(input: CreateInput): Promise<Called<CreateOutcome>>;
  query(ref: TradeRef): Promise<Called<QueryOutcome>>;
  close(ref: TradeRef): Promise<Called<CloseOutcome>>;
  cancel(ref: TradeRef): Promise<Called<CancelOutcome>>;
  refund(input: RefundInput): Promise<Called<RefundOutcome>>;
  refundQuery(input: RefundInput): Promise<Called<RefundQueryOutcome>>;
  /** download and parse the statement for a business day (YYYY-MM-DD) */
  statement(day: string): Promise<Called<StatementOutcome>>;
  /** download it only: the file and how to parse it (reconciliation parses it off the counter's thread) */
  statementFile?(day: string): Promise<Called<StatementFileOutcome>>;
  /** parse a statement file already downloaded (pure; used by imports and tests) */
  parseStatement(file: Buffer, day: string): StatementOutcome;
  /** verify a server-to-server notification (or, for YeePay, the browser return too) */
  verifyIncoming(incoming: Incoming): Verified;
}

/** The HTTP the clients use, injectable for tests; the default is fetch with a timeout. */
export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  timeoutMs: number;
}
export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}
export type Http = (req: HttpRequest) => Promise<HttpResponse>;

/** Everything a client needs besides its credentials. */
export interface ClientDeps {
  http: Http;
  now: () => number;
  /** random nonce (WeChat nonce_str); injectable for deterministic tests */
  nonce: () => string;
  timeoutMs: number;
  /**
   * Called with the operation's name once the intermediary has answered (or the request failed),
   * before the client reads the answer; the core passes its crash point `http:<op>` here
   * (core/crash-points.ts), so the clients need not know about it.
   */
  answered?: (op: string) => void;
}
