import type { AwaitingAnswers } from '../../shared/tidy-types';
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { PosErrorShape } from '../../shared/errors';
import type { AppInfo, CartView, Locale, OrderView, PaidOrder, Receipt } from '../../shared/types';
import { maskPaymentCode, normalisePaymentCode, recognisePaymentCode } from '../../shared/payment-code';
import { api, isBrowserMode } from './api';
import { DataSafetyBanner } from './components/data-safety-banner';
import { Header, type NavTarget } from './components/header';
import { NoticeBanner } from './components/notice-banner';
import { ServerLost } from './components/server-lost';
import { OwnerApprovalProvider } from './components/owner-approval';
import { SignIn } from './components/sign-in';
import { StartupError } from './components/startup-error';
import { useScanner } from './hooks/use-scanner';
import { I18nContext, makeT, type I18n } from './i18n';
import { NoticeContext, thrownToError, type Notice, type Notifier } from './lib/notice';
import AttentionScreen, { attentionCount } from './screens/attention';
import ManageScreen from './screens/manage';
import OrdersScreen from './screens/orders';
import PayScreen, { type ScanTarget } from './screens/pay';
import ReceiptScreen from './screens/receipt';
import SellScreen, { prefetchSell } from './screens/sell';
import type { SellCodeTarget } from './screens/sell-pay-code';
import './screens/settings/printer.css'; // in the first stylesheet, where it always was (manage-sections.tsx says why)

/** The owner's settings load when first opened, like the Manage sections (screens/manage-sections.tsx). */
const loadSettings = () => import('./screens/settings/settings-screen');
const SettingsScreen = lazy(loadSettings);

type Screen =
  | { name: 'sell' }
  /** `payCode`: a customer's payment code scanned on Sell, started on Pay at once */
  | { name: 'pay'; order: OrderView; payCode?: string }
  | { name: 'receipt'; receipt: Receipt }
  | { name: 'orders' }
  | { name: 'check' }
  | { name: 'manage'; section: string | null }
  | { name: 'settings' };

type Boot =
  | { state: 'loading' }
  | { state: 'failed'; error: PosErrorShape }
  | { state: 'ready'; info: AppInfo; cart: CartView };

/** How long a notice stays up unless dismissed. Errors stay long enough to be read and acted on. */
const NOTICE_MS = { error: 15_000, info: 5_000, success: 4_000 } as const;
/** How long after it is raised a notice may follow the clerk to the next screen (it was about the move). */
const NOTICE_CARRY_MS = 1_000;

let noticeSeq = 0;

function initialLocale(): Locale {
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

async function safe<T>(pending: Promise<{ ok: true; value: T } | { ok: false; error: PosErrorShape }>) {
  try {
    return await pending;
  } catch (err) {
    return { ok: false as const, error: thrownToError(err) };
  }
}

/**
 * Where the till opens when this terminal was taking an intermediary payment as the till or this
 * page (re)started (issue 12, finding 4): that order's pay step while the payment is open, or its
 * receipt when the customer paid while the till was down; null for Sell as usual (also when it
 * cannot be read: To check still lists the payment).
 */
async function resumeScreen(asked: ReturnType<typeof api.till.resumePayment>): Promise<Screen | null> {
  const r = await safe(asked);
  if (!r.ok || !r.value) return null;
  const orderId = r.value.orderId;
  if (r.value.paid) {
    const receipt = await safe(api.orders.receipt({ orderId, reprint: false }));
    return receipt.ok ? { name: 'receipt', receipt: receipt.value } : null;
  }
  const o = await safe(api.orders.get({ orderId }));
  return o.ok && o.value.status === 'open' ? { name: 'pay', order: o.value } : null;
}

export function App() {
  const [boot, setBoot] = useState<Boot>({ state: 'loading' });
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  const [cart, setCart] = useState<CartView | null>(null);
  const [flash, setFlash] = useState<{ productId: number | null; seq: number }>({ productId: null, seq: 0 });
  const [screen, setScreen] = useState<Screen>({ name: 'sell' });
  const [notice, setNotice] = useState<Notice | null>(null);
  const [parkedCount, setParkedCount] = useState(0);
  // a quantity typed before a scan or a pick (`3*`), used once
  const [multiplier, setMultiplierState] = useState<number | null>(null);
  const multiplierRef = useRef<number | null>(null);
  const setMultiplier = useCallback((n: number | null) => {
    multiplierRef.current = n;
    setMultiplierState(n);
  }, []);
  const [checkCount, setCheckCount] = useState(0);
  // s-tidy: intermediary payments waiting for an answer (the header's count), read with the badge's
  const [awaiting, setAwaiting] = useState<AwaitingAnswers | null>(null);
  const [switchingUser, setSwitchingUser] = useState(false);
  const screenRef = useRef<Screen>(screen);
  /** The pay screen's payment-code step, while it shows: a scan there is the customer's code. */
  const payScanTarget: ScanTarget = useRef<((code: string) => boolean) | null>(null);
  /** Sell's taker of a customer's payment code (it pays the cart), and a code waiting for Sell to show. */
  const sellCodeTarget = useRef<SellCodeTarget>({ take: null, pending: null });
  useEffect(() => {
    screenRef.current = screen;
  }, [screen]);

  const notifier = useMemo<Notifier>(
    () => ({
      error: (error) => setNotice({ id: ++noticeSeq, kind: 'error', error }),
      say: (tone, key, params) =>
        setNotice({ id: ++noticeSeq, kind: 'message', tone, key, ...(params ? { params } : {}) }),
      clear: () => setNotice(null),
    }),
    [],
  );

  // A notice belongs to the screen it was raised on: leaving that screen drops it (a "resumed parked
  // cart" toast must not cover the receipt, an old barcode error must not stay on Pay), unless it was
  // raised on the way to the next screen (within NOTICE_CARRY_MS of the change).
  const noticeAt = useRef(0);
  useEffect(() => {
    noticeAt.current = performance.now();
  }, [notice?.id]);
  useEffect(() => {
    setNotice((n) => (n && performance.now() - noticeAt.current > NOTICE_CARRY_MS ? null : n));
  }, [screen.name]);

  useEffect(() => {
    if (!notice) return undefined;
    const ms = notice.kind === 'error' ? NOTICE_MS.error : NOTICE_MS[notice.tone];
    const id = window.setTimeout(() => setNotice((n) => (n?.id === notice.id ? null : n)), ms);
    return () => window.clearTimeout(id);
  }, [notice]);

  const applyCart = useCallback((view: CartView, touched: boolean) => {
    setCart(view);
    if (touched && view.lastTouchedProductId !== null) {
      const productId = view.lastTouchedProductId;
      setFlash((f) => ({ productId, seq: f.seq + 1 }));
    }
  }, []);

  const reloadCart = useCallback(async (): Promise<boolean> => {
    const r = await safe(api.cart.get({}));
    if (r.ok) setCart(r.value);
    else notifier.error(r.error);
    return r.ok;
  }, [notifier]);

  const refreshParked = useCallback(async () => {
    const r = await safe(api.cart.parked({}));
    if (r.ok) setParkedCount(r.value.length);
    else notifier.error(r.error);
  }, [notifier]);

  const reloadCartQuietly = useCallback(() => void reloadCart(), [reloadCart]);

  /** After payment settings change, the SANDBOX badge may change with them. */
  const refreshInfoQuietly = useCallback(() => {
    void safe(api.app.info({})).then((r) => {
      if (r.ok) setInfo(r.value);
    });
  }, []);
  const refreshParkedQuietly = useCallback(() => void refreshParked(), [refreshParked]);

  const start = useCallback(async () => {
    // asked together: the till's info, the cart, a payment to resume and the Sell screen's first tiles (one round trip, not five)
    const cart = safe(api.cart.get({}));
    // asked at once too (a locked till refuses it, and the answer is then not used)
    const resume = api.till.resumePayment({});
    void safe(resume); // its failure is read (and dropped) below
    prefetchSell();
    const r = await safe(api.app.info({}));
    if (!r.ok) {
      setBoot({ state: 'failed', error: r.error });
      return;
    }
    setInfo(r.value);
    setLocaleState(r.value.locale);
    const c = await cart;
    if (!c.ok) {
      setBoot({ state: 'failed', error: c.error });
      return;
    }
    setCart(c.value);
    // restarted in the middle of a payment: open on that order's pay step, not on an empty Sell
    const resumed = r.value.locked ? null : await resumeScreen(resume);
    if (resumed) setScreen(resumed);
    setBoot({ state: 'ready', info: r.value, cart: c.value });
    void refreshParked();
  }, [refreshParked]);

  useEffect(() => {
    void start();
  }, [start]);

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  /** The header's "to check" badge: payments without a final answer, exceptions, refunds under way. */
  useEffect(() => {
    if (boot.state !== 'ready') return undefined;
    let timer: number | undefined;
    const refresh = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => {
        void safe(api.payments.attention({})).then((r) => {
          if (r.ok) setCheckCount(attentionCount(r.value));
        });
        void safe(api.payments.awaiting({})).then((r) => {
          if (r.ok) setAwaiting(r.value);
        });
      }, 300);
    };
    refresh();
    const offs = [
      api.on('payment.changed', refresh),
      api.on('refund.changed', refresh),
      api.on('order.changed', refresh),
      api.on('payments.reachability', refresh),
    ];
    const id = window.setInterval(refresh, 30_000);
    return () => {
      offs.forEach((off) => off());
      window.clearInterval(id);
      window.clearTimeout(timer);
    };
  }, [boot.state]);

  useEffect(
    () =>
      api.on('app.localeChanged', ({ locale: next }) => {
        setLocaleState(next);
      }),
    [],
  );

  const changeLocale = useCallback(
    (next: Locale) => {
      setLocaleState(next); // at once; main persists it
      void safe(api.app.setLocale({ locale: next })).then((r) => {
        if (r.ok) setInfo(r.value);
        else notifier.error(r.error);
      });
    },
    [notifier],
  );

  const i18n = useMemo<I18n>(
    () => ({ locale, t: makeT(locale), timeZone: info?.timeZone, setLocale: changeLocale }),
    [locale, info?.timeZone, changeLocale],
  );

  const onScan = useCallback(
    async (code: string) => {
      const current = screenRef.current;
      if (current.name === 'pay') {
        if (payScanTarget.current?.(code)) return;
        // a customer's payment code is a bearer token: never shown whole
        const shown = recognisePaymentCode(normalisePaymentCode(code)) ? maskPaymentCode(code) : code;
        notifier.say('error', 'pay.scanBlocked', { code: shown });
        return;
      }
      // a customer's payment code anywhere but Pay pays the cart (Sell confirms the order and opens Pay)
      if (recognisePaymentCode(normalisePaymentCode(code))) {
        const sell = sellCodeTarget.current;
        if (current.name === 'sell' && sell.take) sell.take(code);
        else {
          sell.pending = code;
          setScreen({ name: 'sell' });
        }
        return;
      }
      if (current.name !== 'sell') setScreen({ name: 'sell' }); // a scan on the receipt or orders screen starts selling
      const qty = multiplierRef.current;
      setMultiplier(null);
      const r = await safe(api.cart.scan(qty !== null ? { code, qty } : { code }));
      if (r.ok) {
        applyCart(r.value, true);
        setNotice((n) => (n?.kind === 'error' && n.error.code === 'UNKNOWN_BARCODE' ? null : n));
      } else {
        const error =
          r.error.code === 'UNKNOWN_BARCODE' && r.error.details?.code === undefined
            ? { ...r.error, details: { ...r.error.details, code } }
            : r.error;
        notifier.error(error);
      }
    },
    [notifier, applyCart, setMultiplier],
  );
  useScanner((code) => void onScan(code));

  const newSale = useCallback(() => {
    void reloadCart().then(() => setScreen({ name: 'sell' }));
  }, [reloadCart]);

  const onCheckout = useCallback((order: OrderView, payCode?: string) => {
    setScreen(payCode !== undefined ? { name: 'pay', order, payCode } : { name: 'pay', order });
  }, []);

  const onPaid = useCallback(
    (paid: PaidOrder) => {
      setScreen({ name: 'receipt', receipt: paid.receipt });
      void reloadCart();
    },
    [reloadCart],
  );

  const onCancelled = useCallback(() => {
    void reloadCart().then(() => setScreen({ name: 'sell' }));
  }, [reloadCart]);

  const onNav = useCallback(
    (to: NavTarget) => {
      if (screenRef.current.name === 'pay') {
        notifier.say('error', 'header.navBlocked');
        return;
      }
      if (to === 'sell' && screenRef.current.name === 'receipt') newSale();
      else setScreen(to === 'manage' ? { name: 'manage', section: null } : ({ name: to } as Screen));
    },
    [notifier, newSale],
  );

  /** the damaged-database banner's way to the guided restore, and back to selling once it is done */
  const openDataSafety = useCallback(() => {
    if (screenRef.current.name === 'pay') notifier.say('error', 'header.navBlocked');
    else setScreen({ name: 'manage', section: 'data-safety' });
  }, [notifier]);
  const afterRestore = useCallback(() => {
    refreshInfoQuietly();
    void reloadCart();
    void refreshParked();
  }, [refreshInfoQuietly, reloadCart, refreshParked]);

  let body;
  if (boot.state === 'loading') {
    body = (
      <div className="boot" data-testid="booting">
        {makeT(locale)('app.loading')}
      </div>
    );
  } else if (boot.state === 'failed') {
    body = (
      <StartupError
        error={boot.error}
        onRetry={() => {
          setBoot({ state: 'loading' });
          void start();
        }}
      />
    );
  } else {
    const appInfo = info ?? boot.info;
    const currentCart = cart ?? boot.cart;
    body = (
      <div className="app" data-screen={screen.name} data-locale={locale}>
        <Header
          info={appInfo}
          current={
            screen.name === 'orders' ||
            screen.name === 'settings' ||
            screen.name === 'check' ||
            screen.name === 'manage'
              ? screen.name
              : screen.name === 'sell' || screen.name === 'receipt'
                ? 'sell'
                : null
          }
          navBlocked={screen.name === 'pay'}
          checkCount={checkCount}
          awaiting={awaiting}
          onUser={() => setSwitchingUser(true)}
          browserMode={isBrowserMode}
          onNav={onNav}
        />
        <DataSafetyBanner
          clerk={appInfo.clerk}
          onOpen={screen.name === 'manage' && screen.section === 'data-safety' ? null : openDataSafety}
          onRestored={afterRestore}
        />
        <main className="screen">
          {screen.name === 'sell' ? (
            <SellScreen
              cart={currentCart}
              flash={flash}
              applyCart={applyCart}
              reloadCart={reloadCartQuietly}
              parkedCount={parkedCount}
              refreshParked={refreshParkedQuietly}
              onCheckout={onCheckout}
              codeTarget={sellCodeTarget}
              multiplier={multiplier}
              setMultiplier={setMultiplier}
            />
          ) : screen.name === 'pay' ? (
            <PayScreen
              key={screen.order.id}
              order={screen.order}
              payCode={screen.payCode}
              sandbox={appInfo.sandbox}
              scanTargetRef={payScanTarget}
              onPaid={onPaid}
              onCancelled={onCancelled}
            />
          ) : screen.name === 'receipt' ? (
            <ReceiptScreen receipt={screen.receipt} onNewSale={newSale} />
          ) : screen.name === 'manage' ? (
            <ManageScreen
              section={screen.section}
              businessDay={appInfo.businessDay}
              onSection={(section) => setScreen({ name: 'manage', section })}
              onBack={() => setScreen({ name: 'sell' })}
            />
          ) : screen.name === 'check' ? (
            <AttentionScreen onBack={() => setScreen({ name: 'sell' })} onCount={setCheckCount} />
          ) : screen.name === 'settings' ? (
            <Suspense fallback={<p className="muted">…</p>}>
              <SettingsScreen info={appInfo} onSaved={refreshInfoQuietly} onBack={() => setScreen({ name: 'sell' })} />
            </Suspense>
          ) : (
            <OrdersScreen businessDay={appInfo.businessDay} onBack={() => setScreen({ name: 'sell' })} />
          )}
        </main>
        <NoticeBanner notice={notice} onDismiss={() => setNotice(null)} />
        {appInfo.locked || switchingUser ? (
          <SignIn
            locked={appInfo.locked}
            onCancel={() => setSwitchingUser(false)}
            onLock={() => {
              void safe(api.auth.lock({})).then(() => {
                setSwitchingUser(false);
                setScreen({ name: 'sell' });
                refreshInfoQuietly();
              });
            }}
            onSignedIn={() => {
              setSwitchingUser(false);
              refreshInfoQuietly();
              void reloadCart();
              // signed in on a till that started locked: a payment under way there still comes first
              if (screenRef.current.name === 'sell')
                void resumeScreen(api.till.resumePayment({})).then((next) => {
                  if (next && screenRef.current.name === 'sell') setScreen(next);
                });
            }}
          />
        ) : null}
      </div>
    );
  }

  return (
    <I18nContext value={i18n}>
      <NoticeContext value={notifier}>
        <OwnerApprovalProvider>{body}</OwnerApprovalProvider>
        {isBrowserMode ? <ServerLost /> : null}
      </NoticeContext>
    </I18nContext>
  );
}
