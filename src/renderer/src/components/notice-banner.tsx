import { errorText, useI18n } from '../i18n';
import type { Notice } from '../lib/notice';

/**
 * The general banner for errors and short messages (`error-banner` for errors, `info-banner`
 * otherwise). An unknown barcode also carries `scan-error` on the text, so a tester can find it
 * by either id.
 */
export function NoticeBanner({ notice, onDismiss }: { notice: Notice | null; onDismiss: () => void }) {
  const { locale, t } = useI18n();
  if (!notice) return null;
  let tone: 'error' | 'info' | 'success';
  let text: string;
  let detail: string | null = null;
  let scan = false;
  if (notice.kind === 'error') {
    tone = 'error';
    ({ text, detail } = errorText(notice.error, locale));
    scan = notice.error.code === 'UNKNOWN_BARCODE';
  } else {
    tone = notice.tone;
    text = t(notice.key, notice.params);
  }
  return (
    <div className="notice-slot" aria-live="polite">
      <div
        key={notice.id}
        className={`notice notice-${tone}`}
        role={tone === 'error' ? 'alert' : 'status'}
        data-testid={tone === 'error' ? 'error-banner' : 'info-banner'}
        data-code={notice.kind === 'error' ? notice.error.code : undefined}
      >
        <span className="notice-icon" aria-hidden="true">
          {tone === 'error' ? '!' : tone === 'success' ? '✓' : 'i'}
        </span>
        <div className="notice-text">
          <span data-testid={scan ? 'scan-error' : undefined}>{text}</span>
          {detail ? <small className="notice-detail">{detail}</small> : null}
        </div>
        <button
          type="button"
          className="btn btn-ghost notice-x"
          onClick={onDismiss}
          aria-label={t('app.dismiss')}
          data-testid="notice-dismiss"
        >
          ×
        </button>
      </div>
    </div>
  );
}
