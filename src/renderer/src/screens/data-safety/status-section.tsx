/** Data safety's state: the damage found (what, since when, what still works) or all well with the last check. */
import type { DataSafetyOverview } from '../../../../shared/types';
import { useI18n } from '../../i18n';
import { areaLabel } from './safety-text';

export function StatusSection({
  overview,
  busy,
  hasPlan,
  planning,
  onCheckNow,
  onPrepare,
  when,
}: {
  overview: DataSafetyOverview;
  busy: boolean;
  hasPlan: boolean;
  planning: boolean;
  onCheckNow: () => void;
  onPrepare: () => void;
  when: (ms: number) => string;
}) {
  const { t } = useI18n();
  const damage = overview.damage;
  const lastCheck = overview.checks[0] ?? null;
  return damage ? (
    <section className="check-section safety-damage" data-testid="safety-damage">
      <h2>{t('safety.damage.title')}</h2>
      <p className="safety-since">
        {t('safety.damage.since', { at: when(damage.since), source: t(`safety.source.${damage.source}`) })}
      </p>
      <div className="safety-damage-grid">
        <div>
          <h3>{t('safety.damage.what')}</h3>
          <ul className="safety-areas" data-testid="safety-areas">
            {damage.areas.map((a) => (
              <li key={a} data-area={a}>
                {areaLabel(t, a)}
              </li>
            ))}
          </ul>
          {damage.tables.length > 0 ? <p className="mono small muted">{damage.tables.join(', ')}</p> : null}
        </div>
        <div>
          <h3>{t('safety.damage.works')}</h3>
          <p className="safety-works">{t('safety.damage.worksText')}</p>
        </div>
      </div>
      <details className="safety-details">
        <summary>{t('safety.damage.details')}</summary>
        <ul className="mono small">
          {damage.findings.map((f, i) => (
            <li key={i}>{f.message}</li>
          ))}
        </ul>
      </details>
    </section>
  ) : (
    <section className="check-section safety-ok" data-testid="safety-ok">
      <span className="safety-ok-mark" aria-hidden="true">
        ✓
      </span>
      <div className="safety-ok-text">
        <strong>{t('safety.status.ok')}</strong>
        <span className="muted">
          {lastCheck ? t('safety.status.lastCheck', { at: when(lastCheck.at) }) : t('safety.status.never')}
        </span>
      </div>
      <div className="spacer" />
      <button type="button" className="btn btn-lg" disabled={busy} onClick={onCheckNow} data-testid="safety-check-now">
        {t('safety.checkNow')}
      </button>
      {!hasPlan ? (
        <button
          type="button"
          className="btn btn-lg btn-warn"
          disabled={planning}
          onClick={onPrepare}
          data-testid="safety-restore-prepare"
        >
          {t('safety.restore.prepare')}
        </button>
      ) : null}
    </section>
  );
}
