// Users in record forms (pure: unit-tested). Users are not records, so the schema keeps a user as
// a plain integer id in fields named "user_id" or "<something>_user_id" (the victim case's
// assigned_user_id: the worker who holds the case). Such a field is a choice of the signed-in
// user's colleagues (GET /colleagues: the active users of their agency, the only ones the server
// accepts), and reads as the user's name, not their number.
import type { FieldDef } from './meta';

/** A colleague as GET /api/v1/colleagues lists them. */
export interface Colleague {
  id: number;
  display_name: string;
}

/** Whether a field holds a user id: an integer field named "user_id" or "…_user_id". */
export function isUserField(f: Pick<FieldDef, 'name' | 'type'>): boolean {
  return f.type === 'integer' && /(^|_)user_id$/.test(f.name);
}

/** The user's name for reading; "№ id" when they are not among the colleagues (another agency's, or since gone). */
export function colleagueName(colleagues: readonly Colleague[], id: unknown): string {
  if (typeof id !== 'number') return '';
  const name = colleagues.find((c) => c.id === id)?.display_name;
  return name && name.trim() ? name : `№ ${id}`;
}

/** One option of a user choice. */
export interface ColleagueOption {
  value: number;
  label: string;
}

/**
 * The choices of a user field: the colleagues by name in the language's order; the current value
 * always stays among them (a user no longer listed shown by their number, first).
 */
export function colleagueOptions(colleagues: readonly Colleague[], value: unknown, locale = 'az'): ColleagueOption[] {
  const out: ColleagueOption[] = colleagues.map((c) => ({ value: c.id, label: c.display_name.trim() || `№ ${c.id}` }));
  out.sort((x, y) => x.label.localeCompare(y.label, locale) || x.value - y.value);
  if (typeof value === 'number' && !colleagues.some((c) => c.id === value)) out.unshift({ value, label: `№ ${value}` });
  return out;
}

/** The first field of a type that names a user and may filter its list ("my cases"), if any. */
export function assigneeField<F extends Pick<FieldDef, 'name' | 'type' | 'indexed'>>(fields: readonly F[]): F | undefined {
  return fields.find((f) => isUserField(f) && f.indexed);
}

/** The list address of a type's records assigned to a user ("my cases"). */
export function assignedHref(type: string, field: string, userId: number): string {
  return `/records/${type}?${encodeURIComponent(field)}=${userId}`;
}
