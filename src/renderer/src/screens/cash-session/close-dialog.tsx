/** The dialog that closes this till's drawer; the count, its checks and the close are in use-drawer-close. */
import { formatFen } from '../../../../shared/money';
import type { CashReport, ZView } from '../../../../shared/types';
import { Modal } from '../../components/modal';
import type { OwnerRead } from '../../components/owner-read';
import { useI18n } from '../../i18n';
import { DenominationGrid } from './denomination-grid';
import { useDrawerClose } from './use-drawer-close';

/** Close the drawer: count it, see the difference from the cash expected and say why, then write the Z. */
export function CloseDialog({
  terminal,
  initial,
  owner,
  onClose,
  onClosed,
}: {
  terminal: string;
  initial: CashReport;
  owner: OwnerRead;
  onClose: () => void;
  onClosed: (view: ZView) => void;
}) {
  const { t } = useI18n();
  const closing = useDrawerClose({ terminal, initial, owner, onClosed });

  return (
    <Modal
      title={t('cash.closeTitle', { terminal })}
      onClose={onClose}
      testId="cash-close-dialog"
      wide
      className="cash-modal cash-close-modal"
    >
      <div className="cash-close">
        <div className="cash-close-count">
          <p className="cash-step">{t('cash.closeStep1')}</p>
          <DenominationGrid
            counts={closing.counts}
            onChange={(c) => {
              closing.setCounts(c);
              closing.setTouched(true);
              closing.setProblem(null);
            }}
          />
          {closing.pending.length > 0 ? (
            <div className="cash-pending" role="alert" data-testid="cash-pending" data-count={closing.pending.length}>
              <strong>{t('cash.pendingTitle', { count: closing.pending.length })}</strong>
              <ul>
                {closing.pending.map((p) => (
                  <li key={p.attemptId} data-testid="cash-pending-item" data-order-number={p.orderNumber}>
                    {p.orderNumber} · {t(`method.${p.provider}`)} · {formatFen(p.amountFen)}
                  </li>
                ))}
              </ul>
              <p>{t('cash.pendingHint')}</p>
              <label className="cash-ack">
                <input
                  type="checkbox"
                  checked={closing.acknowledged}
                  onChange={(e) => {
                    closing.setAcknowledged(e.target.checked);
                    closing.setProblem(null);
                  }}
                  data-testid="cash-pending-ack"
                />
                {t('cash.pendingAck')}
              </label>
            </div>
          ) : null}
        </div>
        <aside className="cash-close-side">
          <div className="cash-sum">
            <span>{t('cash.counted')}</span>
            <strong className="cash-sum-counted" data-testid="cash-close-counted">
              {formatFen(closing.counted)}
            </strong>
          </div>
          <div className="cash-sum">
            <span>{t('cash.expected')}</span>
            <strong data-testid="cash-close-expected">
              {closing.expected === null ? '…' : formatFen(closing.expected)}
            </strong>
          </div>
          {closing.report ? (
            <ul className="cash-sum-lines">
              <li>
                {t('cash.float')} <span>{formatFen(closing.report.drawer.floatFen)}</span>
              </li>
              <li>
                {t('cash.cashSales')} <span>+{formatFen(closing.report.drawer.cashSalesFen)}</span>
              </li>
              {closing.report.drawer.cashRefundsFen ? (
                <li>
                  {t('cash.cashRefunds')} <span>−{formatFen(closing.report.drawer.cashRefundsFen)}</span>
                </li>
              ) : null}
              {closing.report.drawer.paidInFen ? (
                <li>
                  {t('cash.paidIn')} <span>+{formatFen(closing.report.drawer.paidInFen)}</span>
                </li>
              ) : null}
              {closing.report.drawer.paidOutFen ? (
                <li>
                  {t('cash.paidOut')} <span>−{formatFen(closing.report.drawer.paidOutFen)}</span>
                </li>
              ) : null}
            </ul>
          ) : null}
          {closing.counting ? (
            <div
              className={`cash-variance is-${closing.state}`}
              data-testid="cash-close-variance"
              data-variance={closing.variance}
              data-state={closing.state}
            >
              <span>{t('cash.variance')}</span>
              <strong>
                {closing.state === 'exact'
                  ? t('cash.exactLong')
                  : `${t(closing.state === 'short' ? 'cash.short' : 'cash.over')} ${formatFen(Math.abs(closing.variance))}`}
              </strong>
              {closing.state !== 'exact' ? (
                <small>{t(closing.state === 'short' ? 'cash.shortHint' : 'cash.overHint')}</small>
              ) : null}
            </div>
          ) : (
            <div className="cash-variance is-waiting" data-testid="cash-close-variance" data-state="waiting">
              <span>{t('cash.variance')}</span>
              <small>{t('cash.countFirst')}</small>
            </div>
          )}
          {closing.counting && closing.variance !== 0 ? (
            <label className="field">
              <span>{t('cash.varianceReason')}</span>
              <textarea
                className="input cash-reason"
                rows={2}
                maxLength={200}
                value={closing.reason}
                onChange={(e) => {
                  closing.setReason(e.target.value);
                  closing.setProblem(null);
                }}
                placeholder={t('cash.varianceReasonPlaceholder')}
                data-testid="cash-close-reason"
              />
            </label>
          ) : null}
        </aside>
      </div>
      {closing.problem ? (
        <p className="pin-error" role="alert" data-testid="cash-close-problem">
          {t(closing.problem)}
        </p>
      ) : null}
      <div className="row-actions">
        <button type="button" className="btn btn-lg" onClick={onClose} data-testid="cash-close-cancel">
          {t('confirm.no')} <kbd>Esc</kbd>
        </button>
        <button
          type="button"
          className="btn btn-lg btn-primary"
          disabled={closing.busy || !closing.report}
          onClick={() => void closing.submit()}
          data-testid="cash-close-submit"
        >
          {t('cash.closeSubmit')}
        </button>
      </div>
    </Modal>
  );
}
