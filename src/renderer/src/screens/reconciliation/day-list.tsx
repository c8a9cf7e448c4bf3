/** The last days with their state (to resolve, failed, not checked, all good); one picks the day. */
import type { ReconDaySummary } from '../../../../shared/types';
import { useI18n } from '../../i18n';

export function DayList({
  days,
  day,
  yesterday,
  setDay,
}: {
  days: ReconDaySummary[];
  day: string;
  yesterday: string;
  setDay: (day: string) => void;
}) {
  const { t } = useI18n();
  return (
    <aside className="recon-days" data-testid="recon-days">
      <h2>{t('recon.recent')}</h2>
      <ol>
        {days.map((d) => {
          const notRun = d.providers.every((p) => p.status === 'not_run');
          const failed = d.providers.some((p) => p.status === 'refused' || p.status === 'unavailable');
          return (
            <li key={d.day}>
              <button
                type="button"
                className={`recon-day-btn${d.day === day ? ' recon-day-on' : ''}`}
                onClick={() => setDay(d.day)}
                aria-current={d.day === day ? 'date' : undefined}
                data-testid="recon-day-item"
                data-day={d.day}
                data-open={d.open}
              >
                <span className="recon-day-date">
                  {d.day === yesterday ? `${d.day} · ${t('recon.yesterday')}` : d.day}
                </span>
                <span className={`recon-day-state ${d.open > 0 || failed ? 'is-bad' : notRun ? 'is-none' : 'is-ok'}`}>
                  {d.open > 0
                    ? t('recon.dayOpen', { count: d.open })
                    : failed
                      ? t('recon.dayFailed')
                      : notRun
                        ? t('recon.dayNotRun')
                        : t('recon.dayOk')}
                </span>
              </button>
            </li>
          );
        })}
      </ol>
    </aside>
  );
}
