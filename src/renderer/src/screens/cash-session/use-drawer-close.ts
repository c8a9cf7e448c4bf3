/**
 * The close dialog's state: the X kept up to date while it is open, the count, the difference from
 * the cash expected and its reason, the payments still open (acknowledged), and the close itself,
 * approved by the owner when a clerk is signed in.
 */
import { useCallback, useEffect, useState } from 'react';
import { denominationTotal, type DenominationCounts } from '../../../../shared/cash';
import { formatFen } from '../../../../shared/money';
import type { CashReport, PendingAttemptView, ZView } from '../../../../shared/types';
import { api } from '../../api';
import { useOwnerApproval } from '../../components/owner-approval';
import { withPin, type OwnerRead } from '../../components/owner-read';
import type { MessageKey } from '../../i18n';
import { useNotifier } from '../../lib/notice';
import { varianceState } from './variance';

export function useDrawerClose({
  terminal,
  initial,
  owner,
  onClosed,
}: {
  terminal: string;
  initial: CashReport;
  owner: OwnerRead;
  onClosed: (view: ZView) => void;
}) {
  const notifier = useNotifier();
  const approve = useOwnerApproval();
  const [report, setReport] = useState<CashReport | null>(initial);
  const [counts, setCounts] = useState<DenominationCounts>({});
  const [reason, setReason] = useState('');
  const [acknowledged, setAcknowledged] = useState(false);
  const [problem, setProblem] = useState<MessageKey | null>(null);
  const [busy, setBusy] = useState(false);
  /** nothing counted yet: no difference is shown (a drawer expected empty is exact at once) */
  const [touched, setTouched] = useState(false);

  /** the X again (a sale or a payment changed it), with the owner's PIN given to open this dialog */
  const refresh = useCallback(async () => {
    const r = await owner.quiet((pin) => api.cashSession.x(withPin(pin)));
    if (r.ok) setReport(r.value);
    else notifier.error(r.error);
  }, [owner, notifier]);
  useEffect(() => {
    const offs = [
      api.on('order.changed', () => void refresh()),
      api.on('payment.changed', () => void refresh()),
      api.on('refund.changed', () => void refresh()),
    ];
    return () => offs.forEach((off) => off());
  }, [refresh]);

  const counted = denominationTotal(counts);
  const expected = report?.drawer.expectedFen ?? null;
  const variance = expected === null ? 0 : counted - expected;
  const pending: PendingAttemptView[] = report?.pendingAttempts ?? [];
  const state = varianceState(variance);
  const counting = touched || expected === 0;

  const submit = async (): Promise<void> => {
    if (busy || !report) return;
    if (!counting) return setProblem('cash.countFirst');
    if (variance !== 0 && reason.trim().length < 3) return setProblem('cash.varianceReasonMissing');
    if (pending.length > 0 && !acknowledged) return setProblem('cash.pendingAckMissing');
    setBusy(true);
    const view = await approve(
      (pin) =>
        api.cashSession.close({
          denominations: counts,
          ...(variance !== 0 ? { varianceReason: reason.trim() } : {}),
          ...(pending.length > 0 ? { acknowledgePending: true } : {}),
          ...(pin ? { approvalPin: pin } : {}),
        }),
      'approval.reason.cashClose',
      { terminal, counted: formatFen(counted) },
    );
    setBusy(false);
    if (view) onClosed(view);
    else void refresh();
  };

  return {
    report,
    counts,
    setCounts,
    setTouched,
    reason,
    setReason,
    acknowledged,
    setAcknowledged,
    problem,
    setProblem,
    busy,
    counted,
    expected,
    variance,
    pending,
    state,
    counting,
    submit,
  };
}
