// Actions on many records of a list at once (pure; unit-tested): the workflow steps that need no
// input and are offered for the records chosen (src/workflow.ts, as the record page decides), the
// user fields an assignment sets (assigned_user_id), the calls made one record at a time with its
// own version (If-Match) and never retried, the summary of what succeeded and what the server
// refused and why, and the chosen rows as a CSV file built from what the list shows — never an
// identity field.
import { agencyName, isAgencyField, type Agency } from './agencies';
import { ApiError } from './api';
import { colleagueName, isUserField, type Colleague } from './colleagues';
import { displayDate, displayDateTime } from './dates';
import { hasKey, type Lang, type Translate } from './i18n';
import { label, type FieldDef, type TransitionDef, type TypeDef } from './meta';
import { errorMessage } from './messages';
import { needsNoInput, transitionOffered, type WorkflowRecord } from './workflow';

/** A row of a list, as much as the bulk actions need. */
export interface BulkRow extends WorkflowRecord {
  id: number;
  version: number;
}

/** A step that may be taken on the chosen records: those it applies to, and those it does not (left as they are). */
export interface BulkStep {
  transition: TransitionDef;
  applicable: number[];
  skipped: number[];
}

/**
 * The steps offered in bulk for the chosen rows: the type's steps that need no input (no field
 * to fill), offered — as on the record page — for at least one of them; the others are named as
 * left out. In the schema's order.
 */
export function bulkTransitions(
  td: Pick<TypeDef, 'name' | 'fields' | 'workflow'>,
  rows: readonly BulkRow[],
  may: (permission: string) => boolean,
  agencyId: number | null | undefined,
): BulkStep[] {
  const out: BulkStep[] = [];
  for (const tr of td.workflow?.transitions ?? []) {
    if (!needsNoInput(td, tr)) continue;
    const applicable: number[] = [];
    const skipped: number[] = [];
    for (const r of rows) (transitionOffered(td.name, tr, r, may, agencyId) ? applicable : skipped).push(r.id);
    if (applicable.length > 0) out.push({ transition: tr, applicable, skipped });
  }
  return out;
}

/** Whether some step of the type could be taken in bulk by the user (before anything is chosen). */
export function mayBulkTransition(td: Pick<TypeDef, 'fields' | 'workflow'>, may: (permission: string) => boolean): boolean {
  return (td.workflow?.transitions ?? []).some((tr) => needsNoInput(td, tr) && may(tr.permission));
}

/** The fields naming a user (victim_case.assigned_user_id) that an assignment in bulk may set. */
export function assignableFields(td: Pick<TypeDef, 'fields'>): FieldDef[] {
  return td.fields.filter((f) => isUserField(f) && !f.computed);
}

/** What one record's call came to. */
export type BulkOutcome = { id: number; ok: true } | { id: number; ok: false; error: unknown };

/**
 * Calls `call` for each row, one at a time in order (each record its own request, with its own
 * version); a failure is kept and the next row goes on; nothing is retried. `onProgress` hears
 * how many are done.
 */
export async function runBulk<R extends { id: number }>(
  rows: readonly R[],
  call: (row: R) => Promise<unknown>,
  onProgress?: (done: number, total: number) => void,
): Promise<BulkOutcome[]> {
  const out: BulkOutcome[] = [];
  for (const row of rows) {
    try {
      await call(row);
      out.push({ id: row.id, ok: true });
    } catch (error) {
      out.push({ id: row.id, ok: false, error });
    }
    onProgress?.(out.length, rows.length);
  }
  return out;
}

export interface BulkSummary {
  total: number;
  succeeded: number[];
  failed: Array<{ id: number; error: unknown }>;
  /** Chosen but left out: the step does not apply from their state. */
  skipped: number[];
}

export function summarize(outcomes: readonly BulkOutcome[], skipped: readonly number[] = []): BulkSummary {
  const succeeded: number[] = [];
  const failed: Array<{ id: number; error: unknown }> = [];
  for (const o of outcomes) {
    if (o.ok) succeeded.push(o.id);
    else failed.push({ id: o.id, error: o.error });
  }
  return { total: outcomes.length, succeeded, failed, skipped: [...skipped] };
}

/**
 * A refusal in words: a version conflict as "changed meanwhile"; otherwise the server's message
 * (worded by its code when the app has the words, else its detail), then each field it names by
 * its label with the rule (`rec.<code>` when worded, else the server's message).
 */
export function failureText(error: unknown, t: Translate, fieldLabel: (name: string) => string): string {
  if (!(error instanceof ApiError)) return errorMessage(error, t);
  if (error.code === 'record.version_conflict') return t('bulk.conflict');
  if (error.status === 404) return t('error.not_found');
  const head = errorMessage(error, t);
  if (error.errors.length === 0) return head;
  const fields = error.errors.map((e) => {
    const key = `rec.${e.code}`;
    const rule = hasKey(key) ? t(key) : e.message || e.code;
    const name = e.field.split(/[.[]/)[0] ?? '';
    return name ? `${fieldLabel(name)}: ${rule}` : rule;
  });
  return `${head} ${fields.join(' ')}`;
}

// ---- The chosen rows as CSV ----

/** What a cell needs to name values: the language, list labels, agencies, colleagues, types. */
export interface CsvNames {
  lang: Lang;
  t: Translate;
  valueLabel: (list: string | undefined, code: string) => string;
  agencies: readonly Agency[];
  colleagues: readonly Colleague[];
  typeLabel: (type: string) => string;
}

/**
 * The fields a CSV of the list writes: the title field and the list's columns, never an identity
 * field (nor an attachment or a computed value the list did not fetch).
 */
export function csvFields(td: Pick<TypeDef, 'fields' | 'title_field'>, columns: readonly FieldDef[]): FieldDef[] {
  const out: FieldDef[] = [];
  const title = td.title_field ? td.fields.find((f) => f.name === td.title_field) : undefined;
  if (title) out.push(title);
  for (const c of columns) if (!out.includes(c)) out.push(c);
  return out.filter((f) => f.sensitivity !== 'identity' && f.type !== 'attachment');
}

/** A value of a field as the text of a CSV cell (days dd.mm.yyyy, labels in the language, money in manat). */
export function csvValue(f: Pick<FieldDef, 'name' | 'type' | 'values' | 'ref'>, v: unknown, n: CsvNames): string {
  if (v === undefined || v === null || v === '') return '';
  switch (f.type) {
    case 'enum':
      return n.valueLabel(f.values, String(v));
    case 'multi_enum':
      return (Array.isArray(v) ? v : [v]).map((x) => n.valueLabel(f.values, String(x))).join(', ');
    case 'boolean':
      return v === true ? n.t('form.yes') : v === false ? n.t('form.no') : String(v);
    case 'date':
    case 'partial_date':
      return displayDate(v) || String(v);
    case 'datetime':
      return displayDateTime(v) || String(v);
    case 'money':
      return typeof v === 'number' ? (v / 100).toFixed(2) : String(v);
    case 'integer':
      if (isAgencyField(f)) return agencyName(n.agencies, v);
      if (isUserField(f)) return colleagueName(n.colleagues, v);
      return String(v);
    case 'reference':
      return typeof v === 'number' && f.ref ? `${n.typeLabel(f.ref)} № ${v}` : String(v);
    default:
      if (typeof v === 'object') return JSON.stringify(v);
      return String(v);
  }
}

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, a quote or a line break. Text that a
 * spreadsheet would run as a formula (=, +, -, @ first; not a plain number) is prefixed with '.
 */
export function csvCell(s: string): string {
  let v = s;
  if (/^[=+\-@\t\r]/.test(v) && !/^[+-]?\d+([.,]\d+)?$/.test(v)) v = `'${v}`;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** A CSV file's text: a byte-order mark (spreadsheets then read UTF-8), CRLF line ends. */
export function toCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return '\ufeff' + [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** The rows shown as CSV: number, the fields (no identity), state, last change. */
export function rowsCsv(
  td: Pick<TypeDef, 'fields' | 'title_field' | 'workflow'>,
  columns: readonly FieldDef[],
  rows: ReadonlyArray<{ id: number; state?: string | undefined; data: Record<string, unknown>; updated_at: string }>,
  n: CsvNames,
  stateLabel: (state: string | undefined) => string,
): string {
  const fields = csvFields(td, columns);
  const header = ['№', ...fields.map((f) => label(f.label, n.lang)), ...(td.workflow ? [n.t('list.state')] : []), n.t('list.updated')];
  const body = rows.map((r) => [
    String(r.id),
    ...fields.map((f) => csvValue(f, r.data[f.name], n)),
    ...(td.workflow ? [stateLabel(r.state)] : []),
    displayDateTime(r.updated_at),
  ]);
  return toCsv(header, body);
}

/** The file's name: the type and the day ("signal-2026-12-01.csv"). */
export function csvFileName(type: string, today: string): string {
  return `${type}-${today}.csv`;
}
