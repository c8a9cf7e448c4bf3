/** Counting a drawer note by note and coin by coin (the float at opening, the count at closing). */
import {
  DENOMINATION_KEYS,
  MAX_DENOMINATION_COUNT,
  denominationLabel,
  isNote,
  type DenominationCounts,
  type DenominationKey,
} from '../../../../shared/cash';
import { formatFen } from '../../../../shared/money';
import { useI18n, type MessageKey } from '../../i18n';

/** Notes on the left, coins on the right: − / count / + per denomination and the line's amount. */
export function DenominationGrid({
  counts,
  onChange,
}: {
  counts: DenominationCounts;
  onChange: (next: DenominationCounts) => void;
}) {
  const { t, locale } = useI18n();
  const set = (key: DenominationKey, n: number) =>
    onChange({ ...counts, [key]: Math.max(0, Math.min(MAX_DENOMINATION_COUNT, n)) });
  const column = (keys: readonly DenominationKey[], title: MessageKey) => (
    <div className="denom-col">
      <h4>{t(title)}</h4>
      {keys.map((key) => {
        const n = counts[key] ?? 0;
        return (
          <div
            key={key}
            className={`denom-row${n > 0 ? ' has-count' : ''}`}
            data-testid="denom-row"
            data-denomination={key}
          >
            <span className="denom-label">{denominationLabel(key, locale)}</span>
            <button
              type="button"
              className="btn denom-btn"
              onClick={() => set(key, n - 1)}
              disabled={n === 0}
              aria-label={t('cash.denomLess', { d: denominationLabel(key, locale) })}
              data-testid="denom-dec"
            >
              −
            </button>
            <input
              className="input denom-count"
              inputMode="numeric"
              value={n === 0 ? '' : String(n)}
              placeholder="0"
              onChange={(e) => {
                const digits = e.target.value.replace(/\D/g, '').slice(0, 5);
                set(key, digits === '' ? 0 : Number(digits));
              }}
              onFocus={(e) => e.target.select()}
              aria-label={t('cash.denomCount', { d: denominationLabel(key, locale) })}
              data-testid="denom-count"
            />
            <button
              type="button"
              className="btn denom-btn"
              onClick={() => set(key, n + 1)}
              aria-label={t('cash.denomMore', { d: denominationLabel(key, locale) })}
              data-testid="denom-inc"
            >
              +
            </button>
            <span className="denom-line" data-testid="denom-line-total">
              {n > 0 ? formatFen(Number(key) * n) : ''}
            </span>
          </div>
        );
      })}
    </div>
  );
  return (
    <div className="denom-grid" data-testid="denom-grid">
      {column(
        DENOMINATION_KEYS.filter((k) => isNote(k)),
        'cash.notes',
      )}
      {column(
        DENOMINATION_KEYS.filter((k) => !isNote(k)),
        'cash.coins',
      )}
    </div>
  );
}
