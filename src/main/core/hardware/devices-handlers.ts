/**
 * The counter's devices' part of the contract (`devices.*`): the scale label layouts and the pole
 * display. Anyone may read them (nothing secret); the owner changes them
 * with the PIN, audited with the values before and after (docs/security.md).
 */
import { PosError } from '../../../shared/errors';
import type { DevicesView } from '../../../shared/types';
import type { Store } from '../../store/db';
import type { Audit } from '../people/audit';
import type { HandlersOf } from '../handlers';
import type { Access } from '../people/access';
import type { Settings } from '../settings';
import { layoutProblem, type LabelProduct } from './scale-barcodes';
import type { PoleDisplay } from './pole-display';
import { readScaleSample } from './scale-check';

export function devicesView(settings: Settings): DevicesView {
  const v = settings.values;
  return { scaleLayouts: [...v.scaleLayouts], pole: { ...v.poleDisplay } };
}

export interface DevicesDeps {
  store: Store;
  settings: Settings;
  audit: Audit;
  /** runs after a change was saved (the pole display reopens its port) */
  changed: (view: DevicesView) => void;
  pole: PoleDisplay;
  /** the catalogue's lookup by SKU or barcode (the one a scan uses) */
  findByCode: (code: string) => LabelProduct | undefined;
}

export function devicesHandlers(
  { store, settings, audit, changed, pole, findByCode }: DevicesDeps,
  access: Access,
): HandlersOf<'devices.'> {
  return {
    'devices.settings': () => devicesView(settings),
    'devices.poleTest': () => pole.test(settings.values.poleDisplay.charset),
    'devices.readScale': ({ code, scaleLayouts }) => {
      for (const layout of scaleLayouts ?? []) {
        const problem = layoutProblem(layout);
        if (problem)
          throw new PosError('INVALID_INPUT', `The scale layout ${layout} cannot be read: ${problem}.`, {
            field: 'scaleLayouts',
          });
      }
      return readScaleSample(code, scaleLayouts ?? settings.values.scaleLayouts, findByCode);
    },
    'devices.set': async ({ approvalPin, scaleLayouts, pole }) => {
      // the input is judged before the owner is asked: no PIN is asked for a change that cannot be saved
      for (const layout of scaleLayouts ?? []) {
        const problem = layoutProblem(layout);
        if (problem)
          throw new PosError('INVALID_INPUT', `The scale layout ${layout} cannot be read: ${problem}.`, {
            field: 'scaleLayouts',
          });
      }
      // the example names no /-rooted path: an error never shows one (docs/security.md, the fuzzer's leak check)
      if (pole?.enabled && pole.port === '')
        throw new PosError(
          'INVALID_INPUT',
          'Name the serial port of the pole display (e.g. COM3, or ttyUSB0 under /dev).',
          {
            field: 'pole.port',
          },
        );
      const actor = await access.auth.authorize('owner', approvalPin);
      const before = devicesView(settings);
      store.tx(() => {
        if (scaleLayouts !== undefined) settings.set('scaleLayouts', [...new Set(scaleLayouts)]);
        if (pole !== undefined) settings.set('poleDisplay', pole);
        audit.record(actor, 'devices.set', null, { before, after: devicesView(settings) });
      });
      const after = devicesView(settings);
      changed(after);
      return after;
    },
  };
}
