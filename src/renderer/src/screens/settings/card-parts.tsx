import type { ReactNode } from 'react';
import type { PosErrorShape } from '../../../../shared/errors';
import { errorText, useI18n } from '../../i18n';

/**
 * A settings card's refusal: the clerk-facing text of the error in the UI language, main's own
 * message small beneath when the text is generic (i18n `errorText`). `text` replaces the text where a
 * card says it better (a field that must be https).
 */
export function SettingsError({
  error,
  testId,
  text,
}: {
  error: PosErrorShape | null;
  testId: string;
  text?: string | null;
}) {
  const { locale } = useI18n();
  if (!error) return null;
  const shown = text ? { text, detail: null } : errorText(error, locale);
  return (
    <p className="form-error" role="alert" data-testid={testId} data-code={error.code}>
      {shown.text}
      {shown.detail ? <small className="settings-error-detail">{shown.detail}</small> : null}
    </p>
  );
}

/**
 * A settings card's footer: "unsaved" while the draft differs (or `savedMark` once saved), the card's
 * own actions, then Save.
 */
export function CardFoot({
  dirty,
  saving,
  disabled,
  onSave,
  saveTestId,
  savedMark,
  children,
}: {
  dirty: boolean;
  saving: boolean;
  disabled: boolean;
  onSave: () => void;
  saveTestId: string;
  savedMark?: ReactNode;
  children?: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <footer className="settings-card-foot">
      {dirty ? <span className="settings-dirty">{t('settings.unsaved')}</span> : (savedMark ?? null)}
      {children}
      <button
        type="button"
        className="btn btn-lg btn-primary"
        onClick={onSave}
        disabled={disabled}
        data-testid={saveTestId}
      >
        {saving ? t('settings.saving') : t('settings.save')}
      </button>
    </footer>
  );
}
