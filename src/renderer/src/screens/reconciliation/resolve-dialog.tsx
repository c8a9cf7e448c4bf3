/** The dialog that resolves one difference of the day. */
import { useState } from 'react';
import type { PosErrorShape } from '../../../../shared/errors';
import { formatFen } from '../../../../shared/money';
import type { ReconItemView, ReconResolution } from '../../../../shared/types';
import { api } from '../../api';
import { Modal } from '../../components/modal';
import { approveInForm, useOwnerApproval } from '../../components/owner-approval';
import { withPin } from '../../components/owner-read';
import { notOnButton, useShortcuts } from '../../hooks/use-shortcuts';
import { useI18n, type MessageKey } from '../../i18n';
import { ErrorLine } from './error-line';
import { reasonText } from './recon-text';

const RESOLUTIONS: readonly ReconResolution[] = ['accepted', 'refunded', 'written_off', 'corrected'];

/** Record how a difference was settled, with a note (the owner's: a clerk is asked for the owner's PIN). */
export function ResolveDialog({
  item,
  onClose,
  onDone,
}: {
  item: ReconItemView;
  onClose: () => void;
  onDone: (i: ReconItemView) => void;
}) {
  const { t } = useI18n();
  const approve = useOwnerApproval();
  const [resolution, setResolution] = useState<ReconResolution | null>(null);
  const [note, setNote] = useState('');
  const [error, setError] = useState<PosErrorShape | null>(null);
  const [hint, setHint] = useState<MessageKey | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (): Promise<void> => {
    if (busy) return;
    if (!resolution) return setHint('recon.chooseResolution');
    if (note.trim().length < 3) return setHint('recon.noteTooShort');
    setHint(null);
    setBusy(true);
    const done = await approveInForm(
      approve,
      (pin) => api.recon.resolve({ itemId: item.id, resolution, note: note.trim(), ...withPin(pin) }),
      setError,
      'recon.ownerPinHint',
    );
    setBusy(false);
    if (done) onDone(done);
  };
  useShortcuts(
    { Enter: { run: () => void submit(), when: (e) => notOnButton(e) && !(e.target instanceof HTMLTextAreaElement) } },
    { layer: 'modal' },
  );

  return (
    <Modal title={t('recon.resolveTitle')} onClose={onClose} testId="recon-resolve-dialog" wide>
      <div className="recon-resolve-summary">
        <div>
          <span className={`recon-cat-chip cat-${item.category}`}>{t(`recon.category.${item.category}`)}</span>
          <span className="strong"> {item.orderNumber ?? t('recon.item.noOrder')}</span>
          <span className="muted small mono"> {item.outTradeNo}</span>
        </div>
        <div>{reasonText(t, item)}</div>
        <div className="recon-resolve-amounts">
          <span>
            {t('recon.item.till')}: <strong>{item.oursFen === null ? '—' : formatFen(item.oursFen)}</strong>
          </span>
          <span>
            {t('recon.item.statement')}: <strong>{item.theirsFen === null ? '—' : formatFen(item.theirsFen)}</strong>
          </span>
        </div>
      </div>
      <p className="muted small recon-no-money">{t('recon.resolveNoMoney')}</p>
      <div className="recon-resolutions" role="radiogroup" aria-label={t('recon.resolveTitle')}>
        {RESOLUTIONS.map((r) => (
          <button
            key={r}
            type="button"
            role="radio"
            aria-checked={resolution === r}
            className={`recon-resolution${resolution === r ? ' is-on' : ''}`}
            onClick={() => {
              setResolution(r);
              setHint(null);
            }}
            data-testid="recon-resolution"
            data-resolution={r}
          >
            <span className="strong">{t(`recon.resolution.${r}`)}</span>
            <small>{t(`recon.resolutionHint.${r}`)}</small>
          </button>
        ))}
      </div>
      <label className="field">
        {t('recon.note')}
        <textarea
          className="input recon-note-input"
          rows={2}
          maxLength={500}
          value={note}
          placeholder={t('recon.notePlaceholder')}
          onChange={(e) => {
            setNote(e.target.value);
            setHint(null);
          }}
          data-testid="recon-note"
        />
      </label>
      {hint ? (
        <p className="form-error" role="alert" data-testid="recon-resolve-hint">
          {t(hint)}
        </p>
      ) : null}
      <ErrorLine error={error} />
      <div className="row-actions">
        <button type="button" className="btn btn-lg" onClick={onClose} data-testid="recon-resolve-cancel">
          {t('confirm.no')} <kbd>Esc</kbd>
        </button>
        <button
          type="button"
          className="btn btn-lg btn-primary"
          onClick={() => void submit()}
          disabled={busy}
          data-testid="recon-resolve-submit"
        >
          {t('recon.resolveSubmit')} <kbd>Enter</kbd>
        </button>
      </div>
    </Modal>
  );
}
