import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { MAX_QTY } from '../../../shared/limits';
import type { PosErrorShape } from '../../../shared/errors';
import type { Result } from '../../../shared/result';
import type { CartLineView, CartView, Category, Discount, OrderView, Product } from '../../../shared/types';
import { api } from '../api';
import { CartPanel, type CartOps } from '../components/cart-panel';
import { CategoryTabs } from '../components/category-tabs';
import { useOwnerApproval } from '../components/owner-approval';
import { ProductGrid } from '../components/product-grid';
import { ParkLabelDialog } from '../components/parked-dialog';
import { useDebouncedValue } from '../hooks/use-debounced-value';
import { isScanInProgress } from '../hooks/use-scanner';
import { useShortcuts } from '../hooks/use-shortcuts';
import { names, useI18n, type MessageKey, type Params } from '../i18n';
import { thrownToError, useCall, useNotifier } from '../lib/notice';
import { usePayCodeFromSell, type SellCodeTargetRef } from './sell-pay-code';
import { DrawerPrompt, OpenDrawerButton, useDrawerRule } from './cash-session/drawer-rule';

export interface SellProps {
  cart: CartView;
  flash: { productId: number | null; seq: number };
  /** Shows a cart returned by main; `touched` flashes its last touched line. */
  applyCart: (cart: CartView, touched: boolean) => void;
  /** Re-reads the cart from main (after an error, so the screen never shows a stale cart). */
  reloadCart: () => void;
  parkedCount: number;
  refreshParked: () => void;
  /** the order is confirmed: pay it (`payCode`: a customer's payment code scanned on Sell, to start with) */
  onCheckout: (order: OrderView, payCode?: string) => void;
  /** where the app sends a customer's payment code scanned while Sell shows */
  codeTarget: SellCodeTargetRef;
  /** a quantity typed before a scan or a pick (`3*`), used by the next one (the app's scans too) */
  multiplier: number | null;
  setMultiplier: (n: number | null) => void;
}

/** `3*` (or `3＊`, `3×`) typed in the search box: the next scan or pick adds 3. */
function readMultiplier(text: string): number | null {
  const m = /^\s*(\d{1,4})\s*[*＊×]\s*$/.exec(text.normalize('NFKC'));
  const n = m ? Number(m[1]) : 0;
  return n >= 1 && n <= MAX_QTY ? n : null;
}

// Kept between visits to the Sell screen so that coming back is instant (refreshed in the background).
let categoriesCache: Category[] | null = null;
const productsCache = new Map<number | 'all', Product[]>();
let lastCategory: number | null = null;
// The first visit's tabs and tiles, asked for at start-up beside app.info (app.tsx) rather than after
// it and the cart: three round trips and a render fewer before the first tile.
let prefetched: { categories?: Promise<Result<Category[]>>; products?: Promise<Result<Product[]>> } = {};
// A catalogue change made while this screen is not shown must not leave old tiles (or prices) in the caches.
api.on('catalog.changed', ({ kind }) => {
  if (kind === 'stock') return;
  productsCache.clear();
  categoriesCache = null;
  prefetched = {};
});

/** Starts loading the Sell screen's first tabs and tiles (a failure, e.g. a locked till, is asked again on the screen). */
export function prefetchSell(): void {
  if (categoriesCache || productsCache.size) return;
  prefetched = { categories: api.catalog.categories({}), products: api.catalog.products({ categoryId: null }) };
}

/** The prefetched answer when it came back well, else a fresh call. */
async function prefetchedOr<T>(key: 'categories' | 'products', fresh: () => Promise<Result<T>>): Promise<Result<T>> {
  const early = prefetched[key] as Promise<Result<T>> | undefined;
  prefetched[key] = undefined;
  if (early) {
    const r = await early.catch(() => null);
    if (r?.ok) return r;
  }
  return fresh();
}

const SEARCH_LIMIT = 200;

export default function SellScreen({
  cart,
  flash,
  applyCart,
  reloadCart,
  parkedCount,
  refreshParked,
  onCheckout,
  codeTarget,
  multiplier,
  setMultiplier,
}: SellProps) {
  const { t, locale } = useI18n();
  const call = useCall();
  const notifier = useNotifier();
  const approve = useOwnerApproval();
  const [categories, setCategories] = useState<Category[]>(categoriesCache ?? []);
  const [categoryId, setCategoryId] = useState<number | null>(lastCategory);
  const [, setProductsLoaded] = useState(0);
  const products = productsCache.get(categoryId ?? 'all') ?? null;
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<{ query: string; products: Product[] } | null>(null);
  const [busy, setBusy] = useState(false);
  const [parking, setParking] = useState(false);
  const searchRef = useRef<HTMLInputElement>(null);
  // the search result the arrow keys point at (Enter takes it)
  const [highlight, setHighlight] = useState<number | null>(null);
  const debounced = useDebouncedValue(query.trim(), 80, isScanInProgress);
  const searching = query.trim() !== '';
  // the owner changed the catalogue (Manage → Catalogue, maybe in another window): reload tiles, tabs and search
  const [catalogVersion, setCatalogVersion] = useState(0);
  useEffect(
    () =>
      api.on('catalog.changed', ({ kind }) => {
        if (kind === 'stock') return; // the sell screen shows no stock
        productsCache.clear();
        setCatalogVersion((v) => v + 1);
      }),
    [],
  );

  useEffect(() => {
    void call(prefetchedOr('categories', () => api.catalog.categories({}))).then((list) => {
      if (!list) return;
      categoriesCache = list;
      setCategories(list);
    });
  }, [call, catalogVersion]);

  useEffect(() => {
    lastCategory = categoryId;
    const key = categoryId ?? 'all';
    let live = true;
    const ask = () => api.catalog.products({ categoryId });
    void call(categoryId === null ? prefetchedOr('products', ask) : ask()).then((list) => {
      if (!list) return;
      productsCache.set(key, list);
      if (live) setProductsLoaded((n) => n + 1);
    });
    return () => {
      live = false;
    };
  }, [categoryId, call, catalogVersion]);

  useEffect(() => {
    if (!debounced) return undefined;
    let live = true;
    void call(api.catalog.search({ query: debounced, limit: SEARCH_LIMIT })).then((list) => {
      if (live && list) setResults({ query: debounced, products: list });
    });
    return () => {
      live = false;
    };
  }, [debounced, call, catalogVersion]);

  const colors = useMemo(() => new Map(categories.map((c) => [c.id, c.color])), [categories]);

  /** Runs a cart change; shows the new cart, or the error (and re-reads the cart). */
  const mutate = useCallback(
    async (pending: Promise<Result<CartView>>, touched: boolean): Promise<boolean> => {
      const view = await call(pending);
      if (view) applyCart(view, touched);
      else reloadCart();
      return view !== undefined;
    },
    [call, applyCart, reloadCart],
  );

  const direct = useCallback(
    async (pending: Promise<Result<CartView>>): Promise<PosErrorShape | null> => {
      try {
        const r = await pending;
        if (r.ok) {
          applyCart(r.value, true);
          return null;
        }
        return r.error;
      } catch (err) {
        return thrownToError(err);
      }
    },
    [applyCart],
  );

  /** A discount above the store's limit: main asks for the owner, the approval dialog asks the owner. */
  const approved = useCallback(
    async (run: (pin: string | undefined) => Promise<Result<CartView>>): Promise<PosErrorShape | null> => {
      const first = await direct(run(undefined));
      if (first?.code !== 'OWNER_APPROVAL_REQUIRED') return first;
      const view = await approve(run, 'approval.reason.discount');
      if (!view) return first;
      applyCart(view, true);
      return null;
    },
    [direct, approve, applyCart],
  );

  /** Which discount the owner is asked to approve at confirm, and its percent (main says, in `details`). */
  const confirmReason = useCallback(
    (asked: PosErrorShape): { key: MessageKey; params?: Params } => {
      const d = asked.details ?? {};
      const params = { percent: Math.min(100, Number(d.percent)), limit: Number(d.limitPercent) };
      if (d.discount === 'order') return { key: 'approval.reason.discountOrder', params };
      if (d.discount === 'line')
        return {
          key: 'approval.reason.discountLine',
          params: {
            ...params,
            name: names(locale, { nameZh: String(d.nameZh ?? d.sku ?? ''), nameEn: String(d.nameEn ?? d.sku ?? '') })
              .main,
          },
        };
      return { key: 'approval.reason.discount' };
    },
    [locale],
  );

  /** The quantity for the next add: the typed multiplier once, else 1. */
  const takeQty = useCallback((): { qty?: number } => {
    if (multiplier === null) return {};
    setMultiplier(null);
    return { qty: multiplier };
  }, [multiplier, setMultiplier]);

  const addProduct = useCallback(
    (p: Product) => void mutate(api.cart.add({ productId: p.id, ...takeQty() }), true),
    [mutate, takeQty],
  );

  /** Confirms the cart as an order (F4, the button, or a payment code scanned here); null when it was not. */
  const confirm = useCallback(async (): Promise<OrderView | null> => {
    setBusy(true);
    // a discount past the limit on the final cart, not approved yet: the owner approves it here
    const order = await approve((pin) => api.checkout.confirm(pin ? { approvalPin: pin } : {}), confirmReason);
    setBusy(false);
    if (!order) reloadCart();
    return order ?? null;
  }, [approve, confirmReason, reloadCart]);

  const ops: CartOps = useMemo(
    () => ({
      inc: (line: CartLineView) => void mutate(api.cart.add({ productId: line.productId }), true),
      dec: (line: CartLineView) => {
        if (line.qty > 1) void mutate(api.cart.setQty({ lineId: line.lineId, qty: line.qty - 1 }), true);
      },
      setQty: (line: CartLineView, text: string) => {
        const m = /^\s*(\d{1,6})\s*$/.exec(text);
        const qty = m ? Number(m[1]) : Number.NaN;
        if (!(qty >= 1 && qty <= MAX_QTY)) {
          notifier.say('error', 'qty.invalid', { max: MAX_QTY, text: text.trim() });
          return;
        }
        void mutate(api.cart.setQty({ lineId: line.lineId, qty }), true);
      },
      remove: (line: CartLineView) => void mutate(api.cart.remove({ lineId: line.lineId }), false),
      setLineDiscount: (line: CartLineView, discount: Discount | null) =>
        approved((pin) => api.cart.setLineDiscount({ lineId: line.lineId, discount, approvalPin: pin })),
      setOrderDiscount: (discount: Discount | null) =>
        approved((pin) => api.cart.setOrderDiscount({ discount, approvalPin: pin })),
      clear: () => void mutate(api.cart.clear({}), false),
      // s-tidy: the clerk may name the cart first (ParkLabelDialog); Enter parks it unnamed
      park: () => setParking(true),
      resume: async (cartId: number) => {
        const ok = await mutate(api.cart.resume({ cartId }), false);
        refreshParked();
        if (ok) notifier.say('success', 'cart.resumed');
        return ok;
      },
      checkout: () => {
        if (busy) return;
        void confirm().then((order) => {
          if (order) onCheckout(order);
        });
      },
    }),
    [mutate, approved, notifier, refreshParked, busy, onCheckout, confirm],
  );

  usePayCodeFromSell({ cart, targetRef: codeTarget, confirm, onCheckout });

  /** The line +/− keys act on: the last one touched, else the last one. */
  const lastLine = (): CartLineView | undefined =>
    cart.lines.find((l) => l.productId === cart.lastTouchedProductId) ?? cart.lines[cart.lines.length - 1];

  const adjustLast = (delta: 1 | -1): void => {
    const line = lastLine();
    if (!line) return;
    if (delta > 0) ops.inc(line);
    else ops.dec(line);
  };

  const focusSearch = (): void => {
    searchRef.current?.focus();
    searchRef.current?.select();
  };
  // the store requires an open drawer for cash and it is not open: said here, before checkout (F10 opens it)
  const drawer = useDrawerRule();

  useShortcuts({
    F2: focusSearch,
    '/': focusSearch,
    // Main decides whether the cart is empty (a tap may still be on its way): no local check here.
    F4: () => ops.checkout(),
    F9: () => ops.park(),
    '+': () => adjustLast(1),
    '=': () => adjustLast(1),
    '-': () => adjustLast(-1),
  });

  // the search box has focus when the screen opens: at start and after each sale
  useEffect(() => {
    searchRef.current?.focus();
  }, []);

  const hits = searching && results && results.query === debounced ? results.products : null;
  useEffect(() => setHighlight(null), [hits]);

  /** Enter in the search box: the highlighted result; else an exact barcode/SKU is scanned; else the first result. */
  const onSearchEnter = async (text: string): Promise<void> => {
    const q = text.trim();
    if (!q) return;
    const picked = highlight !== null && hits && results?.query === q ? hits[highlight] : undefined;
    if (picked) {
      if (await mutate(api.cart.add({ productId: picked.id, ...takeQty() }), true)) setQuery('');
      return;
    }
    const list = await call(api.catalog.search({ query: q, limit: 20 }));
    if (!list) return;
    const exact = list.find((p) => p.barcode === q || p.sku.toLowerCase() === q.toLowerCase());
    const first = list[0];
    if (exact) {
      if (await mutate(api.cart.scan({ code: q, ...takeQty() }), true)) setQuery('');
    } else if (first) {
      if (await mutate(api.cart.add({ productId: first.id, ...takeQty() }), true)) setQuery('');
    } else {
      notifier.say('error', 'sell.noResults', { query: q });
    }
  };

  const onSearchKeyDown = (e: KeyboardEvent<HTMLInputElement>): void => {
    if (e.nativeEvent.isComposing) return;
    if (e.key === 'Enter') {
      e.preventDefault();
      void onSearchEnter(e.currentTarget.value);
    } else if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && hits && hits.length > 0) {
      e.preventDefault();
      const down = e.key === 'ArrowDown';
      setHighlight((h) =>
        h === null ? (down ? 0 : hits.length - 1) : Math.min(hits.length - 1, Math.max(0, h + (down ? 1 : -1))),
      );
    } else if (e.key === 'Escape' && e.currentTarget.value) {
      e.preventDefault();
      setQuery('');
    } else if ((e.key === 'Escape' || e.key === 'Backspace') && multiplier !== null) {
      e.preventDefault();
      setMultiplier(null);
    } else if ((e.key === '+' || e.key === '-') && e.currentTarget.value === '' && cart.lines.length > 0) {
      // In an empty search box, + and − still adjust the last line (the clerk's hands stay on the keys).
      e.preventDefault();
      adjustLast(e.key === '+' ? 1 : -1);
    }
  };

  // While a search is on its way the current tiles stay: swapping the grid out on the first typed
  // (or scanned) character would block the page for no benefit.
  const shown = searching && results ? results.products : products;

  return (
    <div className="sell" data-testid="sell-screen">
      <section className="catalog">
        <div className="search-row">
          <span className="search-icon" aria-hidden="true">
            ⌕
          </span>
          {multiplier !== null ? (
            <button
              type="button"
              className="qty-chip"
              onClick={() => setMultiplier(null)}
              title={t('sell.multiplierClear')}
              data-testid="qty-multiplier"
            >
              {multiplier}*
            </button>
          ) : null}
          <input
            ref={searchRef}
            className={`search${multiplier !== null ? ' search-chip' : ''}`}
            type="search"
            enterKeyHint="enter"
            autoComplete="off"
            spellCheck={false}
            maxLength={64}
            placeholder={t('sell.searchPlaceholder')}
            aria-label={t('sell.searchPlaceholder')}
            value={query}
            onChange={(e) => {
              const n = readMultiplier(e.target.value);
              if (n !== null) {
                setMultiplier(n);
                setQuery('');
              } else setQuery(e.target.value);
            }}
            onKeyDown={onSearchKeyDown}
            data-testid="product-search"
          />
          {query ? (
            <button
              type="button"
              className="btn btn-ghost search-clear"
              onClick={() => setQuery('')}
              aria-label={t('sell.searchClear')}
              data-testid="search-clear"
            >
              ×
            </button>
          ) : null}
          <kbd className="search-kbd">F2</kbd>
        </div>
        <CategoryTabs
          categories={categories}
          selected={categoryId}
          dimmed={searching}
          onSelect={(id) => {
            setCategoryId(id);
            setQuery('');
          }}
        />
        <div className="grid-scroll">
          {searching && results ? (
            <p className="grid-status" data-testid="search-status">
              {results.products.length === 0
                ? t('sell.noResults', { query: results.query })
                : t('sell.resultsFor', { count: results.products.length, query: results.query })}
            </p>
          ) : null}
          {shown === null ? (
            <p className="grid-status">{t('sell.loading')}</p>
          ) : !searching && shown.length === 0 ? (
            <p className="grid-status">{t('sell.noProducts')}</p>
          ) : (
            <ProductGrid
              products={shown}
              colors={colors}
              onAdd={addProduct}
              highlight={hits && highlight !== null ? (hits[highlight]?.id ?? null) : null}
            />
          )}
        </div>
      </section>
      <CartPanel
        cart={cart}
        flash={flash}
        parkedCount={parkedCount}
        busy={busy}
        ops={ops}
        notice={
          drawer.blocked ? (
            <div className="sell-drawer-notice" role="status" data-testid="sell-drawer-required">
              <span>{t('sell.drawerRequired')}</span>
              <OpenDrawerButton rule={drawer} testId="sell-open-drawer" />
            </div>
          ) : null
        }
      />
      <DrawerPrompt rule={drawer} onOpened={focusSearch} />
      {parking ? (
        <ParkLabelDialog
          onClose={() => setParking(false)}
          onPark={async (label) => {
            setParking(false);
            if (await mutate(api.cart.park(label ? { label } : {}), false)) {
              notifier.say('success', 'cart.parkedDone');
              refreshParked();
            }
          }}
        />
      ) : null}
    </div>
  );
}
