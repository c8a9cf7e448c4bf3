/** The reconciliation's title bar: the day picker, the settings and fetching the statements. */
import type { ReconSettingsView } from '../../../../shared/types';
import { useI18n } from '../../i18n';
import { shiftDay } from './recon-text';

export function ReconHead({
  day,
  yesterday,
  setDay,
  settings,
  running,
  anyRun,
  canRun,
  onSettings,
  onRun,
}: {
  day: string;
  yesterday: string;
  setDay: (day: string) => void;
  settings: ReconSettingsView | null;
  running: boolean;
  anyRun: boolean;
  canRun: boolean;
  onSettings: () => void;
  onRun: () => Promise<void>;
}) {
  const { t } = useI18n();
  return (
    <div className="recon-head">
      <div className="recon-title">
        <h2>{t('recon.title')}</h2>
        {settings ? <span className="muted small">{t('recon.dailyRun', { time: settings.dailyAt })}</span> : null}
      </div>
      <div className="recon-picker">
        <button
          type="button"
          className="btn"
          onClick={() => setDay(shiftDay(day, -1))}
          data-testid="recon-day-prev"
          aria-label={t('recon.prevDay')}
        >
          ◀
        </button>
        <input
          type="date"
          className="input recon-date"
          value={day}
          max={yesterday}
          onChange={(e) => {
            if (/^\d{4}-\d{2}-\d{2}$/.test(e.target.value)) setDay(e.target.value);
          }}
          aria-label={t('recon.day')}
          data-testid="recon-day-input"
        />
        <button
          type="button"
          className="btn"
          onClick={() => setDay(shiftDay(day, 1))}
          disabled={day >= yesterday}
          data-testid="recon-day-next"
          aria-label={t('recon.nextDay')}
        >
          ▶
        </button>
        {day !== yesterday ? (
          <button type="button" className="btn" onClick={() => setDay(yesterday)} data-testid="recon-day-yesterday">
            {t('recon.yesterday')}
          </button>
        ) : null}
      </div>
      <button type="button" className="btn btn-sm" onClick={onSettings} data-testid="recon-settings-open">
        {t('recon.settings')}
      </button>
      <button
        type="button"
        className="btn btn-lg btn-primary"
        onClick={() => void onRun()}
        disabled={!canRun || running}
        data-testid="recon-run"
        data-running={running}
      >
        {running ? t('recon.running') : anyRun ? t('recon.rerun') : t('recon.run')}
      </button>
    </div>
  );
}
