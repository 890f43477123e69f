import { describe, expect, it } from 'vitest';
import type { Agency } from '../src/agencies';
import {
  isMeasureOverdue,
  measureCounts,
  MEASURE_DEADLINE,
  newRehabMeasureHref,
  newRehabPlanHref,
  planTakesMeasures,
  rehabMeasureRows,
  rehabPlanRows,
} from '../src/rehabilitation';
import { matchRoute } from '../src/router';
import { recordsOf } from './records';

const TODAY = '2024-05-20';

const rec = recordsOf('rehabilitation_measure');

const agencies: Agency[] = [
  { id: 4, name: 'QHT «Ümid yolu»', type: 'ngo', region: 'Bakı', active: true },
  { id: 5, name: 'Yardım Mərkəzi', type: 'assistance_center', region: 'Bakı', active: true },
];

const due = (overdue: boolean, name = MEASURE_DEADLINE) => ({ deadlines: [{ name, label: { az: 'x' }, due_at: '2024-05-10T00:00:00Z', overdue }] });

describe('overdue measures', () => {
  it("the server's deadline decides when the record carries it", () => {
    expect(isMeasureOverdue(rec(1, { due_on: '2024-05-10' }, 'planned', due(true)), TODAY)).toBe(true);
    // the server counts the due day itself as past once it has begun (UTC): it says so, we follow
    expect(isMeasureOverdue(rec(1, { due_on: TODAY }, 'planned', due(true)), TODAY)).toBe(true);
    expect(isMeasureOverdue(rec(1, { due_on: '2024-05-10' }, 'in_progress', due(false)), TODAY)).toBe(false);
  });
  it('without the deadline: open and before today', () => {
    expect(isMeasureOverdue(rec(1, { due_on: '2024-05-10' }, 'planned'), TODAY)).toBe(true);
    expect(isMeasureOverdue(rec(1, { due_on: '2024-05-10' }, 'in_progress'), TODAY)).toBe(true);
    expect(isMeasureOverdue(rec(1, { due_on: TODAY }, 'planned'), TODAY)).toBe(false);
    expect(isMeasureOverdue(rec(1, { due_on: '2024-06-01' }, 'planned'), TODAY)).toBe(false);
    for (const s of ['done', 'not_done', 'cancelled']) expect(isMeasureOverdue(rec(1, { due_on: '2024-05-10' }, s), TODAY)).toBe(false);
    expect(isMeasureOverdue(rec(1, {}, 'planned'), TODAY)).toBe(false);
    // another deadline of the record says nothing of this one
    expect(isMeasureOverdue(rec(1, { due_on: '2024-06-01' }, 'planned', due(true, 'other')), TODAY)).toBe(false);
  });
});

describe("a plan's measures", () => {
  const measures = [
    rec(11, { title: 'Psixoloji dəstək', kind: 'psychological', responsible_agency_id: 4, due_on: '2024-07-01' }, 'planned'),
    rec(12, { title: 'Peşə kursu', kind: 'vocational', responsible_agency_id: 5, due_on: '2024-05-10' }, 'planned', due(true)),
    rec(13, { title: 'Sənədlər', kind: 'legal', responsible_agency_id: 4, due_on: '2024-04-01', done_on: '2024-03-30' }, 'done'),
    rec(14, { title: 'Naməlum qurum', responsible_agency_id: 99 }, 'cancelled'),
  ];
  it('by due day, the agency by name, overdue marked', () => {
    const rows = rehabMeasureRows(measures, agencies, TODAY);
    expect(rows.map((r) => r.id)).toEqual([13, 12, 11, 14]);
    expect(rows[0]).toEqual({
      id: 13,
      title: 'Sənədlər',
      kind: 'legal',
      state: 'done',
      agencyId: 4,
      agencyName: 'QHT «Ümid yolu»',
      dueOn: '2024-04-01',
      doneOn: '2024-03-30',
      overdue: false,
    });
    expect(rows[1]!.agencyName).toBe('Yardım Mərkəzi');
    expect(rows[1]!.overdue).toBe(true);
    expect(rows[3]!.agencyName).toBe('№ 99');
    expect(rows[3]!.dueOn).toBe('');
  });
  it('counts: done, still to do, overdue among those', () => {
    expect(measureCounts(rehabMeasureRows(measures, agencies, TODAY))).toEqual({ total: 4, done: 1, open: 2, overdue: 1 });
    expect(measureCounts([])).toEqual({ total: 0, done: 0, open: 0, overdue: 0 });
  });
  it('take no new measures once the plan is closed or deleted', () => {
    expect(planTakesMeasures({ state: 'draft' })).toBe(true);
    expect(planTakesMeasures({ state: 'active' })).toBe(true);
    expect(planTakesMeasures({ state: 'closed' })).toBe(false);
    expect(planTakesMeasures({ state: 'active', deleted: { at: '2024-01-01T00:00:00Z', by: 1 } })).toBe(false);
  });
});

describe("a case's plans and the new-record forms", () => {
  it('plans, the latest drawn up first', () => {
    const plans = [
      rec(1, { drawn_up_on: '2023-01-10' }, 'closed'),
      rec(2, { drawn_up_on: '2024-02-01', next_review_on: '2024-08-01' }, 'active'),
      rec(3, { drawn_up_on: '2024-02-01' }, 'draft'),
    ];
    expect(rehabPlanRows(plans).map((p) => [p.id, p.state])).toEqual([
      [3, 'draft'],
      [2, 'active'],
      [1, 'closed'],
    ]);
    expect(rehabPlanRows(plans)[1]!.nextReviewOn).toBe('2024-08-01');
  });
  it('a new plan: the victim case and today filled in, on the generic new-record page', () => {
    const href = newRehabPlanHref(17, TODAY);
    expect(href).toBe('/records/rehabilitation_plan/new?victim_case=17&drawn_up_on=2024-05-20');
    expect(matchRoute(href.split('?')[0]!)).toEqual({ page: 'new', type: 'rehabilitation_plan' });
  });
  it("a new measure: the plan and the plan's victim case filled in", () => {
    expect(newRehabMeasureHref({ id: 8, data: { victim_case: 17 } })).toBe('/records/rehabilitation_measure/new?plan=8&victim_case=17');
    expect(newRehabMeasureHref({ id: 8, data: {} })).toBe('/records/rehabilitation_measure/new?plan=8');
  });
});
