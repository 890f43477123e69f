// The pure logic of international requests on the record pages (unit-tested): a request's
// contributions as rows (the contributing body by name, overdue as the server's deadline says),
// the new-contribution address with the request filled in, the body of
// POST /international-requests/{id}/answer built from the form's rows of figures, the server's
// field errors (figures[i].indicator / figures[i].period) mapped back to those rows, and the
// figures quoted in the answer as rows.
import { ApiError, query, type FieldError, type RecordBody } from './api';
import { agencyName, type Agency } from './agencies';
import { fieldText, isPastDeadline } from './deadlines';
import type { TypeDef } from './meta';

export const REQUEST_TYPE = 'international_request';
export const CONTRIBUTION_TYPE = 'request_contribution';
export const QUOTED_FIGURE_TYPE = 'quoted_figure';
/** The deadline of a contribution (schema request_contribution: due_on, for the contributing body). */
export const CONTRIBUTION_DEADLINE = 'contribution_due';
/** The states in which a contribution is still awaited from its body (the deadline's states). */
export const CONTRIBUTION_OPEN_STATES: readonly string[] = ['requested', 'returned'];
/** The states of a request that may still be answered (the answer route's "from"). */
export const ANSWERABLE_STATES: readonly string[] = ['received', 'in_preparation'];
/** At most this many figures in one answer (the server refuses more). */
export const MAX_FIGURES = 100;


/** The route that sends the answer (not the generic "answer" transition). */
export function answerPath(requestId: number): string {
  return `/international-requests/${requestId}/answer`;
}

/**
 * Whether a workflow transition is left out of the record page's buttons: an international
 * request is answered through its own route (the figures are frozen with it), never the bare
 * "answer" transition.
 */
export function hiddenTransition(type: string, transition: string): boolean {
  return type === REQUEST_TYPE && transition === 'answer';
}

/** Whether a request may still be answered (received or in preparation, not deleted). */
export function requestAnswerable(r: Pick<RecordBody, 'state' | 'deleted'>): boolean {
  return !r.deleted && ANSWERABLE_STATES.includes(r.state ?? '');
}

/**
 * Whether the answer form is offered: as the record page decides for a workflow step, by the
 * schema's "answer" transition (its states and its permission), which the route takes.
 */
export function answerOffered(
  td: Pick<TypeDef, 'workflow'> | undefined,
  r: Pick<RecordBody, 'state' | 'deleted'>,
  mayPermission: (permission: string) => boolean,
): boolean {
  const tr = td?.workflow?.transitions.find((x) => x.name === 'answer');
  if (!tr || r.deleted) return false;
  return (tr.from.length === 0 || tr.from.includes(r.state ?? '')) && tr.to !== r.state && mayPermission(tr.permission);
}

// ---- Contributions ----

export interface ContributionRow {
  id: number;
  state: string;
  agencyId?: number;
  /** The contributing agency by name; the record's body_name when the agency is not listed. */
  bodyName: string;
  dueOn: string;
  submittedOn: string;
  overdue: boolean;
}

/**
 * Whether a contribution is overdue: the server's verdict when the record carries its deadline
 * (the one GET /tasks uses, so the request page and the body's home page agree); else still
 * awaited with its due day before today.
 */
export function isContributionOverdue(c: Pick<RecordBody, 'state' | 'data' | 'deadlines'>, today: string): boolean {
  return isPastDeadline(c, CONTRIBUTION_DEADLINE, CONTRIBUTION_OPEN_STATES, today);
}

/** A request's contributions as rows, by due day (then number). */
export function contributionRows(items: readonly RecordBody[], agencies: readonly Agency[], today: string): ContributionRow[] {
  return items
    .map((c) => {
      const agency = c.data.contributing_agency_id;
      const known = typeof agency === 'number' && agencies.some((a) => a.id === agency);
      const row: ContributionRow = {
        id: c.id,
        state: c.state ?? '',
        bodyName: known ? agencyName(agencies, agency) : fieldText(c.data.body_name) || agencyName(agencies, agency),
        dueOn: fieldText(c.data.due_on),
        submittedOn: fieldText(c.data.submitted_on),
        overdue: isContributionOverdue(c, today),
      };
      if (typeof agency === 'number') row.agencyId = agency;
      return row;
    })
    .sort((a, b) => (a.dueOn || '9999').localeCompare(b.dueOn || '9999') || a.id - b.id);
}

/** The new contribution form with the request and the day it is asked (today) filled in. */
export function newContributionHref(requestId: number, today: string): string {
  return `/records/${CONTRIBUTION_TYPE}/new${query({ request: requestId, asked_on: today })}`;
}

/**
 * On the new contribution form: when the contributing agency is chosen, its name fills the body's
 * name (the record's title) unless the user wrote another one. Returns the values to keep.
 */
export function withBodyName(prev: Record<string, unknown>, next: Record<string, unknown>, agencies: readonly Agency[]): Record<string, unknown> {
  const before = prev.contributing_agency_id;
  const after = next.contributing_agency_id;
  if (after === before) return next;
  const name = fieldText(next.body_name);
  const previousName = typeof before === 'number' ? (agencies.find((a) => a.id === before)?.name ?? '') : '';
  if (name !== '' && name !== previousName) return next;
  const agency = typeof after === 'number' ? agencies.find((a) => a.id === after) : undefined;
  const out = { ...next };
  if (agency) out.body_name = agency.name;
  else delete out.body_name;
  return out;
}

// ---- The answer ----

/** One row of the answer form's list of figures to quote. */
export interface FigureRow {
  /** Stable key of the row in the form (rows are added and removed). */
  key: number;
  indicator: string;
  period: string;
}

export interface AnswerForm {
  answeredOn: string;
  answerText: string;
  figures: readonly FigureRow[];
}

export interface AnswerBody {
  answered_on?: string;
  answer_text?: string;
  figures: Array<{ indicator: string; period: string }>;
}

/**
 * The body of POST /international-requests/{id}/answer from the form: values trimmed, rows left
 * wholly empty dropped; `rowKeys[i]` is the form row of `figures[i]` (for the server's errors).
 */
export function answerBody(form: AnswerForm): { body: AnswerBody; rowKeys: number[] } {
  const body: AnswerBody = { figures: [] };
  const answeredOn = form.answeredOn.trim();
  if (answeredOn) body.answered_on = answeredOn;
  if (form.answerText.trim()) body.answer_text = form.answerText;
  const rowKeys: number[] = [];
  for (const r of form.figures) {
    const indicator = r.indicator.trim();
    const period = r.period.trim();
    if (!indicator && !period) continue;
    body.figures.push({ indicator, period });
    rowKeys.push(r.key);
  }
  return { body, rowKeys };
}

/** A field error of the answer form: the part of a figure row, or a field of the request. */
export interface RowErrors {
  indicator: FieldError[];
  period: FieldError[];
  /** Errors of the row as a whole (figures[i]). */
  row: FieldError[];
}

export interface AnswerErrors {
  /** By form row key. */
  rows: Map<number, RowErrors>;
  /** By field of the request (answered_on, answer_text, answer_document) and "figures" (the list). */
  fields: Map<string, FieldError[]>;
  /** Errors naming nothing the form shows (the summary above it). */
  other: FieldError[];
}

function push<K>(m: Map<K, FieldError[]>, k: K, e: FieldError) {
  const list = m.get(k);
  if (list) list.push(e);
  else m.set(k, [e]);
}

function rowOf(m: Map<number, RowErrors>, key: number): RowErrors {
  let r = m.get(key);
  if (!r) {
    r = { indicator: [], period: [], row: [] };
    m.set(key, r);
  }
  return r;
}

const FORM_FIELDS = ['answered_on', 'answer_text', 'figures'];

/**
 * The server's field errors mapped to the form: figures[i].indicator to that row's indicator,
 * figures[i].period to its period, figures[i] to the row; the request's fields to theirs.
 * `rowKeys` is answerBody's (figures[i] is the form row rowKeys[i]).
 */
export function answerErrors(error: unknown, rowKeys: readonly number[]): AnswerErrors {
  const out: AnswerErrors = { rows: new Map(), fields: new Map(), other: [] };
  if (!(error instanceof ApiError)) return out;
  for (const e of error.errors) {
    const m = /^figures\[(\d+)\](?:\.(\w+))?$/.exec(e.field);
    if (m) {
      const key = rowKeys[Number(m[1])];
      if (key === undefined) {
        push(out.fields, 'figures', e);
        continue;
      }
      const r = rowOf(out.rows, key);
      if (m[2] === 'indicator') r.indicator.push(e);
      else if (m[2] === 'period') r.period.push(e);
      else r.row.push(e);
      continue;
    }
    const name = e.field.split(/[.[]/)[0] ?? '';
    if (FORM_FIELDS.includes(name)) push(out.fields, name, e);
    else out.other.push(e);
  }
  return out;
}

/**
 * Checks made before sending: a row with an indicator needs a period and the other way round,
 * and no more than MAX_FIGURES rows. Errors in the server's shape (code "required"), so that the
 * form shows them as it shows the server's.
 */
export function checkAnswer(form: AnswerForm): { errors: FieldError[]; rowKeys: number[] } {
  const { body, rowKeys } = answerBody(form);
  const errors: FieldError[] = [];
  body.figures.forEach((f, i) => {
    if (!f.indicator) errors.push({ field: `figures[${i}].indicator`, code: 'required', message: 'required' });
    if (!f.period) errors.push({ field: `figures[${i}].period`, code: 'required', message: 'required' });
  });
  if (body.figures.length > MAX_FIGURES) errors.push({ field: 'figures', code: 'max_items', message: `at most ${MAX_FIGURES} figures` });
  return { errors, rowKeys };
}

// ---- The indicator catalogue ----

/** An indicator as GET /statistics/indicators lists it. */
export interface IndicatorItem {
  id: string;
  label: string;
  version?: number;
  definition?: string;
}

export interface IndicatorOption {
  value: string;
  label: string;
}

/** The choice of indicators: by label in the language's order; the id when it has no label. */
export function indicatorOptions(items: readonly IndicatorItem[], locale = 'az'): IndicatorOption[] {
  return items
    .map((i) => ({ value: i.id, label: fieldText(i.label) || i.id }))
    .sort((a, b) => a.label.localeCompare(b.label, locale) || a.value.localeCompare(b.value));
}

// ---- The figures quoted ----

export interface QuotedFigureRow {
  id: number;
  indicator: string;
  /** The indicator's name as frozen (the indicator's id when none was). */
  label: string;
  period: string;
  /** The value as it was shown; the bare number when nothing was shown; '' when no value. */
  display: string;
  value?: number;
  edition: string;
  computedAt: string;
  version?: number;
}

/**
 * A request's quoted figures as rows, in the order the answer quoted them (record number); the
 * indicator's name from the catalogue in the reader's language when given, else as frozen.
 */
export function quotedFigureRows(items: readonly RecordBody[], catalogue: readonly IndicatorItem[] = []): QuotedFigureRow[] {
  return items
    .map((q) => {
      const row: QuotedFigureRow = {
        id: q.id,
        indicator: fieldText(q.data.indicator),
        label: fieldText(catalogue.find((i) => i.id === q.data.indicator)?.label) || fieldText(q.data.label) || fieldText(q.data.indicator),
        period: fieldText(q.data.period),
        display: fieldText(q.data.display),
        edition: fieldText(q.data.edition),
        computedAt: fieldText(q.data.computed_at),
      };
      if (typeof q.data.value === 'number') row.value = q.data.value;
      if (typeof q.data.indicator_version === 'number') row.version = q.data.indicator_version;
      return row;
    })
    .sort((a, b) => a.id - b.id);
}
