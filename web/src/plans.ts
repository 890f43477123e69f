// The pure logic of the action-plan dashboard (docs/prevention-plans-cooperation.md, P3; unit-
// tested): a plan's measures as rows (text in the user's language, overdue, the latest progress
// report), grouped by chapter in the order of their numbers, the totals by responsible body, the
// plan's years, and the links the page offers (the implementation report, a new progress report).
import { query, type RecordBody } from './api';
import { fieldText } from './deadlines';
import type { Lang } from './i18n';

/** The states of a measure's workflow. */
export const MEASURE_STATES = ['open', 'done', 'not_done'] as const;

/** The latest progress report on a measure. */
export interface ReportSummary {
  id: number;
  /** The report's workflow state: submitted, accepted, returned. */
  state: string;
  /** What the report says of the measure (list measure_status): done, in_progress, not_started. */
  status: string;
  period: string;
  submittedOn: string;
}

export interface MeasureRow {
  id: number;
  number: string;
  chapter: string;
  text: string;
  responsibleBody: string;
  dueOn: string;
  /** The due year, when the measure has one (a measure may have a year and no day). */
  dueYear?: number;
  nextReportDue: string;
  state: string;
  overdue: boolean;
  latest?: ReportSummary;
}

export interface ChapterGroup {
  chapter: string;
  measures: MeasureRow[];
}

export interface BodyTotals {
  body: string;
  done: number;
  open: number;
  not_done: number;
  /** Open measures past their due day (counted among the open ones too). */
  overdue: number;
  total: number;
}


/** A plan's or a measure's text in a language: `<field>_<lang>`, else the Azerbaijani one. */
export function localText(data: Record<string, unknown>, field: string, lang: Lang): string {
  return fieldText(data[`${field}_${lang}`]) || fieldText(data[`${field}_az`]);
}

/** A measure is overdue while open after its due day (the day itself still counts as in time). */
export function isOverdue(state: string | undefined, dueOn: string, today: string): boolean {
  return state === 'open' && /^\d{4}-\d{2}-\d{2}$/.test(dueOn) && dueOn < today;
}

/** Measure numbers in their natural order: 2 < 10, 7.2 < 7.11, "7.1a" after "7.1". */
export function compareNumbers(a: string, b: string): number {
  const pa = a.split(/(\d+)/);
  const pb = b.split(/(\d+)/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    if (x === y) continue;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny) return Number(x) - Number(y) || x.length - y.length;
    return x < y ? -1 : 1;
  }
  return 0;
}

/** The latest report of each measure: the last submitted, the higher id on the same day. */
export function latestReports(reports: RecordBody[]): Map<number, ReportSummary> {
  const out = new Map<number, ReportSummary>();
  for (const r of reports) {
    const measure = r.data.measure;
    if (typeof measure !== 'number') continue;
    const s: ReportSummary = {
      id: r.id,
      state: r.state ?? '',
      status: fieldText(r.data.status),
      period: fieldText(r.data.period),
      submittedOn: fieldText(r.data.submitted_on),
    };
    const had = out.get(measure);
    if (!had || s.submittedOn > had.submittedOn || (s.submittedOn === had.submittedOn && s.id > had.id)) out.set(measure, s);
  }
  return out;
}

/** The rows of the dashboard's table from the measures (and their reports), in number order. */
export function measureRows(measures: RecordBody[], reports: Map<number, ReportSummary>, lang: Lang, today: string): MeasureRow[] {
  return measures
    .map((m) => {
      const row: MeasureRow = {
        id: m.id,
        number: fieldText(m.data.number),
        chapter: fieldText(m.data.chapter),
        text: localText(m.data, 'text', lang),
        responsibleBody: fieldText(m.data.responsible_body),
        dueOn: fieldText(m.data.due_on),
        nextReportDue: fieldText(m.data.next_report_due),
        state: m.state ?? '',
        overdue: isOverdue(m.state, fieldText(m.data.due_on), today),
      };
      if (typeof m.data.due_year === 'number') row.dueYear = m.data.due_year;
      const latest = reports.get(m.id);
      if (latest) row.latest = latest;
      return row;
    })
    .sort((a, b) => compareNumbers(a.number, b.number) || a.id - b.id);
}

/**
 * The rows by chapter: chapters in the order of their first measure's number, measures in number
 * order within each; measures without a chapter last (chapter "").
 */
export function groupByChapter(rows: MeasureRow[]): ChapterGroup[] {
  const sorted = [...rows].sort((a, b) => compareNumbers(a.number, b.number) || a.id - b.id);
  const groups = new Map<string, MeasureRow[]>();
  for (const r of sorted) {
    const list = groups.get(r.chapter);
    if (list) list.push(r);
    else groups.set(r.chapter, [r]);
  }
  const out = [...groups.entries()].map(([chapter, measures]) => ({ chapter, measures }));
  return [...out.filter((g) => g.chapter !== ''), ...out.filter((g) => g.chapter === '')];
}

/** Done, open, not done and overdue measures of each responsible body, by body name. */
export function bodyTotals(rows: MeasureRow[], lang: Lang): BodyTotals[] {
  const by = new Map<string, BodyTotals>();
  for (const r of rows) {
    const body = r.responsibleBody;
    let t = by.get(body);
    if (!t) by.set(body, (t = { body, done: 0, open: 0, not_done: 0, overdue: 0, total: 0 }));
    t.total++;
    if (r.state === 'done') t.done++;
    else if (r.state === 'not_done') t.not_done++;
    else t.open++;
    if (r.overdue) t.overdue++;
  }
  return [...by.values()].sort((a, b) => a.body.localeCompare(b.body, lang));
}

/** The sum of the bodies' totals. */
export function sumTotals(totals: BodyTotals[]): BodyTotals {
  const out: BodyTotals = { body: '', done: 0, open: 0, not_done: 0, overdue: 0, total: 0 };
  for (const t of totals) {
    out.done += t.done;
    out.open += t.open;
    out.not_done += t.not_done;
    out.overdue += t.overdue;
    out.total += t.total;
  }
  return out;
}

/** The share done, as a whole percentage (floored: 99.6 % is not shown as all done). */
export function donePercent(t: BodyTotals): number {
  return t.total > 0 ? Math.floor((t.done / t.total) * 100) : 0;
}

/** Whether a measure falls due in a year: its due day's year, else its due year. */
export function dueInYear(m: { dueOn: string; dueYear?: number }, year: number): boolean {
  if (/^\d{4}-/.test(m.dueOn)) return Number(m.dueOn.slice(0, 4)) === year;
  return m.dueYear === year;
}

/** The plan's years, latest first (its period; the current year alone when the period is unknown). */
export function planYears(periodFrom: unknown, periodTo: unknown, today: string): number[] {
  const now = Number(today.slice(0, 4));
  const from = typeof periodFrom === 'number' ? periodFrom : now;
  const to = typeof periodTo === 'number' && periodTo >= from ? periodTo : Math.max(from, now);
  if (to - from > 50) return [now];
  const out: number[] = [];
  for (let y = to; y >= from; y--) out.push(y);
  return out;
}

/** The year the dashboard opens on: this year inside the plan's period, else its nearest end. */
export function defaultPlanYear(years: number[], today: string): number {
  const now = Number(today.slice(0, 4));
  if (years.length === 0) return now;
  if (years.includes(now)) return now;
  const last = years[0]!;
  const first = years[years.length - 1]!;
  return now > last ? last : first;
}

/** The plan's implementation report for a year, in a language, as a file (coordinator only). */
export function implementationReportHref(planId: number, year: number, lang: Lang, format: 'pdf' | 'odt'): string {
  return `/api/v1/plans/${planId}/implementation-report${query({ year, lang, format })}`;
}

/** The new progress report form with the measure, the reporting body, the period and today filled in. */
export function newProgressReportHref(m: { id: number; responsibleBody: string }, period: string | number, today: string): string {
  return `/records/progress_report/new${query({ measure: m.id, body: m.responsibleBody, period: String(period), submitted_on: today })}`;
}

/** The dashboard's address for a plan and a year (and "due" for the measures due in that year only). */
export function plansHref(plan: number | undefined, year: number | undefined, dueOnly = false): string {
  return `/plans${query({ plan, year, due: dueOnly ? 'year' : undefined })}`;
}

/** Splits ids into chunks for `field[in]=` filters (a query string of reasonable length). */
export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
