/** The catalogue CSV's pure parts: barcode rules, decoding, RFC 4180 parsing and writing. */
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { checkBarcode, gs1CheckDigit } from '../../src/shared/barcode';
import { decodeCsv, parseCsv, readCell } from '../../src/main/core/catalogue/csv';
import { csvCell, decimal, writeCsv } from '../../src/main/core/platform/csv';
import type { PosError } from '../../src/shared/errors';

describe('barcodes', () => {
  it('accepts GS1 numbers with a right check digit and a shop’s own codes', () => {
    expect(checkBarcode('6901939621608')).toEqual({ ok: true, kind: 'ean13', code: '6901939621608' });
    expect(checkBarcode(' 96385074 ')).toEqual({ ok: true, kind: 'ean8', code: '96385074' });
    expect(checkBarcode('036000291452')).toEqual({ ok: true, kind: 'upca', code: '036000291452' });
    expect(checkBarcode('10012345678902')).toEqual({ ok: true, kind: 'gtin14', code: '10012345678902' });
    expect(checkBarcode('SHOP-0001')).toEqual({ ok: true, kind: 'internal', code: 'SHOP-0001' });
    expect(checkBarcode('123456')).toEqual({ ok: true, kind: 'internal', code: '123456' });
  });

  it('refuses a wrong check digit (saying which), Excel’s scientific notation and anything else', () => {
    expect(gs1CheckDigit('690193962160')).toBe(8);
    expect(checkBarcode('6901939621609')).toEqual({ ok: false, reason: 'check_digit', expected: 8 });
    expect(checkBarcode('36000291453').ok).toBe(true); // 11 digits: not a GS1 length, a shop code
    expect(checkBarcode('6.90194E+12')).toEqual({ ok: false, reason: 'excel_number' });
    expect(checkBarcode('6.90194e12')).toEqual({ ok: false, reason: 'excel_number' });
    for (const bad of ['', '12345', 'ABC 123', '条码123456', 'x'.repeat(33)])
      expect(checkBarcode(bad)).toEqual({ ok: false, reason: 'format' });
  });
});

describe('decoding', () => {
  const refusal = (bytes: Uint8Array) => {
    try {
      decodeCsv(bytes);
    } catch (err) {
      return (err as PosError).details?.reason;
    }
    return null;
  };

  it('UTF-8 with or without BOM, else GBK', () => {
    expect(decodeCsv(Buffer.from('a,可乐\n'))).toEqual({ text: 'a,可乐\n', encoding: 'utf-8' });
    expect(decodeCsv(Buffer.from('\uFEFFa,可乐\n'))).toEqual({ text: 'a,可乐\n', encoding: 'utf-8-bom' });
    expect(decodeCsv(iconv.encode('a,可口可乐,饮料\n', 'gbk'))).toEqual({ text: 'a,可口可乐,饮料\n', encoding: 'gbk' });
  });

  it('refuses UTF-16, binary, undecodable bytes and a broken UTF-8 file with a BOM', () => {
    expect(refusal(Buffer.from([0xff, 0xfe, 0x61, 0x00]))).toBe('utf16');
    expect(refusal(Buffer.from([0x61, 0x00, 0x62]))).toBe('binary');
    expect(refusal(Buffer.from([0x61, 0xff, 0xff]))).toBe('encoding');
    expect(refusal(Buffer.from([0xef, 0xbb, 0xbf, 0x61, 0xc3]))).toBe('encoding');
  });
});

describe('parsing', () => {
  it('quotes, doubled quotes, commas and line breaks inside quotes; CRLF or LF; blank lines skipped; the starting line kept', () => {
    const { records } = parseCsv('a,b\r\n"x, y","say ""hi"""\n\n"two\nlines",z\n  ,\nlast');
    expect(records).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['x, y', 'say "hi"'] },
      { line: 4, cells: ['two\nlines', 'z'] },
      { line: 6, cells: ['  ', ''] },
      { line: 7, cells: ['last'] },
    ]);
  });

  it('stops after maxRecords and says whether more follows', () => {
    expect(parseCsv('a\nb\nc\n', 2)).toEqual({
      records: [
        { line: 1, cells: ['a'] },
        { line: 2, cells: ['b'] },
      ],
      more: true,
    });
    expect(parseCsv('a\nb\n\n', 2).more).toBe(false);
  });

  it('refuses an unclosed quote, naming its line', () => {
    expect(() => parseCsv('a\nb,"c\nd')).toThrow(/line 2/);
  });
});

describe('writing', () => {
  it('quotes what needs it and guards formulas in text, and reading undoes both', () => {
    for (const v of ['plain', 'a,b', 'say "hi"', 'two\nlines', '=1+1', '+86', '-瓶', '@x']) {
      expect(readCell(parseCsv(csvCell(v)).records[0]?.cells[0] ?? '')).toBe(v);
    }
    // cells are trimmed when read (names are trimmed when saved anyway)
    expect(csvCell(' padded ')).toBe('" padded "');
    expect(readCell(' padded ')).toBe('padded');
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(decimal('-3.50'))).toBe('-3.50');
    expect(readCell('="0012345678905"')).toBe('0012345678905');
    expect(
      writeCsv(
        [
          ['a', 'b'],
          ['1', 'x,y'],
        ],
        { bom: true },
      ),
    ).toBe('\uFEFFa,b\r\n1,"x,y"\r\n');
  });
});
