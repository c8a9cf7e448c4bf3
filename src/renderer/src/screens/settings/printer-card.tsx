/**
 * The receipt printer's card in Settings: which printer (the system printer through HTML/PDF, a
 * network ESC/POS printer, a print queue in raw mode, a serial port), its paper, code page, cutter
 * and cash drawer; saved with the owner's approval. For an ESC/POS printer: a test page, its status
 * (paper, cover, offline), the receipts not printed yet, each retried or dismissed, and the store
 * logo printed at the top of receipts (logo-field).
 */
import { useId } from 'react';
import type { PrinterConfig, PrinterKind } from '../../../../shared/types';
import { useI18n, type MessageKey } from '../../i18n';
import { CardFoot, SettingsError } from './card-parts';
import { usePrinterSettings } from './use-printer-settings';
import { LogoField } from './logo-field';

const KINDS: PrinterKind[] = ['html', 'network', 'queue', 'serial'];
const BAUDS: PrinterConfig['baudRate'][] = [9600, 19_200, 38_400, 57_600, 115_200];

export function PrinterCard() {
  const { t } = useI18n();
  const uid = useId();
  const p = usePrinterSettings();
  const d = p.draft;
  if (!d) return null;
  const escpos = d.kind !== 'html';
  const savedEscpos = p.saved !== null && p.saved.kind !== 'html';
  const text = (field: keyof PrinterConfig, label: MessageKey, placeholder?: string) => (
    <label className="field">
      <span>{t(label)}</span>
      <input
        className="input input-md"
        type="text"
        autoComplete="off"
        spellCheck={false}
        value={String(d[field])}
        placeholder={placeholder}
        onChange={(e) => p.change({ [field]: e.target.value })}
        data-testid="printer-field"
        data-name={field}
      />
    </label>
  );
  const num = (
    field: 'port' | 'pulseMs',
    label: MessageKey,
    range: { min: number; max: number; step: number },
    className = '',
  ) => (
    <label className={`field ${className}`}>
      <span>{t(label)}</span>
      <input
        className="input input-md"
        type="number"
        {...range}
        value={d[field]}
        onChange={(e) => p.change({ [field]: Number(e.target.value) || 0 })}
        data-testid="printer-field"
        data-name={field}
      />
    </label>
  );
  const check = (field: 'cutter' | 'status' | 'drawer', label: MessageKey) => (
    <label className="printer-check">
      <input
        type="checkbox"
        checked={d[field]}
        onChange={(e) => p.change({ [field]: e.target.checked })}
        data-testid="printer-check"
        data-name={field}
      />
      <span>{t(label)}</span>
    </label>
  );
  const status = p.status;
  const statusText = !status
    ? null
    : !status.answered
      ? t('printer.status.noAnswer')
      : status.paperOut
        ? t('error.PRINTER_PAPER_OUT')
        : status.coverOpen
          ? t('error.PRINTER_COVER_OPEN')
          : status.offline
            ? t('error.PRINTER_OFFLINE')
            : t('printer.status.ready');

  return (
    <section
      className="settings-card printer-card"
      style={{ ['--pm' as string]: '#334155' }}
      data-testid="settings-printer"
      data-kind={p.saved?.kind}
      aria-labelledby={`${uid}-title`}
    >
      <header className="settings-card-head">
        <span className="pm-mark" aria-hidden="true">
          印
        </span>
        <h3 id={`${uid}-title`}>{t('printer.title')}</h3>
        <span className="tag tag-production">{t(`printer.kind.${p.saved?.kind ?? 'html'}`)}</span>
      </header>
      <p className="muted settings-note">{t('printer.intro')}</p>

      <div className="settings-grid">
        <label className="field">
          <span>{t('printer.kind')}</span>
          <select
            className="input select"
            value={d.kind}
            onChange={(e) => p.change({ kind: e.target.value as PrinterKind })}
            data-testid="printer-kind"
          >
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`printer.kind.${k}`)}
              </option>
            ))}
          </select>
        </label>
        {d.kind === 'network' ? (
          <div className="printer-address">
            {text('host', 'printer.host', '192.168.1.87')}
            {num('port', 'printer.port', { min: 1, max: 65535, step: 1 }, 'printer-port')}
          </div>
        ) : d.kind === 'queue' ? (
          text('queue', 'printer.queue', 'XP-58')
        ) : d.kind === 'serial' ? (
          <div className="printer-address">
            {text('serialPath', 'printer.serialPath', '/dev/ttyUSB0 · COM3')}
            <label className="field printer-port">
              <span>{t('printer.baud')}</span>
              <select
                className="input select"
                value={d.baudRate}
                onChange={(e) => p.change({ baudRate: Number(e.target.value) as PrinterConfig['baudRate'] })}
                data-testid="printer-baud"
              >
                {BAUDS.map((b) => (
                  <option key={b} value={b}>
                    {b}
                  </option>
                ))}
              </select>
            </label>
          </div>
        ) : (
          <p className="muted settings-note printer-html-note">{t('printer.htmlNote')}</p>
        )}
      </div>

      {escpos ? (
        <>
          <div className="settings-grid">
            <label className="field">
              <span>{t('printer.width')}</span>
              <select
                className="input select"
                value={d.width}
                onChange={(e) => p.change({ width: Number(e.target.value) === 80 ? 80 : 58 })}
                data-testid="printer-width"
              >
                <option value={58}>{t('printer.width.58')}</option>
                <option value={80}>{t('printer.width.80')}</option>
              </select>
            </label>
            <label className="field">
              <span>{t('printer.codePage')}</span>
              <select
                className="input select"
                value={d.codePage}
                onChange={(e) => p.change({ codePage: e.target.value === 'gbk' ? 'gbk' : 'gb18030' })}
                data-testid="printer-code-page"
              >
                <option value="gb18030">GB18030</option>
                <option value="gbk">GBK</option>
              </select>
            </label>
          </div>
          <div className="printer-checks">
            {check('cutter', 'printer.cutter')}
            {check('status', 'printer.statusCheck')}
            {check('drawer', 'printer.drawer')}
          </div>
          {d.drawer ? (
            <div className="settings-grid">
              <label className="field">
                <span>{t('printer.drawerPin')}</span>
                <select
                  className="input select"
                  value={d.drawerPin}
                  onChange={(e) => p.change({ drawerPin: Number(e.target.value) === 5 ? 5 : 2 })}
                  data-testid="printer-pin"
                >
                  <option value={2}>{t('printer.pin', { pin: 2 })}</option>
                  <option value={5}>{t('printer.pin', { pin: 5 })}</option>
                </select>
              </label>
              {num('pulseMs', 'printer.pulse', { min: 50, max: 500, step: 10 })}
            </div>
          ) : null}
        </>
      ) : null}

      <SettingsError error={p.error} testId="printer-error" />
      {p.tested ? (
        <p className="printer-ok" role="status" data-testid="printer-tested">
          {t('printer.tested')}
        </p>
      ) : null}
      {statusText ? (
        <p className="printer-ok" role="status" data-testid="printer-status">
          {statusText}
        </p>
      ) : null}

      {p.jobs.length > 0 ? (
        <div className="printer-jobs" data-testid="printer-jobs">
          <strong>{t('printer.jobs')}</strong>
          {p.jobs.map((j) => (
            <div key={j.id} className="printer-job" data-testid="printer-job" data-state={j.state}>
              <span className="printer-job-what">
                {t(`printer.job.${j.kind}`)} <span className="mono">{j.title}</span>
                <small>{j.cause ? t(`printer.cause.${j.cause}`) : t('printer.job.waiting')}</small>
              </span>
              <button type="button" className="btn" onClick={() => void p.retry(j.id)} data-testid="printer-retry">
                {t('printer.retry')}
              </button>
              <button type="button" className="btn" onClick={() => void p.dismiss(j.id)} data-testid="printer-dismiss">
                {t('printer.dismiss')}
              </button>
            </div>
          ))}
        </div>
      ) : null}

      {savedEscpos && p.saved ? <LogoField paper={p.saved.width} /> : null}

      <CardFoot
        dirty={p.dirty}
        saving={p.busy === 'save'}
        disabled={p.busy !== null || !p.dirty}
        onSave={() => void p.save()}
        saveTestId="printer-save"
      >
        {savedEscpos && !p.dirty ? (
          <>
            <button
              type="button"
              className="btn btn-lg"
              onClick={() => void p.check()}
              disabled={p.busy !== null}
              data-testid="printer-check-status"
            >
              {t('printer.checkStatus')}
            </button>
            <button
              type="button"
              className="btn btn-lg"
              onClick={() => void p.test()}
              disabled={p.busy !== null}
              data-testid="printer-test"
            >
              {p.busy === 'test' ? t('printer.testing') : t('printer.test')}
            </button>
          </>
        ) : null}
      </CardFoot>
    </section>
  );
}
