// The date picker's pure logic (unit-tested): a month's grid of days (weeks from Monday), moving
// by day, week, month and year (the day kept within the month, e.g. 31 January + 1 month =
// 28/29 February), the limits (min / max), and the month and weekday names in the page's language
// from Intl — with Azerbaijani spelt here when the browser's ICU data lacks it ("M01").
import type { Lang } from './i18n';

export interface CalendarDay {
  iso: string;
  day: number;
  /** Whether the day belongs to the month shown (the grid begins and ends with the neighbours' days). */
  inMonth: boolean;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

export function isoOf(y: number, m: number, d: number): string {
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
}

/** yyyy-mm-dd -> [y, m, d], or undefined for anything else (a partial date, a date-time). */
export function partsOf(iso: unknown): [number, number, number] | undefined {
  if (typeof iso !== 'string') return undefined;
  const r = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!r) return undefined;
  const [y, m, d] = [Number(r[1]), Number(r[2]), Number(r[3])];
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return undefined;
  return [y, m, d];
}

export function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function utc(iso: string): Date {
  const [y, m, d] = partsOf(iso)!;
  const t = new Date(Date.UTC(2000, m - 1, d));
  t.setUTCFullYear(y);
  return t;
}

function fromUtc(t: Date): string {
  return isoOf(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/** Monday 0 … Sunday 6. */
export function weekdayIndex(iso: string): number {
  return (utc(iso).getUTCDay() + 6) % 7;
}

export function addDays(iso: string, n: number): string {
  const t = utc(iso);
  t.setUTCDate(t.getUTCDate() + n);
  return fromUtc(t);
}

/** n months on; a day the month has not becomes its last day. */
export function addMonths(iso: string, n: number): string {
  const [y, m, d] = partsOf(iso)!;
  const k = y * 12 + (m - 1) + n;
  const [ny, nm] = [Math.floor(k / 12), (k % 12) + 1];
  return isoOf(ny, nm, Math.min(d, daysInMonth(ny, nm)));
}

/** The weeks (Monday first) that show the month of `iso`. */
export function monthGrid(year: number, month: number): CalendarDay[][] {
  const first = isoOf(year, month, 1);
  let day = addDays(first, -weekdayIndex(first));
  const weeks: CalendarDay[][] = [];
  do {
    const week: CalendarDay[] = [];
    for (let i = 0; i < 7; i++) {
      const [, m, d] = partsOf(day)!;
      week.push({ iso: day, day: d, inMonth: m === month });
      day = addDays(day, 1);
    }
    weeks.push(week);
  } while (partsOf(day)![1] === month);
  return weeks;
}

export function inRange(iso: string, min?: string, max?: string): boolean {
  return (!min || iso >= min) && (!max || iso <= max);
}

export function clampDay(iso: string, min?: string, max?: string): string {
  if (min && iso < min) return min;
  if (max && iso > max) return max;
  return iso;
}

/** Where a key moves the focused day; undefined for a key the grid does not take. */
export function keyMove(iso: string, key: string, shift = false): string | undefined {
  switch (key) {
    case 'ArrowLeft':
      return addDays(iso, -1);
    case 'ArrowRight':
      return addDays(iso, 1);
    case 'ArrowUp':
      return addDays(iso, -7);
    case 'ArrowDown':
      return addDays(iso, 7);
    case 'Home':
      return addDays(iso, -weekdayIndex(iso));
    case 'End':
      return addDays(iso, 6 - weekdayIndex(iso));
    case 'PageUp':
      return addMonths(iso, shift ? -12 : -1);
    case 'PageDown':
      return addMonths(iso, shift ? 12 : 1);
    default:
      return undefined;
  }
}

/** The day a calendar opens on: the field's day, else today — within the limits. */
export function startDay(value: unknown, today: string, min?: string, max?: string): string {
  let day = partsOf(value) ? (value as string) : undefined;
  if (!day && typeof value === 'string') {
    // A date-time: its day (in UTC is near enough to open on; the field keeps the typed time).
    const r = /^(\d{4}-\d{2}-\d{2})T/.exec(value);
    if (r && partsOf(r[1])) day = r[1];
    // A partial date: its first day.
    const p = /^(\d{4})(?:-(\d{2}))?$/.exec(value);
    if (p) day = isoOf(Number(p[1]), p[2] ? Number(p[2]) : 1, 1);
  }
  return clampDay(day ?? today, min, max);
}

const AZ_MONTHS = ['yanvar', 'fevral', 'mart', 'aprel', 'may', 'iyun', 'iyul', 'avqust', 'sentyabr', 'oktyabr', 'noyabr', 'dekabr'];
const AZ_DAYS_LONG = ['bazar ertəsi', 'çərşənbə axşamı', 'çərşənbə', 'cümə axşamı', 'cümə', 'şənbə', 'bazar'];
const AZ_DAYS_SHORT = ['B.e.', 'Ç.a.', 'Ç.', 'C.a.', 'C.', 'Ş.', 'B.'];
const LOCALES: Record<Lang, string> = { az: 'az-Latn-AZ', en: 'en-GB', ru: 'ru-RU' };

function capital(s: string): string {
  return s.charAt(0).toLocaleUpperCase() + s.slice(1);
}

export interface CalendarNames {
  /** January … December, as a month stands alone ("Январь", "Yanvar"). */
  months: string[];
  /** Monday … Sunday, in full (for screen readers). */
  daysLong: string[];
  /** Monday … Sunday, short (column heads). */
  daysShort: string[];
}

/**
 * Month and weekday names from Intl. `intl` is replaceable for the tests (a browser without the
 * Azerbaijani data answers "M01" or English: the names spelt here are used then).
 */
export function calendarNames(lang: Lang, intl: typeof Intl.DateTimeFormat = Intl.DateTimeFormat): CalendarNames {
  const loc = LOCALES[lang];
  const month = (m: number, f: Intl.DateTimeFormat) => f.format(new Date(Date.UTC(2021, m, 1)));
  // 2021-03-01 was a Monday.
  const day = (i: number, f: Intl.DateTimeFormat) => f.format(new Date(Date.UTC(2021, 2, 1 + i)));
  const idx = [0, 1, 2, 3, 4, 5, 6];
  const mi = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  let months: string[];
  let daysLong: string[];
  let daysShort: string[];
  try {
    const mf = new intl(loc, { month: 'long', timeZone: 'UTC' });
    const lf = new intl(loc, { weekday: 'long', timeZone: 'UTC' });
    const sf = new intl(loc, { weekday: 'short', timeZone: 'UTC' });
    months = mi.map((m) => capital(month(m, mf)));
    daysLong = idx.map((i) => day(i, lf));
    daysShort = idx.map((i) => capital(day(i, sf)));
  } catch {
    months = [];
    daysLong = [];
    daysShort = [];
  }
  if (lang === 'az') {
    // Incomplete data: numbered months ("M01"), English names, or nothing at all.
    const en = mi.map((m) => capital(month(m, new Intl.DateTimeFormat('en-GB', { month: 'long', timeZone: 'UTC' }))));
    const bad = months.length !== 12 || months.some((m, i) => /\d/.test(m) || m === en[i]) || months[0]!.toLocaleLowerCase('az') !== 'yanvar';
    if (bad) months = AZ_MONTHS.map(capital);
    const enDays = idx.map((i) => day(i, new Intl.DateTimeFormat('en-GB', { weekday: 'long', timeZone: 'UTC' })));
    if (daysLong.length !== 7 || daysLong.some((d, i) => d === enDays[i] || /\d/.test(d)) || bad) {
      daysLong = [...AZ_DAYS_LONG];
      daysShort = [...AZ_DAYS_SHORT];
    }
  }
  return { months, daysLong, daysShort };
}

/** "10 March 2019" for a screen reader (the day, month and year the button picks). */
export function dayLabel(iso: string, names: CalendarNames, lang: Lang): string {
  const [y, m, d] = partsOf(iso)!;
  const wd = names.daysLong[weekdayIndex(iso)];
  const month = names.months[m - 1]!;
  if (lang === 'ru') {
    // Russian names a day with the genitive month ("10 марта 2019").
    try {
      const t = new Date(Date.UTC(2000, m - 1, d));
      t.setUTCFullYear(y);
      return `${wd}, ${new Intl.DateTimeFormat('ru-RU', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(t)}`;
    } catch {
      // the nominative then
    }
  }
  return `${wd}, ${d} ${lang === 'az' ? month.toLocaleLowerCase('az') : month} ${y}`;
}
