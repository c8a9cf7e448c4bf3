/**
 * The stock dialog's state: the change or the counted value with its reason, what the stock will be
 * after it, saving it with the owner's approval, and the product's stock history (the owner's read).
 */
import { useCallback, useEffect, useState } from 'react';
import type { CatalogueProduct, StockMoveView } from '../../../../shared/types';
import { api } from '../../api';
import { useOwnerApproval } from '../../components/owner-approval';
import { useOwnerRead, withPin } from '../../components/owner-read';
import { useI18n } from '../../i18n';
import { useNotifier } from '../../lib/notice';

export const REASONS = ['delivery', 'damaged', 'count', 'other'] as const;

export function useStockAdjust(product: CatalogueProduct, onSaved: () => void) {
  const { t } = useI18n();
  const owner = useOwnerRead();
  const approve = useOwnerApproval();
  const notifier = useNotifier();
  const [current, setCurrent] = useState(product);
  const [mode, setMode] = useState<'delta' | 'count'>('delta');
  const [value, setValue] = useState('');
  const [preset, setPreset] = useState<(typeof REASONS)[number] | null>(null);
  const [note, setNote] = useState('');
  const [moves, setMoves] = useState<StockMoveView[] | null>(null);
  const [busy, setBusy] = useState(false);

  const loadMoves = useCallback(async () => {
    const m = await owner.ask(
      (pin) => api.catalog.stockMoves({ productId: product.id, limit: 50, ...withPin(pin) }),
      'approval.reason.catalogue',
    );
    if (m) setMoves(m);
  }, [owner, product.id]);
  useEffect(() => {
    void loadMoves();
  }, [loadMoves]);

  const number = /^[+-]?\d{1,7}$/.test(value.trim()) ? Number(value.trim()) : null;
  const reason = [preset && preset !== 'other' ? t(`catalogue.reason.${preset}`) : '', note.trim()]
    .filter(Boolean)
    .join(' — ');
  const after = number === null ? null : mode === 'delta' ? current.stock + number : number;
  const valid = number !== null && (mode === 'count' || number !== 0) && reason.length >= 2;

  const save = async (): Promise<void> => {
    if (!valid || number === null || busy) return;
    setBusy(true);
    const done = await approve(
      (pin) => api.catalog.adjustStock({ productId: product.id, mode, value: number, reason, approvalPin: pin }),
      'catalogue.approval.stock',
      {
        sku: product.sku,
      },
    );
    setBusy(false);
    if (!done) return;
    setCurrent(done);
    setValue('');
    setNote('');
    setPreset(null);
    notifier.say('success', 'catalogue.stockSaved', { sku: product.sku, stock: done.stock });
    onSaved();
    void loadMoves();
  };

  return { current, mode, setMode, value, setValue, preset, setPreset, note, setNote, moves, busy, after, valid, save };
}
