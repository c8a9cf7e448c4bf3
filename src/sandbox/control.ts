/**
 * The control API under `/_sandbox/` (JSON; documented with curl examples in docs/sandbox.md):
 * trades (list, show, scan, pay, decline), scenarios, the clock, notify URLs, notifications, reset.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Ctx } from './context';
import { callerBase, sendJson, short } from './http';
import { alipayQrUrl, tradeStatus as alipayStatus } from './alipay';
import { wechatQrUrl, tradeState as wechatState } from './wechat';
import { cashierPath } from './yeepay';
import { yuan } from './money';
import { OPERATIONS, SCENARIO_NAMES } from './scenarios';
import { extraOf, isProvider, PROVIDERS, type Provider, type Trade } from './store';
import { markFailed, markPaid, markScanned, startPaying } from './trades';

export interface ClockControl {
  offsetMs(): number;
  advance(ms: number): void;
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function providerStatus(ctx: Ctx, t: Trade): string {
  if (t.provider === 'alipay')
    return t.mode === 'qr' && t.scanned_at === null ? 'TRADE_NOT_EXIST' : alipayStatus(ctx, t);
  if (t.provider === 'wechat') return wechatState(ctx, t);
  return t.status === 'paid'
    ? 'SUCCESS'
    : t.status === 'closed' || t.status === 'failed' || t.status === 'revoked'
      ? 'CANCELED'
      : 'INIT';
}

export function tradeView(ctx: Ctx, t: Trade, base: string, detail = false): Record<string, unknown> {
  const view: Record<string, unknown> = {
    provider: t.provider,
    out_trade_no: t.out_trade_no,
    trade_no: t.trade_no,
    mode: t.mode,
    status: t.status,
    provider_status: providerStatus(ctx, t),
    amount_fen: t.amount_fen,
    amount: yuan(t.amount_fen),
    refunded_fen: ctx.store.refundedFen(t.provider, t.out_trade_no),
    subject: t.subject,
    customer_url: t.qr_token
      ? t.provider === 'alipay'
        ? alipayQrUrl(base, t.qr_token)
        : wechatQrUrl(base, t.qr_token)
      : null,
    cashier_url: t.provider === 'yeepay' ? base + cashierPath(t) : null,
    created_at: iso(t.created_at),
    scanned_at: iso(t.scanned_at),
    paid_at: iso(t.paid_at),
    closed_at: iso(t.closed_at),
    close_reason: t.close_reason,
    paying_until: iso(t.paying_until),
    late_pay_at: iso(t.late_pay_at),
    expires_at: iso(t.expires_at),
  };
  if (detail) {
    view['extra'] = extraOf(t);
    view['refunds'] = ctx.store.refunds(t.provider, t.out_trade_no).map((r) => ({
      ...r,
      created_at: iso(r.created_at),
      finished_at: iso(r.finished_at),
      settle_at: iso(r.settle_at),
    }));
    view['notifications'] = ctx.store.notifications(t.provider, t.out_trade_no).map(notificationView);
  }
  return view;
}

function notificationView(n: ReturnType<Ctx['store']['notifications']>[number]): Record<string, unknown> {
  return {
    id: n.id,
    provider: n.provider,
    out_trade_no: n.out_trade_no,
    kind: n.kind,
    url: n.url,
    method: n.method,
    status: n.status,
    attempts: n.attempts,
    next_at: iso(n.next_at),
    duplicate: n.duplicate,
    last_result: n.last_result,
    body: n.body,
  };
}

async function jsonBody(body: Buffer): Promise<Record<string, unknown> | null> {
  if (body.length === 0) return {};
  try {
    const v: unknown = JSON.parse(body.toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The most the clock may be moved ahead in all (10 years). */
const MAX_OFFSET_MS = 10 * 366 * 86_400_000;

const err = (res: ServerResponse, status: number, message: string) => sendJson(res, status, { error: message });

export async function handleControl(
  ctx: Ctx,
  clock: ClockControl,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  body: Buffer,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
  const method = req.method ?? 'GET';
  const base = callerBase(req, ctx.baseUrl);
  const parts = path.split('/').filter(Boolean).slice(1).map(decodeURIComponent); // drop "_sandbox"
  const input = await jsonBody(body);
  if (input === null) return err(res, 400, 'body must be a JSON object');

  const [a, b, c, d] = parts;
  if (!a || a === 'health')
    return sendJson(res, 200, {
      ok: true,
      now: iso(ctx.now()),
      clock_offset_ms: clock.offsetMs(),
      providers: PROVIDERS,
      scenarios: SCENARIO_NAMES,
      operations: OPERATIONS,
    });

  if (a === 'trades') {
    if (!b) {
      const p = url.searchParams.get('provider');
      if (p !== null && !isProvider(p)) return err(res, 400, 'provider must be alipay, wechat or yeepay');
      return sendJson(res, 200, { trades: ctx.store.listTrades(p ?? undefined).map((t) => tradeView(ctx, t, base)) });
    }
    if (!isProvider(b) || !c) return err(res, 404, 'use /_sandbox/trades/{alipay|wechat|yeepay}/{out_trade_no}');
    const t = ctx.store.trade(b, c);
    if (!t) return err(res, 404, `no ${b} trade ${short(c)}`);
    if (!d && method === 'GET') return sendJson(res, 200, tradeView(ctx, t, base, true));
    if (method !== 'POST') return err(res, 405, 'use POST');
    const open = t.status === 'created' || t.status === 'scanned' || t.status === 'paying';
    if (d === 'scan') {
      if (!open) return err(res, 409, `trade is ${t.status}`);
      return sendJson(res, 200, tradeView(ctx, markScanned(ctx, t), base, true));
    }
    if (d === 'pay') {
      if (!open)
        return err(res, 409, `trade is ${t.status}; it can no longer be paid (see the pay_after_close scenario)`);
      const seconds = typeof input['password_seconds'] === 'number' ? input['password_seconds'] : 0;
      const scanned = markScanned(ctx, t);
      const after = seconds > 0 ? startPaying(ctx, scanned, seconds, 'pay') : markPaid(ctx, scanned);
      return sendJson(res, 200, tradeView(ctx, after, base, true));
    }
    if (d === 'decline') {
      if (!open) return err(res, 409, `trade is ${t.status}`);
      return sendJson(
        res,
        200,
        tradeView(ctx, markFailed(ctx, markScanned(ctx, t), 'declined by the buyer'), base, true),
      );
    }
    return err(res, 404, 'actions: scan, pay, decline');
  }

  if (a === 'scenarios') {
    if (method === 'GET') return sendJson(res, 200, { scenarios: ctx.scenarios.list() });
    if (method === 'POST' && !b) {
      const added = ctx.scenarios.add(input, ctx.now());
      return added.ok ? sendJson(res, 201, added.scenario) : err(res, 400, added.error);
    }
    if (method === 'DELETE' && !b) {
      ctx.scenarios.clear();
      return sendJson(res, 200, { ok: true });
    }
    if (method === 'DELETE' && b)
      return ctx.scenarios.remove(Number(b))
        ? sendJson(res, 200, { ok: true })
        : err(res, 404, `no scenario ${short(b)}`);
    return err(res, 405, 'GET, POST, DELETE');
  }

  if (a === 'clock') {
    if (b === 'advance' && method === 'POST') {
      const ms =
        typeof input['ms'] === 'number'
          ? input['ms']
          : typeof input['seconds'] === 'number'
            ? input['seconds'] * 1000
            : NaN;
      // bounded: an offset past year 275760 would make every date, and so every later request, throw
      if (!Number.isFinite(ms) || ms < 0 || clock.offsetMs() + ms > MAX_OFFSET_MS)
        return err(res, 400, 'give {"seconds": N} or {"ms": N}, not negative; the clock moves at most 10 years in all');
      clock.advance(Math.round(ms));
    } else if (b || method !== 'GET') return err(res, 404, 'GET /_sandbox/clock, POST /_sandbox/clock/advance');
    return sendJson(res, 200, { now: iso(ctx.now()), now_ms: ctx.now(), offset_ms: clock.offsetMs() });
  }

  if (a === 'notify-url') {
    if (method === 'POST' || method === 'PUT') {
      const p = input['provider'];
      if (!isProvider(p)) return err(res, 400, 'provider must be alipay, wechat or yeepay');
      const u = input['url'];
      if (u !== null && (typeof u !== 'string' || !/^https?:\/\//i.test(u)))
        return err(res, 400, 'url must be an http(s) URL or null');
      ctx.store.set(`notify_url.${p}`, u as string | null);
      ctx.store.set(`notify_url.${p}.override`, input['override'] === true ? '1' : null);
    } else if (method !== 'GET') return err(res, 405, 'GET or POST');
    const out: Record<string, unknown> = {};
    for (const p of PROVIDERS as readonly Provider[])
      out[p] = { url: ctx.store.get(`notify_url.${p}`), override: ctx.store.get(`notify_url.${p}.override`) === '1' };
    return sendJson(res, 200, out);
  }

  if (a === 'notifications') {
    const p = url.searchParams.get('provider');
    if (p !== null && !isProvider(p)) return err(res, 400, 'provider must be alipay, wechat or yeepay');
    return sendJson(res, 200, {
      notifications: ctx.store
        .notifications(p ?? undefined, url.searchParams.get('out_trade_no') ?? undefined)
        .map(notificationView),
    });
  }

  if (a === 'reset' && method === 'POST') {
    ctx.store.reset();
    clock.advance(-clock.offsetMs());
    return sendJson(res, 200, { ok: true });
  }

  return err(res, 404, 'see docs/sandbox.md: /_sandbox/{health,trades,scenarios,clock,notify-url,notifications,reset}');
}
