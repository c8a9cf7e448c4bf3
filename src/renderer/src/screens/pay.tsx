import { useCallback, useEffect, useRef, useState } from 'react';
import { fenToYuanString, formatFen, parseYuan } from '../../../shared/money';
import type { OrderView, PaidOrder } from '../../../shared/types';
import { api } from '../api';
import { ConfirmDialog } from '../components/modal';
import { notOnButton, useShortcuts } from '../hooks/use-shortcuts';
import { names, useI18n } from '../i18n';
import { useCall, useNotifier } from '../lib/notice';

export interface PayProps {
  order: OrderView;
  onPaid: (paid: PaidOrder) => void;
  onCancelled: (order: OrderView) => void;
}

const QUICK: { fen: number; testId: string }[] = [
  { fen: 5000, testId: 'cash-50' },
  { fen: 10000, testId: 'cash-100' },
];

/**
 * Cash tender. The change shown here is for display only (tendered − the total main returned);
 * main recomputes it when the payment is recorded.
 */
export default function PayScreen({ order, onPaid, onCancelled }: PayProps) {
  const { t, locale } = useI18n();
  const call = useCall();
  const notifier = useNotifier();
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmCancel, setConfirmCancel] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  /** True while this screen's own pay/cancel call is in flight (its own order.changed is then ignored). */
  const ownRequest = useRef(false);
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  const tendered = text.trim() === '' ? null : parseYuan(text);
  const enough = tendered !== null && tendered >= order.totalFen;

  const setAmount = (fen: number): void => {
    setText(fenToYuanString(fen));
    setProblem(null);
    input.current?.focus();
  };

  /**
   * The order left the `open` state elsewhere (another window, the orders screen): follow it, so
   * the clerk is never stuck on a payment that can no longer be taken or cancelled.
   */
  const settle = useCallback(async (): Promise<void> => {
    const now = await api.orders.get({ orderId: order.id }).catch(() => null);
    if (!alive.current || !now?.ok || now.value.status === 'open') return;
    if (now.value.status === 'cancelled') {
      notifier.say('info', 'pay.cancelledElsewhere', { number: now.value.number });
      onCancelled(now.value);
      return;
    }
    const receipt = await call(api.orders.receipt({ orderId: order.id }));
    if (receipt && alive.current) onPaid({ order: now.value, receipt });
  }, [order.id, notifier, onCancelled, onPaid, call]);

  useEffect(
    () =>
      api.on('order.changed', (change) => {
        if (change.orderId === order.id && change.status !== 'open' && !ownRequest.current) void settle();
      }),
    [order.id, settle],
  );

  const complete = async (): Promise<void> => {
    if (busy) return;
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
    const paid = await call(api.checkout.payCash({ orderId: order.id, tenderedFen: tendered }));
    ownRequest.current = false;
    setBusy(false);
    if (paid) onPaid(paid);
    else void settle();
  };

  const cancelOrder = async (): Promise<void> => {
    setBusy(true);
    ownRequest.current = true;
    const cancelled = await call(api.orders.cancel({ orderId: order.id, restoreCart: true }));
    ownRequest.current = false;
    setBusy(false);
    setConfirmCancel(false);
    if (cancelled) {
      notifier.say('info', 'pay.cancelled', { number: cancelled.number });
      onCancelled(cancelled);
    } else void settle();
  };

  useShortcuts({
    Enter: { run: () => void complete(), when: notOnButton },
    Escape: () => setConfirmCancel(true),
  });

  return (
    <div className="pay" data-testid="pay-screen" data-order-id={order.id}>
      <section className="pay-summary">
        <button type="button" className="btn btn-ghost pay-back" onClick={() => setConfirmCancel(true)} disabled={busy} data-testid="pay-cancel">
          ‹ {t('pay.cancelOrder')} <kbd>Esc</kbd>
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
        <div className="methods">
          <button type="button" className="method method-on" aria-pressed="true" onClick={() => input.current?.focus()} data-testid="pay-cash">
            <span className="method-icon" aria-hidden="true">
              ¥
            </span>
            {t('pay.cash')}
          </button>
        </div>

        <form
          className="cash"
          onSubmit={(e) => {
            e.preventDefault();
            void complete();
          }}
        >
          <label className="field">
            <span>{t('pay.tendered')}</span>
            <span className="input-affix">
              <span className="affix">¥</span>
              <input
                ref={input}
                className="input tender-input"
                type="text"
                inputMode="decimal"
                autoComplete="off"
                maxLength={12}
                value={text}
                onChange={(e) => {
                  setText(e.target.value);
                  setProblem(null);
                }}
                autoFocus
                data-testid="cash-tendered"
              />
            </span>
          </label>
          <div className="quick">
            <button type="button" className="btn btn-lg" onClick={() => setAmount(order.totalFen)} data-testid="cash-exact">
              {t('pay.exact')} <small>{formatFen(order.totalFen)}</small>
            </button>
            {QUICK.map((q) => (
              <button
                key={q.fen}
                type="button"
                className="btn btn-lg"
                onClick={() => setAmount(q.fen)}
                disabled={q.fen < order.totalFen}
                data-testid={q.testId}
              >
                {formatFen(q.fen).replace('.00', '')}
              </button>
            ))}
          </div>

          <div className={`change${enough ? ' change-ok' : ''}`}>
            {enough ? (
              <>
                <span className="change-label">{t('pay.change')}</span>
                <span className="change-due" data-testid="change-due">
                  {formatFen(tendered - order.totalFen)}
                </span>
              </>
            ) : (
              <>
                <span className="change-label">{t('pay.stillNeeded')}</span>
                <span className="change-short" data-testid="still-needed">
                  {formatFen(tendered === null ? order.totalFen : order.totalFen - tendered)}
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
    </div>
  );
}
