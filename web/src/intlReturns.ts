// The pure logic of the international returns page (S3, docs/international-returns.md;
// unit-tested): the addresses of GET /reports/international/{id} and of the CTDC file, the check
// of CTDC's k (a whole number, 11 or more), the counts the CTDC file's headers give, a table's
// columns (the international codes, then the value, what is published and — for SDG 16.2.2 — the
// population and the rate when the rows carry them), and the unmapped national codes by table.
import { query } from './api';
import type { MessageKey } from './i18n';

/** One return of GET /reports/international (the CTDC file has `k` and no tables). */
export interface ReturnItem {
  id: string;
  title: string;
  tables?: Array<{ id: string; label: string; measure: string }>;
  /** The CTDC file: its default (and smallest) k. */
  k?: number;
}

export interface ReturnRow {
  codes: Record<string, string>;
  value: number | null;
  published: string;
  /** SDG 16.2.2: the population of the row's group and victims per `rate_per` (100,000). */
  population?: number | null;
  rate?: number | null;
  /** The rate as published ("0.27", or "<0.05" where the value is published as "<5"); "" when none. */
  published_rate?: string;
}

export type Coverage = 'records' | 'total_only' | 'no_data';

export interface ReturnTable {
  id: string;
  label: string;
  measure: string;
  indicator: string;
  columns: string[];
  /** Each column in words (the national dimension's label), in the requested language. */
  column_labels?: Record<string, string>;
  coverage: Coverage | string;
  total: number | null;
  /** Rates per this many persons (SDG 16.2.2: 100000); 0 or absent when the table has none. */
  rate_per?: number;
  rows: ReturnRow[];
}

/** A national code a crosswalk does not map (the server names it `national_code`). */
export interface Unmapped {
  table: string;
  column: string;
  crosswalk?: string;
  national_code?: string;
  code?: string;
  rows: number;
}

/** A group of a table with a rate whose population the reference table does not state. */
export interface MissingPopulation {
  table: string;
  population: string;
  population_label?: string;
  year: number;
  codes: Record<string, string>;
}

/** GET /reports/international/{id}?format=json. */
export interface ReturnResult {
  return: string;
  year: number;
  country: string;
  title: string;
  notes?: string;
  small_values_below?: number;
  /** label: the measure in words (the server falls back to the code). */
  gaps?: Array<{ measure: string; label?: string; reason: string }>;
  unmapped?: Unmapped[];
  tables: ReturnTable[];
  /** Groups left without a rate (no population stated for them), never estimated. */
  no_population?: MissingPopulation[];
  /** The population tables the rates divide by, with their sources. */
  populations?: Array<{ id: string; label: string; source: string; columns?: string[] }>;
}

export const CTDC_ID = 'ctdc';
/** CTDC's k: never less (the server's rule), and at most this (the server refuses more). */
export const MIN_K = 11;
export const MAX_K = 1000;

export type ReturnFormat = 'json' | 'csv' | 'xlsx';
/** The files offered for a return of aggregates, in this order. */
export const RETURN_FORMATS: readonly ReturnFormat[] = ['csv', 'xlsx', 'json'];

/** Whether a listed return is the CTDC victim-level file (downloaded, not previewed). */
export function isCtdc(r: Pick<ReturnItem, 'id' | 'tables' | 'k'>): boolean {
  return r.id === CTDC_ID || (r.k !== undefined && (r.tables === undefined || r.tables.length === 0));
}

/** The API path (under /api/v1) of a return computed for a year, in a language and a format. */
export function returnPath(id: string, year: number | string, lang: string, format: ReturnFormat): string {
  return `/reports/international/${encodeURIComponent(id)}${query({ year, lang, format })}`;
}

/** The API path of the CTDC file of a year with k (or of its synthetic variant: counts per combination). */
export function ctdcPath(year: number | string, k: number, synthetic = false): string {
  return `/reports/international/${CTDC_ID}${query(synthetic ? { year, k, synthetic: 'true' } : { year, k })}`;
}

/**
 * The check of the k field before asking for the CTDC file: the whole number it holds, or the
 * message key saying what is wrong (empty; not a whole number; below 11; above 1000).
 */
export function checkK(text: string, min: number = MIN_K, max: number = MAX_K): { k: number } | { error: MessageKey } {
  const v = text.trim();
  if (v === '') return { error: 'ir.k_required' };
  if (!/^\d+$/.test(v)) return { error: 'ir.k_whole' };
  const k = Number(v);
  if (k < min) return { error: 'ir.k_min' };
  if (k > max) return { error: 'ir.k_max' };
  return { k };
}

/** The smallest k the server takes for a listed CTDC layout (its declared k, never below 11). */
export function minK(item: Pick<ReturnItem, 'k'>): number {
  return Math.max(item.k ?? MIN_K, MIN_K);
}

/** A non-negative whole number from a header; undefined when absent or not one. */
function count(v: string | null | undefined): number | undefined {
  if (v == null || !/^\s*\d+\s*$/.test(v)) return undefined;
  return Number(v);
}

/** How many rows the CTDC file holds and how many were suppressed (X-Ctdc-Rows, X-Ctdc-Suppressed). */
export function ctdcCounts(headers: Pick<Headers, 'get'>): { rows?: number; suppressed?: number } {
  const rows = count(headers.get('X-Ctdc-Rows'));
  const suppressed = count(headers.get('X-Ctdc-Suppressed'));
  return { ...(rows !== undefined ? { rows } : {}), ...(suppressed !== undefined ? { suppressed } : {}) };
}

/** The file name of a download: the server's Content-Disposition, else `fallback`. */
export function downloadName(contentDisposition: string | null | undefined, fallback: string): string {
  const m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(contentDisposition ?? '');
  if (!m?.[1]) return fallback;
  try {
    return decodeURIComponent(m[1]).replace(/[/\\]/g, '_');
  } catch {
    return m[1].replace(/[/\\]/g, '_');
  }
}

/** The extra columns of a table whose rows carry them (SDG 16.2.2: population, rate). */
export function extraColumns(t: Pick<ReturnTable, 'rows'> & { rate_per?: number }): Array<'population' | 'rate'> {
  const out: Array<'population' | 'rate'> = [];
  if ((t.rate_per ?? 0) > 0 || t.rows.some((r) => r.population !== undefined)) out.push('population');
  if ((t.rate_per ?? 0) > 0 || t.rows.some((r) => r.rate !== undefined || r.published_rate !== undefined)) out.push('rate');
  return out;
}

/** The words for a table's coverage other than "records" (message key), or undefined. */
export function coverageKey(coverage: string): MessageKey | undefined {
  if (coverage === 'records') return undefined;
  if (coverage === 'total_only') return 'ir.coverage_total_only';
  if (coverage === 'no_data') return 'ir.coverage_no_data';
  return 'ir.coverage_other';
}

/** The label key of a column of international codes the page knows (form, sex, age, citizenship…). */
export function columnKey(column: string): MessageKey | undefined {
  const known: Record<string, MessageKey> = {
    form: 'ir.col_form',
    sex: 'ir.col_sex',
    age: 'ir.col_age',
    citizenship: 'ir.col_citizenship',
    country: 'ir.col_country',
    country_of_exploitation: 'ir.col_country_of_exploitation',
    reporting_entity: 'ir.col_reporting_entity',
    role: 'ir.col_role',
  };
  return known[column];
}

/** The unmapped national codes, each with its table's label (the table's id when not listed). */
export function unmappedRows(r: Pick<ReturnResult, 'unmapped' | 'tables'>): Array<{ table: string; tableLabel: string; column: string; code: string; rows: number }> {
  const labels = new Map(r.tables.map((t) => [t.id, t.label]));
  return (r.unmapped ?? []).map((u) => ({
    table: u.table,
    tableLabel: labels.get(u.table) ?? u.table,
    column: u.column,
    code: u.national_code ?? u.code ?? '',
    rows: u.rows,
  }));
}

/** The groups left without a rate, each with its table's label and its codes as "Sex: Female, Age: 0-17". */
export function missingPopulations(
  r: Pick<ReturnResult, 'no_population' | 'tables'>,
  columnLabel: (column: string) => string = (c) => c,
): Array<{ tableLabel: string; population: string; year: number; codes: string }> {
  const labels = new Map(r.tables.map((t) => [t.id, t.label]));
  return (r.no_population ?? []).map((m) => ({
    tableLabel: labels.get(m.table) ?? m.table,
    population: m.population_label || m.population,
    year: m.year,
    codes: Object.entries(m.codes ?? {})
      .map(([c, v]) => `${columnLabel(c)}: ${v}`)
      .join(', '),
  }));
}

/**
 * A row's rate as shown: the published rate when the server gives one ("0.27" in the language's
 * digits, "<0.05" kept below), else the rate itself to two decimals, else a dash (no population).
 */
export function rateText(row: Pick<ReturnRow, 'rate' | 'published_rate'>, formatDecimal: (n: number) => string): string {
  const p = row.published_rate;
  if (typeof p === 'string' && p !== '') {
    const m = /^(<?)(\d+(?:\.\d+)?)$/.exec(p.trim());
    return m ? `${m[1]}${formatDecimal(Number(m[2]))}` : p;
  }
  return typeof row.rate === 'number' ? formatDecimal(row.rate) : '—';
}

/** A published cell as shown: a whole number in the language's digits, else as published ("<5"). */
export function publishedText(published: string | null | undefined, formatNumber: (n: number) => string): string {
  if (published === null || published === undefined || published === '') return '—';
  return /^\d+$/.test(published) ? formatNumber(Number(published)) : published;
}

/**
 * A sentence's first letter in lower case, to follow "because …" (the server words a gap's reason
 * as a sentence): left as it is when the second letter is a capital too (an acronym, "UNODC").
 * Azerbaijani and Turkish lower-case "I" as "ı" — hence the locale.
 */
export function lowerFirst(s: string, locale: string): string {
  const chars = Array.from(s);
  const [first, second] = chars;
  if (!first) return s;
  if (second && second !== second.toLocaleLowerCase(locale) && second === second.toLocaleUpperCase(locale)) return s;
  return first.toLocaleLowerCase(locale) + chars.slice(1).join('');
}
