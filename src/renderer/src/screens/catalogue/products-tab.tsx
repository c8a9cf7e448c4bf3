/** Manage → Catalogue → Products: search and filters, the table with stock, and the way to the product and stock dialogs. */
import { useEffect, useMemo, useRef, useState } from 'react';
import { formatFen } from '../../../../shared/money';
import type { CatalogueCategory, CatalogueProduct } from '../../../../shared/types';
import { useShortcuts } from '../../hooks/use-shortcuts';
import { names, useI18n } from '../../i18n';
import { ProductDialog } from './product-dialog';
import { StockCell, StockDialog } from './stock-dialog';
import { useProductList } from './use-product-list';

export function ProductsTab({
  categories,
  onDialog,
}: {
  categories: CatalogueCategory[];
  onDialog: (open: boolean) => void;
}) {
  const { t, locale } = useI18n();
  const { query, setQuery, debounced, categoryId, setCategoryId, status, setStatus, list, load } = useProductList();
  const [editing, setEditing] = useState<CatalogueProduct | 'new' | null>(null);
  const [stockOf, setStockOf] = useState<CatalogueProduct | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);

  useEffect(() => onDialog(editing !== null || stockOf !== null), [editing, stockOf, onDialog]);

  const colour = useMemo(() => new Map(categories.map((c) => [c.id, c])), [categories]);
  useShortcuts({ F2: () => searchRef.current?.focus(), '/': () => searchRef.current?.focus() });

  return (
    <section className="catalogue-panel" data-testid="catalogue-products">
      <div className="catalogue-toolbar">
        <input
          ref={searchRef}
          className="input input-md catalogue-search"
          type="search"
          autoComplete="off"
          spellCheck={false}
          maxLength={64}
          placeholder={t('catalogue.searchPlaceholder')}
          aria-label={t('catalogue.searchPlaceholder')}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          data-testid="catalogue-search"
        />
        <select
          className="input input-md select catalogue-filter"
          value={categoryId ?? ''}
          onChange={(e) => setCategoryId(e.target.value ? Number(e.target.value) : null)}
          aria-label={t('catalogue.col.category')}
          data-testid="catalogue-category-filter"
        >
          <option value="">{t('catalogue.allCategories')}</option>
          {categories.map((c) => (
            <option key={c.id} value={c.id}>
              {names(locale, c).main}
            </option>
          ))}
        </select>
        <div className="catalogue-status" role="group" aria-label={t('catalogue.col.status')}>
          {(['active', 'retired', 'all'] as const).map((s) => (
            <button
              key={s}
              type="button"
              className={`seg${status === s ? ' seg-on' : ''}`}
              aria-pressed={status === s}
              onClick={() => setStatus(s)}
              data-testid={`catalogue-status-${s}`}
            >
              {t(`catalogue.status.${s}`)}
            </button>
          ))}
        </div>
        <div className="spacer" />
        <button
          type="button"
          className="btn btn-lg btn-primary"
          onClick={() => setEditing('new')}
          data-testid="catalogue-add"
        >
          + {t('catalogue.add')}
        </button>
      </div>
      <div className="table-scroll catalogue-scroll">
        <table className="table catalogue-table" data-testid="catalogue-table">
          <thead>
            <tr>
              <th>{t('catalogue.col.sku')}</th>
              <th>{t('catalogue.col.name')}</th>
              <th>{t('catalogue.col.barcode')}</th>
              <th>{t('catalogue.col.category')}</th>
              <th className="num">{t('catalogue.col.price')}</th>
              <th className="num">{t('catalogue.col.stock')}</th>
              <th>{t('catalogue.col.status')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list?.products.map((p) => {
              const n = names(locale, p);
              const c = colour.get(p.categoryId);
              return (
                <tr
                  key={p.id}
                  className={`catalogue-row${p.active ? '' : ' catalogue-row-retired'}`}
                  onClick={() => setEditing(p)}
                  data-testid="catalogue-row"
                  data-sku={p.sku}
                  data-product-id={p.id}
                  data-active={p.active}
                >
                  <td className="mono">{p.sku}</td>
                  <td>
                    <div className="catalogue-name">{n.main}</div>
                    {n.other !== n.main ? <div className="muted small">{n.other}</div> : null}
                  </td>
                  <td className="mono">{p.barcode ?? <span className="muted">—</span>}</td>
                  <td>
                    <span className="cat-dot" style={{ background: c?.color ?? '#94a3b8' }} aria-hidden="true" />
                    {c ? names(locale, c).main : p.categoryCode}
                  </td>
                  <td className="num" data-testid="catalogue-price">
                    {formatFen(p.priceFen)}
                    {p.unit ? <span className="muted small"> / {p.unit}</span> : null}
                  </td>
                  <td className="num">
                    <StockCell stock={p.stock} />
                  </td>
                  <td>
                    <span className={`tag ${p.active ? 'tag-on-sale' : 'tag-retired'}`}>
                      {t(p.active ? 'catalogue.onSale' : 'catalogue.retired')}
                    </span>
                  </td>
                  <td className="actions">
                    <button
                      type="button"
                      className="btn"
                      onClick={(e) => {
                        e.stopPropagation();
                        setStockOf(p);
                      }}
                      data-testid="catalogue-stock-adjust"
                    >
                      {t('catalogue.stockButton')}
                    </button>
                    <button
                      type="button"
                      className="btn"
                      onClick={(e) => {
                        e.stopPropagation();
                        setEditing(p);
                      }}
                      data-testid="catalogue-edit"
                    >
                      {t('catalogue.edit')}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {list && list.products.length === 0 ? (
          <p className="empty-note" data-testid="catalogue-none">
            {debounced ? t('catalogue.noMatch', { query: debounced }) : t('catalogue.none')}
          </p>
        ) : null}
      </div>
      {list ? (
        <p className="muted catalogue-foot" data-testid="catalogue-count" data-total={list.total}>
          {list.total > list.products.length
            ? t('catalogue.shownOf', { shown: list.products.length, total: list.total })
            : t('catalogue.count', { count: list.total })}
        </p>
      ) : null}
      {editing !== null ? (
        <ProductDialog
          product={editing === 'new' ? null : editing}
          categories={categories}
          defaultCategory={categoryId}
          onClose={() => setEditing(null)}
          onStock={(p) => {
            setEditing(null);
            setStockOf(p);
          }}
          onSaved={() => void load()}
        />
      ) : null}
      {stockOf !== null ? (
        <StockDialog product={stockOf} onClose={() => setStockOf(null)} onSaved={() => void load()} />
      ) : null}
    </section>
  );
}
