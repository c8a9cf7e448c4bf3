/**
 * The product dialog's state: each field as typed, what is wrong with it (shown once Save is
 * pressed), and saving, retiring or bringing back the product with the owner's approval.
 */
import { useState } from 'react';
import { checkBarcode } from '../../../../shared/barcode';
import { formatFen, parseYuan } from '../../../../shared/money';
import type { CatalogueCategory, CatalogueProduct } from '../../../../shared/types';
import { api } from '../../api';
import { useOwnerApproval } from '../../components/owner-approval';
import { useI18n, type MessageKey, type Translate } from '../../i18n';
import { useNotifier } from '../../lib/notice';

/** What the barcode field says while the owner types. */
function barcodeHint(text: string, t: Translate): { state: 'none' | 'ok' | 'bad'; text: string } {
  if (text.trim() === '') return { state: 'none', text: t('catalogue.barcode.none') };
  const c = checkBarcode(text);
  if (c.ok) return { state: 'ok', text: t(`catalogue.barcode.kind.${c.kind}`) };
  if (c.reason === 'check_digit')
    return { state: 'bad', text: t('catalogue.barcode.checkDigit', { expected: c.expected ?? '' }) };
  if (c.reason === 'excel_number') return { state: 'bad', text: t('catalogue.barcode.excel') };
  return { state: 'bad', text: t('catalogue.barcode.format') };
}

export function useProductForm({
  product,
  categories,
  defaultCategory,
  onClose,
  onSaved,
}: {
  product: CatalogueProduct | null;
  categories: CatalogueCategory[];
  defaultCategory: number | null;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useI18n();
  const approve = useOwnerApproval();
  const notifier = useNotifier();
  const [sku, setSku] = useState(product?.sku ?? '');
  const [barcode, setBarcode] = useState(product?.barcode ?? '');
  const [nameZh, setNameZh] = useState(product?.nameZh ?? '');
  const [nameEn, setNameEn] = useState(product?.nameEn ?? '');
  const [categoryId, setCategoryId] = useState<number | ''>(
    product?.categoryId ?? defaultCategory ?? categories[0]?.id ?? '',
  );
  const [price, setPrice] = useState(product ? formatFen(product.priceFen).replace('¥', '') : '');
  const [unit, setUnit] = useState(product?.unit ?? '');
  const [opening, setOpening] = useState('');
  const [busy, setBusy] = useState(false);
  const [confirmRetire, setConfirmRetire] = useState(false);

  const priceFen = parseYuan(price);
  const hint = barcodeHint(barcode, t);
  const openingStock =
    opening.trim() === '' ? undefined : /^-?\d{1,7}$/.test(opening.trim()) ? Number(opening.trim()) : Number.NaN;
  const problems: MessageKey[] = [];
  if (!/^[A-Za-z0-9][A-Za-z0-9._/-]{0,31}$/.test(sku.trim())) problems.push('catalogue.problem.sku');
  if (nameZh.trim() === '' && nameEn.trim() === '') problems.push('catalogue.problem.name');
  if (priceFen === null) problems.push('catalogue.problem.price');
  if (hint.state === 'bad') problems.push('catalogue.problem.barcode');
  if (categoryId === '') problems.push('catalogue.problem.category');
  if (Number.isNaN(openingStock)) problems.push('catalogue.problem.stock');
  const [showProblems, setShowProblems] = useState(false);

  const save = async (): Promise<void> => {
    if (busy) return;
    if (problems.length > 0 || priceFen === null || categoryId === '') {
      setShowProblems(true);
      return;
    }
    setBusy(true);
    const input = {
      ...(product ? { id: product.id } : {}),
      sku: sku.trim(),
      barcode: barcode.trim() === '' ? null : barcode.trim(),
      nameZh: nameZh.trim(),
      nameEn: nameEn.trim(),
      categoryId,
      priceFen,
      unit: unit.trim(),
      ...(!product && openingStock !== undefined && openingStock !== 0 ? { openingStock } : {}),
    };
    const saved = await approve(
      (pin) => api.catalog.saveProduct({ ...input, approvalPin: pin }),
      product ? 'catalogue.approval.edit' : 'catalogue.approval.add',
      {
        sku: input.sku,
      },
    );
    setBusy(false);
    if (!saved) return;
    if (saved.barcodeFrom)
      notifier.say('info', 'catalogue.barcodeTaken', { barcode: input.barcode ?? '', sku: saved.barcodeFrom.sku });
    else notifier.say('success', product ? 'catalogue.saved' : 'catalogue.added', { sku: saved.product.sku });
    onSaved();
    onClose();
  };

  const setActive = async (active: boolean): Promise<void> => {
    if (!product) return;
    setBusy(true);
    const done = await approve(
      (pin) => api.catalog.setActive({ productId: product.id, active, approvalPin: pin }),
      active ? 'catalogue.approval.unretire' : 'catalogue.approval.retire',
      {
        sku: product.sku,
      },
    );
    setBusy(false);
    setConfirmRetire(false);
    if (!done) return;
    notifier.say('success', active ? 'catalogue.unretired' : 'catalogue.retiredDone', { sku: product.sku });
    onSaved();
    onClose();
  };

  return {
    sku,
    setSku,
    barcode,
    setBarcode,
    hint,
    nameZh,
    setNameZh,
    nameEn,
    setNameEn,
    categoryId,
    setCategoryId,
    price,
    setPrice,
    priceFen,
    unit,
    setUnit,
    opening,
    setOpening,
    problems,
    showProblems,
    busy,
    confirmRetire,
    setConfirmRetire,
    save,
    setActive,
  };
}
