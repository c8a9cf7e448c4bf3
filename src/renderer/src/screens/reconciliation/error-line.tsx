/** Main's refusal in a reconciliation dialog, other than the owner's PIN (the owner approval shows those). */
import type { PosErrorShape } from '../../../../shared/errors';
import { errorText, useI18n } from '../../i18n';

export function ErrorLine({ error }: { error: PosErrorShape | null }) {
  const { locale } = useI18n();
  if (!error) return null;
  const { text, detail } = errorText(error, locale);
  return (
    <p className="form-error" role="alert" data-testid="recon-dialog-error" data-code={error.code}>
      {text}
      {detail ? <small className="recon-error-detail">{detail}</small> : null}
    </p>
  );
}
