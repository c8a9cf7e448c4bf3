import { useCallback, useEffect, useState } from 'react';
import { formatFen } from '../../../shared/money';
import type {
  AttentionAttempt,
  AttentionView,
  ExceptionResolution,
  ExceptionView,
  RefundView,
} from '../../../shared/types';
import { api } from '../api';
import { Modal } from '../components/modal';
import { useOwnerApproval } from '../components/owner-approval';
import { useShortcuts } from '../hooks/use-shortcuts';
import { useI18n, type MessageKey } from '../i18n';
import { formatTime } from '../lib/format';
import { useCall, useNotifier } from '../lib/notice';
import { AttemptWhy } from './check-why';

export interface AttentionProps {
  onBack: () => void;
  /** tells the header how many things wait (its badge) */
  onCount: (n: number) => void;
}

type Decision =
  | { kind: 'resolve'; exception: ExceptionView; resolution: ExceptionResolution }
  | { kind: 'override'; attempt: AttentionAttempt };

/** How many things wait for a person: the header's badge. */
export function attentionCount(v: AttentionView): number {
  return v.attempts.length + v.exceptions.length + v.refunds.length;
}

/**
 * "Payments to check": payments whose outcome is unknown or overdue (with "check now" and the
 * owner's override), the exceptions the payment core opened (late money, a double payment, an amount
 * that does not match …) with their resolutions, and refunds still under way. Live: it reloads on
 * every payment, refund and order event.
 */
export default function AttentionScreen({ onBack, onCount }: AttentionProps) {
  const { t, locale, timeZone } = useI18n();
  const call = useCall();
  const notifier = useNotifier();
  const approve = useOwnerApproval();
  const [view, setView] = useState<AttentionView | null>(null);
  const [decision, setDecision] = useState<Decision | null>(null);
  const [busy, setBusy] = useState<number | null>(null);

  const load = useCallback(async () => {
    const v = await call(api.payments.attention({}));
    if (v) {
      setView(v);
      onCount(attentionCount(v));
    }
  }, [call, onCount]);

  useEffect(() => {
    void load();
    const offs = [
      api.on('payment.changed', () => void load()),
      api.on('refund.changed', () => void load()),
      api.on('order.changed', () => void load()),
    ];
    const id = window.setInterval(() => void load(), 5_000);
    return () => {
      offs.forEach((off) => off());
      window.clearInterval(id);
    };
  }, [load]);

  useShortcuts({ Escape: () => (decision ? setDecision(null) : onBack()) });

  const queryNow = async (a: AttentionAttempt): Promise<void> => {
    setBusy(a.id);
    const v = await call(api.payments.queryNow({ attemptId: a.id }));
    setBusy(null);
    if (v) notifier.say('info', 'check.queried', { number: a.orderNumber });
    void load();
  };

  const provider = (p: string | null): string => (p ? t(`method.${p as AttentionAttempt['provider']}`) : '—');
  const when = (ms: number): string => formatTime(ms, locale, timeZone, true);

  return (
    <div className="attention" data-testid="attention-screen">
      <div className="screen-head">
        <h1>{t('check.title')}</h1>
        <p className="muted">{t('check.subtitle')}</p>
        <div className="spacer" />
        <button type="button" className="btn btn-lg" onClick={() => void load()} data-testid="check-refresh">
          {t('check.refresh')}
        </button>
        <button type="button" className="btn btn-lg" onClick={onBack} data-testid="check-back">
          {t('check.back')} <kbd>Esc</kbd>
        </button>
      </div>

      {view && attentionCount(view) === 0 ? (
        <div className="empty-state" data-testid="check-empty">
          <strong>{t('check.empty')}</strong>
          <span className="muted">{t('check.emptyHint')}</span>
        </div>
      ) : null}

      {view && view.attempts.length > 0 ? (
        <section className="check-section" data-testid="check-attempts">
          <h2>{t('check.attempts', { count: view.attempts.length })}</h2>
          <table className="table check-table">
            <thead>
              <tr>
                <th>{t('check.col.order')}</th>
                <th>{t('check.col.method')}</th>
                <th className="num">{t('check.col.amount')}</th>
                <th>{t('check.col.why')}</th>
                <th>{t('check.col.started')}</th>
                <th className="num">{t('check.col.checks')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {view.attempts.map((a) => (
                <tr key={a.id} data-testid="check-attempt" data-attempt-id={a.id} data-order-number={a.orderNumber}>
                  <td className="mono">{a.orderNumber}</td>
                  <td>
                    {provider(a.provider)} · {t(`check.mode.${a.mode}` as MessageKey)}
                  </td>
                  <td className="num">{formatFen(a.amountFen)}</td>
                  <td>
                    <div className="chips">
                      {a.reasons.map((r) => (
                        <span key={r} className={`chip chip-${r}`} data-testid="check-reason" data-reason={r}>
                          {t(`check.reason.${r}` as MessageKey)}
                        </span>
                      ))}
                    </div>
                    <AttemptWhy attempt={a} />
                  </td>
                  <td>{when(a.createdAt)}</td>
                  <td className="num">{a.polls}</td>
                  <td className="actions">
                    <button
                      type="button"
                      className="btn"
                      disabled={busy === a.id}
                      onClick={() => void queryNow(a)}
                      data-testid="check-query-now"
                    >
                      {t('attempt.queryNow')}
                    </button>
                    {a.overriddenAt === null ? (
                      <button
                        type="button"
                        className="btn btn-warn"
                        onClick={() => setDecision({ kind: 'override', attempt: a })}
                        data-testid="check-override"
                      >
                        {t('check.override')}
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}

      {view && view.exceptions.length > 0 ? (
        <section className="check-section" data-testid="check-exceptions">
          <h2>{t('check.exceptions', { count: view.exceptions.length })}</h2>
          <div className="exception-list">
            {view.exceptions.map((e) => (
              <ExceptionCard
                key={e.id}
                e={e}
                onDecide={(resolution) => setDecision({ kind: 'resolve', exception: e, resolution })}
              />
            ))}
          </div>
        </section>
      ) : null}

      {view && view.refunds.length > 0 ? (
        <section className="check-section" data-testid="check-refunds">
          <h2>{t('check.refunds', { count: view.refunds.length })}</h2>
          {view.refunds.map((r) => (
            <RefundLine key={r.id} r={r} />
          ))}
        </section>
      ) : null}

      {view && view.resolved.length > 0 ? (
        <section className="check-section check-resolved" data-testid="check-resolved">
          <h2>{t('check.resolved')}</h2>
          <ul>
            {view.resolved.map((e) => (
              <li key={e.id} data-testid="check-resolved-item" data-resolution={e.resolution ?? ''}>
                <span className="mono">{e.orderNumber}</span> · {t(`exception.kind.${e.kind}` as MessageKey)} ·{' '}
                <strong>{t(`exception.resolution.${e.resolution ?? 'open'}` as MessageKey)}</strong>
                {e.note ? <span className="muted"> — “{e.note}”</span> : null}
                {e.resolvedAt ? <span className="muted"> · {when(e.resolvedAt)}</span> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {decision ? (
        <DecisionDialog
          decision={decision}
          onClose={() => setDecision(null)}
          onDone={() => {
            setDecision(null);
            void load();
          }}
          approve={approve}
        />
      ) : null}
    </div>
  );
}

function ExceptionCard({ e, onDecide }: { e: ExceptionView; onDecide: (r: ExceptionResolution) => void }) {
  const { t, locale, timeZone } = useI18n();
  const refunding = e.resolution === 'refunding';
  return (
    <article
      className={`exception-card exception-${e.kind}`}
      data-testid="check-exception"
      data-exception-id={e.id}
      data-kind={e.kind}
    >
      <header>
        <h3>{t(`exception.kind.${e.kind}` as MessageKey)}</h3>
        <span className="mono">{e.orderNumber}</span>
        <span className={`status status-${e.orderStatus}`}>{t(`status.${e.orderStatus}`)}</span>
      </header>
      <p>
        {t(`exception.explain.${e.kind}` as MessageKey, { provider: e.provider ? t(`method.${e.provider}`) : '—' })}
      </p>
      <dl className="exception-facts">
        <dt>{t('check.col.amount')}</dt>
        <dd className="money-big">{e.amountFen === null ? '—' : formatFen(e.amountFen)}</dd>
        <dt>{t('check.col.method')}</dt>
        <dd>{e.provider ? t(`method.${e.provider}`) : '—'}</dd>
        <dt>{t('check.opened')}</dt>
        <dd>{formatTime(e.openedAt, locale, timeZone, true)}</dd>
        {e.outTradeNo ? (
          <>
            <dt>{t('check.tradeNo')}</dt>
            <dd className="mono">{e.outTradeNo}</dd>
          </>
        ) : null}
      </dl>
      {e.refund ? <RefundLine r={e.refund} /> : null}
      {refunding ? <p className="muted">{t('check.refunding')}</p> : null}
      <div className="row-actions">
        {e.resolutions.map((r) => (
          <button
            key={r}
            type="button"
            className={`btn btn-lg ${r === 'refund' ? 'btn-warn' : r === 'accept' ? 'btn-primary' : ''}`}
            onClick={() => onDecide(r)}
            data-testid={`exception-${r}`}
          >
            {t(`exception.do.${r}` as MessageKey)}
          </button>
        ))}
      </div>
    </article>
  );
}

function RefundLine({ r }: { r: RefundView }) {
  const { t } = useI18n();
  return (
    <div className={`refund-line refund-${r.state}`} data-testid="refund-line" data-state={r.state}>
      <span>{t('check.refundOf', { amount: formatFen(r.amountFen), provider: t(`method.${r.method}`) })}</span>
      <strong>{t(`refund.state.${r.state}` as MessageKey)}</strong>
      {r.unknown ? <span className="chip chip-unknown">{t('check.reason.unknown')}</span> : null}
    </div>
  );
}

function DecisionDialog({
  decision,
  onClose,
  onDone,
  approve,
}: {
  decision: Decision;
  onClose: () => void;
  onDone: () => void;
  approve: ReturnType<typeof useOwnerApproval>;
}) {
  const { t } = useI18n();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [missing, setMissing] = useState(false);
  const title =
    decision.kind === 'override' ? t('check.override') : t(`exception.do.${decision.resolution}` as MessageKey);
  const consequence =
    decision.kind === 'override'
      ? t('check.overrideConsequence', { number: decision.attempt.orderNumber })
      : t(`exception.consequence.${decision.resolution}` as MessageKey, {
          amount: decision.exception.amountFen === null ? '—' : formatFen(decision.exception.amountFen),
          number: decision.exception.orderNumber,
        });

  const submit = async (): Promise<void> => {
    const text = note.trim();
    if (text.length < 3) {
      setMissing(true);
      return;
    }
    setBusy(true);
    const done =
      decision.kind === 'override'
        ? await approve(
            (pin) => api.payments.override({ attemptId: decision.attempt.id, note: text, approvalPin: pin }),
            'approval.reason.override',
            {
              number: decision.attempt.orderNumber,
            },
          )
        : await approve(
            (pin) =>
              api.exceptions.resolve({
                exceptionId: decision.exception.id,
                resolution: decision.resolution,
                note: text,
                approvalPin: pin,
              }),
            'approval.reason.resolve',
            { number: decision.exception.orderNumber },
          );
    setBusy(false);
    if (done) onDone();
  };

  return (
    <Modal title={title} onClose={onClose} testId="decision-dialog">
      <p className="confirm-text">{consequence}</p>
      <label className="field field-wide">
        <span>{t('check.note')}</span>
        <textarea
          className="input"
          rows={3}
          maxLength={500}
          value={note}
          onChange={(e) => {
            setNote(e.target.value);
            setMissing(false);
          }}
          placeholder={t('check.notePlaceholder')}
          data-testid="decision-note"
          autoFocus
          data-autofocus
        />
      </label>
      {missing ? (
        <p className="pin-error" role="alert" data-testid="decision-note-missing">
          {t('check.noteMissing')}
        </p>
      ) : null}
      <div className="row-actions">
        <button type="button" className="btn btn-lg" onClick={onClose} data-testid="decision-cancel">
          {t('confirm.no')} <kbd>Esc</kbd>
        </button>
        <button
          type="button"
          className="btn btn-lg btn-primary"
          disabled={busy}
          onClick={() => void submit()}
          data-testid="decision-confirm"
        >
          {title}
        </button>
      </div>
    </Modal>
  );
}
