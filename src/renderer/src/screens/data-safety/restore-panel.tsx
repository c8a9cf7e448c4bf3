/** The restore panel of Data safety (the owner's PIN is typed here every time, even with an owner signed in). */
import { formatFen } from '../../../../shared/money';
import type { BackupView, RestorePlan } from '../../../../shared/types';
import type { MessageKey, Translate } from '../../i18n';
import { size, statusLabel } from './safety-text';

const ORDERS_SHOWN = 8;

export interface RestorePanelProps {
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

/** The guided restore: which backup, what will be re-entered after it, where the files go, the owner's PIN. */
export function RestorePanel(p: RestorePanelProps) {
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
