/**
 * Payments' part of the contract (`payments.*` but what needs a person, which is exceptions/;
 * `settings.payments` and `settings.setPayment`): starting, following and stopping an intermediary
 * payment, and where money goes — the owner's alone, audited (docs/security.md).
 */
import { PosError } from '../../../shared/errors';
import type { AttemptView } from '../../../shared/types';
import type { HandlersOf } from '../handlers';
import type { Access } from '../people/access';
import type { Payments } from './attempts';
import type { PaymentSettings } from './payment-settings';
import type { Store } from '../../store/db';
import { awaitingAnswers } from './awaiting';

export interface CashierOpener {
  open(attempt: AttemptView): Promise<boolean>;
}

export function paymentHandlers(
  d: { payments: Payments; paymentSettings: PaymentSettings; cashier?: CashierOpener; store: Store },
  access: Access,
): Omit<HandlersOf<'payments.'>, 'payments.attention' | 'payments.override'> &
  Pick<HandlersOf<'settings.'>, 'settings.payments' | 'settings.setPayment'> {
  const { payments, paymentSettings, cashier } = d;
  const { auth } = access;
  return {
    'payments.options': () => payments.options(),
    'payments.start': (input) => payments.start(input),
    'payments.get': ({ attemptId }) => payments.view(attemptId),
    'payments.forOrder': ({ orderId }) => payments.openAttempt(orderId),
    'payments.queryNow': ({ attemptId }) => payments.queryNow(attemptId),
    'payments.stop': ({ attemptId }) => payments.stop(attemptId),
    // s-tidy: the header's count (the counter's, as To check is)
    'payments.awaiting': () => awaitingAnswers(d.store),
    'payments.openCashier': async ({ attemptId }) => {
      const view = payments.view(attemptId);
      if (!view.redirect)
        throw new PosError('PAYMENT_NOT_FOUND', `Payment ${attemptId} has no cashier page.`, { attemptId });
      return { opened: cashier ? await cashier.open(view) : false };
    },
    'settings.payments': () => paymentSettings.views(),
    // where money goes is the owner's: a clerk learns nothing, not even whether the settings would be accepted; saved and audited together
    'settings.setPayment': async ({ approvalPin, ...input }) =>
      paymentSettings.set(input, await auth.authorize('owner', approvalPin)),
  };
}
