/**
 * Daily reconciliation: pick a day (yesterday by default), fetch the payment services' statements,
 * see the totals per method (the till against the statement, a difference highlighted) and resolve
 * each difference with a note. Running, resolving and the settings need the owner: when the signed-in
 * user is not the owner, the shared owner approval asks for the owner's PIN
 * (components/owner-approval.tsx). Main does all the matching; this screen only shows.
 *
 * This folder: the screen, the day list and the title bar, the last fetch's outcomes, the totals,
 * the queue, the resolve and settings dialogs, and the screen's state in a hook (use-reconciliation).
 */
import { useState } from 'react';
import type { ReconItemView } from '../../../../shared/types';
import { useShortcuts } from '../../hooks/use-shortcuts';
import { useI18n } from '../../i18n';
import { formatDateTime } from '../../lib/format';
import { useNotifier } from '../../lib/notice';
import { DayList } from './day-list';
import { Queue } from './queue';
import { ReconHead } from './recon-head';
import { ResolveDialog } from './resolve-dialog';
import { RunOutcomes } from './run-outcomes';
import { SettingsDialog } from './settings-dialog';
import { Totals } from './totals';
import { useReconciliation } from './use-reconciliation';
import './reconciliation.css';

export interface ReconciliationProps {
  /** the store's business day (today); the screen opens on the day before */
  businessDay: string;
  onBack: () => void;
}

export default function ReconciliationScreen({ businessDay, onBack }: ReconciliationProps) {
  const { t, locale, timeZone } = useI18n();
  const notifier = useNotifier();
  const { day, setDay, yesterday, view, days, settings, setSettings, outcomes, running, refused, load, onRun } =
    useReconciliation(businessDay);
  const [resolving, setResolving] = useState<ReconItemView | null>(null);
  const [editing, setEditing] = useState(false);

  useShortcuts({ Escape: { run: onBack, inInput: false } });

  const anyRun = view?.providers.some((p) => p.status !== 'not_run') ?? false;
  const canRun = view?.canRun ?? day < businessDay;

  const time = (ms: number | null) => (ms === null ? '' : formatDateTime(ms, locale, timeZone));

  return (
    <div className="recon" data-testid="recon-screen" data-day={day}>
      <DayList days={days} day={day} yesterday={yesterday} setDay={setDay} />

      <section className="recon-main">
        <ReconHead
          day={day}
          yesterday={yesterday}
          setDay={setDay}
          settings={settings}
          running={running}
          anyRun={anyRun}
          canRun={canRun}
          onSettings={() => setEditing(true)}
          onRun={onRun}
        />
        {!canRun ? (
          <p className="recon-note" data-testid="recon-not-over">
            {t('recon.notOver', { day })}
          </p>
        ) : null}

        {outcomes ? <RunOutcomes outcomes={outcomes} /> : null}

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
            <Queue view={view} day={day} anyRun={anyRun} canRun={canRun} onResolve={setResolving} />
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
