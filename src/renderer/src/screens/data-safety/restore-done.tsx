/** After a restore: where the export of the re-entered sales and the damaged file are, and what needs entering by hand. */
import type { RestoreResult } from '../../../../shared/types';
import type { Translate } from '../../i18n';

export function RestoreDone({
  result,
  t,
  when,
}: {
  result: RestoreResult;
  t: Translate;
  when: (ms: number) => string;
}) {
  return (
    <section className="check-section safety-done" data-testid="safety-restore-done">
      <h2>✓ {t('safety.restore.done', { at: when(result.backup.at), count: result.orders.length })}</h2>
      <dl className="safety-where">
        <dt>{t('safety.restore.export')}</dt>
        <dd className="mono" data-testid="safety-export-file">
          {result.exportFile}
          <br />
          {result.exportCsv}
        </dd>
        <dt>{t('safety.restore.damagedKept')}</dt>
        <dd className="mono" data-testid="safety-damaged-file">
          {result.damagedFile}
        </dd>
      </dl>
      {result.unreadable.length > 0 ? (
        <>
          <h3 className="safety-bad">{t('safety.restore.manual')}</h3>
          <ul className="mono small" data-testid="safety-manual">
            {result.unreadable.slice(0, 20).map((u, i) => (
              <li key={i}>
                {u.table} {u.id ?? `≥ ${u.fromId ?? '?'}`}: {u.error}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
