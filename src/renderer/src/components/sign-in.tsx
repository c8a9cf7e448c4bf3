import { useEffect, useRef, useState } from 'react';
import type { PosErrorShape } from '../../../shared/errors';
import type { UserView } from '../../../shared/types';
import { api } from '../api';
import { notOnButton, registerModal, useShortcuts } from '../hooks/use-shortcuts';
import { useI18n } from '../i18n';
import { thrownToError } from '../lib/notice';
import { PinEntry, PinProblem, isPinLock } from './pin-entry';

export interface SignInProps {
  /** the till is locked: there is no way back but signing in */
  locked: boolean;
  onSignedIn: (user: UserView) => void;
  onCancel: () => void;
  onLock: () => void;
}

/**
 * The lock screen and "switch user": pick yourself, type your PIN. Main checks the PIN (and locks a
 * user out after five wrong ones); until someone signs in, a locked till answers nothing else.
 */
export function SignIn({ locked, onSignedIn, onCancel, onLock }: SignInProps) {
  const { t } = useI18n();
  const [users, setUsers] = useState<UserView[]>([]);
  const [who, setWho] = useState<UserView | null>(null);
  const [pin, setPin] = useState('');
  const [error, setError] = useState<PosErrorShape | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => registerModal(), []);
  useEffect(() => {
    void api.auth
      .users({})
      .then((r) => {
        if (r.ok) setUsers(r.value);
      })
      .catch(() => undefined);
  }, []);
  useEffect(() => {
    if (who) input.current?.focus();
  }, [who]);

  const lockedOut = isPinLock(error);
  const submit = async (): Promise<void> => {
    if (!who || pin.length < 4 || busy || lockedOut) return;
    setBusy(true);
    let r;
    try {
      r = await api.auth.login({ userId: who.id, pin });
    } catch (err) {
      r = { ok: false as const, error: thrownToError(err) };
    }
    setBusy(false);
    if (r.ok) onSignedIn(r.value);
    else {
      setError(r.error);
      setPin('');
      input.current?.focus();
    }
  };
  useShortcuts(
    { Enter: { run: () => void submit(), when: notOnButton }, Escape: () => (locked ? undefined : onCancel()) },
    { layer: 'modal' },
  );

  return (
    <div
      className="signin-backdrop"
      role="dialog"
      aria-modal="true"
      aria-label={t('signin.title')}
      data-testid="sign-in"
      data-locked={locked}
    >
      <div className="signin">
        <h1>{locked ? t('signin.locked') : t('signin.title')}</h1>
        <div className="signin-users">
          {users.map((u) => (
            <button
              key={u.id}
              type="button"
              className={`signin-user${who?.id === u.id ? ' signin-user-on' : ''}`}
              onClick={() => {
                setWho(u);
                setError(null);
                setPin('');
              }}
              data-testid="signin-user"
              data-user-id={u.id}
              data-role={u.role}
            >
              <strong>{u.name}</strong>
              <span className="muted">{t(`signin.role.${u.role}`)}</span>
            </button>
          ))}
        </div>
        {who ? (
          <>
            <PinEntry
              ref={input}
              pin={pin}
              onChange={(p) => {
                setError(null);
                setPin(p);
              }}
              label={t('signin.pin', { name: who.name })}
              inputTestId="signin-pin"
              keyPrefix="signin-key"
              disabled={lockedOut}
            />
            {error ? <PinProblem error={error} testId="signin-error" /> : null}
          </>
        ) : (
          <p className="muted">{t('signin.pick')}</p>
        )}
        <div className="row-actions">
          {locked ? null : (
            <>
              <button type="button" className="btn btn-lg" onClick={onCancel} data-testid="signin-cancel">
                {t('confirm.no')} <kbd>Esc</kbd>
              </button>
              <button type="button" className="btn btn-lg btn-warn" onClick={onLock} data-testid="lock-till">
                {t('signin.lock')}
              </button>
            </>
          )}
          <button
            type="button"
            className="btn btn-lg btn-primary"
            disabled={!who || pin.length < 4 || busy || lockedOut}
            onClick={() => void submit()}
            data-testid="signin-submit"
          >
            {t('signin.submit')} <kbd>Enter</kbd>
          </button>
        </div>
      </div>
    </div>
  );
}
