/**
 * The owner's reads on one screen ("what a clerk may read", docs/security.md). Main refuses a clerk
 * the owner's reads — the drawer's totals and Z reports, reconciliation, payment timelines, the
 * catalogue with its stock — unless the call carries an owner's PIN. A screen that shows them asks
 * for the PIN once, through the owner approval dialog, keeps it in memory while the screen is open
 * and sends it with its later reads, so it is not asked again; an owner signed in is never asked.
 *
 * The kept PIN is for READING only. Every change still asks for the owner's PIN itself
 * (`useOwnerApproval`), so a PIN given to let a clerk look does not let the clerk change anything.
 * Leaving the screen (or locking the till, which leaves every screen) forgets it.
 *
 *   <OwnerReadScope>…screen…</OwnerReadScope>                       (Manage wraps each section in one)
 *   const owner = useOwnerRead();
 *   const days = await owner.ask((pin) => api.recon.days({ ...withPin(pin) }), 'approval.reason.recon');
 *   const again = await owner.quiet((pin) => api.recon.days({ ...withPin(pin) }));   // never asks: a Result
 */
import { createContext, useCallback, useContext, useMemo, useRef, type ReactNode, type RefObject } from 'react';
import type { ErrorCode } from '../../../shared/errors';
import type { Result } from '../../../shared/result';
import type { MessageKey, Params } from '../i18n';
import { thrownToError, useNotifier } from '../lib/notice';
import { useOwnerApproval } from './owner-approval';

type Run<T> = (pin: string | undefined) => Promise<Result<T>>;

export interface OwnerRead {
  /**
   * Reads as the owner: with the PIN given on this screen, else as the signed-in user, else asking
   * for the PIN (one dialog at a time: reads made meanwhile wait for its answer). `undefined` when
   * the owner did not approve, or after any other error has been shown.
   */
  ask<T>(run: Run<T>, reason: MessageKey, params?: Params): Promise<T | undefined>;
  /** The same read without ever asking (refreshes on events): the result, for the caller to handle. */
  quiet<T>(run: Run<T>): Promise<Result<T>>;
}

/** `{ approvalPin }` when there is one, for spreading into a call's input. */
export function withPin(pin: string | undefined): { approvalPin?: string } {
  return pin ? { approvalPin: pin } : {};
}

interface Kept {
  pin: string | undefined;
  /** a PIN dialog opened by a read of this screen, until it is answered */
  asking: Promise<void> | null;
}

interface Scope {
  kept: RefObject<Kept>;
}

const ScopeContext = createContext<Scope | null>(null);

/** One screen's kept PIN: given once, forgotten when the scope unmounts. */
export function OwnerReadScope({ children }: { children: ReactNode }) {
  const kept = useRef<Kept>({ pin: undefined, asking: null });
  const scope = useMemo(() => ({ kept }), []);
  return <ScopeContext value={scope}>{children}</ScopeContext>;
}

/** asked again with a PIN: the call did not carry one, or the one kept no longer works */
const NEEDS_PIN: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['OWNER_APPROVAL_REQUIRED', 'WRONG_PIN']);

async function settle<T>(pending: Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await pending;
  } catch (err) {
    return { ok: false, error: thrownToError(err) };
  }
}

export function useOwnerRead(): OwnerRead {
  const approve = useOwnerApproval();
  const notifier = useNotifier();
  const scope = useContext(ScopeContext);
  // outside a scope (a screen of its own), the component keeps the PIN itself
  const own = useRef<Kept>({ pin: undefined, asking: null });
  const keptRef = scope?.kept ?? own;

  const quiet = useCallback(
    async <T,>(run: Run<T>): Promise<Result<T>> => {
      const kept = keptRef.current;
      if (kept.asking) await kept.asking;
      const tried = kept.pin;
      const r = await settle(run(tried));
      if (r.ok || r.error.code !== 'WRONG_PIN' || tried === undefined) return r;
      // the PIN kept changed meanwhile: forget it, and read as the signed-in user (blind, or refused)
      if (kept.pin === tried) kept.pin = undefined;
      return settle(run(kept.pin));
    },
    [keptRef],
  );

  const ask = useCallback(
    async <T,>(run: Run<T>, reason: MessageKey, params?: Params): Promise<T | undefined> => {
      const kept = keptRef.current;
      if (kept.asking) await kept.asking;
      const tried = kept.pin;
      const first = await settle(run(tried));
      if (first.ok) return first.value;
      if (!NEEDS_PIN.has(first.error.code)) {
        notifier.error(first.error);
        return undefined;
      }
      if (kept.pin === tried && tried !== undefined) kept.pin = undefined; // the PIN changed meanwhile: ask again
      if (kept.asking) await kept.asking; // another read of this screen is asking: take its answer
      if (kept.pin !== undefined && kept.pin !== tried) {
        const again = await settle(run(kept.pin));
        if (again.ok) return again.value;
        notifier.error(again.error);
        return undefined;
      }
      let answered: () => void = () => undefined;
      kept.asking = new Promise<void>((resolve) => {
        answered = resolve;
      });
      try {
        let used: string | undefined;
        const value = await approve(
          async (given) => {
            used = given;
            return run(given);
          },
          reason,
          params,
        );
        if (value !== undefined && used !== undefined) kept.pin = used;
        return value;
      } finally {
        kept.asking = null;
        answered();
      }
    },
    [approve, keptRef, notifier],
  );

  return useMemo(() => ({ ask, quiet }), [ask, quiet]);
}
