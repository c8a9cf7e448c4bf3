/**
 * The catalogue CSV's state: the export, and the two-step import — the file uploaded in pieces, a
 * preview of every row (again when an option changes), then applying exactly that preview with the
 * owner's approval; a refusal of the whole file says why.
 */
import { useCallback, useState } from 'react';
import type { ImportPreview } from '../../../../shared/types';
import { api } from '../../api';
import { useOwnerApproval } from '../../components/owner-approval';
import { useOwnerRead, withPin } from '../../components/owner-read';
import { saveFile } from '../../lib/download';
import { useNotifier } from '../../lib/notice';

/** base64 of one piece of a file (36 KiB of bytes make 48 KiB of base64: browser mode takes calls up to 64 KiB). */
function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
const PIECE = 36 * 1024;

export function useCsvImport() {
  const owner = useOwnerRead();
  const approve = useOwnerApproval();
  const notifier = useNotifier();
  const [file, setFile] = useState<{ name: string; uploadId: string } | null>(null);
  const [retireMissing, setRetireMissing] = useState(false);
  const [setStock, setSetStock] = useState(false);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [refusal, setRefusal] = useState<{ reason: string; message: string; details: Record<string, unknown> } | null>(
    null,
  );
  const [busy, setBusy] = useState<'upload' | 'preview' | 'apply' | null>(null);
  const [applied, setApplied] = useState<{ added: number; changed: number; retired: number } | null>(null);

  const exportCsv = async (): Promise<void> => {
    const out = await owner.ask((pin) => api.catalog.exportCsv(withPin(pin)), 'approval.reason.catalogue');
    if (!out) return;
    saveFile({ filename: out.filename, mime: 'text/csv', content: out.content });
    notifier.say('success', 'catalogue.exported', { count: out.rows });
  };

  const runPreview = useCallback(
    async (uploadId: string, options: { retireMissing: boolean; setStock: boolean }): Promise<void> => {
      setBusy('preview');
      setRefusal(null);
      try {
        const r = await owner.quiet((pin) => api.catalog.importPreview({ uploadId, ...options, ...withPin(pin) }));
        if (r.ok) setPreview(r.value);
        else if (r.error.code === 'IMPORT_REFUSED') {
          setPreview(null);
          setRefusal({
            reason: String(r.error.details?.reason ?? ''),
            message: r.error.message,
            details: r.error.details ?? {},
          });
        } else {
          setPreview(null);
          if (r.error.code === 'IMPORT_EXPIRED') setFile(null);
          notifier.error(r.error);
        }
      } finally {
        setBusy(null);
      }
    },
    [notifier, owner],
  );

  const choose = async (f: File | undefined): Promise<void> => {
    if (!f) return;
    setApplied(null);
    setPreview(null);
    setRefusal(null);
    setBusy('upload');
    try {
      const bytes = new Uint8Array(await f.arrayBuffer());
      let uploadId: string | undefined;
      for (let i = 0; i === 0 || i < bytes.length; i += PIECE) {
        const piece = base64(bytes.subarray(i, i + PIECE));
        const r = await owner.quiet((pin) =>
          api.catalog.importUpload({ ...(uploadId ? { uploadId } : {}), chunk: piece, ...withPin(pin) }),
        );
        if (!r.ok) {
          if (r.error.code === 'IMPORT_REFUSED')
            setRefusal({
              reason: String(r.error.details?.reason ?? ''),
              message: r.error.message,
              details: r.error.details ?? {},
            });
          else notifier.error(r.error);
          setFile(null);
          return;
        }
        uploadId = r.value.uploadId;
      }
      setFile({ name: f.name, uploadId: uploadId as string });
      setBusy(null);
      await runPreview(uploadId as string, { retireMissing, setStock });
    } finally {
      setBusy(null);
    }
  };

  const option = (next: { retireMissing: boolean; setStock: boolean }): void => {
    setRetireMissing(next.retireMissing);
    setSetStock(next.setStock);
    if (file) void runPreview(file.uploadId, next);
  };

  const apply = async (): Promise<void> => {
    if (!preview?.token || busy) return;
    const token = preview.token;
    setBusy('apply');
    const done = await approve(
      (pin) => api.catalog.importApply({ token, approvalPin: pin }),
      'catalogue.approval.import',
      {
        added: preview.counts.added,
        changed: preview.counts.changed,
        retired: preview.counts.retired,
      },
    );
    setBusy(null);
    if (!done) {
      // stale or expired: show what the file would do now
      if (file) void runPreview(file.uploadId, { retireMissing, setStock });
      return;
    }
    setApplied(done);
    setPreview(null);
    setFile(null);
    notifier.say('success', 'catalogue.import.done', {
      added: done.added,
      changed: done.changed,
      retired: done.retired,
    });
  };

  const reset = (): void => {
    setFile(null);
    setPreview(null);
    setRefusal(null);
    setApplied(null);
  };

  return { file, retireMissing, setStock, preview, refusal, busy, applied, exportCsv, choose, option, apply, reset };
}
