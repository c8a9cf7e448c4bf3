/** The stock of a product: its cell in the tables and the dialog that adjusts it with a reason and shows its history. */
import type { CatalogueProduct } from '../../../../shared/types';
import { Modal } from '../../components/modal';
import { notOnButton, useShortcuts } from '../../hooks/use-shortcuts';
import { names, useI18n } from '../../i18n';
import { formatDateTime } from '../../lib/format';
import { REASONS, useStockAdjust } from './use-stock-adjust';

/** A product's stock in a table: zero and negative stand out (a negative count is explained). */
export function StockCell({ stock }: { stock: number }) {
  const { t } = useI18n();
  return (
    <span
      className={`stock${stock < 0 ? ' stock-negative' : stock === 0 ? ' stock-zero' : ''}`}
      title={stock < 0 ? t('catalogue.stockNegativeHint') : undefined}
      data-testid="catalogue-stock"
      data-stock={stock}
    >
      {stock}
    </span>
  );
}

/** Adjust a product's stock (a change or a counted value, with a reason) and read its history. */
export function StockDialog({
  product,
  onClose,
  onSaved,
}: {
  product: CatalogueProduct;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t, locale, timeZone } = useI18n();
  const adjust = useStockAdjust(product, onSaved);
  useShortcuts({ Enter: { run: () => void adjust.save(), when: notOnButton } }, { layer: 'modal' });

  return (
    <Modal
      title={t('catalogue.stockTitle', { name: names(locale, product).main })}
      onClose={onClose}
      wide
      testId="stock-dialog"
      className="catalogue-modal"
    >
      <div className="stock-now">
        <span className="muted">{t('catalogue.stockNow')}</span>
        <strong
          data-testid="stock-current"
          data-stock={adjust.current.stock}
          className={adjust.current.stock < 0 ? 'stock-negative' : undefined}
        >
          {adjust.current.stock}
        </strong>
        {adjust.current.unit ? <span className="muted">{adjust.current.unit}</span> : null}
        {adjust.current.stock < 0 ? <span className="stock-warning">{t('catalogue.stockNegativeHint')}</span> : null}
      </div>
      <div className="segmented stock-modes">
        <button
          type="button"
          className={`seg${adjust.mode === 'delta' ? ' seg-on' : ''}`}
          onClick={() => adjust.setMode('delta')}
          data-testid="stock-mode-delta"
        >
          {t('catalogue.stockMode.delta')}
        </button>
        <button
          type="button"
          className={`seg${adjust.mode === 'count' ? ' seg-on' : ''}`}
          onClick={() => adjust.setMode('count')}
          data-testid="stock-mode-count"
        >
          {t('catalogue.stockMode.count')}
        </button>
      </div>
      <div className="catalogue-form">
        <label className="field">
          {adjust.mode === 'delta' ? t('catalogue.stockDeltaLabel') : t('catalogue.stockCountLabel')}
          <input
            className="input input-lg"
            inputMode="numeric"
            value={adjust.value}
            maxLength={8}
            placeholder={adjust.mode === 'delta' ? '+24 / -2' : String(adjust.current.stock)}
            onChange={(e) => adjust.setValue(e.target.value)}
            autoFocus
            data-autofocus
            data-testid="stock-value"
          />
          <span className="field-hint" data-testid="stock-after">
            {adjust.after === null ? ' ' : t('catalogue.stockAfter', { stock: adjust.after })}
          </span>
        </label>
        <div className="field">
          {t('catalogue.reasonLabel')}
          <div className="chips stock-reasons">
            {REASONS.map((r) => (
              <button
                key={r}
                type="button"
                className={`btn btn-sm${adjust.preset === r ? ' btn-primary' : ''}`}
                aria-pressed={adjust.preset === r}
                onClick={() => adjust.setPreset(r)}
                data-testid="stock-reason-preset"
                data-reason={r}
              >
                {t(`catalogue.reason.${r}`)}
              </button>
            ))}
          </div>
          <input
            className="input input-md"
            value={adjust.note}
            maxLength={200}
            placeholder={t('catalogue.reasonPlaceholder')}
            onChange={(e) => adjust.setNote(e.target.value)}
            data-testid="stock-reason"
          />
        </div>
      </div>
      <div className="row-actions">
        <button type="button" className="btn btn-lg" onClick={onClose} data-testid="stock-close">
          {t('app.close')} <kbd>Esc</kbd>
        </button>
        <button
          type="button"
          className="btn btn-lg btn-primary"
          disabled={!adjust.valid || adjust.busy}
          onClick={() => void adjust.save()}
          data-testid="stock-save"
        >
          {t('catalogue.stockSave')} <kbd>Enter</kbd>
        </button>
      </div>
      <h3 className="stock-history-title">{t('catalogue.stockHistory')}</h3>
      {adjust.moves && adjust.moves.length === 0 ? <p className="muted">{t('catalogue.stockHistoryNone')}</p> : null}
      {adjust.moves && adjust.moves.length > 0 ? (
        <table className="table table-compact" data-testid="stock-history">
          <thead>
            <tr>
              <th>{t('catalogue.when')}</th>
              <th className="num">{t('catalogue.change')}</th>
              <th className="num">{t('catalogue.after')}</th>
              <th>{t('catalogue.why')}</th>
              <th>{t('catalogue.who')}</th>
            </tr>
          </thead>
          <tbody>
            {adjust.moves.map((m) => (
              <tr key={m.id} data-testid="stock-move" data-reason={m.reason} data-delta={m.delta}>
                <td className="nowrap">{formatDateTime(m.at, locale, timeZone)}</td>
                <td className={`num ${m.delta < 0 ? 'delta-down' : 'delta-up'}`}>
                  {m.delta > 0 ? `+${m.delta}` : m.delta}
                </td>
                <td className="num">{m.stockAfter}</td>
                <td>
                  {t(`catalogue.move.${m.reason}`)}
                  {m.orderNumber ? <span className="mono"> {m.orderNumber}</span> : null}
                  {m.note ? <div className="muted small">{m.note}</div> : null}
                </td>
                <td>
                  {m.actor}
                  {m.approvedBy ? (
                    <div className="muted small">{t('catalogue.approvedBy', { name: m.approvedBy })}</div>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </Modal>
  );
}
