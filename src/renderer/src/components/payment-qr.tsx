import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import { useI18n } from '../i18n';

/**
 * The intermediary's own QR content (`qr_code` / `code_url`), drawn large as an inline SVG. The
 * raw content is in `data-content` so a tester (or the demo link) can open it. The SVG carries the
 * standard quiet zone of four white modules around the code, so a phone finds its three finder squares.
 */
export function PaymentQr({ content, color }: { content: string; color: string }) {
  const { t } = useI18n();
  const [drawn, setDrawn] = useState<{ content: string; svg: string } | { content: string; error: string } | null>(
    null,
  );
  useEffect(() => {
    let live = true;
    QRCode.toString(content, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 })
      .then((svg) => live && setDrawn({ content, svg }))
      .catch((err: unknown) => live && setDrawn({ content, error: err instanceof Error ? err.message : String(err) }));
    return () => {
      live = false;
    };
  }, [content]);
  const current = drawn?.content === content ? drawn : null;
  return (
    <div className="qr-frame" style={{ borderColor: color }}>
      {current && 'svg' in current ? (
        <div
          className="qr"
          role="img"
          aria-label={t('attempt.qrLabel')}
          data-testid="payment-qr"
          data-content={content}
          dangerouslySetInnerHTML={{ __html: current.svg }}
        />
      ) : current && 'error' in current ? (
        <div className="qr qr-error" data-testid="payment-qr" data-content={content} data-error={current.error}>
          {t('attempt.qrFailed')}
        </div>
      ) : (
        <div className="qr qr-loading" aria-busy="true" />
      )}
    </div>
  );
}
