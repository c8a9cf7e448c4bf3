/**
 * Answering under a transport plan (scenarios delay, no_answer, http_500, malformed_body).
 * Held connections (no_answer) are tracked so that close() can end them.
 */
import type { ServerResponse } from 'node:http';
import { HTML_500, send } from './http';
import type { TransportPlan } from './scenarios';

export const held = new Set<ServerResponse>();

/** The longest a no_answer connection is held if the client never gives up. */
export const HOLD_MAX_MS = 10 * 60_000;

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function hold(res: ServerResponse): void {
  held.add(res);
  const timer = setTimeout(() => res.destroy(), HOLD_MAX_MS);
  timer.unref();
  res.on('close', () => {
    clearTimeout(timer);
    held.delete(res);
  });
}

/**
 * Send `body`, or what the plan makes of it. A malformed body is the real answer cut in half
 * (plus trailing garbage), so that it looks like the start of a good one.
 */
export async function deliver(
  res: ServerResponse,
  plan: TransportPlan,
  contentType: string,
  body: string | Buffer,
): Promise<void> {
  if (plan.delayMs > 0) await sleep(plan.delayMs);
  if (plan.fault === 'no_answer') return hold(res);
  if (plan.fault === 'http_500') return send(res, 500, 'text/html; charset=utf-8', HTML_500);
  if (plan.fault === 'malformed_body') {
    const text = typeof body === 'string' ? body : body.toString('latin1');
    return send(
      res,
      200,
      contentType,
      text.slice(0, Math.max(1, Math.floor(text.length / 2))) + '\u0000<!-- upstream reset -->',
    );
  }
  send(res, 200, contentType, body);
}
