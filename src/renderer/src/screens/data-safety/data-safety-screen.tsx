/**
 * Manage → Data safety (the owner's): the last backups with their check, the database checks, "back
 * up now", how long backups are kept and the second folder, and — when the database is damaged —
 * what is damaged, what still works, and the guided restore: which backup, what will be re-entered
 * after it, where the export and the damaged file will be kept, confirmed with the owner's PIN.
 * Main decides everything (core/data-safety.ts); this screen only shows and asks.
 *
 * This folder: the screen, its sections (status, history, settings), the restore panel and what a
 * restore did, how things are written (safety-text), and the screen's state in a hook (use-data-safety).
 */
import { useI18n } from '../../i18n';
import { useShortcuts } from '../../hooks/use-shortcuts';
import { BackupsSection, ChecksSection, RestoresSection } from './history';
import { RestoreDone } from './restore-done';
import { RestorePanel } from './restore-panel';
import { SettingsSection } from './settings-section';
import { StatusSection } from './status-section';
import { useDataSafety } from './use-data-safety';
import './data-safety.css';

export default function DataSafetyScreen({ onBack }: { onBack: () => void }) {
  const { t } = useI18n();
  const safety = useDataSafety();
  const { when } = safety;
  useShortcuts({ Escape: onBack });

  if (!safety.overview) {
    return (
      <div className="manage safety" data-testid="safety-screen">
        <div className="screen-head">
          <h1>{t('safety.title')}</h1>
          <div className="spacer" />
          {safety.denied ? (
            <button type="button" className="btn btn-lg" onClick={() => void safety.load()} data-testid="safety-retry">
              {t('app.retry')}
            </button>
          ) : null}
          <button type="button" className="btn btn-lg" onClick={onBack} data-testid="safety-back">
            {t('check.back')} <kbd>Esc</kbd>
          </button>
        </div>
      </div>
    );
  }

  const overview = safety.overview;
  const damage = overview.damage;
  const good = overview.backups.filter((b) => b.ok);
  return (
    <div className="manage safety" data-testid="safety-screen" data-damaged={damage ? 'true' : 'false'}>
      <div className="screen-head">
        <h1>{t('safety.title')}</h1>
        <div className="spacer" />
        <button type="button" className="btn btn-lg" onClick={onBack} data-testid="safety-back">
          {t('check.back')} <kbd>Esc</kbd>
        </button>
      </div>

      {safety.result ? <RestoreDone result={safety.result} t={t} when={when} /> : null}

      <StatusSection
        overview={overview}
        busy={safety.busy !== null}
        hasPlan={safety.plan !== null}
        planning={safety.planning}
        onCheckNow={() => void safety.checkNow()}
        onPrepare={() => void safety.loadPlan(undefined)}
        when={when}
      />

      {safety.plan ? (
        <RestorePanel
          plan={safety.plan}
          good={good}
          backupId={safety.backupId}
          onChoose={(id) => void safety.loadPlan(id)}
          confirmHealthy={safety.confirmHealthy}
          onConfirmHealthy={safety.setConfirmHealthy}
          pin={safety.pin}
          onPin={safety.setPin}
          restoring={safety.restoring}
          planning={safety.planning}
          onRestore={() => void safety.restore()}
          onCancel={
            damage
              ? null
              : () => {
                  safety.setPlan(null);
                  safety.setPin('');
                  safety.setConfirmHealthy(false);
                }
          }
          t={t}
          when={when}
        />
      ) : null}

      <BackupsSection
        overview={overview}
        busy={safety.busy !== null}
        onBackupNow={() => void safety.backupNow()}
        when={when}
      />

      <ChecksSection overview={overview} when={when} />

      <SettingsSection
        overview={overview}
        retention={safety.retention}
        setRetention={safety.setRetention}
        folder={safety.folder}
        setFolder={safety.setFolder}
        busy={safety.busy !== null}
        onSave={() => void safety.saveSettings()}
      />

      {overview.restores.length > 0 ? <RestoresSection overview={overview} when={when} /> : null}
    </div>
  );
}
