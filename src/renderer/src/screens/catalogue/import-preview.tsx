/** The catalogue import's preview: what applying the file would add, change and retire, or why its rows are refused. */
import type { ReactNode } from 'react';
import { formatFen } from '../../../../shared/money';
import type { ImportChange, ImportField, ImportPreview, ImportValue } from '../../../../shared/types';
import { isMessageKey, useI18n, type MessageKey, type Translate } from '../../i18n';

/** Why main refused the whole file, in the owner's language. */
export function refusedText(
  r: { reason: string; message: string; details: Record<string, unknown> },
  t: Translate,
): string {
  const key = `catalogue.refused.${r.reason}`;
  const params = Object.fromEntries(
    Object.entries(r.details).filter(([, v]) => typeof v === 'string' || typeof v === 'number'),
  ) as Record<string, string | number>;
  return isMessageKey(key) ? t(key, params) : r.message;
}

function showValue(field: ImportField, v: ImportValue, t: Translate): ReactNode {
  if (v === null || v === '') return <span className="muted">—</span>;
  if (field === 'priceFen' && typeof v === 'number') return formatFen(v);
  if (field === 'active') return t(v ? 'catalogue.onSale' : 'catalogue.retired');
  return String(v);
}

function ChangeRows({ list, kind, t }: { list: ImportChange[]; kind: 'added' | 'changed' | 'retired'; t: Translate }) {
  return (
    <>
      {list.map((c) => (
        <tr
          key={`${kind}-${c.sku}`}
          className={`change-${kind}`}
          data-testid="import-change"
          data-sku={c.sku}
          data-line={c.line ?? ''}
          data-kind={kind}
        >
          <td className="num">{c.line ?? '—'}</td>
          <td className="mono">{c.sku}</td>
          <td>
            {c.nameZh}
            {c.nameEn !== c.nameZh ? <div className="muted small">{c.nameEn}</div> : null}
          </td>
          <td>
            {kind === 'added' ? (
              <span className="change-fields">
                {c.fields
                  .filter(
                    (f) =>
                      f.field !== 'nameZh' &&
                      f.field !== 'nameEn' &&
                      f.to !== null &&
                      f.to !== '' &&
                      !(f.field === 'active' && f.to === true) &&
                      !(f.field === 'stock' && f.to === 0),
                  )
                  .map((f) => (
                    <span key={f.field} className="change-field" data-testid="import-field" data-field={f.field}>
                      <span className="muted">{t(`catalogue.field.${f.field}`)}</span> {showValue(f.field, f.to, t)}
                    </span>
                  ))}
              </span>
            ) : (
              <span className="change-fields">
                {c.fields.map((f) => (
                  <span key={f.field} className="change-field" data-testid="import-field" data-field={f.field}>
                    <span className="muted">{t(`catalogue.field.${f.field}`)}</span>{' '}
                    <del>{showValue(f.field, f.from, t)}</del> → <ins>{showValue(f.field, f.to, t)}</ins>
                  </span>
                ))}
                {c.line === null && kind === 'changed' ? (
                  <span className="muted small">{t('catalogue.import.released')}</span>
                ) : null}
              </span>
            )}
          </td>
        </tr>
      ))}
    </>
  );
}

/** What the file would do: counts, the refused rows (nothing is applied while there are any), and every change. */
export function PreviewView({
  preview,
  busy,
  onApply,
  onCancel,
}: {
  preview: ImportPreview;
  busy: boolean;
  onApply: () => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const ok = preview.token !== null;
  const nothing = ok && preview.counts.added + preview.counts.changed + preview.counts.retired === 0;
  const more = (shown: number, total: number) =>
    total > shown ? (
      <tr>
        <td colSpan={4} className="muted">
          {t('catalogue.import.more', { count: total - shown })}
        </td>
      </tr>
    ) : null;
  return (
    <div className="csv-preview" data-testid="import-preview" data-state={ok ? 'ok' : 'errors'}>
      <div className="csv-top">
        <div className="csv-summary" data-testid="import-summary">
          <span className="muted">
            {t('catalogue.import.read', { rows: preview.rows })} · {t(`catalogue.encoding.${preview.encoding}`)}
          </span>
          <span className="chip chip-added" data-testid="import-count-added" data-count={preview.counts.added}>
            {t('catalogue.import.added', { count: preview.counts.added })}
          </span>
          <span className="chip chip-changed" data-testid="import-count-changed" data-count={preview.counts.changed}>
            {t('catalogue.import.changed', { count: preview.counts.changed })}
          </span>
          <span className="chip" data-testid="import-count-unchanged" data-count={preview.counts.unchanged}>
            {t('catalogue.import.unchanged', { count: preview.counts.unchanged })}
          </span>
          {preview.options.retireMissing ? (
            <span className="chip chip-retired" data-testid="import-count-retired" data-count={preview.counts.retired}>
              {t('catalogue.import.retired', { count: preview.counts.retired })}
            </span>
          ) : null}
          {preview.badRows > 0 ? (
            <span className="chip chip-errors" data-testid="import-count-errors" data-count={preview.badRows}>
              {t('catalogue.import.refusedRows', { count: preview.badRows })}
            </span>
          ) : null}
        </div>
        <div className="row-actions csv-actions">
          <button type="button" className="btn btn-lg" onClick={onCancel} data-testid="import-cancel">
            {t('catalogue.cancel')}
          </button>
          <button
            type="button"
            className="btn btn-lg btn-go"
            disabled={!ok || nothing || busy}
            onClick={onApply}
            data-testid="import-apply"
          >
            {ok
              ? t('catalogue.import.apply', {
                  count: preview.counts.added + preview.counts.changed + preview.counts.retired,
                })
              : t('catalogue.import.applyBlocked')}
          </button>
        </div>
      </div>
      {preview.stockIgnored > 0 ? (
        <p className="muted" data-testid="import-stock-ignored">
          {t('catalogue.import.stockIgnored', { count: preview.stockIgnored })}
        </p>
      ) : null}

      {!ok ? (
        <div className="csv-errors" data-testid="import-errors">
          <p className="form-error">{t('catalogue.import.fixFirst', { count: preview.badRows })}</p>
          <table className="table table-compact">
            <thead>
              <tr>
                <th className="num">{t('catalogue.import.line')}</th>
                <th>{t('catalogue.import.column')}</th>
                <th>{t('catalogue.import.value')}</th>
                <th>{t('catalogue.import.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {preview.errors.map((e, i) => (
                <tr key={`${e.line}-${i}`} data-testid="import-error" data-line={e.line} data-kind={e.kind}>
                  <td className="num strong">{e.line}</td>
                  <td className="mono">{e.column ?? '—'}</td>
                  <td className="mono">{e.value ?? ''}</td>
                  <td>{rowErrorText(e.kind, e.params, t)}</td>
                </tr>
              ))}
              {preview.errorCount > preview.errors.length ? (
                <tr>
                  <td colSpan={4} className="muted">
                    {t('catalogue.import.more', { count: preview.errorCount - preview.errors.length })}
                  </td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
      ) : null}

      {preview.added.length + preview.changed.length + preview.retired.length > 0 ? (
        <div className="csv-changes">
          <h3>{ok ? t('catalogue.import.willChange') : t('catalogue.import.wouldChange')}</h3>
          <table className="table table-compact">
            <thead>
              <tr>
                <th className="num">{t('catalogue.import.line')}</th>
                <th>{t('catalogue.col.sku')}</th>
                <th>{t('catalogue.col.name')}</th>
                <th>{t('catalogue.import.what')}</th>
              </tr>
            </thead>
            {(['added', 'changed', 'retired'] as const).map((kind) =>
              preview[kind].length > 0 ? (
                <tbody key={kind} data-testid={`import-${kind}`}>
                  <tr className="change-group">
                    <th colSpan={4}>{t(`catalogue.import.${kind}`, { count: preview.counts[kind] })}</th>
                  </tr>
                  <ChangeRows list={preview[kind]} kind={kind} t={t} />
                  {more(preview[kind].length, preview.counts[kind])}
                </tbody>
              ) : null,
            )}
          </table>
        </div>
      ) : null}

      {nothing ? (
        <p className="csv-nothing" data-testid="import-nothing">
          {t('catalogue.import.nothing')}
        </p>
      ) : null}
    </div>
  );
}

function rowErrorText(kind: string, params: Record<string, string | number>, t: Translate): string {
  if (kind === 'invalid_barcode') {
    if (params.reason === 'check_digit') return t('catalogue.rowError.checkDigit', params);
    if (params.reason === 'excel_number') return t('catalogue.rowError.excelNumber', params);
  }
  if (kind === 'code_taken' && params.otherLine === undefined)
    return t('catalogue.rowError.code_taken_catalogue', params);
  return t(`catalogue.rowError.${kind}` as MessageKey, params);
}
