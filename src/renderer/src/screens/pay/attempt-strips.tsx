import type { AttemptView } from '../../../../shared/types';
import { useI18n } from '../../i18n';
import { PROVIDER_LOOK, type MethodChoice } from '../../lib/payments';
import { AttemptStatus } from './attempt-panel';

/** A stopped or expired attempt still being cancelled upstream, above the cash form. */
export function ClosingStrip({
  attempt,
  querying,
  onQueryNow,
}: {
  attempt: AttemptView;
  querying: boolean;
  onQueryNow: () => void;
}) {
  const { t } = useI18n();
  const provider = t(`method.${attempt.provider}`);
  return (
    <div
      className="payment-closing"
      data-testid="payment-closing"
      data-attempt-id={attempt.id}
      data-provider={attempt.provider}
    >
      <AttemptStatus attempt={attempt} />
      <div className="payment-closing-row">
        <p className="payment-ended-next">{t('attempt.closingCash', { provider })}</p>
        <button type="button" className="btn" onClick={onQueryNow} disabled={querying} data-testid="payment-query-now">
          {querying ? t('attempt.checking') : t('attempt.queryNow')}
        </button>
      </div>
    </div>
  );
}

export function StartingPanel({ choice }: { choice: MethodChoice | null }) {
  const { t } = useI18n();
  const provider = choice && choice.kind !== 'cash' && choice.kind !== 'code' ? choice.provider : null;
  return (
    <section
      className="attempt attempt-starting"
      style={{ ['--pm' as string]: provider ? PROVIDER_LOOK[provider].color : 'var(--primary)' }}
      data-testid="payment-starting"
    >
      <div className="attempt-status attempt-starting" role="status">
        <span className="attempt-icon attempt-icon-busy" aria-hidden="true" />
        <span className="attempt-status-text">
          {t('attempt.status.starting', { provider: provider ? t(`method.${provider}`) : '' })}
        </span>
      </div>
    </section>
  );
}

/** The last attempt ended unpaid: what happened, that the order is still open, and a retry by the same method. */
export function PaymentEnded({
  ended,
  orderNumber,
  onRetry,
  retryDisabled,
}: {
  ended: AttemptView;
  orderNumber: string;
  /** absent for a payment code (a new code is scanned instead) */
  onRetry: (() => void) | undefined;
  retryDisabled: boolean;
}) {
  const { t } = useI18n();
  return (
    <div
      className="payment-ended"
      role="alert"
      data-testid="payment-ended"
      data-state={ended.state}
      data-provider={ended.provider}
    >
      <AttemptStatus attempt={ended} />
      <p className="payment-ended-next">{t('attempt.stillOpen', { number: orderNumber })}</p>
      {onRetry ? (
        <button type="button" className="btn" onClick={onRetry} disabled={retryDisabled} data-testid="payment-retry">
          {t('attempt.retry', { method: t(`method.${ended.provider}`) })}
        </button>
      ) : null}
    </div>
  );
}
