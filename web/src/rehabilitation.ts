// The pure logic of individual rehabilitation plans on the record pages (unit-tested): a victim
// case's plans and a plan's measures as rows (the responsible agency by name, overdue as the
// server's deadline says), the counts shown above them, and the addresses of the "new" forms with
// the parent filled in (?field=value, as a progress report from a plan measure).
import { query, type RecordBody } from './api';
import { agencyName, type Agency } from './agencies';
import { fieldText, isPastDeadline } from './deadlines';

/** The deadline of a measure (schema rehabilitation_measure: due_on, for the responsible agency). */
export const MEASURE_DEADLINE = 'rehabilitation_measure_due';
/** The states in which a measure is still to be carried out (the deadline's states). */
export const MEASURE_OPEN_STATES: readonly string[] = ['planned', 'in_progress'];

export interface RehabMeasureRow {
  id: number;
  title: string;
  kind: string;
  state: string;
  agencyId?: number;
  agencyName: string;
  dueOn: string;
  doneOn: string;
  overdue: boolean;
}

export interface RehabPlanRow {
  id: number;
  drawnUpOn: string;
  nextReviewOn: string;
  state: string;
}

export interface MeasureCounts {
  total: number;
  done: number;
  open: number;
  /** Open measures past their day (counted among the open ones too). */
  overdue: number;
}


/**
 * Whether a measure is overdue: the server's verdict when the record carries its deadline (the
 * one GET /tasks uses, so the plan page and the home page agree); else, for a record without it,
 * still open with its due day before today.
 */
export function isMeasureOverdue(m: Pick<RecordBody, 'state' | 'data' | 'deadlines'>, today: string): boolean {
  return isPastDeadline(m, MEASURE_DEADLINE, MEASURE_OPEN_STATES, today);
}

/** A plan's measures as rows, by due day (then number): the responsible agency by name. */
export function rehabMeasureRows(measures: readonly RecordBody[], agencies: readonly Agency[], today: string): RehabMeasureRow[] {
  return measures
    .map((m) => {
      const agency = m.data.responsible_agency_id;
      const row: RehabMeasureRow = {
        id: m.id,
        title: fieldText(m.data.title),
        kind: fieldText(m.data.kind),
        state: m.state ?? '',
        agencyName: agencyName(agencies, agency),
        dueOn: fieldText(m.data.due_on),
        doneOn: fieldText(m.data.done_on),
        overdue: isMeasureOverdue(m, today),
      };
      if (typeof agency === 'number') row.agencyId = agency;
      return row;
    })
    .sort((a, b) => (a.dueOn || '9999').localeCompare(b.dueOn || '9999') || a.id - b.id);
}

/** How many measures there are, done, still open, and overdue among the open. */
export function measureCounts(rows: readonly RehabMeasureRow[]): MeasureCounts {
  const out: MeasureCounts = { total: 0, done: 0, open: 0, overdue: 0 };
  for (const r of rows) {
    out.total++;
    if (r.state === 'done') out.done++;
    if (MEASURE_OPEN_STATES.includes(r.state)) out.open++;
    if (r.overdue) out.overdue++;
  }
  return out;
}

/** A victim case's plans as rows, the latest drawn up first. */
export function rehabPlanRows(plans: readonly RecordBody[]): RehabPlanRow[] {
  return plans
    .map((p) => ({ id: p.id, drawnUpOn: fieldText(p.data.drawn_up_on), nextReviewOn: fieldText(p.data.next_review_on), state: p.state ?? '' }))
    .sort((a, b) => b.drawnUpOn.localeCompare(a.drawnUpOn) || b.id - a.id);
}

/** The new plan form with the victim case and the day it is drawn up (today) filled in. */
export function newRehabPlanHref(victimCase: number, today: string): string {
  return `/records/rehabilitation_plan/new${query({ victim_case: victimCase, drawn_up_on: today })}`;
}

/** The new measure form with the plan (and its victim case, which the server checks) filled in. */
export function newRehabMeasureHref(plan: { id: number; data: Record<string, unknown> }): string {
  const victimCase = typeof plan.data.victim_case === 'number' ? plan.data.victim_case : undefined;
  return `/records/rehabilitation_measure/new${query({ plan: plan.id, victim_case: victimCase })}`;
}

/** Whether measures may still be added to a plan (not once it is closed or deleted). */
export function planTakesMeasures(plan: Pick<RecordBody, 'state' | 'deleted'>): boolean {
  return !plan.deleted && plan.state !== 'closed';
}
