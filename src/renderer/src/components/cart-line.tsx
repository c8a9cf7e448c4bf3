import { memo, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { formatFen } from '../../../shared/money';
import type { CartLineView } from '../../../shared/types';
import { names, useI18n } from '../i18n';
import { discountLabel } from '../lib/format';

export interface CartLineProps {
  line: CartLineView;
  /** 0 = not highlighted; otherwise alternates 1/2 so that each new touch restarts the flash. */
  flash: 0 | 1 | 2;
  onInc: (line: CartLineView) => void;
  onDec: (line: CartLineView) => void;
  onSetQty: (line: CartLineView, text: string) => void;
  onRemove: (line: CartLineView) => void;
  onDiscount: (line: CartLineView) => void;
}

/** Tap-to-edit quantity: shows the quantity; Enter or leaving the field sets it; Escape reverts. */
function QtyInput({ line, onSetQty }: { line: CartLineView; onSetQty: CartLineProps['onSetQty'] }) {
  const { t } = useI18n();
  const [editing, setEditing] = useState<string | null>(null);
  const skipBlur = useRef(false);
  const commit = (text: string): void => {
    setEditing(null);
    if (text.trim() !== String(line.qty)) onSetQty(line, text);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>): void => {
    if (e.key === 'Enter') {
      e.preventDefault();
      skipBlur.current = true;
      commit(e.currentTarget.value);
      e.currentTarget.blur();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      skipBlur.current = true;
      setEditing(null);
      e.currentTarget.blur();
    }
  };
  return (
    <input
      className="qty-input"
      type="text"
      inputMode="numeric"
      autoComplete="off"
      maxLength={6}
      aria-label={t('cart.qty')}
      value={editing ?? String(line.qty)}
      onFocus={(e) => {
        setEditing(String(line.qty));
        e.currentTarget.select();
      }}
      onChange={(e) => setEditing(e.target.value)}
      onBlur={(e) => {
        if (skipBlur.current) {
          skipBlur.current = false;
          return;
        }
        if (editing !== null) commit(e.currentTarget.value);
      }}
      onKeyDown={onKeyDown}
      data-testid="line-qty"
    />
  );
}

export const CartLine = memo(function CartLine({
  line,
  flash,
  onInc,
  onDec,
  onSetQty,
  onRemove,
  onDiscount,
}: CartLineProps) {
  const { t, locale } = useI18n();
  const n = names(locale, line);
  const ref = useRef<HTMLLIElement>(null);
  useEffect(() => {
    if (flash) ref.current?.scrollIntoView({ block: 'nearest' });
  }, [flash]);
  return (
    <li
      ref={ref}
      className={`line${flash ? ` line-flash-${flash}` : ''}`}
      data-testid="cart-line"
      data-sku={line.sku}
      data-line-id={line.lineId}
      data-qty={line.qty}
    >
      <div className="line-top">
        <div className="line-names" title={`${line.nameZh} / ${line.nameEn}`}>
          <span className="line-name">{n.main}</span>
          <span className="line-other">{n.other}</span>
        </div>
        <button
          type="button"
          className={`btn btn-sm line-disc-btn${line.discount ? ' has-discount' : ''}`}
          onClick={() => onDiscount(line)}
          data-testid="line-discount"
        >
          {line.discount ? discountLabel(line.discount, t) : `${t('cart.discount')}…`}
        </button>
        <button
          type="button"
          className="btn btn-icon btn-ghost line-remove"
          onClick={() => onRemove(line)}
          aria-label={t('cart.removeLine', { name: n.main })}
          title={t('cart.remove')}
          data-testid="line-remove"
        >
          ×
        </button>
      </div>
      <div className="line-mid">
        <span className="line-unit" data-testid="line-unit-price">
          {t('cart.each', { price: formatFen(line.unitPriceFen) })}
        </span>
        <div className="qty">
          <button
            type="button"
            className="btn btn-icon qty-btn"
            onClick={() => onDec(line)}
            disabled={line.qty <= 1}
            aria-label={t('cart.dec')}
            data-testid="line-dec"
          >
            −
          </button>
          <QtyInput line={line} onSetQty={onSetQty} />
          <button
            type="button"
            className="btn btn-icon qty-btn"
            onClick={() => onInc(line)}
            aria-label={t('cart.inc')}
            data-testid="line-inc"
          >
            +
          </button>
        </div>
        <span className="line-amounts">
          {line.discountFen > 0 ? (
            <span className="line-saving" data-testid="line-discount-amount">
              <s>{formatFen(line.grossFen)}</s> −{formatFen(line.discountFen)}
            </span>
          ) : null}
          <span className="line-total" data-testid="line-total">
            {formatFen(line.totalFen)}
          </span>
        </span>
      </div>
    </li>
  );
});
