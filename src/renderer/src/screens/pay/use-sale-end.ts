import { useCallback, useEffect, useRef, useState } from 'react';
import type { OrderView, PaidOrder, PaymentMethod } from '../../../../shared/types';
import { api } from '../../api';
import { useOwnerApproval } from '../../components/owner-approval';
import { useI18n } from '../../i18n';
import { useCall, useNotifier } from '../../lib/notice';

/**
 * How the sale on the pay screen ends: paid in cash here, paid by an intermediary (its receipt,
 * shown once) or cancelled — also when that happens elsewhere (another window, the orders screen,
 * an intermediary's notification), so the clerk is never stuck on a payment that is already over.
 */
export function useSaleEnd(
  order: OrderView,
  onPaid: (paid: PaidOrder) => void,
  onCancelled: (o: OrderView) => void,
  /** split tender: a part was paid and the order still owes the rest */
  onPart: (o: OrderView) => void,
) {
  const { t } = useI18n();
  const call = useCall();
  const approve = useOwnerApproval();
  const notifier = useNotifier();
  /** the screen's own cash payment or cancel is in flight */
  const [busy, setBusy] = useState(false);
  /** True while this screen's own pay/cancel call is in flight (its own order.changed is then ignored). */
  const ownRequestRef = useRef(false);
  /** The sale is over (paid or cancelled): nothing more may happen on this screen. */
  const finishedRef = useRef(false);
  const aliveRef = useRef(true);
  useEffect(() => {
    aliveRef.current = true;
    return () => {
      aliveRef.current = false;
    };
  }, []);

  /** The order is paid: show its receipt (once). A part of a split tender leaves it open: on to the rest. */
  const finishPaid = useCallback(
    async (now?: OrderView): Promise<void> => {
      if (finishedRef.current) return;
      finishedRef.current = true;
      const [o, receipt] = await Promise.all([
        now ? Promise.resolve(now) : call(api.orders.get({ orderId: order.id })),
        call(api.orders.receipt({ orderId: order.id, reprint: false })),
      ]);
      if (!aliveRef.current) return;
      if (o?.status === 'open') {
        finishedRef.current = false;
        onPart(o);
      } else if (o && receipt) onPaid({ order: o, receipt });
      else finishedRef.current = false;
    },
    [order.id, call, onPaid, onPart],
  );

  /** The order left the `open` state elsewhere: follow it. */
  const settle = useCallback(async (): Promise<void> => {
    const now = await api.orders.get({ orderId: order.id }).catch(() => null);
    if (!aliveRef.current || !now?.ok || now.value.status === 'open' || finishedRef.current) return;
    if (now.value.status === 'cancelled') {
      finishedRef.current = true;
      notifier.say('info', 'pay.cancelledElsewhere', { number: now.value.number });
      onCancelled(now.value);
      return;
    }
    await finishPaid(now.value);
  }, [order.id, notifier, onCancelled, finishPaid]);

  useEffect(
    () =>
      api.on('order.changed', (change) => {
        if (change.orderId === order.id && change.status !== 'open' && !ownRequestRef.current) void settle();
      }),
    [order.id, settle],
  );

  /**
   * Takes `tenderedFen` in cash. While an intermediary payment (`overriding`) is still being
   * cancelled upstream the clerk has been warned (the closing strip); taking cash then is an
   * explicit override, recorded in the payment timeline: main refuses the clerk alone, and the
   * owner approves with a PIN.
   */
  const payCash = async (
    tenderedFen: number,
    overriding: PaymentMethod | null,
    /** split tender: this cash part (default all that is owed) */
    amountFen?: number,
  ): Promise<void> => {
    const part = amountFen === undefined ? {} : { amountFen };
    setBusy(true);
    ownRequestRef.current = true;
    const paid =
      overriding !== null
        ? await approve(
            (pin) =>
              api.checkout.payCash({
                orderId: order.id,
                tenderedFen,
                ...part,
                overrideOpenAttempt: true,
                approvalPin: pin,
              }),
            'approval.reason.cashOverride',
            { number: order.number, provider: t(`method.${overriding}`) },
          )
        : await call(api.checkout.payCash({ orderId: order.id, tenderedFen, ...part }));
    ownRequestRef.current = false;
    setBusy(false);
    if (paid?.order.status === 'open') onPart(paid.order);
    else if (paid) {
      finishedRef.current = true;
      onPaid(paid);
    } else void settle();
  };

  /** Cancels the order (its cart comes back); `answered` runs once main has answered. */
  const cancel = async (answered: () => void): Promise<void> => {
    setBusy(true);
    ownRequestRef.current = true;
    const cancelled = await call(api.orders.cancel({ orderId: order.id, restoreCart: true }));
    ownRequestRef.current = false;
    setBusy(false);
    answered();
    if (cancelled) {
      finishedRef.current = true;
      notifier.say('info', 'pay.cancelled', { number: cancelled.number });
      onCancelled(cancelled);
    } else void settle();
  };

  return { aliveRef, finishedRef, busy, finishPaid, payCash, cancel };
}
