/** The reports' day boxes read a typed day in the language's form, and others a clerk may type. */
import { describe, expect, it } from 'vitest';
import { formatDay } from '../../src/shared/date-format';
import { parseDay } from '../../src/shared/parse-day';

describe('parseDay', () => {
  it('reads back what formatDay writes, in both languages', () => {
    for (const day of ['2026-12-02', '2024-02-29', '2027-01-31'])
      for (const locale of ['zh-CN', 'en'] as const) expect(parseDay(formatDay(day, locale), locale)).toBe(day);
  });

  it('takes the other common ways and full-width digits', () => {
    expect(parseDay('2026/12/2', 'zh-CN')).toBe('2026-12-02');
    expect(parseDay('２０２６年１２月２日', 'zh-CN')).toBe('2026-12-02');
    expect(parseDay('2026.1.5', 'en')).toBe('2026-01-05');
    expect(parseDay('2 December 2026', 'en')).toBe('2026-12-02');
  });

  it('refuses days that do not exist and text that is no day', () => {
    for (const text of ['2026-02-30', '2025-02-29', '2026-13-01', '12/02/2026', 'abc', '', '2 Dec 2026 x'])
      expect([text, parseDay(text, 'en')]).toEqual([text, null]);
    expect(parseDay('2 Dec 2026', 'zh-CN')).toBeNull(); // not the Chinese form
  });
});
