/**
 * The owner's catalogue (Manage → Catalogue): products with their stock, an edit dialog, retire and
 * bring back, stock adjustments with a reason and their history, categories (add, rename, colour,
 * order), and the CSV export and two-step import (preview every row, then apply exactly that).
 * Main decides who may change what; a change made while a clerk is signed in asks for the owner's PIN.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { checkBarcode } from '../../../shared/barcode';
import { formatFen, parseYuan } from '../../../shared/money';
import type {
  CatalogueCategory,
  CatalogueList,
  CatalogueProduct,
  ImportChange,
  ImportField,
  ImportPreview,
  ImportValue,
  StockMoveView,
} from '../../../shared/types';
import { api } from '../api';
import { Modal } from '../components/modal';
import { useOwnerApproval } from '../components/owner-approval';
import { useOwnerRead, withPin } from '../components/owner-read';
import { useDebouncedValue } from '../hooks/use-debounced-value';
import { notOnButton, useShortcuts } from '../hooks/use-shortcuts';
import { isMessageKey, names, useI18n, type MessageKey, type Translate } from '../i18n';
import { formatDateTime } from '../lib/format';
import { saveFile } from '../lib/download';
import { useNotifier } from '../lib/notice';
import './catalogue.css';

type Tab = 'products' | 'categories' | 'csv';
type Status = 'active' | 'retired' | 'all';

export interface CatalogueProps {
  onBack: () => void;
}

const LIST_LIMIT = 300;

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

// ---- products ---------------------------------------------------------------------------------------

function StockCell({ stock }: { stock: number }) {
  const { t } = useI18n();
  return (
    <span
      className={`stock${stock < 0 ? ' stock-negative' : stock === 0 ? ' stock-zero' : ''}`}
      title={stock < 0 ? t('catalogue.stockNegativeHint') : undefined}
      data-testid="catalogue-stock"
      data-stock={stock}
    >
      {stock}
    </span>
  );
}

function ProductsTab({ categories, onDialog }: { categories: CatalogueCategory[]; onDialog: (open: boolean) => void }) {
  const { t, locale } = useI18n();
  const owner = useOwnerRead();
  const [query, setQuery] = useState('');
  const [categoryId, setCategoryId] = useState<number | null>(null);
  const [status, setStatus] = useState<Status>('active');
  const [list, setList] = useState<CatalogueList | null>(null);
  const [editing, setEditing] = useState<CatalogueProduct | 'new' | null>(null);
  const [stockOf, setStockOf] = useState<CatalogueProduct | null>(null);
  const debounced = useDebouncedValue(query.trim(), 150);
  const searchRef = useRef<HTMLInputElement>(null);

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

function ProductDialog({
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

  useShortcuts({ Enter: { run: () => void save(), when: notOnButton } }, { layer: 'modal', enabled: !confirmRetire });

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
            value={sku}
            maxLength={32}
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => setSku(e.target.value)}
            autoFocus={!product}
            data-autofocus={!product || undefined}
            data-testid="product-sku"
          />
        </label>
        <label className="field">
          {t('catalogue.col.barcode')}
          <input
            className="input input-md mono"
            value={barcode}
            maxLength={32}
            spellCheck={false}
            autoComplete="off"
            placeholder={t('catalogue.barcode.placeholder')}
            onChange={(e) => setBarcode(e.target.value)}
            data-testid="product-barcode"
          />
          <span className={`field-hint hint-${hint.state}`} data-testid="product-barcode-hint" data-state={hint.state}>
            {hint.text}
          </span>
        </label>
        <label className="field">
          {t('catalogue.nameZh')}
          <input
            className="input input-md"
            value={nameZh}
            maxLength={80}
            onChange={(e) => setNameZh(e.target.value)}
            data-testid="product-name-zh"
          />
        </label>
        <label className="field">
          {t('catalogue.nameEn')}
          <input
            className="input input-md"
            value={nameEn}
            maxLength={80}
            onChange={(e) => setNameEn(e.target.value)}
            data-testid="product-name-en"
          />
        </label>
        <label className="field">
          {t('catalogue.col.category')}
          <select
            className="input input-md select"
            value={categoryId}
            onChange={(e) => setCategoryId(e.target.value ? Number(e.target.value) : '')}
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
                value={price}
                maxLength={12}
                placeholder="0.00"
                onChange={(e) => setPrice(e.target.value)}
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
              value={unit}
              maxLength={16}
              placeholder={t('catalogue.unitPlaceholder')}
              onChange={(e) => setUnit(e.target.value)}
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
              value={opening}
              maxLength={8}
              placeholder="0"
              onChange={(e) => setOpening(e.target.value)}
              data-testid="product-opening-stock"
            />
          </label>
        )}
      </div>
      {showProblems && problems.length > 0 ? (
        <ul className="form-error catalogue-problems" role="alert" data-testid="product-error">
          {problems.map((p) => (
            <li key={p}>{t(p)}</li>
          ))}
        </ul>
      ) : null}
      {product && product.priceFen !== priceFen && priceFen !== null ? (
        <p className="muted small" data-testid="product-price-note">
          {t('catalogue.priceNote', { from: formatFen(product.priceFen), to: formatFen(priceFen) })}
        </p>
      ) : null}
      <div className="row-actions">
        {product ? (
          product.active ? (
            <button
              type="button"
              className="btn btn-lg btn-danger catalogue-left"
              disabled={busy}
              onClick={() => setConfirmRetire(true)}
              data-testid="product-retire"
            >
              {t('catalogue.retire')}
            </button>
          ) : (
            <button
              type="button"
              className="btn btn-lg btn-go catalogue-left"
              disabled={busy}
              onClick={() => void setActive(true)}
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
          disabled={busy}
          onClick={() => void save()}
          data-testid="product-save"
        >
          {t('catalogue.save')} <kbd>Enter</kbd>
        </button>
      </div>
      {confirmRetire && product ? (
        <Modal title={t('catalogue.retire')} onClose={() => setConfirmRetire(false)} testId="confirm-dialog">
          <p className="confirm-text">
            {t('catalogue.retireConfirm', { name: names(locale, product).main, sku: product.sku })}
          </p>
          <div className="row-actions">
            <button
              type="button"
              className="btn btn-lg"
              onClick={() => setConfirmRetire(false)}
              data-testid="confirm-no"
            >
              {t('confirm.no')} <kbd>Esc</kbd>
            </button>
            <button
              type="button"
              className="btn btn-lg btn-danger"
              disabled={busy}
              onClick={() => void setActive(false)}
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

const REASONS = ['delivery', 'damaged', 'count', 'other'] as const;

function StockDialog({
  product,
  onClose,
  onSaved,
}: {
  product: CatalogueProduct;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t, locale, timeZone } = useI18n();
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
  useShortcuts({ Enter: { run: () => void save(), when: notOnButton } }, { layer: 'modal' });

  return (
    <Modal
      title={t('catalogue.stockTitle', { name: names(locale, product).main })}
      onClose={onClose}
      wide
      testId="stock-dialog"
      className="catalogue-modal"
    >
      <div className="stock-now">
        <span className="muted">{t('catalogue.stockNow')}</span>
        <strong
          data-testid="stock-current"
          data-stock={current.stock}
          className={current.stock < 0 ? 'stock-negative' : undefined}
        >
          {current.stock}
        </strong>
        {current.unit ? <span className="muted">{current.unit}</span> : null}
        {current.stock < 0 ? <span className="stock-warning">{t('catalogue.stockNegativeHint')}</span> : null}
      </div>
      <div className="segmented stock-modes">
        <button
          type="button"
          className={`seg${mode === 'delta' ? ' seg-on' : ''}`}
          onClick={() => setMode('delta')}
          data-testid="stock-mode-delta"
        >
          {t('catalogue.stockMode.delta')}
        </button>
        <button
          type="button"
          className={`seg${mode === 'count' ? ' seg-on' : ''}`}
          onClick={() => setMode('count')}
          data-testid="stock-mode-count"
        >
          {t('catalogue.stockMode.count')}
        </button>
      </div>
      <div className="catalogue-form">
        <label className="field">
          {mode === 'delta' ? t('catalogue.stockDeltaLabel') : t('catalogue.stockCountLabel')}
          <input
            className="input input-lg"
            inputMode="numeric"
            value={value}
            maxLength={8}
            placeholder={mode === 'delta' ? '+24 / -2' : String(current.stock)}
            onChange={(e) => setValue(e.target.value)}
            autoFocus
            data-autofocus
            data-testid="stock-value"
          />
          <span className="field-hint" data-testid="stock-after">
            {after === null ? ' ' : t('catalogue.stockAfter', { stock: after })}
          </span>
        </label>
        <div className="field">
          {t('catalogue.reasonLabel')}
          <div className="chips stock-reasons">
            {REASONS.map((r) => (
              <button
                key={r}
                type="button"
                className={`btn btn-sm${preset === r ? ' btn-primary' : ''}`}
                aria-pressed={preset === r}
                onClick={() => setPreset(r)}
                data-testid="stock-reason-preset"
                data-reason={r}
              >
                {t(`catalogue.reason.${r}`)}
              </button>
            ))}
          </div>
          <input
            className="input input-md"
            value={note}
            maxLength={200}
            placeholder={t('catalogue.reasonPlaceholder')}
            onChange={(e) => setNote(e.target.value)}
            data-testid="stock-reason"
          />
        </div>
      </div>
      <div className="row-actions">
        <button type="button" className="btn btn-lg" onClick={onClose} data-testid="stock-close">
          {t('app.close')} <kbd>Esc</kbd>
        </button>
        <button
          type="button"
          className="btn btn-lg btn-primary"
          disabled={!valid || busy}
          onClick={() => void save()}
          data-testid="stock-save"
        >
          {t('catalogue.stockSave')} <kbd>Enter</kbd>
        </button>
      </div>
      <h3 className="stock-history-title">{t('catalogue.stockHistory')}</h3>
      {moves && moves.length === 0 ? <p className="muted">{t('catalogue.stockHistoryNone')}</p> : null}
      {moves && moves.length > 0 ? (
        <table className="table table-compact" data-testid="stock-history">
          <thead>
            <tr>
              <th>{t('catalogue.when')}</th>
              <th className="num">{t('catalogue.change')}</th>
              <th className="num">{t('catalogue.after')}</th>
              <th>{t('catalogue.why')}</th>
              <th>{t('catalogue.who')}</th>
            </tr>
          </thead>
          <tbody>
            {moves.map((m) => (
              <tr key={m.id} data-testid="stock-move" data-reason={m.reason} data-delta={m.delta}>
                <td className="nowrap">{formatDateTime(m.at, locale, timeZone)}</td>
                <td className={`num ${m.delta < 0 ? 'delta-down' : 'delta-up'}`}>
                  {m.delta > 0 ? `+${m.delta}` : m.delta}
                </td>
                <td className="num">{m.stockAfter}</td>
                <td>
                  {t(`catalogue.move.${m.reason}`)}
                  {m.orderNumber ? <span className="mono"> {m.orderNumber}</span> : null}
                  {m.note ? <div className="muted small">{m.note}</div> : null}
                </td>
                <td>
                  {m.actor}
                  {m.approvedBy ? (
                    <div className="muted small">{t('catalogue.approvedBy', { name: m.approvedBy })}</div>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </Modal>
  );
}

// ---- categories -------------------------------------------------------------------------------------

const COLOURS = [
  '#1e88e5',
  '#f4511e',
  '#fb8c00',
  '#8e24aa',
  '#c62828',
  '#00897b',
  '#43a047',
  '#6d4c41',
  '#546e7a',
  '#d81b60',
];

function CategoriesTab({
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

function CategoryDialog({
  category,
  used,
  onClose,
  onSaved,
}: {
  category: CatalogueCategory | null;
  used: string[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useI18n();
  const approve = useOwnerApproval();
  const notifier = useNotifier();
  const [code, setCode] = useState(category?.code ?? '');
  const [nameZh, setNameZh] = useState(category?.nameZh ?? '');
  const [nameEn, setNameEn] = useState(category?.nameEn ?? '');
  const [color, setColor] = useState(category?.color ?? COLOURS.find((c) => !used.includes(c)) ?? COLOURS[0]!);
  const [busy, setBusy] = useState(false);
  const codeOk = /^[a-z0-9][a-z0-9_-]{0,23}$/.test(code.trim());
  const valid = codeOk && (nameZh.trim() !== '' || nameEn.trim() !== '');

  const save = async (): Promise<void> => {
    if (!valid || busy) return;
    setBusy(true);
    const input = {
      ...(category ? { id: category.id } : {}),
      code: code.trim(),
      nameZh: nameZh.trim(),
      nameEn: nameEn.trim(),
      color,
    };
    const saved = await approve(
      (pin) => api.catalog.saveCategory({ ...input, approvalPin: pin }),
      'catalogue.approval.category',
      { code: input.code },
    );
    setBusy(false);
    if (!saved) return;
    notifier.say('success', 'catalogue.categorySaved', { code: saved.code });
    onSaved();
    onClose();
  };
  useShortcuts({ Enter: { run: () => void save(), when: notOnButton } }, { layer: 'modal' });

  return (
    <Modal
      title={category ? t('catalogue.editCategory') : t('catalogue.addCategory')}
      onClose={onClose}
      testId="category-dialog"
      className="catalogue-modal"
    >
      <div className="catalogue-form catalogue-form-one">
        <label className="field">
          {t('catalogue.nameZh')}
          <input
            className="input input-md"
            value={nameZh}
            maxLength={80}
            onChange={(e) => setNameZh(e.target.value)}
            autoFocus
            data-autofocus
            data-testid="category-name-zh"
          />
        </label>
        <label className="field">
          {t('catalogue.nameEn')}
          <input
            className="input input-md"
            value={nameEn}
            maxLength={80}
            onChange={(e) => setNameEn(e.target.value)}
            data-testid="category-name-en"
          />
        </label>
        <label className="field">
          {t('catalogue.code')}
          <input
            className="input input-md mono"
            value={code}
            maxLength={24}
            spellCheck={false}
            onChange={(e) => setCode(e.target.value.toLowerCase())}
            data-testid="category-code"
          />
          <span className={`field-hint${code && !codeOk ? ' hint-bad' : ''}`}>{t('catalogue.codeHint')}</span>
        </label>
        <div className="field">
          {t('catalogue.colour')}
          <div className="swatches">
            {COLOURS.map((c) => (
              <button
                key={c}
                type="button"
                className={`swatch${color === c ? ' swatch-on' : ''}`}
                style={{ background: c }}
                aria-label={c}
                aria-pressed={color === c}
                onClick={() => setColor(c)}
                data-testid="category-color"
                data-color={c}
              />
            ))}
            <input
              type="color"
              className="swatch-custom"
              value={color}
              onChange={(e) => setColor(e.target.value)}
              aria-label={t('catalogue.colourOther')}
              data-testid="category-color-custom"
            />
          </div>
        </div>
      </div>
      <div className="row-actions">
        <button type="button" className="btn btn-lg" onClick={onClose} data-testid="category-cancel">
          {t('catalogue.cancel')} <kbd>Esc</kbd>
        </button>
        <button
          type="button"
          className="btn btn-lg btn-primary"
          disabled={!valid || busy}
          onClick={() => void save()}
          data-testid="category-save"
        >
          {t('catalogue.save')} <kbd>Enter</kbd>
        </button>
      </div>
    </Modal>
  );
}

// ---- CSV --------------------------------------------------------------------------------------------

/** base64 of one piece of a file (36 KiB of bytes make 48 KiB of base64: browser mode takes calls up to 64 KiB). */
function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
const PIECE = 36 * 1024;

function CsvTab() {
  const { t } = useI18n();
  const owner = useOwnerRead();
  const approve = useOwnerApproval();
  const notifier = useNotifier();
  const [file, setFile] = useState<{ name: string; uploadId: string } | null>(null);
  const [retireMissing, setRetireMissing] = useState(false);
  const [setStock, setSetStock] = useState(false);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [refusal, setRefusal] = useState<{ reason: string; message: string; details: Record<string, unknown> } | null>(
    null,
  );
  const [busy, setBusy] = useState<'upload' | 'preview' | 'apply' | null>(null);
  const [applied, setApplied] = useState<{ added: number; changed: number; retired: number } | null>(null);
  const input = useRef<HTMLInputElement>(null);

  const exportCsv = async (): Promise<void> => {
    const out = await owner.ask((pin) => api.catalog.exportCsv(withPin(pin)), 'approval.reason.catalogue');
    if (!out) return;
    saveFile({ filename: out.filename, mime: 'text/csv', content: out.content });
    notifier.say('success', 'catalogue.exported', { count: out.rows });
  };

  const runPreview = useCallback(
    async (uploadId: string, options: { retireMissing: boolean; setStock: boolean }): Promise<void> => {
      setBusy('preview');
      setRefusal(null);
      try {
        const r = await owner.quiet((pin) => api.catalog.importPreview({ uploadId, ...options, ...withPin(pin) }));
        if (r.ok) setPreview(r.value);
        else if (r.error.code === 'IMPORT_REFUSED') {
          setPreview(null);
          setRefusal({
            reason: String(r.error.details?.reason ?? ''),
            message: r.error.message,
            details: r.error.details ?? {},
          });
        } else {
          setPreview(null);
          if (r.error.code === 'IMPORT_EXPIRED') setFile(null);
          notifier.error(r.error);
        }
      } finally {
        setBusy(null);
      }
    },
    [notifier, owner],
  );

  const choose = async (f: File | undefined): Promise<void> => {
    if (!f) return;
    setApplied(null);
    setPreview(null);
    setRefusal(null);
    setBusy('upload');
    try {
      const bytes = new Uint8Array(await f.arrayBuffer());
      let uploadId: string | undefined;
      for (let i = 0; i === 0 || i < bytes.length; i += PIECE) {
        const piece = base64(bytes.subarray(i, i + PIECE));
        const r = await owner.quiet((pin) =>
          api.catalog.importUpload({ ...(uploadId ? { uploadId } : {}), chunk: piece, ...withPin(pin) }),
        );
        if (!r.ok) {
          if (r.error.code === 'IMPORT_REFUSED')
            setRefusal({
              reason: String(r.error.details?.reason ?? ''),
              message: r.error.message,
              details: r.error.details ?? {},
            });
          else notifier.error(r.error);
          setFile(null);
          return;
        }
        uploadId = r.value.uploadId;
      }
      setFile({ name: f.name, uploadId: uploadId as string });
      setBusy(null);
      await runPreview(uploadId as string, { retireMissing, setStock });
    } finally {
      setBusy(null);
    }
  };

  const option = (next: { retireMissing: boolean; setStock: boolean }): void => {
    setRetireMissing(next.retireMissing);
    setSetStock(next.setStock);
    if (file) void runPreview(file.uploadId, next);
  };

  const apply = async (): Promise<void> => {
    if (!preview?.token || busy) return;
    const token = preview.token;
    setBusy('apply');
    const done = await approve(
      (pin) => api.catalog.importApply({ token, approvalPin: pin }),
      'catalogue.approval.import',
      {
        added: preview.counts.added,
        changed: preview.counts.changed,
        retired: preview.counts.retired,
      },
    );
    setBusy(null);
    if (!done) {
      // stale or expired: show what the file would do now
      if (file) void runPreview(file.uploadId, { retireMissing, setStock });
      return;
    }
    setApplied(done);
    setPreview(null);
    setFile(null);
    notifier.say('success', 'catalogue.import.done', {
      added: done.added,
      changed: done.changed,
      retired: done.retired,
    });
  };

  const reset = (): void => {
    setFile(null);
    setPreview(null);
    setRefusal(null);
    setApplied(null);
  };

  return (
    <section className="catalogue-panel catalogue-csv" data-testid="catalogue-csv">
      <div className="csv-cards">
        <div className="csv-card">
          <h2>{t('catalogue.export.title')}</h2>
          <p className="muted">{t('catalogue.export.hint')}</p>
          <button type="button" className="btn btn-lg" onClick={() => void exportCsv()} data-testid="export-csv">
            {t('catalogue.export.button')}
          </button>
        </div>
        <div className="csv-card">
          <h2>{t('catalogue.import.title')}</h2>
          <p className="muted">{t('catalogue.import.hint')}</p>
          <div className="csv-choose">
            <label className={`btn btn-lg btn-primary file-pick${busy ? ' is-busy' : ''}`}>
              {file ? t('catalogue.import.another') : t('catalogue.import.choose')}
              <input
                ref={input}
                type="file"
                accept=".csv,text/csv,text/plain"
                disabled={busy !== null}
                onChange={(e) => {
                  void choose(e.target.files?.[0]);
                  e.target.value = '';
                }}
                data-testid="import-file"
              />
            </label>
            {file ? (
              <span className="csv-file mono" data-testid="import-file-name">
                {file.name}
              </span>
            ) : null}
            {busy === 'upload' || busy === 'preview' ? (
              <span className="muted">{t('catalogue.import.reading')}</span>
            ) : null}
          </div>
          <label className="csv-option">
            <input
              type="checkbox"
              checked={retireMissing}
              onChange={(e) => option({ retireMissing: e.target.checked, setStock })}
              data-testid="import-retire-missing"
            />
            <span>
              <strong>{t('catalogue.import.retireMissing')}</strong>
              <span className="muted small">{t('catalogue.import.retireMissingHint')}</span>
            </span>
          </label>
          <label className="csv-option">
            <input
              type="checkbox"
              checked={setStock}
              onChange={(e) => option({ retireMissing, setStock: e.target.checked })}
              data-testid="import-set-stock"
            />
            <span>
              <strong>{t('catalogue.import.setStock')}</strong>
              <span className="muted small">{t('catalogue.import.setStockHint')}</span>
            </span>
          </label>
        </div>
      </div>

      {refusal ? (
        <div className="form-error csv-refused" role="alert" data-testid="import-refused" data-reason={refusal.reason}>
          <strong>{t('catalogue.import.refusedTitle')}</strong>
          <div>{refusedText(refusal, t)}</div>
        </div>
      ) : null}

      {applied ? (
        <div className="csv-applied" data-testid="import-applied" role="status">
          <strong>
            {t('catalogue.import.done', { added: applied.added, changed: applied.changed, retired: applied.retired })}
          </strong>
          <button type="button" className="btn" onClick={reset} data-testid="import-reset">
            {t('catalogue.import.again')}
          </button>
        </div>
      ) : null}

      {preview ? (
        <PreviewView preview={preview} busy={busy !== null} onApply={() => void apply()} onCancel={reset} />
      ) : null}
    </section>
  );
}

function refusedText(r: { reason: string; message: string; details: Record<string, unknown> }, t: Translate): string {
  const key = `catalogue.refused.${r.reason}`;
  const params = Object.fromEntries(
    Object.entries(r.details).filter(([, v]) => typeof v === 'string' || typeof v === 'number'),
  ) as Record<string, string | number>;
  return isMessageKey(key) ? t(key, params) : r.message;
}

function showValue(field: ImportField, v: ImportValue, t: Translate): ReactNode {
  if (v === null || v === '') return <span className="muted">—</span>;
  if (field === 'priceFen' && typeof v === 'number') return formatFen(v);
  if (field === 'active') return t(v ? 'catalogue.onSale' : 'catalogue.retired');
  return String(v);
}

function ChangeRows({ list, kind, t }: { list: ImportChange[]; kind: 'added' | 'changed' | 'retired'; t: Translate }) {
  return (
    <>
      {list.map((c) => (
        <tr
          key={`${kind}-${c.sku}`}
          className={`change-${kind}`}
          data-testid="import-change"
          data-sku={c.sku}
          data-line={c.line ?? ''}
          data-kind={kind}
        >
          <td className="num">{c.line ?? '—'}</td>
          <td className="mono">{c.sku}</td>
          <td>
            {c.nameZh}
            {c.nameEn !== c.nameZh ? <div className="muted small">{c.nameEn}</div> : null}
          </td>
          <td>
            {kind === 'added' ? (
              <span className="change-fields">
                {c.fields
                  .filter(
                    (f) =>
                      f.field !== 'nameZh' &&
                      f.field !== 'nameEn' &&
                      f.to !== null &&
                      f.to !== '' &&
                      !(f.field === 'active' && f.to === true) &&
                      !(f.field === 'stock' && f.to === 0),
                  )
                  .map((f) => (
                    <span key={f.field} className="change-field" data-testid="import-field" data-field={f.field}>
                      <span className="muted">{t(`catalogue.field.${f.field}`)}</span> {showValue(f.field, f.to, t)}
                    </span>
                  ))}
              </span>
            ) : (
              <span className="change-fields">
                {c.fields.map((f) => (
                  <span key={f.field} className="change-field" data-testid="import-field" data-field={f.field}>
                    <span className="muted">{t(`catalogue.field.${f.field}`)}</span>{' '}
                    <del>{showValue(f.field, f.from, t)}</del> → <ins>{showValue(f.field, f.to, t)}</ins>
                  </span>
                ))}
                {c.line === null && kind === 'changed' ? (
                  <span className="muted small">{t('catalogue.import.released')}</span>
                ) : null}
              </span>
            )}
          </td>
        </tr>
      ))}
    </>
  );
}

function PreviewView({
  preview,
  busy,
  onApply,
  onCancel,
}: {
  preview: ImportPreview;
  busy: boolean;
  onApply: () => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const ok = preview.token !== null;
  const nothing = ok && preview.counts.added + preview.counts.changed + preview.counts.retired === 0;
  const more = (shown: number, total: number) =>
    total > shown ? (
      <tr>
        <td colSpan={4} className="muted">
          {t('catalogue.import.more', { count: total - shown })}
        </td>
      </tr>
    ) : null;
  return (
    <div className="csv-preview" data-testid="import-preview" data-state={ok ? 'ok' : 'errors'}>
      <div className="csv-top">
        <div className="csv-summary" data-testid="import-summary">
          <span className="muted">
            {t('catalogue.import.read', { rows: preview.rows })} · {t(`catalogue.encoding.${preview.encoding}`)}
          </span>
          <span className="chip chip-added" data-testid="import-count-added" data-count={preview.counts.added}>
            {t('catalogue.import.added', { count: preview.counts.added })}
          </span>
          <span className="chip chip-changed" data-testid="import-count-changed" data-count={preview.counts.changed}>
            {t('catalogue.import.changed', { count: preview.counts.changed })}
          </span>
          <span className="chip" data-testid="import-count-unchanged" data-count={preview.counts.unchanged}>
            {t('catalogue.import.unchanged', { count: preview.counts.unchanged })}
          </span>
          {preview.options.retireMissing ? (
            <span className="chip chip-retired" data-testid="import-count-retired" data-count={preview.counts.retired}>
              {t('catalogue.import.retired', { count: preview.counts.retired })}
            </span>
          ) : null}
          {preview.badRows > 0 ? (
            <span className="chip chip-errors" data-testid="import-count-errors" data-count={preview.badRows}>
              {t('catalogue.import.refusedRows', { count: preview.badRows })}
            </span>
          ) : null}
        </div>
        <div className="row-actions csv-actions">
          <button type="button" className="btn btn-lg" onClick={onCancel} data-testid="import-cancel">
            {t('catalogue.cancel')}
          </button>
          <button
            type="button"
            className="btn btn-lg btn-go"
            disabled={!ok || nothing || busy}
            onClick={onApply}
            data-testid="import-apply"
          >
            {ok
              ? t('catalogue.import.apply', {
                  count: preview.counts.added + preview.counts.changed + preview.counts.retired,
                })
              : t('catalogue.import.applyBlocked')}
          </button>
        </div>
      </div>
      {preview.stockIgnored > 0 ? (
        <p className="muted" data-testid="import-stock-ignored">
          {t('catalogue.import.stockIgnored', { count: preview.stockIgnored })}
        </p>
      ) : null}

      {!ok ? (
        <div className="csv-errors" data-testid="import-errors">
          <p className="form-error">{t('catalogue.import.fixFirst', { count: preview.badRows })}</p>
          <table className="table table-compact">
            <thead>
              <tr>
                <th className="num">{t('catalogue.import.line')}</th>
                <th>{t('catalogue.import.column')}</th>
                <th>{t('catalogue.import.value')}</th>
                <th>{t('catalogue.import.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {preview.errors.map((e, i) => (
                <tr key={`${e.line}-${i}`} data-testid="import-error" data-line={e.line} data-kind={e.kind}>
                  <td className="num strong">{e.line}</td>
                  <td className="mono">{e.column ?? '—'}</td>
                  <td className="mono">{e.value ?? ''}</td>
                  <td>{rowErrorText(e.kind, e.params, t)}</td>
                </tr>
              ))}
              {preview.errorCount > preview.errors.length ? (
                <tr>
                  <td colSpan={4} className="muted">
                    {t('catalogue.import.more', { count: preview.errorCount - preview.errors.length })}
                  </td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
      ) : null}

      {preview.added.length + preview.changed.length + preview.retired.length > 0 ? (
        <div className="csv-changes">
          <h3>{ok ? t('catalogue.import.willChange') : t('catalogue.import.wouldChange')}</h3>
          <table className="table table-compact">
            <thead>
              <tr>
                <th className="num">{t('catalogue.import.line')}</th>
                <th>{t('catalogue.col.sku')}</th>
                <th>{t('catalogue.col.name')}</th>
                <th>{t('catalogue.import.what')}</th>
              </tr>
            </thead>
            {(['added', 'changed', 'retired'] as const).map((kind) =>
              preview[kind].length > 0 ? (
                <tbody key={kind} data-testid={`import-${kind}`}>
                  <tr className="change-group">
                    <th colSpan={4}>{t(`catalogue.import.${kind}`, { count: preview.counts[kind] })}</th>
                  </tr>
                  <ChangeRows list={preview[kind]} kind={kind} t={t} />
                  {more(preview[kind].length, preview.counts[kind])}
                </tbody>
              ) : null,
            )}
          </table>
        </div>
      ) : null}

      {nothing ? (
        <p className="csv-nothing" data-testid="import-nothing">
          {t('catalogue.import.nothing')}
        </p>
      ) : null}
    </div>
  );
}

function rowErrorText(kind: string, params: Record<string, string | number>, t: Translate): string {
  if (kind === 'invalid_barcode') {
    if (params.reason === 'check_digit') return t('catalogue.rowError.checkDigit', params);
    if (params.reason === 'excel_number') return t('catalogue.rowError.excelNumber', params);
  }
  if (kind === 'code_taken' && params.otherLine === undefined)
    return t('catalogue.rowError.code_taken_catalogue', params);
  return t(`catalogue.rowError.${kind}` as MessageKey, params);
}
