import { useEffect, useId, useState } from 'react';
import type { ErrorCode, PosErrorShape } from '../../../shared/errors';
import type { Result } from '../../../shared/result';
import type { AppInfo, ProviderId, ProviderSettingsView } from '../../../shared/types';
import { api } from '../api';
import { useOwnerApproval } from '../components/owner-approval';
import { useShortcuts } from '../hooks/use-shortcuts';
import { errorText, useI18n, type MessageKey, type Params } from '../i18n';
import { thrownToError, useCall, useNotifier } from '../lib/notice';
import { PROVIDER_LOOK } from '../lib/payments';

/** The fields of each provider's configuration, as main stores them; secrets are never sent back. */
const FIELDS: Record<ProviderId, { plain: string[]; secret: string[] }> = {
  alipay: {
    plain: ['gatewayUrl', 'appId', 'sellerId', 'alipayPublicKeyPem', 'notifyUrl'],
    secret: ['appPrivateKeyPem'],
  },
  wechat: { plain: ['apiBase', 'appId', 'mchId', 'signType', 'notifyUrl'], secret: ['apiKey'] },
  yeepay: { plain: ['nodeUrl', 'commandUrl', 'merchantId', 'statementUrl'], secret: ['key'] },
};

const MULTILINE = new Set(['alipayPublicKeyPem', 'appPrivateKeyPem']);
const URL_FIELDS = new Set(['gatewayUrl', 'notifyUrl', 'apiBase', 'nodeUrl', 'commandUrl', 'statementUrl']);
const SIGN_TYPES = ['MD5', 'HMAC-SHA256'];
/** A key file is a few kilobytes at most; main accepts up to 8192 characters. */
const MAX_SECRET_CHARS = 8192;
/** answered by the owner approval dialog (asked, or a wrong PIN); any other refusal is shown on the card */
const APPROVAL_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['OWNER_APPROVAL_REQUIRED', 'WRONG_PIN']);

type SecretDraft = { action: 'keep' } | { action: 'replace'; value: string } | { action: 'clear' };

interface Draft {
  enabled: boolean;
  target: 'embedded' | 'custom';
  environment: 'sandbox' | 'production';
  fields: Record<string, string>;
  secrets: Record<string, SecretDraft>;
}

function draftOf(view: ProviderSettingsView): Draft {
  const fields: Record<string, string> = {};
  for (const name of FIELDS[view.provider].plain) fields[name] = view.fields[name] ?? '';
  const secrets: Record<string, SecretDraft> = {};
  for (const name of FIELDS[view.provider].secret) secrets[name] = { action: 'keep' };
  return { enabled: view.enabled, target: view.target, environment: view.environment, fields, secrets };
}

function isDirty(view: ProviderSettingsView, d: Draft): boolean {
  if (d.enabled !== view.enabled || d.target !== view.target || d.environment !== view.environment) return true;
  if (FIELDS[view.provider].plain.some((n) => (d.fields[n] ?? '') !== (view.fields[n] ?? ''))) return true;
  return Object.values(d.secrets).some((s) => s.action !== 'keep');
}

export interface SettingsProps {
  info: AppInfo;
  /** a provider's settings were saved (the SANDBOX badge may change) */
  onSaved: () => void;
  onBack: () => void;
}

export default function SettingsScreen({ info, onSaved, onBack }: SettingsProps) {
  const { t } = useI18n();
  const call = useCall();
  useShortcuts({ Escape: { run: onBack, inInput: false } });
  const [views, setViews] = useState<ProviderSettingsView[] | null>(null);

  useEffect(() => {
    let live = true;
    void call(api.settings.payments({})).then((v) => {
      if (live && v) setViews(v);
    });
    return () => {
      live = false;
    };
  }, [call]);

  return (
    <div className="settings" data-testid="settings-screen">
      <div className="settings-inner">
        <header className="settings-head">
          <h2>{t('settings.title')}</h2>
          <p className="muted settings-intro">{t('settings.intro')}</p>
          <p className="muted settings-intro" data-testid="settings-owner-note">
            {t('settings.ownerNote')}
          </p>
        </header>
        {info.secretsWarning ? (
          <div className="settings-warning" role="note" data-testid="settings-secrets-warning">
            <strong>{t('settings.secretsWarningTitle')}</strong>
            <span>{info.secretsWarning}</span>
          </div>
        ) : null}
        {views === null ? (
          <p className="muted">{t('settings.loading')}</p>
        ) : (
          views.map((v) => (
            <ProviderCard
              key={v.provider}
              initial={v}
              onSaved={(next) => {
                setViews((all) => all?.map((x) => (x.provider === next.provider ? next : x)) ?? null);
                onSaved();
              }}
            />
          ))
        )}
      </div>
    </div>
  );
}

function ProviderCard({
  initial,
  onSaved,
}: {
  initial: ProviderSettingsView;
  onSaved: (v: ProviderSettingsView) => void;
}) {
  const { t, locale } = useI18n();
  const notifier = useNotifier();
  const approve = useOwnerApproval();
  const [view, setView] = useState(initial);
  const [draft, setDraft] = useState(() => draftOf(initial));
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<PosErrorShape | null>(null);
  const [saved, setSaved] = useState(false);
  const uid = useId();
  const provider = view.provider;
  const look = PROVIDER_LOOK[provider];
  const name = t(`method.${provider}`);
  const dirty = isDirty(view, draft);
  const custom = draft.target === 'custom';

  const change = (next: Partial<Draft>): void => {
    setDraft((d) => ({ ...d, ...next }));
    setSaved(false);
    setError(null);
  };
  const setField = (field: string, value: string): void => change({ fields: { ...draft.fields, [field]: value } });
  const setSecret = (secret: string, value: SecretDraft): void =>
    change({ secrets: { ...draft.secrets, [secret]: value } });

  const save = async (): Promise<void> => {
    if (saving) return;
    setSaving(true);
    setError(null);
    const secrets: Record<string, string | null> = {};
    for (const [n, s] of Object.entries(draft.secrets)) {
      if (s.action === 'replace' && s.value.trim() !== '') secrets[n] = s.value.trim();
      else if (s.action === 'clear') secrets[n] = null;
    }
    const fields: Record<string, string> = { ...view.fields };
    for (const n of FIELDS[provider].plain) fields[n] = (draft.fields[n] ?? '').trim();
    // where the money goes is the owner's: main refuses a clerk, and the approval dialog asks for the
    // owner's PIN (every save: a PIN is never kept for a change); other refusals stay on this card
    let refused: PosErrorShape | null = null;
    const value = await approve(
      async (pin): Promise<Result<ProviderSettingsView | null>> => {
        let r: Result<ProviderSettingsView>;
        try {
          r = await api.settings.setPayment({
            provider,
            enabled: draft.enabled,
            target: draft.target,
            environment: draft.target === 'embedded' ? 'sandbox' : draft.environment,
            fields,
            ...(Object.keys(secrets).length > 0 ? { secrets } : {}),
            ...(pin ? { approvalPin: pin } : {}),
          });
        } catch (err) {
          r = { ok: false, error: thrownToError(err) };
        }
        if (r.ok || APPROVAL_CODES.has(r.error.code)) return r;
        refused = r.error;
        return { ok: true, value: null };
      },
      'approval.reason.settings',
      { provider: name },
    );
    setSaving(false);
    if (refused) {
      setError(refused);
      return;
    }
    if (!value) return; // the owner did not approve: the changes stay on the card, unsaved
    setView(value);
    setDraft(draftOf(value)); // a new secret is forgotten here as soon as main has it
    setSaved(true);
    notifier.say('success', 'settings.saved', { provider: name });
    onSaved(value);
  };

  const state = !view.enabled ? 'off' : view.problem ? 'problem' : 'ready';
  const httpsField =
    error?.code === 'INVALID_INPUT' && error.details?.reason === 'https_required'
      ? String(error.details.field ?? '')
      : null;
  const err = httpsField
    ? { text: t('settings.httpsRequired', { field: t(`settings.field.${httpsField}` as MessageKey) }), detail: null }
    : error
      ? errorText(error, locale)
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

      {err ? (
        <p className="form-error" role="alert" data-testid="settings-error" data-code={error?.code}>
          {err.text}
          {err.detail ? <small className="settings-error-detail">{err.detail}</small> : null}
        </p>
      ) : null}

      <footer className="settings-card-foot">
        {dirty ? (
          <span className="settings-dirty">{t('settings.unsaved')}</span>
        ) : saved ? (
          <span className="settings-saved" data-testid="settings-saved">
            ✓
          </span>
        ) : null}
        <button
          type="button"
          className="btn btn-lg btn-primary"
          onClick={() => void save()}
          disabled={saving}
          data-testid="settings-save"
        >
          {saving ? t('settings.saving') : t('settings.save')}
        </button>
      </footer>
    </section>
  );
}

function PlainField({ name, value, onChange }: { name: string; value: string; onChange: (v: string) => void }) {
  const { t } = useI18n();
  const label = t(`settings.field.${name}` as MessageKey);
  return (
    <label className={`field${MULTILINE.has(name) ? ' field-wide' : ''}`}>
      <span>{label}</span>
      {name === 'signType' ? (
        <select
          className="input select"
          value={value || 'MD5'}
          onChange={(e) => onChange(e.target.value)}
          data-testid="settings-field"
          data-name={name}
        >
          {SIGN_TYPES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      ) : MULTILINE.has(name) ? (
        <textarea
          className="input textarea mono"
          rows={4}
          spellCheck={false}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          placeholder="-----BEGIN PUBLIC KEY-----"
          data-testid="settings-field"
          data-name={name}
        />
      ) : (
        <input
          className="input input-md"
          type="text"
          inputMode={URL_FIELDS.has(name) ? 'url' : 'text'}
          autoComplete="off"
          spellCheck={false}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          placeholder={URL_FIELDS.has(name) ? 'https://' : undefined}
          data-testid="settings-field"
          data-name={name}
        />
      )}
    </label>
  );
}

interface SecretFieldProps {
  name: string;
  status: { set: boolean; fingerprint: string | null };
  draft: SecretDraft;
  onChange: (d: SecretDraft) => void;
}

/** A key: only "set · fingerprint" or "not set" is ever shown; a new value goes to main on save. */
function SecretField({ name, status, draft, onChange }: SecretFieldProps) {
  const { t } = useI18n();
  const [note, setNote] = useState<{ key: MessageKey; params: Params; bad: boolean } | null>(null);
  const id = useId();
  const multiline = MULTILINE.has(name);
  const statusText = status.set
    ? status.fingerprint
      ? t('settings.secret.set', { fingerprint: status.fingerprint })
      : t('settings.secret.setNoPrint')
    : t('settings.secret.notSet');

  const readFile = (file: File | undefined): void => {
    if (!file) return;
    if (file.size > MAX_SECRET_CHARS * 4) {
      setNote({ key: 'settings.secret.fileTooBig', params: { name: file.name }, bad: true });
      return;
    }
    void file.text().then((text) => {
      if (text.length > MAX_SECRET_CHARS) {
        setNote({ key: 'settings.secret.fileTooBig', params: { name: file.name }, bad: true });
        return;
      }
      onChange({ action: 'replace', value: text });
      setNote({ key: 'settings.secret.fileRead', params: { name: file.name, size: text.length }, bad: false });
    });
  };

  return (
    <div
      className={`field secret${multiline ? ' field-wide' : ''}`}
      data-testid="settings-secret"
      data-name={name}
      data-set={status.set ? 'true' : 'false'}
    >
      <span id={`${id}-label`}>{t(`settings.field.${name}` as MessageKey)}</span>
      <div className="secret-row">
        <span className={`secret-status${status.set ? ' secret-set' : ''}`} data-testid="settings-secret-status">
          {draft.action === 'clear' ? <s>{statusText}</s> : statusText}
        </span>
        {draft.action === 'keep' ? (
          <>
            <button
              type="button"
              className="btn btn-sm"
              onClick={() => onChange({ action: 'replace', value: '' })}
              data-testid="settings-secret-replace"
            >
              {t('settings.secret.replace')}
            </button>
            {status.set ? (
              <button
                type="button"
                className="btn btn-sm"
                onClick={() => onChange({ action: 'clear' })}
                data-testid="settings-secret-clear"
              >
                {t('settings.secret.clear')}
              </button>
            ) : null}
          </>
        ) : (
          <button
            type="button"
            className="btn btn-sm"
            onClick={() => {
              onChange({ action: 'keep' });
              setNote(null);
            }}
            data-testid="settings-secret-keep"
          >
            {t('settings.secret.keep')}
          </button>
        )}
      </div>
      {draft.action === 'clear' ? <span className="secret-clear-note">{t('settings.secret.willClear')}</span> : null}
      {draft.action === 'replace' ? (
        <div className="secret-edit">
          {multiline ? (
            <textarea
              className="input textarea mono"
              rows={4}
              spellCheck={false}
              autoComplete="off"
              value={draft.value}
              onChange={(e) => onChange({ action: 'replace', value: e.target.value })}
              placeholder={t('settings.secret.newValue')}
              aria-labelledby={`${id}-label`}
              autoFocus
              data-testid="settings-secret-input"
            />
          ) : (
            <input
              className="input input-md"
              type="password"
              autoComplete="new-password"
              spellCheck={false}
              value={draft.value}
              onChange={(e) => onChange({ action: 'replace', value: e.target.value })}
              placeholder={t('settings.secret.newValue')}
              aria-labelledby={`${id}-label`}
              autoFocus
              data-testid="settings-secret-input"
            />
          )}
          <label className="btn btn-sm file-pick">
            {t('settings.secret.fromFile')}
            <input
              type="file"
              accept=".pem,.key,.txt,text/plain"
              onChange={(e) => {
                readFile(e.target.files?.[0]);
                e.target.value = '';
              }}
              data-testid="settings-secret-file"
            />
          </label>
          {note ? (
            <span className={note.bad ? 'secret-file-bad' : 'muted small'} role={note.bad ? 'alert' : 'status'}>
              {t(note.key, note.params)}
            </span>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
