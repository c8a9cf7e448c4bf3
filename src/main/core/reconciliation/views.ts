/** What the owner's reconciliation screen reads: a day per provider, the last days, and the differences. */
import { PAID_STATES } from '../../../shared/payment-states';
import { PosError } from '../../../shared/errors';
import type {
  ProviderId,
  ReconCategory,
  ReconDaySummary,
  ReconDayView,
  ReconItemView,
  ReconProviderDay,
  ReconRunStatus,
  ReconSide,
} from '../../../shared/types';
import { isDay } from '../../intermediaries/money';
import { RECON_CATEGORIES, type MatchTotals } from '../../intermediaries/statement-match';
import type { Store } from '../../store/db';
import { dayWindow, shiftDay } from './days';
import { CURRENT, PROVIDER_ORDER } from './types';

const side = (): ReconSide => ({ count: 0, sumFen: 0 });

export class ReconViews {
  constructor(
    private readonly store: Store,
    /** the enabled providers that download statements */
    private readonly providers: () => ProviderId[],
    /** the store's business day now */
    private readonly today: () => string,
  ) {}

  private get k() {
    return this.store.kysely;
  }

  items(runIds: readonly number[]): ReconItemView[] {
    if (runIds.length === 0) return [];
    const rows = this.store.all(
      this.k
        .selectFrom('recon_items')
        .innerJoin('recon_runs', 'recon_runs.id', 'recon_items.run_id')
        .leftJoin('payment_attempts', 'payment_attempts.id', 'recon_items.attempt_id')
        .leftJoin('orders', 'orders.id', 'payment_attempts.order_id')
        .selectAll('recon_items')
        .select(['recon_runs.provider', 'recon_runs.day', 'orders.id as order_id', 'orders.number as order_number'])
        .where('recon_items.run_id', 'in', runIds),
    );
    const rank = (c: ReconCategory) => RECON_CATEGORIES.indexOf(c);
    return rows
      .map((r): ReconItemView => {
        const detail = JSON.parse(r.detail) as Record<string, string | number | boolean | null>;
        return {
          id: r.id,
          runId: r.run_id,
          provider: r.provider,
          day: r.day,
          category: r.category,
          reason: typeof detail.reason === 'string' ? detail.reason : r.category,
          outTradeNo: r.out_trade_no,
          attemptId: r.attempt_id,
          orderId: r.order_id,
          orderNumber: r.order_number,
          refundNo: r.refund_no,
          oursFen: r.ours_fen,
          theirsFen: r.theirs_fen,
          awaitingDay: r.awaiting_day,
          detail,
          openedAt: r.opened_at,
          resolvedAt: r.resolved_at,
          resolution: r.resolution as ReconItemView['resolution'],
          note: r.note,
          resolvedBy: r.resolved_by,
        };
      })
      .sort(
        (a, b) =>
          Number(a.resolvedAt !== null) - Number(b.resolvedAt !== null) ||
          Number(a.awaitingDay !== null) - Number(b.awaitingDay !== null) ||
          rank(a.category) - rank(b.category) ||
          a.id - b.id,
      );
  }

  /** A day: per provider the till's totals (now) against the statement's, and the differences. */
  day(day: string): ReconDayView {
    if (!isDay(day)) throw new PosError('INVALID_INPUT', `${day} is not a day (YYYY-MM-DD).`, { field: 'day' });
    const { from, to } = dayWindow(day);
    const runs = this.store.all(this.k.selectFrom('recon_runs').selectAll().where('day', '=', day).orderBy('id'));
    const localPay = this.store.all(
      this.k
        .selectFrom('payment_attempts')
        .select([
          'method',
          'mode',
          (eb) => eb.fn.countAll<number>().as('n'),
          (eb) => eb.fn.sum<number>('amount_fen').as('sum'),
        ])
        .where('method', '!=', 'cash')
        .where('state', 'in', PAID_STATES)
        .where('paid_at', '>=', from)
        .where('paid_at', '<', to)
        .groupBy(['method', 'mode']),
    );
    const localRefunds = this.store.all(
      this.k
        .selectFrom('refunds')
        .select(['method', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.sum<number>('amount_fen').as('sum')])
        .where('method', '!=', 'cash')
        .where('state', '=', 'succeeded')
        .where('finished_at', '>=', from)
        .where('finished_at', '<', to)
        .groupBy('method'),
    );
    const providers = new Set<ProviderId>(this.providers());
    for (const r of runs) providers.add(r.provider);
    for (const r of localPay) providers.add(r.method as ProviderId);
    for (const r of localRefunds) providers.add(r.method as ProviderId);

    const current: number[] = [];
    const views: ReconProviderDay[] = [];
    for (const provider of PROVIDER_ORDER) {
      if (!providers.has(provider)) continue;
      const mine = runs.filter((r) => r.provider === provider);
      const latest = mine.at(-1);
      const inUse = [...mine].reverse().find((r) => CURRENT.includes(r.status));
      if (inUse) current.push(inUse.id);
      const lastFailed =
        latest && (latest.status === 'refused' || latest.status === 'unavailable') ? latest : undefined;
      const totals = inUse?.totals ? (JSON.parse(inUse.totals) as MatchTotals) : null;
      const local = { payments: side(), refunds: side() };
      const modes = new Map<string, { mode: string; local: ReconSide; statement: ReconSide | null }>();
      for (const r of localPay.filter((x) => x.method === provider)) {
        const n = Number(r.n);
        const sum = Number(r.sum ?? 0);
        local.payments.count += n;
        local.payments.sumFen += sum;
        modes.set(r.mode, { mode: r.mode, local: { count: n, sumFen: sum }, statement: totals ? side() : null });
      }
      for (const r of localRefunds.filter((x) => x.method === provider))
        local.refunds = { count: Number(r.n), sumFen: Number(r.sum ?? 0) };
      for (const m of totals?.byMode ?? []) {
        const v = modes.get(m.mode) ?? { mode: m.mode, local: side(), statement: side() };
        v.statement = { ...m.statement };
        modes.set(m.mode, v);
      }
      views.push({
        provider,
        status: inUse ? inUse.status : (latest?.status ?? 'not_run'),
        runId: inUse?.id ?? null,
        importedAt: inUse?.imported_at ?? null,
        lastTriedAt: latest?.started_at ?? null,
        lastTriedBy: latest?.actor ?? null,
        error: lastFailed
          ? {
              code: lastFailed.error_code === 'STATEMENT_REFUSED' ? 'STATEMENT_REFUSED' : 'STATEMENT_UNAVAILABLE',
              message: lastFailed.error ?? '',
            }
          : null,
        rowCount: inUse?.row_count ?? 0,
        matched: inUse?.matched_count ?? 0,
        local,
        statement: totals
          ? { payments: totals.statement.payments, refunds: totals.statement.refunds, feeFen: totals.statement.feeFen }
          : null,
        byMode: [...modes.values()].sort((a, b) => a.mode.localeCompare(b.mode)),
        open: 0,
        awaiting: 0,
      });
    }
    const items = this.items(current);
    for (const v of views) {
      for (const i of items) {
        if (i.provider !== v.provider || i.resolvedAt !== null) continue;
        if (i.awaitingDay !== null) v.awaiting++;
        else v.open++;
      }
    }
    return { day, canRun: day < this.today(), providers: views, items };
  }

  /** The last `limit` days (yesterday first): per provider the status and the open differences. */
  days(limit = 14): ReconDaySummary[] {
    const last = shiftDay(this.today(), -1);
    const first = shiftDay(last, -(Math.max(1, limit) - 1));
    const runs = this.store.all(
      this.k
        .selectFrom('recon_runs')
        .select(['id', 'provider', 'day', 'status'])
        .where('day', '>=', first)
        .where('day', '<=', last)
        .orderBy('id'),
    );
    const counts = this.store.all(
      this.k
        .selectFrom('recon_items')
        .innerJoin('recon_runs', 'recon_runs.id', 'recon_items.run_id')
        .select([
          'recon_items.run_id',
          (eb) => eb.fn.countAll<number>().as('n'),
          (eb) => eb.fn.count<number>('recon_items.awaiting_day').as('awaiting'),
        ])
        .where('recon_runs.day', '>=', first)
        .where('recon_runs.day', '<=', last)
        .where('recon_runs.status', 'in', CURRENT)
        .where('recon_items.resolved_at', 'is', null)
        .groupBy('recon_items.run_id'),
    );
    const open = new Map(
      counts.map((c) => [c.run_id, { open: Number(c.n) - Number(c.awaiting), awaiting: Number(c.awaiting) }]),
    );
    const providers = new Set<ProviderId>(this.providers());
    for (const r of runs) providers.add(r.provider);
    const out: ReconDaySummary[] = [];
    for (let d = last; d >= first; d = shiftDay(d, -1)) {
      const summary: ReconDaySummary = { day: d, providers: [], open: 0, awaiting: 0 };
      for (const provider of PROVIDER_ORDER) {
        if (!providers.has(provider)) continue;
        const mine = runs.filter((r) => r.day === d && r.provider === provider);
        const inUse = [...mine].reverse().find((r) => CURRENT.includes(r.status));
        const status: ReconRunStatus = inUse ? inUse.status : (mine.at(-1)?.status ?? 'not_run');
        const c = inUse ? open.get(inUse.id) : undefined;
        summary.providers.push({ provider, status, open: c?.open ?? 0 });
        summary.open += c?.open ?? 0;
        summary.awaiting += c?.awaiting ?? 0;
      }
      out.push(summary);
    }
    return out;
  }
}
