/**
 * The CSV writer and reader against each other and against a well-kept parser, on random files:
 * - every row the one writer writes reads back as the same cells, text guarded with a leading `'`
 *   exactly when it starts like a formula (a lone CR or LF in a cell must be quoted for this);
 * - the catalogue's hand-written reader (kept for its speed: core/catalogue/csv.ts says why) reads
 *   every well-formed RFC 4180 file as csv-parse does.
 */
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/main/core/catalogue/csv';
import { decimal, FORMULA_START, writeCsv, type CsvValue } from '../../src/main/core/platform/csv';

/** characters that matter to CSV, to spreadsheets and to trimming, and a few ordinary ones */
const CHARS = ['a', 'Z', '1', '.', ' ', ',', '"', '\r', '\n', '\t', '=', '+', '-', '@', "'", '可', '\u3000', '\u00a0'];
const text = (chars: readonly string[], maxLength = 6) =>
  fc.array(fc.constantFrom(...chars), { maxLength }).map((cs) => cs.join(''));

const cellValue: fc.Arbitrary<CsvValue> = fc.oneof(
  text(CHARS),
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.constantFrom('-3.50', '0.00', '12', '-1').map(decimal),
  text(CHARS).map(decimal),
  fc.constant(null),
);

const guarded = (t: string) => (FORMULA_START.test(t) ? `'${t}` : t);
function expected(v: CsvValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'object') return /^-?\d+(\.\d+)?$/.test(v.decimal) ? v.decimal : guarded(v.decimal);
  return guarded(v);
}

describe('the one CSV writer', () => {
  it('writes rows that read back cell for cell, text guarded exactly when it starts like a formula', () => {
    fc.assert(
      fc.property(
        // two cells or more: a row of one empty cell is a blank line, which a reader skips
        fc.array(fc.array(cellValue, { minLength: 2, maxLength: 5 }), { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (rows, bom) => {
          const content = writeCsv(rows, { bom });
          expect(content.startsWith('\uFEFF')).toBe(bom);
          expect(content.endsWith('\r\n')).toBe(true);
          const read = parseCsv(bom ? content.slice(1) : content).records.map((r) => r.cells);
          expect(read).toEqual(rows.map((r) => r.map(expected)));
        },
      ),
      { numRuns: 1_000, seed: 11 },
    );
  });
});

describe('the catalogue reader', () => {
  const BREAKS = ['\r\n', '\n', '\r'] as const;
  /** a well-formed file: fields unquoted (no comma, quote or line break) or quoted (anything, quotes doubled) */
  const file = (quotedBreaks: boolean) =>
    fc
      .record({
        records: fc.array(
          fc.array(
            fc.oneof(
              text(['a', ' ', '可', "'", '=', '\t']),
              text(quotedBreaks ? ['a', ' ', ',', '"', '\r', '\n', '可'] : ['a', ' ', ',', '"', '可']).map(
                (t) => `"${t.replaceAll('"', '""')}"`,
              ),
            ),
            { minLength: 1, maxLength: 4 },
          ),
          { maxLength: 5 },
        ),
        blankBefore: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
        newline: fc.constantFrom(...BREAKS),
        finalBreak: fc.boolean(),
      })
      .map(({ records, blankBefore, newline, finalBreak }) => {
        const lines = records.map((r, i) => (blankBefore[i] ? newline : '') + r.join(','));
        return lines.join(newline) + (finalBreak && lines.length > 0 ? newline : '');
      });
  const byLibrary = (t: string) =>
    parse(t, {
      relax_column_count: true,
      skip_empty_lines: true,
      record_delimiter: [...BREAKS],
      info: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];

  it('reads every well-formed file as csv-parse does', () => {
    fc.assert(
      fc.property(file(true), (t) => {
        expect(parseCsv(t).records.map((r) => r.cells)).toEqual(byLibrary(t).map((r) => r.record));
      }),
      { numRuns: 2_000, seed: 12 },
    );
  });

  it('numbers records by their line, as csv-parse does where no cell holds a line break', () => {
    fc.assert(
      fc.property(file(false), (t) => {
        expect(parseCsv(t).records.map((r) => r.line)).toEqual(byLibrary(t).map((r) => r.info.lines));
      }),
      { numRuns: 1_000, seed: 13 },
    );
  });
});
