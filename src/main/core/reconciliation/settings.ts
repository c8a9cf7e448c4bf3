/** The reconciliation's settings: the daily run's time, the midnight buffer, the fee rates (the owner's, audited). */
import { PosError } from '../../../shared/errors';
import type { ProviderId, ReconSettingsView } from '../../../shared/types';
import type { Actor } from '../people/auth';
import { PROVIDER_ORDER, type ReconciliationOptions } from './types';

export function reconSettingsView(settings: ReconciliationOptions['settings']): ReconSettingsView {
  const v = settings.values;
  return { dailyAt: v.reconDailyAt, bufferMinutes: v.reconBufferMinutes, feeRatesPpm: { ...v.reconFeeRatesPpm } };
}

/** Checks and saves the settings with their audit row, in one transaction. */
export function setReconSettings(
  o: Pick<ReconciliationOptions, 'store' | 'settings' | 'audit'>,
  next: ReconSettingsView,
  actor: Actor,
): ReconSettingsView {
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(next.dailyAt))
    throw new PosError('INVALID_INPUT', `${next.dailyAt} is not a time of day (HH:MM).`, { field: 'dailyAt' });
  if (!Number.isInteger(next.bufferMinutes) || next.bufferMinutes < 0 || next.bufferMinutes > 180) {
    throw new PosError('INVALID_INPUT', 'The midnight buffer is 0 to 180 minutes.', { field: 'bufferMinutes' });
  }
  const rates: Partial<Record<ProviderId, number>> = {};
  for (const p of PROVIDER_ORDER) {
    const r = next.feeRatesPpm[p];
    if (r === undefined) continue;
    if (!Number.isInteger(r) || r < 0 || r > 100_000)
      throw new PosError('INVALID_INPUT', `The ${p} fee rate must be 0 % to 10 %.`, { field: `feeRatesPpm.${p}` });
    rates[p] = r;
  }
  const before = reconSettingsView(o.settings);
  o.store.tx(() => {
    o.settings.set('reconDailyAt', next.dailyAt);
    o.settings.set('reconBufferMinutes', next.bufferMinutes);
    o.settings.set('reconFeeRatesPpm', rates);
    o.audit.record(actor, 'recon.settings', null, {
      before,
      after: { dailyAt: next.dailyAt, bufferMinutes: next.bufferMinutes, feeRatesPpm: rates },
    });
  });
  return reconSettingsView(o.settings);
}
