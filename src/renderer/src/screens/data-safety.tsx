/**
 * Manage → Data safety (the owner's): the last backups with their check, the database checks, "back
 * up now", how long backups are kept and the second folder, and — when the database is damaged —
 * what is damaged, what still works, and the guided restore: which backup, what will be re-entered
 * after it, where the export and the damaged file will be kept, confirmed with the owner's PIN.
 * Main decides everything (core/data-safety/); this screen only shows and asks.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { formatFen } from '../../../shared/money';
import type { Result } from '../../../shared/result';
import type {
  BackupView,
  DataArea,
  DataSafetyOverview,
  IntegrityCheckView,
  RestorePlan,
  RestoreResult,
} from '../../../shared/types';
import { api } from '../api';
import { useOwnerApproval } from '../components/owner-approval';
import { useShortcuts } from '../hooks/use-shortcuts';
import { isMessageKey, useI18n, type MessageKey, type Translate } from '../i18n';
import { formatDateTime } from '../lib/format';
import { thrownToError, useNotifier } from '../lib/notice';
import './data-safety.css';

const size = (bytes: number | null) =>
  bytes === null
    ? '—'
    : bytes < 1024 * 1024
      ? `${Math.max(1, Math.round(bytes / 1024))} KB`
      : `${(bytes / 1048576).toFixed(1)} MB`;

function areaLabel(t: Translate, area: DataArea): string {
  return t(`safety.area.${area}` as MessageKey);
}

function statusLabel(t: Translate, status: string): string {
  const key = `status.${status}`;
  return isMessageKey(key) ? t(key) : status;
}

function problemText(t: Translate, b: { problem: BackupView['problem'] }): string {
  return b.problem ? t(`safety.problem.${b.problem}` as MessageKey) : '';
}

const ORDERS_SHOWN = 8;

export default function DataSafetyScreen({ onBack }: { onBack: () => void }) {
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
  useShortcuts({ Escape: onBack });
  const when = (ms: number) => formatDateTime(ms, locale, timeZone);

  const read = useCallback(
    <T,>(run: (pin: string | undefined) => Promise<Result<T>>) =>
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

  if (!overview) {
    return (
      <div className="manage safety" data-testid="safety-screen">
        <div className="screen-head">
          <h1>{t('safety.title')}</h1>
          <div className="spacer" />
          {denied ? (
            <button type="button" className="btn btn-lg" onClick={() => void load()} data-testid="safety-retry">
              {t('app.retry')}
            </button>
          ) : null}
          <button type="button" className="btn btn-lg" onClick={onBack} data-testid="safety-back">
            {t('check.back')} <kbd>Esc</kbd>
          </button>
        </div>
      </div>
    );
  }

  const damage = overview.damage;
  const lastCheck = overview.checks[0] ?? null;
  const good = overview.backups.filter((b) => b.ok);
  return (
    <div className="manage safety" data-testid="safety-screen" data-damaged={damage ? 'true' : 'false'}>
      <div className="screen-head">
        <h1>{t('safety.title')}</h1>
        <div className="spacer" />
        <button type="button" className="btn btn-lg" onClick={onBack} data-testid="safety-back">
          {t('check.back')} <kbd>Esc</kbd>
        </button>
      </div>

      {result ? <RestoreDone result={result} t={t} when={when} /> : null}

      {damage ? (
        <section className="check-section safety-damage" data-testid="safety-damage">
          <h2>{t('safety.damage.title')}</h2>
          <p className="safety-since">
            {t('safety.damage.since', { at: when(damage.since), source: t(`safety.source.${damage.source}`) })}
          </p>
          <div className="safety-damage-grid">
            <div>
              <h3>{t('safety.damage.what')}</h3>
              <ul className="safety-areas" data-testid="safety-areas">
                {damage.areas.map((a) => (
                  <li key={a} data-area={a}>
                    {areaLabel(t, a)}
                  </li>
                ))}
              </ul>
              {damage.tables.length > 0 ? <p className="mono small muted">{damage.tables.join(', ')}</p> : null}
            </div>
            <div>
              <h3>{t('safety.damage.works')}</h3>
              <p className="safety-works">{t('safety.damage.worksText')}</p>
            </div>
          </div>
          <details className="safety-details">
            <summary>{t('safety.damage.details')}</summary>
            <ul className="mono small">
              {damage.findings.map((f, i) => (
                <li key={i}>{f.message}</li>
              ))}
            </ul>
          </details>
        </section>
      ) : (
        <section className="check-section safety-ok" data-testid="safety-ok">
          <span className="safety-ok-mark" aria-hidden="true">
            ✓
          </span>
          <div className="safety-ok-text">
            <strong>{t('safety.status.ok')}</strong>
            <span className="muted">
              {lastCheck ? t('safety.status.lastCheck', { at: when(lastCheck.at) }) : t('safety.status.never')}
            </span>
          </div>
          <div className="spacer" />
          <button
            type="button"
            className="btn btn-lg"
            disabled={busy !== null}
            onClick={() => void checkNow()}
            data-testid="safety-check-now"
          >
            {t('safety.checkNow')}
          </button>
          {!plan ? (
            <button
              type="button"
              className="btn btn-lg btn-warn"
              disabled={planning}
              onClick={() => void loadPlan(undefined)}
              data-testid="safety-restore-prepare"
            >
              {t('safety.restore.prepare')}
            </button>
          ) : null}
        </section>
      )}

      {plan ? (
        <RestorePanel
          plan={plan}
          good={good}
          backupId={backupId}
          onChoose={(id) => void loadPlan(id)}
          confirmHealthy={confirmHealthy}
          onConfirmHealthy={setConfirmHealthy}
          pin={pin}
          onPin={setPin}
          restoring={restoring}
          planning={planning}
          onRestore={() => void restore()}
          onCancel={
            damage
              ? null
              : () => {
                  setPlan(null);
                  setPin('');
                  setConfirmHealthy(false);
                }
          }
          t={t}
          when={when}
        />
      ) : null}

      <section className="check-section" data-testid="safety-backups">
        <div className="screen-head">
          <h2>{t('safety.backups.title')}</h2>
          <div className="spacer" />
          <button
            type="button"
            className="btn btn-lg btn-primary"
            disabled={busy !== null}
            onClick={() => void backupNow()}
            data-testid="safety-backup-now"
          >
            {t('safety.backups.now')}
          </button>
        </div>
        {overview.backups.length === 0 ? (
          <p className="muted">{t('safety.backups.none')}</p>
        ) : (
          <table className="table table-compact safety-table">
            <thead>
              <tr>
                <th>{t('safety.col.at')}</th>
                <th>{t('safety.col.reason')}</th>
                <th className="num">{t('safety.col.size')}</th>
                <th>{t('safety.col.check')}</th>
                {overview.settings.secondFolder || overview.backups.some((b) => b.copy) ? (
                  <th>{t('safety.col.copy')}</th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {overview.backups.slice(0, 12).map((b) => (
                <tr
                  key={`${b.id}-${b.at}`}
                  data-testid="safety-backup"
                  data-ok={b.ok ? 'true' : 'false'}
                  data-problem={b.problem ?? ''}
                >
                  <td className="nowrap">{when(b.at)}</td>
                  <td>{t(`safety.reason.${b.reason}`)}</td>
                  <td className="num">{size(b.bytes)}</td>
                  <td className={b.ok ? 'safety-good' : 'safety-bad'}>
                    {b.ok ? `✓ ${t('safety.verified')}` : `✗ ${problemText(t, b)}`}
                  </td>
                  {overview.settings.secondFolder || overview.backups.some((x) => x.copy) ? (
                    <td className={b.copy ? (b.copy.ok ? 'safety-good' : 'safety-bad') : 'muted'}>
                      {b.copy ? (b.copy.ok ? `✓ ${t('safety.copied')}` : `✗ ${problemText(t, b.copy)}`) : '—'}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="check-section" data-testid="safety-checks">
        <h2>{t('safety.checks.title')}</h2>
        {overview.checks.length === 0 ? (
          <p className="muted">{t('safety.status.never')}</p>
        ) : (
          <table className="table table-compact safety-table">
            <tbody>
              {overview.checks.slice(0, 5).map((c: IntegrityCheckView) => (
                <tr key={c.at + c.trigger} data-testid="safety-check" data-ok={c.ok ? 'true' : 'false'}>
                  <td className="nowrap">{when(c.at)}</td>
                  <td>{t(`safety.trigger.${c.trigger}`)}</td>
                  <td className={c.ok ? 'safety-good' : 'safety-bad'}>
                    {c.ok
                      ? `✓ ${t('safety.check.ok')}`
                      : c.error
                        ? `✗ ${t('safety.check.error')}`
                        : `✗ ${t('safety.check.damaged')}`}
                  </td>
                  <td className="num muted">
                    {c.ms === null ? '' : c.ms < 1000 ? `${c.ms} ms` : `${(c.ms / 1000).toFixed(1)} s`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="check-section" data-testid="safety-settings">
        <h2>{t('safety.settings.title')}</h2>
        <div className="safety-settings">
          <label className="safety-field safety-field-days">
            <span>{t('safety.settings.retention')}</span>
            <input
              className="input"
              inputMode="numeric"
              value={retention}
              maxLength={3}
              onChange={(e) => setRetention(e.target.value.replace(/\D/g, ''))}
              data-testid="safety-retention"
            />
          </label>
          <label className="safety-field safety-field-folder">
            <span>{t('safety.settings.secondFolder')}</span>
            <input
              className="input mono"
              value={folder}
              maxLength={500}
              onChange={(e) => setFolder(e.target.value)}
              data-testid="safety-second-folder"
            />
            <small className="muted">{t('safety.settings.secondFolderHint')}</small>
          </label>
          <button
            type="button"
            className="btn btn-lg"
            disabled={busy !== null}
            onClick={() => void saveSettings()}
            data-testid="safety-settings-save"
          >
            {t('safety.settings.save')}
          </button>
        </div>
        <dl className="safety-where">
          <dt>{t('safety.where')}</dt>
          <dd className="mono">{overview.dataDir}</dd>
          <dt>{t('safety.whereBackups')}</dt>
          <dd className="mono">{overview.backupDir}</dd>
        </dl>
      </section>

      {overview.restores.length > 0 ? (
        <section className="check-section" data-testid="safety-restores">
          <h2>{t('safety.restores.title')}</h2>
          <ul className="safety-restores">
            {overview.restores.map((r) => (
              <li key={r.id}>
                {t('safety.restores.line', { at: when(r.at), backupAt: when(r.backupAt), actor: r.actor })}
                <div className="mono small muted">{r.exportFile}</div>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}

interface RestorePanelProps {
  plan: RestorePlan;
  good: BackupView[];
  backupId: string | undefined;
  onChoose: (id: string) => void;
  confirmHealthy: boolean;
  onConfirmHealthy: (v: boolean) => void;
  pin: string;
  onPin: (pin: string) => void;
  restoring: boolean;
  planning: boolean;
  onRestore: () => void;
  onCancel: (() => void) | null;
  t: Translate;
  when: (ms: number) => string;
}

function RestorePanel(p: RestorePanelProps) {
  const { plan, t, when } = p;
  const r = plan.reentry;
  const n = (...tables: string[]) => tables.reduce((sum, table) => sum + (r[table] ?? 0), 0);
  const counts = [
    { key: 'safety.restore.col.orders', value: n('orders') },
    { key: 'safety.restore.col.payments', value: n('payment_attempts') },
    { key: 'safety.restore.col.refunds', value: n('refunds') },
    { key: 'safety.restore.col.cash', value: n('cash_moves', 'cash_sessions', 'z_reports') },
    { key: 'safety.restore.col.other', value: n('payment_journal', 'audit_log', 'payment_exceptions') },
  ] as const;
  const nothing = counts.every((c) => c.value === 0) && plan.unreadable.length === 0;
  const canRestore =
    !!plan.backup && p.pin.length >= 4 && (!plan.healthy || p.confirmHealthy) && !p.restoring && !p.planning;
  return (
    <section className="check-section safety-restore" data-testid="safety-restore">
      <h2>{t('safety.restore.title')}</h2>
      {!plan.backup ? (
        <p className="safety-bad" data-testid="safety-no-backup">
          {t('safety.restore.noBackup')}
        </p>
      ) : (
        <>
          <div className="safety-step">
            <h3>{t('safety.restore.step1')}</h3>
            <p className="safety-backup-line" data-testid="safety-restore-backup">
              <strong>
                {t('safety.restore.backupLine', {
                  at: when(plan.backup.at),
                  reason: t(`safety.reason.${plan.backup.reason}`),
                  size: size(plan.backup.bytes),
                })}
              </strong>{' '}
              <span className="safety-good">✓ {t('safety.verified')}</span>
            </p>
            {p.good.length > 1 ? (
              <label className="safety-choose">
                <span className="muted">{t('safety.restore.choose')}</span>
                <select
                  className="input"
                  value={p.backupId ?? ''}
                  disabled={p.planning || p.restoring}
                  onChange={(e) => p.onChoose(e.target.value)}
                  data-testid="safety-restore-choose"
                >
                  {p.good.map((b) => (
                    <option key={b.id} value={b.id}>
                      {when(b.at)} · {t(`safety.reason.${b.reason}`)}
                    </option>
                  ))}
                </select>
              </label>
            ) : null}
          </div>

          <div className="safety-step">
            <h3>{t('safety.restore.step2')}</h3>
            {nothing ? (
              <p>{t('safety.restore.nothing')}</p>
            ) : (
              <>
                <p className="muted">{t('safety.restore.reentry')}</p>
                <div className="safety-counts" data-testid="safety-reentry">
                  {counts.map((c) => (
                    <div key={c.key} className="safety-count">
                      <strong>{c.value}</strong>
                      <span>{t(c.key)}</span>
                    </div>
                  ))}
                </div>
                {plan.orders.length > 0 ? (
                  <table className="table table-compact safety-table" data-testid="safety-reentry-orders">
                    <thead>
                      <tr>
                        <th>{t('safety.restore.order')}</th>
                        <th className="num">{t('safety.restore.total')}</th>
                        <th>{t('safety.restore.status')}</th>
                        <th>{t('safety.restore.paidWith')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {plan.orders.slice(0, ORDERS_SHOWN).map((o) => (
                        <tr key={o.id} data-testid="safety-reentry-order" data-number={o.number}>
                          <td className="mono">{o.number}</td>
                          <td className="num">{formatFen(o.totalFen)}</td>
                          <td>{statusLabel(t, o.status)}</td>
                          <td>{o.paidWith.map((m) => t(`method.${m}` as MessageKey)).join(', ')}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                ) : null}
                {plan.orders.length > ORDERS_SHOWN ? (
                  <p className="muted small">
                    {t('safety.restore.moreOrders', { count: plan.orders.length - ORDERS_SHOWN })}
                  </p>
                ) : null}
                {plan.unreadable.length > 0 ? (
                  <p className="safety-bad" data-testid="safety-unreadable">
                    {t('safety.restore.unreadable', { count: plan.unreadable.length })}
                  </p>
                ) : null}
              </>
            )}
            <p className="muted small">{t('safety.restore.lost')}</p>
            <p className="small">{t('safety.restore.files')}</p>
            <p className="mono small safety-path" data-testid="safety-restore-dir">
              {plan.restoreDir}
            </p>
          </div>

          <div className="safety-step">
            <h3>{t('safety.restore.step3')}</h3>
            {plan.healthy ? (
              <>
                <p className="safety-warn">{t('safety.restore.healthy')}</p>
                <label className="safety-check-label">
                  <input
                    type="checkbox"
                    checked={p.confirmHealthy}
                    onChange={(e) => p.onConfirmHealthy(e.target.checked)}
                    data-testid="safety-confirm-healthy"
                  />
                  {t('safety.restore.confirmHealthy')}
                </label>
              </>
            ) : null}
            <p className="muted small">{t('safety.restore.pinHint')}</p>
            <div className="safety-confirm">
              <input
                className="input input-lg safety-pin"
                type="password"
                inputMode="numeric"
                autoComplete="off"
                maxLength={8}
                value={p.pin}
                onChange={(e) => p.onPin(e.target.value.replace(/\D/g, '').slice(0, 8))}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' && canRestore) p.onRestore();
                }}
                placeholder={t('safety.restore.pin')}
                aria-label={t('safety.restore.pin')}
                data-testid="safety-restore-pin"
              />
              <button
                type="button"
                className="btn btn-lg btn-danger"
                disabled={!canRestore}
                onClick={p.onRestore}
                data-testid="safety-restore-submit"
              >
                {t('safety.restore.submit')}
              </button>
              {p.onCancel ? (
                <button
                  type="button"
                  className="btn btn-lg"
                  disabled={p.restoring}
                  onClick={p.onCancel}
                  data-testid="safety-restore-cancel"
                >
                  {t('safety.restore.cancel')}
                </button>
              ) : null}
            </div>
            {p.restoring ? (
              <p className="safety-working" role="status">
                {t('safety.restore.working')}
              </p>
            ) : null}
          </div>
        </>
      )}
    </section>
  );
}

function RestoreDone({ result, t, when }: { result: RestoreResult; t: Translate; when: (ms: number) => string }) {
  return (
    <section className="check-section safety-done" data-testid="safety-restore-done">
      <h2>✓ {t('safety.restore.done', { at: when(result.backup.at), count: result.orders.length })}</h2>
      <dl className="safety-where">
        <dt>{t('safety.restore.export')}</dt>
        <dd className="mono" data-testid="safety-export-file">
          {result.exportFile}
          <br />
          {result.exportCsv}
        </dd>
        <dt>{t('safety.restore.damagedKept')}</dt>
        <dd className="mono" data-testid="safety-damaged-file">
          {result.damagedFile}
        </dd>
      </dl>
      {result.unreadable.length > 0 ? (
        <>
          <h3 className="safety-bad">{t('safety.restore.manual')}</h3>
          <ul className="mono small" data-testid="safety-manual">
            {result.unreadable.slice(0, 20).map((u, i) => (
              <li key={i}>
                {u.table} {u.id ?? `≥ ${u.fromId ?? '?'}`}: {u.error}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
