// Locale-aware dates, numbers and money (pure; unit-tested). Dates (YYYY-MM-DD) are calendar
// days and shown as such (UTC); date-times are instants and shown in the browser's time zone.
import type { Lang } from './i18n';

const LOCALES: Record<Lang, string> = { az: 'az-Latn-AZ', en: 'en-GB', ru: 'ru-RU' };

export function locale(lang: Lang): string {
  return LOCALES[lang];
}

export function formatNumber(n: number, lang: Lang, digits?: number): string {
  const options = digits === undefined ? {} : { minimumFractionDigits: digits, maximumFractionDigits: digits };
  if (lang === 'az') {
    // Azerbaijani writes 1.234.567,5; browsers without the az data would give 1,234,567.5.
    return new Intl.NumberFormat('en-US', options)
      .formatToParts(n)
      .map((p) => (p.type === 'group' ? '.' : p.type === 'decimal' ? ',' : p.value))
      .join('');
  }
  return new Intl.NumberFormat(locale(lang), options).format(n);
}

/** Money is stored in qəpik (1/100 manat); typing manat is src/money.ts. */
export function formatMoney(qepik: number, lang: Lang): string {
  return `${formatNumber(qepik / 100, lang, 2)} ₼`;
}

// Browsers' ICU data for Azerbaijani is often incomplete ("2020 M12"): months are spelt here.
const AZ_MONTHS = ['yanvar', 'fevral', 'mart', 'aprel', 'may', 'iyun', 'iyul', 'avqust', 'sentyabr', 'oktyabr', 'noyabr', 'dekabr'];

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

export function formatDate(iso: string, lang: Lang): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return iso;
  if (lang === 'az') return `${Number(m[3])} ${AZ_MONTHS[Number(m[2]) - 1]} ${m[1]}`;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return new Intl.DateTimeFormat(locale(lang), { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(d);
}

/** 1990, 1990-05 or 1990-05-17. */
export function formatPartialDate(v: string, lang: Lang): string {
  if (/^\d{4}$/.test(v)) return v;
  const m = /^(\d{4})-(\d{2})$/.exec(v);
  if (m) {
    if (lang === 'az') return `${AZ_MONTHS[Number(m[2]) - 1]} ${m[1]}`;
    const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
    return new Intl.DateTimeFormat(locale(lang), { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(d);
  }
  return formatDate(v, lang);
}

export function isPartialDate(v: string): boolean {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(v);
  if (!m) return false;
  if (m[2] && (Number(m[2]) < 1 || Number(m[2]) > 12)) return false;
  if (m[3]) {
    const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    if (d.getUTCDate() !== Number(m[3])) return false;
  }
  return true;
}

export function formatDateTime(iso: string, lang: Lang, timeZone?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  if (lang === 'az') {
    const parts: Record<string, string> = {};
    for (const p of new Intl.DateTimeFormat('en-GB', {
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      ...(timeZone ? { timeZone } : {}),
    }).formatToParts(d))
      parts[p.type] = p.value;
    return `${Number(parts.day)} ${AZ_MONTHS[Number(parts.month) - 1]} ${parts.year}, ${pad2(Number(parts.hour))}:${parts.minute}`;
  }
  return new Intl.DateTimeFormat(locale(lang), {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    ...(timeZone ? { timeZone } : {}),
  }).format(d);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** An RFC 3339 instant -> the value of an <input type="datetime-local"> in the browser's zone. */
export function toLocalInput(iso: unknown): string {
  if (typeof iso !== 'string' || !iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** <input type="datetime-local"> value (local time) -> RFC 3339 in UTC, seconds precision. */
export function fromLocalInput(v: string): string | undefined {
  if (!v) return undefined;
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) return undefined;
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function todayIso(now: Date = new Date()): string {
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

export function nowIso(now: Date = new Date()): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
