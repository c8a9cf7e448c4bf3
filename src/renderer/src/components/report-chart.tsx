/**
 * One chart of the sales review, drawn by Chart.js on a canvas (bundled, no CDN; it injects no
 * styles or scripts, so it runs under the app's strict CSP). Only the parts used are registered.
 * Values are fen; axes and tooltips show yuan. No animation: a report must read at once.
 */
import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  DoughnutController,
  Legend,
  LinearScale,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import { useEffect, useRef } from 'react';
import { formatFen } from '../../../shared/money';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend, DoughnutController, ArcElement);

export interface ChartSeries {
  label: string;
  /** fen, one per label */
  values: number[];
  color: string | string[];
}

export interface ReportChartProps {
  kind: 'bar' | 'hbar' | 'doughnut';
  title: string;
  labels: string[];
  series: ChartSeries[];
  testId: string;
  /** what the chart shows, for tests and screen readers */
  summary: string;
  /** shown instead of an empty chart */
  emptyText: string;
  height?: number;
  stacked?: boolean;
  locale: 'en' | 'zh-CN';
  /** the text under a bar (default: its label); '' leaves it out */
  tickLabel?: (label: string, index: number) => string;
}

const FONT = { size: 15, family: "'Segoe UI', Roboto, 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif" };

/** An axis label: `¥800`, `¥12k`, `¥1.2M` (English), `¥800`, `¥1.2万`, `¥1.2亿` (Chinese); a minus sign before the ¥. */
export function axisYuan(fen: number, locale: 'en' | 'zh-CN'): string {
  const yuan = Math.abs(fen) / 100;
  const sign = fen < 0 ? '−' : '';
  const short = (x: number) => (x >= 100 ? x.toFixed(0) : Number(x.toFixed(1)).toString());
  let text: string;
  if (locale === 'zh-CN')
    text =
      yuan >= 1e8
        ? `${short(yuan / 1e8)}亿`
        : yuan >= 1e4
          ? `${short(yuan / 1e4)}万`
          : Math.round(yuan).toLocaleString('en');
  else
    text =
      yuan >= 1e6
        ? `${short(yuan / 1e6)}M`
        : yuan >= 1e4
          ? `${short(yuan / 1e3)}k`
          : Math.round(yuan).toLocaleString('en');
  return `${sign}¥${text}`;
}

function config(
  p: Pick<ReportChartProps, 'kind' | 'labels' | 'series' | 'stacked' | 'locale' | 'tickLabel'>,
): ChartConfiguration<'bar' | 'doughnut'> {
  if (p.kind === 'doughnut') {
    const s = p.series[0];
    const doughnut: ChartConfiguration<'doughnut'> = {
      type: 'doughnut',
      data: {
        labels: p.labels,
        datasets: [
          { label: s?.label ?? '', data: s?.values ?? [], backgroundColor: s?.color ?? '#1d4ed8', borderWidth: 2 },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        cutout: '55%',
        plugins: {
          legend: { position: 'right', labels: { font: FONT, boxWidth: 18, padding: 12 } },
          tooltip: { bodyFont: FONT, callbacks: { label: (c) => `${c.label}: ${formatFen(Number(c.raw))}` } },
        },
      },
    };
    return doughnut as ChartConfiguration<'bar' | 'doughnut'>;
  }
  const horizontal = p.kind === 'hbar';
  const valueAxis = {
    ticks: {
      font: FONT,
      maxRotation: 0,
      autoSkip: true,
      callback: (v: string | number) => axisYuan(Number(v), p.locale),
    },
    grid: { color: '#e2e8f0' },
    stacked: p.stacked ?? false,
    beginAtZero: true,
  };
  const tick = p.tickLabel;
  const labelAxis = {
    ticks: {
      font: FONT,
      autoSkip: tick === undefined,
      maxRotation: 0,
      ...(tick ? { callback: (_v: string | number, index: number) => tick(p.labels[index] ?? '', index) } : {}),
    },
    grid: { display: false },
    stacked: p.stacked ?? false,
  };
  const bar: ChartConfiguration<'bar'> = {
    type: 'bar',
    data: {
      labels: p.labels,
      datasets: p.series.map((s) => ({
        label: s.label,
        data: s.values,
        backgroundColor: s.color,
        borderRadius: 3,
        maxBarThickness: 48,
      })),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      indexAxis: horizontal ? 'y' : 'x',
      scales: horizontal ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis },
      plugins: {
        legend: { display: p.series.length > 1, labels: { font: FONT, boxWidth: 18 } },
        tooltip: {
          titleFont: FONT,
          bodyFont: FONT,
          callbacks: { label: (c) => `${c.dataset.label ?? ''}: ${formatFen(Number(c.raw))}` },
        },
      },
    },
  };
  return bar as ChartConfiguration<'bar' | 'doughnut'>;
}

export function ReportChart(p: ReportChartProps) {
  const { kind, labels, series, stacked, locale, tickLabel } = p;
  const canvas = useRef<HTMLCanvasElement>(null);
  const empty = labels.length === 0 || series.every((s) => s.values.every((v) => v === 0));

  // a new chart when the data changes (the parent memoizes labels and series per report): cheap
  // without animation, and never a stale axis
  useEffect(() => {
    if (empty || !canvas.current) return;
    const c = new Chart(
      canvas.current,
      config({ kind, labels, series, stacked, locale, tickLabel }) as ChartConfiguration,
    );
    return () => c.destroy();
  }, [empty, kind, labels, series, stacked, locale, tickLabel]);

  return (
    <figure
      className="report-chart"
      data-testid={p.testId}
      data-points={p.labels.length}
      data-empty={empty}
      aria-label={p.summary}
    >
      <figcaption>{p.title}</figcaption>
      <div className="report-chart-box" style={{ height: p.height ?? 240 }}>
        {empty ? (
          <p className="report-chart-empty muted">{p.emptyText}</p>
        ) : (
          <canvas ref={canvas} role="img" aria-label={p.summary} />
        )}
      </div>
    </figure>
  );
}
