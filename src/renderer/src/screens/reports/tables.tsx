/** The sales review's tables, one tab each: products, categories, methods, clerks, tills, hours, days. */
import type { ReactNode } from 'react';
import { dayMs } from '../../../../shared/report-range';
import type { ReportTotals, SalesReport } from '../../../../shared/types';
import { names, useI18n, type MessageKey, type Translate } from '../../i18n';
import { count, hourLabel, methodName, minus, money, signed } from './report-format';

export type Tab = 'products' | 'categories' | 'methods' | 'clerks' | 'terminals' | 'hours' | 'days';

const TABS: readonly Tab[] = ['products', 'categories', 'methods', 'clerks', 'terminals', 'hours', 'days'];

function TotalsTable({
  id,
  head,
  rows,
  total,
}: {
  id: Tab;
  head: MessageKey;
  rows: { key: string; label: string; sub?: string; t: ReportTotals }[];
  total: ReportTotals;
}) {
  const { t } = useI18n();
  const line = (key: string, label: string, x: ReportTotals, sub?: string, cls = '') => (
    <tr key={key} className={cls} data-testid="reports-row" data-key={key}>
      <td>
        {label}
        {sub ? <small className="reports-sub">{sub}</small> : null}
      </td>
      <td className="num">{count(x.orders)}</td>
      <td className="num">{count(x.items)}</td>
      <td className="num">{money(x.grossFen)}</td>
      <td className="num">{minus(x.discountFen)}</td>
      <td className="num">
        {minus(x.refundFen)}
        {x.refunds > 0 ? (
          <small className="reports-sub">
            {t('reports.card.refundsHint', { count: x.refunds, n: count(x.refunds) })}
          </small>
        ) : null}
      </td>
      <td className="num strong">{signed(x.netFen)}</td>
      <td className="num">{x.avgTicketFen === null ? '—' : money(x.avgTicketFen)}</td>
    </tr>
  );
  return (
    <table className="table reports-table" data-testid="reports-table" data-table={id}>
      <thead>
        <tr>
          <th>{t(head)}</th>
          <th className="num">{t('reports.col.orders')}</th>
          <th className="num">{t('reports.col.items')}</th>
          <th className="num">{t('reports.col.gross')}</th>
          <th className="num">{t('reports.col.discounts')}</th>
          <th className="num">{t('reports.col.refunds')}</th>
          <th className="num">{t('reports.col.net')}</th>
          <th className="num">{t('reports.col.avg')}</th>
        </tr>
      </thead>
      <tbody>{rows.map((x) => line(x.key, x.label, x.t, x.sub))}</tbody>
      <tfoot>{line('total', t('reports.total'), total, undefined, 'reports-total')}</tfoot>
    </table>
  );
}

interface Goods {
  key: string;
  label: string;
  sub?: string;
  color?: string;
  orders: number;
  qty: number;
  grossFen: number;
  discountFen: number;
  refundFen: number;
  refundQty: number;
  netFen: number;
}

function GoodsTable({
  id,
  head,
  rows,
  extra,
  net,
}: {
  id: Tab;
  head: MessageKey;
  rows: Goods[];
  extra: Goods[];
  net: number;
}) {
  const { t } = useI18n();
  const share = (x: number) => (net > 0 ? `${x < 0 ? '−' : ''}${Math.abs((100 * x) / net).toFixed(1)}%` : '—');
  const line = (g: Goods, rank: number | null, cls = '') => (
    <tr key={g.key} className={cls} data-testid="reports-row" data-key={g.key}>
      <td className="reports-rank">{rank ?? ''}</td>
      <td>
        {g.color ? <span className="reports-swatch" style={{ background: g.color }} aria-hidden /> : null}
        {g.label}
        {g.sub ? <small className="reports-sub">{g.sub}</small> : null}
      </td>
      <td className="num">{count(g.qty)}</td>
      <td className="num">{count(g.orders)}</td>
      <td className="num">{money(g.grossFen)}</td>
      <td className="num">{minus(g.discountFen)}</td>
      <td className="num">
        {minus(g.refundFen)}
        {g.refundQty > 0 ? (
          <small className="reports-sub">{t('reports.refundedQty', { qty: count(g.refundQty) })}</small>
        ) : null}
      </td>
      <td className="num strong">{signed(g.netFen)}</td>
      <td className="num">{share(g.netFen)}</td>
    </tr>
  );
  return (
    <table className="table reports-table" data-testid="reports-table" data-table={id}>
      <thead>
        <tr>
          <th className="reports-rank">#</th>
          <th>{t(head)}</th>
          <th className="num">{t('reports.col.qty')}</th>
          <th className="num">{t('reports.col.orders')}</th>
          <th className="num">{t('reports.col.gross')}</th>
          <th className="num">{t('reports.col.discounts')}</th>
          <th className="num">{t('reports.col.refunds')}</th>
          <th className="num">{t('reports.col.net')}</th>
          <th className="num">{t('reports.col.share')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((g, i) => line(g, i + 1))}
        {extra.map((g) => line(g, null, 'reports-extra'))}
      </tbody>
    </table>
  );
}

/** Refunds main could not give to a product (an amount refunded without lines): one row of its own, if any. */
function unallocated(r: SalesReport, t: Translate): Goods[] {
  const u = r.products.unallocatedRefundFen;
  if (u === 0) return [];
  const row = { orders: 0, qty: 0, grossFen: 0, discountFen: 0, refundFen: u, refundQty: 0, netFen: -u };
  return [{ key: 'unallocated', label: t('reports.unallocated'), ...row }];
}

export function Tables({ r, tab, onTab }: { r: SalesReport; tab: Tab; onTab: (t: Tab) => void }) {
  const { t, locale } = useI18n();
  const nameOf = (x: { nameZh: string; nameEn: string }) => names(locale, x);
  let body: ReactNode;
  switch (tab) {
    case 'products': {
      const rows: Goods[] = r.products.top.map((p) => ({
        ...p,
        key: p.sku,
        label: nameOf(p).main,
        sub: `${p.sku} · ${nameOf(p).other}`,
      }));
      const extra: Goods[] = [];
      if (r.products.rest)
        extra.push({ ...r.products.rest, key: 'others', label: t('reports.others', { count: r.products.restCount }) });
      extra.push(...unallocated(r, t));
      body = <GoodsTable id="products" head="reports.col.product" rows={rows} extra={extra} net={r.summary.netFen} />;
      break;
    }
    case 'categories': {
      const rows: Goods[] = r.byCategory.map((c) => ({
        ...c,
        key: c.code || 'none',
        label: nameOf(c).main,
        sub: nameOf(c).other,
        color: c.color,
      }));
      const extra = unallocated(r, t);
      body = (
        <GoodsTable id="categories" head="reports.col.category" rows={rows} extra={extra} net={r.summary.netFen} />
      );
      break;
    }
    case 'methods':
      body = (
        <TotalsTable
          id="methods"
          head="reports.col.method"
          rows={r.byMethod.map((m) => ({ key: `${m.method}/${m.mode}`, label: methodName(t, m), t: m }))}
          total={r.summary}
        />
      );
      break;
    case 'clerks':
      body = (
        <TotalsTable
          id="clerks"
          head="reports.col.clerk"
          rows={r.byClerk.map((c) => ({ key: c.clerk, label: c.clerk, t: c }))}
          total={r.summary}
        />
      );
      break;
    case 'terminals':
      body = (
        <TotalsTable
          id="terminals"
          head="reports.col.terminal"
          rows={r.byTerminal.map((x) => ({ key: x.terminal, label: x.terminal, t: x }))}
          total={r.summary}
        />
      );
      break;
    case 'hours':
      body = (
        <TotalsTable
          id="hours"
          head="reports.col.hour"
          rows={r.byHour
            .filter((h) => h.orders > 0 || h.refunds > 0)
            .map((h) => ({ key: String(h.hour), label: `${hourLabel(h.hour)}–${hourLabel((h.hour + 1) % 24)}`, t: h }))}
          total={r.summary}
        />
      );
      break;
    case 'days':
      body = (
        <TotalsTable
          id="days"
          head="reports.col.day"
          rows={r.byDay.map((d) => ({ key: d.day, label: d.day, sub: weekday(d.day, locale), t: d }))}
          total={r.summary}
        />
      );
      break;
  }
  return (
    <section className="reports-tables">
      <div className="reports-tabs" role="tablist">
        {TABS.map((x) => (
          <button
            key={x}
            type="button"
            role="tab"
            aria-selected={tab === x}
            className={`reports-tab${tab === x ? ' is-on' : ''}`}
            onClick={() => onTab(x)}
            data-testid="reports-tab"
            data-tab={x}
          >
            {t(`reports.tab.${x}`)}
          </button>
        ))}
      </div>
      <div className="reports-table-wrap">{body}</div>
    </section>
  );
}

const weekdayFormats = new Map<string, Intl.DateTimeFormat>();
function weekday(day: string, locale: string): string {
  let f = weekdayFormats.get(locale);
  if (!f)
    weekdayFormats.set(
      locale,
      (f = new Intl.DateTimeFormat(locale === 'zh-CN' ? 'zh-CN' : 'en-GB', { weekday: 'short', timeZone: 'UTC' })),
    );
  return f.format(dayMs(day));
}
