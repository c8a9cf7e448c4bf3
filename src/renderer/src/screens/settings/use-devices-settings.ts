/**
 * The devices card's state: the pole display and the scale label layouts as saved and as drafted,
 * saving them (the owner's: the approval dialog asks for the PIN), the pole's test line, and reading
 * a sample label by the drafted layouts (main reads it the way a scan would; nothing is sold).
 */
import { useCallback, useEffect, useState } from 'react';
import type { PosErrorShape } from '../../../../shared/errors';
import type { Result } from '../../../../shared/result';
import type { PoleTestResult, ScaleReadView } from '../../../../shared/device-types';
import type { DevicesView } from '../../../../shared/types';
import { api } from '../../api';
import { approveInForm, useOwnerApproval } from '../../components/owner-approval';
import { thrownToError, useNotifier } from '../../lib/notice';

async function settle<T>(pending: Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await pending;
  } catch (err) {
    return { ok: false, error: thrownToError(err) };
  }
}

export function useDevicesSettings() {
  const notifier = useNotifier();
  const approve = useOwnerApproval();
  const [saved, setSaved] = useState<DevicesView | null>(null);
  const [draft, setDraft] = useState<DevicesView | null>(null);
  const [busy, setBusy] = useState<'save' | 'test' | 'read' | null>(null);
  const [error, setError] = useState<PosErrorShape | null>(null);
  const [poleTest, setPoleTest] = useState<PoleTestResult | null>(null);
  const [sample, setSample] = useState('');
  const [read, setRead] = useState<ScaleReadView | null>(null);
  const [readError, setReadError] = useState<PosErrorShape | null>(null);

  useEffect(() => {
    let live = true;
    void settle(api.devices.settings({})).then((r) => {
      if (!live) return;
      if (r.ok) {
        setSaved(r.value);
        setDraft(r.value);
      } else notifier.error(r.error);
    });
    return () => {
      live = false;
    };
  }, [notifier]);

  const dirty = saved !== null && draft !== null && JSON.stringify(saved) !== JSON.stringify(draft);

  const change = (next: Partial<DevicesView>): void => {
    setDraft((d) => (d ? { ...d, ...next } : d));
    setError(null);
    setPoleTest(null);
    setRead(null);
    setReadError(null);
  };

  const save = async (): Promise<void> => {
    if (!draft || busy) return;
    setBusy('save');
    setError(null);
    const value = await approveInForm(
      approve,
      (pin) =>
        api.devices.set({
          scaleLayouts: draft.scaleLayouts,
          pole: { ...draft.pole, baud: draft.pole.baud as 2400 | 4800 | 9600 | 19200 | 38400 },
          ...(pin ? { approvalPin: pin } : {}),
        }),
      setError,
      'approval.reason.devices',
    );
    setBusy(null);
    if (!value) return;
    setSaved(value);
    setDraft(value);
    notifier.say('success', 'devices.saved');
  };

  const testPole = async (): Promise<void> => {
    if (busy) return;
    setBusy('test');
    setError(null);
    const r = await settle(api.devices.poleTest({}));
    setBusy(null);
    if (r.ok) setPoleTest(r.value);
    else setError(r.error);
  };

  const readSample = useCallback(async (): Promise<void> => {
    if (!draft || busy) return;
    setBusy('read');
    setRead(null);
    setReadError(null);
    const r = await settle(api.devices.readScale({ code: sample, scaleLayouts: draft.scaleLayouts }));
    setBusy(null);
    if (r.ok) setRead(r.value);
    else setReadError(r.error);
  }, [draft, busy, sample]);

  const changeSample = (code: string): void => {
    setSample(code);
    setRead(null);
    setReadError(null);
  };

  return {
    saved,
    draft,
    dirty,
    busy,
    error,
    poleTest,
    sample,
    read,
    readError,
    change,
    save,
    testPole,
    readSample,
    changeSample,
  };
}
