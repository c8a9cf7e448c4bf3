import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatFen, parseYuan, roundDiv, MAX_FEN } from '../../src/shared/money';

describe('money in integer fen', () => {
  it('formats fen as ¥ with two decimals', () => {
    expect(formatFen(0)).toBe('¥0.00');
    expect(formatFen(5)).toBe('¥0.05');
    expect(formatFen(1230)).toBe('¥12.30');
    expect(formatFen(-100)).toBe('-¥1.00');
    expect(formatFen(123456789)).toBe('¥1234567.89');
    expect(() => formatFen(1.5)).toThrow(TypeError);
  });

  it('parses what a clerk types', () => {
    expect(parseYuan('12')).toBe(1200);
    expect(parseYuan('12.3')).toBe(1230);
    expect(parseYuan('12.30')).toBe(1230);
    expect(parseYuan('¥ 0.05')).toBe(5);
    expect(parseYuan('12.')).toBe(1200);
    for (const bad of ['', '-1', '1.234', 'abc', '1e3', '12,30', '9999999999']) expect(parseYuan(bad)).toBeNull();
  });

  it('round-trips every amount', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: MAX_FEN }), (fen) => parseYuan(formatFen(fen)) === fen));
  });

  it('rounds half up in integers', () => {
    expect(roundDiv(5, 10)).toBe(1);
    expect(roundDiv(4, 10)).toBe(0);
    expect(roundDiv(15, 10)).toBe(2);
    expect(roundDiv(25, 10)).toBe(3);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 1, max: 1e4 }), (n, d) => {
        const r = roundDiv(n, d);
        return Math.abs(r * d - n) * 2 <= d;
      }),
    );
  });
});
