import { YuanInput } from '../../components/yuan-input';
import type { RefObject } from 'react';
import { formatFen } from '../../../../shared/money';
import type { TenderPart } from '../../../../shared/types';
import { useI18n } from '../../i18n';

interface SplitBarProps {
  /** the order's paid parts so far (split tender) */
  parts: TenderPart[];
  owedFen: number;
  /** the clerk is typing this part's amount */
  splitting: boolean;
  text: string;
  setText: (text: string) => void;
  /** what the typed amount is wrong about, or null */
  problem: string | null;
  inputRef: RefObject<HTMLInputElement | null>;
  disabled: boolean;
  shortcut: string;
  onSplit: () => void;
  onDone: () => void;
  onCancel: () => void;
}

/**
 * Split tender (组合支付) on the pay screen: the parts paid so far and what is still owed; "Split"
 * lets the clerk type this part's amount, then choose cash, QR or payment code for it (the method
 * keys work from the amount box). Only cash gives change (the cash form shows it for the part).
 */
export function SplitBar({
  parts,
  owedFen,
  splitting,
  text,
  setText,
  problem,
  inputRef,
  disabled,
  shortcut,
  onSplit,
  onDone,
  onCancel,
}: SplitBarProps) {
  const { t } = useI18n();
  return (
    <div className="split" data-testid="split-bar">
      {parts.length > 0 ? (
        <ul className="split-parts" data-testid="split-parts">
          {parts.map((part) => (
            <li key={part.attemptId} data-testid="split-part">
              <span className="split-part-method">{t(`method.${part.method}`)}</span>
              <span className="split-part-amount">{formatFen(part.amountFen)}</span>
              {part.method === 'cash' && part.changeFen ? (
                <span className="split-part-change muted">
                  {t('pay.change')} {formatFen(part.changeFen)}
                </span>
              ) : null}
            </li>
          ))}
          <li className="split-owed">
            <span>{t('split.owed')}</span>
            <strong data-testid="split-owed">{formatFen(owedFen)}</strong>
          </li>
        </ul>
      ) : null}
      {splitting ? (
        <form
          className="split-form"
          onSubmit={(e) => {
            e.preventDefault();
            onDone();
          }}
        >
          <label className="split-field">
            <span>{t('split.thisPart')}</span>
            <YuanInput
              ref={inputRef}
              className="split-input"
              value={text}
              onChange={setText}
              placeholderFen={owedFen}
              invalid={!!problem}
              testId="split-amount"
            />
          </label>
          <button type="button" className="btn btn-ghost split-cancel" onClick={onCancel} data-testid="split-cancel">
            {t('split.cancel')}
          </button>
          <p className={problem ? 'form-error split-hint' : 'muted split-hint'} data-testid="split-hint">
            {problem ?? t('split.hint')}
          </p>
        </form>
      ) : (
        <button
          type="button"
          className="btn split-start"
          onClick={onSplit}
          disabled={disabled}
          data-testid="split-start"
        >
          {t('split.start')} <kbd>{shortcut}</kbd>
        </button>
      )}
    </div>
  );
}
