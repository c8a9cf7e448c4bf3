/**
 * Issue 9, defect 8b (and defect 10 through the import): a catalogue file is input from anyone who
 * can hand the owner a file. A 1 MB header cell was echoed whole in the error (and so on screen and
 * in every log); a 1 MB cell likewise in the row errors of the preview. Errors now quote a short,
 * printable prefix; a name holding a control character or a line break is refused like the
 * contract refuses it (`bad_text`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isCleanText } from '../../src/shared/text';
import type { ImportPreview, ImportUpload } from '../../src/shared/types';
import { must, startCore, type TestCore } from '../support/core';

let t: TestCore;
afterEach(() => t?.close());

const HEADER = 'sku,barcode,name_zh,name_en,category,price,unit,active,stock';
const MB = 1024 * 1024;
const call = async <T>(method: string, input: unknown): Promise<T> => must(await t.core.dispatch(method, input)) as T;

async function upload(text: string): Promise<string> {
  const bytes = Buffer.from(text, 'utf8');
  let uploadId: string | undefined;
  for (let i = 0; i === 0 || i < bytes.length; i += 36 * 1024) {
    const chunk = bytes.subarray(i, i + 36 * 1024).toString('base64');
    uploadId = (await call<ImportUpload>('catalog.importUpload', uploadId ? { uploadId, chunk } : { chunk })).uploadId;
  }
  return uploadId as string;
}

/** the catalogue is the owner's: the owner signs in */
async function asOwner(): Promise<void> {
  t = await startCore({ poll: false });
  const owner = t.core.auth.users().find((u) => u.role === 'owner')!;
  await call('auth.login', { userId: owner.id, pin: '8888' });
}

const preview = async (text: string) =>
  t.core.dispatch('catalog.importPreview', { uploadId: await upload(text), retireMissing: false, setStock: false });

describe('catalogue import errors quote a short prefix, never the bad input whole', () => {
  it('a 1 MB header cell', async () => {
    await asOwner();
    const r = await preview(`${HEADER},${'x'.repeat(MB)}\r\nA,,甲,A,drinks,1.00,瓶,1,0,\r\n`);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('IMPORT_REFUSED');
    expect(r.error.details).toMatchObject({ reason: 'unknown_column', column: `${'x'.repeat(40)}…` });
    expect(JSON.stringify(r.error).length).toBeLessThan(500);
  });

  it('a 1 MB name cell, and a name with a BEL, a bidi override or a line break', async () => {
    await asOwner();
    const rows = [
      `A-1,,${'长'.repeat(MB / 4)},Long,drinks,1.00,瓶,1,0`,
      'A-2,,甲\u0007乙,Bell,drinks,1.00,瓶,1,0',
      'A-3,,丙,"evil\u202Etxt.exe",drinks,1.00,瓶,1,0',
      'A-4,,丁,"two\nlines",drinks,1.00,瓶,1,0',
      `A-5,,戊,Price,drinks,${'9'.repeat(MB / 4)},瓶,1,0`,
    ];
    const r = await preview(`${HEADER}\r\n${rows.join('\r\n')}\r\n`);
    const p = (r.ok ? r.value : null) as ImportPreview;
    expect(p.token).toBeNull();
    expect(p.errors.map((e) => [e.line, e.kind, e.column])).toEqual([
      [2, 'too_long', 'name_zh'],
      [3, 'bad_text', 'name_zh'],
      [4, 'bad_text', 'name_en'],
      [5, 'bad_text', 'name_en'],
      [7, 'bad_price', 'price'],
    ]);
    for (const e of p.errors) {
      expect(Array.from(e.value ?? '').length).toBeLessThanOrEqual(41);
      expect(e.message.length).toBeLessThan(200);
      expect(isCleanText(e.value ?? '')).toBe(true);
    }
    expect(JSON.stringify(p).length).toBeLessThan(10_000);
  });
});
