/**
 * Why a payment is on To check, in the clerk's language, from typed data only: the attempt's status
 * as main decided it (`AttemptView.display`), the network trouble in plain words, and the
 * intermediary's own words only where they are its answer (a decline). Main's `message` is its
 * English note for the log ("connection refused (is the intermediary reachable?)", "wechat is not
 * configured…"): never shown here (issue 12, findings 4 and 8). A refund's line says its state and
 * whether an answer is awaited, which is all the clerk acts on; its note is the owner's timeline's.
 */
import type { AttemptView } from '../../../shared/types';
import { useI18n } from '../i18n';

export function AttemptWhy({ attempt }: { attempt: AttemptView }) {
  const { t, locale } = useI18n();
  const provider = t(`method.${attempt.provider}`);
  const { status, trouble, detail } = attempt.display;
  return (
    <div className="muted small" data-testid="check-why" data-status={status} data-trouble={trouble ?? undefined}>
      {t(`attempt.status.${status}`, { provider })}
      {trouble ? (locale === 'zh-CN' ? `（${t(`network.${trouble}`)}）` : ` (${t(`network.${trouble}`)})`) : null}
      {status === 'declined' && detail ? ` — ${t('check.providerSaid', { provider, message: detail })}` : null}
    </div>
  );
}
