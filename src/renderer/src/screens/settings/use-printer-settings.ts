/**
 * The printer card's state: the saved settings, the draft, saving it (the owner's: the approval
 * dialog asks for the PIN), the test page, the status, and the receipts not printed yet (retried or
 * dismissed by anyone at the till). Every printer failure is main's, named (error PRINTER_<CAUSE>).
 */
import { useCallback, useEffect, useState } from 'react';
import type { ErrorCode, PosErrorShape } from '../../../../shared/errors';
import type { Result } from '../../../../shared/result';
import type { PrinterConfig, PrinterStatusView, PrintJobView } from '../../../../shared/types';
import { api } from '../../api';
import { useOwnerApproval } from '../../components/owner-approval';
import { thrownToError, useNotifier } from '../../lib/notice';

const APPROVAL_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['OWNER_APPROVAL_REQUIRED', 'WRONG_PIN']);

async function settle<T>(pending: Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await pending;
  } catch (err) {
    return { ok: false, error: thrownToError(err) };
  }
}

export function usePrinterSettings() {
  const notifier = useNotifier();
  const approve = useOwnerApproval();
  const [saved, setSaved] = useState<PrinterConfig | null>(null);
  const [draft, setDraft] = useState<PrinterConfig | null>(null);
  const [busy, setBusy] = useState<'save' | 'test' | 'status' | null>(null);
  const [error, setError] = useState<PosErrorShape | null>(null);
  const [status, setStatus] = useState<PrinterStatusView | null>(null);
  const [tested, setTested] = useState(false);
  const [jobs, setJobs] = useState<PrintJobView[]>([]);

  const loadJobs = useCallback(async () => {
    const r = await settle(api.printer.jobs({}));
    if (r.ok) setJobs(r.value);
  }, []);

  useEffect(() => {
    let live = true;
    void settle(api.printer.settings({})).then((r) => {
      if (!live) return;
      if (r.ok) {
        setSaved(r.value);
        setDraft(r.value);
      } else notifier.error(r.error);
    });
    void loadJobs();
    return () => {
      live = false;
    };
  }, [notifier, loadJobs]);

  const dirty = saved !== null && draft !== null && JSON.stringify(saved) !== JSON.stringify(draft);

  const change = (next: Partial<PrinterConfig>): void => {
    setDraft((d) => (d ? { ...d, ...next } : d));
    setError(null);
    setStatus(null);
    setTested(false);
  };

  const save = async (): Promise<void> => {
    if (!draft || busy) return;
    setBusy('save');
    setError(null);
    let refused: PosErrorShape | null = null;
    const value = await approve(async (pin): Promise<Result<PrinterConfig | null>> => {
      const r = await settle(api.printer.setSettings({ config: draft, ...(pin ? { approvalPin: pin } : {}) }));
      if (r.ok || APPROVAL_CODES.has(r.error.code)) return r;
      refused = r.error;
      return { ok: true, value: null };
    }, 'approval.reason.printer');
    setBusy(null);
    if (refused) return setError(refused);
    if (!value) return;
    setSaved(value);
    setDraft(value);
    notifier.say('success', 'printer.saved');
  };

  const test = async (): Promise<void> => {
    if (busy) return;
    setBusy('test');
    setError(null);
    setTested(false);
    const r = await settle(api.printer.test({}));
    setBusy(null);
    if (r.ok) setTested(true);
    else setError(r.error);
    void loadJobs();
  };

  const check = async (): Promise<void> => {
    if (busy) return;
    setBusy('status');
    setError(null);
    const r = await settle(api.printer.status({}));
    setBusy(null);
    if (r.ok) setStatus(r.value);
    else setError(r.error);
  };

  const retry = async (jobId: number): Promise<void> => {
    const r = await settle(api.printer.retry({ jobId }));
    if (r.ok) notifier.say('success', 'printer.retried');
    else notifier.error(r.error);
    void loadJobs();
  };

  const dismiss = async (jobId: number): Promise<void> => {
    const r = await settle(api.printer.dismiss({ jobId }));
    if (r.ok) setJobs(r.value);
    else notifier.error(r.error);
  };

  return { saved, draft, dirty, busy, error, status, tested, jobs, change, save, test, check, retry, dismiss };
}
