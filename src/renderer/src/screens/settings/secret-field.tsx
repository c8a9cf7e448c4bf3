/** A provider's secret field (a key): typed or read from a file, never shown back. */
import { useId, useState } from 'react';
import { useI18n, type MessageKey, type Params } from '../../i18n';
import { MAX_SECRET_CHARS, MULTILINE, type SecretDraft } from './provider-fields';

interface SecretFieldProps {
  name: string;
  status: { set: boolean; fingerprint: string | null };
  draft: SecretDraft;
  onChange: (d: SecretDraft) => void;
}

/** A key: only "set · fingerprint" or "not set" is ever shown; a new value goes to main on save. */
export function SecretField({ name, status, draft, onChange }: SecretFieldProps) {
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
