/**
 * The store's "open drawer before cash" rule on the counter's screens (Sell and Pay): whether this
 * till's drawer is open and whether the store requires it, read from main (cashSession.current, the
 * clerk's blind view). F10 opens the float dialog whenever the drawer is not open, so after a refusal
 * the float is one key away; once it is open the clerk can take the cash at once. Main refuses cash
 * on its own (DRAWER_NOT_OPEN): this only says so before the clerk tries.
 */
import { useCallback, useEffect, useState } from 'react';
import { api } from '../../api';
import { useShortcuts } from '../../hooks/use-shortcuts';
import { useI18n } from '../../i18n';
import { OpenDialog } from './open-dialog';

/** The key that opens the float dialog on Sell and Pay (docs/testing.md, Keyboard). */
export const OPEN_DRAWER_KEY = 'F10';

export interface DrawerRule {
  /** the drawer is known not to be open */
  closed: boolean;
  /** the store refuses cash while it is not open */
  required: boolean;
  /** closed and required: cash would be refused */
  blocked: boolean;
  /** the float dialog is showing */
  opening: boolean;
  prompt: () => void;
  dismiss: () => void;
  /** the float dialog opened the drawer: cash may be taken at once (main is read again behind it) */
  opened: () => void;
}

/** Reads the drawer again whenever `refresh` changes (Pay: after each cash attempt, which a closed drawer may have refused). */
export function useDrawerRule(refresh?: unknown): DrawerRule {
  const [state, setState] = useState<{ closed: boolean; required: boolean }>({ closed: false, required: false });
  const [opening, setOpening] = useState(false);
  const [seq, setSeq] = useState(0);
  useEffect(() => {
    let live = true;
    void api.cashSession
      .current({})
      .then((r) => {
        if (live && r.ok) setState({ closed: r.value.session === null, required: r.value.requireOpenDrawer });
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [seq, refresh]);
  const prompt = useCallback(() => setOpening(true), []);
  const dismiss = useCallback(() => setOpening(false), []);
  const opened = useCallback(() => {
    setOpening(false);
    setState((s) => ({ ...s, closed: false }));
    setSeq((n) => n + 1);
  }, []);
  useShortcuts({ [OPEN_DRAWER_KEY]: { run: prompt, when: () => state.closed } });
  return { ...state, blocked: state.closed && state.required, opening, prompt, dismiss, opened };
}

/** The float dialog, when the rule's prompt asked for it; `onOpened` runs once the drawer is open. */
export function DrawerPrompt({ rule, onOpened }: { rule: DrawerRule; onOpened?: () => void }) {
  if (!rule.opening) return null;
  return (
    <OpenDialog
      onClose={rule.dismiss}
      onDone={() => {
        rule.opened();
        onOpened?.();
      }}
    />
  );
}

/** The button that opens the float dialog, with its key. */
export function OpenDrawerButton({ rule, testId }: { rule: DrawerRule; testId: string }) {
  const { t } = useI18n();
  return (
    <button type="button" className="btn drawer-open-btn" onClick={rule.prompt} data-testid={testId}>
      {t('pay.openDrawer')} <kbd>{OPEN_DRAWER_KEY}</kbd>
    </button>
  );
}
