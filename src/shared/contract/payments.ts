/**
 * Intermediary payments and their exceptions, and the providers' settings. The methods' schemas,
 * spread into the one contract in ../contract.ts.
 */
import { z } from 'zod';
import type { AttemptView, AttentionView, ExceptionView, PaymentOption, ProviderSettingsView } from '../types';
import { id, fen, empty, line, multiline, approvalPin, note, method } from './common';

export const setPaymentSchema = z
  .object({
    provider: z.enum(['alipay', 'wechat', 'yeepay']),
    enabled: z.boolean(),
    target: z.enum(['embedded', 'custom']),
    environment: z.enum(['sandbox', 'production']),
    fields: z.record(line(z.string().max(40)), multiline(z.string().max(8192))),
    /** new values for secrets; null clears one; absent keeps it */
    secrets: z.record(line(z.string().max(40)), multiline(z.string().max(8192)).nullable()).optional(),
    /** where money goes is the owner's */
    approvalPin,
  })
  .strict();

export const paymentsMethods = {
  'payments.options': method<PaymentOption[]>()(empty),
  'payments.start': method<AttemptView>()(
    z
      .object({
        orderId: id,
        provider: z.enum(['alipay', 'wechat', 'yeepay']),
        mode: z.enum(['qr', 'redirect', 'payment_code']),
        authCode: z
          .string()
          .regex(/^[0-9a-z]{10,40}$/i)
          .optional(),
        bankCode: z
          .string()
          .regex(/^[A-Z0-9-]{2,40}$/)
          .optional(),
        /** this part of the order (split tender, 组合支付); default all that it still owes */
        amountFen: fen.min(1).optional(),
      })
      .strict(),
  ),
  'payments.get': method<AttemptView>()(z.object({ attemptId: id }).strict()),
  'payments.forOrder': method<AttemptView | null>()(z.object({ orderId: id }).strict()),
  'payments.queryNow': method<AttemptView>()(z.object({ attemptId: id }).strict()),
  'payments.stop': method<AttemptView>()(z.object({ attemptId: id }).strict()),
  'payments.openCashier': method<{ opened: boolean }>()(z.object({ attemptId: id }).strict()),

  /** payments whose outcome is unknown or overdue, open exceptions, unfinished refunds */
  'payments.attention': method<AttentionView>()(empty),
  /** the owner lets the order be paid another way while this payment is still open (audited) */
  'payments.override': method<AttemptView>()(z.object({ attemptId: id, note, approvalPin }).strict()),
  'exceptions.resolve': method<ExceptionView>()(
    z.object({ exceptionId: id, resolution: z.enum(['refund', 'accept', 'dismiss']), note, approvalPin }).strict(),
  ),
};

/** The providers' settings: declared apart from the payments because they come later in the contract's order (contract.ts). */
export const paymentSettingsMethods = {
  'settings.payments': method<ProviderSettingsView[]>()(empty),
  'settings.setPayment': method<ProviderSettingsView>()(setPaymentSchema),
};
