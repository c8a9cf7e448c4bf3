import { useCallback, useState, type ReactNode } from 'react';
import type { PosErrorShape } from '../../../shared/errors';
import { formatFen } from '../../../shared/money';
import type { CartLineView, CartView, Discount } from '../../../shared/types';
import { names, useI18n } from '../i18n';
import { discountLabel } from '../lib/format';
import { CartLine } from './cart-line';
import { DiscountDialog } from './discount-dialog';
import { ConfirmDialog } from './modal';
import { ParkedDialog } from './parked-dialog';

export interface CartOps {
  inc: (line: CartLineView) => void;
  dec: (line: CartLineView) => void;
  setQty: (line: CartLineView, text: string) => void;
  remove: (line: CartLineView) => void;
  setLineDiscount: (line: CartLineView, discount: Discount | null) => Promise<PosErrorShape | null>;
  setOrderDiscount: (discount: Discount | null) => Promise<PosErrorShape | null>;
  clear: () => void;
  park: () => void;
  resume: (cartId: number) => Promise<boolean>;
  checkout: () => void;
}

export interface CartPanelProps {
  cart: CartView;
  flash: { productId: number | null; seq: number };
  parkedCount: number;
  busy: boolean;
  ops: CartOps;
  /** a line above the checkout button (Sell: the drawer must be opened before cash) */
  notice?: ReactNode;
}

export function CartPanel({ cart, flash, parkedCount, busy, ops, notice }: CartPanelProps) {
  const { t, locale } = useI18n();
  const [discountFor, setDiscountFor] = useState<CartLineView | 'order' | null>(null);
  const [confirmClear, setConfirmClear] = useState(false);
  const [showParked, setShowParked] = useState(false);
  const empty = cart.lines.length === 0;
  const discountFen = cart.lineDiscountFen + cart.orderDiscountFen;
  const onDiscount = useCallback((line: CartLineView) => setDiscountFor(line), []);
  const lineForDialog =
    discountFor && discountFor !== 'order' ? cart.lines.find((l) => l.lineId === discountFor.lineId) : undefined;

  return (
    <section className="cart" data-testid="cart" data-cart-id={cart.id} aria-label={t('cart.title')}>
      <div className="cart-head">
        <h2>{t('cart.title')}</h2>
        {cart.label ? <span className="tag">{cart.label}</span> : null}
        <span className="cart-count" data-testid="cart-count">
          {t('cart.items', { count: cart.itemCount })}
        </span>
      </div>

      {empty ? (
        <div className="cart-empty" data-testid="cart-empty">
          <span className="cart-empty-icon" aria-hidden="true">
            ▦
          </span>
          {t('cart.empty')}
        </div>
      ) : (
        <ul className="lines" data-testid="cart-lines">
          {cart.lines.map((line) => (
            <CartLine
              key={line.lineId}
              line={line}
              flash={flash.productId === line.productId && flash.seq > 0 ? (flash.seq % 2 === 0 ? 2 : 1) : 0}
              onInc={ops.inc}
              onDec={ops.dec}
              onSetQty={ops.setQty}
              onRemove={ops.remove}
              onDiscount={onDiscount}
            />
          ))}
        </ul>
      )}

      <div className="totals">
        <div className="total-row">
          <span>{t('cart.subtotal')}</span>
          <span className="amount" data-testid="cart-subtotal">
            {formatFen(cart.subtotalFen)}
          </span>
        </div>
        <div className="total-row total-discount">
          <span>
            {t('cart.discounts')}
            {cart.orderDiscount ? (
              <small className="order-disc-note" data-testid="order-discount-label">
                {' '}
                · {t('cart.orderDiscount')}{' '}
                {cart.orderDiscount.kind === 'percent' ? `${discountLabel(cart.orderDiscount, t)} ` : ''}−
                {formatFen(cart.orderDiscountFen)}
              </small>
            ) : null}
          </span>
          <span className={`amount${discountFen > 0 ? ' has-amount' : ''}`} data-testid="cart-discount">
            {discountFen > 0 ? `−${formatFen(discountFen)}` : formatFen(0)}
          </span>
        </div>
        <div className="total-row total-grand">
          <span>{t('cart.total')}</span>
          <span className="amount" data-testid="cart-total">
            {formatFen(cart.totalFen)}
          </span>
        </div>
      </div>

      <div className="cart-actions">
        <button
          type="button"
          className="btn"
          onClick={() => setConfirmClear(true)}
          disabled={empty}
          data-testid="cart-clear"
        >
          {t('cart.clear')}
        </button>
        <button
          type="button"
          className={`btn${cart.orderDiscount ? ' has-discount' : ''}`}
          onClick={() => setDiscountFor('order')}
          disabled={empty}
          data-testid="order-discount"
        >
          {t('cart.orderDiscount')}
        </button>
        <button type="button" className="btn" onClick={ops.park} disabled={empty || busy} data-testid="cart-park">
          {t('cart.park')} <kbd>F9</kbd>
        </button>
        <button type="button" className="btn" onClick={() => setShowParked(true)} data-testid="parked-carts">
          {t('cart.parked')}
          {parkedCount > 0 ? (
            <span className="badge" data-testid="parked-count">
              {parkedCount}
            </span>
          ) : null}
        </button>
      </div>
      {notice}
      <button
        type="button"
        className="btn btn-go checkout"
        onClick={ops.checkout}
        disabled={empty || busy}
        data-testid="checkout"
      >
        <span>{t('cart.checkout')}</span>
        <span className="checkout-amount">{formatFen(cart.totalFen)}</span>
        <kbd>F4</kbd>
      </button>

      {discountFor === 'order' ? (
        <DiscountDialog
          title={t('discount.orderTitle')}
          current={cart.orderDiscount}
          onApply={ops.setOrderDiscount}
          onClose={() => setDiscountFor(null)}
          testId="discount-dialog"
        />
      ) : lineForDialog ? (
        <DiscountDialog
          title={t('discount.lineTitle', { name: names(locale, lineForDialog).main })}
          current={lineForDialog.discount}
          onApply={(d) => ops.setLineDiscount(lineForDialog, d)}
          onClose={() => setDiscountFor(null)}
          testId="discount-dialog"
        />
      ) : null}
      {confirmClear ? (
        <ConfirmDialog
          text={t('cart.confirmClear', { count: cart.itemCount })}
          yesLabel={t('cart.confirmClearYes')}
          danger
          onNo={() => setConfirmClear(false)}
          onYes={() => {
            setConfirmClear(false);
            ops.clear();
          }}
        />
      ) : null}
      {showParked ? (
        <ParkedDialog
          onClose={() => setShowParked(false)}
          onResume={async (id) => {
            if (await ops.resume(id)) setShowParked(false);
          }}
        />
      ) : null}
    </section>
  );
}
