import { describe, expect, it } from 'vitest';
import { formatDateTime, formatDay, formatTime } from '../../src/shared/date-format';

// 2026-12-02 14:05:09 in Shanghai (UTC+8)
const AT = Date.UTC(2026, 11, 2, 6, 5, 9);

describe('one date and time format per language (src/shared/date-format.ts)', () => {
  it('writes a moment as 2026-12-02 14:05 in Chinese and 2 Dec 2026 14:05 in English, in the store zone', () => {
    expect(formatDateTime(AT, 'zh-CN', 'Asia/Shanghai')).toBe('2026-12-02 14:05');
    expect(formatDateTime(AT, 'en', 'Asia/Shanghai')).toBe('2 Dec 2026 14:05');
    expect(formatDateTime(AT, 'en', 'America/New_York')).toBe('2 Dec 2026 01:05');
    expect(formatDateTime(Date.UTC(2027, 0, 1, 15, 59), 'zh-CN', 'Asia/Shanghai')).toBe('2027-01-01 23:59');
  });

  it('writes a business day the same way as the date of a moment', () => {
    expect(formatDay('2026-12-02', 'zh-CN')).toBe('2026-12-02');
    expect(formatDay('2026-12-02', 'en')).toBe('2 Dec 2026');
    expect(formatDay('2026-01-31', 'en')).toBe('31 Jan 2026');
    expect(formatDay('not a day', 'en')).toBe('not a day');
  });

  it('writes times on a 24-hour clock, seconds when asked', () => {
    expect(formatTime(AT, 'en', 'Asia/Shanghai')).toBe('14:05');
    expect(formatTime(AT, 'zh-CN', 'Asia/Shanghai', true)).toBe('14:05:09');
  });
});
