/**
 * The drawer screen's state: this till's drawer as main shows it (blind for a clerk until the
 * owner's PIN is given on this screen), the Z reports, and which dialog is open. Reloaded when a
 * sale, a payment or a refund changes the drawer.
 */
import { useCallback, useEffect, useState } from 'react';
import type { CashReport, CashSessionState, CashMoveKind, ZSummary, ZView } from '../../../../shared/types';
import { api } from '../../api';
import { useOwnerRead, withPin } from '../../components/owner-read';
import { useNotifier } from '../../lib/notice';

export type Dialog =
  | { kind: 'open' }
  | { kind: 'move'; move: CashMoveKind }
  | { kind: 'x'; report: CashReport }
  | { kind: 'close'; report: CashReport }
  | { kind: 'z'; view: ZView; justClosed: boolean };

export function useCashSession() {
  const notifier = useNotifier();
  const owner = useOwnerRead();
  const [state, setState] = useState<CashSessionState | null>(null);
  /** null while the totals are the owner's (a clerk, no PIN given yet) */
  const [zList, setZList] = useState<ZSummary[] | null>(null);
  const [dialog, setDialog] = useState<Dialog | null>(null);

  /** Reloads without asking: blind for a clerk until the owner's PIN was given on this screen. */
  const load = useCallback(async () => {
    const s = await owner.quiet((pin) => api.cashSession.current(withPin(pin)));
    if (!s.ok) return notifier.error(s.error);
    setState(s.value);
    if (s.value.blind) return setZList(null);
    const list = await owner.quiet((pin) => api.cashSession.zList({ limit: 30, ...withPin(pin) }));
    if (list.ok) setZList(list.value);
    else notifier.error(list.error);
  }, [owner, notifier]);

  const terminal = state?.terminal ?? '';
  /** The owner's X report (asking for the PIN if it was not given on this screen yet). */
  const xReport = useCallback(
    () => owner.ask((pin) => api.cashSession.x(withPin(pin)), 'approval.reason.cashTotals', { terminal }),
    [owner, terminal],
  );
  const showTotals = async (): Promise<void> => {
    const list = await owner.ask(
      (pin) => api.cashSession.zList({ limit: 30, ...withPin(pin) }),
      'approval.reason.cashTotals',
      { terminal },
    );
    if (list) void load();
  };

  useEffect(() => {
    void load();
    const offs = [
      api.on('order.changed', () => void load()),
      api.on('payment.changed', () => void load()),
      api.on('refund.changed', () => void load()),
    ];
    return () => offs.forEach((off) => off());
  }, [load]);

  const openZ = async (number: string): Promise<void> => {
    const view = await owner.ask(
      (pin) => api.cashSession.z({ number, ...withPin(pin) }),
      'approval.reason.cashTotals',
      { terminal },
    );
    if (view) setDialog({ kind: 'z', view, justClosed: false });
  };
  const openX = async (kind: 'x' | 'close'): Promise<void> => {
    const report = await xReport();
    if (!report) return;
    setDialog({ kind, report });
    if (state?.blind) void load(); // the owner's PIN was just given: the card shows the totals too
  };

  return { owner, state, zList, dialog, setDialog, load, showTotals, openZ, openX };
}
