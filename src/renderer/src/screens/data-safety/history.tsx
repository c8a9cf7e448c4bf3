/** Data safety's history: the last backups with their check (and copy), the last database checks, the restores made. */
import type { DataSafetyOverview, IntegrityCheckView } from '../../../../shared/types';
import { useI18n } from '../../i18n';
import { problemText, size } from './safety-text';

export function BackupsSection({
  overview,
  busy,
  onBackupNow,
  when,
}: {
  overview: DataSafetyOverview;
  busy: boolean;
  onBackupNow: () => void;
  when: (ms: number) => string;
}) {
  const { t } = useI18n();
  return (
    <section className="check-section" data-testid="safety-backups">
      <div className="screen-head">
        <h2>{t('safety.backups.title')}</h2>
        <div className="spacer" />
        <button
          type="button"
          className="btn btn-lg btn-primary"
          disabled={busy}
          onClick={onBackupNow}
          data-testid="safety-backup-now"
        >
          {t('safety.backups.now')}
        </button>
      </div>
      {overview.backups.length === 0 ? (
        <p className="muted">{t('safety.backups.none')}</p>
      ) : (
        <table className="table table-compact safety-table">
          <thead>
            <tr>
              <th>{t('safety.col.at')}</th>
              <th>{t('safety.col.reason')}</th>
              <th className="num">{t('safety.col.size')}</th>
              <th>{t('safety.col.check')}</th>
              {overview.settings.secondFolder || overview.backups.some((b) => b.copy) ? (
                <th>{t('safety.col.copy')}</th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {overview.backups.slice(0, 12).map((b) => (
              <tr
                key={`${b.id}-${b.at}`}
                data-testid="safety-backup"
                data-ok={b.ok ? 'true' : 'false'}
                data-problem={b.problem ?? ''}
              >
                <td className="nowrap">{when(b.at)}</td>
                <td>{t(`safety.reason.${b.reason}`)}</td>
                <td className="num">{size(b.bytes)}</td>
                <td className={b.ok ? 'safety-good' : 'safety-bad'}>
                  {b.ok ? `✓ ${t('safety.verified')}` : `✗ ${problemText(t, b)}`}
                </td>
                {overview.settings.secondFolder || overview.backups.some((x) => x.copy) ? (
                  <td className={b.copy ? (b.copy.ok ? 'safety-good' : 'safety-bad') : 'muted'}>
                    {b.copy ? (b.copy.ok ? `✓ ${t('safety.copied')}` : `✗ ${problemText(t, b.copy)}`) : '—'}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function ChecksSection({ overview, when }: { overview: DataSafetyOverview; when: (ms: number) => string }) {
  const { t } = useI18n();
  return (
    <section className="check-section" data-testid="safety-checks">
      <h2>{t('safety.checks.title')}</h2>
      {overview.checks.length === 0 ? (
        <p className="muted">{t('safety.status.never')}</p>
      ) : (
        <table className="table table-compact safety-table">
          <tbody>
            {overview.checks.slice(0, 5).map((c: IntegrityCheckView) => (
              <tr key={c.at + c.trigger} data-testid="safety-check" data-ok={c.ok ? 'true' : 'false'}>
                <td className="nowrap">{when(c.at)}</td>
                <td>{t(`safety.trigger.${c.trigger}`)}</td>
                <td className={c.ok ? 'safety-good' : 'safety-bad'}>
                  {c.ok
                    ? `✓ ${t('safety.check.ok')}`
                    : c.error
                      ? `✗ ${t('safety.check.error')}`
                      : `✗ ${t('safety.check.damaged')}`}
                </td>
                <td className="num muted">
                  {c.ms === null ? '' : c.ms < 1000 ? `${c.ms} ms` : `${(c.ms / 1000).toFixed(1)} s`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function RestoresSection({ overview, when }: { overview: DataSafetyOverview; when: (ms: number) => string }) {
  const { t } = useI18n();
  return (
    <section className="check-section" data-testid="safety-restores">
      <h2>{t('safety.restores.title')}</h2>
      <ul className="safety-restores">
        {overview.restores.map((r) => (
          <li key={r.id}>
            {t('safety.restores.line', { at: when(r.at), backupAt: when(r.backupAt), actor: r.actor })}
            <div className="mono small muted">{r.exportFile}</div>
          </li>
        ))}
      </ul>
    </section>
  );
}
