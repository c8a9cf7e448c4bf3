/**
 * The damaged-database banner, on every screen (app.tsx): main's integrity check, or any operation
 * that met a damaged page, says the database is damaged. A clerk is told to call the owner; the
 * button leads to the guided restore (Manage → Data safety), which asks a clerk for the owner's PIN. While a restore is applied
 * everyone is asked to wait. When the last backup (or its copy to the second folder) failed, the
 * owner — only the owner — is told so until they dismiss it or a backup succeeds. No path or detail
 * is shown here: `dataSafety.status` is everyone's.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { DataSafetyStatus, UserRole } from '../../../shared/types';
import { api } from '../api';
import { useI18n } from '../i18n';
import '../screens/data-safety/data-safety.css';

export function DataSafetyBanner({
  clerk,
  onOpen,
  onRestored,
}: {
  clerk: string;
  onOpen: (() => void) | null;
  onRestored: () => void;
}) {
  const { t } = useI18n();
  const [status, setStatus] = useState<DataSafetyStatus | null>(null);
  const [role, setRole] = useState<UserRole | null>(null);
  /** the failed backup the owner dismissed (its time) */
  const [dismissed, setDismissed] = useState<number | null>(null);
  const wasRestoring = useRef(false);

  const apply = useCallback(
    (next: DataSafetyStatus) => {
      setStatus(next);
      if (wasRestoring.current && !next.restoring) onRestored();
      wasRestoring.current = next.restoring;
    },
    [onRestored],
  );

  useEffect(() => {
    let live = true;
    const load = () =>
      void api.dataSafety
        .status({})
        .then((r) => {
          if (live && r.ok) apply(r.value);
        })
        .catch(() => undefined);
    load();
    const off = api.on('dataSafety.changed', (s) => apply(s));
    // events are pushed; the poll is the backstop for a lost push (browser mode reconnects)
    const id = window.setInterval(load, 60_000);
    return () => {
      live = false;
      off();
      window.clearInterval(id);
    };
  }, [apply]);

  const damaged = status?.damaged ?? false;
  const backupFailed = status !== null && (status.lastBackupOk === false || status.lastCopyOk === false);
  useEffect(() => {
    if (!damaged && !backupFailed) return;
    let live = true;
    void api.auth
      .current({})
      .then((r) => {
        if (live) setRole(r.ok && r.value ? r.value.role : null);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [damaged, backupFailed, clerk]);

  // (not on the Data safety screen itself, which shows the failure in full)
  if (
    status &&
    !status.damaged &&
    !status.restoring &&
    backupFailed &&
    role === 'owner' &&
    onOpen &&
    dismissed !== status.lastBackupAt
  ) {
    return (
      <div className="safety-slot">
        <div
          className="safety-banner safety-banner-warn"
          role="status"
          data-testid="safety-banner"
          data-state="backup-failed"
        >
          <span className="safety-banner-icon" aria-hidden="true">
            !
          </span>
          <strong className="safety-banner-text">
            {t(status.lastBackupOk === false ? 'safety.banner.backupFailed' : 'safety.banner.copyFailed')}
          </strong>
          <button type="button" className="btn safety-banner-open" onClick={onOpen} data-testid="safety-banner-open">
            {t('safety.banner.open')}
          </button>
          <button
            type="button"
            className="btn btn-ghost safety-banner-x"
            onClick={() => setDismissed(status.lastBackupAt)}
            aria-label={t('app.dismiss')}
            data-testid="safety-banner-dismiss"
          >
            ×
          </button>
        </div>
      </div>
    );
  }
  if (!status || (!status.damaged && !status.restoring)) return <div className="safety-slot" />;
  if (status.restoring) {
    return (
      <div className="safety-slot">
        <div
          className="safety-banner safety-banner-wait"
          role="status"
          data-testid="safety-banner"
          data-state="restoring"
        >
          <span className="safety-banner-icon" aria-hidden="true">
            ⟳
          </span>
          <strong>{t('safety.banner.restoring')}</strong>
        </div>
      </div>
    );
  }
  const owner = role === 'owner';
  return (
    <div className="safety-slot">
      <div className="safety-banner" role="alert" data-testid="safety-banner" data-state="damaged">
        <span className="safety-banner-icon" aria-hidden="true">
          !
        </span>
        <strong className="safety-banner-text">
          {owner ? t('safety.banner.damagedOwner') : t('safety.banner.damaged')}
        </strong>
        {/* the owner at a clerk's till opens it too: the screen asks for the owner's PIN (not shown on that screen itself) */}
        {onOpen ? (
          <button type="button" className="btn safety-banner-open" onClick={onOpen} data-testid="safety-banner-open">
            {owner ? t('safety.banner.open') : t('safety.banner.openOwner')}
          </button>
        ) : null}
      </div>
    </div>
  );
}
