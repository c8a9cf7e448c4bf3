import { useEffect, useState, type FormEvent } from 'react';
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
                    <span className="parked-name" data-testid="parked-name">
                      {c.label ?? first ?? t('parked.noName', { id: c.id })}
                      <small>
                        {t('parked.at', { time: formatTime(c.parkedAt, locale, timeZone) })}
                        {c.label && first ? ` · ${t('parked.first', { name: first })}` : ''}
                      </small>
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

/**
 * Before a cart is parked, the clerk may name it (the customer, a table, "红衣服") so the right cart
 * is found when the customer comes back; Enter parks it, named or not, Esc keeps selling it.
 */
export function ParkLabelDialog({ onClose, onPark }: { onClose: () => void; onPark: (label: string) => void }) {
  const { t } = useI18n();
  const [label, setLabel] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onPark(label.trim());
  };
  return (
    <Modal title={t('park.title')} onClose={onClose} testId="park-dialog">
      <form onSubmit={submit}>
        <label className="field">
          <span>{t('park.label')}</span>
          <input
            className="input input-lg"
            value={label}
            maxLength={40}
            onChange={(e) => setLabel(e.target.value)}
            placeholder={t('park.placeholder')}
            autoFocus
            data-autofocus
            data-testid="park-label"
          />
        </label>
        <p className="muted small">{t('park.hint')}</p>
        <div className="row-actions">
          <button type="button" className="btn btn-lg" onClick={onClose} data-testid="park-cancel">
            {t('confirm.no')} <kbd>Esc</kbd>
          </button>
          <button type="submit" className="btn btn-lg btn-primary" data-testid="park-confirm">
            {t('park.confirm')} <kbd>Enter</kbd>
          </button>
        </div>
      </form>
    </Modal>
  );
}
