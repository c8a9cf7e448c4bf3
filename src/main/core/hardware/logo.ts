/**
 * The store logo on ESC/POS receipts. The owner picks an image in Settings; the renderer draws it on
 * a canvas at the paper's dot width, turns it to 1 bit and sends the packed bits (no image decoder
 * in main: a hostile file never reaches a parser here). Main checks the shape (width a multiple of
 * 8 and at most 576 dots, height at most 160, exactly width × height / 8 bytes), keeps it in the
 * settings table and hands it to the encoder's raster image command above each receipt.
 */
import { LOGO_DOTS, LOGO_MAX_HEIGHT, type ReceiptLogo } from '../../../shared/device-types';
import { PosError } from '../../../shared/errors';
import type { Store } from '../../store/db';
import type { Audit } from '../people/audit';
import type { Access } from '../people/access';
import type { Settings } from '../settings';
import type { Handlers } from '../handlers';

/** The logo's packed bits, or a named refusal: the contract checked the sizes, this checks the bytes. */
export function logoBytes(logo: ReceiptLogo): Buffer {
  const maxWidth = Math.max(...Object.values(LOGO_DOTS));
  if (!Number.isInteger(logo.width) || logo.width < 8 || logo.width > maxWidth || logo.width % 8 !== 0)
    throw new PosError('INVALID_INPUT', `A logo is 8 to ${maxWidth} dots wide, a multiple of 8.`, { field: 'width' });
  if (!Number.isInteger(logo.height) || logo.height < 1 || logo.height > LOGO_MAX_HEIGHT)
    throw new PosError('INVALID_INPUT', `A logo is 1 to ${LOGO_MAX_HEIGHT} dots high.`, { field: 'height' });
  // Buffer.from ignores what is not base64: insist on the canonical text, so what is stored is what was sent
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(logo.bits))
    throw new PosError('INVALID_INPUT', 'The logo bits are not base64.', { field: 'bits' });
  const bytes = Buffer.from(logo.bits, 'base64');
  if (bytes.length !== (logo.width * logo.height) / 8 || bytes.toString('base64') !== logo.bits)
    throw new PosError(
      'INVALID_INPUT',
      `A ${logo.width}×${logo.height} logo is ${(logo.width * logo.height) / 8} bytes.`,
      {
        field: 'bits',
      },
    );
  return bytes;
}

/** The logo as RGBA pixels (black or white), the shape the encoder's image command reads. */
export function logoImage(logo: ReceiptLogo): { data: Uint8ClampedArray; width: number; height: number } {
  const bits = logoBytes(logo);
  const data = new Uint8ClampedArray(logo.width * logo.height * 4).fill(255);
  for (let i = 0; i < logo.width * logo.height; i++) {
    const black = ((bits[i >> 3] as number) >> (7 - (i & 7))) & 1;
    if (black) data.fill(0, i * 4, i * 4 + 3);
  }
  return { data, width: logo.width, height: logo.height };
}

export interface LogoDeps {
  store: Store;
  settings: Settings;
  audit: Audit;
}

/** Handlers of `printer.logo`, `printer.setLogo`, `printer.removeLogo` (the owner's; audited by size, not by bits). */
export function logoHandlers(
  { store, settings, audit }: LogoDeps,
  access: Access,
): Pick<Handlers, 'printer.logo' | 'printer.setLogo' | 'printer.removeLogo'> {
  const size = (l: ReceiptLogo | null) => (l ? { width: l.width, height: l.height } : null);
  return {
    'printer.logo': () => settings.values.receiptLogo,
    'printer.setLogo': async ({ width, height, bits, approvalPin }) => {
      const logo = { width, height, bits };
      logoBytes(logo); // judged before the PIN is asked for
      const actor = await access.auth.authorize('owner', approvalPin);
      store.tx(() => {
        audit.record(actor, 'printer.logo', 'printer', {
          before: size(settings.values.receiptLogo),
          after: size(logo),
        });
        settings.set('receiptLogo', logo);
      });
      return logo;
    },
    'printer.removeLogo': async ({ approvalPin }) => {
      const actor = await access.auth.authorize('owner', approvalPin);
      store.tx(() => {
        audit.record(actor, 'printer.logo', 'printer', { before: size(settings.values.receiptLogo), after: null });
        settings.set('receiptLogo', null);
      });
      return null;
    },
  };
}
