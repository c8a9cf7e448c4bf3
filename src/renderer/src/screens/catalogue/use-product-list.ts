/**
 * The products table's state: the search, the category and status filters, and the list main
 * answers for them (the owner's read, asked once for the screen). Kept true while it is open: sales
 * move stock, and the owner or an import change products.
 */
import { useCallback, useEffect, useState } from 'react';
import type { CatalogueList } from '../../../../shared/types';
import { api } from '../../api';
import { useOwnerRead, withPin } from '../../components/owner-read';
import { useDebouncedValue } from '../../hooks/use-debounced-value';

export type Status = 'active' | 'retired' | 'all';

const LIST_LIMIT = 300;

export function useProductList() {
  const owner = useOwnerRead();
  const [query, setQuery] = useState('');
  const [categoryId, setCategoryId] = useState<number | null>(null);
  const [status, setStatus] = useState<Status>('active');
  const [list, setList] = useState<CatalogueList | null>(null);
  const debounced = useDebouncedValue(query.trim(), 150);

  const load = useCallback(async () => {
    const l = await owner.ask(
      (pin) => api.catalog.adminProducts({ query: debounced, categoryId, status, limit: LIST_LIMIT, ...withPin(pin) }),
      'approval.reason.catalogue',
    );
    if (l) setList(l);
  }, [owner, debounced, categoryId, status]);

  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    // sales move stock; the owner or an import change products: keep the table true
    let timer = 0;
    const later = (): void => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => void load(), 300);
    };
    const offs = [api.on('catalog.changed', later), api.on('order.changed', later), api.on('refund.changed', later)];
    return () => {
      window.clearTimeout(timer);
      offs.forEach((off) => off());
    };
  }, [load]);

  return { query, setQuery, debounced, categoryId, setCategoryId, status, setStatus, list, load };
}
