/**
 * Sales review (owner): pick a range of business days (today, yesterday, this week, this month,
 * last month, or any two dates), see the totals, four charts and the tables by product, category,
 * payment method, clerk, till, hour and day; export a CSV or print. Main computes everything from
 * its summary tables and checks the owner; this screen asks for the owner's PIN once per visit
 * (kept in memory while the screen is open) and only shows what main says.
 *
 * Loading never blocks: the previous report stays on screen, dimmed, under a loading note; an
 * answer for a range that is no longer the one asked for is dropped.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import {
  dayMs,
  daysIn,
  groupedFen as money,
  MAX_REPORT_DAYS as MAX_DAYS,
  presetRange,
  rangeProblem,
  REPORT_PRESETS as PRESETS,
  type ReportPreset,
  type ReportRange as Range,
} from '../../../shared/report-range';
import type { Result } from '../../../shared/result';
import type { ReportMethodRow, ReportTotals, SalesReport } from '../../../shared/types';
import { api } from '../api';
import { useOwnerApproval } from '../components/owner-approval';
import { ReportChart, type ChartSeries } from '../components/report-chart';
import { useShortcuts } from '../hooks/use-shortcuts';
import { names, useI18n, type MessageKey, type Translate } from '../i18n';
import { formatDateTime } from '../lib/format';
import { saveFile } from '../lib/download';
import { useNotifier } from '../lib/notice';
import { PROVIDER_LOOK } from '../lib/payments';
import './reports.css';

export interface ReportsProps {
  /** the store's business day (today) */
  businessDay: string;
  onBack: () => void;
}

type Preset = ReportPreset | 'custom';
type Tab = 'products' | 'categories' | 'methods' | 'clerks' | 'terminals' | 'hours' | 'days';

const TABS: readonly Tab[] = ['products', 'categories', 'methods', 'clerks', 'terminals', 'hours', 'days'];
const TOP = 15;
/** an amount taken off (refunds, discounts): `−¥12.00` */
const minus = (fen: number) => (fen === 0 ? money(0) : fen > 0 ? `−${money(fen)}` : money(-fen));
/** an amount that may be negative (net after refunds): `−¥12.00` with a real minus sign */
const signed = (fen: number) => (fen < 0 ? `−${money(-fen)}` : money(fen));
const count = (n: number) => n.toLocaleString('en');

function methodName(t: Translate, m: Pick<ReportMethodRow, 'method' | 'mode'>): string {
  const base = t(`method.${m.method}` as MessageKey);
  return m.mode === 'cash' || m.mode === 'none' ? base : `${base} · ${t(`reports.mode.${m.mode}` as MessageKey)}`;
}

function methodColor(m: Pick<ReportMethodRow, 'method' | 'mode'>): string {
  if (m.method === 'cash') return '#15803d';
  if (m.method === 'none') return '#9ca3af';
  const base = PROVIDER_LOOK[m.method].color;
  return m.mode === 'payment_code' ? `${base}99` : base;
}

const hourLabel = (h: number) => `${String(h).padStart(2, '0')}:00`;

/** Prints main's printable page from a hidden frame (both modes): the app's own page is not printed. */
function printHtml(html: string, title: string): void {
  document.querySelectorAll('iframe[data-testid="reports-print-frame"]').forEach((f) => f.remove());
  const frame = document.createElement('iframe');
  frame.dataset.testid = 'reports-print-frame';
  frame.title = title;
  frame.setAttribute('aria-hidden', 'true');
  Object.assign(frame.style, { position: 'fixed', right: '0', bottom: '0', width: '0', height: '0', border: '0' });
  frame.addEventListener('load', () => {
    frame.contentWindow?.focus();
    frame.contentWindow?.print();
  });
  frame.srcdoc = html;
  document.body.appendChild(frame);
}

export default function ReportsScreen({ businessDay, onBack }: ReportsProps) {
  const { t, locale, timeZone } = useI18n();
  const approve = useOwnerApproval();
  const notifier = useNotifier();
  const [preset, setPreset] = useState<Preset>('today');
  const [range, setRange] = useState<Range>(() => presetRange('today', businessDay));
  const [draft, setDraft] = useState<Range>(range);
  const [report, setReport] = useState<SalesReport | null>(null);
  const [loading, setLoading] = useState(false);
  const [refused, setRefused] = useState(false);
  const [tab, setTab] = useState<Tab>('products');
  const [busy, setBusy] = useState<'csv' | 'print' | null>(null);
  const request = useRef(0);
  /** the owner's PIN, once given on this screen (a clerk is signed in); forgotten when leaving */
  const pin = useRef<string | undefined>(undefined);

  useShortcuts({ Escape: { run: onBack, inInput: false } });

  /** Runs an owner call: with the PIN already given, else as the signed-in user, else asking for it. */
  const asOwner = useCallback(
    async <T,>(call: (approvalPin: string | undefined) => Promise<Result<T>>, r: Range): Promise<T | undefined> => {
      let used: string | undefined;
      const value = await approve(
        async (given) => {
          if (given === undefined && pin.current !== undefined) {
            const first = await call(pin.current);
            if (first.ok || (first.error.code !== 'WRONG_PIN' && first.error.code !== 'PIN_LOCKED')) {
              used = pin.current;
              return first;
            }
            pin.current = undefined; // the PIN changed meanwhile: ask again
          }
          used = given;
          return call(given);
        },
        'approval.reason.reports',
        { from: r.from, to: r.to },
      );
      if (value !== undefined && used !== undefined) pin.current = used;
      return value;
    },
    [approve],
  );

  const load = useCallback(
    async (r: Range) => {
      const id = ++request.current;
      setLoading(true);
      const value = await asOwner(
        (approvalPin) =>
          api.reports.sales({ from: r.from, to: r.to, top: TOP, ...(approvalPin ? { approvalPin } : {}) }),
        r,
      );
      if (id !== request.current) return; // a newer range was asked for meanwhile: this answer is stale
      setLoading(false);
      if (value === undefined) {
        setRefused(true);
        return;
      }
      setRefused(false);
      setReport(value);
    },
    [asOwner],
  );

  useEffect(() => {
    void load(range);
  }, [load, range]);

  const choose = (p: ReportPreset) => {
    const r = presetRange(p, businessDay);
    setPreset(p);
    setDraft(r);
    setRange(r);
  };
  const problem = rangeProblem(draft);
  const draftProblem: MessageKey | null =
    problem === null
      ? null
      : problem === 'backwards'
        ? 'reports.rangeBackwards'
        : problem === 'too_long'
          ? 'reports.rangeTooLong'
          : 'reports.rangeBad';
  const applyCustom = () => {
    if (draftProblem) return;
    setPreset('custom');
    setRange({ ...draft });
  };

  const exportCsv = async () => {
    setBusy('csv');
    const file = await asOwner(
      (approvalPin) =>
        api.reports.exportCsv({ from: range.from, to: range.to, ...(approvalPin ? { approvalPin } : {}) }),
      range,
    );
    setBusy(null);
    if (!file) return;
    saveFile(file);
    notifier.say('success', 'reports.exported', { filename: file.filename });
  };

  const print = async () => {
    setBusy('print');
    const page = await asOwner(
      (approvalPin) =>
        api.reports.printable({ from: range.from, to: range.to, ...(approvalPin ? { approvalPin } : {}) }),
      range,
    );
    setBusy(null);
    if (!page) return;
    printHtml(page.html, page.title);
    notifier.say('info', 'reports.printing');
  };

  const shown = report;
  const stale = loading || (shown !== null && (shown.from !== range.from || shown.to !== range.to));
  const state = refused && !loading ? 'refused' : loading ? 'loading' : shown ? 'ready' : 'idle';

  return (
    <div className="reports" data-testid="reports-screen" data-from={range.from} data-to={range.to} data-state={state}>
      <div className="screen-head reports-head">
        <h1>{t('reports.title')}</h1>
        <span className="reports-range-label" data-testid="reports-range">
          {range.from === range.to
            ? range.from
            : t('reports.range', { from: range.from, to: range.to, days: daysIn(range) })}
        </span>
        <div className="spacer" />
        <button
          type="button"
          className="btn"
          onClick={() => void exportCsv()}
          disabled={!shown || busy !== null}
          data-testid="reports-export-csv"
        >
          {t('reports.exportCsv')}
        </button>
        <button
          type="button"
          className="btn"
          onClick={() => void print()}
          disabled={!shown || busy !== null}
          data-testid="reports-print"
        >
          {t('reports.print')}
        </button>
        <button type="button" className="btn btn-lg" onClick={onBack} data-testid="reports-back">
          {t('check.back')} <kbd>Esc</kbd>
        </button>
      </div>

      <div className="reports-bar" role="group" aria-label={t('reports.title')}>
        {PRESETS.map((p) => (
          <button
            key={p}
            type="button"
            className={`btn reports-preset${preset === p ? ' is-on' : ''}`}
            aria-pressed={preset === p}
            onClick={() => choose(p)}
            data-testid="reports-preset"
            data-preset={p}
          >
            {t(`reports.preset.${p}`)}
          </button>
        ))}
        <div className={`reports-custom${preset === 'custom' ? ' is-on' : ''}`}>
          <label className="reports-date">
            <span>{t('reports.from')}</span>
            <input
              type="date"
              className="input"
              value={draft.from}
              max={businessDay}
              onChange={(e) => setDraft((d) => ({ ...d, from: e.target.value }))}
              onKeyDown={(e) => e.key === 'Enter' && applyCustom()}
              data-testid="reports-from"
            />
          </label>
          <label className="reports-date">
            <span>{t('reports.to')}</span>
            <input
              type="date"
              className="input"
              value={draft.to}
              max={businessDay}
              onChange={(e) => setDraft((d) => ({ ...d, to: e.target.value }))}
              onKeyDown={(e) => e.key === 'Enter' && applyCustom()}
              data-testid="reports-to"
            />
          </label>
          <button
            type="button"
            className="btn btn-primary"
            onClick={applyCustom}
            disabled={draftProblem !== null}
            data-testid="reports-apply"
          >
            {t('reports.apply')}
          </button>
        </div>
        {draftProblem && (draft.from !== range.from || draft.to !== range.to) ? (
          <p className="reports-range-error" role="alert" data-testid="reports-range-error">
            {t(draftProblem, { max: MAX_DAYS })}
          </p>
        ) : null}
      </div>

      {loading ? (
        <p className="reports-loading" role="status" data-testid="reports-loading">
          <span className="reports-spinner" aria-hidden /> {t('reports.loading')}
        </p>
      ) : null}

      {state === 'refused' && !shown ? (
        <div className="empty-state reports-refused" data-testid="reports-refused">
          <p>{t('reports.refused')}</p>
          <button
            type="button"
            className="btn btn-lg btn-primary"
            onClick={() => void load(range)}
            data-testid="reports-retry"
          >
            {t('reports.retry')}
          </button>
        </div>
      ) : null}

      {shown ? (
        <div className={`reports-body${stale ? ' is-stale' : ''}`} aria-busy={stale}>
          {refused && !loading ? (
            <p className="reports-range-error" role="alert" data-testid="reports-refused">
              {t('reports.refused')}{' '}
              <button type="button" className="btn btn-sm" onClick={() => void load(range)} data-testid="reports-retry">
                {t('reports.retry')}
              </button>
            </p>
          ) : null}
          <Cards r={shown} />
          {shown.summary.orders === 0 && shown.summary.refunds === 0 ? (
            <p className="empty-state reports-empty" data-testid="reports-empty">
              {t('reports.empty')}
            </p>
          ) : (
            <>
              <Charts r={shown} />
              <Tables r={shown} tab={tab} onTab={setTab} />
            </>
          )}
          <p className="reports-note muted" data-testid="reports-note">
            {t('reports.note', { timeZone: shown.timeZone })}{' '}
            {t('reports.updated', { time: formatDateTime(shown.generatedAt, locale, timeZone) })}
          </p>
        </div>
      ) : null}
    </div>
  );
}

// ---- summary cards -------------------------------------------------------------------------------

function Cards({ r }: { r: SalesReport }) {
  const { t } = useI18n();
  const s = r.summary;
  const card = (id: string, label: MessageKey, value: string, raw: number | null, hint: string, tone = '') => (
    <div className={`reports-card${tone}`} data-testid="reports-card" data-card={id} data-value={raw ?? ''}>
      <span className="reports-card-label">{t(label)}</span>
      <strong className="reports-card-value" data-testid="reports-card-value">
        {value}
      </strong>
      <span className="reports-card-hint">{hint}</span>
    </div>
  );
  return (
    <div className="reports-cards">
      {card('net', 'reports.card.net', signed(s.netFen), s.netFen, t('reports.card.netHint'), ' is-main')}
      {card(
        'orders',
        'reports.card.orders',
        count(s.orders),
        s.orders,
        t('reports.card.ordersHint', { items: count(s.items) }),
      )}
      {card(
        'avg',
        'reports.card.avg',
        s.avgTicketFen === null ? '—' : money(s.avgTicketFen),
        s.avgTicketFen,
        t('reports.card.avgHint'),
      )}
      {card(
        'refunds',
        'reports.card.refunds',
        minus(s.refundFen),
        s.refundFen,
        t('reports.card.refundsHint', { count: s.refunds, n: count(s.refunds) }),
        s.refundFen > 0 ? ' is-minus' : '',
      )}
      {card(
        'discounts',
        'reports.card.discounts',
        minus(s.discountFen),
        s.discountFen,
        t('reports.card.discountsHint', { gross: money(s.grossFen) }),
      )}
    </div>
  );
}

// ---- charts --------------------------------------------------------------------------------------

function Charts({ r }: { r: SalesReport }) {
  const { t, locale } = useI18n();
  const data = useMemo(() => {
    const net = t('reports.series.net');
    const days = {
      labels: r.byDay.map((d) => d.day),
      series: [{ label: net, values: r.byDay.map((d) => d.netFen), color: '#1d4ed8' }] as ChartSeries[],
    };
    // short ranges: every day (MM-DD, skipped as room requires); long ones: the first of each month (YYYY-MM)
    const dayTick =
      r.days > 62 ? (label: string) => (label.endsWith('-01') ? monthLabel(label, locale) : '') : undefined;
    const active = r.byHour.filter((h) => h.orders > 0 || h.refunds > 0).map((h) => h.hour);
    const first = active.length ? Math.min(...active) : 0;
    const last = active.length ? Math.max(...active) : -1;
    const hourRows = r.byHour.filter((h) => h.hour >= first && h.hour <= last);
    const hours = {
      labels: hourRows.map((h) => hourLabel(h.hour)),
      series: [{ label: net, values: hourRows.map((h) => h.netFen), color: '#0f766e' }] as ChartSeries[],
    };
    const methodRows = r.byMethod.filter((m) => m.netFen > 0);
    const methods = {
      labels: methodRows.map((m) => methodName(t, m)),
      series: [
        { label: net, values: methodRows.map((m) => m.netFen), color: methodRows.map(methodColor) },
      ] as ChartSeries[],
    };
    const cats = r.byCategory.filter((c) => c.netFen !== 0);
    const categories = {
      labels: cats.map((c) => names(locale, c).main),
      series: [{ label: net, values: cats.map((c) => c.netFen), color: cats.map((c) => c.color) }] as ChartSeries[],
    };
    return {
      days: { ...days, labels: r.days > 62 ? days.labels : days.labels.map((d) => d.slice(5)), tickLabel: dayTick },
      hours,
      methods,
      categories,
    };
  }, [r, t, locale]);
  const empty = t('reports.chart.empty');
  return (
    <div className={`reports-charts${r.days === 1 ? ' one-day' : ''}`}>
      {r.days > 1 ? (
        <ReportChart
          kind="bar"
          title={t('reports.chart.day')}
          {...data.days}
          locale={locale}
          testId="reports-chart-day"
          summary={t('reports.chart.day')}
          emptyText={empty}
        />
      ) : null}
      <ReportChart
        kind="bar"
        title={t('reports.chart.hour')}
        {...data.hours}
        locale={locale}
        testId="reports-chart-hour"
        summary={t('reports.chart.hour')}
        emptyText={empty}
      />
      <ReportChart
        kind="doughnut"
        title={t('reports.chart.method')}
        {...data.methods}
        locale={locale}
        testId="reports-chart-method"
        summary={t('reports.chart.method')}
        emptyText={empty}
      />
      <ReportChart
        kind="hbar"
        title={t('reports.chart.category')}
        {...data.categories}
        locale={locale}
        testId="reports-chart-category"
        summary={t('reports.chart.category')}
        emptyText={empty}
        height={Math.max(200, 34 * data.categories.labels.length + 40)}
      />
    </div>
  );
}

// ---- tables --------------------------------------------------------------------------------------

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

function Tables({ r, tab, onTab }: { r: SalesReport; tab: Tab; onTab: (t: Tab) => void }) {
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
      if (r.products.unallocatedRefundFen !== 0) {
        const u = r.products.unallocatedRefundFen;
        extra.push({
          key: 'unallocated',
          label: t('reports.unallocated'),
          orders: 0,
          qty: 0,
          grossFen: 0,
          discountFen: 0,
          refundFen: u,
          refundQty: 0,
          netFen: -u,
        });
      }
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
      const extra: Goods[] = [];
      if (r.products.unallocatedRefundFen !== 0) {
        const u = r.products.unallocatedRefundFen;
        extra.push({
          key: 'unallocated',
          label: t('reports.unallocated'),
          orders: 0,
          qty: 0,
          grossFen: 0,
          discountFen: 0,
          refundFen: u,
          refundQty: 0,
          netFen: -u,
        });
      }
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

const monthFormats = new Map<string, Intl.DateTimeFormat>();
/** `Mar` / `3月` under a month's first day; January with its year */
function monthLabel(day: string, locale: string): string {
  const january = day.slice(5, 7) === '01';
  const key = `${locale}|${january}`;
  let f = monthFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale === 'zh-CN' ? 'zh-CN' : 'en-GB', {
      month: 'short',
      ...(january ? { year: 'numeric' } : {}),
      timeZone: 'UTC',
    });
    monthFormats.set(key, f);
  }
  return f.format(dayMs(day));
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
