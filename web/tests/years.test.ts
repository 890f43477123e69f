import { describe, expect, it } from 'vitest';
import { hasData, latestYearWithData, recentYears } from '../src/years';

describe('the year the statistics open on', () => {
  it('looks at this year and the nine before it', () => {
    expect(recentYears(2026)).toEqual([2026, 2025, 2024, 2023, 2022, 2021, 2020, 2019, 2018, 2017]);
  });

  it('a year has data when the figure is available, above zero or held back', () => {
    expect(hasData({ available: false, value: 0 })).toBe(false);
    expect(hasData({ value: 0 })).toBe(false);
    expect(hasData(undefined)).toBe(false);
    expect(hasData({ available: true, value: 0 })).toBe(true);
    expect(hasData({ value: 3 })).toBe(true);
    expect(hasData({ value: null, suppressed: true })).toBe(true);
  });

  it('the latest year with data, not the current year of zeros', () => {
    const years = recentYears(2026, 8); // 2026 .. 2019
    const figs = years.map((y) => (y === 2020 ? { value: 66 } : y === 2019 ? { value: 91 } : { available: false, value: 0 }));
    expect(latestYearWithData(years, figs, 2026)).toBe(2020);
  });

  it('nothing anywhere (or nothing answered): last year', () => {
    expect(latestYearWithData([2026, 2025], [{ value: 0 }, undefined], 2026)).toBe(2025);
    expect(latestYearWithData([], [], 2026)).toBe(2025);
  });
});
