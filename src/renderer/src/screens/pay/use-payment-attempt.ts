import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import type { Result } from '../../../../shared/result';
import type { AttemptView, OrderView, PaymentOption, ProviderId } from '../../../../shared/types';
import { api, isBrowserMode } from '../../api';
import { useI18n } from '../../i18n';
import { useCall, useNotifier } from '../../lib/notice';
import { choiceId, type MethodChoice } from '../../lib/payments';
import { CASHIER_FEATURES, CASHIER_WINDOW, openCashierWindow, settled, submitToCashier } from './cashier-popup';

/** What the pay screen does when the attempt moves (main decides how it is doing: `AttemptView.display`). */
export interface AttemptEvents {
  /** an attempt already under way for this order was found when the screen opened */
  onResumed: (attempt: AttemptView) => void;
  /** it is paid: show the receipt */
  onPaid: () => void;
  /** it ended unpaid: back to a way to pay, the order intact */
  onEnded: (ended: AttemptView) => void;
  /** it is being cancelled upstream: cash may be taken meanwhile (with the owner) */
  onClosing: () => void;
}

/**
 * The intermediary payment on the pay screen: what main offers, the attempt under way (started
 * here, or found when the screen opened), followed by the `payment.changed` event with a
 * `payments.get` every 2 s in case a push is lost, and the clerk's "check now" and "stop". In
 * browser mode it also keeps YeePay's cashier popup.
 */
export function usePaymentAttempt(order: OrderView, aliveRef: RefObject<boolean>, events: AttemptEvents) {
  const { t } = useI18n();
  const call = useCall();
  const notifier = useNotifier();
  const [options, setOptions] = useState<PaymentOption[]>([]);
  /** what main offers and the attempt already under way are known (both asked when the screen opened) */
  const [loaded, setLoaded] = useState(false);
  const [attempt, setAttempt] = useState<AttemptView | null>(null);
  /** the choice whose attempt is being started */
  const [starting, setStarting] = useState<string | null>(null);
  /** the last attempt that ended unpaid, shown until another starts */
  const [ended, setEnded] = useState<AttemptView | null>(null);
  const [querying, setQuerying] = useState(false);
  const [stopping, setStopping] = useState(false);
  const [popupBlocked, setPopupBlocked] = useState(false);
  const popup = useRef<Window | null>(null);
  const latest = useRef(events);
  useEffect(() => {
    latest.current = events;
  });
  useEffect(
    () => () => {
      if (popup.current && !popup.current.closed) popup.current.close();
    },
    [],
  );

  /** An attempt is under way: the customer may be paying, nothing else may start. */
  const active = attempt !== null && attempt.display.cash === 'blocked';
  /** The attempt is being cancelled upstream (the clerk stopped it, or its time ran out): cash may be taken meanwhile. */
  const closing = attempt !== null && attempt.display.cash === 'override';

  const closePopup = (): void => {
    if (popup.current && !popup.current.closed) popup.current.close();
    popup.current = null;
  };

  /** A newer view of the current attempt (an ended attempt never goes back to open). */
  const accept = useCallback((v: AttemptView) => {
    setAttempt((prev) => {
      if (!prev || prev.id !== v.id) return prev;
      if (!prev.display.open && v.display.open) return prev;
      return v;
    });
  }, []);

  // What main offers, and an attempt already under way for this order (the screen was reopened).
  useEffect(() => {
    let live = true;
    void (async () => {
      const [opts, open] = await Promise.all([
        settled(api.payments.options({})),
        settled(api.payments.forOrder({ orderId: order.id })),
      ]);
      if (!live) return;
      if (opts.ok) setOptions(opts.value);
      else notifier.error(opts.error);
      if (open.ok && open.value) {
        const v = open.value;
        setAttempt(v);
        latest.current.onResumed(v);
        notifier.say('info', 'attempt.resumed', { number: order.number, provider: t(`method.${v.provider}`) });
      } else if (!open.ok) notifier.error(open.error);
      setLoaded(true);
    })();
    return () => {
      live = false;
    };
    // `t` changes with the language; the resumed notice re-translates by itself
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [order.id, order.number, notifier]);

  // An intermediary stopped answering, or answers again: its methods say so (main keeps the reachability).
  useEffect(
    () =>
      api.on('payments.reachability', ({ provider, unreachable }) =>
        setOptions((prev) => prev.map((o) => (o.provider === provider ? { ...o, unreachable } : o))),
      ),
    [],
  );

  // Follow the open attempt: pushed changes, and a fetch every 2 s in case a push is lost.
  const attemptId = attempt?.id ?? null;
  const following = attempt !== null && attempt.display.open;
  useEffect(() => {
    if (attemptId === null || !following) return undefined;
    const off = api.on('payment.changed', (v) => {
      if (v.id === attemptId) accept(v);
    });
    const timer = window.setInterval(() => {
      void settled(api.payments.get({ attemptId })).then((r) => {
        if (r.ok && aliveRef.current) accept(r.value);
      });
    }, 2000);
    return () => {
      off();
      window.clearInterval(timer);
    };
  }, [attemptId, following, accept, aliveRef]);

  // Being cancelled: the clerk can take cash while the intermediary confirms.
  useEffect(() => {
    if (!closing) return;
    closePopup();
    latest.current.onClosing();
  }, [closing]);

  // The attempt ended: paid → receipt; anything else → back to the method choice, order intact.
  useEffect(() => {
    if (!attempt || attempt.display.open) return;
    closePopup();
    if (attempt.display.phase === 'paid') {
      latest.current.onPaid();
      return;
    }
    setEnded(attempt);
    setAttempt(null);
    setPopupBlocked(false);
    latest.current.onEnded(attempt);
  }, [attempt]);

  /** In browser mode main cannot open a window: submit the signed request into our own popup. */
  const showCashier = async (v: AttemptView, pre: Window | null): Promise<void> => {
    const r = await call(api.payments.openCashier({ attemptId: v.id }));
    if (!r || r.opened || !v.redirect) {
      // main opened its own cashier window (Electron), or nothing can be opened: drop ours
      if (pre && !pre.closed) pre.close();
      if (pre === popup.current) popup.current = null;
      if (r?.opened) setPopupBlocked(false);
      return;
    }
    const w = pre && !pre.closed ? pre : window.open('', CASHIER_WINDOW, CASHIER_FEATURES);
    if (!w) {
      setPopupBlocked(true);
      return;
    }
    popup.current = w;
    setPopupBlocked(false);
    submitToCashier(v.redirect);
    w.focus();
  };

  /**
   * Starts an attempt by `c` (a payment code: with the code and its provider); resolves to main's
   * answer once the attempt is shown (null when the screen went away meanwhile). Call it inside
   * the clerk's click: the cashier popup must open there.
   */
  const start = async (
    c: Exclude<MethodChoice, { kind: 'cash' }>,
    provider: ProviderId,
    authCode?: string,
    /** split tender: this part (default all that the order owes) */
    amountFen?: number,
  ): Promise<Result<AttemptView> | null> => {
    setEnded(null);
    setPopupBlocked(false);
    // the popup must open inside the click; it shows a line of text until the cashier page loads
    const pre =
      c.kind === 'redirect' && isBrowserMode
        ? openCashierWindow(t('attempt.status.starting', { provider: t(`method.${c.provider}`) }))
        : null;
    setStarting(choiceId(c));
    const r = await settled(
      api.payments.start({
        orderId: order.id,
        provider,
        mode: c.kind === 'code' ? 'payment_code' : c.kind,
        ...(authCode !== undefined ? { authCode } : {}),
        ...(amountFen !== undefined ? { amountFen } : {}),
      }),
    );
    if (!aliveRef.current) return null;
    setStarting(null);
    if (!r.ok) {
      pre?.close();
      return r;
    }
    const v = r.value;
    setAttempt(v);
    if (v.mode === 'redirect' && v.display.open) {
      popup.current = pre;
      void showCashier(v, pre);
    } else pre?.close();
    return r;
  };

  /** Shows the attempt under way for this order (main refused a second one); resolves to it, or null. */
  const showOpen = async (): Promise<AttemptView | null> => {
    const open = await settled(api.payments.forOrder({ orderId: order.id }));
    if (!aliveRef.current || !open.ok || !open.value) return null;
    setAttempt(open.value);
    return open.value;
  };

  const reopenCashier = (): void => {
    if (!attempt) return;
    const pre = isBrowserMode
      ? openCashierWindow(t('attempt.status.starting', { provider: t(`method.${attempt.provider}`) }))
      : null;
    void showCashier(attempt, pre);
  };

  const queryNow = async (): Promise<void> => {
    if (!attempt || querying) return;
    setQuerying(true);
    const v = await call(api.payments.queryNow({ attemptId: attempt.id }));
    if (!aliveRef.current) return;
    setQuerying(false);
    if (v) accept(v);
  };

  /** Stops the attempt: main closes or cancels it upstream. True once main answered (false when not asked). */
  const stop = async (): Promise<boolean> => {
    if (!attempt || stopping) return false;
    setStopping(true);
    const v = await call(api.payments.stop({ attemptId: attempt.id }));
    if (!aliveRef.current) return false;
    setStopping(false);
    if (v) accept(v);
    return true;
  };

  return {
    options,
    loaded,
    attempt,
    ended,
    clearEnded: () => setEnded(null),
    /** a paid part of a split tender: the screen goes on to the rest */
    clearPaid: () => setAttempt((a) => (a && a.display.phase === 'paid' ? null : a)),
    starting,
    querying,
    stopping,
    popupBlocked,
    active,
    closing,
    start,
    showOpen,
    reopenCashier,
    queryNow,
    stop,
  };
}
