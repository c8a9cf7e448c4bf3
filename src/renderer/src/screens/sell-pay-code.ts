import { useEffect, useRef, type RefObject } from 'react';
import { maskPaymentCode, normalisePaymentCode } from '../../../shared/payment-code';
import type { CartView, OrderView } from '../../../shared/types';
import { api } from '../api';
import { useI18n } from '../i18n';
import { useCall, useNotifier } from '../lib/notice';
import { classifyPaymentCode } from '../lib/payments';

/**
 * Where the app sends a customer's payment code scanned while Sell shows (issue 12: "payment codes
 * anywhere … from Sell, as a shortcut to pay the cart"). It answers whether it took the code.
 * `pending` holds a code scanned on another screen (orders, receipt) until Sell is drawn.
 */
export interface SellCodeTarget {
  take: ((code: string) => void) | null;
  pending: string | null;
}
export type SellCodeTargetRef = RefObject<SellCodeTarget>;

/**
 * A payment code scanned on Sell pays the cart: with lines in the cart the order is confirmed (the
 * owner approves a discount past the limit, as with F4) and the pay screen opens with the code, which
 * starts the payment there by the same path as a code scanned on Pay. Nothing is confirmed when the
 * code cannot be taken (its provider's payment codes are off, or the provider is not answering): the
 * clerk is told why and the cart stays as it was. The code is never put in the search box and never
 * shown whole (it is a bearer token while it lives).
 */
export function usePayCodeFromSell({
  cart,
  targetRef,
  confirm,
  onCheckout,
}: {
  cart: CartView;
  targetRef: SellCodeTargetRef;
  /** confirms the cart as an order (null when it was not: the error is already shown) */
  confirm: () => Promise<OrderView | null>;
  onCheckout: (order: OrderView, payCode?: string) => void;
}): void {
  const { t } = useI18n();
  const call = useCall();
  const notifier = useNotifier();
  const busy = useRef(false);

  const take = async (raw: string): Promise<void> => {
    const code = normalisePaymentCode(raw);
    const shown = maskPaymentCode(code);
    if (cart.lines.length === 0) {
      notifier.say('error', 'sell.codeEmptyCart', { code: shown });
      return;
    }
    if (busy.current) return;
    busy.current = true;
    try {
      const options = await call(api.payments.options({}));
      if (!options) return;
      const enabled = options.filter((o) => o.mode === 'payment_code').map((o) => o.provider);
      const verdict = classifyPaymentCode(code, enabled);
      if (verdict.kind !== 'ok') {
        notifier.say('error', 'sell.codeOff', {
          code: shown,
          provider: verdict.kind === 'disabled' ? t(`method.${verdict.provider}`) : '—',
        });
        return;
      }
      const trouble = options.find((o) => o.provider === verdict.provider && o.mode === 'payment_code')?.unreachable;
      if (trouble) {
        notifier.say('error', 'sell.codeUnreachable', {
          provider: t(`method.${verdict.provider}`),
          reason: t(`network.${trouble}`),
        });
        return;
      }
      const order = await confirm();
      if (order) onCheckout(order, code);
    } finally {
      busy.current = false;
    }
  };

  const latest = useRef(take);
  useEffect(() => {
    latest.current = take;
  });
  useEffect(() => {
    const target = targetRef.current;
    target.take = (code) => void latest.current(code);
    // a code scanned on another screen just before Sell was drawn
    const pending = target.pending;
    target.pending = null;
    if (pending !== null) void latest.current(pending);
    return () => {
      target.take = null;
    };
  }, [targetRef]);
}
