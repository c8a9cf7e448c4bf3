/**
 * The store logo on ESC/POS receipts, in the printer card. The image never leaves this page as a
 * file: the canvas decodes it, scales it to the paper's dot width (58 mm: 384 dots, 80 mm: 576; at
 * most 160 dots high), flattens it on white and turns it to black and white (a threshold: logos are
 * flat colours, and a dithered logo prints grey and fuzzy on a thermal head), then sends the packed
 * bits (printer.setLogo, the owner's). Main only checks the shape: no image parser runs there.
 */
import { useEffect, useRef, useState } from 'react';
import { LOGO_DOTS, LOGO_MAX_HEIGHT, type ReceiptLogo } from '../../../../shared/device-types';
import type { PosErrorShape } from '../../../../shared/errors';
import { api } from '../../api';
import { approveInForm, useOwnerApproval } from '../../components/owner-approval';
import { errorText, useI18n } from '../../i18n';
import { useNotifier } from '../../lib/notice';

/** The image as a receipt logo for this paper: packed 1-bit rows, high bit leftmost, 1 = black. */
export async function imageToLogo(file: Blob, paper: 58 | 80): Promise<ReceiptLogo> {
  const bitmap = await createImageBitmap(file);
  const dots = LOGO_DOTS[paper];
  let w = dots;
  let h = Math.max(1, Math.round((bitmap.height * dots) / bitmap.width));
  if (h > LOGO_MAX_HEIGHT) {
    h = LOGO_MAX_HEIGHT;
    w = Math.max(1, Math.round((bitmap.width * h) / bitmap.height));
  }
  // rows are whole bytes: the width rounds up to a multiple of 8 (the extra dots stay white)
  const width = Math.min(dots, Math.max(8, Math.ceil(w / 8) * 8));
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = h;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2d canvas');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, h);
  ctx.drawImage(bitmap, 0, 0, w, h);
  bitmap.close();
  const px = ctx.getImageData(0, 0, width, h).data;
  const bits = new Uint8Array((width * h) / 8);
  for (let i = 0; i < width * h; i++) {
    const lum = 0.299 * (px[i * 4] ?? 255) + 0.587 * (px[i * 4 + 1] ?? 255) + 0.114 * (px[i * 4 + 2] ?? 255);
    if (lum < 128) bits[i >> 3] = (bits[i >> 3] ?? 0) | (0x80 >> (i & 7));
  }
  let text = '';
  for (let i = 0; i < bits.length; i += 0x8000) text += String.fromCharCode(...bits.subarray(i, i + 0x8000));
  return { width, height: h, bits: btoa(text) };
}

/** Draws the logo's bits as they will print (one screen pixel a dot). */
function LogoPreview({ logo }: { logo: ReceiptLogo }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const bytes = Uint8Array.from(atob(logo.bits), (c) => c.charCodeAt(0));
    const img = ctx.createImageData(logo.width, logo.height);
    for (let i = 0; i < logo.width * logo.height; i++) {
      const v = ((bytes[i >> 3] ?? 0) >> (7 - (i & 7))) & 1 ? 0 : 255;
      img.data.set([v, v, v, 255], i * 4);
    }
    ctx.putImageData(img, 0, 0);
  }, [logo]);
  return (
    <canvas
      ref={ref}
      className="logo-preview"
      width={logo.width}
      height={logo.height}
      data-testid="logo-preview"
      data-width={logo.width}
      data-height={logo.height}
    />
  );
}

export function LogoField({ paper }: { paper: 58 | 80 }) {
  const { t, locale } = useI18n();
  const approve = useOwnerApproval();
  const notifier = useNotifier();
  const [logo, setLogo] = useState<ReceiptLogo | null | undefined>(undefined);
  const [error, setError] = useState<PosErrorShape | null>(null);
  const [unreadable, setUnreadable] = useState(false);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    let live = true;
    void api.printer.logo({}).then((r) => {
      if (live && r.ok) setLogo(r.value);
    });
    return () => {
      live = false;
    };
  }, []);

  const choose = async (file: File | undefined) => {
    if (!file || busy) return;
    setError(null);
    setUnreadable(false);
    let next: ReceiptLogo;
    try {
      next = await imageToLogo(file, paper);
    } catch {
      setUnreadable(true);
      return;
    }
    setBusy(true);
    const saved = await approveInForm(
      approve,
      (pin) => api.printer.setLogo({ ...next, ...(pin ? { approvalPin: pin } : {}) }),
      setError,
      'approval.reason.logo',
    );
    setBusy(false);
    if (saved) {
      setLogo(saved);
      notifier.say('success', 'printer.logo.saved');
    }
  };

  const remove = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    let done = false;
    await approveInForm(
      approve,
      async (pin) => {
        const r = await api.printer.removeLogo(pin ? { approvalPin: pin } : {});
        done = r.ok;
        return r;
      },
      setError,
      'approval.reason.logo',
    );
    setBusy(false);
    if (done) {
      setLogo(null);
      notifier.say('success', 'printer.logo.removed');
    }
  };

  if (logo === undefined) return null;
  const err = error ? errorText(error, locale) : null;
  return (
    <div className="logo-field" data-testid="printer-logo" data-set={logo !== null}>
      <strong>{t('printer.logo.title')}</strong>
      <p className="muted settings-note">{t('printer.logo.note', { dots: LOGO_DOTS[paper], max: LOGO_MAX_HEIGHT })}</p>
      {logo ? (
        <div className="logo-shown">
          <LogoPreview logo={logo} />
          <span className="muted">{t('printer.logo.size', { width: logo.width, height: logo.height })}</span>
          {logo.width > LOGO_DOTS[paper] ? (
            <p className="form-error" role="alert">
              {t('printer.logo.wide', { dots: LOGO_DOTS[paper] })}
            </p>
          ) : null}
        </div>
      ) : (
        <p className="muted settings-note">{t('printer.logo.none')}</p>
      )}
      {unreadable ? (
        <p className="form-error" role="alert" data-testid="logo-unreadable">
          {t('printer.logo.unreadable')}
        </p>
      ) : null}
      {err ? (
        <p className="form-error" role="alert" data-testid="logo-error">
          {err.text}
        </p>
      ) : null}
      <div className="logo-actions">
        <input
          ref={input}
          type="file"
          accept="image/png,image/jpeg,image/gif,image/bmp,image/webp"
          className="logo-file-input"
          tabIndex={-1}
          onChange={(e) => {
            void choose(e.target.files?.[0]);
            e.target.value = '';
          }}
          data-testid="logo-file"
        />
        <button
          type="button"
          className="btn btn-lg"
          disabled={busy}
          onClick={() => input.current?.click()}
          data-testid="logo-choose"
        >
          {logo ? t('printer.logo.replace') : t('printer.logo.choose')}
        </button>
        {logo ? (
          <button
            type="button"
            className="btn btn-lg"
            disabled={busy}
            onClick={() => void remove()}
            data-testid="logo-remove"
          >
            {t('printer.logo.remove')}
          </button>
        ) : null}
      </div>
    </div>
  );
}
