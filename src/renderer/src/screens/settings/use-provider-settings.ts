/**
 * A provider card's state: main's view of the provider, the draft being edited (dirty or saved),
 * and saving it — the owner's: main refuses a clerk and the owner approval asks for the PIN every
 * time; any other refusal stays on the card.
 */
import { useState } from 'react';
import type { ErrorCode, PosErrorShape } from '../../../../shared/errors';
import type { Result } from '../../../../shared/result';
import type { ProviderSettingsView } from '../../../../shared/types';
import { api } from '../../api';
import { useOwnerApproval } from '../../components/owner-approval';
import { useI18n } from '../../i18n';
import { thrownToError, useNotifier } from '../../lib/notice';
import { FIELDS, draftOf, isDirty, type Draft, type SecretDraft } from './provider-fields';

/** answered by the owner approval dialog (asked, or a wrong PIN); any other refusal is shown on the card */
const APPROVAL_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['OWNER_APPROVAL_REQUIRED', 'WRONG_PIN']);

export function useProviderSettings(initial: ProviderSettingsView, onSaved: (v: ProviderSettingsView) => void) {
  const { t } = useI18n();
  const notifier = useNotifier();
  const approve = useOwnerApproval();
  const [view, setView] = useState(initial);
  const [draft, setDraft] = useState(() => draftOf(initial));
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<PosErrorShape | null>(null);
  const [saved, setSaved] = useState(false);
  const provider = view.provider;
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

  return { view, draft, saving, error, saved, name, dirty, custom, change, setField, setSecret, save };
}
