/** The X report dialog of the cash drawer (the owner's). */
import { useState } from 'react';
import { formatFen } from '../../../../shared/money';
import type { CashReport } from '../../../../shared/types';
import { api } from '../../api';
import { Modal } from '../../components/modal';
import { withPin, type OwnerRead } from '../../components/owner-read';
import { useI18n, type MessageKey, type Params } from '../../i18n';
import { useNotifier } from '../../lib/notice';
import { CashReportPaper } from './cash-report-paper';
import { printThrough } from './print';

/** The X report (the drawer so far, nothing closed), with printing. */
export function XDialog({ initial, owner, onClose }: { initial: CashReport; owner: OwnerRead; onClose: () => void }) {
  const { t } = useI18n();
  const notifier = useNotifier();
  const report = initial;
  const [status, setStatus] = useState<{ key: MessageKey; params?: Params } | null>(null);

  const print = async (): Promise<void> => {
    setStatus(
      await printThrough(
        owner.quiet((pin) => api.cashSession.printX(withPin(pin))),
        notifier,
        () => undefined,
      ),
    );
  };

  return (
    <Modal title={t('cash.xTitle')} onClose={onClose} testId="cash-x-dialog" wide className="cash-modal">
      <p className="confirm-text">{t('cash.xHint')}</p>
      {report ? (
        <div className="cash-strip" data-testid="cash-x-summary">
          <div>
            <span>{t('cash.paperNet')}</span>
            <strong>{formatFen(report.totals.netFen)}</strong>
          </div>
          <div>
            <span>{t('cash.paperOrders')}</span>
            <strong>{report.orders.paidCount}</strong>
          </div>
          <div>
            <span>{t('cash.expected')}</span>
            <strong>{formatFen(report.drawer.expectedFen)}</strong>
          </div>
        </div>
      ) : null}
      <div className="paper-wrap paper-wrap-modal">
        {report ? <CashReportPaper report={report} copy={false} /> : <p className="muted">…</p>}
      </div>
      {status ? (
        <p className="muted" data-testid="cash-print-status">
          {t(status.key, status.params)}
        </p>
      ) : null}
      <div className="row-actions">
        <button type="button" className="btn btn-lg" onClick={onClose} data-testid="cash-x-close">
          {t('app.close')} <kbd>Esc</kbd>
        </button>
        <button
          type="button"
          className="btn btn-lg btn-primary"
          disabled={!report}
          onClick={() => void print()}
          data-testid="cash-print-x"
        >
          {t('cash.print')}
        </button>
      </div>
    </Modal>
  );
}
