import type { Ref } from 'react';
import { formatFen } from '../../../shared/money';

/**
 * An amount in yuan typed at the counter (cash tendered, a part of a split tender): the ¥ before the
 * box, a decimal keypad on a touch screen, no autofill, what is still due as the placeholder. What is
 * typed is read by `shared/tendered.ts` (full-width digits and 元 accepted) where it is used.
 */
export function YuanInput({
  ref,
  className,
  value,
  onChange,
  placeholderFen,
  invalid,
  autoFocus,
  testId,
}: {
  ref?: Ref<HTMLInputElement>;
  className: string;
  value: string;
  onChange: (text: string) => void;
  placeholderFen: number;
  invalid: boolean;
  autoFocus?: boolean;
  testId: string;
}) {
  return (
    <span className="input-affix">
      <span className="affix">¥</span>
      <input
        ref={ref}
        className={`input ${className}`}
        type="text"
        inputMode="decimal"
        autoComplete="off"
        maxLength={12}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder={formatFen(placeholderFen).replace('¥', '')}
        aria-invalid={invalid ? 'true' : undefined}
        autoFocus={autoFocus}
        data-testid={testId}
      />
    </span>
  );
}
