/** The product dialog of Manage → Catalogue; its fields, checks and saving are in use-product-form. */
import { formatFen } from '../../../../shared/money';
import type { CatalogueCategory, CatalogueProduct } from '../../../../shared/types';
import { Modal } from '../../components/modal';
import { notOnButton, useShortcuts } from '../../hooks/use-shortcuts';
import { names, useI18n } from '../../i18n';
import { StockCell } from './stock-dialog';
import { useProductForm } from './use-product-form';

/** Add or edit a product (its stock is changed in the stock dialog), retire it or bring it back. */
export function ProductDialog({
  product,
  categories,
  defaultCategory,
  onClose,
  onStock,
  onSaved,
}: {
  product: CatalogueProduct | null;
  categories: CatalogueCategory[];
  defaultCategory: number | null;
  onClose: () => void;
  onStock: (p: CatalogueProduct) => void;
  onSaved: () => void;
}) {
  const { t, locale } = useI18n();
  const form = useProductForm({ product, categories, defaultCategory, onClose, onSaved });
  useShortcuts(
    { Enter: { run: () => void form.save(), when: notOnButton } },
    { layer: 'modal', enabled: !form.confirmRetire },
  );

  const title = product ? t('catalogue.editTitle', { sku: product.sku }) : t('catalogue.addTitle');
  return (
    <Modal title={title} onClose={onClose} wide testId="product-dialog" className="catalogue-modal">
      {product && !product.active ? (
        <p className="catalogue-retired-note" data-testid="product-retired-note">
          {t('catalogue.retiredNote')}
        </p>
      ) : null}
      <div className="catalogue-form">
        <label className="field">
          {t('catalogue.col.sku')}
          <input
            className="input input-md mono"
            value={form.sku}
            maxLength={32}
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => form.setSku(e.target.value)}
            autoFocus={!product}
            data-autofocus={!product || undefined}
            data-testid="product-sku"
          />
        </label>
        <label className="field">
          {t('catalogue.col.barcode')}
          <input
            className="input input-md mono"
            value={form.barcode}
            maxLength={32}
            spellCheck={false}
            autoComplete="off"
            placeholder={t('catalogue.barcode.placeholder')}
            onChange={(e) => form.setBarcode(e.target.value)}
            data-testid="product-barcode"
          />
          <span
            className={`field-hint hint-${form.hint.state}`}
            data-testid="product-barcode-hint"
            data-state={form.hint.state}
          >
            {form.hint.text}
          </span>
        </label>
        <label className="field">
          {t('catalogue.nameZh')}
          <input
            className="input input-md"
            value={form.nameZh}
            maxLength={80}
            onChange={(e) => form.setNameZh(e.target.value)}
            data-testid="product-name-zh"
          />
        </label>
        <label className="field">
          {t('catalogue.nameEn')}
          <input
            className="input input-md"
            value={form.nameEn}
            maxLength={80}
            onChange={(e) => form.setNameEn(e.target.value)}
            data-testid="product-name-en"
          />
        </label>
        <label className="field">
          {t('catalogue.col.category')}
          <select
            className="input input-md select"
            value={form.categoryId}
            onChange={(e) => form.setCategoryId(e.target.value ? Number(e.target.value) : '')}
            data-testid="product-category"
          >
            {categories.map((c) => (
              <option key={c.id} value={c.id}>
                {names(locale, c).main}
              </option>
            ))}
          </select>
        </label>
        <div className="catalogue-form-pair">
          <label className="field">
            {t('catalogue.col.price')}
            <span className="input-affix">
              <span className="affix">¥</span>
              <input
                className="input input-md"
                inputMode="decimal"
                value={form.price}
                maxLength={12}
                placeholder="0.00"
                onChange={(e) => form.setPrice(e.target.value)}
                autoFocus={!!product}
                data-autofocus={product ? true : undefined}
                data-testid="product-price"
              />
            </span>
          </label>
          <label className="field">
            {t('catalogue.unit')}
            <input
              className="input input-md"
              value={form.unit}
              maxLength={16}
              placeholder={t('catalogue.unitPlaceholder')}
              onChange={(e) => form.setUnit(e.target.value)}
              data-testid="product-unit"
            />
          </label>
        </div>
        {product ? (
          <div className="field">
            {t('catalogue.col.stock')}
            <div className="catalogue-stock-line">
              <StockCell stock={product.stock} />
              <button type="button" className="btn" onClick={() => onStock(product)} data-testid="product-stock">
                {t('catalogue.adjustStock')}
              </button>
            </div>
          </div>
        ) : (
          <label className="field">
            {t('catalogue.openingStock')}
            <input
              className="input input-md"
              inputMode="numeric"
              value={form.opening}
              maxLength={8}
              placeholder="0"
              onChange={(e) => form.setOpening(e.target.value)}
              data-testid="product-opening-stock"
            />
          </label>
        )}
      </div>
      {form.showProblems && form.problems.length > 0 ? (
        <ul className="form-error catalogue-problems" role="alert" data-testid="product-error">
          {form.problems.map((p) => (
            <li key={p}>{t(p)}</li>
          ))}
        </ul>
      ) : null}
      {product && product.priceFen !== form.priceFen && form.priceFen !== null ? (
        <p className="muted small" data-testid="product-price-note">
          {t('catalogue.priceNote', { from: formatFen(product.priceFen), to: formatFen(form.priceFen) })}
        </p>
      ) : null}
      <div className="row-actions">
        {product ? (
          product.active ? (
            <button
              type="button"
              className="btn btn-lg btn-danger catalogue-left"
              disabled={form.busy}
              onClick={() => form.setConfirmRetire(true)}
              data-testid="product-retire"
            >
              {t('catalogue.retire')}
            </button>
          ) : (
            <button
              type="button"
              className="btn btn-lg btn-go catalogue-left"
              disabled={form.busy}
              onClick={() => void form.setActive(true)}
              data-testid="product-unretire"
            >
              {t('catalogue.unretire')}
            </button>
          )
        ) : null}
        <button type="button" className="btn btn-lg" onClick={onClose} data-testid="product-cancel">
          {t('catalogue.cancel')} <kbd>Esc</kbd>
        </button>
        <button
          type="button"
          className="btn btn-lg btn-primary"
          disabled={form.busy}
          onClick={() => void form.save()}
          data-testid="product-save"
        >
          {t('catalogue.save')} <kbd>Enter</kbd>
        </button>
      </div>
      {form.confirmRetire && product ? (
        <Modal title={t('catalogue.retire')} onClose={() => form.setConfirmRetire(false)} testId="confirm-dialog">
          <p className="confirm-text">
            {t('catalogue.retireConfirm', { name: names(locale, product).main, sku: product.sku })}
          </p>
          <div className="row-actions">
            <button
              type="button"
              className="btn btn-lg"
              onClick={() => form.setConfirmRetire(false)}
              data-testid="confirm-no"
            >
              {t('confirm.no')} <kbd>Esc</kbd>
            </button>
            <button
              type="button"
              className="btn btn-lg btn-danger"
              disabled={form.busy}
              onClick={() => void form.setActive(false)}
              data-testid="confirm-yes"
              autoFocus
              data-autofocus
            >
              {t('catalogue.retire')}
            </button>
          </div>
        </Modal>
      ) : null}
    </Modal>
  );
}
