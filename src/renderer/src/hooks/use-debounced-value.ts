import { useEffect, useState } from 'react';

/**
 * `value`, but only after it has stopped changing for `ms`, and (with `wait`) not while
 * `wait()` says to hold off: checked again every `ms / 2` until it does not.
 */
export function useDebouncedValue<T>(value: T, ms: number, wait?: () => boolean): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    let id = 0;
    const settle = (): void => {
      if (wait?.()) id = window.setTimeout(settle, Math.max(10, ms / 2));
      else setSettled(value);
    };
    id = window.setTimeout(settle, ms);
    return () => window.clearTimeout(id);
  }, [value, ms, wait]);
  return settled;
}
