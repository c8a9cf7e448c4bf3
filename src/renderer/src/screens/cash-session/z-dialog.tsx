/** The Z report dialog of the cash drawer (the owner's). */
import { useState } from 'react';
import { formatFen } from '../../../../shared/money';
import type { ZView } from '../../../../shared/types';
import { api } from '../../api';
import { Modal } from '../../components/modal';
import { withPin, type OwnerRead } from '../../components/owner-read';
import { useI18n, type MessageKey, type Params } from '../../i18n';
import { useNotifier } from '../../lib/notice';
import { CashReportPaper } from './cash-report-paper';
import { printThrough } from './print';
import { varianceLabel, varianceState } from './variance';

/** A Z report as written at its close (just closed, or from the list), printed again as a COPY. */
export function ZDialog({
  view,
  justClosed,
  owner,
  onClose,
  onPrinted,
}: {
  view: ZView;
  justClosed: boolean;
  owner: OwnerRead;
  onClose: () => void;
  onPrinted: () => void;
}) {
  const { t } = useI18n();
  const notifier = useNotifier();
  const [copy, setCopy] = useState(view.prints > 0);
  const [printed, setPrinted] = useState(view.prints > 0);
  const [status, setStatus] = useState<{ key: MessageKey; params?: Params } | null>(null);
  const [busy, setBusy] = useState(false);

  const print = async (): Promise<void> => {
    setBusy(true);
    // a Z is the owner's: printed with the PIN given on this screen, else asking for it
    const outcome = await owner.ask(
      (pin) => api.cashSession.printZ({ number: view.z.number, ...withPin(pin) }),
      'approval.reason.cashTotals',
      { terminal: view.z.terminal },
    );
    const s = outcome
      ? await printThrough(Promise.resolve({ ok: true, value: outcome }), notifier, (o) => setCopy(o.copy))
      : null;
    setBusy(false);
    if (s) {
      setStatus(s);
      setPrinted(true);
      onPrinted();
    }
  };

  return (
    <Modal title={view.z.number} onClose={onClose} testId="cash-z-dialog" wide className="cash-modal">
      {justClosed ? (
        <p className="cash-closed-done" role="status" data-testid="cash-closed-done">
          {t('cash.closedDone', { number: view.z.number })}
        </p>
      ) : null}
      <div className="cash-strip" data-testid="cash-z-summary">
        <div>
          <span>{t('cash.expected')}</span>
          <strong>{formatFen(view.z.drawer.expectedFen)}</strong>
        </div>
        <div>
          <span>{t('cash.counted')}</span>
          <strong>{formatFen(view.z.countedFen)}</strong>
        </div>
        <div className={`is-${varianceState(view.z.varianceFen)}`}>
          <span>{t('cash.variance')}</span>
          <strong>{varianceLabel(t, view.z.varianceFen)}</strong>
          {view.z.varianceReason ? <small>{view.z.varianceReason}</small> : null}
        </div>
      </div>
      <div className="paper-wrap paper-wrap-modal">
        <CashReportPaper report={view.z} copy={copy} reconciledSince={view.reconciledSince} />
      </div>
      {status ? (
        <p className="muted" data-testid="cash-print-status">
          {t(status.key, status.params)}
        </p>
      ) : null}
      <div className="row-actions">
        <button type="button" className="btn btn-lg" onClick={onClose} data-testid="cash-z-close">
          {t('app.close')} <kbd>Esc</kbd>
        </button>
        <button
          type="button"
          className="btn btn-lg btn-primary"
          disabled={busy}
          onClick={() => void print()}
          data-testid="cash-print-z"
        >
          {printed ? t('cash.printCopy') : t('cash.print')}
        </button>
      </div>
    </Modal>
  );
}
