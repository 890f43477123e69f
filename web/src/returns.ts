// The pure logic of the periodic returns screens and of the block-list export (unit-tested):
// the completeness grid (agency rows × period columns, each cell with where a click leads), the
// counts of the overview, period names, the links of "return due" tasks; the block list's query,
// entry count, file name and field errors.
import { ApiError, query } from './api';
import type { Lang } from './i18n';
import type { Label } from './meta';

/** The states of a return's workflow, and "missing" for a period without a return. */
export const RETURN_STATES = ['approved', 'submitted', 'returned', 'draft', 'missing'] as const;

export type Counts = Record<(typeof RETURN_STATES)[number] | 'overdue', number>;

/** One period of one agency (GET /returns/{type}/completeness). */
export interface PeriodStatus {
  period: string;
  from: string;
  to: string;
  /** "missing" or the return's workflow state. */
  state: string;
  due_on: string;
  overdue: boolean;
  id?: number;
}

export interface AgencyPeriods {
  agency_id: number;
  agency: string;
  region: string;
  periods: PeriodStatus[];
}

export interface Completeness {
  type: string;
  label: Label;
  period: 'month' | 'quarter' | 'year';
  due_days: number;
  from?: number;
  to?: number;
  expected: number;
  counts: Partial<Record<string, number>>;
  complete: number;
  agencies: AgencyPeriods[];
}

/** One return type of GET /returns. */
export interface ReturnOverview {
  type: string;
  label: Label;
  period: 'month' | 'quarter' | 'year';
  due_days: number;
  agency_types: string[];
  expected: number;
  counts: Partial<Record<string, number>>;
  complete: number;
  may_create: boolean;
}

/** The API leaves out the states no period is in: every count, 0 when absent. */
export function fullCounts(counts: Partial<Record<string, number>> | undefined): Counts {
  const out = { overdue: 0 } as Counts;
  for (const s of RETURN_STATES) out[s] = 0;
  for (const [k, v] of Object.entries(counts ?? {})) if (typeof v === 'number' && k in out) out[k as keyof Counts] = v;
  return out;
}

/** The share approved, as a whole percentage (floored, so that 99.6 % is not shown as complete). */
export function completePercent(complete: number): number {
  if (!Number.isFinite(complete) || complete <= 0) return 0;
  if (complete >= 1) return 100;
  return Math.floor(complete * 100);
}

export function recordHref(type: string, id: number): string {
  return `/records/${type}/${id}`;
}

/** The new-return form with the period filled in. */
export function newReturnHref(type: string, period: string): string {
  return `/records/${type}/new${query({ period })}`;
}

export interface GridCell {
  period: string;
  state: string;
  overdue: boolean;
  due_on: string;
  id?: number;
  /** Where a click leads: the return, the new-return form (missing, for one who may create), or nowhere. */
  href?: string;
  action: 'open' | 'create' | 'none';
}

export interface GridRow {
  agencyId: number;
  agency: string;
  region: string;
  /** One per column, in the columns' order; undefined where the agency owes no such period. */
  cells: Array<GridCell | undefined>;
  approved: number;
  owed: number;
}

export interface Grid {
  /** Period codes, oldest first. */
  columns: string[];
  rows: GridRow[];
}

/**
 * The completeness grid: every period any agency owes is a column (oldest first), every agency a
 * row (by region, then name). A cell with a return opens it; a missing one opens the new-return
 * form with its period when the user may create returns (a data manager, for their own agency).
 */
export function buildGrid(c: Completeness, mayCreate: boolean): Grid {
  const from = new Map<string, string>();
  for (const a of c.agencies) for (const p of a.periods) if (!from.has(p.period)) from.set(p.period, p.from);
  const columns = [...from.keys()].sort((x, y) => (from.get(x)! < from.get(y)! ? -1 : from.get(x)! > from.get(y)! ? 1 : x < y ? -1 : 1));
  const agencies = [...c.agencies].sort((a, b) => a.region.localeCompare(b.region) || a.agency.localeCompare(b.agency) || a.agency_id - b.agency_id);
  const rows = agencies.map((a): GridRow => {
    const byPeriod = new Map(a.periods.map((p) => [p.period, p]));
    let approved = 0;
    const cells = columns.map((code): GridCell | undefined => {
      const p = byPeriod.get(code);
      if (!p) return undefined;
      if (p.state === 'approved') approved++;
      const cell: GridCell = { period: p.period, state: p.state, overdue: p.overdue, due_on: p.due_on, action: 'none' };
      if (typeof p.id === 'number' && p.id > 0) {
        cell.id = p.id;
        cell.href = recordHref(c.type, p.id);
        cell.action = 'open';
      } else if (p.state === 'missing' && mayCreate) {
        cell.href = newReturnHref(c.type, p.period);
        cell.action = 'create';
      }
      return cell;
    });
    return { agencyId: a.agency_id, agency: a.agency, region: a.region, cells, approved, owed: a.periods.length };
  });
  return { columns, rows };
}

/** The years the grid may show: from the first period owed to this year, latest first. */
export function returnYears(since: string | undefined, today: string): number[] {
  const last = Number(today.slice(0, 4));
  const first = Math.min(last, Number((since ?? '').slice(0, 4)) || last);
  const out: number[] = [];
  for (let y = last; y >= first && out.length < 20; y--) out.push(y);
  return out;
}

/** The year the grid opens on: the last one with periods owed (this year owes none in January). */
export function defaultReturnYear(period: 'month' | 'quarter' | 'year' | undefined, today: string): number {
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7));
  if (period === 'year') return y - 1;
  if (period === 'quarter') return m <= 3 ? y - 1 : y;
  return m <= 1 ? y - 1 : y;
}

const AZ_MONTHS_SHORT = ['yan', 'fev', 'mar', 'apr', 'may', 'iyn', 'iyl', 'avq', 'sen', 'okt', 'noy', 'dek'];
const AZ_MONTHS = ['yanvar', 'fevral', 'mart', 'aprel', 'may', 'iyun', 'iyul', 'avqust', 'sentyabr', 'oktyabr', 'noyabr', 'dekabr'];
const ROMAN = ['I', 'II', 'III', 'IV'];
const LOCALES: Record<Lang, string> = { az: 'az-Latn-AZ', en: 'en-GB', ru: 'ru-RU' };

function monthName(year: number, month: number, lang: Lang, style: 'short' | 'long'): string {
  if (lang === 'az') return (style === 'short' ? AZ_MONTHS_SHORT : AZ_MONTHS)[month - 1] ?? String(month);
  return new Intl.DateTimeFormat(LOCALES[lang], { month: style, timeZone: 'UTC' }).format(new Date(Date.UTC(year, month - 1, 1)));
}

/** A period's column heading within one year: "mar", "I rüb", "2019". */
export function periodHeading(code: string, lang: Lang): string {
  let m = /^(\d{4})-(\d{2})$/.exec(code);
  if (m) return monthName(Number(m[1]), Number(m[2]), lang, 'short').replace(/\.$/, '');
  m = /^(\d{4})-Q([1-4])$/.exec(code);
  if (m) {
    const q = Number(m[2]);
    return lang === 'en' ? `Q${q}` : lang === 'ru' ? `${ROMAN[q - 1]} кв.` : `${ROMAN[q - 1]} rüb`;
  }
  return code;
}

/** A period in full: "mart 2019", "March 2019", "I rüb 2019", "Q1 2019", "2019". */
export function periodName(code: string, lang: Lang): string {
  let m = /^(\d{4})-(\d{2})$/.exec(code);
  if (m) {
    return `${monthName(Number(m[1]), Number(m[2]), lang, 'long')} ${m[1]}`;
  }
  m = /^(\d{4})-Q([1-4])$/.exec(code);
  if (m) return `${periodHeading(code, lang)} ${m[1]}`;
  return code;
}

/** An item of a "return_due" task group (GET /tasks): a period whose return is missing, a draft or returned. */
export interface ReturnDueItem {
  period: string;
  due_at: string;
  overdue: boolean;
  state?: string;
  id?: number;
}

/** A return-due task opens the return when there is one (draft, returned), else the new-return form. */
export function returnTaskHref(type: string, item: ReturnDueItem): string {
  return typeof item.id === 'number' && item.id > 0 ? recordHref(type, item.id) : newReturnHref(type, item.period);
}

// ---- The block list (O1) ----

/** The block list's address: the recipient trimmed (a blank one is refused by the server, naming it). */
export function blockListPath(recipient: string, date: string): string {
  return `/block-list${query({ recipient: recipient.trim(), date: date.trim() })}`;
}

/** The X-Entries header: the number of addresses in the file. */
export function parseEntries(header: string | null | undefined): number | undefined {
  if (header == null || !/^\s*\d+\s*$/.test(header)) return undefined;
  return Number(header);
}

/** The file's name from Content-Disposition, else block-list-<date>.txt; never a path. */
export function downloadName(contentDisposition: string | null | undefined, date: string): string {
  const m = /filename="?([^";]+)"?/i.exec(contentDisposition ?? '');
  const name = m?.[1]?.trim().replace(/[/\\]/g, '_');
  return name || `block-list-${date || 'today'}.txt`;
}

/** The block-list form's fields a 422 names (shown at the field); the other errors are shown above. */
export const BLOCK_LIST_FIELDS = ['recipient', 'date'] as const;
export type BlockListField = (typeof BLOCK_LIST_FIELDS)[number];

export function blockListErrors(error: unknown): { fields: BlockListField[]; other: string[] } {
  if (!(error instanceof ApiError) || error.errors.length === 0) return { fields: [], other: [] };
  const fields: BlockListField[] = [];
  const other: string[] = [];
  for (const e of error.errors) {
    const f = BLOCK_LIST_FIELDS.find((x) => x === e.field);
    if (f) {
      if (!fields.includes(f)) fields.push(f);
    } else other.push((e.field ? `${e.field}: ` : '') + (e.message || e.code));
  }
  return { fields, other };
}
