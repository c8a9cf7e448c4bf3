/**
 * The one CSV writer for every export: the sales report (report-files.ts), an order's payment
 * timeline (order-views.ts), the audit log (audit.ts), the catalogue (catalog-admin.ts) and the sales
 * re-entered after a restore (recovery.ts). The file is written by csv-stringify; what is ours are
 * the rules below, given to it as casts and options.
 *
 * - Text that a spreadsheet would run as a formula — a cell starting with = + - @, TAB or CR — is
 *   written with a leading `'` (Excel and LibreOffice then show it as text; the catalogue import
 *   takes the `'` off again, catalogue/csv.ts `readCell`). csv-stringify's own `escape_formulas` is
 *   not used: it also guards the full-width ＝ ＋ － ＠, which the import would not take off again,
 *   and would guard an amount given as `decimal('-3.50')`.
 * - Numbers are written as numbers and never guarded: a JS number, or a `decimal('12.30')` (an amount
 *   in yuan, a count): a negative amount stays a number.
 * - Quoting per RFC 4180: a cell holding a comma, a double quote, CR or LF (or leading or trailing
 *   spaces, which a reader would trim) is quoted, quotes doubled; records end with CRLF.
 */
import { stringify, type Options } from 'csv-stringify/sync';

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

const guarded = (text: string): string => (FORMULA_START.test(text) ? `'${text}` : text);

const OPTIONS: Options = {
  record_delimiter: 'windows',
  // a lone CR or LF in a cell is quoted too: csv-stringify stops doing so once `record_delimiter`
  // is given, and such a cell would be read back as two records
  quote_record_delimiter: true,
  // leading or trailing spaces (`trim`'s set: \s) are quoted, so a reader that trims keeps them
  quoted_match: /^\s|\s$/,
  cast: {
    string: guarded,
    number: (n) => (Number.isFinite(n) ? String(n) : ''),
    // the only object a row holds is a CsvDecimal
    object: (value) => {
      const text = (value as unknown as CsvDecimal).decimal;
      return PLAIN_NUMBER.test(text) ? text : guarded(text);
    },
  },
};

/** A whole file: CRLF after every record, with a UTF-8 BOM (so Excel reads Chinese) when asked. */
export function writeCsv(rows: readonly (readonly CsvValue[])[], options: { bom: boolean }): string {
  return stringify(rows as unknown[], { ...OPTIONS, bom: options.bom });
}

/** One cell as written (the record's CRLF taken off). */
export function csvCell(value: CsvValue): string {
  return writeCsv([[value]], { bom: false }).slice(0, -2);
}
