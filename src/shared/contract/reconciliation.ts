/**
 * Daily reconciliation against the intermediaries' statements. The methods' schemas, spread into
 * the one contract in ../contract.ts.
 */
import { z } from 'zod';
import type { ReconDaySummary, ReconDayView, ReconItemView, ReconRunResult, ReconSettingsView } from '../types';
import { id, day, approvalPin, ownerRead, note, method } from './common';

export const reconciliationMethods = {
  /** daily reconciliation: recent days with each provider's status and open differences (yesterday first) */
  'recon.days': method<ReconDaySummary[]>()(
    z.object({ limit: z.number().int().min(1).max(92).optional(), approvalPin }).strict(),
  ),
  /** one day: totals per provider and payment mode (till vs statement) and the differences (owner) */
  'recon.day': method<ReconDayView>()(z.object({ day, approvalPin }).strict()),
  /** download, check and import the statements of a past day (owner) */
  'recon.run': method<ReconRunResult>()(
    z
      .object({
        day,
        providers: z
          .array(z.enum(['alipay', 'wechat', 'yeepay']))
          .min(1)
          .max(3)
          .optional(),
        approvalPin,
      })
      .strict(),
  ),
  /** settle a difference; the note goes to the audit log (owner) */
  'recon.resolve': method<ReconItemView>()(
    z
      .object({
        itemId: id,
        resolution: z.enum(['accepted', 'refunded', 'written_off', 'corrected']),
        note,
        approvalPin,
      })
      .strict(),
  ),
  'recon.settings': method<ReconSettingsView>()(ownerRead),
  'recon.setSettings': method<ReconSettingsView>()(
    z
      .object({
        dailyAt: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
        bufferMinutes: z.number().int().min(0).max(180),
        /** parts per million of the amount (0.6 % = 6000) */
        feeRatesPpm: z
          .object({
            alipay: z.number().int().min(0).max(100_000),
            wechat: z.number().int().min(0).max(100_000),
            yeepay: z.number().int().min(0).max(100_000),
          })
          .partial()
          .strict(),
        approvalPin,
      })
      .strict(),
  ),
};
