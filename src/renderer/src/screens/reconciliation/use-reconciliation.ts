/**
 * The reconciliation screen's state: the day shown, main's view of it (the owner's read, asked once
 * for the screen), the last days, the settings, and fetching the statements (the owner's change,
 * approved each time); kept up to date by `recon.changed`.
 */
import { useCallback, useEffect, useState } from 'react';
import type { ReconDayView, ReconDaySummary, ReconRunOutcome, ReconSettingsView } from '../../../../shared/types';
import { api } from '../../api';
import { useOwnerApproval } from '../../components/owner-approval';
import { useOwnerRead, withPin } from '../../components/owner-read';
import { shiftDay } from './recon-text';

export function useReconciliation(businessDay: string) {
  const approve = useOwnerApproval();
  // reconciliation is the owner's: a clerk is asked for the owner's PIN once, kept for this screen's reads
  const owner = useOwnerRead();
  const yesterday = shiftDay(businessDay, -1);
  const [day, setDay] = useState(yesterday);
  const [view, setView] = useState<ReconDayView | null>(null);
  const [days, setDays] = useState<ReconDaySummary[]>([]);
  const [settings, setSettings] = useState<ReconSettingsView | null>(null);
  const [outcomes, setOutcomes] = useState<ReconRunOutcome[] | null>(null);
  const [running, setRunning] = useState(false);
  /** the owner did not approve: the screen shows nothing but how to ask again */
  const [refused, setRefused] = useState(false);

  const loadDays = useCallback(async () => {
    const list = await owner.quiet((pin) => api.recon.days({ limit: 14, ...withPin(pin) }));
    if (list.ok) setDays(list.value);
  }, [owner]);

  const load = useCallback(async () => {
    const v = await owner.ask((pin) => api.recon.day({ day, ...withPin(pin) }), 'approval.reason.recon');
    setRefused(v === undefined);
    if (!v) return;
    setView(v);
    await loadDays();
    const s = await owner.quiet((pin) => api.recon.settings(withPin(pin)));
    if (s.ok) setSettings(s.value);
  }, [owner, day, loadDays]);

  useEffect(() => {
    setView(null);
    setOutcomes(null);
    void load();
  }, [load]);

  useEffect(
    () => api.on('recon.changed', (e) => (e.day === day ? void load() : void loadDays())),
    [day, load, loadDays],
  );

  /** Fetches the statements and matches them: the owner's, so a clerk is asked for the owner's PIN. */
  const onRun = async (): Promise<void> => {
    const done = await approve(
      async (pin) => {
        setRunning(true);
        try {
          return await api.recon.run({ day, ...withPin(pin) });
        } finally {
          setRunning(false);
        }
      },
      'recon.runPinHint',
      { day },
    );
    if (!done) return;
    setOutcomes(done.outcomes);
    setView(done.view);
    await loadDays();
  };

  return { day, setDay, yesterday, view, days, settings, setSettings, outcomes, running, refused, load, onRun };
}
