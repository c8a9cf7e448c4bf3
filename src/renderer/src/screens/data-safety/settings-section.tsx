/** Data safety's settings: how long backups are kept and the second folder; where the data and backups are. */
import type { DataSafetyOverview } from '../../../../shared/types';
import { useI18n } from '../../i18n';

export function SettingsSection({
  overview,
  retention,
  setRetention,
  folder,
  setFolder,
  busy,
  onSave,
}: {
  overview: DataSafetyOverview;
  retention: string;
  setRetention: (v: string) => void;
  folder: string;
  setFolder: (v: string) => void;
  busy: boolean;
  onSave: () => void;
}) {
  const { t } = useI18n();
  return (
    <section className="check-section" data-testid="safety-settings">
      <h2>{t('safety.settings.title')}</h2>
      <div className="safety-settings">
        <label className="safety-field safety-field-days">
          <span>{t('safety.settings.retention')}</span>
          <input
            className="input"
            inputMode="numeric"
            value={retention}
            maxLength={3}
            onChange={(e) => setRetention(e.target.value.replace(/\D/g, ''))}
            data-testid="safety-retention"
          />
        </label>
        <label className="safety-field safety-field-folder">
          <span>{t('safety.settings.secondFolder')}</span>
          <input
            className="input mono"
            value={folder}
            maxLength={500}
            onChange={(e) => setFolder(e.target.value)}
            data-testid="safety-second-folder"
          />
          <small className="muted">{t('safety.settings.secondFolderHint')}</small>
        </label>
        <button
          type="button"
          className="btn btn-lg"
          disabled={busy}
          onClick={onSave}
          data-testid="safety-settings-save"
        >
          {t('safety.settings.save')}
        </button>
      </div>
      <dl className="safety-where">
        <dt>{t('safety.where')}</dt>
        <dd className="mono">{overview.dataDir}</dd>
        <dt>{t('safety.whereBackups')}</dt>
        <dd className="mono">{overview.backupDir}</dd>
      </dl>
    </section>
  );
}
