import { formatFen } from '../../../shared/money';
import type { Receipt } from '../../../shared/types';
import { useI18n } from '../i18n';
import { formatDateTime } from '../lib/format';

/**
 * A paper-like receipt (80 mm when printed). Line names are in the current language; product
 * lines show qty × unit price and the line amount before the line discount, the discount beneath.
 */
export function ReceiptView({ receipt, reprint }: { receipt: Receipt; reprint?: boolean }) {
  const { t, locale, timeZone } = useI18n();
  const showReprint = reprint || receipt.reprint;
  const at = receipt.paidAt ?? receipt.createdAt;
  return (
    <article
      className="paper print-area"
      data-testid="receipt"
      data-number={receipt.number}
      data-order-id={receipt.orderId}
    >
      {showReprint ? (
        <div className="paper-reprint" data-testid="receipt-reprint">
          REPRINT / 重印
        </div>
      ) : null}
      <header className="paper-head">
        <div className="paper-store" data-testid="receipt-store">
          {receipt.storeName}
        </div>
        {receipt.storeAddress ? <div>{receipt.storeAddress}</div> : null}
        {receipt.storePhone ? <div>{receipt.storePhone}</div> : null}
      </header>
      <dl className="paper-meta">
        <dt>{t('receipt.order')}</dt>
        <dd className="paper-number" data-testid="receipt-number">
          {receipt.number}
        </dd>
        <dt>{t('receipt.time')}</dt>
        <dd data-testid="receipt-time">{formatDateTime(at, locale, timeZone)}</dd>
        <dt>{t('receipt.terminal')}</dt>
        <dd>{receipt.terminal}</dd>
        <dt>{t('receipt.clerk')}</dt>
        <dd data-testid="receipt-clerk">{receipt.clerk}</dd>
      </dl>
      <hr />
      <ul className="paper-lines">
        {receipt.lines.map((l) => (
          <li key={l.lineNo} data-testid="receipt-line" data-sku={l.sku}>
            <div className="paper-line-name">{locale === 'zh-CN' ? l.nameZh : l.nameEn}</div>
            <div className="paper-row">
              <span>
                {l.qty} × {formatFen(l.unitPriceFen)}
              </span>
              <span>{formatFen(l.grossFen)}</span>
            </div>
            {l.lineDiscountFen > 0 ? (
              <div className="paper-row paper-disc">
                <span>{t('receipt.discount')}</span>
                <span>−{formatFen(l.lineDiscountFen)}</span>
              </div>
            ) : null}
          </li>
        ))}
      </ul>
      <hr />
      <div className="paper-row">
        <span>{t('receipt.subtotal')}</span>
        <span data-testid="receipt-subtotal">{formatFen(receipt.subtotalFen)}</span>
      </div>
      {receipt.lineDiscountFen > 0 ? (
        <div className="paper-row">
          <span>{t('receipt.lineDiscounts')}</span>
          <span>−{formatFen(receipt.lineDiscountFen)}</span>
        </div>
      ) : null}
      {receipt.orderDiscountFen > 0 ? (
        <div className="paper-row">
          <span>{t('receipt.orderDiscount')}</span>
          <span data-testid="receipt-order-discount">−{formatFen(receipt.orderDiscountFen)}</span>
        </div>
      ) : null}
      <div className="paper-row paper-total">
        <span>{t('receipt.total')}</span>
        <span data-testid="receipt-total">{formatFen(receipt.totalFen)}</span>
      </div>
      <hr />
      {receipt.parts.length > 1 ? (
        // split tender (组合支付): one line per part, tendered and change under the cash part
        <div data-testid="receipt-parts">
          <div className="paper-row">
            <span>{t('receipt.parts')}</span>
            <span />
          </div>
          {receipt.parts.map((p) => (
            <div key={p.attemptId} data-testid="receipt-part" data-method={p.method}>
              <div className="paper-row">
                <span>{t(`method.${p.method}`)}</span>
                <span>{formatFen(p.amountFen)}</span>
              </div>
              {p.tenderedFen !== null ? (
                <div className="paper-row paper-sub">
                  <span>{t('receipt.tendered')}</span>
                  <span data-testid="receipt-tendered">{formatFen(p.tenderedFen)}</span>
                </div>
              ) : null}
              {p.changeFen !== null ? (
                <div className="paper-row paper-sub">
                  <span>{t('receipt.change')}</span>
                  <span data-testid="receipt-change">{formatFen(p.changeFen)}</span>
                </div>
              ) : null}
            </div>
          ))}
        </div>
      ) : receipt.method ? (
        <>
          <div className="paper-row">
            <span>{t('receipt.method')}</span>
            <span data-testid="receipt-method">{t(`method.${receipt.method}`)}</span>
          </div>
          {receipt.tenderedFen !== null ? (
            <div className="paper-row">
              <span>{t('receipt.tendered')}</span>
              <span data-testid="receipt-tendered">{formatFen(receipt.tenderedFen)}</span>
            </div>
          ) : null}
          {receipt.changeFen !== null ? (
            <div className="paper-row">
              <span>{t('receipt.change')}</span>
              <span data-testid="receipt-change">{formatFen(receipt.changeFen)}</span>
            </div>
          ) : null}
        </>
      ) : (
        <div className="paper-unpaid">{t('receipt.unpaid')}</div>
      )}
      <footer className="paper-foot">{t('receipt.thanks')}</footer>
    </article>
  );
}
