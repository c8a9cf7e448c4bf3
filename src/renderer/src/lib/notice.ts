/**
 * The one place errors and short messages are shown (the banner under the header). Notices keep
 * the error or the message key, not the text, so they re-translate when the language changes.
 */
import { createContext, useCallback, useContext } from 'react';
import type { PosErrorShape } from '../../../shared/errors';
import type { Result } from '../../../shared/result';
import type { MessageKey, Params } from '../i18n';

export type Notice =
  | { id: number; kind: 'error'; error: PosErrorShape }
  | { id: number; kind: 'message'; tone: 'error' | 'info' | 'success'; key: MessageKey; params?: Params };

export interface Notifier {
  /** Shows an error result from main (or one made up in the renderer with a contract error code). */
  error: (error: PosErrorShape) => void;
  /** Shows a translated message. */
  say: (tone: 'error' | 'info' | 'success', key: MessageKey, params?: Params) => void;
  clear: () => void;
}

export const NoticeContext = createContext<Notifier>({
  error: () => undefined,
  say: () => undefined,
  clear: () => undefined,
});

export function useNotifier(): Notifier {
  return useContext(NoticeContext);
}

/** Turns anything a call may throw (it should not, but a bridge can) into a contract error. */
export function thrownToError(err: unknown): PosErrorShape {
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
}

/**
 * `const value = await call(api.cart.add({ productId }))`: the value, or `undefined` after the
 * error has been shown. Nothing is swallowed silently.
 */
export function useCall(): <T>(pending: Promise<Result<T>>) => Promise<T | undefined> {
  const notifier = useNotifier();
  return useCallback(
    async <T>(pending: Promise<Result<T>>): Promise<T | undefined> => {
      let result: Result<T>;
      try {
        result = await pending;
      } catch (err) {
        notifier.error(thrownToError(err));
        return undefined;
      }
      if (result.ok) return result.value;
      notifier.error(result.error);
      return undefined;
    },
    [notifier],
  );
}
