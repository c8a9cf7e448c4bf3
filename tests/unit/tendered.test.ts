import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fenToYuanString, MAX_FEN } from '../../src/shared/money';
import { quickCash, readTendered } from '../../src/shared/tendered';

/** What a Chinese input method types for ASCII digits, point and yen sign. */
const fullWidth = (s: string): string =>
  s.replace(/[0-9.]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).replace('¥', '\uffe5');

describe('the tendered box', () => {
  it('reads amounts as typed, full-width and with 元 or ¥', () => {
    expect(readTendered('')).toEqual({ kind: 'empty' });
    expect(readTendered('  ')).toEqual({ kind: 'empty' });
    expect(readTendered('50')).toEqual({ kind: 'amount', fen: 5000 });
    expect(readTendered('５０')).toEqual({ kind: 'amount', fen: 5000 });
    expect(readTendered('５０．５')).toEqual({ kind: 'amount', fen: 5050 });
    expect(readTendered('50元')).toEqual({ kind: 'amount', fen: 5000 });
    expect(readTendered('５０元')).toEqual({ kind: 'amount', fen: 5000 });
    expect(readTendered('¥50')).toEqual({ kind: 'amount', fen: 5000 });
    expect(readTendered('￥５０')).toEqual({ kind: 'amount', fen: 5000 });
    expect(readTendered('¥ 12.30 元')).toEqual({ kind: 'amount', fen: 1230 });
  });

  it('flags anything else', () => {
    for (const bad of ['abc', '50元x', '12,5', '-1', '1.234', '1e3', '元', '¥', '50 50', '9999999999', '5.0.0'])
      expect(readTendered(bad), bad).toEqual({ kind: 'invalid' });
  });

  it('reads every amount however it is written', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: MAX_FEN }),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        (fen, wide, yen, yuan) => {
          let s = `${yen ? '¥' : ''}${fenToYuanString(fen)}${yuan ? '元' : ''}`;
          if (wide) s = fullWidth(s);
          const r = readTendered(s);
          return r.kind === 'amount' && r.fen === fen;
        },
      ),
    );
  });

  it('never takes text with a letter or a comma in it', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom('a', 'x', ',', 'Ａ', '，'), fc.string(), (a, bad, b) => {
        return readTendered(`${a}${bad}${b}`).kind === 'invalid';
      }),
    );
  });

  it('offers the next notes up, above the total', () => {
    expect(quickCash(2350)).toEqual([3000, 4000, 5000, 10000]);
    expect(quickCash(850)).toEqual([1000, 2000, 5000, 10000]);
    expect(quickCash(5000)).toEqual([6000, 10000]);
    expect(quickCash(12300)).toEqual([13000, 14000, 15000, 20000]);
    // a total of whole notes offers the next of each note up (found by the property below: none were offered)
    expect(quickCash(1_250_000)).toEqual([1_251_000, 1_252_000, 1_255_000, 1_260_000]);
    expect(quickCash(0)).toEqual([1000, 2000, 5000, 10000]);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (total) => {
        const q = quickCash(total);
        return (
          q.length >= 1 &&
          q.length <= 4 &&
          q.every((fen, i) => fen > total && fen % 1000 === 0 && (i === 0 || fen > q[i - 1]!))
        );
      }),
    );
  });
});
