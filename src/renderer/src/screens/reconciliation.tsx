/**
 * Daily reconciliation: pick a day (yesterday by default), fetch the payment services' statements,
 * see the totals per method (the till against the statement, a difference highlighted) and resolve
 * each difference with a note. Running, resolving and the settings need the owner: when the signed-in
 * user is not the owner, the shared owner approval asks for the owner's PIN
 * (components/owner-approval.tsx). Main does all the matching; this screen only shows.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { PosErrorShape } from '../../../shared/errors';
import { formatFen } from '../../../shared/money';
import type {
  ProviderId,
  ReconCategory,
  ReconDaySummary,
  ReconDayView,
  ReconItemView,
  ReconProviderDay,
  ReconResolution,
  ReconRunOutcome,
  ReconSettingsView,
  ReconSide,
} from '../../../shared/types';
import { api } from '../api';
import { Modal } from '../components/modal';
import { approveInForm, useOwnerApproval } from '../components/owner-approval';
import { notOnButton, useShortcuts } from '../hooks/use-shortcuts';
import { errorText, isMessageKey, useI18n, type MessageKey, type Translate } from '../i18n';
import { formatDateTime } from '../lib/format';
import { useOwnerRead, withPin } from '../components/owner-read';
import { useNotifier } from '../lib/notice';
import { PROVIDER_LOOK } from '../lib/payments';
import './reconciliation.css';

const CATEGORIES: readonly ReconCategory[] = [
  'paid_after_close',
  'missing_locally',
  'missing_upstream',
  'amount_mismatch',
  'status_mismatch',
  'fee_mismatch',
];
const RESOLUTIONS: readonly ReconResolution[] = ['accepted', 'refunded', 'written_off', 'corrected'];
const PROVIDERS: readonly ProviderId[] = ['alipay', 'wechat', 'yeepay'];

/** `day` plus `n` calendar days (YYYY-MM-DD). */
function shiftDay(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** `+¥1.00` / `-¥1.00` / `¥0.00`: what the statement says more (or less) than the till. */
function signedFen(fen: number): string {
  return fen > 0 ? `+${formatFen(fen)}` : formatFen(fen);
}

function reasonText(t: Translate, item: ReconItemView): string {
  const key = `recon.reason.${item.reason}`;
  const state =
    typeof item.detail.state === 'string' && isMessageKey(`attempt.${item.detail.state}`)
      ? t(`attempt.${item.detail.state}` as MessageKey)
      : '';
  return isMessageKey(key) ? t(key, { state }) : item.reason;
}

function resolutionText(t: Translate, resolution: string): string {
  const key = `recon.resolution.${resolution}`;
  return isMessageKey(key) ? t(key) : resolution;
}

export interface ReconciliationProps {
  /** the store's business day (today); the screen opens on the day before */
  businessDay: string;
  onBack: () => void;
}

export default function ReconciliationScreen({ businessDay, onBack }: ReconciliationProps) {
  const { t, locale, timeZone } = useI18n();
  const notifier = useNotifier();
  const approve = useOwnerApproval();
  // reconciliation is the owner's: a clerk is asked for the owner's PIN once, kept for this screen's reads
  const owner = useOwnerRead();
  const yesterday = shiftDay(businessDay, -1);
  const [day, setDay] = useState(yesterday);
  const [view, setView] = useState<ReconDayView | null>(null);
  const [days, setDays] = useState<ReconDaySummary[]>([]);
  const [settings, setSettings] = useState<ReconSettingsView | null>(null);
  const [outcomes, setOutcomes] = useState<ReconRunOutcome[] | null>(null);
  const [running, setRunning] = useState(false);
  const [resolving, setResolving] = useState<ReconItemView | null>(null);
  const [editing, setEditing] = useState(false);
  const [showResolved, setShowResolved] = useState(false);
  /** the owner did not approve: the screen shows nothing but how to ask again */
  const [refused, setRefused] = useState(false);

  const loadDays = useCallback(async () => {
    const list = await owner.quiet((pin) => api.recon.days({ limit: 14, ...withPin(pin) }));
    if (list.ok) setDays(list.value);
  }, [owner]);

  const load = useCallback(async () => {
    const v = await owner.ask((pin) => api.recon.day({ day, ...withPin(pin) }), 'approval.reason.recon');
    setRefused(v === undefined);
    if (!v) return;
    setView(v);
    await loadDays();
    const s = await owner.quiet((pin) => api.recon.settings(withPin(pin)));
    if (s.ok) setSettings(s.value);
  }, [owner, day, loadDays]);

  useEffect(() => {
    setView(null);
    setOutcomes(null);
    void load();
  }, [load]);

  useEffect(
    () => api.on('recon.changed', (e) => (e.day === day ? void load() : void loadDays())),
    [day, load, loadDays],
  );

  useShortcuts({ Escape: { run: onBack, inInput: false } });

  /** Fetches the statements and matches them: the owner's, so a clerk is asked for the owner's PIN. */
  const onRun = async (): Promise<void> => {
    const done = await approve(
      async (pin) => {
        setRunning(true);
        try {
          return await api.recon.run({ day, ...withPin(pin) });
        } finally {
          setRunning(false);
        }
      },
      'recon.runPinHint',
      { day },
    );
    if (!done) return;
    setOutcomes(done.outcomes);
    setView(done.view);
    await loadDays();
  };

  const open = view?.items.filter((i) => i.resolvedAt === null && i.awaitingDay === null) ?? [];
  const awaiting = view?.items.filter((i) => i.resolvedAt === null && i.awaitingDay !== null) ?? [];
  const resolved = view?.items.filter((i) => i.resolvedAt !== null) ?? [];
  const anyRun = view?.providers.some((p) => p.status !== 'not_run') ?? false;
  const canRun = view?.canRun ?? day < businessDay;

  const time = (ms: number | null) => (ms === null ? '' : formatDateTime(ms, locale, timeZone));

  return (
    <div className="recon" data-testid="recon-screen" data-day={day}>
      <aside className="recon-days" data-testid="recon-days">
        <h2>{t('recon.recent')}</h2>
        <ol>
          {days.map((d) => {
            const notRun = d.providers.every((p) => p.status === 'not_run');
            const failed = d.providers.some((p) => p.status === 'refused' || p.status === 'unavailable');
            return (
              <li key={d.day}>
                <button
                  type="button"
                  className={`recon-day-btn${d.day === day ? ' recon-day-on' : ''}`}
                  onClick={() => setDay(d.day)}
                  aria-current={d.day === day ? 'date' : undefined}
                  data-testid="recon-day-item"
                  data-day={d.day}
                  data-open={d.open}
                >
                  <span className="recon-day-date">
                    {d.day === yesterday ? `${d.day} · ${t('recon.yesterday')}` : d.day}
                  </span>
                  <span className={`recon-day-state ${d.open > 0 || failed ? 'is-bad' : notRun ? 'is-none' : 'is-ok'}`}>
                    {d.open > 0
                      ? t('recon.dayOpen', { count: d.open })
                      : failed
                        ? t('recon.dayFailed')
                        : notRun
                          ? t('recon.dayNotRun')
                          : t('recon.dayOk')}
                  </span>
                </button>
              </li>
            );
          })}
        </ol>
      </aside>

      <section className="recon-main">
        <div className="recon-head">
          <div className="recon-title">
            <h2>{t('recon.title')}</h2>
            {settings ? <span className="muted small">{t('recon.dailyRun', { time: settings.dailyAt })}</span> : null}
          </div>
          <div className="recon-picker">
            <button
              type="button"
              className="btn"
              onClick={() => setDay(shiftDay(day, -1))}
              data-testid="recon-day-prev"
              aria-label={t('recon.prevDay')}
            >
              ◀
            </button>
            <input
              type="date"
              className="input recon-date"
              value={day}
              max={yesterday}
              onChange={(e) => {
                if (/^\d{4}-\d{2}-\d{2}$/.test(e.target.value)) setDay(e.target.value);
              }}
              aria-label={t('recon.day')}
              data-testid="recon-day-input"
            />
            <button
              type="button"
              className="btn"
              onClick={() => setDay(shiftDay(day, 1))}
              disabled={day >= yesterday}
              data-testid="recon-day-next"
              aria-label={t('recon.nextDay')}
            >
              ▶
            </button>
            {day !== yesterday ? (
              <button type="button" className="btn" onClick={() => setDay(yesterday)} data-testid="recon-day-yesterday">
                {t('recon.yesterday')}
              </button>
            ) : null}
          </div>
          <button
            type="button"
            className="btn btn-sm"
            onClick={() => setEditing(true)}
            data-testid="recon-settings-open"
          >
            {t('recon.settings')}
          </button>
          <button
            type="button"
            className="btn btn-lg btn-primary"
            onClick={() => void onRun()}
            disabled={!canRun || running}
            data-testid="recon-run"
            data-running={running}
          >
            {running ? t('recon.running') : anyRun ? t('recon.rerun') : t('recon.run')}
          </button>
        </div>
        {!canRun ? (
          <p className="recon-note" data-testid="recon-not-over">
            {t('recon.notOver', { day })}
          </p>
        ) : null}

        {outcomes ? (
          <ul className="recon-outcomes" data-testid="recon-outcomes">
            {outcomes.length === 0 ? <li>{t('recon.noProviders')}</li> : null}
            {outcomes.length > 0 && outcomes.every((o) => o.outcome === 'already_imported') ? (
              <li className="recon-outcome">{t('recon.allAlreadyImported')}</li>
            ) : null}
            {outcomes.map((o) => (
              <li
                key={o.provider}
                className={`recon-outcome is-${o.outcome}`}
                hidden={outcomes.every((x) => x.outcome === 'already_imported')}
                data-testid="recon-run-outcome"
                data-provider={o.provider}
                data-outcome={o.outcome}
              >
                {t(`recon.outcome.${o.outcome}`, {
                  method: t(`method.${o.provider}`),
                  rows: o.rows,
                  matched: o.matched,
                  items: o.items,
                  reason: o.error?.message ?? '',
                })}
              </li>
            ))}
          </ul>
        ) : null}

        {view === null && refused ? (
          <div className="empty-state recon-refused" data-testid="recon-refused">
            <p>{t('recon.refused')}</p>
            <button
              type="button"
              className="btn btn-lg btn-primary"
              onClick={() => void load()}
              data-testid="recon-retry"
            >
              {t('approval.retry')}
            </button>
          </div>
        ) : view === null ? (
          <p className="muted">…</p>
        ) : (
          <>
            <Totals view={view} time={time} />
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
                      <ItemTable items={list} onResolve={setResolving} />
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
                  <ItemTable items={awaiting} onResolve={setResolving} />
                </section>
              ) : null}
              {resolved.length > 0 ? (
                <section
                  className="recon-cat cat-resolved"
                  data-testid="recon-resolved-list"
                  data-count={resolved.length}
                >
                  <button
                    type="button"
                    className="btn btn-sm"
                    onClick={() => setShowResolved((s) => !s)}
                    data-testid="recon-resolved-toggle"
                    aria-expanded={showResolved}
                  >
                    {showResolved ? '▾' : '▸'} {t('recon.resolved', { count: resolved.length })}
                  </button>
                  {showResolved ? <ItemTable items={resolved} onResolve={setResolving} /> : null}
                </section>
              ) : null}
            </div>
          </>
        )}
      </section>

      {resolving ? (
        <ResolveDialog
          item={resolving}
          onClose={() => setResolving(null)}
          onDone={(item) => {
            setResolving(null);
            notifier.say('success', 'recon.resolvedNotice', { number: item.orderNumber ?? item.outTradeNo });
            void load();
          }}
        />
      ) : null}
      {editing && settings ? (
        <SettingsDialog
          settings={settings}
          onClose={() => setEditing(false)}
          onSaved={(s) => {
            setSettings(s);
            setEditing(false);
            notifier.say('success', 'recon.saved');
          }}
        />
      ) : null}
    </div>
  );
}

// ---- totals --------------------------------------------------------------------------------------

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

function Totals({ view, time }: { view: ReconDayView; time: (ms: number | null) => string }) {
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

// ---- the queue -----------------------------------------------------------------------------------

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

// ---- dialogs -------------------------------------------------------------------------------------

function ErrorLine({ error }: { error: PosErrorShape | null }) {
  const { locale } = useI18n();
  if (!error) return null;
  const { text, detail } = errorText(error, locale);
  return (
    <p className="form-error" role="alert" data-testid="recon-dialog-error" data-code={error.code}>
      {text}
      {detail ? <small className="recon-error-detail">{detail}</small> : null}
    </p>
  );
}

function ResolveDialog({
  item,
  onClose,
  onDone,
}: {
  item: ReconItemView;
  onClose: () => void;
  onDone: (i: ReconItemView) => void;
}) {
  const { t } = useI18n();
  const approve = useOwnerApproval();
  const [resolution, setResolution] = useState<ReconResolution | null>(null);
  const [note, setNote] = useState('');
  const [error, setError] = useState<PosErrorShape | null>(null);
  const [hint, setHint] = useState<MessageKey | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (): Promise<void> => {
    if (busy) return;
    if (!resolution) return setHint('recon.chooseResolution');
    if (note.trim().length < 3) return setHint('recon.noteTooShort');
    setHint(null);
    setBusy(true);
    const done = await approveInForm(
      approve,
      (pin) => api.recon.resolve({ itemId: item.id, resolution, note: note.trim(), ...withPin(pin) }),
      setError,
      'recon.ownerPinHint',
    );
    setBusy(false);
    if (done) onDone(done);
  };
  useShortcuts(
    { Enter: { run: () => void submit(), when: (e) => notOnButton(e) && !(e.target instanceof HTMLTextAreaElement) } },
    { layer: 'modal' },
  );

  return (
    <Modal title={t('recon.resolveTitle')} onClose={onClose} testId="recon-resolve-dialog" wide>
      <div className="recon-resolve-summary">
        <div>
          <span className={`recon-cat-chip cat-${item.category}`}>{t(`recon.category.${item.category}`)}</span>
          <span className="strong"> {item.orderNumber ?? t('recon.item.noOrder')}</span>
          <span className="muted small mono"> {item.outTradeNo}</span>
        </div>
        <div>{reasonText(t, item)}</div>
        <div className="recon-resolve-amounts">
          <span>
            {t('recon.item.till')}: <strong>{item.oursFen === null ? '—' : formatFen(item.oursFen)}</strong>
          </span>
          <span>
            {t('recon.item.statement')}: <strong>{item.theirsFen === null ? '—' : formatFen(item.theirsFen)}</strong>
          </span>
        </div>
      </div>
      <p className="muted small recon-no-money">{t('recon.resolveNoMoney')}</p>
      <div className="recon-resolutions" role="radiogroup" aria-label={t('recon.resolveTitle')}>
        {RESOLUTIONS.map((r) => (
          <button
            key={r}
            type="button"
            role="radio"
            aria-checked={resolution === r}
            className={`recon-resolution${resolution === r ? ' is-on' : ''}`}
            onClick={() => {
              setResolution(r);
              setHint(null);
            }}
            data-testid="recon-resolution"
            data-resolution={r}
          >
            <span className="strong">{t(`recon.resolution.${r}`)}</span>
            <small>{t(`recon.resolutionHint.${r}`)}</small>
          </button>
        ))}
      </div>
      <label className="field">
        {t('recon.note')}
        <textarea
          className="input recon-note-input"
          rows={2}
          maxLength={500}
          value={note}
          placeholder={t('recon.notePlaceholder')}
          onChange={(e) => {
            setNote(e.target.value);
            setHint(null);
          }}
          data-testid="recon-note"
        />
      </label>
      {hint ? (
        <p className="form-error" role="alert" data-testid="recon-resolve-hint">
          {t(hint)}
        </p>
      ) : null}
      <ErrorLine error={error} />
      <div className="row-actions">
        <button type="button" className="btn btn-lg" onClick={onClose} data-testid="recon-resolve-cancel">
          {t('confirm.no')} <kbd>Esc</kbd>
        </button>
        <button
          type="button"
          className="btn btn-lg btn-primary"
          onClick={() => void submit()}
          disabled={busy}
          data-testid="recon-resolve-submit"
        >
          {t('recon.resolveSubmit')} <kbd>Enter</kbd>
        </button>
      </div>
    </Modal>
  );
}

/** `0.6` ↔ 6000 ppm, in integers. */
function percentToPpm(text: string): number | null {
  const m = /^\s*(\d{1,2})(?:\.(\d{0,4}))?\s*$/.exec(text);
  if (!m) return null;
  const ppm = Number(m[1]) * 10_000 + Number((m[2] ?? '').padEnd(4, '0'));
  return ppm <= 100_000 ? ppm : null;
}
function ppmToPercent(ppm: number | undefined): string {
  if (ppm === undefined) return '';
  const whole = Math.floor(ppm / 10_000);
  const frac = String(ppm % 10_000)
    .padStart(4, '0')
    .replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : String(whole);
}

function SettingsDialog({
  settings,
  onClose,
  onSaved,
}: {
  settings: ReconSettingsView;
  onClose: () => void;
  onSaved: (s: ReconSettingsView) => void;
}) {
  const { t } = useI18n();
  const approve = useOwnerApproval();
  const [dailyAt, setDailyAt] = useState(settings.dailyAt);
  const [buffer, setBuffer] = useState(String(settings.bufferMinutes));
  const [rates, setRates] = useState<Record<ProviderId, string>>(() => ({
    alipay: ppmToPercent(settings.feeRatesPpm.alipay),
    wechat: ppmToPercent(settings.feeRatesPpm.wechat),
    yeepay: ppmToPercent(settings.feeRatesPpm.yeepay),
  }));
  const [error, setError] = useState<PosErrorShape | null>(null);
  const [hint, setHint] = useState<MessageKey | null>(null);
  const parsed = useMemo(() => {
    const feeRatesPpm: Partial<Record<ProviderId, number>> = {};
    for (const p of PROVIDERS) {
      if (rates[p].trim() === '') continue;
      const ppm = percentToPpm(rates[p]);
      if (ppm === null) return null;
      feeRatesPpm[p] = ppm;
    }
    const bufferMinutes = Number(buffer);
    if (!/^\d{1,3}$/.test(buffer) || bufferMinutes > 180) return null;
    return { feeRatesPpm, bufferMinutes };
  }, [rates, buffer]);

  const save = async (): Promise<void> => {
    if (!parsed || !/^([01]\d|2[0-3]):[0-5]\d$/.test(dailyAt)) return setHint('recon.invalidSettings');
    setHint(null);
    const saved = await approveInForm(
      approve,
      (pin) => api.recon.setSettings({ dailyAt, ...parsed, ...withPin(pin) }),
      setError,
      'recon.settingsPinHint',
    );
    if (saved) onSaved(saved);
  };
  useShortcuts({ Enter: { run: () => void save(), when: notOnButton } }, { layer: 'modal' });

  return (
    <Modal title={t('recon.settingsTitle')} onClose={onClose} testId="recon-settings-dialog">
      <div className="recon-settings">
        <label className="field">
          {t('recon.dailyAt')}
          <input
            className="input"
            type="time"
            value={dailyAt}
            onChange={(e) => setDailyAt(e.target.value)}
            data-testid="recon-daily-at"
          />
          <small className="muted">{t('recon.dailyAtHint')}</small>
        </label>
        {PROVIDERS.map((p) => (
          <label key={p} className="field">
            {t('recon.feeRate', { method: t(`method.${p}`) })}
            <input
              className="input"
              inputMode="decimal"
              value={rates[p]}
              placeholder="0.6"
              onChange={(e) => setRates((r) => ({ ...r, [p]: e.target.value }))}
              data-testid="recon-fee-rate"
              data-provider={p}
            />
          </label>
        ))}
        <small className="muted">{t('recon.feeRateHint')}</small>
        <label className="field">
          {t('recon.buffer')}
          <input
            className="input"
            inputMode="numeric"
            value={buffer}
            onChange={(e) => setBuffer(e.target.value)}
            data-testid="recon-buffer"
          />
          <small className="muted">{t('recon.bufferHint')}</small>
        </label>
      </div>
      {hint ? (
        <p className="form-error" role="alert">
          {t(hint)}
        </p>
      ) : null}
      <ErrorLine error={error} />
      <div className="row-actions">
        <button type="button" className="btn btn-lg" onClick={onClose}>
          {t('confirm.no')} <kbd>Esc</kbd>
        </button>
        <button
          type="button"
          className="btn btn-lg btn-primary"
          onClick={() => void save()}
          data-testid="recon-settings-save"
        >
          {t('recon.save')} <kbd>Enter</kbd>
        </button>
      </div>
    </Modal>
  );
}
