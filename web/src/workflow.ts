// Which workflow steps a user is offered for a record (pure; unit-tested): the record page's
// buttons and the record lists' bulk actions decide it the same way — the step may be taken from
// the record's state and leads elsewhere, the user's roles hold its permission, the user's agency
// is the one the record names when the step is kept to it (a referral's receiver accepts it), the
// record is not deleted, and the step is not one a page takes through its own route (an
// international request's "answer").
import { hiddenTransition } from './international';
import { agencyMayTake, type TransitionDef, type TypeDef } from './meta';

/** What of a record decides whether a step is offered. */
export interface WorkflowRecord {
  state?: string | undefined;
  data: Record<string, unknown>;
  deleted?: unknown;
}

/** Whether the step `tr` of a record of `type` is offered to the user (`may`: their permission check). */
export function transitionOffered(
  type: string,
  tr: TransitionDef,
  rec: WorkflowRecord,
  may: (permission: string) => boolean,
  agencyId: number | null | undefined,
): boolean {
  if (rec.deleted) return false;
  return (
    (tr.from.length === 0 || tr.from.includes(rec.state ?? '')) &&
    tr.to !== rec.state &&
    may(tr.permission) &&
    agencyMayTake(tr, rec.data, agencyId) &&
    !hiddenTransition(type, tr.name)
  );
}

/** The steps of a record offered to the user, in the schema's order. */
export function offeredTransitions(
  td: Pick<TypeDef, 'name' | 'workflow'>,
  rec: WorkflowRecord,
  may: (permission: string) => boolean,
  agencyId: number | null | undefined,
): TransitionDef[] {
  return (td.workflow?.transitions ?? []).filter((tr) => transitionOffered(td.name, tr, rec, may, agencyId));
}

/** A step's required fields, and the fields that become required with them (required_if). */
export function transitionFields(td: Pick<TypeDef, 'fields'>, tr: Pick<TransitionDef, 'requires'>): string[] {
  const out = [...tr.requires];
  for (const f of td.fields) if (f.required_if && tr.requires.includes(f.required_if.field) && !out.includes(f.name)) out.push(f.name);
  return out;
}

/** Whether a step asks for nothing (no field to fill): it may be taken on many records at once. */
export function needsNoInput(td: Pick<TypeDef, 'fields'>, tr: Pick<TransitionDef, 'requires'>): boolean {
  return transitionFields(td, tr).length === 0;
}

/** The fields a list must fetch for the steps' agency rule (referral.to_agency_id). */
export function actorAgencyFields(td: Pick<TypeDef, 'workflow'>): string[] {
  const out: string[] = [];
  for (const tr of td.workflow?.transitions ?? []) if (tr.actor_agency_field && !out.includes(tr.actor_agency_field)) out.push(tr.actor_agency_field);
  return out;
}
