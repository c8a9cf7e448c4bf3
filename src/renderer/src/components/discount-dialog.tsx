import { useState, type FormEvent } from 'react';
import type { PosErrorShape } from '../../../shared/errors';
import { fenToYuanString, parseYuan } from '../../../shared/money';
import type { Discount } from '../../../shared/types';
import { errorText, useI18n } from '../i18n';
import { Modal } from './modal';

export interface DiscountDialogProps {
  title: string;
  current: Discount | null;
  /** Resolves to an error to show in the dialog, or null when applied (the dialog then closes). */
  onApply: (discount: Discount | null) => Promise<PosErrorShape | null>;
  onClose: () => void;
  testId: string;
}

/** Percent (whole 1–100) or amount (yuan text, e.g. `5` or `3.50`) off; or remove the discount. */
export function DiscountDialog({ title, current, onApply, onClose, testId }: DiscountDialogProps) {
  const { t, locale } = useI18n();
  const [kind, setKind] = useState<Discount['kind']>(current?.kind ?? 'percent');
  const [text, setText] = useState(() =>
    current ? (current.kind === 'percent' ? String(current.value) : fenToYuanString(current.value)) : '',
  );
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (discount: Discount | null): Promise<void> => {
    setBusy(true);
    const error = await onApply(discount);
    setBusy(false);
    if (error) setProblem(errorText(error, locale).text);
    else onClose();
  };

  const submit = (e?: FormEvent): void => {
    e?.preventDefault();
    if (busy) return;
    if (kind === 'percent') {
      const value = /^\s*\d{1,3}\s*%?\s*$/.test(text) ? Number.parseInt(text, 10) : Number.NaN;
      if (!(value >= 1 && value <= 100)) {
        setProblem(t('discount.invalidPercent'));
        return;
      }
      void run({ kind: 'percent', value });
    } else {
      const value = parseYuan(text);
      if (value === null || value < 1) {
        setProblem(t('discount.invalidAmount'));
        return;
      }
      void run({ kind: 'amount', value });
    }
  };

  const choose = (k: Discount['kind']): void => {
    setKind(k);
    setProblem(null);
    document.getElementById('discount-value')?.focus();
  };

  return (
    <Modal title={title} onClose={onClose} testId={testId}>
      <form onSubmit={submit} className="discount-form">
        <div className="segmented" role="radiogroup">
          <button
            type="button"
            role="radio"
            aria-checked={kind === 'percent'}
            className={`seg${kind === 'percent' ? ' seg-on' : ''}`}
            onClick={() => choose('percent')}
            data-testid="discount-kind-percent"
          >
            {t('discount.percent')}
          </button>
          <button
            type="button"
            role="radio"
            aria-checked={kind === 'amount'}
            className={`seg${kind === 'amount' ? ' seg-on' : ''}`}
            onClick={() => choose('amount')}
            data-testid="discount-kind-amount"
          >
            {t('discount.amount')}
          </button>
        </div>
        <label className="field">
          <span>{kind === 'percent' ? t('discount.valuePercent') : t('discount.valueAmount')}</span>
          <span className="input-affix">
            {kind === 'amount' ? <span className="affix">¥</span> : null}
            <input
              id="discount-value"
              className="input input-lg"
              type="text"
              inputMode="decimal"
              autoComplete="off"
              maxLength={12}
              value={text}
              onChange={(e) => {
                setText(e.target.value);
                setProblem(null);
              }}
              autoFocus
              data-autofocus
              data-testid="discount-value"
            />
            {kind === 'percent' ? <span className="affix">%</span> : null}
          </span>
        </label>
        {problem ? (
          <p className="form-error" role="alert" data-testid="discount-error">
            {problem}
          </p>
        ) : null}
        <div className="row-actions">
          {current ? (
            <button
              type="button"
              className="btn btn-lg"
              onClick={() => void run(null)}
              disabled={busy}
              data-testid="discount-remove"
            >
              {t('discount.remove')}
            </button>
          ) : null}
          <button type="button" className="btn btn-lg" onClick={onClose} data-testid="discount-cancel">
            {t('discount.cancel')} <kbd>Esc</kbd>
          </button>
          <button type="submit" className="btn btn-lg btn-primary" disabled={busy} data-testid="discount-apply">
            {t('discount.apply')} <kbd>Enter</kbd>
          </button>
        </div>
      </form>
    </Modal>
  );
}
