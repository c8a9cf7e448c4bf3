import { formatFen } from '../../../../shared/money';
import type { AttemptPhase } from '../../../../shared/outcomes';
import type { AttemptView, ProviderId } from '../../../../shared/types';
import { useNow } from '../../hooks/use-now';
import { useI18n } from '../../i18n';
import { countdown, PROVIDER_LOOK } from '../../lib/payments';
import { PaymentQr } from '../../components/payment-qr';

export interface AttemptPanelProps {
  attempt: AttemptView;
  /** the till runs against a sandbox: offer the customer page as a link */
  sandbox: boolean;
  querying: boolean;
  stopping: boolean;
  onQueryNow: () => void;
  onStop: () => void;
  /** redirect only */
  onReopen?: () => void;
  popupBlocked?: boolean;
}

/** Finished states get a mark; states still moving get a spinner (drawn in CSS). */
const MARKS: Partial<Record<AttemptPhase, string>> = { paid: '✓', failed: '!', closed: '×', expired: '×' };

/** The status line: what the attempt is doing, in the clerk's words (`payment-status`), as main says it. */
export function AttemptStatus({ attempt }: { attempt: AttemptView }) {
  const { t } = useI18n();
  const { phase, status, detail, trouble } = attempt.display;
  const provider = t(`method.${attempt.provider}`);
  const busy =
    phase === 'starting' ||
    phase === 'waiting' ||
    phase === 'confirming' ||
    phase === 'checking' ||
    phase === 'closing';
  return (
    <div
      className={`attempt-status attempt-${phase}`}
      role="status"
      aria-live="polite"
      data-testid="payment-status"
      data-state={attempt.state}
      data-unknown={attempt.unknown ? 'true' : 'false'}
      data-phase={phase}
      data-closing={attempt.closing ? 'true' : 'false'}
    >
      <span className={`attempt-icon${busy ? ' attempt-icon-busy' : ''}`} aria-hidden="true">
        {busy ? null : (MARKS[phase] ?? '')}
      </span>
      <span className="attempt-status-text">
        <span>{t(`attempt.status.${status}`, { provider })}</span>
        {trouble && phase !== 'failed' ? (
          <small className="attempt-detail" data-testid="payment-detail" data-trouble={trouble}>
            {t('attempt.trouble', { reason: t(`network.${trouble}`), provider })}
          </small>
        ) : trouble ? (
          <small className="attempt-detail" data-testid="payment-detail" data-trouble={trouble}>
            {t(`network.${trouble}`)}
          </small>
        ) : detail ? (
          <small className="attempt-detail" data-testid="payment-detail">
            {detail}
          </small>
        ) : null}
      </span>
    </div>
  );
}

function isWebUrl(s: string | null): s is string {
  return s !== null && /^https?:\/\//i.test(s);
}

/** An intermediary payment in progress: QR / cashier page / payment code, with its live status. */
export function AttemptPanel({
  attempt,
  sandbox,
  querying,
  stopping,
  onQueryNow,
  onStop,
  onReopen,
  popupBlocked,
}: AttemptPanelProps) {
  const { t } = useI18n();
  const now = useNow(500);
  const look = PROVIDER_LOOK[attempt.provider as ProviderId] ?? PROVIDER_LOOK.alipay;
  const provider = t(`method.${attempt.provider}`);
  const { open, countdownTo } = attempt.display;
  const mode = attempt.mode === 'cash' ? 'cash' : attempt.mode;
  return (
    <section
      className={`attempt attempt-mode-${attempt.mode}`}
      style={{ ['--pm' as string]: look.color }}
      data-testid="payment-attempt"
      data-attempt-id={attempt.id}
      data-provider={attempt.provider}
      data-mode={attempt.mode}
      data-out-trade-no={attempt.outTradeNo}
    >
      <header className="attempt-head">
        <span className="pm-mark" aria-hidden="true">
          {look.mark}
        </span>
        <span className="attempt-title">{t(`attempt.title.${mode}`, { provider })}</span>
        <span className="attempt-amount" data-testid="payment-amount">
          {formatFen(attempt.amountFen)}
        </span>
      </header>

      <div className="attempt-body">
        {attempt.mode === 'qr' ? (
          attempt.qrContent ? (
            <PaymentQr content={attempt.qrContent} color={look.color} />
          ) : (
            <div className="qr-frame qr-frame-empty" style={{ borderColor: look.color }}>
              <div className="qr qr-loading" aria-busy="true" />
            </div>
          )
        ) : null}

        <div className="attempt-side">
          {countdownTo !== null ? (
            <div className="attempt-countdown">
              <span className="pay-label">{t('attempt.expiresIn')}</span>
              <span className="countdown" data-testid="payment-countdown">
                {countdown(countdownTo, now)}
              </span>
            </div>
          ) : null}
          <AttemptStatus attempt={attempt} />

          {attempt.mode === 'redirect' ? (
            <>
              <p className="attempt-note">{t('attempt.cashierOpen')}</p>
              {popupBlocked ? (
                <p className="form-error" role="alert" data-testid="payment-popup-blocked">
                  {t('attempt.popupBlocked')}
                </p>
              ) : null}
              {onReopen && open && !attempt.closing ? (
                <button type="button" className="btn btn-lg" onClick={onReopen} data-testid="payment-reopen">
                  {t('attempt.reopen')}
                </button>
              ) : null}
            </>
          ) : null}
          {attempt.mode === 'payment_code' && open ? <p className="attempt-note">{t('attempt.codeHint')}</p> : null}

          {sandbox && attempt.mode === 'qr' && isWebUrl(attempt.qrContent) && open ? (
            <p className="attempt-demo">
              <span className="muted">{t('attempt.demoHint')}</span>{' '}
              <a href={attempt.qrContent} target="_blank" rel="noopener noreferrer" data-testid="payment-demo-link">
                {t('attempt.demoLink')} ↗
              </a>
            </p>
          ) : null}
        </div>
      </div>
      <div className="attempt-actions">
        <button
          type="button"
          className="btn btn-lg"
          onClick={onQueryNow}
          disabled={!open || querying || stopping}
          data-testid="payment-query-now"
        >
          {querying ? t('attempt.checking') : t('attempt.queryNow')}
        </button>
        <button
          type="button"
          className="btn btn-lg btn-stop"
          onClick={onStop}
          disabled={!open || stopping || attempt.closing}
          data-testid="payment-stop"
        >
          {stopping || attempt.closing ? t('attempt.stopping') : t('attempt.stop')} <kbd>Esc</kbd>
        </button>
      </div>
    </section>
  );
}
