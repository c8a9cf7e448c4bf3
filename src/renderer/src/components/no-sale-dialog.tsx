import { useState } from 'react';
import { api } from '../api';
import { useI18n } from '../i18n';
import { useNotifier } from '../lib/notice';
import { Modal } from './modal';
import { useOwnerApproval } from './owner-approval';

/** Open the cash drawer without a sale: the owner's, with a reason, recorded in the audit log. */
export function NoSaleDialog({ onClose }: { onClose: () => void }) {
  const { t } = useI18n();
  const approve = useOwnerApproval();
  const notifier = useNotifier();
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);

  const submit = async (): Promise<void> => {
    if (reason.trim().length < 3) {
      setMissing(true);
      return;
    }
    const r = await approve(
      (pin) => api.drawer.open({ reason: reason.trim(), approvalPin: pin }),
      'approval.reason.noSale',
    );
    if (!r) return;
    notifier.say(r.opened ? 'success' : 'info', r.opened ? 'noSale.opened' : 'noSale.recorded');
    onClose();
  };

  return (
    <Modal title={t('noSale.title')} onClose={onClose} testId="no-sale-dialog">
      <label className="field field-wide">
        <span>{t('refund.reason')}</span>
        <input
          className="input"
          value={reason}
          maxLength={500}
          onChange={(e) => {
            setReason(e.target.value);
            setMissing(false);
          }}
          placeholder={t('noSale.placeholder')}
          data-testid="no-sale-reason"
          autoFocus
        />
      </label>
      {missing ? (
        <p className="pin-error" role="alert">
          {t('refund.reasonMissing')}
        </p>
      ) : null}
      <div className="row-actions">
        <button type="button" className="btn btn-lg" onClick={onClose} data-testid="no-sale-cancel">
          {t('confirm.no')} <kbd>Esc</kbd>
        </button>
        <button
          type="button"
          className="btn btn-lg btn-warn"
          onClick={() => void submit()}
          data-testid="no-sale-confirm"
        >
          {t('noSale.title')}
        </button>
      </div>
    </Modal>
  );
}
