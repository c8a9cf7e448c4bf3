/**
 * The sandbox's durable state: trades, refunds, scenarios, the notification queue and a few
 * settings (clock offset, notify URLs), in one SQLite file under the data directory (WAL,
 * synchronous=FULL). Restarting on the same directory loses nothing.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

export type Provider = 'alipay' | 'wechat' | 'yeepay';
export const PROVIDERS: readonly Provider[] = ['alipay', 'wechat', 'yeepay'];
export function isProvider(v: unknown): v is Provider {
  return v === 'alipay' || v === 'wechat' || v === 'yeepay';
}

export type TradeMode = 'qr' | 'code' | 'redirect';
/**
 * created: known to the sandbox (an Alipay precreate does not "exist" upstream until scanned);
 * scanned: the customer page was opened; paying: the buyer is entering a password (see
 * paying_until / paying_outcome); paid; closed (merchant close, cancel of an unpaid trade,
 * expiry); failed (declined); revoked (WeChat reverse / Alipay cancel of a paid trade).
 */
export type TradeStatus = 'created' | 'scanned' | 'paying' | 'paid' | 'closed' | 'failed' | 'revoked';

export interface Trade {
  provider: Provider;
  out_trade_no: string;
  trade_no: string;
  mode: TradeMode;
  status: TradeStatus;
  amount_fen: number;
  subject: string;
  qr_token: string | null;
  auth_code: string | null;
  notify_url: string | null;
  created_at: number;
  scanned_at: number | null;
  paid_at: number | null;
  closed_at: number | null;
  expires_at: number | null;
  qr_expires_at: number | null;
  paying_until: number | null;
  paying_outcome: 'pay' | 'decline' | null;
  late_pay_at: number | null;
  merchant_closed: number;
  close_reason: string | null;
  /** provider-specific request fields kept for answers, callbacks and bills (JSON object of strings) */
  extra: string;
  updated_at: number;
}

/** A trade's protocol-specific fields (its `extra` JSON); `{}` when absent or unreadable. */
export function extraOf(t: Trade): Record<string, string> {
  try {
    const v: unknown = JSON.parse(t.extra);
    return typeof v === 'object' && v !== null ? (v as Record<string, string>) : {};
  } catch {
    return {};
  }
}

export type RefundStatus = 'SUCCESS' | 'PROCESSING' | 'FAILED';
export interface Refund {
  provider: Provider;
  out_trade_no: string;
  out_request_no: string;
  refund_id: string;
  amount_fen: number;
  status: RefundStatus;
  reason: string;
  created_at: number;
  /** when a PROCESSING refund settles (refund_pending scenario) */
  settle_at: number | null;
  settle_to: RefundStatus | null;
  finished_at: number | null;
}

export interface ScenarioRow {
  id: number;
  name: string;
  provider: Provider | null;
  out_trade_no: string | null;
  operation: string | null;
  times: number | null;
  params: string;
  created_at: number;
}

export interface NotificationRow {
  id: number;
  provider: Provider;
  out_trade_no: string;
  kind: string;
  url: string;
  method: 'GET' | 'POST';
  content_type: string;
  body: string;
  /** JSON array of delays in ms (already time-scaled) before attempt 2, 3, … */
  schedule: string;
  attempts: number;
  next_at: number;
  status: 'pending' | 'delivered' | 'gave_up';
  duplicate: number;
  expect: 'alipay' | 'wechat' | 'yeepay';
  last_result: string | null;
  created_at: number;
  delivered_at: number | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS trades (
  provider TEXT NOT NULL,
  out_trade_no TEXT NOT NULL,
  trade_no TEXT NOT NULL UNIQUE,
  mode TEXT NOT NULL,
  status TEXT NOT NULL,
  amount_fen INTEGER NOT NULL,
  subject TEXT NOT NULL DEFAULT '',
  qr_token TEXT UNIQUE,
  auth_code TEXT,
  notify_url TEXT,
  created_at INTEGER NOT NULL,
  scanned_at INTEGER,
  paid_at INTEGER,
  closed_at INTEGER,
  expires_at INTEGER,
  qr_expires_at INTEGER,
  paying_until INTEGER,
  paying_outcome TEXT,
  late_pay_at INTEGER,
  merchant_closed INTEGER NOT NULL DEFAULT 0,
  close_reason TEXT,
  extra TEXT NOT NULL DEFAULT '{}',
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (provider, out_trade_no)
);
CREATE INDEX IF NOT EXISTS trades_timers ON trades (status, paying_until, late_pay_at, expires_at);
CREATE TABLE IF NOT EXISTS refunds (
  provider TEXT NOT NULL,
  out_trade_no TEXT NOT NULL,
  out_request_no TEXT NOT NULL,
  refund_id TEXT NOT NULL UNIQUE,
  amount_fen INTEGER NOT NULL,
  status TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  settle_at INTEGER,
  settle_to TEXT,
  finished_at INTEGER,
  PRIMARY KEY (provider, out_trade_no, out_request_no)
);
CREATE TABLE IF NOT EXISTS scenarios (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  provider TEXT,
  out_trade_no TEXT,
  operation TEXT,
  times INTEGER,
  params TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS notifications (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  provider TEXT NOT NULL,
  out_trade_no TEXT NOT NULL,
  kind TEXT NOT NULL,
  url TEXT NOT NULL,
  method TEXT NOT NULL,
  content_type TEXT NOT NULL,
  body TEXT NOT NULL,
  schedule TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending',
  duplicate INTEGER NOT NULL DEFAULT 0,
  expect TEXT NOT NULL,
  last_result TEXT,
  created_at INTEGER NOT NULL,
  delivered_at INTEGER
);
CREATE INDEX IF NOT EXISTS notifications_due ON notifications (status, next_at);
CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

export const DB_FILE = 'sandbox.sqlite';

export class Store {
  readonly db: BetterSqlite3.Database;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.db = new BetterSqlite3(join(dataDir, DB_FILE));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
  }

  close(): void {
    this.statements.clear();
    if (this.db.open) this.db.close();
  }

  /** Statements are prepared once per SQL text (every request reads a few; preparing costs more than running them). */
  private readonly statements = new Map<string, BetterSqlite3.Statement>();
  private prepare(sql: string): BetterSqlite3.Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  tx<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  // ---------------------------------------------------------------- kv

  get(key: string): string | null {
    const row = this.prepare('SELECT value FROM kv WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value ?? null;
  }

  set(key: string, value: string | null): void {
    if (value === null) this.prepare('DELETE FROM kv WHERE key = ?').run(key);
    else
      this.prepare(
        'INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      ).run(key, value);
  }

  // ---------------------------------------------------------------- trades

  trade(provider: Provider, outTradeNo: string): Trade | null {
    return (
      (this.prepare('SELECT * FROM trades WHERE provider = ? AND out_trade_no = ?').get(provider, outTradeNo) as
        | Trade
        | undefined) ?? null
    );
  }

  tradeByTradeNo(provider: Provider, tradeNo: string): Trade | null {
    return (
      (this.prepare('SELECT * FROM trades WHERE provider = ? AND trade_no = ?').get(provider, tradeNo) as
        | Trade
        | undefined) ?? null
    );
  }

  tradeByQrToken(provider: Provider, token: string): Trade | null {
    return (
      (this.prepare('SELECT * FROM trades WHERE provider = ? AND qr_token = ?').get(provider, token) as
        | Trade
        | undefined) ?? null
    );
  }

  insertTrade(t: Trade): void {
    const cols = Object.keys(t);
    this.prepare(`INSERT INTO trades (${cols.join(',')}) VALUES (${cols.map((c) => '@' + c).join(',')})`).run(t);
  }

  updateTrade(provider: Provider, outTradeNo: string, patch: Partial<Trade>): void {
    const cols = Object.keys(patch).filter((k) => k !== 'provider' && k !== 'out_trade_no');
    if (cols.length === 0) return;
    this.prepare(
      `UPDATE trades SET ${cols.map((c) => `${c} = @${c}`).join(', ')} WHERE provider = @provider AND out_trade_no = @out_trade_no`,
    ).run({ ...patch, provider, out_trade_no: outTradeNo });
  }

  listTrades(provider?: Provider, limit = 500): Trade[] {
    return provider
      ? (this.prepare('SELECT * FROM trades WHERE provider = ? ORDER BY created_at DESC LIMIT ?').all(
          provider,
          limit,
        ) as Trade[])
      : (this.prepare('SELECT * FROM trades ORDER BY created_at DESC LIMIT ?').all(limit) as Trade[]);
  }

  /** Trades with a timer that may have fired by `now`. */
  dueTrades(now: number): Trade[] {
    return this.prepare(
      `SELECT * FROM trades WHERE (status = 'paying' AND paying_until <= @now)
           OR (late_pay_at IS NOT NULL AND late_pay_at <= @now AND status <> 'paid')
           OR (status IN ('created','scanned') AND expires_at IS NOT NULL AND expires_at <= @now)`,
    ).all({ now }) as Trade[];
  }

  /** Paid trades, and trades with refunds, touching a Beijing-day window (bills). */
  tradesPaidBetween(provider: Provider, from: number, to: number): Trade[] {
    return this.prepare(
      'SELECT * FROM trades WHERE provider = ? AND paid_at IS NOT NULL AND paid_at >= ? AND paid_at < ? ORDER BY paid_at',
    ).all(provider, from, to) as Trade[];
  }

  tradesRevokedBetween(provider: Provider, from: number, to: number): Trade[] {
    return this.prepare(
      "SELECT * FROM trades WHERE provider = ? AND status = 'revoked' AND paid_at IS NOT NULL AND closed_at >= ? AND closed_at < ? ORDER BY closed_at",
    ).all(provider, from, to) as Trade[];
  }

  // ---------------------------------------------------------------- refunds

  refunds(provider: Provider, outTradeNo: string): Refund[] {
    return this.prepare('SELECT * FROM refunds WHERE provider = ? AND out_trade_no = ? ORDER BY created_at, rowid').all(
      provider,
      outTradeNo,
    ) as Refund[];
  }

  refund(provider: Provider, outTradeNo: string, outRequestNo: string): Refund | null {
    return (
      (this.prepare('SELECT * FROM refunds WHERE provider = ? AND out_trade_no = ? AND out_request_no = ?').get(
        provider,
        outTradeNo,
        outRequestNo,
      ) as Refund | undefined) ?? null
    );
  }

  refundById(provider: Provider, refundId: string): Refund | null {
    return (
      (this.prepare('SELECT * FROM refunds WHERE provider = ? AND refund_id = ?').get(provider, refundId) as
        | Refund
        | undefined) ?? null
    );
  }

  refundByRequestNo(provider: Provider, outRequestNo: string): Refund | null {
    return (
      (this.prepare('SELECT * FROM refunds WHERE provider = ? AND out_request_no = ?').get(provider, outRequestNo) as
        | Refund
        | undefined) ?? null
    );
  }

  insertRefund(r: Refund): void {
    const cols = Object.keys(r);
    this.prepare(`INSERT INTO refunds (${cols.join(',')}) VALUES (${cols.map((c) => '@' + c).join(',')})`).run(r);
  }

  /** Settle PROCESSING refunds whose time has come. */
  settleRefunds(now: number): void {
    this.prepare(
      "UPDATE refunds SET status = settle_to, finished_at = settle_at WHERE status = 'PROCESSING' AND settle_at IS NOT NULL AND settle_at <= ?",
    ).run(now);
  }

  refundsFinishedBetween(provider: Provider, from: number, to: number): Refund[] {
    return this.prepare(
      "SELECT * FROM refunds WHERE provider = ? AND status = 'SUCCESS' AND finished_at >= ? AND finished_at < ? ORDER BY finished_at",
    ).all(provider, from, to) as Refund[];
  }

  /** Sum of refunds that count against the trade (succeeded or still processing). */
  refundedFen(provider: Provider, outTradeNo: string): number {
    const row = this.prepare(
      "SELECT COALESCE(SUM(amount_fen), 0) AS s FROM refunds WHERE provider = ? AND out_trade_no = ? AND status IN ('SUCCESS','PROCESSING')",
    ).get(provider, outTradeNo) as { s: number };
    return row.s;
  }

  // ---------------------------------------------------------------- scenarios

  scenarios(): ScenarioRow[] {
    return this.prepare('SELECT * FROM scenarios ORDER BY id').all() as ScenarioRow[];
  }

  insertScenario(s: Omit<ScenarioRow, 'id'>): number {
    const r = this.prepare(
      'INSERT INTO scenarios (name, provider, out_trade_no, operation, times, params, created_at) VALUES (@name, @provider, @out_trade_no, @operation, @times, @params, @created_at)',
    ).run(s);
    return Number(r.lastInsertRowid);
  }

  deleteScenario(id: number): boolean {
    return this.prepare('DELETE FROM scenarios WHERE id = ?').run(id).changes > 0;
  }

  /** Use a scenario once: decrement `times`, delete it when spent. */
  consumeScenario(id: number): void {
    this.prepare('UPDATE scenarios SET times = times - 1 WHERE id = ? AND times IS NOT NULL').run(id);
    this.prepare('DELETE FROM scenarios WHERE id = ? AND times IS NOT NULL AND times <= 0').run(id);
  }

  // ---------------------------------------------------------------- notifications

  insertNotification(n: Omit<NotificationRow, 'id' | 'attempts' | 'status' | 'last_result' | 'delivered_at'>): number {
    const r = this.prepare(
      `INSERT INTO notifications (provider, out_trade_no, kind, url, method, content_type, body, schedule, next_at, duplicate, expect, created_at)
         VALUES (@provider, @out_trade_no, @kind, @url, @method, @content_type, @body, @schedule, @next_at, @duplicate, @expect, @created_at)`,
    ).run(n);
    return Number(r.lastInsertRowid);
  }

  dueNotifications(now: number, exclude: readonly number[]): NotificationRow[] {
    const rows = this.prepare(
      "SELECT * FROM notifications WHERE status = 'pending' AND next_at <= ? ORDER BY next_at LIMIT 50",
    ).all(now) as NotificationRow[];
    return rows.filter((r) => !exclude.includes(r.id));
  }

  notifications(provider?: Provider, outTradeNo?: string): NotificationRow[] {
    if (provider && outTradeNo)
      return this.prepare('SELECT * FROM notifications WHERE provider = ? AND out_trade_no = ? ORDER BY id').all(
        provider,
        outTradeNo,
      ) as NotificationRow[];
    if (provider)
      return this.prepare('SELECT * FROM notifications WHERE provider = ? ORDER BY id DESC LIMIT 500').all(
        provider,
      ) as NotificationRow[];
    return this.prepare('SELECT * FROM notifications ORDER BY id DESC LIMIT 500').all() as NotificationRow[];
  }

  updateNotification(id: number, patch: Partial<NotificationRow>): void {
    const cols = Object.keys(patch).filter((k) => k !== 'id');
    if (cols.length === 0) return;
    this.prepare(`UPDATE notifications SET ${cols.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`).run({
      ...patch,
      id,
    });
  }

  reset(): void {
    this.tx(() => {
      for (const t of ['trades', 'refunds', 'scenarios', 'notifications', 'kv']) this.db.exec(`DELETE FROM ${t}`);
    });
  }
}
