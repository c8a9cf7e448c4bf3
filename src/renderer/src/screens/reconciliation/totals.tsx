/** The day's totals per payment method: the till, the statement, the difference, fees and refunds. */
import { formatFen } from '../../../../shared/money';
import type { ReconDayView, ReconProviderDay, ReconSide } from '../../../../shared/types';
import { isMessageKey, useI18n, type MessageKey } from '../../i18n';
import { PROVIDER_LOOK } from '../../lib/payments';
import { signedFen } from './recon-text';

function Money({ side, testId }: { side: ReconSide | null; testId: string }) {
  const { t } = useI18n();
  if (!side)
    return (
      <span className="muted" data-testid={testId}>
        —
      </span>
    );
  return (
    <span className="recon-money" data-testid={testId} data-count={side.count} data-sum-fen={side.sumFen}>
      <small className="recon-n">{t('recon.count', { count: side.count })}</small>
      <span className="recon-sum">{formatFen(side.sumFen)}</span>
    </span>
  );
}

function Diff({ local, statement }: { local: ReconSide; statement: ReconSide | null }) {
  const { t } = useI18n();
  if (!statement) return <span className="muted">—</span>;
  const fen = statement.sumFen - local.sumFen;
  const n = statement.count - local.count;
  const bad = fen !== 0 || n !== 0;
  return (
    <span
      className={`recon-diff${bad ? ' is-bad' : ''}`}
      data-testid="recon-diff"
      data-diff-fen={fen}
      data-diff-count={n}
    >
      {n !== 0 ? <small>{t('recon.diffCount', { count: n > 0 ? `+${n}` : String(n) })}</small> : null}
      {bad ? signedFen(fen) : t('recon.diffNone')}
    </span>
  );
}

/** The till against each payment service's statement for the day, with what differs and why a fetch failed. */
export function Totals({ view, time }: { view: ReconDayView; time: (ms: number | null) => string }) {
  const { t } = useI18n();
  if (view.providers.length === 0) return <p className="muted">{t('recon.noProviders')}</p>;
  return (
    <div className="recon-totals-wrap">
      <table className="table recon-totals" data-testid="recon-totals">
        <thead>
          <tr>
            <th>{t('recon.col.method')}</th>
            <th className="num">{t('recon.col.till')}</th>
            <th className="num">{t('recon.col.statement')}</th>
            <th className="num">{t('recon.col.diff')}</th>
            <th className="num">{t('recon.col.fees')}</th>
            <th className="num">{t('recon.col.refunds')}</th>
          </tr>
        </thead>
        <tbody>
          {view.providers.map((p) => (
            <ProviderRows key={p.provider} p={p} time={time} />
          ))}
        </tbody>
      </table>
      {view.providers
        .filter((p) => p.error)
        .map((p) => (
          <p
            key={p.provider}
            className="recon-problem"
            role="alert"
            data-testid="recon-provider-error"
            data-provider={p.provider}
            data-code={p.error!.code}
          >
            <strong>
              {t(`method.${p.provider}`)} · {t(`error.${p.error!.code}`)}
            </strong>
            <span className="recon-problem-reason">{p.error!.message}</span>
            {p.lastTriedAt !== null ? (
              <small className="muted">
                {t('recon.lastTried', { time: time(p.lastTriedAt), who: p.lastTriedBy ?? '' })}
              </small>
            ) : null}
          </p>
        ))}
    </div>
  );
}

function ProviderRows({ p, time }: { p: ReconProviderDay; time: (ms: number | null) => string }) {
  const { t } = useI18n();
  const look = PROVIDER_LOOK[p.provider];
  const status = (
    <span
      className={`recon-status st-${p.status}`}
      data-testid="recon-status"
      title={p.importedAt !== null ? t('recon.importedAt', { time: time(p.importedAt) }) : undefined}
    >
      {t(`recon.status.${p.status}`)}
    </span>
  );
  return (
    <>
      <tr
        className="recon-provider"
        data-testid="recon-provider-row"
        data-provider={p.provider}
        data-status={p.status}
        data-open={p.open}
      >
        <td>
          <div className="recon-method">
            <span className="recon-mark" style={{ background: look.color }} aria-hidden>
              {look.mark}
            </span>
            <span className="strong">{t(`method.${p.provider}`)}</span>
          </div>
          <div className="recon-method-state">
            {status}
            {p.open > 0 ? <span className="recon-open-badge">{t('recon.dayOpen', { count: p.open })}</span> : null}
          </div>
        </td>
        <td className="num">
          <Money side={p.local.payments} testId="recon-till" />
        </td>
        <td className="num">
          <Money side={p.statement?.payments ?? null} testId="recon-statement" />
        </td>
        <td className="num">
          <Diff local={p.local.payments} statement={p.statement?.payments ?? null} />
        </td>
        <td className="num">{p.statement ? formatFen(p.statement.feeFen) : <span className="muted">—</span>}</td>
        <td className="num">
          <span data-testid="recon-refunds">
            {formatFen(p.local.refunds.sumFen)} / {p.statement ? formatFen(p.statement.refunds.sumFen) : '—'}
          </span>
        </td>
      </tr>
      {p.byMode.some(
        (m) => m.statement !== null && (m.statement.sumFen !== m.local.sumFen || m.statement.count !== m.local.count),
      ) && p.byMode.length > 1
        ? p.byMode.map((m) => (
            <tr
              key={m.mode}
              className="recon-mode"
              data-testid="recon-mode-row"
              data-provider={p.provider}
              data-mode={m.mode}
            >
              <td className="recon-mode-name">
                {isMessageKey(`recon.mode.${m.mode}`) ? t(`recon.mode.${m.mode}` as MessageKey) : m.mode}
              </td>
              <td className="num">
                <Money side={m.local} testId="recon-mode-till" />
              </td>
              <td className="num">
                <Money side={m.statement} testId="recon-mode-statement" />
              </td>
              <td className="num">
                <Diff local={m.local} statement={m.statement} />
              </td>
              <td />
              <td />
            </tr>
          ))
        : null}
    </>
  );
}
