import { useOwnerApproval } from '../components/owner-approval';
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import type { PosErrorShape } from '../../../shared/errors';
import { fenToYuanString, formatFen, parseYuan } from '../../../shared/money';
import type { Result } from '../../../shared/result';
import type { AttemptView, OrderView, PaidOrder, PaymentOption, ProviderId } from '../../../shared/types';
import { api, isBrowserMode } from '../api';
import { AttemptPanel, AttemptStatus } from '../components/attempt-panel';
import { ConfirmDialog } from '../components/modal';
import { notOnButton, useShortcuts } from '../hooks/use-shortcuts';
import { errorText, names, useI18n, type MessageKey, type Params } from '../i18n';
import { thrownToError, useCall, useNotifier } from '../lib/notice';
import {
  choiceId,
  choiceTestId,
  classifyPaymentCode,
  methodChoices,
  PROVIDER_LOOK,
  type MethodChoice,
} from '../lib/payments';

/** Where the app sends a wedge-scanner code while this screen wants one (the payment-code step). */
export type ScanTarget = RefObject<((code: string) => void) | null>;

export interface PayProps {
  order: OrderView;
  /** some intermediary points at a sandbox (AppInfo.sandbox): offer the demo customer page */
  sandbox: boolean;
  scanTargetRef: ScanTarget;
  onPaid: (paid: PaidOrder) => void;
  onCancelled: (order: OrderView) => void;
}

const QUICK: { fen: number; testId: string }[] = [
  { fen: 5000, testId: 'cash-50' },
  { fen: 10000, testId: 'cash-100' },
];

/** The browser-mode cashier popup (YeePay's cashier page). */
const CASHIER_WINDOW = 'counter-pos-cashier';
const CASHIER_FEATURES = 'width=960,height=720';

async function settled<T>(pending: Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await pending;
  } catch (err) {
    return { ok: false, error: thrownToError(err) };
  }
}

function choiceOf(a: AttemptView): string {
  return a.mode === 'payment_code' ? 'code' : `${a.provider}:${a.mode}`;
}

/** Sends the signed request into the named popup, as the cashier page expects it. */
function submitToCashier(redirect: NonNullable<AttemptView['redirect']>): void {
  if (redirect.method === 'GET') {
    const url = new URL(redirect.url);
    for (const [k, v] of Object.entries(redirect.fields)) url.searchParams.set(k, v);
    window.open(url.toString(), CASHIER_WINDOW, CASHIER_FEATURES);
    return;
  }
  const form = document.createElement('form');
  form.method = 'POST';
  form.action = redirect.url;
  form.target = CASHIER_WINDOW;
  form.acceptCharset = 'utf-8';
  form.style.display = 'none';
  for (const [k, v] of Object.entries(redirect.fields)) {
    const input = document.createElement('input');
    input.type = 'hidden';
    input.name = k;
    input.value = v;
    form.appendChild(input);
  }
  document.body.appendChild(form);
  form.submit();
  form.remove();
}

/** Opens (or finds) the cashier popup at once, inside the click, so no pop-up blocker stops it. */
function openCashierWindow(waitingText: string): Window | null {
  const w = window.open('', CASHIER_WINDOW, CASHIER_FEATURES);
  if (!w) return null;
  try {
    if (w.location.href === 'about:blank') {
      w.document.title = 'Counter POS';
      w.document.body.style.font = '20px system-ui, sans-serif';
      w.document.body.style.padding = '40px';
      w.document.body.textContent = waitingText;
    }
  } catch {
    /* already showing the cashier page (another origin) */
  }
  return w;
}

/**
 * The pay step: cash, and every intermediary method main offers. The change shown for cash is for
 * display only (tendered − the total main returned); main recomputes it when the payment is
 * recorded. Intermediary attempts are followed by the `payment.changed` event, with a `payments.get`
 * every 2 s as a fallback.
 */
export default function PayScreen({ order, sandbox, scanTargetRef, onPaid, onCancelled }: PayProps) {
  const { t, locale } = useI18n();
  const call = useCall();
  const approve = useOwnerApproval();
  const notifier = useNotifier();
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmCancel, setConfirmCancel] = useState(false);
  const [confirmStop, setConfirmStop] = useState(false);
  const [options, setOptions] = useState<PaymentOption[]>([]);
  const [choice, setChoice] = useState('cash');
  const [attempt, setAttempt] = useState<AttemptView | null>(null);
  const [starting, setStarting] = useState<string | null>(null);
  const [ended, setEnded] = useState<AttemptView | null>(null);
  const [querying, setQuerying] = useState(false);
  const [stopping, setStopping] = useState(false);
  const [popupBlocked, setPopupBlocked] = useState(false);
  const [code, setCode] = useState('');
  const [codeProblem, setCodeProblem] = useState<
    { key: MessageKey; params?: Params } | { error: PosErrorShape } | null
  >(null);
  const input = useRef<HTMLInputElement>(null);
  const codeInput = useRef<HTMLInputElement>(null);
  const popup = useRef<Window | null>(null);
  /** True while this screen's own pay/cancel call is in flight (its own order.changed is then ignored). */
  const ownRequest = useRef(false);
  /** The sale is over (paid or cancelled): nothing more may happen on this screen. */
  const finished = useRef(false);
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
      if (popup.current && !popup.current.closed) popup.current.close();
    };
  }, []);

  const choices = methodChoices(options);
  const codeChoice = choices.find((c): c is Extract<MethodChoice, { kind: 'code' }> => c.kind === 'code') ?? null;
  /** An attempt is under way: the customer may be paying, nothing else may start. */
  const active = attempt !== null && attempt.display.cash === 'blocked';
  /** The attempt is being cancelled upstream (the clerk stopped it, or its time ran out): cash may be taken meanwhile. */
  const closing = attempt !== null && attempt.display.cash === 'override';
  const locked = active || starting !== null;

  const tendered = text.trim() === '' ? null : parseYuan(text);
  const enough = tendered !== null && tendered >= order.totalFen;

  const setAmount = (fen: number): void => {
    setText(fenToYuanString(fen));
    setProblem(null);
    input.current?.focus();
  };

  const closePopup = (): void => {
    if (popup.current && !popup.current.closed) popup.current.close();
    popup.current = null;
  };

  /** The order is paid: show its receipt (once). */
  const finishPaid = useCallback(
    async (now?: OrderView): Promise<void> => {
      if (finished.current) return;
      finished.current = true;
      const [o, receipt] = await Promise.all([
        now ? Promise.resolve(now) : call(api.orders.get({ orderId: order.id })),
        call(api.orders.receipt({ orderId: order.id, reprint: false })),
      ]);
      if (!alive.current) return;
      if (o && receipt) onPaid({ order: o, receipt });
      else finished.current = false;
    },
    [order.id, call, onPaid],
  );

  /**
   * The order left the `open` state elsewhere (another window, the orders screen, an intermediary's
   * notification): follow it, so the clerk is never stuck on a payment that is already over.
   */
  const settle = useCallback(async (): Promise<void> => {
    const now = await api.orders.get({ orderId: order.id }).catch(() => null);
    if (!alive.current || !now?.ok || now.value.status === 'open' || finished.current) return;
    if (now.value.status === 'cancelled') {
      finished.current = true;
      notifier.say('info', 'pay.cancelledElsewhere', { number: now.value.number });
      onCancelled(now.value);
      return;
    }
    await finishPaid(now.value);
  }, [order.id, notifier, onCancelled, finishPaid]);

  useEffect(
    () =>
      api.on('order.changed', (change) => {
        if (change.orderId === order.id && change.status !== 'open' && !ownRequest.current) void settle();
      }),
    [order.id, settle],
  );

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
        setChoice(choiceOf(v));
        notifier.say('info', 'attempt.resumed', { number: order.number, provider: t(`method.${v.provider}`) });
      } else if (!open.ok) notifier.error(open.error);
    })();
    return () => {
      live = false;
    };
    // `t` changes with the language; the resumed notice re-translates by itself
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [order.id, order.number, notifier]);

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
        if (r.ok && alive.current) accept(r.value);
      });
    }, 2000);
    return () => {
      off();
      window.clearInterval(timer);
    };
  }, [attemptId, following, accept]);

  // Being cancelled: the clerk can take cash while the intermediary confirms.
  useEffect(() => {
    if (!closing) return;
    closePopup();
    setChoice('cash');
    window.setTimeout(() => input.current?.focus(), 0);
  }, [closing]);

  // The attempt ended: paid → receipt; anything else → back to the method choice, order intact.
  useEffect(() => {
    if (!attempt || attempt.display.open) return;
    closePopup();
    if (attempt.display.phase === 'paid') {
      void finishPaid();
      return;
    }
    setEnded(attempt);
    setAttempt(null);
    setPopupBlocked(false);
    if (attempt.mode === 'payment_code') {
      setChoice('code');
      window.setTimeout(() => codeInput.current?.focus(), 0);
    } else {
      setChoice('cash');
      window.setTimeout(() => input.current?.focus(), 0);
    }
  }, [attempt, finishPaid]);

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

  const startAttempt = async (c: MethodChoice, authCode?: { provider: ProviderId; code: string }): Promise<void> => {
    if (locked || busy || finished.current) return;
    if (c.kind === 'cash') return;
    const provider = c.kind === 'code' ? authCode?.provider : c.provider;
    if (!provider) return;
    setEnded(null);
    setCodeProblem(null);
    setPopupBlocked(false);
    // the popup must open inside the click; it shows a line of text until the cashier page loads
    const pre =
      c.kind === 'redirect' && isBrowserMode
        ? openCashierWindow(t('attempt.status.starting', { provider: t(`method.${c.provider}`) }))
        : null;
    const id = choiceId(c);
    setStarting(id);
    setChoice(id);
    const r = await settled(
      api.payments.start({
        orderId: order.id,
        provider,
        mode: c.kind === 'code' ? 'payment_code' : c.kind,
        ...(authCode ? { authCode: authCode.code } : {}),
      }),
    );
    if (!alive.current) return;
    setStarting(null);
    if (!r.ok) {
      pre?.close();
      failStart(r.error, c);
      return;
    }
    const v = r.value;
    setAttempt(v);
    setChoice(choiceOf(v));
    if (c.kind === 'code') setCode('');
    if (v.mode === 'redirect' && v.display.open) {
      popup.current = pre;
      await showCashier(v, pre);
    } else pre?.close();
  };

  const failStart = (error: PosErrorShape, c: MethodChoice): void => {
    if (c.kind !== 'code' || error.code === 'PAYMENT_IN_PROGRESS') notifier.error(error);
    if (error.code === 'PAYMENT_IN_PROGRESS') {
      // show the payment that is under way, so it can be waited for or stopped
      void settled(api.payments.forOrder({ orderId: order.id })).then((open) => {
        if (!alive.current || !open.ok || !open.value) return;
        setAttempt(open.value);
        setChoice(choiceOf(open.value));
      });
      return;
    }
    if (c.kind === 'code') {
      setChoice('code');
      setCodeProblem({ error });
    } else setChoice('cash');
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
    if (!alive.current) return;
    setQuerying(false);
    if (v) accept(v);
  };

  const stop = async (): Promise<void> => {
    if (!attempt || stopping) return;
    setStopping(true);
    const v = await call(api.payments.stop({ attemptId: attempt.id }));
    if (!alive.current) return;
    setStopping(false);
    setConfirmStop(false);
    if (v) accept(v);
  };

  /** A code from the wedge scanner or the field: which provider, by its prefix, then start. */
  const submitCode = (raw: string): void => {
    if (!codeChoice || locked) return;
    const value = raw.replace(/\s+/g, '');
    setCode(value);
    if (value === '') {
      setCodeProblem({ key: 'code.empty' });
      codeInput.current?.focus();
      return;
    }
    const verdict = classifyPaymentCode(value, codeChoice.providers);
    const providerName = (p: ProviderId) => t(`method.${p}`);
    if (verdict.kind === 'ok') {
      void startAttempt(codeChoice, { provider: verdict.provider, code: value });
      return;
    }
    if (verdict.kind === 'unknown') setCodeProblem({ key: 'code.unknown', params: { code: value } });
    else if (verdict.kind === 'ambiguous')
      setCodeProblem({
        key: 'code.ambiguous',
        params: { code: value, providers: verdict.providers.map(providerName).join(t('code.or')) },
      });
    else setCodeProblem({ key: 'code.disabled', params: { code: value, provider: providerName(verdict.provider) } });
    codeInput.current?.focus();
    codeInput.current?.select();
  };

  // While the payment-code step shows, a scan anywhere on the page is the customer's code.
  const codeStep = choice === 'code' && codeChoice !== null && !locked;
  useEffect(() => {
    if (codeStep) codeInput.current?.focus();
  }, [codeStep]);
  const submitCodeRef = useRef(submitCode);
  useEffect(() => {
    submitCodeRef.current = submitCode;
  });
  useEffect(() => {
    if (!codeStep) return undefined;
    scanTargetRef.current = (scanned: string) => submitCodeRef.current(scanned);
    return () => {
      scanTargetRef.current = null;
    };
  }, [codeStep, scanTargetRef]);

  const complete = async (): Promise<void> => {
    if (busy || locked) return;
    if (text.trim() === '') {
      setProblem(t('pay.enterAmount'));
      input.current?.focus();
      return;
    }
    if (tendered === null) {
      setProblem(t('pay.badAmount', { text: text.trim() }));
      input.current?.focus();
      return;
    }
    if (tendered < order.totalFen) {
      setProblem(t('pay.tooLow', { tendered: formatFen(tendered), total: formatFen(order.totalFen) }));
      input.current?.focus();
      return;
    }
    setBusy(true);
    ownRequest.current = true;
    // while an intermediary payment is still being closed upstream the clerk has been warned (the
    // closing strip); taking cash then is an explicit override, recorded in the payment timeline
    // overriding it needs the owner: main refuses the clerk alone, and the owner approves with a PIN
    const paid = closing
      ? await approve(
          (pin) =>
            api.checkout.payCash({
              orderId: order.id,
              tenderedFen: tendered,
              overrideOpenAttempt: true,
              approvalPin: pin,
            }),
          'approval.reason.cashOverride',
          { number: order.number, provider: attempt ? t(`method.${attempt.provider}`) : '' },
        )
      : await call(api.checkout.payCash({ orderId: order.id, tenderedFen: tendered }));
    ownRequest.current = false;
    setBusy(false);
    if (paid) {
      finished.current = true;
      onPaid(paid);
    } else void settle();
  };

  const cancelOrder = async (): Promise<void> => {
    setBusy(true);
    ownRequest.current = true;
    const cancelled = await call(api.orders.cancel({ orderId: order.id, restoreCart: true }));
    ownRequest.current = false;
    setBusy(false);
    setConfirmCancel(false);
    if (cancelled) {
      finished.current = true;
      notifier.say('info', 'pay.cancelled', { number: cancelled.number });
      onCancelled(cancelled);
    } else void settle();
  };

  const pick = (c: MethodChoice): void => {
    if (locked || (closing && c.kind !== 'cash')) {
      notifier.say('error', 'pay.methodBusy');
      return;
    }
    setEnded(null);
    if (c.kind === 'cash') {
      setChoice('cash');
      window.setTimeout(() => input.current?.focus(), 0);
    } else if (c.kind === 'code') {
      setChoice('code');
      setCodeProblem(null);
      window.setTimeout(() => codeInput.current?.focus(), 0);
    } else void startAttempt(c);
  };

  useShortcuts({
    Enter: { run: () => void complete(), when: (e) => notOnButton(e) && choice === 'cash' && !locked },
    Escape: () => {
      if (active) setConfirmStop(true);
      else if (!locked && !closing) setConfirmCancel(true);
    },
  });

  const retryChoice =
    ended && ended.mode !== 'payment_code' ? choices.find((c) => choiceId(c) === choiceOf(ended)) : undefined;

  return (
    <div className="pay" data-testid="pay-screen" data-order-id={order.id}>
      <section className="pay-summary">
        <button
          type="button"
          className="btn btn-ghost pay-back"
          onClick={() => setConfirmCancel(true)}
          disabled={busy || locked || closing}
          title={
            (active || closing) && attempt
              ? t('pay.cancelBlocked', { provider: t(`method.${attempt.provider}`) })
              : undefined
          }
          data-testid="pay-cancel"
        >
          ‹ {t('pay.cancelOrder')} {locked || closing ? null : <kbd>Esc</kbd>}
        </button>
        <div className="pay-label">{t('pay.order')}</div>
        <div className="order-number" data-testid="order-number">
          {order.number}
        </div>
        <div className="pay-label">{t('pay.due')}</div>
        <div className="amount-due" data-testid="amount-due">
          {formatFen(order.totalFen)}
        </div>
        <div className="pay-items muted">{t('pay.items', { count: order.itemCount })}</div>
        <ul className="pay-lines" data-testid="pay-lines">
          {order.lines.map((l) => (
            <li key={l.lineNo}>
              <span className="pay-line-name">{names(locale, l).main}</span>
              <span className="pay-line-qty">× {l.qty}</span>
              <span className="pay-line-amount">{formatFen(l.grossFen)}</span>
            </li>
          ))}
        </ul>
        {order.lineDiscountFen + order.orderDiscountFen > 0 ? (
          <div className="pay-discounts muted">
            {t('cart.subtotal')} {formatFen(order.subtotalFen)} · {t('cart.discounts')} −
            {formatFen(order.lineDiscountFen + order.orderDiscountFen)}
          </div>
        ) : null}
      </section>

      <section className="pay-tender">
        <div className="pay-label">{t('pay.method')}</div>
        <div className={`methods${choices.length > 1 ? ' methods-many' : ''}`}>
          {choices.map((c) => {
            const id = choiceId(c);
            const on = choice === id;
            return (
              <MethodButton
                key={id}
                choice={c}
                on={on}
                disabled={(locked && !on) || (closing && c.kind !== 'cash')}
                busy={starting === id}
                onClick={() => (on && c.kind === 'cash' ? input.current?.focus() : pick(c))}
              />
            );
          })}
        </div>

        {ended ? (
          <div
            className="payment-ended"
            role="alert"
            data-testid="payment-ended"
            data-state={ended.state}
            data-provider={ended.provider}
          >
            <AttemptStatus attempt={ended} />
            <p className="payment-ended-next">{t('attempt.stillOpen', { number: order.number })}</p>
            {retryChoice ? (
              <button
                type="button"
                className="btn"
                onClick={() => void startAttempt(retryChoice)}
                disabled={locked}
                data-testid="payment-retry"
              >
                {t('attempt.retry', { method: t(`method.${ended.provider}`) })}
              </button>
            ) : null}
          </div>
        ) : null}

        {closing && attempt ? (
          <ClosingStrip attempt={attempt} querying={querying} onQueryNow={() => void queryNow()} />
        ) : null}

        {attempt && !closing ? (
          <AttemptPanel
            attempt={attempt}
            sandbox={sandbox}
            querying={querying}
            stopping={stopping}
            onQueryNow={() => void queryNow()}
            onStop={() => void stop()}
            onReopen={attempt.mode === 'redirect' ? reopenCashier : undefined}
            popupBlocked={popupBlocked}
          />
        ) : starting !== null && starting !== 'code' ? (
          <StartingPanel choice={choices.find((c) => choiceId(c) === starting) ?? null} />
        ) : choice === 'code' && codeChoice ? (
          <form
            className="code-entry"
            onSubmit={(e) => {
              e.preventDefault();
              submitCode(code);
            }}
            data-testid="payment-code-step"
          >
            <h2 className="code-title">{t('code.title')}</h2>
            {ended ? null : (
              <p className="code-hint">
                {t('code.hint', { providers: codeChoice.providers.map((p) => t(`method.${p}`)).join(t('code.or')) })}
              </p>
            )}
            <label className="field">
              <span>{t('code.label')}</span>
              <input
                ref={codeInput}
                className="input code-input"
                type="text"
                inputMode="numeric"
                autoComplete="off"
                spellCheck={false}
                maxLength={40}
                value={code}
                onChange={(e) => {
                  setCode(e.target.value);
                  setCodeProblem(null);
                }}
                disabled={starting !== null}
                autoFocus
                data-testid="payment-code-input"
              />
            </label>
            {codeProblem ? (
              <p className="form-error" role="alert" data-testid="payment-code-error">
                {'error' in codeProblem
                  ? errorText(codeProblem.error, locale).text
                  : t(codeProblem.key, codeProblem.params)}
              </p>
            ) : null}
            <button
              type="submit"
              className="btn btn-go complete"
              disabled={starting !== null}
              data-testid="payment-code-submit"
            >
              {starting !== null ? t('pay.working') : t('code.submit')} <kbd>Enter</kbd>
            </button>
          </form>
        ) : (
          <CashForm
            inputRef={input}
            text={text}
            setText={(v) => {
              setText(v);
              setProblem(null);
            }}
            setAmount={setAmount}
            total={order.totalFen}
            tendered={tendered}
            enough={enough}
            problem={problem}
            busy={busy}
            onComplete={() => void complete()}
          />
        )}
      </section>

      {confirmCancel ? (
        <ConfirmDialog
          text={t('pay.confirmCancel', { number: order.number })}
          yesLabel={t('pay.confirmCancelYes')}
          danger
          busy={busy}
          onNo={() => {
            setConfirmCancel(false);
            input.current?.focus();
          }}
          onYes={() => void cancelOrder()}
        />
      ) : null}
      {confirmStop && attempt ? (
        <ConfirmDialog
          text={t('attempt.confirmStop', {
            provider: t(`method.${attempt.provider}`),
            amount: formatFen(attempt.amountFen),
          })}
          yesLabel={t('attempt.confirmStopYes')}
          danger
          busy={stopping}
          onNo={() => setConfirmStop(false)}
          onYes={() => void stop()}
        />
      ) : null}
    </div>
  );
}

function MethodButton({
  choice,
  on,
  disabled,
  busy,
  onClick,
}: {
  choice: MethodChoice;
  on: boolean;
  disabled: boolean;
  busy: boolean;
  onClick: () => void;
}) {
  const { t } = useI18n();
  let label: string;
  let sub: string | null = null;
  let mark = '¥';
  let color = 'var(--go)';
  if (choice.kind === 'cash') label = t('pay.cash');
  else if (choice.kind === 'code') {
    label = t('pay.code');
    sub = choice.providers.map((p) => t(`method.${p}`)).join(' / ');
    mark = '▦';
    color = choice.providers.length === 1 ? PROVIDER_LOOK[choice.providers[0]!].color : '#4338ca';
  } else {
    const look = PROVIDER_LOOK[choice.provider];
    label = t(`method.${choice.provider}`);
    sub = t(choice.kind === 'qr' ? 'pay.sub.qr' : 'pay.sub.redirect');
    mark = look.mark;
    color = look.color;
  }
  const demo = choice.kind !== 'cash' && choice.sandbox;
  return (
    <button
      type="button"
      className={`method${on ? ' method-on' : ''}${busy ? ' method-busy' : ''}`}
      style={{ ['--pm' as string]: color }}
      aria-pressed={on ? 'true' : 'false'}
      onClick={onClick}
      disabled={disabled}
      data-testid={choiceTestId(choice)}
      data-sandbox={demo ? 'true' : undefined}
    >
      <span className="method-icon" aria-hidden="true">
        {mark}
      </span>
      <span className="method-text">
        <span className="method-label">{label}</span>
        {sub ? <small className="method-sub">{sub}</small> : null}
      </span>
      {demo ? <span className="method-demo">{t('pay.demoTag')}</span> : null}
    </button>
  );
}

/** A stopped or expired attempt still being cancelled upstream, above the cash form. */
function ClosingStrip({
  attempt,
  querying,
  onQueryNow,
}: {
  attempt: AttemptView;
  querying: boolean;
  onQueryNow: () => void;
}) {
  const { t } = useI18n();
  const provider = t(`method.${attempt.provider}`);
  return (
    <div
      className="payment-closing"
      data-testid="payment-closing"
      data-attempt-id={attempt.id}
      data-provider={attempt.provider}
    >
      <AttemptStatus attempt={attempt} />
      <div className="payment-closing-row">
        <p className="payment-ended-next">{t('attempt.closingCash', { provider })}</p>
        <button type="button" className="btn" onClick={onQueryNow} disabled={querying} data-testid="payment-query-now">
          {querying ? t('attempt.checking') : t('attempt.queryNow')}
        </button>
      </div>
    </div>
  );
}

function StartingPanel({ choice }: { choice: MethodChoice | null }) {
  const { t } = useI18n();
  const provider = choice && choice.kind !== 'cash' && choice.kind !== 'code' ? choice.provider : null;
  return (
    <section
      className="attempt attempt-starting"
      style={{ ['--pm' as string]: provider ? PROVIDER_LOOK[provider].color : 'var(--primary)' }}
      data-testid="payment-starting"
    >
      <div className="attempt-status attempt-starting" role="status">
        <span className="attempt-icon attempt-icon-busy" aria-hidden="true" />
        <span className="attempt-status-text">
          {t('attempt.status.starting', { provider: provider ? t(`method.${provider}`) : '' })}
        </span>
      </div>
    </section>
  );
}

interface CashFormProps {
  inputRef: RefObject<HTMLInputElement | null>;
  text: string;
  setText: (text: string) => void;
  setAmount: (fen: number) => void;
  total: number;
  tendered: number | null;
  enough: boolean;
  problem: string | null;
  busy: boolean;
  onComplete: () => void;
}

/** Cash taken while the drawer is not open lands on no Z: say so where the cash is taken. */
function useDrawerClosed(): boolean {
  const [closed, setClosed] = useState(false);
  useEffect(() => {
    let live = true;
    void api.cashSession
      .current({})
      .then((r) => {
        if (live && r.ok) setClosed(r.value.session === null);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  return closed;
}

function CashForm({
  inputRef,
  text,
  setText,
  setAmount,
  total,
  tendered,
  enough,
  problem,
  busy,
  onComplete,
}: CashFormProps) {
  const { t } = useI18n();
  const drawerClosed = useDrawerClosed();
  return (
    <form
      className="cash"
      onSubmit={(e) => {
        e.preventDefault();
        onComplete();
      }}
    >
      {drawerClosed ? (
        <p className="cash-no-session" data-testid="cash-no-session">
          {t('pay.drawerClosed')}
        </p>
      ) : null}
      <label className="field">
        <span>{t('pay.tendered')}</span>
        <span className="input-affix">
          <span className="affix">¥</span>
          <input
            ref={inputRef}
            className="input tender-input"
            type="text"
            inputMode="decimal"
            autoComplete="off"
            maxLength={12}
            value={text}
            onChange={(e) => setText(e.target.value)}
            autoFocus
            data-testid="cash-tendered"
          />
        </span>
      </label>
      <div className="quick">
        <button type="button" className="btn btn-lg" onClick={() => setAmount(total)} data-testid="cash-exact">
          {t('pay.exact')} <small>{formatFen(total)}</small>
        </button>
        {QUICK.map((q) => (
          <button
            key={q.fen}
            type="button"
            className="btn btn-lg"
            onClick={() => setAmount(q.fen)}
            disabled={q.fen < total}
            data-testid={q.testId}
          >
            {formatFen(q.fen).replace('.00', '')}
          </button>
        ))}
      </div>

      <div className={`change${enough ? ' change-ok' : ''}`}>
        {enough && tendered !== null ? (
          <>
            <span className="change-label">{t('pay.change')}</span>
            <span className="change-due" data-testid="change-due">
              {formatFen(tendered - total)}
            </span>
          </>
        ) : (
          <>
            <span className="change-label">{t('pay.stillNeeded')}</span>
            <span className="change-short" data-testid="still-needed">
              {formatFen(tendered === null ? total : total - tendered)}
            </span>
          </>
        )}
      </div>
      {problem ? (
        <p className="form-error" role="alert" data-testid="pay-error">
          {problem}
        </p>
      ) : null}
      <button type="submit" className="btn btn-go complete" disabled={!enough || busy} data-testid="cash-complete">
        {busy ? t('pay.working') : t('pay.complete')} <kbd>Enter</kbd>
      </button>
    </form>
  );
}
