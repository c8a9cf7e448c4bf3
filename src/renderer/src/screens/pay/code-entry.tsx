import type { RefObject } from 'react';
import { errorText, useI18n } from '../../i18n';
import type { MethodChoice } from '../../lib/payments';
import type { CodeProblem } from './use-payment-code';

/** The payment-code step: the field the customer's code is scanned or typed into. */
export function CodeEntry({
  codeChoice,
  inputRef,
  code,
  onCode,
  problem,
  hint,
  starting,
  onSubmit,
}: {
  codeChoice: Extract<MethodChoice, { kind: 'code' }>;
  inputRef: RefObject<HTMLInputElement | null>;
  code: string;
  onCode: (code: string) => void;
  problem: CodeProblem;
  /** show which providers' codes are taken (not after an attempt ended) */
  hint: boolean;
  starting: boolean;
  onSubmit: () => void;
}) {
  const { t, locale } = useI18n();
  return (
    <form
      className="code-entry"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
      data-testid="payment-code-step"
    >
      <h2 className="code-title">{t('code.title')}</h2>
      {hint ? (
        <p className="code-hint">
          {t('code.hint', { providers: codeChoice.providers.map((p) => t(`method.${p}`)).join(t('code.or')) })}
        </p>
      ) : null}
      <label className="field">
        <span>{t('code.label')}</span>
        <input
          ref={inputRef}
          className="input code-input"
          type="text"
          inputMode="numeric"
          autoComplete="off"
          spellCheck={false}
          maxLength={40}
          value={code}
          onChange={(e) => onCode(e.target.value)}
          disabled={starting}
          autoFocus
          data-testid="payment-code-input"
        />
      </label>
      {problem ? (
        <p className="form-error" role="alert" data-testid="payment-code-error">
          {'error' in problem ? errorText(problem.error, locale).text : t(problem.key, problem.params)}
        </p>
      ) : null}
      <button type="submit" className="btn btn-go complete" disabled={starting} data-testid="payment-code-submit">
        {starting ? t('pay.working') : t('code.submit')} <kbd>Enter</kbd>
      </button>
    </form>
  );
}
