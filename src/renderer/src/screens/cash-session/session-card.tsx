/** The drawer of this till: open (float, cash expected or blind, actions, cash moved) or closed (open it). */
import { formatFen } from '../../../../shared/money';
import type { CashSessionState } from '../../../../shared/types';
import { useI18n } from '../../i18n';
import { formatDateTime, formatTime } from '../../lib/format';
import type { Dialog } from './use-cash-session';

export function SessionCard({
  state,
  businessDay,
  onDialog,
  onOpenX,
  onShowTotals,
}: {
  state: CashSessionState | null;
  businessDay: string;
  onDialog: (dialog: Dialog) => void;
  onOpenX: (kind: 'x' | 'close') => void;
  onShowTotals: () => void;
}) {
  const { t, locale, timeZone } = useI18n();
  const session = state?.session ?? null;
  const time = (ms: number) => formatDateTime(ms, locale, timeZone);
  return (
    <section className="cash-card" data-testid="cash-session-card" data-status={session ? 'open' : 'none'}>
      {state === null ? (
        <p className="muted">…</p>
      ) : session ? (
        <>
          <div className="cash-card-head">
            <span className="cash-badge cash-badge-open">{t('cash.isOpen')}</span>
            <span className="cash-since">
              {t('cash.openedBy', { who: session.openedBy })} ·{' '}
              <span data-testid="cash-opened-at">{time(session.openedAt)}</span>
            </span>
            {session.businessDay !== businessDay ? (
              <span className="cash-day-note" data-testid="cash-session-day">
                {t('cash.sessionDay', { day: session.businessDay })}
              </span>
            ) : null}
          </div>
          <div className="cash-figures">
            <div className="cash-figure">
              <span>{t('cash.float')}</span>
              <strong data-testid="cash-float">{formatFen(session.floatFen)}</strong>
            </div>
            {session.expectedFen === null ? (
              <div className="cash-figure cash-figure-main cash-figure-blind">
                <span>{t('cash.expected')}</span>
                <strong data-testid="cash-expected" data-hidden="true">
                  {t('cash.expectedHidden')}
                </strong>
                <small className="muted">{t('cash.blindHint')}</small>
                <button type="button" className="btn" onClick={onShowTotals} data-testid="cash-show-totals">
                  {t('cash.showTotals')}
                </button>
              </div>
            ) : (
              <div className="cash-figure cash-figure-main">
                <span>{t('cash.expected')}</span>
                <strong data-testid="cash-expected">{formatFen(session.expectedFen)}</strong>
                <small className="muted">{t('cash.expectedHint')}</small>
              </div>
            )}
          </div>
          <div className="cash-actions">
            <button
              type="button"
              className="btn btn-lg"
              onClick={() => onDialog({ kind: 'move', move: 'in' })}
              data-testid="cash-paid-in"
            >
              {t('cash.paidIn')}
            </button>
            <button
              type="button"
              className="btn btn-lg"
              onClick={() => onDialog({ kind: 'move', move: 'out' })}
              data-testid="cash-paid-out"
            >
              {t('cash.paidOut')}
            </button>
            <button type="button" className="btn btn-lg" onClick={() => onOpenX('x')} data-testid="cash-x">
              {t('cash.xReport')}
            </button>
            <button
              type="button"
              className="btn btn-lg btn-primary cash-close-btn"
              onClick={() => onOpenX('close')}
              data-testid="cash-close"
            >
              {t('cash.close')}
            </button>
          </div>
          {session.moves.length > 0 ? (
            <div className="cash-moves" data-testid="cash-moves">
              <h3>{t('cash.moves')}</h3>
              <ul>
                {session.moves.map((m) => (
                  <li key={m.id} data-testid="cash-move" data-kind={m.kind}>
                    <span className="cash-move-time">{formatTime(m.at, locale, timeZone)}</span>
                    <span className={`cash-move-kind is-${m.kind}`}>
                      {m.kind === 'in' ? t('cash.in') : t('cash.out')}
                    </span>
                    <span className="cash-move-reason">{m.reason}</span>
                    <span className="cash-move-by muted">
                      {m.approvedBy ? t('cash.byApproved', { who: m.by, owner: m.approvedBy }) : m.by}
                    </span>
                    <strong className="cash-move-amount">
                      {m.kind === 'in' ? '+' : '−'}
                      {formatFen(m.amountFen)}
                    </strong>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </>
      ) : (
        <div className="cash-closed">
          <span className="cash-badge">{t('cash.isClosed')}</span>
          <p className="cash-closed-text">{t('cash.noSession', { terminal: state.terminal })}</p>
          <button
            type="button"
            className="btn btn-lg btn-go cash-open-btn"
            onClick={() => onDialog({ kind: 'open' })}
            data-testid="cash-open"
          >
            {t('cash.open')}
          </button>
          {state.lastZ ? (
            <p className="muted" data-testid="cash-last-z">
              {t('cash.lastZ', { number: state.lastZ.number, time: time(state.lastZ.closedAt) })}
            </p>
          ) : null}
        </div>
      )}
      {state?.outsideSession ? (
        <p
          className="cash-warning"
          role="status"
          data-testid="cash-outside-session"
          data-count={state.outsideSession.count}
        >
          {state.outsideSession.salesFen === null || state.outsideSession.cashFen === null
            ? t(session ? 'cash.outsideBeforeBlind' : 'cash.outsideNowBlind', { count: state.outsideSession.count })
            : t(session ? 'cash.outsideBefore' : 'cash.outsideNow', {
                count: state.outsideSession.count,
                amount: formatFen(state.outsideSession.salesFen),
                cash: formatFen(state.outsideSession.cashFen),
              })}
        </p>
      ) : null}
    </section>
  );
}
