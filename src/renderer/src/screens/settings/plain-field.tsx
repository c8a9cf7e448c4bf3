/** A provider's plain field: a URL, an id, a public key (several lines) or the signing type. */
import { useI18n, type MessageKey } from '../../i18n';
import { MULTILINE, SIGN_TYPES, URL_FIELDS } from './provider-fields';

export function PlainField({ name, value, onChange }: { name: string; value: string; onChange: (v: string) => void }) {
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
