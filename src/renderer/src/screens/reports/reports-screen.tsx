/**
 * Sales review (owner): pick a range of business days (today, yesterday, this week, this month,
 * last month, or any two dates), see the totals, four charts and the tables by product, category,
 * payment method, clerk, till, hour and day; export a CSV or print. Main computes everything from
 * its summary tables and checks the owner; this screen asks for the owner's PIN once per visit
 * (kept in memory while the screen is open) and only shows what main says.
 *
 * Loading never blocks: the previous report stays on screen, dimmed, under a loading note; an
 * answer for a range that is no longer the one asked for is dropped.
 *
 * This folder: the screen, the range bar, the cards, the charts and the tables, how amounts are
 * written (report-format), and the screen's state in a hook (use-sales-report).
 */
import { useState } from 'react';
import { daysIn } from '../../../../shared/report-range';
import { useShortcuts } from '../../hooks/use-shortcuts';
import { useI18n } from '../../i18n';
import { formatDateTime } from '../../lib/format';
import { Cards } from './cards';
import { Charts } from './charts';
import { RangeBar } from './range-bar';
import { Tables, type Tab } from './tables';
import { useSalesReport } from './use-sales-report';
import './reports.css';

export interface ReportsProps {
  /** the store's business day (today) */
  businessDay: string;
  onBack: () => void;
}

export default function ReportsScreen({ businessDay, onBack }: ReportsProps) {
  const { t, locale, timeZone } = useI18n();
  const report = useSalesReport(businessDay);
  const { range, shown, loading, refused, busy, stale, state, exportCsv, print, load } = report;
  const [tab, setTab] = useState<Tab>('products');

  useShortcuts({ Escape: { run: onBack, inInput: false } });

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

      <RangeBar
        businessDay={businessDay}
        preset={report.preset}
        range={range}
        draft={report.draft}
        setDraft={report.setDraft}
        draftProblem={report.draftProblem}
        choose={report.choose}
        applyCustom={report.applyCustom}
      />

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
