/**
 * A session's report (the X so far, and the Z's content at the close): sales, refunds and net per
 * method, orders, cancellations, discounts, the drawer, and for each intermediary what this session
 * took beside, for each business day covered, the whole till's total that day and what the
 * statement settled when reconciliation has imported it.
 */
import type {
  CashReport,
  IntermediaryTotals,
  MethodTotals,
  PaymentMethod,
  ProviderId,
  ReconDayView,
  ReconSide,
  StatementDay,
} from '../../../shared/types';
import type { CashSessionRow } from '../../store/schema';
import { inList, unindexed } from '../../store/sql';
import { parseCounts, type Drawer } from './drawer';
import { PAID_STATES } from '../../../shared/payment-states';
import { sessionSalesQuery } from './queries';
import type { CashSessionsOptions } from './types';
import { shiftDay } from '../../../shared/calendar';

const METHOD_ORDER: readonly PaymentMethod[] = ['cash', 'alipay', 'wechat', 'yeepay'];
const PROVIDER_ORDER: readonly ProviderId[] = ['alipay', 'wechat', 'yeepay'];
/** the statuses of a statement reconciled (imported, or a day without trades) */
export const RECONCILED: ReadonlySet<string> = new Set(['imported', 'empty']);
/** a session left open for weeks still gets a report; beyond this many days the statements are not looked up */
const MAX_DAYS_COVERED = 62;

const side = (): ReconSide => ({ count: 0, sumFen: 0 });

export class CashReports {
  constructor(
    private readonly o: CashSessionsOptions,
    private readonly drawer: Drawer,
  ) {}

  private get k() {
    return this.o.store.kysely;
  }

  private get store() {
    return this.o.store;
  }

  /** The session from its window's start up to `until` (inclusive): the X, and the Z's content. */
  report(s: CashSessionRow, until: number): CashReport {
    const from = this.drawer.windowStart(s);
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
        // an order still open with a part paid (split tender) is no paid order yet; its part counts in its method
        .where(unindexed<string>('o.status'), '!=', 'open')
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

    const last = this.drawer.day(until);
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
      drawer: this.drawer.totals(s, until),
      floatDenominations: parseCounts(s.float_denominations),
      moves: this.drawer.moves(s.id).filter((m) => m.at <= until),
      intermediaries: this.intermediaries(methods, daysCovered),
      pendingAttempts: this.drawer.pending(terminal),
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
}
