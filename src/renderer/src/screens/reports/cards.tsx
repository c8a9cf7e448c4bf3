/** The sales review's summary cards: net, orders, average ticket, refunds, discounts. */
import type { SalesReport } from '../../../../shared/types';
import { useI18n, type MessageKey } from '../../i18n';
import { count, minus, money, signed } from './report-format';

export function Cards({ r }: { r: SalesReport }) {
  const { t } = useI18n();
  const s = r.summary;
  const card = (id: string, label: MessageKey, value: string, raw: number | null, hint: string, tone = '') => (
    <div className={`reports-card${tone}`} data-testid="reports-card" data-card={id} data-value={raw ?? ''}>
      <span className="reports-card-label">{t(label)}</span>
      <strong className="reports-card-value" data-testid="reports-card-value">
        {value}
      </strong>
      <span className="reports-card-hint">{hint}</span>
    </div>
  );
  return (
    <div className="reports-cards">
      {card('net', 'reports.card.net', signed(s.netFen), s.netFen, t('reports.card.netHint'), ' is-main')}
      {card(
        'orders',
        'reports.card.orders',
        count(s.orders),
        s.orders,
        t('reports.card.ordersHint', { items: count(s.items) }),
      )}
      {card(
        'avg',
        'reports.card.avg',
        s.avgTicketFen === null ? '—' : money(s.avgTicketFen),
        s.avgTicketFen,
        t('reports.card.avgHint'),
      )}
      {card(
        'refunds',
        'reports.card.refunds',
        minus(s.refundFen),
        s.refundFen,
        t('reports.card.refundsHint', { count: s.refunds, n: count(s.refunds) }),
        s.refundFen > 0 ? ' is-minus' : '',
      )}
      {card(
        'discounts',
        'reports.card.discounts',
        minus(s.discountFen),
        s.discountFen,
        t('reports.card.discountsHint', { gross: money(s.grossFen) }),
      )}
    </div>
  );
}
