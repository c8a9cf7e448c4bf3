/** Scale labels (称重码): layouts, the check digit, the amount and the weight read from a code. */
import { describe, expect, it } from 'vitest';
import {
  SCALE_LAYOUT_PRESETS,
  checkDigit,
  labelPriceFen,
  layoutProblem,
  readScaleCode,
} from '../../src/main/core/hardware/scale-barcodes';
import { PosError } from '../../src/shared/errors';

/** `body` with its check digit appended. */
const withCheck = (body: string) => `${body}${checkDigit(body)}`;

const ALL = Object.values(SCALE_LAYOUT_PRESETS);

describe('scale label codes', () => {
  it('computes the EAN-13 check digit (known codes)', () => {
    expect(checkDigit('690193962160')).toBe(8); // 6901939621608, the demo cola
    expect(checkDigit('400638133393')).toBe(1); // 4006381333931
  });

  it('reads the amount in fen from 2F PPPPP AAAAA C', () => {
    const code = withCheck('210012301250');
    expect(readScaleCode(code, ALL)).toEqual({
      code,
      layout: '2FPPPPPAAAAAC',
      plu: '00123',
      amountFen: 1250,
      weightG: null,
    });
  });

  it('reads the weight in grams from 2F PPPPP WWWWW C', () => {
    const code = withCheck('210012300523');
    expect(readScaleCode(code, ['2FPPPPPWWWWWC'])).toMatchObject({ plu: '00123', amountFen: null, weightG: 523 });
  });

  it('reads the 18-digit code with the amount and the weight', () => {
    const code = withCheck('21001230125000523');
    expect(code).toHaveLength(18);
    expect(readScaleCode(code, ALL)).toMatchObject({ plu: '00123', amountFen: 1250, weightG: 523 });
  });

  it('refuses a wrong check digit, naming the code', () => {
    const good = withCheck('210012301250');
    const bad = good.slice(0, -1) + String((Number(good.at(-1)) + 1) % 10);
    let err: unknown;
    try {
      readScaleCode(bad, ALL);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PosError);
    expect((err as PosError).code).toBe('SCALE_CODE_INVALID');
    expect((err as PosError).details).toEqual({ code: bad });
  });

  it('leaves ordinary barcodes alone: not starting with 2, another length, or no layout set', () => {
    expect(readScaleCode('6901939621608', ALL)).toBeNull();
    expect(readScaleCode('2100123', ALL)).toBeNull();
    expect(readScaleCode(withCheck('210012301250'), [])).toBeNull();
  });

  it('judges layouts', () => {
    for (const l of ALL) expect(layoutProblem(l)).toBeNull();
    expect(layoutProblem('2PPPPPAAAAAC')).toMatch(/13 or 18/);
    expect(layoutProblem('2FAAAAAPPPPPC')).toMatch(/then/);
    expect(layoutProblem('2FPPPPPAAAAAA')).toMatch(/then/);
  });

  it('prices a weight at the price per kg or per 斤, half up; refuses a product not sold by weight', () => {
    const label = { code: 'x', layout: '', plu: '1', amountFen: null, weightG: 523 };
    const names = { nameZh: '苹果', nameEn: 'Apples' };
    expect(labelPriceFen(label, { ...names, priceFen: 1280, unit: 'kg' })).toBe(669); // 669.44
    expect(labelPriceFen(label, { ...names, priceFen: 650, unit: '斤' })).toBe(680); // 679.9
    expect(labelPriceFen({ ...label, weightG: 500 }, { ...names, priceFen: 1, unit: 'kg' })).toBe(1); // 0.5 → 1
    expect(() => labelPriceFen(label, { ...names, priceFen: 300, unit: '瓶' })).toThrow(/not sold by weight/);
    // a label with an amount charges the amount, whatever the unit
    expect(labelPriceFen({ ...label, amountFen: 999 }, { ...names, priceFen: 300, unit: '瓶' })).toBe(999);
  });
});
