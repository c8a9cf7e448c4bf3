/** The paid in / paid out dialog of the cash drawer. */
import { useState } from 'react';
import { formatFen, parseYuan } from '../../../../shared/money';
import type { CashMoveKind } from '../../../../shared/types';
import { api } from '../../api';
import { Modal } from '../../components/modal';
import { useOwnerApproval } from '../../components/owner-approval';
import { notOnButton, useShortcuts } from '../../hooks/use-shortcuts';
import { useI18n, type MessageKey } from '../../i18n';

/** Pay cash into or out of the drawer, with a reason; paying out asks for the owner when a clerk is signed in. */
export function MoveDialog({
  kind,
  expectedFen,
  onClose,
  onDone,
}: {
  kind: CashMoveKind;
  expectedFen: number | null;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const approve = useOwnerApproval();
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<MessageKey | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (): Promise<void> => {
    if (busy) return;
    const fen = parseYuan(amount);
    if (fen === null || fen <= 0) return setProblem('cash.badAmount');
    if (reason.trim().length < 3) return setProblem('cash.reasonMissing');
    setBusy(true);
    const done = await approve(
      (pin) =>
        api.cashSession.move({ kind, amountFen: fen, reason: reason.trim(), ...(pin ? { approvalPin: pin } : {}) }),
      'approval.reason.cashOut',
      {
        amount: formatFen(fen),
      },
    );
    setBusy(false);
    if (done) onDone();
  };
  useShortcuts(
    { Enter: { run: () => void submit(), when: (e) => notOnButton(e) && !(e.target instanceof HTMLTextAreaElement) } },
    { layer: 'modal' },
  );

  return (
    <Modal
      title={t(kind === 'in' ? 'cash.paidInTitle' : 'cash.paidOutTitle')}
      onClose={onClose}
      testId="cash-move-dialog"
      className="cash-modal"
    >
      <p className="confirm-text">
        {kind === 'in'
          ? t('cash.paidInHint')
          : expectedFen === null
            ? t('cash.paidOutHintBlind')
            : t('cash.paidOutHint', { expected: formatFen(expectedFen) })}
      </p>
      <label className="field">
        <span>{t('cash.amount')}</span>
        <input
          className="input input-lg"
          inputMode="decimal"
          value={amount}
          onChange={(e) => {
            setAmount(e.target.value);
            setProblem(null);
          }}
          placeholder="0.00"
          autoFocus
          data-autofocus
          data-testid="cash-move-amount"
        />
      </label>
      <label className="field">
        <span>{t('cash.reason')}</span>
        <textarea
          className="input cash-reason"
          rows={2}
          maxLength={200}
          value={reason}
          onChange={(e) => {
            setReason(e.target.value);
            setProblem(null);
          }}
          placeholder={t(kind === 'in' ? 'cash.paidInPlaceholder' : 'cash.paidOutPlaceholder')}
          data-testid="cash-move-reason"
        />
      </label>
      {problem ? (
        <p className="pin-error" role="alert" data-testid="cash-move-error">
          {t(problem)}
        </p>
      ) : null}
      <div className="row-actions">
        <button type="button" className="btn btn-lg" onClick={onClose} data-testid="cash-move-cancel">
          {t('confirm.no')} <kbd>Esc</kbd>
        </button>
        <button
          type="button"
          className="btn btn-lg btn-primary"
          disabled={busy}
          onClick={() => void submit()}
          data-testid="cash-move-submit"
        >
          {t(kind === 'in' ? 'cash.paidInSubmit' : 'cash.paidOutSubmit')}
        </button>
      </div>
    </Modal>
  );
}
