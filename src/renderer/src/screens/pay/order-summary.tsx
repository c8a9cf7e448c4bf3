import { formatFen } from '../../../../shared/money';
import type { OrderView } from '../../../../shared/types';
import { names, useI18n } from '../../i18n';

/** The order being paid: its number, the amount due and its lines, with "cancel the order". */
export function OrderSummary({
  order,
  cancelDisabled,
  cancelTitle,
  showEsc,
  onCancel,
}: {
  order: OrderView;
  cancelDisabled: boolean;
  /** why the order cannot be cancelled now */
  cancelTitle: string | undefined;
  showEsc: boolean;
  onCancel: () => void;
}) {
  const { t, locale } = useI18n();
  return (
    <section className="pay-summary">
      <button
        type="button"
        className="btn btn-ghost pay-back"
        onClick={onCancel}
        disabled={cancelDisabled}
        title={cancelTitle}
        data-testid="pay-cancel"
      >
        ‹ {t('pay.cancelOrder')} {showEsc ? <kbd>Esc</kbd> : null}
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
  );
}
