import { describe, expect, it } from 'vitest';
import type { RecordBody } from '../src/api';
import { Meta, type RoleDef, type Schema } from '../src/meta';
import { navItems } from '../src/nav';
import {
  bodyTotals,
  chunks,
  compareNumbers,
  defaultPlanYear,
  donePercent,
  dueInYear,
  groupByChapter,
  implementationReportHref,
  isOverdue,
  latestReports,
  localText,
  measureRows,
  newProgressReportHref,
  planYears,
  plansHref,
  sumTotals,
} from '../src/plans';
import { matchRoute } from '../src/router';

const rec = (id: number, data: Record<string, unknown>, state?: string): RecordBody => ({
  id,
  type: 'plan_measure',
  version: 1,
  ...(state ? { state } : {}),
  data,
  created_at: '2021-01-01T00:00:00Z',
  created_by: 1,
  updated_at: '2021-01-01T00:00:00Z',
  updated_by: 1,
});

const TODAY = '2022-03-10';

const measures = (): RecordBody[] => [
  rec(1, { number: '7.11', chapter: 'Uşaqların müdafiəsi', text_az: 'Məktəblərdə', text_en: 'In schools', responsible_body: 'Təhsil Nazirliyi', due_on: '2021-12-31' }, 'open'),
  rec(2, { number: '7.2', chapter: 'Uşaqların müdafiəsi', text_az: 'Erkən nikah', responsible_body: 'Ailə Komitəsi', due_on: '2022-12-31' }, 'open'),
  rec(3, { number: '1.1', chapter: 'Qanunvericilik', text_az: 'Qanun', text_ru: 'Закон', responsible_body: 'Ədliyyə Nazirliyi', due_on: '2021-06-30' }, 'done'),
  rec(4, { number: '10.1', text_az: 'Bölməsiz', responsible_body: 'Təhsil Nazirliyi', due_year: 2023 }, 'not_done'),
  rec(5, { number: '7.1', chapter: 'Uşaqların müdafiəsi', text_az: 'Bu gün', responsible_body: 'Təhsil Nazirliyi', due_on: TODAY }, 'open'),
];

const report = (id: number, measure: number, submitted_on: string, state: string, status = 'in_progress', period = '2021'): RecordBody => ({
  ...rec(id, { measure, submitted_on, status, period }, state),
  type: 'progress_report',
});

describe('texts, numbers and overdue', () => {
  it("a measure's text in the user's language, else the Azerbaijani one", () => {
    const d = measures()[0]!.data;
    expect(localText(d, 'text', 'en')).toBe('In schools');
    expect(localText(d, 'text', 'ru')).toBe('Məktəblərdə');
    expect(localText({ text_az: 'A', text_ru: '  ' }, 'text', 'ru')).toBe('A');
    expect(localText({}, 'title', 'az')).toBe('');
  });

  it('numbers in their natural order', () => {
    const sorted = ['7.11', '10.1', '7.2', '1.1', '7.1a', '7.1', '2'].sort(compareNumbers);
    expect(sorted).toEqual(['1.1', '2', '7.1', '7.1a', '7.2', '7.11', '10.1']);
    expect(compareNumbers('7.02', '7.2')).toBeGreaterThan(0);
    expect(compareNumbers('3', '3')).toBe(0);
  });

  it('overdue: open and past the due day; the day itself, done, not done and no day are not', () => {
    expect(isOverdue('open', '2021-12-31', TODAY)).toBe(true);
    expect(isOverdue('open', TODAY, TODAY)).toBe(false);
    expect(isOverdue('open', '2022-12-31', TODAY)).toBe(false);
    expect(isOverdue('done', '2021-12-31', TODAY)).toBe(false);
    expect(isOverdue('not_done', '2021-12-31', TODAY)).toBe(false);
    expect(isOverdue('open', '', TODAY)).toBe(false);
    expect(isOverdue(undefined, '2021-12-31', TODAY)).toBe(false);
  });
});

describe('the rows, chapters and latest reports', () => {
  it('the latest report of each measure: the last submitted, the higher id on the same day', () => {
    const latest = latestReports([
      report(10, 1, '2021-07-01', 'accepted'),
      report(11, 1, '2022-01-20', 'submitted', 'done', '2021'),
      report(12, 2, '2022-01-20', 'returned'),
      report(13, 2, '2022-01-20', 'submitted', 'not_started'),
      report(14, 1, '2021-01-05', 'accepted'),
      { ...report(15, 0, '2023-01-01', 'submitted'), data: { measure: 'x' } },
    ]);
    expect([...latest.keys()].sort()).toEqual([1, 2]);
    expect(latest.get(1)).toEqual({ id: 11, state: 'submitted', status: 'done', period: '2021', submittedOn: '2022-01-20' });
    expect(latest.get(2)?.id).toBe(13);
  });

  it('rows in number order with text, overdue and latest report', () => {
    const rows = measureRows(measures(), latestReports([report(10, 1, '2022-01-20', 'accepted')]), 'en', TODAY);
    expect(rows.map((r) => r.number)).toEqual(['1.1', '7.1', '7.2', '7.11', '10.1']);
    const schools = rows.find((r) => r.id === 1)!;
    expect(schools).toMatchObject({ text: 'In schools', responsibleBody: 'Təhsil Nazirliyi', dueOn: '2021-12-31', state: 'open', overdue: true });
    expect(schools.latest?.state).toBe('accepted');
    expect(rows.find((r) => r.id === 2)!.latest).toBeUndefined();
    expect(rows.find((r) => r.id === 4)).toMatchObject({ dueOn: '', dueYear: 2023, overdue: false });
    expect(rows.filter((r) => r.overdue).map((r) => r.id)).toEqual([1]);
  });

  it('chapters in the order of their first number, measures in number order, no chapter last', () => {
    const groups = groupByChapter(measureRows(measures(), new Map(), 'az', TODAY));
    expect(groups.map((g) => g.chapter)).toEqual(['Qanunvericilik', 'Uşaqların müdafiəsi', '']);
    expect(groups[1]!.measures.map((m) => m.number)).toEqual(['7.1', '7.2', '7.11']);
    expect(groups[2]!.measures.map((m) => m.id)).toEqual([4]);
    expect(groupByChapter([])).toEqual([]);
  });

  it('due in a year: the due day, else the due year', () => {
    const rows = measureRows(measures(), new Map(), 'az', TODAY);
    expect(rows.filter((r) => dueInYear(r, 2021)).map((r) => r.id).sort()).toEqual([1, 3]);
    expect(rows.filter((r) => dueInYear(r, 2023)).map((r) => r.id)).toEqual([4]);
  });
});

describe('totals by responsible body', () => {
  it('done, open, not done and overdue per body, bodies by name, and their sum', () => {
    const totals = bodyTotals(measureRows(measures(), new Map(), 'az', TODAY), 'az');
    expect(totals.map((t) => t.body)).toEqual(['Ailə Komitəsi', 'Ədliyyə Nazirliyi', 'Təhsil Nazirliyi']);
    expect(totals[2]).toEqual({ body: 'Təhsil Nazirliyi', done: 0, open: 2, not_done: 1, overdue: 1, total: 3 });
    expect(totals[1]).toMatchObject({ done: 1, total: 1, overdue: 0 });
    const sum = sumTotals(totals);
    expect(sum).toEqual({ body: '', done: 1, open: 3, not_done: 1, overdue: 1, total: 5 });
    expect(donePercent(sum)).toBe(20);
    expect(donePercent({ ...sum, done: 0, total: 0 })).toBe(0);
    expect(donePercent({ ...sum, done: 2, total: 3 })).toBe(66);
  });

  it('a measure done after it was overdue is no longer counted overdue', () => {
    const ms = measures();
    ms[0] = { ...ms[0]!, state: 'done' };
    const t = bodyTotals(measureRows(ms, new Map(), 'az', TODAY), 'az').find((x) => x.body === 'Təhsil Nazirliyi')!;
    expect(t).toMatchObject({ done: 1, open: 1, overdue: 0 });
  });
});

describe('years and links', () => {
  it("the plan's years, latest first; the dashboard opens on this year within them", () => {
    expect(planYears(2020, 2024, TODAY)).toEqual([2024, 2023, 2022, 2021, 2020]);
    expect(planYears(undefined, undefined, TODAY)).toEqual([2022]);
    expect(planYears(2024, 2020, TODAY)).toEqual([2024]);
    expect(defaultPlanYear([2024, 2023, 2022, 2021, 2020], TODAY)).toBe(2022);
    expect(defaultPlanYear([2019, 2018], TODAY)).toBe(2019);
    expect(defaultPlanYear([2030, 2029], TODAY)).toBe(2029);
    expect(defaultPlanYear([], TODAY)).toBe(2022);
  });

  it('the implementation report, the new progress report and the dashboard addresses', () => {
    expect(implementationReportHref(7, 2021, 'ru', 'pdf')).toBe('/api/v1/plans/7/implementation-report?year=2021&lang=ru&format=pdf');
    expect(implementationReportHref(7, 2021, 'az', 'odt')).toBe('/api/v1/plans/7/implementation-report?year=2021&lang=az&format=odt');
    expect(newProgressReportHref({ id: 12, responsibleBody: 'Təhsil Nazirliyi' }, 2021, TODAY)).toBe(
      '/records/progress_report/new?measure=12&body=T%C9%99hsil%20Nazirliyi&period=2021&submitted_on=2022-03-10',
    );
    expect(newProgressReportHref({ id: 12, responsibleBody: '' }, '2021-H1', TODAY)).toBe('/records/progress_report/new?measure=12&period=2021-H1&submitted_on=2022-03-10');
    expect(plansHref(3, 2021)).toBe('/plans?plan=3&year=2021');
    expect(plansHref(3, 2021, true)).toBe('/plans?plan=3&year=2021&due=year');
    expect(plansHref(undefined, undefined)).toBe('/plans');
  });

  it('ids in chunks', () => {
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunks([], 100)).toEqual([]);
  });
});

describe('navigation and route', () => {
  const schema: Schema = { lists: [], types: [{ name: 'plan_measure', label: { az: 'm' }, fields: [] }, { name: 'signal', label: { az: 's' }, fields: [] }] };
  const role = (name: string, permissions: Record<string, string[]>): RoleDef => ({
    name,
    label: { az: name },
    admin: false,
    identity: 'none',
    scope: 'assigned',
    agency_types: [],
    permissions,
  });
  const roles = [role('focal_point', { plan_measure: ['read'], progress_report: ['create', 'read'] }), role('hotline_operator', { signal: ['create', 'read'] })];
  const hrefs = (r: string) => navItems(new Meta(schema, roles, [r])).map((i) => i.href);

  it('the dashboard for those who read measures', () => {
    expect(hrefs('focal_point')).toContain('/plans');
    expect(hrefs('hotline_operator')).not.toContain('/plans');
    expect(matchRoute('/plans')).toEqual({ page: 'plans' });
    expect(matchRoute('/plans/')).toEqual({ page: 'plans' });
  });
});
