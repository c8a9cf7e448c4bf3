/** An X or a Z report on paper (80 mm when printed): sales by method, refunds, the drawer, the count, the statements. */
import { useMemo } from 'react';
import { DENOMINATION_KEYS, denominationLabel } from '../../../../shared/cash';
import { formatFen } from '../../../../shared/money';
import type { CashReport, ZReport, ZView } from '../../../../shared/types';
import { useI18n, type Translate } from '../../i18n';
import { formatDateTime, formatDay, formatTime } from '../../lib/format';
import { signed, varianceState } from './variance';

function Row({
  label,
  value,
  testId,
  className,
}: {
  label: string;
  value: string;
  testId?: string;
  className?: string;
}) {
  return (
    <div className={`paper-row${className ? ` ${className}` : ''}`} data-testid={testId}>
      <span>{label}</span>
      <span>{value}</span>
    </div>
  );
}

function statementLine(t: Translate, s: { sumFen: number; count: number }): string {
  return t('cash.paperPayments', { amount: formatFen(s.sumFen), count: s.count });
}

/** An X or Z on paper (80 mm when printed); the Z as written at its close. */
export function CashReportPaper({
  report,
  copy,
  reconciledSince,
}: {
  report: CashReport | ZReport;
  copy: boolean;
  reconciledSince?: ZView['reconciledSince'];
}) {
  const { t, locale, timeZone } = useI18n();
  const z = report.kind === 'Z' ? (report as ZReport) : null;
  const time = (ms: number) => formatDateTime(ms, locale, timeZone);
  const counted = useMemo(() => (z ? DENOMINATION_KEYS.filter((k) => (z.countedDenominations[k] ?? 0) > 0) : []), [z]);
  const d = report.drawer;
  return (
    <article
      className="paper print-area cash-paper"
      data-testid="cash-report"
      data-kind={report.kind}
      data-number={z?.number ?? ''}
    >
      {copy ? (
        <div className="paper-reprint" data-testid="cash-z-copy">
          COPY / 副本
        </div>
      ) : null}
      <header className="paper-head">
        <div>{report.storeName}</div>
        <div className="paper-store">{z ? t('cash.paperZ', { number: z.number }) : t('cash.paperX')}</div>
        {z ? null : <div className="small">{t('cash.paperXNote')}</div>}
      </header>
      <dl className="paper-meta">
        <dt>{t('receipt.terminal')}</dt>
        <dd>{report.terminal}</dd>
        <dt>{t('cash.paperDay')}</dt>
        <dd data-testid="cash-report-day">{formatDay(report.businessDay, locale)}</dd>
        {report.daysCovered.length > 1 ? (
          <>
            <dt>{t('cash.paperDays')}</dt>
            <dd>{report.daysCovered.join(', ')}</dd>
          </>
        ) : null}
        <dt>{t('cash.paperOpened')}</dt>
        <dd>{time(report.openedAt)}</dd>
        <dt />
        <dd>{report.openedBy}</dd>
        {z ? (
          <>
            <dt>{t('cash.paperClosed')}</dt>
            <dd>{time(z.closedAt)}</dd>
            <dt />
            <dd>{z.approvedBy ? t('cash.byApproved', { who: z.closedBy, owner: z.approvedBy }) : z.closedBy}</dd>
          </>
        ) : (
          <>
            <dt>{t('cash.paperUntil')}</dt>
            <dd>{time(report.until)}</dd>
          </>
        )}
      </dl>
      <hr />
      <h4 className="cash-paper-h">{t('cash.paperSales')}</h4>
      {report.methods.map((m) => (
        <div
          key={m.method}
          data-testid="cash-report-method"
          data-method={m.method}
          data-sales={m.salesFen}
          data-refunds={m.refundsFen}
        >
          <Row label={`${t(`method.${m.method}`)} (${m.salesCount})`} value={formatFen(m.salesFen)} />
          {m.refundsFen ? (
            <>
              <Row
                className="paper-disc"
                label={`${t('cash.paperRefunds')} (${m.refundsCount})`}
                value={`−${formatFen(m.refundsFen)}`}
              />
              <Row className="paper-disc" label={t('cash.paperNet')} value={formatFen(m.netFen)} />
            </>
          ) : null}
        </div>
      ))}
      <Row label={t('cash.paperTotalSales')} value={formatFen(report.totals.salesFen)} />
      <Row
        label={t('cash.paperRefunds')}
        value={report.totals.refundsFen ? `−${formatFen(report.totals.refundsFen)}` : formatFen(0)}
      />
      <Row
        className="paper-total"
        label={t('cash.paperNet')}
        value={formatFen(report.totals.netFen)}
        testId="cash-report-net"
      />
      <hr />
      <Row label={t('cash.paperOrders')} value={String(report.orders.paidCount)} testId="cash-report-orders" />
      <Row
        label={t('cash.paperCancelled')}
        value={`${report.orders.cancelledCount} (${formatFen(report.orders.cancelledFen)})`}
      />
      <Row
        label={t('cash.paperDiscounts')}
        value={report.discounts.totalFen ? `−${formatFen(report.discounts.totalFen)}` : formatFen(0)}
        testId="cash-report-discounts"
      />
      <hr />
      <h4 className="cash-paper-h">{t('cash.paperDrawer')}</h4>
      <Row label={t('cash.float')} value={formatFen(d.floatFen)} />
      <Row label={t('cash.cashSales')} value={`+${formatFen(d.cashSalesFen)}`} />
      <Row label={t('cash.cashRefunds')} value={`−${formatFen(d.cashRefundsFen)}`} />
      <Row label={t('cash.paidIn')} value={`+${formatFen(d.paidInFen)}`} />
      <Row label={t('cash.paidOut')} value={`−${formatFen(d.paidOutFen)}`} />
      <Row
        className="paper-total"
        label={t('cash.expected')}
        value={formatFen(d.expectedFen)}
        testId="cash-report-expected"
      />
      {z ? (
        <>
          <Row
            className="cash-paper-strong"
            label={t('cash.counted')}
            value={formatFen(z.countedFen)}
            testId="cash-report-counted"
          />
          <Row
            className={`cash-paper-strong cash-paper-variance is-${varianceState(z.varianceFen)}`}
            label={t('cash.variance')}
            value={
              z.varianceFen === 0
                ? t('cash.exact')
                : `${signed(z.varianceFen)} ${t(z.varianceFen < 0 ? 'cash.short' : 'cash.over')}`
            }
            testId="cash-report-variance"
          />
          {z.varianceReason ? (
            <p className="cash-paper-reason" data-testid="cash-report-reason">
              {t('cash.reason')}: {z.varianceReason}
            </p>
          ) : null}
          {counted.length ? (
            <div className="cash-paper-count">
              {counted.map((k) => (
                <Row
                  key={k}
                  className="paper-disc"
                  label={`${denominationLabel(k, locale)} × ${z.countedDenominations[k]}`}
                  value={formatFen(Number(k) * (z.countedDenominations[k] ?? 0))}
                />
              ))}
            </div>
          ) : null}
        </>
      ) : null}
      {report.moves.length ? (
        <>
          <hr />
          <h4 className="cash-paper-h">{t('cash.moves')}</h4>
          {report.moves.map((m) => (
            <div key={m.id}>
              <Row
                label={`${formatTime(m.at, locale, timeZone)} ${m.kind === 'in' ? t('cash.in') : t('cash.out')}`}
                value={`${m.kind === 'in' ? '+' : '−'}${formatFen(m.amountFen)}`}
              />
              <div className="paper-disc small">{m.reason}</div>
            </div>
          ))}
        </>
      ) : null}
      {report.intermediaries.length ? (
        <>
          <hr />
          <h4 className="cash-paper-h">{t('cash.paperIntermediaries')}</h4>
          {report.intermediaries.map((i) => (
            <div
              key={i.provider}
              className="cash-paper-provider"
              data-testid="cash-report-provider"
              data-provider={i.provider}
            >
              <Row className="cash-paper-strong" label={t(`method.${i.provider}`)} value="" />
              <Row className="paper-disc" label={t('cash.paperSession')} value={statementLine(t, i.session.payments)} />
              {i.days.map((day) => (
                <div key={day.day} data-testid="cash-report-statement" data-day={day.day} data-status={day.status}>
                  <div className="paper-disc small">{day.day}</div>
                  <Row
                    className="paper-disc"
                    label={t('cash.paperTillDay')}
                    value={statementLine(t, day.till.payments)}
                  />
                  {day.statement ? (
                    <Row
                      className="paper-disc"
                      label={t('cash.paperStatement')}
                      value={statementLine(t, day.statement.payments)}
                    />
                  ) : (
                    <div className="paper-disc small cash-paper-note">{t('cash.paperNotReconciled')}</div>
                  )}
                </div>
              ))}
            </div>
          ))}
        </>
      ) : null}
      {report.pendingAttempts.length ? (
        <>
          <hr />
          <h4 className="cash-paper-h">{t(z ? 'cash.paperPendingZ' : 'cash.paperPendingX')}</h4>
          {report.pendingAttempts.map((p) => (
            <Row
              key={p.attemptId}
              className="paper-disc"
              label={`${p.orderNumber} ${t(`method.${p.provider}`)}`}
              value={formatFen(p.amountFen)}
            />
          ))}
        </>
      ) : null}
      {reconciledSince?.length ? (
        <div className="cash-paper-since" data-testid="cash-report-since">
          <hr />
          <h4 className="cash-paper-h">{t('cash.paperSince')}</h4>
          {reconciledSince.map((s) => (
            <Row
              key={`${s.provider}-${s.day}`}
              className="paper-disc"
              label={`${t(`method.${s.provider}`)} ${s.day}`}
              value={statementLine(t, s.statement.payments)}
            />
          ))}
        </div>
      ) : null}
    </article>
  );
}
