/** The CSV tab of Manage → Catalogue; the upload, preview and apply are in use-csv-import. */
import { useRef } from 'react';
import { useI18n } from '../../i18n';
import { PreviewView, refusedText } from './import-preview';
import { useCsvImport } from './use-csv-import';

/** Manage → Catalogue → CSV: export the catalogue, and import a file in two steps (preview every row, then apply exactly that). */
export function CsvTab() {
  const { t } = useI18n();
  const csv = useCsvImport();
  const input = useRef<HTMLInputElement>(null);

  return (
    <section className="catalogue-panel catalogue-csv" data-testid="catalogue-csv">
      <div className="csv-cards">
        <div className="csv-card">
          <h2>{t('catalogue.export.title')}</h2>
          <p className="muted">{t('catalogue.export.hint')}</p>
          <button type="button" className="btn btn-lg" onClick={() => void csv.exportCsv()} data-testid="export-csv">
            {t('catalogue.export.button')}
          </button>
        </div>
        <div className="csv-card">
          <h2>{t('catalogue.import.title')}</h2>
          <p className="muted">{t('catalogue.import.hint')}</p>
          <div className="csv-choose">
            <label className={`btn btn-lg btn-primary file-pick${csv.busy ? ' is-busy' : ''}`}>
              {csv.file ? t('catalogue.import.another') : t('catalogue.import.choose')}
              <input
                ref={input}
                type="file"
                accept=".csv,text/csv,text/plain"
                disabled={csv.busy !== null}
                onChange={(e) => {
                  void csv.choose(e.target.files?.[0]);
                  e.target.value = '';
                }}
                data-testid="import-file"
              />
            </label>
            {csv.file ? (
              <span className="csv-file mono" data-testid="import-file-name">
                {csv.file.name}
              </span>
            ) : null}
            {csv.busy === 'upload' || csv.busy === 'preview' ? (
              <span className="muted">{t('catalogue.import.reading')}</span>
            ) : null}
          </div>
          <label className="csv-option">
            <input
              type="checkbox"
              checked={csv.retireMissing}
              onChange={(e) => csv.option({ retireMissing: e.target.checked, setStock: csv.setStock })}
              data-testid="import-retire-missing"
            />
            <span>
              <strong>{t('catalogue.import.retireMissing')}</strong>
              <span className="muted small">{t('catalogue.import.retireMissingHint')}</span>
            </span>
          </label>
          <label className="csv-option">
            <input
              type="checkbox"
              checked={csv.setStock}
              onChange={(e) => csv.option({ retireMissing: csv.retireMissing, setStock: e.target.checked })}
              data-testid="import-set-stock"
            />
            <span>
              <strong>{t('catalogue.import.setStock')}</strong>
              <span className="muted small">{t('catalogue.import.setStockHint')}</span>
            </span>
          </label>
        </div>
      </div>

      {csv.refusal ? (
        <div
          className="form-error csv-refused"
          role="alert"
          data-testid="import-refused"
          data-reason={csv.refusal.reason}
        >
          <strong>{t('catalogue.import.refusedTitle')}</strong>
          <div>{refusedText(csv.refusal, t)}</div>
        </div>
      ) : null}

      {csv.applied ? (
        <div className="csv-applied" data-testid="import-applied" role="status">
          <strong>
            {t('catalogue.import.done', {
              added: csv.applied.added,
              changed: csv.applied.changed,
              retired: csv.applied.retired,
            })}
          </strong>
          <button type="button" className="btn" onClick={csv.reset} data-testid="import-reset">
            {t('catalogue.import.again')}
          </button>
        </div>
      ) : null}

      {csv.preview ? (
        <PreviewView
          preview={csv.preview}
          busy={csv.busy !== null}
          onApply={() => void csv.apply()}
          onCancel={csv.reset}
        />
      ) : null}
    </section>
  );
}
