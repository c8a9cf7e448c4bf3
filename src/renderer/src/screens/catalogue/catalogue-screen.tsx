/**
 * The owner's catalogue (Manage → Catalogue): products with their stock, an edit dialog, retire and
 * bring back, stock adjustments with a reason and their history, categories (add, rename, colour,
 * order), and the CSV export and two-step import (preview every row, then apply exactly that).
 * Main decides who may change what; a change made while a clerk is signed in asks for the owner's PIN.
 *
 * This folder: the screen and its tabs (products-tab, categories-tab, csv-tab), their dialogs
 * (product-dialog, stock-dialog, category-dialog), the import preview, and the state of the product
 * form and of the import in hooks (use-product-form, use-product-list, use-csv-import).
 */
import { useCallback, useEffect, useState } from 'react';
import type { CatalogueCategory } from '../../../../shared/types';
import { api } from '../../api';
import { useOwnerRead, withPin } from '../../components/owner-read';
import { useShortcuts } from '../../hooks/use-shortcuts';
import { useI18n } from '../../i18n';
import { CategoriesTab } from './categories-tab';
import { CsvTab } from './csv-tab';
import { ProductsTab } from './products-tab';
import './catalogue.css';
import './catalogue-csv.css';

type Tab = 'products' | 'categories' | 'csv';

export interface CatalogueProps {
  onBack: () => void;
}

export default function CatalogueScreen({ onBack }: CatalogueProps) {
  const { t } = useI18n();
  // the catalogue with its stock is the owner's: a clerk is asked for the owner's PIN once, kept for this screen's reads
  const owner = useOwnerRead();
  const [tab, setTab] = useState<Tab>('products');
  const [categories, setCategories] = useState<CatalogueCategory[]>([]);
  const [access, setAccess] = useState<'asking' | 'open' | 'refused'>('asking');
  const [dialogOpen, setDialogOpen] = useState(false);

  const loadCategories = useCallback(async () => {
    const list = await owner.ask((pin) => api.catalog.adminCategories(withPin(pin)), 'approval.reason.catalogue');
    if (list) setCategories(list);
    setAccess((was) => (list ? 'open' : was === 'open' ? 'open' : 'refused'));
  }, [owner]);
  useEffect(() => {
    void loadCategories();
    return api.on('catalog.changed', (e) => {
      if (e.kind !== 'stock') void loadCategories();
    });
  }, [loadCategories]);

  useShortcuts({ Escape: () => !dialogOpen && onBack() });

  return (
    <div className="catalogue" data-testid="catalogue-screen">
      <div className="screen-head">
        <h1>{t('catalogue.title')}</h1>
        <div className="catalogue-tabs" role="tablist">
          {(['products', 'categories', 'csv'] as const).map((id) => (
            <button
              key={id}
              type="button"
              role="tab"
              aria-selected={tab === id}
              className={`catalogue-tab${tab === id ? ' catalogue-tab-on' : ''}`}
              onClick={() => setTab(id)}
              data-testid="catalogue-tab"
              data-tab={id}
            >
              {t(`catalogue.tab.${id}`)}
            </button>
          ))}
        </div>
        <div className="spacer" />
        <button type="button" className="btn btn-lg" onClick={onBack} data-testid="catalogue-back">
          {t('check.back')} <kbd>Esc</kbd>
        </button>
      </div>
      {access !== 'open' ? (
        access === 'refused' ? (
          <div className="empty-state catalogue-refused" data-testid="catalogue-refused">
            <p>{t('catalogue.refused')}</p>
            <button
              type="button"
              className="btn btn-lg btn-primary"
              onClick={() => void loadCategories()}
              data-testid="catalogue-retry"
            >
              {t('approval.retry')}
            </button>
          </div>
        ) : (
          <p className="muted">…</p>
        )
      ) : tab === 'products' ? (
        <ProductsTab categories={categories} onDialog={setDialogOpen} />
      ) : tab === 'categories' ? (
        <CategoriesTab categories={categories} reload={loadCategories} onDialog={setDialogOpen} />
      ) : (
        <CsvTab />
      )}
    </div>
  );
}
