/** One payment service's card in Settings: on or off, where its payments go, its fields and keys, saved with the owner's approval. */
import { useId } from 'react';
import type { ProviderSettingsView } from '../../../../shared/types';
import { useI18n, type MessageKey } from '../../i18n';
import { CardFoot, SettingsError } from './card-parts';
import { PROVIDER_LOOK } from '../../lib/payments';
import { PlainField } from './plain-field';
import { FIELDS } from './provider-fields';
import { SecretField } from './secret-field';
import { useProviderSettings } from './use-provider-settings';

export function ProviderCard({
  initial,
  onSaved,
}: {
  initial: ProviderSettingsView;
  onSaved: (v: ProviderSettingsView) => void;
}) {
  const { t } = useI18n();
  const { view, draft, saving, error, saved, name, dirty, custom, change, setField, setSecret, save } =
    useProviderSettings(initial, onSaved);
  const uid = useId();
  const provider = view.provider;
  const look = PROVIDER_LOOK[provider];

  const state = !view.enabled ? 'off' : view.problem ? 'problem' : 'ready';
  const httpsField =
    error?.code === 'INVALID_INPUT' && error.details?.reason === 'https_required'
      ? String(error.details.field ?? '')
      : null;
  return (
    <section
      className={`settings-card${draft.enabled ? '' : ' settings-card-off'}`}
      style={{ ['--pm' as string]: look.color }}
      data-testid="settings-provider"
      data-provider={provider}
      data-state={state}
      aria-labelledby={`${uid}-title`}
    >
      <header className="settings-card-head">
        <span className="pm-mark" aria-hidden="true">
          {look.mark}
        </span>
        <h3 id={`${uid}-title`}>{name}</h3>
        {view.enabled ? (
          <span className={`tag ${view.sandbox ? 'tag-sandbox-sm' : 'tag-production'}`}>
            {t(view.sandbox ? 'settings.tag.sandbox' : 'settings.tag.production')}
          </span>
        ) : null}
        <span className={`settings-state settings-state-${state}`} data-testid="settings-state" data-state={state}>
          {t(state === 'off' ? 'settings.off' : state === 'problem' ? 'settings.notReady' : 'settings.ready')}
        </span>
        <label className="toggle">
          <input
            type="checkbox"
            checked={draft.enabled}
            onChange={(e) => change({ enabled: e.target.checked })}
            data-testid="settings-enabled"
          />
          <span className="toggle-track" aria-hidden="true" />
          <span>{t('settings.enabled')}</span>
        </label>
      </header>

      {view.enabled && view.problem ? (
        <p className="settings-problem" role="alert" data-testid="settings-problem">
          {t('settings.problem', { problem: view.problem })}
        </p>
      ) : null}

      <div className="settings-grid">
        <label className="field">
          <span>{t('settings.target')}</span>
          <select
            className="input select"
            value={draft.target}
            onChange={(e) => change({ target: e.target.value === 'custom' ? 'custom' : 'embedded' })}
            data-testid="settings-target"
          >
            <option value="embedded">{t('settings.target.embedded')}</option>
            <option value="custom">{t('settings.target.custom')}</option>
          </select>
        </label>
        <label className="field">
          <span>{t('settings.environment')}</span>
          <select
            className="input select"
            value={custom ? draft.environment : 'sandbox'}
            onChange={(e) => change({ environment: e.target.value === 'production' ? 'production' : 'sandbox' })}
            disabled={!custom}
            data-testid="settings-environment"
          >
            <option value="sandbox">{t('settings.env.sandbox')}</option>
            <option value="production">{t('settings.env.production')}</option>
          </select>
        </label>
      </div>

      {custom ? (
        <>
          <div className="settings-grid">
            {FIELDS[provider].plain.map((field) => (
              <PlainField
                key={field}
                name={field}
                value={draft.fields[field] ?? ''}
                onChange={(v) => setField(field, v)}
              />
            ))}
          </div>
          <div className="settings-grid">
            {FIELDS[provider].secret.map((secret) => (
              <SecretField
                key={secret}
                name={secret}
                status={view.secrets[secret] ?? { set: false, fingerprint: null }}
                draft={draft.secrets[secret] ?? { action: 'keep' }}
                onChange={(d) => setSecret(secret, d)}
              />
            ))}
          </div>
        </>
      ) : (
        <p className="muted settings-note">{t('settings.embeddedNote')}</p>
      )}

      <SettingsError
        error={error}
        testId="settings-error"
        text={
          httpsField ? t('settings.httpsRequired', { field: t(`settings.field.${httpsField}` as MessageKey) }) : null
        }
      />

      <CardFoot
        dirty={dirty}
        saving={saving}
        disabled={saving}
        onSave={() => void save()}
        saveTestId="settings-save"
        savedMark={
          saved ? (
            <span className="settings-saved" data-testid="settings-saved">
              ✓
            </span>
          ) : null
        }
      />
    </section>
  );
}
