/**
 * Settings: the payment services (YeePay, Alipay, WeChat Pay), one card each — on or off, the
 * embedded sandbox or a gateway of one's own, its fields and keys (a key is never shown back) — and
 * the store's cash rule (an open drawer before cash: cash-rule-card), the receipt printer with its cash drawer and the receipts' logo (printer-card, logo-field), and the
 * pole display and the scale label layouts (devices-card).
 * Saving is the owner's: main decides, and the owner approval asks for the PIN.
 *
 * This folder: the screen, the provider card, its fields, the fields of each provider and the
 * draft (provider-fields), and a card's state in a hook (use-provider-settings).
 */
import { useEffect, useState } from 'react';
import type { AppInfo, ProviderSettingsView } from '../../../../shared/types';
import { api } from '../../api';
import { useShortcuts } from '../../hooks/use-shortcuts';
import { useI18n } from '../../i18n';
import { useCall } from '../../lib/notice';
import { CashRuleCard } from './cash-rule-card';
import { DevicesCard } from './devices-card';
import { PrinterCard } from './printer-card';
import { ProviderCard } from './provider-card';
import './printer.css';
import './devices.css';

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
        <CashRuleCard />
        <PrinterCard />
        <DevicesCard />
      </div>
    </div>
  );
}
