/**
 * The sales review's state: the range (a preset or two dates being typed), main's report for it,
 * and the CSV and the printable page. The owner's PIN, once given on this screen, is kept in memory
 * while it is open; an answer for a range no longer asked for is dropped.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  presetRange,
  rangeProblem,
  type ReportPreset,
  type ReportRange as Range,
} from '../../../../shared/report-range';
import type { Result } from '../../../../shared/result';
import type { SalesReport } from '../../../../shared/types';
import { api } from '../../api';
import { useOwnerApproval } from '../../components/owner-approval';
import type { MessageKey } from '../../i18n';
import { saveFile } from '../../lib/download';
import { useNotifier } from '../../lib/notice';

export type Preset = ReportPreset | 'custom';

const TOP = 15;

/** Prints main's printable page from a hidden frame (both modes): the app's own page is not printed. */
function printHtml(html: string, title: string): void {
  document.querySelectorAll('iframe[data-testid="reports-print-frame"]').forEach((f) => f.remove());
  const frame = document.createElement('iframe');
  frame.dataset.testid = 'reports-print-frame';
  frame.title = title;
  frame.setAttribute('aria-hidden', 'true');
  Object.assign(frame.style, { position: 'fixed', right: '0', bottom: '0', width: '0', height: '0', border: '0' });
  frame.addEventListener('load', () => {
    frame.contentWindow?.focus();
    frame.contentWindow?.print();
  });
  frame.srcdoc = html;
  document.body.appendChild(frame);
}

export function useSalesReport(businessDay: string) {
  const approve = useOwnerApproval();
  const notifier = useNotifier();
  const [preset, setPreset] = useState<Preset>('today');
  const [range, setRange] = useState<Range>(() => presetRange('today', businessDay));
  const [draft, setDraft] = useState<Range>(range);
  const [report, setReport] = useState<SalesReport | null>(null);
  const [loading, setLoading] = useState(false);
  const [refused, setRefused] = useState(false);
  const [busy, setBusy] = useState<'csv' | 'print' | null>(null);
  const request = useRef(0);
  /** the owner's PIN, once given on this screen (a clerk is signed in); forgotten when leaving */
  const pin = useRef<string | undefined>(undefined);

  /** Runs an owner call: with the PIN already given, else as the signed-in user, else asking for it. */
  const asOwner = useCallback(
    async <T>(call: (approvalPin: string | undefined) => Promise<Result<T>>, r: Range): Promise<T | undefined> => {
      let used: string | undefined;
      const value = await approve(
        async (given) => {
          if (given === undefined && pin.current !== undefined) {
            const first = await call(pin.current);
            if (first.ok || (first.error.code !== 'WRONG_PIN' && first.error.code !== 'PIN_LOCKED')) {
              used = pin.current;
              return first;
            }
            pin.current = undefined; // the PIN changed meanwhile: ask again
          }
          used = given;
          return call(given);
        },
        'approval.reason.reports',
        { from: r.from, to: r.to },
      );
      if (value !== undefined && used !== undefined) pin.current = used;
      return value;
    },
    [approve],
  );

  const load = useCallback(
    async (r: Range) => {
      const id = ++request.current;
      setLoading(true);
      const value = await asOwner(
        (approvalPin) =>
          api.reports.sales({ from: r.from, to: r.to, top: TOP, ...(approvalPin ? { approvalPin } : {}) }),
        r,
      );
      if (id !== request.current) return; // a newer range was asked for meanwhile: this answer is stale
      setLoading(false);
      if (value === undefined) {
        setRefused(true);
        return;
      }
      setRefused(false);
      setReport(value);
    },
    [asOwner],
  );

  useEffect(() => {
    void load(range);
  }, [load, range]);

  const choose = (p: ReportPreset) => {
    const r = presetRange(p, businessDay);
    setPreset(p);
    setDraft(r);
    setRange(r);
  };
  const problem = rangeProblem(draft);
  const draftProblem: MessageKey | null =
    problem === null
      ? null
      : problem === 'backwards'
        ? 'reports.rangeBackwards'
        : problem === 'too_long'
          ? 'reports.rangeTooLong'
          : 'reports.rangeBad';
  const applyCustom = () => {
    if (draftProblem) return;
    setPreset('custom');
    setRange({ ...draft });
  };

  const exportCsv = async () => {
    setBusy('csv');
    const file = await asOwner(
      (approvalPin) =>
        api.reports.exportCsv({ from: range.from, to: range.to, ...(approvalPin ? { approvalPin } : {}) }),
      range,
    );
    setBusy(null);
    if (!file) return;
    saveFile(file);
    notifier.say('success', 'reports.exported', { filename: file.filename });
  };

  const print = async () => {
    setBusy('print');
    const page = await asOwner(
      (approvalPin) =>
        api.reports.printable({ from: range.from, to: range.to, ...(approvalPin ? { approvalPin } : {}) }),
      range,
    );
    setBusy(null);
    if (!page) return;
    printHtml(page.html, page.title);
    notifier.say('info', 'reports.printing');
  };

  const shown = report;
  const stale = loading || (shown !== null && (shown.from !== range.from || shown.to !== range.to));
  const state = refused && !loading ? 'refused' : loading ? 'loading' : shown ? 'ready' : 'idle';

  return {
    preset,
    range,
    draft,
    setDraft,
    shown,
    loading,
    refused,
    busy,
    draftProblem,
    stale,
    state,
    choose,
    applyCustom,
    exportCsv,
    print,
    load,
  };
}
