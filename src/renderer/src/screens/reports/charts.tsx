/** The sales review's four charts: by day (over more than one day), by hour, by payment method, by category. */
import { useMemo } from 'react';
import { dayMs } from '../../../../shared/report-range';
import type { SalesReport } from '../../../../shared/types';
import { ReportChart, type ChartSeries } from '../../components/report-chart';
import { names, useI18n } from '../../i18n';
import { hourLabel, methodColor, methodName } from './report-format';

export function Charts({ r }: { r: SalesReport }) {
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
