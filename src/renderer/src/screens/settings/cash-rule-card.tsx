/**
 * The store's cash rule in Settings: "require an open drawer before a cash sale". On, the till
 * refuses cash (DRAWER_NOT_OPEN) until the drawer is opened with its float; QR and payment-code
 * payments are not affected. Saving is the owner's (cashSession.setRequireOpen, audited).
 */
import { useEffect, useId, useState } from 'react';
import type { PosErrorShape } from '../../../../shared/errors';
import { api } from '../../api';
import { approveInForm, useOwnerApproval } from '../../components/owner-approval';
import { useI18n } from '../../i18n';
import { CardFoot, SettingsError } from './card-parts';
import { useNotifier } from '../../lib/notice';

export function CashRuleCard() {
  const { t } = useI18n();
  const uid = useId();
  const notifier = useNotifier();
  const approve = useOwnerApproval();
  const [saved, setSaved] = useState<boolean | null>(null);
  const [draft, setDraft] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<PosErrorShape | null>(null);

  useEffect(() => {
    let live = true;
    void api.cashSession
      .current({})
      .then((r) => {
        if (!live) return;
        if (r.ok) {
          setSaved(r.value.requireOpenDrawer);
          setDraft(r.value.requireOpenDrawer);
        } else notifier.error(r.error);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [notifier]);

  if (saved === null) return null;
  const dirty = draft !== saved;

  const save = async (): Promise<void> => {
    if (busy || !dirty) return;
    setBusy(true);
    setError(null);
    const value = await approveInForm(
      approve,
      (pin) => api.cashSession.setRequireOpen({ required: draft, ...(pin ? { approvalPin: pin } : {}) }),
      setError,
      'approval.reason.cashRule',
    );
    setBusy(false);
    if (!value) return;
    setSaved(value.requireOpenDrawer);
    setDraft(value.requireOpenDrawer);
    notifier.say('success', 'settings.cashRule.saved');
  };

  return (
    <section
      className="settings-card"
      style={{ ['--pm' as string]: '#15803d' }}
      data-testid="settings-cash-rule"
      aria-labelledby={`${uid}-title`}
    >
      <header className="settings-card-head">
        <span className="pm-mark" aria-hidden="true">
          ¥
        </span>
        <h3 id={`${uid}-title`}>{t('settings.cashRule.title')}</h3>
      </header>
      <label className="printer-check">
        <input
          type="checkbox"
          checked={draft}
          onChange={(e) => {
            setDraft(e.target.checked);
            setError(null);
          }}
          data-testid="cash-rule-require-open"
        />
        <span>{t('settings.cashRule.requireOpen')}</span>
      </label>
      <p className="muted settings-note">{t('settings.cashRule.note')}</p>
      <SettingsError error={error} testId="cash-rule-error" />
      <CardFoot
        dirty={dirty}
        saving={busy}
        disabled={busy || !dirty}
        onSave={() => void save()}
        saveTestId="cash-rule-save"
      />
    </section>
  );
}
