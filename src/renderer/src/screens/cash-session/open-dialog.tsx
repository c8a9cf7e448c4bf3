/** The dialog that opens this till's drawer. */
import { useState } from 'react';
import { denominationTotal, type DenominationCounts } from '../../../../shared/cash';
import { formatFen, parseYuan } from '../../../../shared/money';
import { api } from '../../api';
import { Modal } from '../../components/modal';
import { notOnButton, useShortcuts } from '../../hooks/use-shortcuts';
import { useI18n } from '../../i18n';
import { useCall } from '../../lib/notice';
import { DenominationGrid } from './denomination-grid';

/** Open the drawer with a float, counted note by note or typed as one amount. */
export function OpenDialog({ onClose, onDone }: { onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const call = useCall();
  const [mode, setMode] = useState<'count' | 'type'>('count');
  const [counts, setCounts] = useState<DenominationCounts>({});
  const [typed, setTyped] = useState('');
  const [bad, setBad] = useState(false);
  const [busy, setBusy] = useState(false);
  const total = mode === 'count' ? denominationTotal(counts) : parseYuan(typed);

  const submit = async (): Promise<void> => {
    if (busy) return;
    if (total === null) {
      setBad(true);
      return;
    }
    setBusy(true);
    const done = await call(api.cashSession.open(mode === 'count' ? { denominations: counts } : { floatFen: total }));
    setBusy(false);
    if (done) onDone();
  };
  useShortcuts({ Enter: { run: () => void submit(), when: notOnButton } }, { layer: 'modal' });

  return (
    <Modal title={t('cash.openTitle')} onClose={onClose} testId="cash-open-dialog" wide className="cash-modal">
      <p className="confirm-text">{t('cash.openHint')}</p>
      <div className="cash-mode" role="tablist">
        <button
          type="button"
          role="tab"
          aria-selected={mode === 'count'}
          className={`btn${mode === 'count' ? ' btn-primary' : ''}`}
          onClick={() => setMode('count')}
          data-testid="cash-float-by-count"
        >
          {t('cash.byCount')}
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={mode === 'type'}
          className={`btn${mode === 'type' ? ' btn-primary' : ''}`}
          onClick={() => setMode('type')}
          data-testid="cash-float-by-amount"
        >
          {t('cash.byAmount')}
        </button>
      </div>
      {mode === 'count' ? (
        <DenominationGrid counts={counts} onChange={setCounts} />
      ) : (
        <label className="field">
          <span>{t('cash.floatAmount')}</span>
          <input
            className="input input-lg"
            inputMode="decimal"
            value={typed}
            onChange={(e) => {
              setTyped(e.target.value);
              setBad(false);
            }}
            placeholder="200.00"
            autoFocus
            data-autofocus
            data-testid="cash-float-input"
          />
        </label>
      )}
      {bad ? (
        <p className="pin-error" role="alert" data-testid="cash-float-error">
          {t('cash.badAmount')}
        </p>
      ) : null}
      <div className="cash-total-line">
        <span>{t('cash.floatTotal')}</span>
        <strong data-testid="cash-float-total">{total === null ? '—' : formatFen(total)}</strong>
      </div>
      <div className="row-actions">
        <button type="button" className="btn btn-lg" onClick={onClose} data-testid="cash-open-cancel">
          {t('confirm.no')} <kbd>Esc</kbd>
        </button>
        <button
          type="button"
          className="btn btn-lg btn-go"
          disabled={busy || total === null}
          onClick={() => void submit()}
          data-testid="cash-open-submit"
        >
          {t('cash.openWith', { amount: total === null ? '—' : formatFen(total) })}
        </button>
      </div>
    </Modal>
  );
}
