/**
 * The counter's other devices in Settings: the serial pole display (客显) facing the customer, with
 * a test line, and the scale label layouts (称重码) with a field to try a label — main reads it the
 * way a scan at the till would and says which product and price it sells. Saved with the owner's
 * approval (devices.set, audited).
 */
import { useId } from 'react';
import { MAX_SCALE_LAYOUTS, SCALE_PRESETS } from '../../../../shared/device-types';
import { formatFen } from '../../../../shared/money';
import type { PoleDisplaySettings } from '../../../../shared/types';
import { useI18n, type MessageKey } from '../../i18n';
import { CardFoot, SettingsError } from './card-parts';
import { useDevicesSettings } from './use-devices-settings';

const BAUDS = [2400, 4800, 9600, 19200, 38400] as const;
const PRESET_OF = new Map<string, keyof typeof SCALE_PRESETS>(
  (Object.entries(SCALE_PRESETS) as [keyof typeof SCALE_PRESETS, string][]).map(([k, v]) => [v, k]),
);

export function DevicesCard() {
  const { t, locale } = useI18n();
  const uid = useId();
  const d = useDevicesSettings();
  const draft = d.draft;
  if (!draft) return null;
  const pole = draft.pole;
  const setPole = (next: Partial<PoleDisplaySettings>) => d.change({ pole: { ...pole, ...next } });
  const layouts = draft.scaleLayouts;
  const setLayout = (i: number, value: string) =>
    d.change({ scaleLayouts: layouts.map((l, j) => (j === i ? value.toUpperCase().replace(/[^2FPAWC]/g, '') : l)) });
  const savedPoleOn = d.saved?.pole.enabled === true;
  const test = d.poleTest;
  const r = d.read;
  const name = (p: { nameZh: string; nameEn: string }) => (locale === 'zh-CN' ? p.nameZh : p.nameEn);

  return (
    <section
      className="settings-card devices-card"
      style={{ ['--pm' as string]: '#0f766e' }}
      data-testid="settings-devices"
      aria-labelledby={`${uid}-title`}
    >
      <header className="settings-card-head">
        <span className="pm-mark" aria-hidden="true">
          显
        </span>
        <h3 id={`${uid}-title`}>{t('devices.title')}</h3>
      </header>

      <h4 className="devices-sub">{t('devices.pole')}</h4>
      <p className="muted settings-note">{t('devices.pole.note')}</p>
      <label className="printer-check">
        <input
          type="checkbox"
          checked={pole.enabled}
          onChange={(e) => setPole({ enabled: e.target.checked })}
          data-testid="pole-enabled"
        />
        <span>{t('devices.pole.enabled')}</span>
      </label>
      {pole.enabled ? (
        <div className="settings-grid devices-pole-grid">
          <label className="field">
            <span>{t('devices.pole.port')}</span>
            <input
              className="input input-md"
              type="text"
              autoComplete="off"
              spellCheck={false}
              value={pole.port}
              placeholder="/dev/ttyUSB0 · COM3"
              onChange={(e) => setPole({ port: e.target.value })}
              data-testid="pole-port"
            />
          </label>
          <label className="field">
            <span>{t('devices.pole.baud')}</span>
            <select
              className="input select"
              value={pole.baud}
              onChange={(e) => setPole({ baud: Number(e.target.value) })}
              data-testid="pole-baud"
            >
              {BAUDS.map((b) => (
                <option key={b} value={b}>
                  {b}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t('devices.pole.charset')}</span>
            <select
              className="input select"
              value={pole.charset}
              onChange={(e) => setPole({ charset: e.target.value === 'ascii' ? 'ascii' : 'gb18030' })}
              data-testid="pole-charset"
            >
              <option value="gb18030">{t('devices.pole.charset.gb18030')}</option>
              <option value="ascii">{t('devices.pole.charset.ascii')}</option>
            </select>
          </label>
        </div>
      ) : null}
      {test ? (
        <div
          className={test.shown ? 'printer-ok' : 'form-error'}
          role="status"
          data-testid="pole-test-result"
          data-shown={test.shown}
        >
          {test.shown
            ? t('devices.pole.shown')
            : test.problem === 'off'
              ? t('devices.pole.off')
              : t('devices.pole.notOpen', { port: d.saved?.pole.port ?? '' })}
          {test.shown ? (
            <pre className="devices-pole-lines mono" aria-label={t('devices.pole.lines')}>
              {test.lines.join('\n')}
            </pre>
          ) : test.detail ? (
            <small className="settings-error-detail">{test.detail}</small>
          ) : null}
        </div>
      ) : null}

      <h4 className="devices-sub">{t('devices.scale')}</h4>
      <p className="muted settings-note">{t('devices.scale.note')}</p>
      {layouts.length === 0 ? <p className="muted settings-note">{t('devices.scale.none')}</p> : null}
      <div className="devices-layouts">
        {layouts.map((l, i) => {
          const preset = PRESET_OF.get(l);
          return (
            <div key={i} className="devices-layout" data-testid="scale-layout">
              <input
                className="input input-md mono"
                type="text"
                autoComplete="off"
                spellCheck={false}
                maxLength={18}
                value={l}
                aria-label={t('devices.scale.layout', { n: i + 1 })}
                onChange={(e) => setLayout(i, e.target.value)}
                data-testid="scale-layout-input"
              />
              <span className="muted devices-layout-kind">
                {preset ? t(`devices.scale.preset.${preset}` as MessageKey) : t('devices.scale.custom')}
              </span>
              <button
                type="button"
                className="btn"
                onClick={() => d.change({ scaleLayouts: layouts.filter((_, j) => j !== i) })}
                data-testid="scale-layout-remove"
              >
                {t('devices.scale.remove')}
              </button>
            </div>
          );
        })}
      </div>
      {layouts.length < MAX_SCALE_LAYOUTS ? (
        <div className="devices-add">
          {(Object.keys(SCALE_PRESETS) as (keyof typeof SCALE_PRESETS)[])
            .filter((k) => !layouts.includes(SCALE_PRESETS[k]))
            .map((k) => (
              <button
                key={k}
                type="button"
                className="btn"
                onClick={() => d.change({ scaleLayouts: [...layouts, SCALE_PRESETS[k]] })}
                data-testid="scale-layout-add"
                data-preset={k}
              >
                + {t(`devices.scale.preset.${k}` as MessageKey)}
              </button>
            ))}
        </div>
      ) : null}

      <form
        className="devices-sample"
        onSubmit={(e) => {
          e.preventDefault();
          void d.readSample();
        }}
      >
        <label className="field">
          <span>{t('devices.scale.sample')}</span>
          <input
            className="input input-md mono"
            type="text"
            inputMode="numeric"
            autoComplete="off"
            spellCheck={false}
            maxLength={20}
            value={d.sample}
            placeholder="2100123005238"
            onChange={(e) => d.changeSample(e.target.value.replace(/\D/g, ''))}
            data-testid="scale-sample"
          />
        </label>
        <button
          type="submit"
          className="btn btn-lg"
          disabled={d.busy !== null || d.sample.length < 8}
          data-testid="scale-read"
        >
          {t('devices.scale.read')}
        </button>
      </form>
      {r ? (
        <div className="devices-read" role="status" data-testid="scale-read-result" data-layout={r.layout ?? ''}>
          {r.ordinary && r.product ? (
            <p>{t('devices.scale.ordinary', { name: name(r.product) })}</p>
          ) : !r.layout || !r.product ? (
            <p>{t('devices.scale.noLayout')}</p>
          ) : (
            <dl>
              <dt>{t('devices.scale.product')}</dt>
              <dd data-testid="scale-read-product">
                {name(r.product)} <span className="mono muted">({r.plu})</span>
              </dd>
              {r.weightG !== null ? (
                <>
                  <dt>{t('devices.scale.weight')}</dt>
                  <dd>{(r.weightG / 1000).toFixed(3)} kg</dd>
                </>
              ) : null}
              {r.amountFen !== null ? (
                <>
                  <dt>{t('devices.scale.amount')}</dt>
                  <dd>{formatFen(r.amountFen)}</dd>
                </>
              ) : null}
              <dt>{t('devices.scale.charge')}</dt>
              <dd data-testid="scale-read-charge">
                <strong>{r.chargeFen === null ? '—' : formatFen(r.chargeFen)}</strong>
              </dd>
            </dl>
          )}
        </div>
      ) : null}
      <SettingsError error={d.readError} testId="scale-read-error" />

      <SettingsError error={d.error} testId="devices-error" />
      <CardFoot
        dirty={d.dirty}
        saving={d.busy === 'save'}
        disabled={d.busy !== null || !d.dirty}
        onSave={() => void d.save()}
        saveTestId="devices-save"
      >
        {savedPoleOn && !d.dirty ? (
          <button
            type="button"
            className="btn btn-lg"
            onClick={() => void d.testPole()}
            disabled={d.busy !== null}
            data-testid="pole-test"
          >
            {t('devices.pole.test')}
          </button>
        ) : null}
      </CardFoot>
    </section>
  );
}
