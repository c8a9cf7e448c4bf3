/**
 * The owner's tidy-up of unpaid orders left behind (core/sales/tidy.ts): choose which (earlier days',
 * older than N hours, the ticked ones), give a reason, see how many will be cancelled and which are
 * left alone and why, then confirm with the count. A clerk is asked for the owner's PIN by the same
 * approval dialog as the other owner actions. Main judges again when it cancels: an order whose
 * payment began or was paid meanwhile is left alone and reported.
 */
import { useEffect, useState } from 'react';
import { formatFen } from '../../../shared/money';
import type { TidyPreview, TidyResult, TidyScope } from '../../../shared/tidy-types';
import { api } from '../api';
import { Modal } from '../components/modal';
import { useOwnerApproval } from '../components/owner-approval';
import { useDebouncedValue } from '../hooks/use-debounced-value';
import { notOnButton, useShortcuts } from '../hooks/use-shortcuts';
import { useI18n, type MessageKey } from '../i18n';
import { formatDay, formatTime } from '../lib/format';
import { useCall } from '../lib/notice';
import './orders-tidy.css';

type Kind = TidyScope['kind'];
const REASONS: readonly MessageKey[] = ['tidy.reason.left', 'tidy.reason.duplicate', 'tidy.reason.restart'];
/** how many of the orders to be cancelled are listed by number (the count says the rest) */
const LISTED = 6;

export function TidyDialog({
  ticked,
  onClose,
  onDone,
}: {
  /** the orders ticked on the list */
  ticked: readonly number[];
  onClose: () => void;
  onDone: (result: TidyResult) => void;
}) {
  const { t, locale, timeZone } = useI18n();
  const call = useCall();
  const approve = useOwnerApproval();
  const [kind, setKind] = useState<Kind>(ticked.length > 0 ? 'orders' : 'beforeToday');
  const [hours, setHours] = useState('4');
  const [reason, setReason] = useState('');
  const [preview, setPreview] = useState<TidyPreview | null>(null);
  const [busy, setBusy] = useState(false);
  const hoursN = Number(hours);
  const hoursOk = Number.isInteger(hoursN) && hoursN >= 1 && hoursN <= 2_160;
  const scope: TidyScope | null =
    kind === 'orders'
      ? ticked.length > 0
        ? { kind, orderIds: [...ticked] }
        : null
      : kind === 'olderThanHours'
        ? hoursOk
          ? { kind, hours: hoursN }
          : null
        : { kind };
  const scopeKey = useDebouncedValue(JSON.stringify(scope), 250);

  useEffect(() => {
    let live = true;
    const s = JSON.parse(scopeKey) as TidyScope | null;
    setPreview(null);
    if (s) {
      void call(api.orders.tidyPreview({ scope: s })).then((p) => {
        if (live && p) setPreview(p);
      });
    }
    return () => {
      live = false;
    };
  }, [scopeKey, call]);

  const count = preview?.cancellable ?? 0;
  const ready = scope !== null && preview !== null && count > 0 && reason.trim().length >= 2 && !busy;

  const submit = async (): Promise<void> => {
    if (!ready || !scope) return;
    setBusy(true);
    const done = await approve(
      (pin) => api.orders.tidy({ scope, reason: reason.trim(), approvalPin: pin }),
      'approval.reason.tidy',
      { count },
    );
    setBusy(false);
    if (done) onDone(done);
  };
  useShortcuts({ Enter: { run: () => void submit(), when: notOnButton } }, { layer: 'modal' });

  const going = preview?.candidates.filter((c) => c.blocked === null) ?? [];
  const kept = preview?.candidates.filter((c) => c.blocked !== null) ?? [];
  const when = (ms: number, day: string) => `${formatDay(day, locale)} ${formatTime(ms, locale, timeZone)}`;

  return (
    <Modal title={t('tidy.title')} onClose={onClose} testId="tidy-dialog" wide className="tidy-modal">
      <p className="muted tidy-intro">{t('tidy.intro')}</p>
      <fieldset className="tidy-scopes">
        <label className="tidy-scope">
          <input
            type="radio"
            name="tidy-scope"
            checked={kind === 'beforeToday'}
            onChange={() => setKind('beforeToday')}
            data-testid="tidy-before-today"
          />
          <span>{t('tidy.scope.beforeToday')}</span>
        </label>
        <label className="tidy-scope">
          <input
            type="radio"
            name="tidy-scope"
            checked={kind === 'olderThanHours'}
            onChange={() => setKind('olderThanHours')}
            data-testid="tidy-older"
          />
          <span>{t('tidy.scope.olderThanHours')}</span>
          <input
            className="input tidy-hours"
            inputMode="numeric"
            value={hours}
            aria-invalid={!hoursOk}
            onChange={(e) => {
              setHours(e.target.value.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0)));
              setKind('olderThanHours');
            }}
            data-testid="tidy-hours"
          />
          <span>{t('tidy.hours')}</span>
        </label>
        <label className={`tidy-scope${ticked.length === 0 ? ' tidy-scope-off' : ''}`}>
          <input
            type="radio"
            name="tidy-scope"
            checked={kind === 'orders'}
            disabled={ticked.length === 0}
            onChange={() => setKind('orders')}
            data-testid="tidy-ticked"
          />
          <span>
            {ticked.length > 0 ? t('tidy.scope.orders', { count: ticked.length }) : t('tidy.scope.noneTicked')}
          </span>
        </label>
      </fieldset>

      <div className="tidy-preview" data-testid="tidy-preview" data-count={preview ? count : ''}>
        {preview === null ? (
          <p className="muted">…</p>
        ) : (
          <>
            <p className={count > 0 ? 'tidy-count' : 'muted'} data-testid="tidy-count">
              {count > 0 ? t('tidy.willCancel', { count }) : t('tidy.nothing')}
            </p>
            {going.length > 0 ? (
              <ul className="tidy-list">
                {going.slice(0, LISTED).map((c) => (
                  <li key={c.id} data-testid="tidy-going" data-number={c.number}>
                    <span className="mono">{c.number}</span>
                    <span className="muted">{when(c.createdAt, c.businessDay)}</span>
                    <span className="num">{formatFen(c.totalFen)}</span>
                  </li>
                ))}
                {going.length > LISTED ? (
                  <li className="muted">{t('tidy.more', { count: going.length - LISTED })}</li>
                ) : null}
              </ul>
            ) : null}
            {kept.length > 0 ? (
              <>
                <p className="tidy-kept-head">{t('tidy.kept', { count: kept.length })}</p>
                <ul className="tidy-list tidy-kept">
                  {kept.slice(0, LISTED).map((c) => (
                    <li key={c.id} data-testid="tidy-kept" data-number={c.number} data-why={c.blocked}>
                      <span className="mono">{c.number}</span>
                      <span>{t(`tidy.block.${c.blocked!}`)}</span>
                      <span className="num">{formatFen(c.totalFen)}</span>
                    </li>
                  ))}
                  {kept.length > LISTED ? (
                    <li className="muted">{t('tidy.more', { count: kept.length - LISTED })}</li>
                  ) : null}
                </ul>
              </>
            ) : null}
            {preview.truncated ? <p className="muted small">{t('tidy.truncated')}</p> : null}
          </>
        )}
      </div>

      <label className="field">
        <span>{t('tidy.reason')}</span>
        <input
          className="input"
          maxLength={200}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          placeholder={t('tidy.reasonPlaceholder')}
          autoFocus
          data-autofocus
          data-testid="tidy-reason"
        />
      </label>
      <div className="chips tidy-reasons">
        {REASONS.map((k) => (
          <button
            key={k}
            type="button"
            className="btn btn-sm"
            onClick={() => setReason(t(k))}
            data-testid="tidy-reason-chip"
          >
            {t(k)}
          </button>
        ))}
      </div>

      <div className="row-actions">
        <button type="button" className="btn btn-lg" onClick={onClose} data-testid="tidy-close">
          {t('confirm.no')} <kbd>Esc</kbd>
        </button>
        <button
          type="button"
          className="btn btn-lg btn-danger"
          disabled={!ready}
          onClick={() => void submit()}
          data-testid="tidy-confirm"
        >
          {t('tidy.confirm', { count })} <kbd>Enter</kbd>
        </button>
      </div>
    </Modal>
  );
}

/** The Orders screen's "unpaid only" filter and its tidy-up button. */
export function UnpaidTools({
  unpaidOnly,
  onUnpaidOnly,
  onTidy,
}: {
  unpaidOnly: boolean;
  onUnpaidOnly: (on: boolean) => void;
  onTidy: () => void;
}) {
  const { t } = useI18n();
  return (
    <>
      <label className="orders-filter">
        <input
          type="checkbox"
          checked={unpaidOnly}
          onChange={(e) => onUnpaidOnly(e.target.checked)}
          data-testid="orders-unpaid-only"
        />
        {t('orders.unpaidOnly')}
      </label>
      <button
        type="button"
        className="btn btn-sm"
        onClick={onTidy}
        title={t('orders.tidyTitle')}
        data-testid="orders-tidy"
      >
        {t('orders.tidy')}
      </button>
    </>
  );
}

/** A row's tick for the tidy-up (a click or a key on it does not open the order). */
export function TickCell({
  number,
  checked,
  onChange,
}: {
  number: string;
  checked: boolean;
  onChange: (on: boolean) => void;
}) {
  const { t } = useI18n();
  return (
    <td className="order-tick" onClick={(e) => e.stopPropagation()} onKeyDown={(e) => e.stopPropagation()}>
      <label>
        <input
          type="checkbox"
          checked={checked}
          aria-label={t('orders.tick', { number })}
          onChange={(e) => onChange(e.target.checked)}
          data-testid="order-tick"
        />
      </label>
    </td>
  );
}
