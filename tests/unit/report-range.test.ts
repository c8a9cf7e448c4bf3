/**
 * Report ranges: the range check main applies, how a range is split into month and day rows (every
 * day of the range counted once, none outside it, at most 15 days read by day at each end), and the
 * renderer's presets.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, checkRange, parseReportDay, splitRange, type RangePart } from '../../src/main/core/reports/reports';
import { groupedFen as money, presetRange, rangeProblem } from '../../src/shared/report-range';
import { PosError } from '../../src/shared/errors';

const reason = (from: string, to: string) => {
  try {
    checkRange(from, to);
    return 'ok';
  } catch (err) {
    expect(err).toBeInstanceOf(PosError);
    return String((err as PosError).details?.reason);
  }
};

function coverage(parts: RangePart[]): Map<string, number> {
  const days = new Map<string, number>();
  const add = (d: string, s: number) => days.set(d, (days.get(d) ?? 0) + s);
  for (const p of parts) {
    if ('months' in p) {
      for (const m of p.months) for (let d = `${m}-01`; d.startsWith(m); d = addDays(d, 1)) add(d, p.sign);
    } else for (let d = p.from; d <= p.to; d = addDays(d, 1)) add(d, p.sign);
  }
  return days;
}

describe('report ranges', () => {
  it('checks a range: real days 2000–2099, forward, at most 400 days', () => {
    expect(reason('2026-11-26', '2026-11-26')).toBe('ok');
    expect(reason('2024-02-29', '2024-03-01')).toBe('ok');
    expect(reason('2026-02-29', '2026-03-01')).toBe('bad_date');
    expect(reason('2026-04-31', '2026-05-01')).toBe('bad_date');
    expect(reason('1999-12-31', '2000-01-01')).toBe('bad_date');
    expect(reason('2099-12-31', '2100-01-01')).toBe('bad_date');
    expect(reason('2026-11-27', '2026-11-26')).toBe('backwards');
    expect(reason('2025-10-23', '2026-11-26')).toBe('ok');
    expect(reason('2025-10-22', '2026-11-26')).toBe('too_long');
    expect(parseReportDay('2026-1-1')).toBeNull();
    expect(checkRange('2026-01-01', '2026-12-31')).toBe(365);
  });

  it('splits into whole months and days; a month mostly inside is read whole less the days outside', () => {
    expect(splitRange('2026-02-01', '2026-02-28')).toEqual([{ sign: 1, months: ['2026-02'] }]);
    expect(splitRange('2026-01-02', '2026-04-10')).toEqual([
      { sign: 1, months: ['2026-01', '2026-02', '2026-03'] },
      { sign: 1, from: '2026-04-01', to: '2026-04-10' },
      { sign: -1, from: '2026-01-01', to: '2026-01-01' },
    ]);
    expect(splitRange('2026-01-20', '2026-02-10')).toEqual([{ sign: 1, from: '2026-01-20', to: '2026-02-10' }]);
    expect(splitRange('2026-11-26', '2026-11-26')).toEqual([{ sign: 1, from: '2026-11-26', to: '2026-11-26' }]);
  });

  it('any split counts each day of the range once and no other day, reading at most 15 days by day per end', () => {
    const day = fc.integer({ min: 0, max: 3_000 }).map((n) => addDays('2024-01-01', n));
    fc.assert(
      fc.property(day, fc.integer({ min: 0, max: 399 }), (from, len) => {
        const to = addDays(from, len);
        const parts = splitRange(from, to);
        const days = coverage(parts);
        for (const [d, n] of days) expect([d, n]).toEqual([d, d >= from && d <= to ? 1 : 0]);
        for (let d = from; d <= to; d = addDays(d, 1)) expect(days.get(d)).toBe(1);
        const byDay = parts
          .filter((p): p is Extract<RangePart, { from: string }> => 'from' in p)
          .reduce((s, p) => s + checkRange(p.from, p.to), 0);
        expect(byDay).toBeLessThanOrEqual(30);
      }),
      { numRuns: 400 },
    );
  });

  it('presets from the business day (weeks start on Monday) and hand-typed ranges', () => {
    // 2026-11-26 is a Thursday
    expect(presetRange('today', '2026-11-26')).toEqual({ from: '2026-11-26', to: '2026-11-26' });
    expect(presetRange('yesterday', '2026-03-01')).toEqual({ from: '2026-02-28', to: '2026-02-28' });
    expect(presetRange('week', '2026-11-26')).toEqual({ from: '2026-11-23', to: '2026-11-26' });
    expect(presetRange('week', '2026-11-23')).toEqual({ from: '2026-11-23', to: '2026-11-23' });
    expect(presetRange('week', '2026-11-29')).toEqual({ from: '2026-11-23', to: '2026-11-29' });
    expect(presetRange('month', '2026-11-26')).toEqual({ from: '2026-11-01', to: '2026-11-26' });
    expect(presetRange('lastMonth', '2026-03-15')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(presetRange('lastMonth', '2026-01-05')).toEqual({ from: '2025-12-01', to: '2025-12-31' });
    expect(rangeProblem({ from: '2026-11-01', to: '2026-11-26' })).toBeNull();
    expect(rangeProblem({ from: '', to: '2026-11-26' })).toBe('bad_date');
    expect(rangeProblem({ from: '2026-11-27', to: '2026-11-26' })).toBe('backwards');
    expect(rangeProblem({ from: '2025-01-01', to: '2026-11-26' })).toBe('too_long');
    expect(money(123456789)).toBe('¥1,234,567.89');
    expect(money(-100000)).toBe('-¥1,000.00');
    expect(money(5)).toBe('¥0.05');
  });
});
