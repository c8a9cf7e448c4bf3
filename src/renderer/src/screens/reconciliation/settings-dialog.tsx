/** The reconciliation settings dialog. */
import { useMemo, useState } from 'react';
import type { PosErrorShape } from '../../../../shared/errors';
import type { ProviderId, ReconSettingsView } from '../../../../shared/types';
import { api } from '../../api';
import { Modal } from '../../components/modal';
import { approveInForm, useOwnerApproval } from '../../components/owner-approval';
import { withPin } from '../../components/owner-read';
import { notOnButton, useShortcuts } from '../../hooks/use-shortcuts';
import { useI18n, type MessageKey } from '../../i18n';
import { ErrorLine } from './error-line';

const PROVIDERS: readonly ProviderId[] = ['alipay', 'wechat', 'yeepay'];

/** `0.6` ↔ 6000 ppm, in integers. */
function percentToPpm(text: string): number | null {
  const m = /^\s*(\d{1,2})(?:\.(\d{0,4}))?\s*$/.exec(text);
  if (!m) return null;
  const ppm = Number(m[1]) * 10_000 + Number((m[2] ?? '').padEnd(4, '0'));
  return ppm <= 100_000 ? ppm : null;
}
function ppmToPercent(ppm: number | undefined): string {
  if (ppm === undefined) return '';
  const whole = Math.floor(ppm / 10_000);
  const frac = String(ppm % 10_000)
    .padStart(4, '0')
    .replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : String(whole);
}

/** When the statements are fetched each day, the agreed fees and the margin after midnight (the owner's). */
export function SettingsDialog({
  settings,
  onClose,
  onSaved,
}: {
  settings: ReconSettingsView;
  onClose: () => void;
  onSaved: (s: ReconSettingsView) => void;
}) {
  const { t } = useI18n();
  const approve = useOwnerApproval();
  const [dailyAt, setDailyAt] = useState(settings.dailyAt);
  const [buffer, setBuffer] = useState(String(settings.bufferMinutes));
  const [rates, setRates] = useState<Record<ProviderId, string>>(() => ({
    alipay: ppmToPercent(settings.feeRatesPpm.alipay),
    wechat: ppmToPercent(settings.feeRatesPpm.wechat),
    yeepay: ppmToPercent(settings.feeRatesPpm.yeepay),
  }));
  const [error, setError] = useState<PosErrorShape | null>(null);
  const [hint, setHint] = useState<MessageKey | null>(null);
  const parsed = useMemo(() => {
    const feeRatesPpm: Partial<Record<ProviderId, number>> = {};
    for (const p of PROVIDERS) {
      if (rates[p].trim() === '') continue;
      const ppm = percentToPpm(rates[p]);
      if (ppm === null) return null;
      feeRatesPpm[p] = ppm;
    }
    const bufferMinutes = Number(buffer);
    if (!/^\d{1,3}$/.test(buffer) || bufferMinutes > 180) return null;
    return { feeRatesPpm, bufferMinutes };
  }, [rates, buffer]);

  const save = async (): Promise<void> => {
    if (!parsed || !/^([01]\d|2[0-3]):[0-5]\d$/.test(dailyAt)) return setHint('recon.invalidSettings');
    setHint(null);
    const saved = await approveInForm(
      approve,
      (pin) => api.recon.setSettings({ dailyAt, ...parsed, ...withPin(pin) }),
      setError,
      'recon.settingsPinHint',
    );
    if (saved) onSaved(saved);
  };
  useShortcuts({ Enter: { run: () => void save(), when: notOnButton } }, { layer: 'modal' });

  return (
    <Modal title={t('recon.settingsTitle')} onClose={onClose} testId="recon-settings-dialog">
      <div className="recon-settings">
        <label className="field">
          {t('recon.dailyAt')}
          <input
            className="input"
            type="time"
            value={dailyAt}
            onChange={(e) => setDailyAt(e.target.value)}
            data-testid="recon-daily-at"
          />
          <small className="muted">{t('recon.dailyAtHint')}</small>
        </label>
        {PROVIDERS.map((p) => (
          <label key={p} className="field">
            {t('recon.feeRate', { method: t(`method.${p}`) })}
            <input
              className="input"
              inputMode="decimal"
              value={rates[p]}
              placeholder="0.6"
              onChange={(e) => setRates((r) => ({ ...r, [p]: e.target.value }))}
              data-testid="recon-fee-rate"
              data-provider={p}
            />
          </label>
        ))}
        <small className="muted">{t('recon.feeRateHint')}</small>
        <label className="field">
          {t('recon.buffer')}
          <input
            className="input"
            inputMode="numeric"
            value={buffer}
            onChange={(e) => setBuffer(e.target.value)}
            data-testid="recon-buffer"
          />
          <small className="muted">{t('recon.bufferHint')}</small>
        </label>
      </div>
      {hint ? (
        <p className="form-error" role="alert">
          {t(hint)}
        </p>
      ) : null}
      <ErrorLine error={error} />
      <div className="row-actions">
        <button type="button" className="btn btn-lg" onClick={onClose}>
          {t('confirm.no')} <kbd>Esc</kbd>
        </button>
        <button
          type="button"
          className="btn btn-lg btn-primary"
          onClick={() => void save()}
          data-testid="recon-settings-save"
        >
          {t('recon.save')} <kbd>Enter</kbd>
        </button>
      </div>
    </Modal>
  );
}
