/**
 * The cash drawer of this till: open it with a float, pay cash in or out, look at the X report,
 * close it by counting the drawer note by note (expected vs counted, the variance and why), and the
 * Z reports with view and print. Main computes every amount and decides who may do what: paying out
 * and closing ask for the owner's PIN when a clerk is signed in. The money totals (the cash expected,
 * the X, the Z reports) are the owner's: a clerk sees the drawer blind, and "Show totals" asks for the
 * owner's PIN once for this screen (components/owner-read.tsx).
 *
 * This folder: the screen, the drawer's card and the Z list, one file per dialog (open, paid in/out,
 * X, close, Z), the X/Z on paper, the denomination count, and the state of the screen and of the
 * close in hooks (use-cash-session, use-drawer-close).
 */
import { useState } from 'react';
import { NoSaleDialog } from '../../components/no-sale-dialog';
import { useShortcuts } from '../../hooks/use-shortcuts';
import { useI18n } from '../../i18n';
import { CloseDialog } from './close-dialog';
import { MoveDialog } from './move-dialog';
import { OpenDialog } from './open-dialog';
import { SessionCard } from './session-card';
import { useCashSession } from './use-cash-session';
import { XDialog } from './x-dialog';
import { ZDialog } from './z-dialog';
import { ZList } from './z-list';
import './cash-session.css';
import './cash-dialogs.css';

export interface CashSessionProps {
  businessDay: string;
  onBack: () => void;
}

export default function CashSessionScreen({ businessDay, onBack }: CashSessionProps) {
  const { t } = useI18n();
  const { owner, state, zList, dialog, setDialog, load, showTotals, openZ, openX } = useCashSession();
  useShortcuts({ Escape: { run: onBack, inInput: false } });

  const [noSale, setNoSale] = useState(false);
  const session = state?.session ?? null;

  return (
    <div className="cash" data-testid="cash-screen">
      <div className="screen-head">
        <h1>{t('cash.title')}</h1>
        <span className="cash-terminal" data-testid="cash-terminal">
          {t('cash.terminal', { terminal: state?.terminal ?? '…' })}
        </span>
        <div className="spacer" />
        <button
          type="button"
          className="btn btn-lg btn-warn"
          onClick={() => setNoSale(true)}
          data-testid="cash-no-sale"
        >
          {t('noSale.title')}
        </button>
        <button type="button" className="btn btn-lg" onClick={onBack} data-testid="cash-back">
          {t('check.back')} <kbd>Esc</kbd>
        </button>
      </div>

      <div className="cash-body">
        <SessionCard
          state={state}
          businessDay={businessDay}
          onDialog={setDialog}
          onOpenX={(kind) => void openX(kind)}
          onShowTotals={() => void showTotals()}
        />

        <ZList zList={zList} onShowTotals={() => void showTotals()} onView={(number) => void openZ(number)} />
      </div>

      {dialog?.kind === 'open' ? (
        <OpenDialog
          onClose={() => setDialog(null)}
          onDone={() => {
            setDialog(null);
            void load();
          }}
        />
      ) : null}
      {dialog?.kind === 'move' ? (
        <MoveDialog
          kind={dialog.move}
          expectedFen={session?.expectedFen ?? null}
          onClose={() => setDialog(null)}
          onDone={() => {
            setDialog(null);
            void load();
          }}
        />
      ) : null}
      {dialog?.kind === 'x' ? <XDialog initial={dialog.report} owner={owner} onClose={() => setDialog(null)} /> : null}
      {dialog?.kind === 'close' && session ? (
        <CloseDialog
          terminal={session.terminal}
          initial={dialog.report}
          owner={owner}
          onClose={() => setDialog(null)}
          onClosed={(view) => {
            setDialog({ kind: 'z', view, justClosed: true });
            void load();
          }}
        />
      ) : null}
      {dialog?.kind === 'z' ? (
        <ZDialog
          view={dialog.view}
          justClosed={dialog.justClosed}
          owner={owner}
          onClose={() => setDialog(null)}
          onPrinted={() => void load()}
        />
      ) : null}
      {noSale ? <NoSaleDialog onClose={() => setNoSale(false)} /> : null}
    </div>
  );
}
