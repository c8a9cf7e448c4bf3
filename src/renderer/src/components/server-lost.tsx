import { useEffect, useState } from 'react';
import { onConnection } from '../api';
import { useI18n } from '../i18n';

/**
 * Browser mode: the till's service stopped answering (its event socket closed). A layer over the
 * whole page says so, so nobody trusts a QR or a countdown that no longer moves; when the service
 * is back the page reloads and opens where the till is (the order being paid, or its receipt).
 */
export function ServerLost() {
  const { t } = useI18n();
  const [up, setUp] = useState(true);
  const [wasDown, setWasDown] = useState(false);
  useEffect(
    () =>
      onConnection((next) => {
        setUp(next);
        if (!next) setWasDown(true);
      }),
    [],
  );
  useEffect(() => {
    if (up && wasDown) window.location.reload();
  }, [up, wasDown]);
  if (up) return null;
  return (
    <div className="server-lost" role="alertdialog" aria-modal="true" data-testid="server-lost">
      <div className="server-lost-box">
        <strong>{t('server.lost')}</strong>
        <p>{t('server.lostDetail')}</p>
      </div>
    </div>
  );
}
