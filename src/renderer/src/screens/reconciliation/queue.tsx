/** What is left to resolve for the day, by category; what waits for another day's statement; what was decided. */
import { useState } from 'react';
import { formatFen } from '../../../../shared/money';
import type { ReconCategory, ReconDayView, ReconItemView } from '../../../../shared/types';
import { useI18n } from '../../i18n';
import { formatDateTime } from '../../lib/format';
import { reasonText, resolutionText } from './recon-text';

const CATEGORIES: readonly ReconCategory[] = [
  'paid_after_close',
  'missing_locally',
  'missing_upstream',
  'amount_mismatch',
  'status_mismatch',
  'fee_mismatch',
];

export function Queue({
  view,
  day,
  anyRun,
  canRun,
  onResolve,
}: {
  view: ReconDayView;
  day: string;
  anyRun: boolean;
  canRun: boolean;
  onResolve: (item: ReconItemView) => void;
}) {
  const { t } = useI18n();
  const [showResolved, setShowResolved] = useState(false);
  const open = view.items.filter((i) => i.resolvedAt === null && i.awaitingDay === null);
  const awaiting = view.items.filter((i) => i.resolvedAt === null && i.awaitingDay !== null);
  const resolved = view.items.filter((i) => i.resolvedAt !== null);
  return (
    <div className="recon-queue" data-testid="recon-queue" data-open={open.length}>
      <h3>{t('recon.queue')}</h3>
      {!anyRun ? (
        <p className="muted empty-note">{canRun ? t('recon.queueNotRun') : t('recon.notOver', { day })}</p>
      ) : open.length === 0 ? (
        <p className="recon-all-good" data-testid="recon-empty">
          ✓ {t('recon.queueNone')}
        </p>
      ) : (
        CATEGORIES.map((c) => {
          const list = open.filter((i) => i.category === c);
          if (list.length === 0) return null;
          return (
            <section
              key={c}
              className={`recon-cat cat-${c}`}
              data-testid="recon-category"
              data-category={c}
              data-count={list.length}
            >
              <h4>
                {t(`recon.category.${c}`)} <span className="recon-count">{list.length}</span>
              </h4>
              <p className="recon-cat-hint">{t(`recon.categoryHint.${c}`)}</p>
              <ItemTable items={list} onResolve={onResolve} />
            </section>
          );
        })
      )}
      {awaiting.length > 0 ? (
        <section className="recon-cat cat-awaiting" data-testid="recon-awaiting" data-count={awaiting.length}>
          <h4>
            {t('recon.awaiting')} <span className="recon-count">{awaiting.length}</span>
          </h4>
          <p className="recon-cat-hint">{t('recon.awaitingHint')}</p>
          <ItemTable items={awaiting} onResolve={onResolve} />
        </section>
      ) : null}
      {resolved.length > 0 ? (
        <section className="recon-cat cat-resolved" data-testid="recon-resolved-list" data-count={resolved.length}>
          <button
            type="button"
            className="btn btn-sm"
            onClick={() => setShowResolved((s) => !s)}
            data-testid="recon-resolved-toggle"
            aria-expanded={showResolved}
          >
            {showResolved ? '▾' : '▸'} {t('recon.resolved', { count: resolved.length })}
          </button>
          {showResolved ? <ItemTable items={resolved} onResolve={onResolve} /> : null}
        </section>
      ) : null}
    </div>
  );
}

function ItemTable({ items, onResolve }: { items: ReconItemView[]; onResolve: (i: ReconItemView) => void }) {
  const { t, locale, timeZone } = useI18n();
  return (
    <table className="table recon-items">
      <thead>
        <tr>
          <th>{t('recon.item.order')}</th>
          <th>{t('recon.item.why')}</th>
          <th className="num">{t('recon.item.till')}</th>
          <th className="num">{t('recon.item.statement')}</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {items.map((i) => (
          <tr
            key={i.id}
            data-testid="recon-item"
            data-item-id={i.id}
            data-category={i.category}
            data-reason={i.reason}
            data-provider={i.provider}
            data-out-trade-no={i.outTradeNo}
            data-resolved={i.resolvedAt !== null}
          >
            <td>
              <div className="strong">{i.orderNumber ?? t('recon.item.noOrder')}</div>
              <div className="muted small">
                {t(`method.${i.provider}`)} · <span className="mono">{i.outTradeNo}</span>
                {i.refundNo ? ` · ${t('recon.item.refundNo', { no: i.refundNo })}` : ''}
              </div>
            </td>
            <td>
              <div>{reasonText(t, i)}</div>
              {i.awaitingDay ? (
                <div className="muted small">{t('recon.item.waitingFor', { day: i.awaitingDay })}</div>
              ) : null}
              {i.resolvedAt !== null ? (
                <div className="recon-decision" data-testid="recon-item-decision" data-resolution={i.resolution ?? ''}>
                  <strong>{resolutionText(t, i.resolution ?? '')}</strong> · {i.resolvedBy} ·{' '}
                  {formatDateTime(i.resolvedAt, locale, timeZone)}
                  {i.note ? <div className="recon-decision-note">“{i.note}”</div> : null}
                </div>
              ) : null}
            </td>
            <td className="num strong">
              {i.oursFen === null ? <span className="muted">—</span> : formatFen(i.oursFen)}
            </td>
            <td className="num strong">
              {i.theirsFen === null ? <span className="muted">—</span> : formatFen(i.theirsFen)}
            </td>
            <td className="num">
              {i.resolvedAt === null ? (
                <button type="button" className="btn" onClick={() => onResolve(i)} data-testid="recon-item-resolve">
                  {t('recon.item.resolve')}
                </button>
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
