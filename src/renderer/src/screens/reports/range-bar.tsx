/** The sales review's range: today, yesterday, this week, this month, last month, or two dates. */
import {
  MAX_REPORT_DAYS as MAX_DAYS,
  REPORT_PRESETS as PRESETS,
  type ReportPreset,
  type ReportRange as Range,
} from '../../../../shared/report-range';
import { useI18n, type MessageKey } from '../../i18n';
import { DayInput } from './day-input';
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
        <div className="reports-date">
          <span aria-hidden="true">{t('reports.from')}</span>
          <DayInput
            value={draft.from}
            max={businessDay}
            label={t('reports.from')}
            onChange={(day) => setDraft((d) => ({ ...d, from: day }))}
            onEnter={applyCustom}
            testId="reports-from"
          />
        </div>
        <div className="reports-date">
          <span aria-hidden="true">{t('reports.to')}</span>
          <DayInput
            value={draft.to}
            max={businessDay}
            label={t('reports.to')}
            onChange={(day) => setDraft((d) => ({ ...d, to: day }))}
            onEnter={applyCustom}
            testId="reports-to"
          />
        </div>
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
