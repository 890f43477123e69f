// The year the statistics pages open on (pure; unit-tested): the latest year that has data, not
// the current year, which early in the year (and on a register filled with history) is all zeros.

/** What a figure of one year says about having data (GET /statistics/indicators/{id}). */
export interface YearFigure {
  available?: boolean;
  value: number | null;
  suppressed?: boolean;
}

/** The years to look at, newest first: this year and the `span - 1` before it. */
export function recentYears(thisYear: number, span = 10): number[] {
  return Array.from({ length: span }, (_, i) => thisYear - i);
}

/** A figure with something behind it: marked available, a count above zero, or held back ("<5"). */
export function hasData(f: YearFigure | undefined): boolean {
  if (!f) return false;
  return f.available === true || (typeof f.value === 'number' && f.value > 0) || f.suppressed === true;
}

/**
 * The latest of `years` whose figure (same order) has data; none has any (or none answered):
 * last year, the latest complete one.
 */
export function latestYearWithData(years: readonly number[], figures: ReadonlyArray<YearFigure | undefined>, thisYear: number): number {
  let best: number | undefined;
  years.forEach((y, i) => {
    if (hasData(figures[i]) && (best === undefined || y > best)) best = y;
  });
  return best ?? thisYear - 1;
}
