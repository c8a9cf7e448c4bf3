import { forwardRef } from 'react';
import { useI18n } from '../i18n';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'clear', '0', 'back'] as const;

export interface PinEntryProps {
  pin: string;
  onChange: (pin: string) => void;
  label: string;
  /** data-testid of the input; the keys are `${keyPrefix}-1` … `${keyPrefix}-clear` */
  inputTestId: string;
  keyPrefix: string;
  autoFocus?: boolean;
}

/** A PIN field (4–8 digits, hidden) and a big keypad for a touch screen; typing works too. */
export const PinEntry = forwardRef<HTMLInputElement, PinEntryProps>(function PinEntry(
  { pin, onChange, label, inputTestId, keyPrefix, autoFocus },
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
      />
      <div className="pin-pad">
        {KEYS.map((k) => (
          <button key={k} type="button" className="btn btn-lg pin-key" onClick={() => press(k)} data-testid={`${keyPrefix}-${k}`}>
            {k === 'clear' ? t('approval.clear') : k === 'back' ? '⌫' : k}
          </button>
        ))}
      </div>
    </>
  );
});
