/** The sales review's range: today, yesterday, this week, this month, last month, or two dates. */
import {
  MAX_REPORT_DAYS as MAX_DAYS,
  REPORT_PRESETS as PRESETS,
  type ReportPreset,
  type ReportRange as Range,
} from '../../../../shared/report-range';
import { useI18n, type MessageKey } from '../../i18n';
import type { Preset } from './use-sales-report';

export function RangeBar({
  businessDay,
  preset,
  range,
  draft,
  setDraft,
  draftProblem,
  choose,
  applyCustom,
}: {
  businessDay: string;
  preset: Preset;
  range: Range;
  draft: Range;
  setDraft: (update: (d: Range) => Range) => void;
  draftProblem: MessageKey | null;
  choose: (p: ReportPreset) => void;
  applyCustom: () => void;
}) {
  const { t } = useI18n();
  return (
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
  );
}
