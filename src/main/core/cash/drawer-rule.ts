/**
 * The store's rule "require an open drawer before a cash sale" (settings `requireOpenDrawer`). Cash
 * taken while no session is open on this terminal lands on no Z, so when the owner turned the rule
 * on (a new store starts with it on) every cash payment is refused until the drawer is opened with
 * its float. Intermediary payments never touch the drawer and are not affected.
 *
 * `checkDrawerForCash` runs inside the transaction that writes the cash (sales/orders.ts takeCash),
 * so a drawer closed between the order's confirm and its payment is seen; the handlers also call it
 * before asking for an owner's PIN, so a clerk is not asked for one for a payment that cannot happen.
 */
import { PosError } from '../../../shared/errors';
import { prepared, type Store } from '../../store/db';
import type { Settings } from '../settings';
import { openSessionQuery } from './queries';

/** prepared once: it runs on every cash payment, twice (before any PIN is asked, then in the transaction) */
const OPEN_SESSION = prepared((k, terminal: string) => openSessionQuery(k, terminal));

/** Throws DRAWER_NOT_OPEN when the store requires an open drawer for cash and this terminal has none. */
export function checkDrawerForCash(store: Store, settings: Settings): void {
  const { requireOpenDrawer, terminal } = settings.values;
  if (!requireOpenDrawer) return;
  if (store.first(OPEN_SESSION(terminal))) return;
  throw new PosError(
    'DRAWER_NOT_OPEN',
    `The drawer of ${terminal} is not open and this store takes cash only into an open drawer: open it with its float first (Cash drawer), or pay another way.`,
    { terminal },
  );
}
