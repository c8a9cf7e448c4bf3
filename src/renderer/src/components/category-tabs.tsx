import { memo, type CSSProperties } from 'react';
import type { Category } from '../../../shared/types';
import { useI18n } from '../i18n';

export interface CategoryTabsProps {
  categories: Category[];
  selected: number | null;
  onSelect: (categoryId: number | null) => void;
  dimmed: boolean;
}

/** "All" plus one tab per category, each in the category's colour. */
export const CategoryTabs = memo(function CategoryTabs({ categories, selected, onSelect, dimmed }: CategoryTabsProps) {
  const { locale, t } = useI18n();
  const total = categories.reduce((n, c) => n + c.productCount, 0);
  return (
    <div className={`cat-tabs${dimmed ? ' cat-dimmed' : ''}`} role="tablist">
      <button
        type="button"
        role="tab"
        aria-selected={selected === null}
        className={`cat-tab${selected === null ? ' cat-active' : ''}`}
        style={{ '--cat': '#475569' } as CSSProperties}
        onClick={() => onSelect(null)}
        data-testid="category-tab"
        data-code="all"
      >
        {t('sell.all')}
        <span className="cat-count">{total}</span>
      </button>
      {categories.map((c) => (
        <button
          key={c.id}
          type="button"
          role="tab"
          aria-selected={selected === c.id}
          className={`cat-tab${selected === c.id ? ' cat-active' : ''}`}
          style={{ '--cat': c.color } as CSSProperties}
          onClick={() => onSelect(c.id)}
          data-testid="category-tab"
          data-code={c.code}
        >
          {locale === 'zh-CN' ? c.nameZh : c.nameEn}
          <span className="cat-count">{c.productCount}</span>
        </button>
      ))}
    </div>
  );
});
