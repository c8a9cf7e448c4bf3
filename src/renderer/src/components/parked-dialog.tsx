import { useEffect, useState } from 'react';
import { formatFen } from '../../../shared/money';
import type { ParkedCartView } from '../../../shared/types';
import { api } from '../api';
import { useI18n } from '../i18n';
import { formatTime } from '../lib/format';
import { useCall } from '../lib/notice';
import { Modal } from './modal';

export function ParkedDialog({
  onClose,
  onResume,
}: {
  onClose: () => void;
  onResume: (cartId: number) => Promise<void>;
}) {
  const { t, locale, timeZone } = useI18n();
  const call = useCall();
  const [carts, setCarts] = useState<ParkedCartView[] | null>(null);
  useEffect(() => {
    let live = true;
    void call(api.cart.parked({})).then((list) => {
      if (live) setCarts(list ?? []);
    });
    return () => {
      live = false;
    };
  }, [call]);
  return (
    <Modal title={t('parked.title')} onClose={onClose} testId="parked-list" wide>
      {carts === null ? (
        <p className="muted">…</p>
      ) : carts.length === 0 ? (
        <p className="muted" data-testid="parked-none">
          {t('parked.none')}
        </p>
      ) : (
        <>
          <ul className="parked">
            {carts.map((c, i) => {
              const first = locale === 'zh-CN' ? c.firstItemZh : c.firstItemEn;
              return (
                <li key={c.id}>
                  <button
                    type="button"
                    className="parked-row"
                    onClick={() => void onResume(c.id)}
                    data-testid="parked-cart"
                    data-cart-id={c.id}
                    autoFocus={i === 0}
                  >
                    <span className="parked-name">
                      {c.label ?? first ?? t('parked.noName', { id: c.id })}
                      <small>{t('parked.at', { time: formatTime(c.parkedAt, locale, timeZone) })}</small>
                    </span>
                    <span className="parked-items">{t('parked.items', { count: c.itemCount })}</span>
                    <span className="parked-total">{formatFen(c.totalFen)}</span>
                    <span className="parked-go">{t('parked.resume')} ›</span>
                  </button>
                </li>
              );
            })}
          </ul>
          <p className="muted small">{t('parked.hint')}</p>
        </>
      )}
    </Modal>
  );
}
