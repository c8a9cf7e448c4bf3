import { forwardRef } from 'react';
import type { PosErrorShape } from '../../../shared/errors';
import { errorText, useI18n } from '../i18n';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'clear', '0', 'back'] as const;

export interface PinEntryProps {
  pin: string;
  onChange: (pin: string) => void;
  label: string;
  /** data-testid of the input; the keys are `${keyPrefix}-1` … `${keyPrefix}-clear` */
  inputTestId: string;
  keyPrefix: string;
  autoFocus?: boolean;
  /** no PIN can be typed (the user is locked out) */
  disabled?: boolean;
}

/** A PIN field (4–8 digits, hidden) and a big keypad for a touch screen; typing works too. */
export const PinEntry = forwardRef<HTMLInputElement, PinEntryProps>(function PinEntry(
  { pin, onChange, label, inputTestId, keyPrefix, autoFocus, disabled },
  ref,
) {
  const { t } = useI18n();
  const press = (k: (typeof KEYS)[number]): void => {
    if (k === 'clear') onChange('');
    else if (k === 'back') onChange(pin.slice(0, -1));
    else if (pin.length < 8) onChange(pin + k);
    if (ref && typeof ref === 'object') ref.current?.focus();
  };
  return (
    <>
      <input
        ref={ref}
        className="input input-lg pin-input"
        type="password"
        inputMode="numeric"
        autoComplete="off"
        maxLength={8}
        value={pin}
        onChange={(e) => onChange(e.target.value.replace(/\D/g, '').slice(0, 8))}
        aria-label={label}
        placeholder={label}
        data-testid={inputTestId}
        autoFocus={autoFocus}
        data-autofocus={autoFocus ? true : undefined}
        disabled={disabled}
      />
      <div className="pin-pad">
        {KEYS.map((k) => (
          <button
            key={k}
            type="button"
            className="btn btn-lg pin-key"
            onClick={() => press(k)}
            disabled={disabled}
            data-testid={`${keyPrefix}-${k}`}
          >
            {k === 'clear' ? t('approval.clear') : k === 'back' ? '⌫' : k}
          </button>
        ))}
      </div>
    </>
  );
});

/**
 * Why a PIN was refused, under the pad: a wrong PIN with the attempts left before the lock, a lock
 * with how long and until when (main says both), or main's error in the clerk's language.
 */
export function PinProblem({ error, testId }: { error: PosErrorShape; testId: string }) {
  const { t, locale } = useI18n();
  const left = error.details?.attemptsLeft;
  const text =
    error.code === 'WRONG_PIN' && typeof left === 'number'
      ? t('approval.wrong', { left })
      : errorText(error, locale).text;
  return (
    <p className="pin-error" role="alert" data-testid={testId} data-code={error.code}>
      {text}
    </p>
  );
}

/** The user cannot try again until the lock ends. */
export const isPinLock = (error: PosErrorShape | null): boolean => error?.code === 'PIN_LOCKED';
