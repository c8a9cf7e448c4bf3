/**
 * Notifications and browser returns from the intermediaries: verified by the client, then a hint
 * only — the status query decides (attempt-poll.ts `queryNow`) or, for an attempt already over, one
 * "late money" check (attempt-settle.ts `lateCheck`).
 */
import type { ProviderId } from '../../../shared/types';
import type { Incoming } from '../../intermediaries/provider';
import { isOpen, isPaid } from '../../../shared/payment-states';
import type { AttemptRow } from '../../store/schema';
import { SummaryLog } from '../log-summary';
import type { AttemptContext } from './attempt-context';
import { queryNow } from './attempt-poll';
import { lateCheck } from './attempt-settle';

/** Repeated notifications for an open attempt query it at most once per this (see `incoming`). */
export const NOTIFIED_QUERY_GAP_MS = 3_000;

/** At most `max` characters of text that came from outside, for a log line. */
function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export class Notifications {
  constructor(private readonly ctx: AttemptContext) {}

  /** notification-triggered queries: attempt id → when the last one started (see `incoming`) */
  private readonly notifiedQueryAt = new Map<number, number>();
  /** refused and unmatched notifications: one line per kind per minute, the rest counted */
  private readonly refusedLog = new SummaryLog((line) => this.ctx.log(line));

  /**
   * A notification or browser return from an intermediary: verified by the client, then treated as
   * a hint only — the status query decides. Each costs at most what it can change:
   * - refused (unsigned, bad signature…) or for an unknown order: no row, one log line per kind a minute;
   * - the same notification again (identical journal detail) adds no journal row;
   * - for an open attempt it triggers a query at once, but at most one per attempt per
   *   NOTIFIED_QUERY_GAP_MS (the poller asks every few seconds anyway);
   * - for a paid attempt nothing more; for a closed one, one "late money" query per close, so a
   *   replay is answered `success` without a query or a row.
   */
  async incoming(
    providerId: ProviderId,
    incoming: Incoming,
  ): Promise<{ status: number; contentType: string; body: string }> {
    const entry = this.ctx.providers.get(providerId);
    if (!entry) return { status: 404, contentType: 'text/plain', body: 'not enabled' };
    const verified = entry.provider.verifyIncoming(incoming);
    const o = verified.outcome;
    if (o.kind === 'untrusted') {
      this.refusedLog.line(
        `${providerId} ${o.reason}`,
        `${providerId} notification refused: ${o.reason} ${clip(o.detail, 160)}`,
      );
      return verified.reply;
    }
    const a = this.ctx.store.first(
      this.ctx.k.selectFrom('payment_attempts').selectAll().where('out_trade_no', '=', o.outTradeNo),
    );
    if (!a) {
      this.refusedLog.line(
        `${providerId} unknown`,
        `${providerId} notification for unknown order ${clip(o.outTradeNo, 40)}`,
      );
      return verified.reply;
    }
    const open = isOpen(a.state);
    const paid = isPaid(a.state);
    const note = { provider: providerId, outcome: o.kind, status: o.kind === 'other' ? o.status : 'paid' };
    // after a close, a "paid" notification is news once (late money), whatever came before the close
    const seen = this.notifiedBefore(a, JSON.stringify(note), open || paid || o.kind !== 'paid' ? null : a.updated_at);
    if (!seen) this.ctx.store.tx(() => this.ctx.journal(a, 'notification', null, null, note));
    if (open) {
      const now = this.ctx.clock.now();
      const last = this.notifiedQueryAt.get(a.id);
      if (last !== undefined && now - last < NOTIFIED_QUERY_GAP_MS && now >= last) return verified.reply;
      this.notifiedQueryAt.set(a.id, now);
      if (this.notifiedQueryAt.size > 1_000) {
        for (const [id, at] of this.notifiedQueryAt)
          if (now - at >= NOTIFIED_QUERY_GAP_MS) this.notifiedQueryAt.delete(id);
      }
      await queryNow(this.ctx, a.id);
    } else if (o.kind === 'paid' && !paid && !seen) {
      this.notifiedQueryAt.delete(a.id);
      await lateCheck(this.ctx, a.id);
      this.ctx.events.emit('payment.changed', this.ctx.view(a.id));
    }
    return verified.reply;
  }

  /** Whether this attempt's journal already holds this notification (since `since`, if given). */
  private notifiedBefore(a: AttemptRow, detail: string, since: number | null): boolean {
    let q = this.ctx.k
      .selectFrom('payment_journal')
      .select('id')
      .where('order_id', '=', a.order_id)
      .where('attempt_id', '=', a.id)
      .where('kind', '=', 'notification')
      .where('detail', '=', detail);
    if (since !== null) q = q.where('at', '>=', since);
    return this.ctx.store.first(q.limit(1)) !== undefined;
  }
}
