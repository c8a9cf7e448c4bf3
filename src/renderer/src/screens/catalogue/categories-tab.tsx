/** Manage → Catalogue → Categories: the categories in their order on the sell screen, with their counts; add, edit, move. */
import { useEffect, useState } from 'react';
import type { CatalogueCategory } from '../../../../shared/types';
import { api } from '../../api';
import { useOwnerApproval } from '../../components/owner-approval';
import { names, useI18n } from '../../i18n';
import { CategoryDialog } from './category-dialog';

export function CategoriesTab({
  categories,
  reload,
  onDialog,
}: {
  categories: CatalogueCategory[];
  reload: () => Promise<void>;
  onDialog: (open: boolean) => void;
}) {
  const { t, locale } = useI18n();
  const approve = useOwnerApproval();
  const [editing, setEditing] = useState<CatalogueCategory | 'new' | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => onDialog(editing !== null), [editing, onDialog]);

  const move = async (index: number, by: -1 | 1): Promise<void> => {
    const ids = categories.map((c) => c.id);
    const j = index + by;
    if (j < 0 || j >= ids.length || busy) return;
    [ids[index], ids[j]] = [ids[j] as number, ids[index] as number];
    setBusy(true);
    await approve((pin) => api.catalog.reorderCategories({ ids, approvalPin: pin }), 'catalogue.approval.reorder');
    setBusy(false);
    await reload();
  };

  return (
    <section className="catalogue-panel" data-testid="catalogue-categories">
      <div className="catalogue-toolbar">
        <p className="muted">{t('catalogue.categoriesHint')}</p>
        <div className="spacer" />
        <button
          type="button"
          className="btn btn-lg btn-primary"
          onClick={() => setEditing('new')}
          data-testid="category-add"
        >
          + {t('catalogue.addCategory')}
        </button>
      </div>
      <div className="table-scroll catalogue-scroll">
        <table className="table">
          <thead>
            <tr>
              <th>{t('catalogue.order')}</th>
              <th>{t('catalogue.col.category')}</th>
              <th>{t('catalogue.code')}</th>
              <th className="num">{t('catalogue.status.active')}</th>
              <th className="num">{t('catalogue.status.retired')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {categories.map((c, i) => {
              const n = names(locale, c);
              return (
                <tr key={c.id} data-testid="category-row" data-code={c.code}>
                  <td className="nowrap">
                    <button
                      type="button"
                      className="btn btn-icon"
                      disabled={i === 0 || busy}
                      onClick={() => void move(i, -1)}
                      aria-label={t('catalogue.moveUp')}
                      data-testid="category-up"
                    >
                      ↑
                    </button>
                    <button
                      type="button"
                      className="btn btn-icon"
                      disabled={i === categories.length - 1 || busy}
                      onClick={() => void move(i, 1)}
                      aria-label={t('catalogue.moveDown')}
                      data-testid="category-down"
                    >
                      ↓
                    </button>
                  </td>
                  <td>
                    <span className="cat-swatch" style={{ background: c.color }} aria-hidden="true" />
                    <strong>{n.main}</strong> <span className="muted small">{n.other}</span>
                  </td>
                  <td className="mono">{c.code}</td>
                  <td className="num">{c.activeCount}</td>
                  <td className="num">{c.retiredCount}</td>
                  <td className="actions">
                    <button type="button" className="btn" onClick={() => setEditing(c)} data-testid="category-edit">
                      {t('catalogue.edit')}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {editing !== null ? (
        <CategoryDialog
          category={editing === 'new' ? null : editing}
          used={categories.map((c) => c.color)}
          onClose={() => setEditing(null)}
          onSaved={() => void reload()}
        />
      ) : null}
    </section>
  );
}
