/** What the last fetch did for each payment service (imported, already imported, empty, refused…). */
import type { ReconRunOutcome } from '../../../../shared/types';
import { useI18n } from '../../i18n';

export function RunOutcomes({ outcomes }: { outcomes: ReconRunOutcome[] }) {
  const { t } = useI18n();
  return (
    <ul className="recon-outcomes" data-testid="recon-outcomes">
      {outcomes.length === 0 ? <li>{t('recon.noProviders')}</li> : null}
      {outcomes.length > 0 && outcomes.every((o) => o.outcome === 'already_imported') ? (
        <li className="recon-outcome">{t('recon.allAlreadyImported')}</li>
      ) : null}
      {outcomes.map((o) => (
        <li
          key={o.provider}
          className={`recon-outcome is-${o.outcome}`}
          hidden={outcomes.every((x) => x.outcome === 'already_imported')}
          data-testid="recon-run-outcome"
          data-provider={o.provider}
          data-outcome={o.outcome}
        >
          {t(`recon.outcome.${o.outcome}`, {
            method: t(`method.${o.provider}`),
            rows: o.rows,
            matched: o.matched,
            items: o.items,
            reason: o.error?.message ?? '',
          })}
        </li>
      ))}
    </ul>
  );
}
