/**
 * Cash sessions' part of the contract (`cashSession.*`). The drawer's money totals are the owner's:
 * a clerk opens it, pays in and sells, and is answered blind (no cash expected: knowing it would let
 * a clerk skim the difference, docs/security.md).
 */
import type { CashMoveView, CashSessionState, CashSessionView, Locale } from '../../../shared/types';
import { type HandlersOf } from '../handlers';
import { seesTotals, type Access } from '../people/access';
import type { Store } from '../../store/db';
import type { Audit } from '../people/audit';
import type { ReceiptPrinter } from '../reports/printing';
import type { CashSessions } from './cash-sessions';

/** A session as a clerk sees it: no expected cash. */
export function blindView(view: CashSessionView): CashSessionView {
  return { ...view, expectedFen: null };
}

/** The drawer's state as a clerk sees it: whether a session is open and its float, no totals. */
export function blindState(state: CashSessionState): CashSessionState {
  return {
    ...state,
    session: state.session ? blindView(state.session) : null,
    lastZ: null,
    outsideSession: state.outsideSession ? { ...state.outsideSession, salesFen: null, cashFen: null } : null,
    blind: true,
  };
}

export interface CashHandlerDeps {
  printer: ReceiptPrinter;
  /** the language the X and the Z are printed in */
  locale: () => Locale;
  /** runs after a Z committed: core.ts takes a backup (a failure is recorded for the owner, never thrown) */
  afterZ: () => void;
  /** runs after a paid in/out committed: the drawer opens and its slip prints (core/hardware/) */
  afterMove?: (move: CashMoveView, terminal: string) => void;
}

export function cashSessionHandlers(
  cash: CashSessions,
  access: Access,
  { printer, locale, afterZ, afterMove }: CashHandlerDeps,
): HandlersOf<'cashSession.'> {
  const { auth, ownerRead, seesMoney } = access;
  return {
    // the drawer's money totals are the owner's: a clerk opens it, pays in and sells, and never sees the cash expected
    'cashSession.current': async ({ approvalPin }) => {
      const state = cash.current();
      return (await seesMoney(approvalPin)) ? state : blindState(state);
    },
    'cashSession.open': (input) => {
      const actor = auth.current();
      const view = cash.open(input, actor);
      return seesTotals(actor) ? view : blindView(view);
    },
    'cashSession.move': async ({ kind, amountFen, reason, approvalPin }) => {
      // paid in: anyone at the till; paid out: the owner. The owner is asked before the amount is checked
      // against the cash expected, or the refusal would tell a clerk how much is in the drawer.
      cash.assertOpen();
      const actor = kind === 'out' ? await auth.authorize('owner', approvalPin) : auth.current();
      const view = cash.move(kind, amountFen, reason, actor);
      const move = view.moves.at(-1);
      if (move) afterMove?.(move, view.terminal);
      return seesTotals(actor) ? view : blindView(view);
    },
    'cashSession.x': async ({ approvalPin }) => {
      await ownerRead(approvalPin);
      return cash.x();
    },
    'cashSession.printX': async ({ approvalPin }) => {
      await ownerRead(approvalPin);
      return cash.printX(printer, locale());
    },
    'cashSession.close': async ({ approvalPin, ...input }) => {
      // the owner first: the count's checks (variance, pending payments) would tell a clerk the cash expected
      cash.assertOpen();
      const actor = await auth.authorize('owner', approvalPin);
      cash.checkClose(input);
      const z = cash.close(input, actor);
      afterZ(); // after the Z committed
      return z;
    },
    'cashSession.z': async ({ number, approvalPin }) => {
      await ownerRead(approvalPin);
      return cash.z(number);
    },
    'cashSession.zList': async ({ limit, terminal, approvalPin }) => {
      await ownerRead(approvalPin);
      return cash.zList(limit, terminal);
    },
    // the store's rule is the owner's: asked before anything else, so a clerk learns nothing from a refusal
    'cashSession.setRequireOpen': async ({ required, approvalPin }) =>
      cash.setRequireOpen(required, await auth.authorize('owner', approvalPin)),
    'cashSession.printZ': async ({ number, approvalPin }) =>
      cash.printZ(number, printer, locale(), await ownerRead(approvalPin)),
  };
}

/** The owner's "open drawer" (`drawer.open`), through the receipt printer's kick, audited whether it opened or not. */
export function drawerHandlers(
  d: { store: Store; audit: Audit; printer: ReceiptPrinter },
  access: Access,
): HandlersOf<'drawer.'> {
  const { store, audit, printer } = d;
  return {
    'drawer.open': async ({ reason, approvalPin }) => {
      const actor = await access.auth.authorize('owner', approvalPin);
      const opened = printer.openDrawer ? await printer.openDrawer().catch(() => false) : false;
      store.tx(() => audit.record(actor, 'drawer.open', null, { after: { opened }, note: reason }));
      return { opened };
    },
  };
}
