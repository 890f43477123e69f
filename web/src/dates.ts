// Dates typed and shown as dd.mm.yyyy in every language (pure; unit-tested). The browser's own
// date controls follow the browser's locale (mm/dd/yyyy, AM/PM) whatever the page's language, so
// date fields are text fields read here; the API still gets ISO (yyyy-mm-dd, partial yyyy-mm or
// yyyy where the schema allows, RFC 3339 instants in UTC).
//
// Accepted: 10.03.2019, 10/03/2019, 10-03-2019, 1.3.2019 (day first), and ISO 2019-03-10 (pasted
// or typed by habit), 10032019 (digits only, from a phone's number pad); partial: 03.2019, 3.2019, 2019-03, 2019. Two-digit years are refused (which
// century?). A day the calendar has not (31.02.2019), month 13, letters: refused with a reason.

export type DateError = 'format' | 'month' | 'day' | 'year' | 'time';

export interface DateParse {
  /** The ISO value, or undefined for an empty text (or a refusal). */
  value?: string;
  error?: DateError;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function check(y: number, m?: number, d?: number): DateError | undefined {
  if (y < 1000 || y > 9999) return 'year';
  if (m !== undefined && (m < 1 || m > 12)) return 'month';
  if (m !== undefined && d !== undefined && (d < 1 || d > daysIn(y, m))) return 'day';
  return undefined;
}

function iso(y: number, m?: number, d?: number): string {
  return [pad(y, 4), ...(m !== undefined ? [pad(m)] : []), ...(d !== undefined ? [pad(d)] : [])].join('-');
}

/**
 * A typed date -> ISO. `partial` allows a month (mm.yyyy, yyyy-mm) or a year alone (partial_date
 * fields). Whitespace around is ignored; an empty text is no value and no error.
 */
export function parseDate(text: string, partial = false): DateParse {
  const s = text.trim();
  if (s === '') return {};
  let y: number;
  let m: number | undefined;
  let d: number | undefined;
  let r: RegExpExecArray | null;
  if ((r = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/.exec(s)) || (r = /^(\d{2})(\d{2})(\d{4})$/.exec(s))) [d, m, y] = [Number(r[1]), Number(r[2]), Number(r[3])];
  else if ((r = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s))) [y, m, d] = [Number(r[1]), Number(r[2]), Number(r[3])];
  else if (partial && (r = /^(\d{1,2})[./](\d{4})$/.exec(s))) [m, y] = [Number(r[1]), Number(r[2])];
  else if (partial && (r = /^(\d{4})-(\d{1,2})$/.exec(s))) [y, m] = [Number(r[1]), Number(r[2])];
  else if (partial && /^\d{4}$/.test(s)) y = Number(s);
  else return { error: 'format' };
  const error = check(y, m, d);
  return error ? { error } : { value: iso(y, m, d) };
}

/** ISO (yyyy-mm-dd, yyyy-mm, yyyy) -> dd.mm.yyyy (mm.yyyy, yyyy); anything else as it is. */
export function displayDate(value: unknown): string {
  if (typeof value !== 'string') return '';
  let r: RegExpExecArray | null;
  if ((r = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value))) return `${r[3]}.${r[2]}.${r[1]}`;
  if ((r = /^(\d{4})-(\d{2})$/.exec(value))) return `${r[2]}.${r[1]}`;
  return value;
}

/** An RFC 3339 instant -> "dd.mm.yyyy HH:MM" in the browser's time zone (or `timeZone`). */
export function displayDateTime(value: unknown, timeZone?: string): string {
  if (typeof value !== 'string' || value === '') return '';
  const t = new Date(value);
  if (Number.isNaN(t.getTime())) return value;
  const parts: Record<string, string> = {};
  for (const p of new Intl.DateTimeFormat('en-GB', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    ...(timeZone ? { timeZone } : {}),
  }).formatToParts(t))
    parts[p.type] = p.value;
  return `${parts.day}.${parts.month}.${parts.year} ${pad(Number(parts.hour))}:${parts.minute}`;
}

/**
 * A typed date and time (dd.mm.yyyy HH:MM, also "dd.mm.yyyy, HH:MM" and the ISO local form
 * yyyy-mm-ddTHH:MM), read in the browser's time zone -> RFC 3339 in UTC, seconds precision.
 * A date alone is refused: the time matters (deadlines run from it).
 */
export function parseDateTime(text: string): DateParse {
  const s = text.trim();
  if (s === '') return {};
  const r = /^(.+?)(?:,\s*|\s+|T)(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(s);
  if (!r) return { error: /^[\d./-]+$/.test(s) && !parseDate(s).error ? 'time' : 'format' };
  const day = parseDate(r[1]!);
  if (day.error || !day.value) return { error: day.error ?? 'format' };
  const [h, min, sec] = [Number(r[2]), Number(r[3]), Number(r[4] ?? 0)];
  if (h > 23 || min > 59 || sec > 59) return { error: 'time' };
  const [y, m, d] = day.value.split('-').map(Number) as [number, number, number];
  const t = new Date(y, m - 1, d, h, min, sec);
  if (Number.isNaN(t.getTime())) return { error: 'format' };
  return { value: t.toISOString().replace(/\.\d{3}Z$/, 'Z') };
}

/** The same calendar day or instant (so that a value set from outside replaces the text). */
export function sameDate(text: string, value: unknown, kind: 'date' | 'partial_date' | 'datetime'): boolean {
  const parsed = kind === 'datetime' ? parseDateTime(text) : parseDate(text, kind === 'partial_date');
  if (value === undefined || value === null || value === '') return text.trim() === '' || parsed.error !== undefined;
  if (parsed.error) return text === value;
  if (kind === 'datetime' && typeof value === 'string') return parsed.value !== undefined && new Date(parsed.value).getTime() === new Date(value).getTime();
  return parsed.value === value;
}
