import { memo, useEffect, useState, type CSSProperties } from 'react';
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

/**
 * Tiles drawn at once: more than the largest counter screen shows (1920×1080 holds about 60). A store
 * with a thousand products draws the rest in slices after the first paint, so the first tile does not
 * wait for a thousand buttons (≈ 0.3 s on a counter PC) and the clerk's keys are never held for long.
 */
const FIRST_TILES = 96;
const TILES_PER_SLICE = 200;

/** How many of `count` tiles to draw: all of a short list; a long one grows by slices between frames. */
function useGrowingCount(count: number, list: unknown): number {
  const [shown, setShown] = useState(() => Math.min(count, FIRST_TILES));
  const [of, setOf] = useState(list);
  let n = shown;
  if (of !== list) {
    // a new list (category, search, catalogue change) starts again from the first slice
    n = Math.min(count, FIRST_TILES);
    setOf(list);
    setShown(n);
  }
  useEffect(() => {
    if (n >= count) return undefined;
    // the next slice after the browser has painted this one: a timer alone often fires before the
    // frame, and the first tiles then wait for the layout of the next 200 too (aged store, 1,068 tiles)
    let timer: number | undefined;
    const frame = window.requestAnimationFrame(() => {
      timer = window.setTimeout(() => setShown((s) => Math.min(count, s + TILES_PER_SLICE)), 0);
    });
    return () => {
      window.cancelAnimationFrame(frame);
      window.clearTimeout(timer);
    };
  }, [n, count]);
  return Math.min(n, count);
}

/** Big tiles: name in the current language, the other language small beneath, price large. */
export const ProductGrid = memo(function ProductGrid({ products, colors, onAdd, highlight }: ProductGridProps) {
  const { locale } = useI18n();
  const shown = useGrowingCount(products.length, products);
  // the highlighted search result is always drawn, even before its slice
  const hi = highlight == null ? -1 : products.findIndex((p) => p.id === highlight);
  const drawn = hi >= shown ? products.slice(0, hi + 1) : products.slice(0, shown);
  return (
    <div className="grid" data-testid="product-grid" aria-busy={drawn.length < products.length || undefined}>
      {drawn.map((p) => {
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
