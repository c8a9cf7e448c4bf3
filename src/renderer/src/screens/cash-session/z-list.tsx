/** This till's Z reports with their difference (the owner's: a clerk is offered to show them). */
import type { ZSummary } from '../../../../shared/types';
import { useI18n } from '../../i18n';
import { formatDay, formatTime } from '../../lib/format';
import { varianceLabel, varianceState } from './variance';

export function ZList({
  zList,
  onShowTotals,
  onView,
}: {
  /** null while the totals are the owner's */
  zList: ZSummary[] | null;
  onShowTotals: () => void;
  onView: (number: string) => void;
}) {
  const { t, locale, timeZone } = useI18n();
  return (
    <section className="cash-zs" data-testid="cash-z-list">
      <h2>{t('cash.zList')}</h2>
      {zList === null ? (
        <div className="cash-z-owner" data-testid="cash-z-owner-only">
          <p className="muted">{t('cash.zOwnerOnly')}</p>
          <button type="button" className="btn" onClick={onShowTotals} data-testid="cash-z-show">
            {t('cash.showTotals')}
          </button>
        </div>
      ) : zList.length === 0 ? (
        <p className="muted empty-note">{t('cash.zNone')}</p>
      ) : (
        <ul>
          {zList.map((z) => (
            <li key={z.number} className="cash-z-row" data-testid="cash-z-row" data-number={z.number}>
              <div className="cash-z-main">
                <strong className="cash-z-number">{z.number}</strong>
                <span className="muted small">
                  {formatDay(z.businessDay, locale)} ·{' '}
                  {t('cash.closedAt', { time: formatTime(z.closedAt, locale, timeZone) })} ·{' '}
                  {z.approvedBy ? t('cash.byApproved', { who: z.closedBy, owner: z.approvedBy }) : z.closedBy}
                </span>
              </div>
              <span className={`cash-z-variance is-${varianceState(z.varianceFen)}`} data-testid="cash-z-variance">
                {varianceLabel(t, z.varianceFen)}
              </span>
              <button type="button" className="btn" onClick={() => onView(z.number)} data-testid="cash-z-view">
                {t('cash.zView')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
