import type { PosErrorShape } from '../../../shared/errors';
import { errorText, useI18n } from '../i18n';

/** Full-screen error when the app cannot start (app.info failed). */
export function StartupError({ error, onRetry }: { error: PosErrorShape; onRetry: () => void }) {
  const { t, locale } = useI18n();
  const { text, detail } = errorText(error, locale);
  return (
    <div className="startup-error" role="alert" data-testid="startup-error" data-code={error.code}>
      <div className="startup-box">
        <h1>{t('app.startupError')}</h1>
        <p className="startup-text">{text}</p>
        {detail ? <p className="startup-detail mono">{detail}</p> : null}
        <button
          type="button"
          className="btn btn-lg btn-primary"
          onClick={onRetry}
          data-testid="startup-retry"
          autoFocus
        >
          {t('app.retry')}
        </button>
      </div>
    </div>
  );
}
