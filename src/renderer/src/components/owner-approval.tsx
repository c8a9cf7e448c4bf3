/**
 * Owner approval at the counter. Main decides who may do what; the renderer only asks: a call is
 * made as the signed-in user, and when main answers OWNER_APPROVAL_REQUIRED this dialog asks the
 * owner for their PIN and makes the same call again with it. A wrong PIN stays in the dialog (with
 * the attempts left); so does a lock-out, saying how long it lasts and until when.
 *
 *   const approve = useOwnerApproval();
 *   const done = await approve((pin) => api.exceptions.resolve({ …, approvalPin: pin }), 'approval.reason.resolve');
 *
 * The reason may depend on why main asked (e.g. which discount is past the limit at confirm): pass a
 * function of the OWNER_APPROVAL_REQUIRED error instead of a key.
 */
import { createContext, useCallback, useContext, useRef, useState, type ReactNode } from 'react';
import type { ErrorCode, PosErrorShape } from '../../../shared/errors';
import type { Result } from '../../../shared/result';
import { notOnButton, useShortcuts } from '../hooks/use-shortcuts';
import { useI18n, type MessageKey, type Params } from '../i18n';
import { thrownToError, useNotifier } from '../lib/notice';
import { Modal } from './modal';
import { PinEntry, PinProblem, isPinLock } from './pin-entry';

type Run<T> = (pin: string | undefined) => Promise<Result<T>>;
export type Reason = MessageKey | ((asked: PosErrorShape) => { key: MessageKey; params?: Params });
export type Approve = <T>(run: Run<T>, reason: Reason, params?: Params) => Promise<T | undefined>;

const ApprovalContext = createContext<Approve | null>(null);

export function useOwnerApproval(): Approve {
  const approve = useContext(ApprovalContext);
  if (!approve) throw new Error('useOwnerApproval outside OwnerApprovalProvider');
  return approve;
}

async function settle<T>(pending: Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await pending;
  } catch (err) {
    return { ok: false, error: thrownToError(err) };
  }
}

/** What the dialog itself answers: the owner's PIN asked for, a wrong PIN, a lock-out, a busy queue. */
const ANSWERED_BY_DIALOG: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'OWNER_APPROVAL_REQUIRED',
  'WRONG_PIN',
  'PIN_LOCKED',
  'PIN_BUSY',
]);

/**
 * Approval for a form that shows main's other refusals beside its fields (and stays open) rather
 * than as a notice: the dialog answers only for the owner's PIN, any other refusal goes to
 * `refused`. The value, or undefined when main refused or the owner did not approve.
 */
export async function approveInForm<T>(
  approve: Approve,
  run: Run<T>,
  refused: (error: PosErrorShape) => void,
  reason: Reason,
  params?: Params,
): Promise<T | undefined> {
  let other: PosErrorShape | null = null;
  const value = await approve<T | undefined>(
    async (pin) => {
      const r = await settle(run(pin));
      if (r.ok || ANSWERED_BY_DIALOG.has(r.error.code)) return r;
      other = r.error;
      return { ok: true, value: undefined };
    },
    reason,
    params,
  );
  if (other) refused(other);
  return value;
}

interface Pending {
  reason: MessageKey;
  params: Params | undefined;
  submit: (pin: string) => Promise<PosErrorShape | null>;
  cancel: () => void;
}

export function OwnerApprovalProvider({ children }: { children: ReactNode }) {
  const notifier = useNotifier();
  const [pending, setPending] = useState<Pending | null>(null);

  const approve = useCallback<Approve>(
    async <T,>(run: Run<T>, reason: Reason, params?: Params) => {
      const first = await settle(run(undefined));
      if (first.ok) return first.value;
      if (first.error.code !== 'OWNER_APPROVAL_REQUIRED') {
        notifier.error(first.error);
        return undefined;
      }
      const why = typeof reason === 'function' ? reason(first.error) : { key: reason, params };
      return new Promise<T | undefined>((resolve) => {
        setPending({
          reason: why.key,
          params: why.params,
          cancel: () => {
            setPending(null);
            resolve(undefined);
          },
          submit: async (pin) => {
            const r = await settle(run(pin));
            if (r.ok) {
              setPending(null);
              resolve(r.value);
              return null;
            }
            // a wrong PIN, a lock-out or a busy queue: the dialog says so and stays
            if (r.error.code === 'WRONG_PIN' || r.error.code === 'PIN_LOCKED' || r.error.code === 'PIN_BUSY')
              return r.error;
            setPending(null);
            notifier.error(r.error);
            resolve(undefined);
            return null;
          },
        });
      });
    },
    [notifier],
  );

  return (
    <ApprovalContext value={approve}>
      {children}
      {pending ? <PinDialog pending={pending} /> : null}
    </ApprovalContext>
  );
}

function PinDialog({ pending }: { pending: Pending }) {
  const { t } = useI18n();
  const [pin, setPin] = useState('');
  const [error, setError] = useState<PosErrorShape | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  const locked = isPinLock(error);
  const submit = async (): Promise<void> => {
    if (busy || locked || pin.length < 4) return;
    setBusy(true);
    const err = await pending.submit(pin);
    setBusy(false);
    if (err) {
      setError(err);
      setPin('');
      input.current?.focus();
    }
  };
  useShortcuts({ Enter: { run: () => void submit(), when: notOnButton } }, { layer: 'modal' });

  return (
    <Modal title={t('approval.title')} onClose={pending.cancel} testId="owner-pin-dialog" className="pin-modal">
      <p className="pin-reason" data-testid="owner-pin-reason">
        {t(pending.reason, pending.params)}
      </p>
      <p className="pin-ask">{t('approval.ask')}</p>
      <PinEntry
        ref={input}
        pin={pin}
        onChange={(p) => {
          setError(null);
          setPin(p);
        }}
        label={t('approval.pin')}
        inputTestId="owner-pin-input"
        keyPrefix="pin-key"
        autoFocus
        disabled={locked}
      />
      {error ? <PinProblem error={error} testId={locked ? 'owner-pin-locked' : 'owner-pin-error'} /> : null}
      <div className="row-actions">
        <button type="button" className="btn btn-lg" onClick={pending.cancel} data-testid="owner-pin-cancel">
          {t('confirm.no')} <kbd>Esc</kbd>
        </button>
        <button
          type="button"
          className="btn btn-lg btn-primary"
          disabled={busy || locked || pin.length < 4}
          onClick={() => void submit()}
          data-testid="owner-pin-submit"
        >
          {t('approval.submit')} <kbd>Enter</kbd>
        </button>
      </div>
    </Modal>
  );
}
