/**
 * The catalogue's CSV file: decoding (UTF-8 with or without BOM, or GBK/GB18030 as Excel on a
 * Chinese Windows saves "CSV (逗号分隔)") and RFC 4180 parsing with the line each record starts on.
 * It is written by the one CSV writer, platform/csv.ts (UTF-8 with a BOM so Excel opens it right, CRLF,
 * quoted where needed, text guarded against formulas), whose guard `readCell` undoes.
 *
 * The parser is written here, not taken from csv-parse (which the tests use as its oracle on
 * well-formed files, tests/unit/csv-properties.test.ts), for what the owner waits for in a preview:
 * csv-parse reads byte by byte where this copies runs with `indexOf`, and names the line a record
 * ends on, so the line each record starts on (the one every refusal names) needs a second pass.
 * Measured on one machine, the whole preview of a 7 MB cell took 53 ms here and 198 ms on csv-parse,
 * 20,000 rows 991 ms and 1,157 ms (the parse alone: ~1 ms against ~140 ms, 150 ms against 360 ms).
 * It also reads malformed files differently (a quote after spaces, text after a closing quote,
 * the line an unclosed quote opened on): 14% of short random texts, which the import would refuse
 * or read otherwise than it does.
 *
 * Columns (header row required, any order, names case-insensitive):
 *   sku, barcode, name_zh, name_en, category, price, unit, active, stock
 * `sku`, `name_zh`, `name_en`, `category` and `price` are required columns; the others may be left out.
 */
import iconv from 'iconv-lite';
import { PosError } from '../../../shared/errors';
import { FORMULA_START } from '../platform/csv';

export const CSV_COLUMNS = [
  'sku',
  'barcode',
  'name_zh',
  'name_en',
  'category',
  'price',
  'unit',
  'active',
  'stock',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];
export const REQUIRED_COLUMNS: readonly CsvColumn[] = ['sku', 'name_zh', 'name_en', 'category', 'price'];

/** Limits of one import: beyond them the file is refused before any row is read. */
export const MAX_IMPORT_BYTES = 8 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 20_000;

export type CsvEncoding = 'utf-8' | 'utf-8-bom' | 'gbk';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes the file's bytes, or refuses it (IMPORT_REFUSED) naming what is wrong. */
export function decodeCsv(bytes: Uint8Array): { text: string; encoding: CsvEncoding } {
  if (bytes.length > MAX_IMPORT_BYTES) {
    throw new PosError(
      'IMPORT_REFUSED',
      `The file is ${bytes.length} bytes; an import may be at most ${MAX_IMPORT_BYTES} bytes.`,
      {
        reason: 'too_big',
        bytes: bytes.length,
        max: MAX_IMPORT_BYTES,
      },
    );
  }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new PosError(
      'IMPORT_REFUSED',
      'The file is UTF-16 ("Unicode text"): save it as "CSV UTF-8 (comma delimited)" instead.',
      {
        reason: 'utf16',
      },
    );
  }
  if (bytes.includes(0)) {
    throw new PosError(
      'IMPORT_REFUSED',
      'The file is not a text file (it holds NUL bytes): is it an .xlsx? Save it as CSV.',
      { reason: 'binary' },
    );
  }
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  try {
    const text = UTF8.decode(bom ? bytes.subarray(3) : bytes);
    return { text, encoding: bom ? 'utf-8-bom' : 'utf-8' };
  } catch {
    if (bom)
      throw new PosError('IMPORT_REFUSED', 'The file starts as UTF-8 but is not valid UTF-8 further on.', {
        reason: 'encoding',
      });
  }
  // Not UTF-8: Excel on a Chinese Windows saves CSV in the ANSI code page, GBK. GB18030 decodes every
  // GBK file; a byte sequence it cannot map becomes U+FFFD, and then we do not know the encoding.
  const text = iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), 'gb18030');
  if (text.includes('\uFFFD')) {
    throw new PosError(
      'IMPORT_REFUSED',
      'The file is neither UTF-8 nor GBK: save it as "CSV UTF-8 (comma delimited)".',
      { reason: 'encoding' },
    );
  }
  return { text, encoding: 'gbk' };
}

export interface CsvRecord {
  /** the physical line (1-based) the record starts on */
  line: number;
  cells: string[];
}

/**
 * RFC 4180: fields separated by commas, records by CRLF or LF, a field in double quotes may hold
 * commas, quotes (doubled) and line breaks. Blank lines are skipped. An unterminated quote refuses
 * the file (IMPORT_REFUSED) with the line it opened on. `maxRecords` stops early (too many rows).
 */
export function parseCsv(text: string, maxRecords = Number.POSITIVE_INFINITY): { records: CsvRecord[]; more: boolean } {
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let recordLine = 1;
  let quoted = false;
  let quoteLine = 0;
  let wasQuoted = false;
  let blank = true;
  const endRecord = (): boolean => {
    cells.push(cell);
    if (!(blank && cells.length === 1 && cell === '' && !wasQuoted)) records.push({ line: recordLine, cells });
    cells = [];
    cell = '';
    wasQuoted = false;
    blank = true;
    return records.length >= maxRecords;
  };
  // runs of ordinary characters are copied as slices, not one character at a time: a 7 MB cell was
  // 7 million string appends (seconds of garbage collection)
  const special = /[",\r\n]/g;
  for (let i = 0; i < text.length; i++) {
    if (quoted) {
      const close = text.indexOf('"', i);
      const end = close < 0 ? text.length : close;
      const run = text.slice(i, end);
      for (let n = run.indexOf('\n'); n >= 0; n = run.indexOf('\n', n + 1)) line++;
      cell += run;
      if (close < 0) break;
      i = close;
      if (text[i + 1] === '"') {
        cell += '"';
        i++;
      } else quoted = false;
      continue;
    }
    special.lastIndex = i;
    const next = special.exec(text);
    const at = next ? next.index : text.length;
    if (at > i) {
      cell += text.slice(i, at);
      blank = false;
      i = at;
      if (!next) break;
    }
    const c = text[i] as string;
    if (c === '"' && cell.trim() === '') {
      quoted = true;
      wasQuoted = true;
      blank = false;
      quoteLine = line;
      cell = '';
    } else if (c === ',') {
      cells.push(cell);
      cell = '';
      blank = false;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      if (endRecord()) return { records, more: /\S/.test(text.slice(i + 1)) };
      line++;
      recordLine = line;
    } else {
      cell += c;
      blank = false;
    }
  }
  if (quoted) {
    throw new PosError('IMPORT_REFUSED', `A quote opened on line ${quoteLine} is never closed.`, {
      reason: 'unclosed_quote',
      line: quoteLine,
    });
  }
  if (!blank || cells.length > 0 || cell !== '') endRecord();
  return { records, more: false };
}

/** The text of an imported cell: trimmed, Excel's `="…"` text form and the formula guard undone. */
export function readCell(raw: string): string {
  let v = raw.trim();
  const excelText = /^="(.*)"$/s.exec(v);
  if (excelText) v = (excelText[1] as string).replaceAll('""', '"');
  if (v.startsWith("'") && FORMULA_START.test(v.slice(1))) v = v.slice(1);
  return v;
}
