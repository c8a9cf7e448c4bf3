/**
 * The one CSV writer for every export: the sales report (report-files.ts), an order's payment
 * timeline (orders.ts), the audit log (audit.ts) and the catalogue (catalog-admin.ts).
 *
 * - Text that a spreadsheet would run as a formula — a cell starting with = + - @, TAB or CR — is
 *   written with a leading `'` (Excel and LibreOffice then show it as text; the catalogue import
 *   takes the `'` off again, catalogue/csv.ts `readCell`).
 * - Numbers are written as numbers and never guarded: a JS number, or a `decimal('12.30')` (an amount
 *   in yuan, a count): a negative amount stays a number.
 * - Quoting per RFC 4180: a cell holding a comma, a double quote, CR or LF (or leading or trailing
 *   spaces, which a reader would trim) is quoted, quotes doubled; records end with CRLF.
 */

/** Text starting like a formula (Excel, LibreOffice, Google Sheets). */
export const FORMULA_START = /^[=+\-@\t\r]/;

const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

/** A number already formatted (e.g. yuan with two decimals): written as it is, as a number. */
export interface CsvDecimal {
  readonly decimal: string;
}

export type CsvValue = string | number | CsvDecimal | null | undefined;

/** `decimal(fenToYuanString(fen))`: an amount written as a number (text that is not a plain number stays text). */
export function decimal(text: string): CsvDecimal {
  return { decimal: text };
}

function quoted(text: string): string {
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One cell as written. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'object') return PLAIN_NUMBER.test(value.decimal) ? value.decimal : csvCell(value.decimal);
  return quoted(FORMULA_START.test(value) ? `'${value}` : value);
}

export function csvRow(cells: readonly CsvValue[]): string {
  return cells.map(csvCell).join(',');
}

/** A whole file: CRLF after every record, with a UTF-8 BOM (so Excel reads Chinese) when asked. */
export function writeCsv(rows: readonly (readonly CsvValue[])[], options: { bom: boolean }): string {
  return `${options.bom ? '\uFEFF' : ''}${rows.map(csvRow).join('\r\n')}\r\n`;
}
