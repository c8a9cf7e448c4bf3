import { memo, type CSSProperties } from 'react';
import { formatFen } from '../../../shared/money';
import type { Product } from '../../../shared/types';
import { names, useI18n } from '../i18n';

export interface ProductGridProps {
  products: Product[];
  colors: ReadonlyMap<number, string>;
  onAdd: (product: Product) => void;
  /** the search result the arrow keys point at */
  highlight?: number | null;
}

/** Big tiles: name in the current language, the other language small beneath, price large. */
export const ProductGrid = memo(function ProductGrid({ products, colors, onAdd, highlight }: ProductGridProps) {
  const { locale } = useI18n();
  return (
    <div className="grid" data-testid="product-grid">
      {products.map((p) => {
        const n = names(locale, p);
        return (
          <button
            key={p.id}
            type="button"
            className={`tile${p.id === highlight ? ' tile-hi' : ''}`}
            ref={p.id === highlight ? (el) => el?.scrollIntoView({ block: 'nearest' }) : undefined}
            aria-current={p.id === highlight ? 'true' : undefined}
            style={{ '--cat': colors.get(p.categoryId) ?? '#94a3b8' } as CSSProperties}
            onClick={() => onAdd(p)}
            data-testid="product-tile"
            data-sku={p.sku}
            data-product-id={p.id}
            title={`${p.nameZh} / ${p.nameEn} · ${p.sku}${p.barcode ? ` · ${p.barcode}` : ''}`}
          >
            <span className="tile-name">{n.main}</span>
            <span className="tile-other">{n.other}</span>
            <span className="tile-foot">
              <span className="tile-price">{formatFen(p.priceFen)}</span>
              {locale === 'zh-CN' && p.unit ? <span className="tile-unit">/{p.unit}</span> : null}
            </span>
          </button>
        );
      })}
    </div>
  );
});
