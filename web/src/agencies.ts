// Agencies in record forms (pure: unit-tested). Agencies are not records, so the schema keeps an
// agency as a plain integer id in fields named "<something>_agency_id" (referral.to_agency_id,
// rehabilitation_measure.responsible_agency_id). Such a field is a choice of agencies (GET
// /agencies) labelled "name (region)", and reads as the agency's name, not its number.
import type { FieldDef } from './meta';

/** An agency as GET /api/v1/agencies lists it (every signed-in user may list them). */
export interface Agency {
  id: number;
  name: string;
  type: string;
  region: string;
  active: boolean;
}

/** Whether a field holds an agency id: an integer field named "agency_id" or "…_agency_id". */
export function isAgencyField(f: Pick<FieldDef, 'name' | 'type'>): boolean {
  return f.type === 'integer' && /(^|_)agency_id$/.test(f.name);
}

/** The field beside an agency field that narrows its choice by agency type (to_agency_id → to_agency_type). */
export function agencyTypeField(name: string): string {
  return name.replace(/agency_id$/, 'agency_type');
}

/**
 * An agency as offered in a choice: "name (region)", the name alone when it has no region. The
 * region is a code of the `region` list; `regionLabel` gives its name in the page's language.
 */
export function agencyLabel(a: Pick<Agency, 'name' | 'region'>, regionLabel: (code: string) => string = (c) => c): string {
  const region = (a.region ?? '').trim();
  return region ? `${a.name} (${regionLabel(region)})` : a.name;
}

/** The agency's name for reading; "№ id" when the agency is not (or not yet) known. */
export function agencyName(agencies: readonly Agency[], id: unknown): string {
  if (typeof id !== 'number') return '';
  return agencies.find((a) => a.id === id)?.name ?? `№ ${id}`;
}

/** One option of an agency choice. */
export interface AgencyOption {
  value: number;
  label: string;
}

/**
 * The choices of an agency field: active agencies (of `wantedType` when the form names one), by
 * label in the language's order; the current value always stays among them (an agency since
 * deactivated or of another type, or one not listed at all, shown by its number).
 */
export function agencyOptions(
  agencies: readonly Agency[],
  value: unknown,
  wantedType: unknown,
  locale = 'az',
  regionLabel: (code: string) => string = (c) => c,
): AgencyOption[] {
  const current = typeof value === 'number' ? value : undefined;
  const shown = agencies.filter(
    (a) => a.id === current || (a.active !== false && (typeof wantedType !== 'string' || wantedType === '' || a.type === wantedType)),
  );
  const out: AgencyOption[] = shown.map((a) => ({ value: a.id, label: agencyLabel(a, regionLabel) }));
  out.sort((x, y) => x.label.localeCompare(y.label, locale) || x.value - y.value);
  if (current !== undefined && !agencies.some((a) => a.id === current)) out.unshift({ value: current, label: `№ ${current}` });
  return out;
}
