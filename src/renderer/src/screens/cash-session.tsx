/**
 * The cash drawer of this till: open it with a float, pay cash in or out, look at the X report,
 * close it by counting the drawer note by note (expected vs counted, the variance and why), and the
 * Z reports with view and print. Main computes every amount and decides who may do what: paying out
 * and closing ask for the owner's PIN when a clerk is signed in. The money totals (the cash expected,
 * the X, the Z reports) are the owner's: a clerk sees the drawer blind, and "Show totals" asks for the
 * owner's PIN once for this screen (components/owner-read.tsx).
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { flushSync } from 'react-dom';
import {
  DENOMINATION_KEYS,
  MAX_DENOMINATION_COUNT,
  denominationLabel,
  denominationTotal,
  isNote,
  type DenominationCounts,
  type DenominationKey,
} from '../../../shared/cash';
import { formatFen, parseYuan } from '../../../shared/money';
import type { Result } from '../../../shared/result';
import type {
  CashMoveKind,
  CashPrintOutcome,
  CashReport,
  CashSessionState,
  PendingAttemptView,
  ZReport,
  ZSummary,
  ZView,
} from '../../../shared/types';
import { api } from '../api';
import { Modal } from '../components/modal';
import { NoSaleDialog } from '../components/no-sale-dialog';
import { useOwnerApproval } from '../components/owner-approval';
import { useOwnerRead, withPin, type OwnerRead } from '../components/owner-read';
import { notOnButton, useShortcuts } from '../hooks/use-shortcuts';
import { useI18n, type MessageKey, type Params, type Translate } from '../i18n';
import { formatDateTime, formatTime } from '../lib/format';
import { thrownToError, useCall, useNotifier, type Notifier } from '../lib/notice';
import './cash-session.css';

export interface CashSessionProps {
  businessDay: string;
  onBack: () => void;
}

type Dialog =
  | { kind: 'open' }
  | { kind: 'move'; move: CashMoveKind }
  | { kind: 'x'; report: CashReport }
  | { kind: 'close'; report: CashReport }
  | { kind: 'z'; view: ZView; justClosed: boolean };

/** `+¥1.00` / `-¥1.00` / `¥0.00` */
function signed(fen: number): string {
  return fen > 0 ? `+${formatFen(fen)}` : formatFen(fen);
}

function varianceState(fen: number): 'exact' | 'short' | 'over' {
  return fen === 0 ? 'exact' : fen < 0 ? 'short' : 'over';
}

/** Asks main to print; in browser mode the page prints itself (after `before` has updated it). */
async function printThrough(
  pending: Promise<Result<CashPrintOutcome>>,
  notifier: Notifier,
  before: (o: CashPrintOutcome) => void,
): Promise<{ key: MessageKey; params?: Params } | null> {
  let r: Result<CashPrintOutcome>;
  try {
    r = await pending;
  } catch (err) {
    r = { ok: false, error: thrownToError(err) };
  }
  if (!r.ok) {
    notifier.error(r.error);
    return null;
  }
  const outcome = r.value;
  flushSync(() => before(outcome));
  if (outcome.kind === 'browser') {
    window.print();
    return { key: 'receipt.browserPrint' };
  }
  if (outcome.kind === 'pdf') return { key: 'receipt.savedPdf', params: { path: outcome.path ?? '' } };
  return { key: 'receipt.printed' };
}

export default function CashSessionScreen({ businessDay, onBack }: CashSessionProps) {
  const { t, locale, timeZone } = useI18n();
  const notifier = useNotifier();
  const owner = useOwnerRead();
  const [state, setState] = useState<CashSessionState | null>(null);
  /** null while the totals are the owner's (a clerk, no PIN given yet) */
  const [zList, setZList] = useState<ZSummary[] | null>(null);
  const [dialog, setDialog] = useState<Dialog | null>(null);

  /** Reloads without asking: blind for a clerk until the owner's PIN was given on this screen. */
  const load = useCallback(async () => {
    const s = await owner.quiet((pin) => api.cashSession.current(withPin(pin)));
    if (!s.ok) return notifier.error(s.error);
    setState(s.value);
    if (s.value.blind) return setZList(null);
    const list = await owner.quiet((pin) => api.cashSession.zList({ limit: 30, ...withPin(pin) }));
    if (list.ok) setZList(list.value);
    else notifier.error(list.error);
  }, [owner, notifier]);

  const terminal = state?.terminal ?? '';
  /** The owner's X report (asking for the PIN if it was not given on this screen yet). */
  const xReport = useCallback(
    () => owner.ask((pin) => api.cashSession.x(withPin(pin)), 'approval.reason.cashTotals', { terminal }),
    [owner, terminal],
  );
  const showTotals = async (): Promise<void> => {
    const list = await owner.ask(
      (pin) => api.cashSession.zList({ limit: 30, ...withPin(pin) }),
      'approval.reason.cashTotals',
      { terminal },
    );
    if (list) void load();
  };

  useEffect(() => {
    void load();
    const offs = [
      api.on('order.changed', () => void load()),
      api.on('payment.changed', () => void load()),
      api.on('refund.changed', () => void load()),
    ];
    return () => offs.forEach((off) => off());
  }, [load]);

  useShortcuts({ Escape: { run: onBack, inInput: false } });

  const openZ = async (number: string): Promise<void> => {
    const view = await owner.ask(
      (pin) => api.cashSession.z({ number, ...withPin(pin) }),
      'approval.reason.cashTotals',
      { terminal },
    );
    if (view) setDialog({ kind: 'z', view, justClosed: false });
  };
  const openX = async (kind: 'x' | 'close'): Promise<void> => {
    const report = await xReport();
    if (!report) return;
    setDialog({ kind, report });
    if (state?.blind) void load(); // the owner's PIN was just given: the card shows the totals too
  };

  const [noSale, setNoSale] = useState(false);
  const session = state?.session ?? null;
  const time = (ms: number) => formatDateTime(ms, locale, timeZone);

  return (
    <div className="cash" data-testid="cash-screen">
      <div className="screen-head">
        <h1>{t('cash.title')}</h1>
        <span className="cash-terminal" data-testid="cash-terminal">
          {t('cash.terminal', { terminal: state?.terminal ?? '…' })}
        </span>
        <div className="spacer" />
        <button
          type="button"
          className="btn btn-lg btn-warn"
          onClick={() => setNoSale(true)}
          data-testid="cash-no-sale"
        >
          {t('noSale.title')}
        </button>
        <button type="button" className="btn btn-lg" onClick={onBack} data-testid="cash-back">
          {t('check.back')} <kbd>Esc</kbd>
        </button>
      </div>

      <div className="cash-body">
        <section className="cash-card" data-testid="cash-session-card" data-status={session ? 'open' : 'none'}>
          {state === null ? (
            <p className="muted">…</p>
          ) : session ? (
            <>
              <div className="cash-card-head">
                <span className="cash-badge cash-badge-open">{t('cash.isOpen')}</span>
                <span className="cash-since">
                  {t('cash.openedBy', { who: session.openedBy })} ·{' '}
                  <span data-testid="cash-opened-at">{time(session.openedAt)}</span>
                </span>
                {session.businessDay !== businessDay ? (
                  <span className="cash-day-note" data-testid="cash-session-day">
                    {t('cash.sessionDay', { day: session.businessDay })}
                  </span>
                ) : null}
              </div>
              <div className="cash-figures">
                <div className="cash-figure">
                  <span>{t('cash.float')}</span>
                  <strong data-testid="cash-float">{formatFen(session.floatFen)}</strong>
                </div>
                {session.expectedFen === null ? (
                  <div className="cash-figure cash-figure-main cash-figure-blind">
                    <span>{t('cash.expected')}</span>
                    <strong data-testid="cash-expected" data-hidden="true">
                      {t('cash.expectedHidden')}
                    </strong>
                    <small className="muted">{t('cash.blindHint')}</small>
                    <button
                      type="button"
                      className="btn"
                      onClick={() => void showTotals()}
                      data-testid="cash-show-totals"
                    >
                      {t('cash.showTotals')}
                    </button>
                  </div>
                ) : (
                  <div className="cash-figure cash-figure-main">
                    <span>{t('cash.expected')}</span>
                    <strong data-testid="cash-expected">{formatFen(session.expectedFen)}</strong>
                    <small className="muted">{t('cash.expectedHint')}</small>
                  </div>
                )}
              </div>
              <div className="cash-actions">
                <button
                  type="button"
                  className="btn btn-lg"
                  onClick={() => setDialog({ kind: 'move', move: 'in' })}
                  data-testid="cash-paid-in"
                >
                  {t('cash.paidIn')}
                </button>
                <button
                  type="button"
                  className="btn btn-lg"
                  onClick={() => setDialog({ kind: 'move', move: 'out' })}
                  data-testid="cash-paid-out"
                >
                  {t('cash.paidOut')}
                </button>
                <button type="button" className="btn btn-lg" onClick={() => void openX('x')} data-testid="cash-x">
                  {t('cash.xReport')}
                </button>
                <button
                  type="button"
                  className="btn btn-lg btn-primary cash-close-btn"
                  onClick={() => void openX('close')}
                  data-testid="cash-close"
                >
                  {t('cash.close')}
                </button>
              </div>
              {session.moves.length > 0 ? (
                <div className="cash-moves" data-testid="cash-moves">
                  <h3>{t('cash.moves')}</h3>
                  <ul>
                    {session.moves.map((m) => (
                      <li key={m.id} data-testid="cash-move" data-kind={m.kind}>
                        <span className="cash-move-time">{formatTime(m.at, locale, timeZone)}</span>
                        <span className={`cash-move-kind is-${m.kind}`}>
                          {m.kind === 'in' ? t('cash.in') : t('cash.out')}
                        </span>
                        <span className="cash-move-reason">{m.reason}</span>
                        <span className="cash-move-by muted">
                          {m.approvedBy ? t('cash.byApproved', { who: m.by, owner: m.approvedBy }) : m.by}
                        </span>
                        <strong className="cash-move-amount">
                          {m.kind === 'in' ? '+' : '−'}
                          {formatFen(m.amountFen)}
                        </strong>
                      </li>
                    ))}
                  </ul>
                </div>
              ) : null}
            </>
          ) : (
            <div className="cash-closed">
              <span className="cash-badge">{t('cash.isClosed')}</span>
              <p className="cash-closed-text">{t('cash.noSession', { terminal: state.terminal })}</p>
              <button
                type="button"
                className="btn btn-lg btn-go cash-open-btn"
                onClick={() => setDialog({ kind: 'open' })}
                data-testid="cash-open"
              >
                {t('cash.open')}
              </button>
              {state.lastZ ? (
                <p className="muted" data-testid="cash-last-z">
                  {t('cash.lastZ', { number: state.lastZ.number, time: time(state.lastZ.closedAt) })}
                </p>
              ) : null}
            </div>
          )}
          {state?.outsideSession ? (
            <p
              className="cash-warning"
              role="status"
              data-testid="cash-outside-session"
              data-count={state.outsideSession.count}
            >
              {state.outsideSession.salesFen === null || state.outsideSession.cashFen === null
                ? t(session ? 'cash.outsideBeforeBlind' : 'cash.outsideNowBlind', { count: state.outsideSession.count })
                : t(session ? 'cash.outsideBefore' : 'cash.outsideNow', {
                    count: state.outsideSession.count,
                    amount: formatFen(state.outsideSession.salesFen),
                    cash: formatFen(state.outsideSession.cashFen),
                  })}
            </p>
          ) : null}
        </section>

        <section className="cash-zs" data-testid="cash-z-list">
          <h2>{t('cash.zList')}</h2>
          {zList === null ? (
            <div className="cash-z-owner" data-testid="cash-z-owner-only">
              <p className="muted">{t('cash.zOwnerOnly')}</p>
              <button type="button" className="btn" onClick={() => void showTotals()} data-testid="cash-z-show">
                {t('cash.showTotals')}
              </button>
            </div>
          ) : zList.length === 0 ? (
            <p className="muted empty-note">{t('cash.zNone')}</p>
          ) : (
            <ul>
              {zList.map((z) => (
                <li key={z.number} className="cash-z-row" data-testid="cash-z-row" data-number={z.number}>
                  <div className="cash-z-main">
                    <strong className="cash-z-number">{z.number}</strong>
                    <span className="muted small">
                      {z.businessDay} · {t('cash.closedAt', { time: formatTime(z.closedAt, locale, timeZone) })} ·{' '}
                      {z.approvedBy ? t('cash.byApproved', { who: z.closedBy, owner: z.approvedBy }) : z.closedBy}
                    </span>
                  </div>
                  <span className={`cash-z-variance is-${varianceState(z.varianceFen)}`} data-testid="cash-z-variance">
                    {z.varianceFen === 0
                      ? t('cash.exact')
                      : `${t(z.varianceFen < 0 ? 'cash.short' : 'cash.over')} ${formatFen(Math.abs(z.varianceFen))}`}
                  </span>
                  <button type="button" className="btn" onClick={() => void openZ(z.number)} data-testid="cash-z-view">
                    {t('cash.zView')}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>

      {dialog?.kind === 'open' ? (
        <OpenDialog
          onClose={() => setDialog(null)}
          onDone={() => {
            setDialog(null);
            void load();
          }}
        />
      ) : null}
      {dialog?.kind === 'move' ? (
        <MoveDialog
          kind={dialog.move}
          expectedFen={session?.expectedFen ?? null}
          onClose={() => setDialog(null)}
          onDone={() => {
            setDialog(null);
            void load();
          }}
        />
      ) : null}
      {dialog?.kind === 'x' ? <XDialog initial={dialog.report} owner={owner} onClose={() => setDialog(null)} /> : null}
      {dialog?.kind === 'close' && session ? (
        <CloseDialog
          terminal={session.terminal}
          initial={dialog.report}
          owner={owner}
          onClose={() => setDialog(null)}
          onClosed={(view) => {
            setDialog({ kind: 'z', view, justClosed: true });
            void load();
          }}
        />
      ) : null}
      {dialog?.kind === 'z' ? (
        <ZDialog
          view={dialog.view}
          justClosed={dialog.justClosed}
          owner={owner}
          onClose={() => setDialog(null)}
          onPrinted={() => void load()}
        />
      ) : null}
      {noSale ? <NoSaleDialog onClose={() => setNoSale(false)} /> : null}
    </div>
  );
}

// ---- the denomination count -----------------------------------------------------------------------

/** Notes on the left, coins on the right: − / count / + per denomination and the line's amount. */
function DenominationGrid({
  counts,
  onChange,
}: {
  counts: DenominationCounts;
  onChange: (next: DenominationCounts) => void;
}) {
  const { t, locale } = useI18n();
  const set = (key: DenominationKey, n: number) =>
    onChange({ ...counts, [key]: Math.max(0, Math.min(MAX_DENOMINATION_COUNT, n)) });
  const column = (keys: readonly DenominationKey[], title: MessageKey) => (
    <div className="denom-col">
      <h4>{t(title)}</h4>
      {keys.map((key) => {
        const n = counts[key] ?? 0;
        return (
          <div
            key={key}
            className={`denom-row${n > 0 ? ' has-count' : ''}`}
            data-testid="denom-row"
            data-denomination={key}
          >
            <span className="denom-label">{denominationLabel(key, locale)}</span>
            <button
              type="button"
              className="btn denom-btn"
              onClick={() => set(key, n - 1)}
              disabled={n === 0}
              aria-label={t('cash.denomLess', { d: denominationLabel(key, locale) })}
              data-testid="denom-dec"
            >
              −
            </button>
            <input
              className="input denom-count"
              inputMode="numeric"
              value={n === 0 ? '' : String(n)}
              placeholder="0"
              onChange={(e) => {
                const digits = e.target.value.replace(/\D/g, '').slice(0, 5);
                set(key, digits === '' ? 0 : Number(digits));
              }}
              onFocus={(e) => e.target.select()}
              aria-label={t('cash.denomCount', { d: denominationLabel(key, locale) })}
              data-testid="denom-count"
            />
            <button
              type="button"
              className="btn denom-btn"
              onClick={() => set(key, n + 1)}
              aria-label={t('cash.denomMore', { d: denominationLabel(key, locale) })}
              data-testid="denom-inc"
            >
              +
            </button>
            <span className="denom-line" data-testid="denom-line-total">
              {n > 0 ? formatFen(Number(key) * n) : ''}
            </span>
          </div>
        );
      })}
    </div>
  );
  return (
    <div className="denom-grid" data-testid="denom-grid">
      {column(
        DENOMINATION_KEYS.filter((k) => isNote(k)),
        'cash.notes',
      )}
      {column(
        DENOMINATION_KEYS.filter((k) => !isNote(k)),
        'cash.coins',
      )}
    </div>
  );
}

// ---- open -------------------------------------------------------------------------------------------

function OpenDialog({ onClose, onDone }: { onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const call = useCall();
  const [mode, setMode] = useState<'count' | 'type'>('count');
  const [counts, setCounts] = useState<DenominationCounts>({});
  const [typed, setTyped] = useState('');
  const [bad, setBad] = useState(false);
  const [busy, setBusy] = useState(false);
  const total = mode === 'count' ? denominationTotal(counts) : parseYuan(typed);

  const submit = async (): Promise<void> => {
    if (busy) return;
    if (total === null) {
      setBad(true);
      return;
    }
    setBusy(true);
    const done = await call(api.cashSession.open(mode === 'count' ? { denominations: counts } : { floatFen: total }));
    setBusy(false);
    if (done) onDone();
  };
  useShortcuts({ Enter: { run: () => void submit(), when: notOnButton } }, { layer: 'modal' });

  return (
    <Modal title={t('cash.openTitle')} onClose={onClose} testId="cash-open-dialog" wide className="cash-modal">
      <p className="confirm-text">{t('cash.openHint')}</p>
      <div className="cash-mode" role="tablist">
        <button
          type="button"
          role="tab"
          aria-selected={mode === 'count'}
          className={`btn${mode === 'count' ? ' btn-primary' : ''}`}
          onClick={() => setMode('count')}
          data-testid="cash-float-by-count"
        >
          {t('cash.byCount')}
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={mode === 'type'}
          className={`btn${mode === 'type' ? ' btn-primary' : ''}`}
          onClick={() => setMode('type')}
          data-testid="cash-float-by-amount"
        >
          {t('cash.byAmount')}
        </button>
      </div>
      {mode === 'count' ? (
        <DenominationGrid counts={counts} onChange={setCounts} />
      ) : (
        <label className="field">
          <span>{t('cash.floatAmount')}</span>
          <input
            className="input input-lg"
            inputMode="decimal"
            value={typed}
            onChange={(e) => {
              setTyped(e.target.value);
              setBad(false);
            }}
            placeholder="200.00"
            autoFocus
            data-autofocus
            data-testid="cash-float-input"
          />
        </label>
      )}
      {bad ? (
        <p className="pin-error" role="alert" data-testid="cash-float-error">
          {t('cash.badAmount')}
        </p>
      ) : null}
      <div className="cash-total-line">
        <span>{t('cash.floatTotal')}</span>
        <strong data-testid="cash-float-total">{total === null ? '—' : formatFen(total)}</strong>
      </div>
      <div className="row-actions">
        <button type="button" className="btn btn-lg" onClick={onClose} data-testid="cash-open-cancel">
          {t('confirm.no')} <kbd>Esc</kbd>
        </button>
        <button
          type="button"
          className="btn btn-lg btn-go"
          disabled={busy || total === null}
          onClick={() => void submit()}
          data-testid="cash-open-submit"
        >
          {t('cash.openWith', { amount: total === null ? '—' : formatFen(total) })}
        </button>
      </div>
    </Modal>
  );
}

// ---- paid in / out ----------------------------------------------------------------------------------

function MoveDialog({
  kind,
  expectedFen,
  onClose,
  onDone,
}: {
  kind: CashMoveKind;
  expectedFen: number | null;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const approve = useOwnerApproval();
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<MessageKey | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (): Promise<void> => {
    if (busy) return;
    const fen = parseYuan(amount);
    if (fen === null || fen <= 0) return setProblem('cash.badAmount');
    if (reason.trim().length < 3) return setProblem('cash.reasonMissing');
    setBusy(true);
    const done = await approve(
      (pin) =>
        api.cashSession.move({ kind, amountFen: fen, reason: reason.trim(), ...(pin ? { approvalPin: pin } : {}) }),
      'approval.reason.cashOut',
      {
        amount: formatFen(fen),
      },
    );
    setBusy(false);
    if (done) onDone();
  };
  useShortcuts(
    { Enter: { run: () => void submit(), when: (e) => notOnButton(e) && !(e.target instanceof HTMLTextAreaElement) } },
    { layer: 'modal' },
  );

  return (
    <Modal
      title={t(kind === 'in' ? 'cash.paidInTitle' : 'cash.paidOutTitle')}
      onClose={onClose}
      testId="cash-move-dialog"
      className="cash-modal"
    >
      <p className="confirm-text">
        {kind === 'in'
          ? t('cash.paidInHint')
          : expectedFen === null
            ? t('cash.paidOutHintBlind')
            : t('cash.paidOutHint', { expected: formatFen(expectedFen) })}
      </p>
      <label className="field">
        <span>{t('cash.amount')}</span>
        <input
          className="input input-lg"
          inputMode="decimal"
          value={amount}
          onChange={(e) => {
            setAmount(e.target.value);
            setProblem(null);
          }}
          placeholder="0.00"
          autoFocus
          data-autofocus
          data-testid="cash-move-amount"
        />
      </label>
      <label className="field">
        <span>{t('cash.reason')}</span>
        <textarea
          className="input cash-reason"
          rows={2}
          maxLength={200}
          value={reason}
          onChange={(e) => {
            setReason(e.target.value);
            setProblem(null);
          }}
          placeholder={t(kind === 'in' ? 'cash.paidInPlaceholder' : 'cash.paidOutPlaceholder')}
          data-testid="cash-move-reason"
        />
      </label>
      {problem ? (
        <p className="pin-error" role="alert" data-testid="cash-move-error">
          {t(problem)}
        </p>
      ) : null}
      <div className="row-actions">
        <button type="button" className="btn btn-lg" onClick={onClose} data-testid="cash-move-cancel">
          {t('confirm.no')} <kbd>Esc</kbd>
        </button>
        <button
          type="button"
          className="btn btn-lg btn-primary"
          disabled={busy}
          onClick={() => void submit()}
          data-testid="cash-move-submit"
        >
          {t(kind === 'in' ? 'cash.paidInSubmit' : 'cash.paidOutSubmit')}
        </button>
      </div>
    </Modal>
  );
}

// ---- X ------------------------------------------------------------------------------------------------

function XDialog({ initial, owner, onClose }: { initial: CashReport; owner: OwnerRead; onClose: () => void }) {
  const { t } = useI18n();
  const notifier = useNotifier();
  const report = initial;
  const [status, setStatus] = useState<{ key: MessageKey; params?: Params } | null>(null);

  const print = async (): Promise<void> => {
    setStatus(
      await printThrough(
        owner.quiet((pin) => api.cashSession.printX(withPin(pin))),
        notifier,
        () => undefined,
      ),
    );
  };

  return (
    <Modal title={t('cash.xTitle')} onClose={onClose} testId="cash-x-dialog" wide className="cash-modal">
      <p className="confirm-text">{t('cash.xHint')}</p>
      {report ? (
        <div className="cash-strip" data-testid="cash-x-summary">
          <div>
            <span>{t('cash.paperNet')}</span>
            <strong>{formatFen(report.totals.netFen)}</strong>
          </div>
          <div>
            <span>{t('cash.paperOrders')}</span>
            <strong>{report.orders.paidCount}</strong>
          </div>
          <div>
            <span>{t('cash.expected')}</span>
            <strong>{formatFen(report.drawer.expectedFen)}</strong>
          </div>
        </div>
      ) : null}
      <div className="paper-wrap paper-wrap-modal">
        {report ? <CashReportPaper report={report} copy={false} /> : <p className="muted">…</p>}
      </div>
      {status ? (
        <p className="muted" data-testid="cash-print-status">
          {t(status.key, status.params)}
        </p>
      ) : null}
      <div className="row-actions">
        <button type="button" className="btn btn-lg" onClick={onClose} data-testid="cash-x-close">
          {t('app.close')} <kbd>Esc</kbd>
        </button>
        <button
          type="button"
          className="btn btn-lg btn-primary"
          disabled={!report}
          onClick={() => void print()}
          data-testid="cash-print-x"
        >
          {t('cash.print')}
        </button>
      </div>
    </Modal>
  );
}

// ---- close ----------------------------------------------------------------------------------------

function CloseDialog({
  terminal,
  initial,
  owner,
  onClose,
  onClosed,
}: {
  terminal: string;
  initial: CashReport;
  owner: OwnerRead;
  onClose: () => void;
  onClosed: (view: ZView) => void;
}) {
  const { t } = useI18n();
  const notifier = useNotifier();
  const approve = useOwnerApproval();
  const [report, setReport] = useState<CashReport | null>(initial);
  const [counts, setCounts] = useState<DenominationCounts>({});
  const [reason, setReason] = useState('');
  const [acknowledged, setAcknowledged] = useState(false);
  const [problem, setProblem] = useState<MessageKey | null>(null);
  const [busy, setBusy] = useState(false);
  /** nothing counted yet: no difference is shown (a drawer expected empty is exact at once) */
  const [touched, setTouched] = useState(false);

  /** the X again (a sale or a payment changed it), with the owner's PIN given to open this dialog */
  const refresh = useCallback(async () => {
    const r = await owner.quiet((pin) => api.cashSession.x(withPin(pin)));
    if (r.ok) setReport(r.value);
    else notifier.error(r.error);
  }, [owner, notifier]);
  useEffect(() => {
    const offs = [
      api.on('order.changed', () => void refresh()),
      api.on('payment.changed', () => void refresh()),
      api.on('refund.changed', () => void refresh()),
    ];
    return () => offs.forEach((off) => off());
  }, [refresh]);

  const counted = denominationTotal(counts);
  const expected = report?.drawer.expectedFen ?? null;
  const variance = expected === null ? 0 : counted - expected;
  const pending: PendingAttemptView[] = report?.pendingAttempts ?? [];
  const state = varianceState(variance);
  const counting = touched || expected === 0;

  const submit = async (): Promise<void> => {
    if (busy || !report) return;
    if (!counting) return setProblem('cash.countFirst');
    if (variance !== 0 && reason.trim().length < 3) return setProblem('cash.varianceReasonMissing');
    if (pending.length > 0 && !acknowledged) return setProblem('cash.pendingAckMissing');
    setBusy(true);
    const view = await approve(
      (pin) =>
        api.cashSession.close({
          denominations: counts,
          ...(variance !== 0 ? { varianceReason: reason.trim() } : {}),
          ...(pending.length > 0 ? { acknowledgePending: true } : {}),
          ...(pin ? { approvalPin: pin } : {}),
        }),
      'approval.reason.cashClose',
      { terminal, counted: formatFen(counted) },
    );
    setBusy(false);
    if (view) onClosed(view);
    else void refresh();
  };

  return (
    <Modal
      title={t('cash.closeTitle', { terminal })}
      onClose={onClose}
      testId="cash-close-dialog"
      wide
      className="cash-modal cash-close-modal"
    >
      <div className="cash-close">
        <div className="cash-close-count">
          <p className="cash-step">{t('cash.closeStep1')}</p>
          <DenominationGrid
            counts={counts}
            onChange={(c) => {
              setCounts(c);
              setTouched(true);
              setProblem(null);
            }}
          />
          {pending.length > 0 ? (
            <div className="cash-pending" role="alert" data-testid="cash-pending" data-count={pending.length}>
              <strong>{t('cash.pendingTitle', { count: pending.length })}</strong>
              <ul>
                {pending.map((p) => (
                  <li key={p.attemptId} data-testid="cash-pending-item" data-order-number={p.orderNumber}>
                    {p.orderNumber} · {t(`method.${p.provider}`)} · {formatFen(p.amountFen)}
                  </li>
                ))}
              </ul>
              <p>{t('cash.pendingHint')}</p>
              <label className="cash-ack">
                <input
                  type="checkbox"
                  checked={acknowledged}
                  onChange={(e) => {
                    setAcknowledged(e.target.checked);
                    setProblem(null);
                  }}
                  data-testid="cash-pending-ack"
                />
                {t('cash.pendingAck')}
              </label>
            </div>
          ) : null}
        </div>
        <aside className="cash-close-side">
          <div className="cash-sum">
            <span>{t('cash.counted')}</span>
            <strong className="cash-sum-counted" data-testid="cash-close-counted">
              {formatFen(counted)}
            </strong>
          </div>
          <div className="cash-sum">
            <span>{t('cash.expected')}</span>
            <strong data-testid="cash-close-expected">{expected === null ? '…' : formatFen(expected)}</strong>
          </div>
          {report ? (
            <ul className="cash-sum-lines">
              <li>
                {t('cash.float')} <span>{formatFen(report.drawer.floatFen)}</span>
              </li>
              <li>
                {t('cash.cashSales')} <span>+{formatFen(report.drawer.cashSalesFen)}</span>
              </li>
              {report.drawer.cashRefundsFen ? (
                <li>
                  {t('cash.cashRefunds')} <span>−{formatFen(report.drawer.cashRefundsFen)}</span>
                </li>
              ) : null}
              {report.drawer.paidInFen ? (
                <li>
                  {t('cash.paidIn')} <span>+{formatFen(report.drawer.paidInFen)}</span>
                </li>
              ) : null}
              {report.drawer.paidOutFen ? (
                <li>
                  {t('cash.paidOut')} <span>−{formatFen(report.drawer.paidOutFen)}</span>
                </li>
              ) : null}
            </ul>
          ) : null}
          {counting ? (
            <div
              className={`cash-variance is-${state}`}
              data-testid="cash-close-variance"
              data-variance={variance}
              data-state={state}
            >
              <span>{t('cash.variance')}</span>
              <strong>
                {state === 'exact'
                  ? t('cash.exactLong')
                  : `${t(state === 'short' ? 'cash.short' : 'cash.over')} ${formatFen(Math.abs(variance))}`}
              </strong>
              {state !== 'exact' ? <small>{t(state === 'short' ? 'cash.shortHint' : 'cash.overHint')}</small> : null}
            </div>
          ) : (
            <div className="cash-variance is-waiting" data-testid="cash-close-variance" data-state="waiting">
              <span>{t('cash.variance')}</span>
              <small>{t('cash.countFirst')}</small>
            </div>
          )}
          {counting && variance !== 0 ? (
            <label className="field">
              <span>{t('cash.varianceReason')}</span>
              <textarea
                className="input cash-reason"
                rows={2}
                maxLength={200}
                value={reason}
                onChange={(e) => {
                  setReason(e.target.value);
                  setProblem(null);
                }}
                placeholder={t('cash.varianceReasonPlaceholder')}
                data-testid="cash-close-reason"
              />
            </label>
          ) : null}
        </aside>
      </div>
      {problem ? (
        <p className="pin-error" role="alert" data-testid="cash-close-problem">
          {t(problem)}
        </p>
      ) : null}
      <div className="row-actions">
        <button type="button" className="btn btn-lg" onClick={onClose} data-testid="cash-close-cancel">
          {t('confirm.no')} <kbd>Esc</kbd>
        </button>
        <button
          type="button"
          className="btn btn-lg btn-primary"
          disabled={busy || !report}
          onClick={() => void submit()}
          data-testid="cash-close-submit"
        >
          {t('cash.closeSubmit')}
        </button>
      </div>
    </Modal>
  );
}

// ---- Z ------------------------------------------------------------------------------------------------

function ZDialog({
  view,
  justClosed,
  owner,
  onClose,
  onPrinted,
}: {
  view: ZView;
  justClosed: boolean;
  owner: OwnerRead;
  onClose: () => void;
  onPrinted: () => void;
}) {
  const { t } = useI18n();
  const notifier = useNotifier();
  const [copy, setCopy] = useState(view.prints > 0);
  const [printed, setPrinted] = useState(view.prints > 0);
  const [status, setStatus] = useState<{ key: MessageKey; params?: Params } | null>(null);
  const [busy, setBusy] = useState(false);

  const print = async (): Promise<void> => {
    setBusy(true);
    // a Z is the owner's: printed with the PIN given on this screen, else asking for it
    const outcome = await owner.ask(
      (pin) => api.cashSession.printZ({ number: view.z.number, ...withPin(pin) }),
      'approval.reason.cashTotals',
      { terminal: view.z.terminal },
    );
    const s = outcome
      ? await printThrough(Promise.resolve({ ok: true, value: outcome }), notifier, (o) => setCopy(o.copy))
      : null;
    setBusy(false);
    if (s) {
      setStatus(s);
      setPrinted(true);
      onPrinted();
    }
  };

  return (
    <Modal title={view.z.number} onClose={onClose} testId="cash-z-dialog" wide className="cash-modal">
      {justClosed ? (
        <p className="cash-closed-done" role="status" data-testid="cash-closed-done">
          {t('cash.closedDone', { number: view.z.number })}
        </p>
      ) : null}
      <div className="cash-strip" data-testid="cash-z-summary">
        <div>
          <span>{t('cash.expected')}</span>
          <strong>{formatFen(view.z.drawer.expectedFen)}</strong>
        </div>
        <div>
          <span>{t('cash.counted')}</span>
          <strong>{formatFen(view.z.countedFen)}</strong>
        </div>
        <div className={`is-${varianceState(view.z.varianceFen)}`}>
          <span>{t('cash.variance')}</span>
          <strong>
            {view.z.varianceFen === 0
              ? t('cash.exact')
              : `${t(view.z.varianceFen < 0 ? 'cash.short' : 'cash.over')} ${formatFen(Math.abs(view.z.varianceFen))}`}
          </strong>
          {view.z.varianceReason ? <small>{view.z.varianceReason}</small> : null}
        </div>
      </div>
      <div className="paper-wrap paper-wrap-modal">
        <CashReportPaper report={view.z} copy={copy} reconciledSince={view.reconciledSince} />
      </div>
      {status ? (
        <p className="muted" data-testid="cash-print-status">
          {t(status.key, status.params)}
        </p>
      ) : null}
      <div className="row-actions">
        <button type="button" className="btn btn-lg" onClick={onClose} data-testid="cash-z-close">
          {t('app.close')} <kbd>Esc</kbd>
        </button>
        <button
          type="button"
          className="btn btn-lg btn-primary"
          disabled={busy}
          onClick={() => void print()}
          data-testid="cash-print-z"
        >
          {printed ? t('cash.printCopy') : t('cash.print')}
        </button>
      </div>
    </Modal>
  );
}

// ---- the paper (X or Z) -------------------------------------------------------------------------------

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
        <dd data-testid="cash-report-day">{report.businessDay}</dd>
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
