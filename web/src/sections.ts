// The parts of a record page (docs/records.md, "Sections"): the schema's sections in order, then
// the fields no section names under "Other"; a type without sections is one unnamed part. What
// read mode shows of a part (the fields with values, how many empty ones it leaves out) and what
// saving one part sends (pure; unit-tested in tests/sections.test.ts).
import { diff, isAbsent, isVisible, visibleValues, type FieldDef, type Label, type TypeDef } from './meta';

/** The name of the part that gathers the fields no section names (no schema section is so named: not a field-style name). */
export const OTHER_SECTION = '-other';

export interface RecordSection {
  /** The schema section's name; OTHER_SECTION for the rest; '' for a type without sections. */
  name: string;
  /** The schema's label; undefined for "Other" (worded by the page) and for the unnamed part. */
  label?: Label;
  fields: FieldDef[];
}

/** Whether the type declares sections (its page reads and edits them one at a time). */
export function hasSections(td: TypeDef): boolean {
  return (td.sections?.length ?? 0) > 0;
}

/**
 * The type's parts in order: each schema section with its known fields in the section's order
 * (an unknown name is skipped, a section left empty is dropped), then "Other" with the fields no
 * section names, in the schema's order, when there are any. No sections: one unnamed part.
 */
export function recordSections(td: TypeDef): RecordSection[] {
  if (!hasSections(td)) return [{ name: '', fields: td.fields }];
  const byName = new Map(td.fields.map((f) => [f.name, f]));
  const placed = new Set<string>();
  const out: RecordSection[] = [];
  for (const s of td.sections!) {
    const fields: FieldDef[] = [];
    for (const name of s.fields) {
      const f = byName.get(name);
      if (!f || placed.has(name)) continue;
      placed.add(name);
      fields.push(f);
    }
    if (fields.length > 0) out.push({ name: s.name, label: s.label, fields });
  }
  const rest = td.fields.filter((f) => !placed.has(f.name));
  if (rest.length > 0) out.push({ name: OTHER_SECTION, fields: rest });
  return out;
}

/** A field a form would offer: not computed, and not a file on a type that takes none. */
function offered(td: TypeDef, f: FieldDef): boolean {
  return !f.computed && !(f.type === 'attachment' && td.attachments === 'never');
}

/** The parts a new record's form shows: those with a field to fill. */
export function formSections(td: TypeDef): RecordSection[] {
  return recordSections(td).filter((s) => s.fields.some((f) => offered(td, f)));
}

export interface SectionReading {
  /** The fields with a value, in the section's order. */
  shown: FieldDef[];
  /** Fields one could fill that are empty (their condition holds): left out in read mode. */
  empty: number;
}

/**
 * What read mode shows of a part: every field with a value; the empty ones are counted, not
 * shown. Fields whose condition does not hold, computed ones, and identity fields the server
 * withheld (`identityHidden`) are not "empty": they are neither shown nor counted.
 */
export function readSection(td: TypeDef, section: RecordSection, values: Record<string, unknown>, identityHidden = false): SectionReading {
  const shown: FieldDef[] = [];
  let empty = 0;
  for (const f of section.fields) {
    if (!isAbsent(values[f.name])) {
      if (f.type === 'attachment' && td.attachments === 'never') continue;
      shown.push(f);
      continue;
    }
    if (!offered(td, f) || !isVisible(f, values)) continue;
    if (identityHidden && f.sensitivity === 'identity') continue;
    empty++;
  }
  return { shown, empty };
}

/**
 * The PATCH of one part being saved: its changed fields (absent ones as null, which clears them),
 * and, outside it, only the values its change hides (a field elsewhere whose visible_if no longer
 * holds is cleared, as the whole form did: the server refuses a value it does not show).
 */
export function sectionPatch(td: TypeDef, section: RecordSection, before: Record<string, unknown>, edited: Record<string, unknown>): Record<string, unknown> {
  const own = new Set(section.fields.map((f) => f.name));
  const after = visibleValues(td, edited);
  const changes = diff(before, after);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(changes)) {
    if (own.has(k)) out[k] = v;
    else if (v === null && !isAbsent(before[k]) && !(k in after)) out[k] = null;
  }
  return out;
}

/** The part a field is in (its name), for showing a server error beside it; undefined when none. */
export function sectionOf(sections: RecordSection[], field: string): string | undefined {
  return sections.find((s) => s.fields.some((f) => f.name === field))?.name;
}
