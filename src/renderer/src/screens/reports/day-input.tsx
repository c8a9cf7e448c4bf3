/**
 * A day box in the language's one date form (shared/date-format.ts): `2026-12-02` in Chinese,
 * `2 Dec 2026` in English. A native `<input type="date">` shows the browser's own form instead
 * (12/02/2026 or 02/12/2026 beside 2026-12-02 elsewhere: issue 12, finding 8); here the text is the
 * till's, typed or picked from the browser's calendar (the button beside it).
 */
import { useRef, useState } from 'react';
import { formatDay } from '../../../../shared/date-format';
import { useI18n } from '../../i18n';
import { parseDay } from '../../../../shared/parse-day';

export function DayInput({
  value,
  max,
  label,
  onChange,
  onEnter,
  testId,
}: {
  /** `YYYY-MM-DD` */
  value: string;
  max: string;
  label: string;
  onChange: (day: string) => void;
  onEnter: () => void;
  testId: string;
}) {
  const { locale, t } = useI18n();
  /** what the clerk is typing, until it leaves the box (then the day is shown in the language's form) */
  const [typing, setTyping] = useState<string | null>(null);
  const picker = useRef<HTMLInputElement>(null);
  const invalid = typing !== null && typing.trim() !== '' && parseDay(typing, locale) === null;
  return (
    <span className="day-input">
      <input
        type="text"
        inputMode="numeric"
        className="input"
        value={typing ?? formatDay(value, locale)}
        aria-label={label}
        aria-invalid={invalid ? 'true' : undefined}
        placeholder={locale === 'zh-CN' ? '2026-12-02' : '2 Dec 2026'}
        onChange={(e) => {
          setTyping(e.target.value);
          const day = parseDay(e.target.value, locale);
          if (day) onChange(day);
        }}
        onBlur={() => setTyping(null)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') onEnter();
        }}
        data-testid={testId}
        data-day={value}
      />
      <button
        type="button"
        className="btn day-input-pick"
        title={t('reports.pickDay')}
        aria-label={t('reports.pickDay')}
        onClick={() => picker.current?.showPicker()}
        data-testid={`${testId}-pick`}
      >
        {/* drawn, not a glyph: the counter's fonts have no calendar emoji (it showed as an empty box) */}
        <svg width="20" height="20" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
          <rect x="2.5" y="4" width="15" height="13.5" rx="2" fill="none" stroke="currentColor" strokeWidth="1.6" />
          <path d="M2.5 8.5h15M6.5 2v4M13.5 2v4" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
        </svg>
      </button>
      {/* the browser's calendar, opened by the button; its own text box is never shown */}
      <input
        ref={picker}
        type="date"
        className="day-input-native"
        tabIndex={-1}
        aria-hidden="true"
        value={value}
        max={max}
        onChange={(e) => {
          if (e.target.value) onChange(e.target.value);
          setTyping(null);
        }}
      />
    </span>
  );
}
