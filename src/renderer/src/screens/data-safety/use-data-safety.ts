/**
 * Data safety's state: main's overview (the owner's: a clerk's PIN, once given, is kept for this
 * screen's reads), backing up and checking now, the settings, and the guided restore — its plan for
 * the chosen backup and the restore itself (the owner's PIN typed every time).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Result } from '../../../../shared/result';
import type { DataSafetyOverview, RestorePlan, RestoreResult } from '../../../../shared/types';
import { api } from '../../api';
import { useOwnerApproval } from '../../components/owner-approval';
import { useI18n } from '../../i18n';
import { formatDateTime } from '../../lib/format';
import { thrownToError, useNotifier } from '../../lib/notice';
import { problemText } from './safety-text';

export function useDataSafety() {
  const { t, locale, timeZone } = useI18n();
  const notifier = useNotifier();
  const approve = useOwnerApproval();
  const [overview, setOverview] = useState<DataSafetyOverview | null>(null);
  const [denied, setDenied] = useState(false);
  const [plan, setPlan] = useState<RestorePlan | null>(null);
  const [planning, setPlanning] = useState(false);
  const [backupId, setBackupId] = useState<string | undefined>(undefined);
  const [confirmHealthy, setConfirmHealthy] = useState(false);
  const [pin, setPin] = useState('');
  const [restoring, setRestoring] = useState(false);
  const [result, setResult] = useState<RestoreResult | null>(null);
  const [busy, setBusy] = useState<'backup' | 'check' | 'settings' | null>(null);
  const [retention, setRetention] = useState('14');
  const [folder, setFolder] = useState('');
  /** the owner's PIN from the first approval, for this screen's read-only calls (a clerk is not asked again and again) */
  const readPin = useRef<string | undefined>(undefined);
  useEffect(() => () => void (readPin.current = undefined), []);
  const when = (ms: number) => formatDateTime(ms, locale, timeZone);

  const read = useCallback(
    <T>(run: (pin: string | undefined) => Promise<Result<T>>) =>
      approve((p) => {
        const use = p ?? readPin.current;
        return run(use).then((r) => {
          if (r.ok && use) readPin.current = use;
          return r;
        });
      }, 'approval.reason.safety'),
    [approve],
  );

  const load = useCallback(async () => {
    const o = await read((p) => api.dataSafety.overview({ approvalPin: p }));
    if (!o) {
      setDenied(true);
      return null;
    }
    setDenied(false);
    setOverview(o);
    setRetention(String(o.settings.retentionDays));
    setFolder(o.settings.secondFolder ?? '');
    return o;
  }, [read]);

  const loadPlan = useCallback(
    async (id: string | undefined) => {
      setPlanning(true);
      const p = await read((pinGiven) =>
        api.dataSafety.restorePlan({ ...(id ? { backupId: id } : {}), approvalPin: pinGiven }),
      );
      setPlanning(false);
      if (p) {
        setPlan(p);
        setBackupId(p.backup?.id);
      }
    },
    [read],
  );

  useEffect(() => {
    void load().then((o) => {
      if (o?.damage) void loadPlan(undefined);
    });
  }, [load, loadPlan]);

  useEffect(
    () =>
      api.on('dataSafety.changed', () => {
        if (readPin.current !== undefined || overview)
          void api.dataSafety.overview({ approvalPin: readPin.current }).then((r) => r.ok && setOverview(r.value));
      }),
    [overview],
  );

  const backupNow = async () => {
    setBusy('backup');
    const b = await approve((p) => api.dataSafety.backupNow({ approvalPin: p }), 'approval.reason.safety');
    setBusy(null);
    if (!b) return;
    if (!b.ok) notifier.say('error', 'safety.backups.failed', { problem: problemText(t, b) });
    else if (b.copy && !b.copy.ok)
      notifier.say('error', 'safety.backups.copyFailed', { problem: problemText(t, b.copy) });
    else notifier.say('success', 'safety.backups.done');
    void load();
  };

  const checkNow = async () => {
    setBusy('check');
    const c = await read((p) => api.dataSafety.checkNow({ approvalPin: p }));
    setBusy(null);
    if (!c) return;
    notifier.say(c.ok ? 'success' : 'error', c.ok ? 'safety.checkOk' : 'safety.checkDamaged');
    const o = await load();
    if (o?.damage) void loadPlan(undefined);
  };

  const saveSettings = async () => {
    const days = Number(retention);
    if (!Number.isInteger(days) || days < 1 || days > 365) {
      notifier.error({ code: 'INVALID_INPUT', message: 'retentionDays: 1–365', details: { field: 'retentionDays' } });
      return;
    }
    setBusy('settings');
    const s = await approve(
      (p) => api.dataSafety.setSettings({ retentionDays: days, secondFolder: folder.trim() || null, approvalPin: p }),
      'approval.reason.safety',
    );
    setBusy(null);
    if (s) {
      notifier.say('success', 'safety.settings.saved');
      void load();
    }
  };

  const restore = async () => {
    if (!plan?.backup || pin.length < 4) return;
    setRestoring(true);
    let r: Result<RestoreResult>;
    try {
      r = await api.dataSafety.restore({
        backupId: plan.backup.id,
        approvalPin: pin,
        ...(plan.healthy ? { confirmHealthy } : {}),
      });
    } catch (err) {
      r = { ok: false, error: thrownToError(err) };
    }
    setRestoring(false);
    setPin('');
    if (!r.ok) {
      notifier.error(r.error);
      return;
    }
    setResult(r.value);
    setPlan(null);
    notifier.say('success', 'safety.restore.done', { at: when(r.value.backup.at), count: r.value.orders.length });
    void load();
  };

  return {
    overview,
    denied,
    plan,
    setPlan,
    planning,
    backupId,
    confirmHealthy,
    setConfirmHealthy,
    pin,
    setPin,
    restoring,
    result,
    busy,
    retention,
    setRetention,
    folder,
    setFolder,
    when,
    load,
    loadPlan,
    backupNow,
    checkNow,
    saveSettings,
    restore,
  };
}
