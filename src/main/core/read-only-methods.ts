/**
 * Calls that only read: they answer while a worker holds the store's write lock. Every other call
 * first waits, with `await`, for that lock to be given back (store/write-gate.ts), so that none of
 * them waits inside SQLite with the counter's event loop stopped.
 */
export const READ_ONLY: ReadonlySet<string> = new Set([
  'app.info',
  'catalog.categories',
  'catalog.products',
  'catalog.search',
  'orders.get',
  'orders.list',
  'payments.attention',
  'payments.awaiting',
  'orders.tidyPreview',
  'payments.get',
  'payments.options',
  'payments.forOrder',
  'refunds.quote',
  'settings.payments',
  'auth.users',
  'auth.current',
  'dataSafety.status',
  'cart.parked',
  'till.resumePayment',
]);
