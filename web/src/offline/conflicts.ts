// A version conflict (412) field by field (docs/offline.md, "Conflicts"): the value the change
// was made from (base), the user's (mine = base + changes) and the server's now (theirs). The
// user chooses per field; the result is a PATCH sent with theirs' version.

/**
 * The record's own members as the API answers them (id, version, dates, state…), managed by the
 * server (docs/records.md reserves most of these names: no field is called so). Left out when a flat map is compared, so
 * that a record spread into one does not count them; an API record's fields are its `data`.
 */
export const SERVER_FIELDS: ReadonlySet<string> = new Set([
  'id',
  'type',
  'state',
  'version',
  'created_at',
  'created_by',
  'updated_at',
  'updated_by',
  'deleted',
  'deadlines',
  'data',
]);

export type ConflictKind = 'mine-only' | 'theirs-only' | 'both-same' | 'both-different';

export interface FieldConflict {
  field: string;
  /** Values as compared; a missing field is null (a PATCH clears a field with null). */
  base: unknown;
  mine: unknown;
  theirs: unknown;
  kind: ConflictKind;
}

/** Whose value to keep for a field, or a value the user typed. */
export type Choice = 'mine' | 'theirs' | { value: unknown };

/** A record as the API answers it (fields under `data`), or a flat map of field values. */
export type RecordLike = { data?: unknown; version?: unknown } | Record<string, unknown>;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The record's field values: `data` of an API record, else the map without server fields. */
export function fieldsOf(record: RecordLike | null | undefined): Record<string, unknown> {
  if (!isPlainObject(record)) return {};
  if (isPlainObject(record.data)) return record.data;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) if (!SERVER_FIELDS.has(k)) out[k] = v;
  return out;
}

/** JSON with sorted keys: equal values give equal text. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isPlainObject(v)) {
    return `{${Object.keys(v)
      .sort()
      .filter((k) => v[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

/** Equal as the server stores them: missing and null are the same. */
export function sameValue(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

/** Every field where base, mine and theirs are not all equal, classified. */
export function compareRecords(base: RecordLike, mine: RecordLike, theirs: RecordLike): FieldConflict[] {
  const b = fieldsOf(base);
  const m = fieldsOf(mine);
  const t = fieldsOf(theirs);
  const fields = [...new Set([...Object.keys(b), ...Object.keys(m), ...Object.keys(t)])];
  const out: FieldConflict[] = [];
  for (const field of fields) {
    const base = b[field] ?? null;
    const mine = m[field] ?? null;
    const theirs = t[field] ?? null;
    const mineChanged = !sameValue(base, mine);
    const theirsChanged = !sameValue(base, theirs);
    if (!mineChanged && !theirsChanged) continue;
    const kind: ConflictKind = !theirsChanged
      ? 'mine-only'
      : !mineChanged
        ? 'theirs-only'
        : sameValue(mine, theirs)
          ? 'both-same'
          : 'both-different';
    out.push({ field, base, mine, theirs, kind });
  }
  return out;
}

/** mine = base + changes (a PATCH body: null clears a field). */
export function applyChanges(base: RecordLike, changes: Record<string, unknown>): Record<string, unknown> {
  return { ...fieldsOf(base), ...changes };
}

/** The choices that need no one: the side that changed; both-different is left to the user. */
export function defaultChoices(conflicts: readonly FieldConflict[]): Record<string, Choice> {
  const out: Record<string, Choice> = {};
  for (const c of conflicts) {
    if (c.kind === 'mine-only') out[c.field] = 'mine';
    else if (c.kind !== 'both-different') out[c.field] = 'theirs';
  }
  return out;
}

/** The fields the user must choose for: both sides changed them differently. */
export function needsChoice(conflicts: readonly FieldConflict[]): string[] {
  return conflicts.filter((c) => c.kind === 'both-different').map((c) => c.field);
}

export interface Resolution {
  /** The PATCH body: only the fields whose chosen value differs from theirs. */
  patch: Record<string, unknown>;
  /** Send it with If-Match of this version (theirs'). */
  version: number;
}

/**
 * The PATCH that applies the choices on top of theirs. Fields without a choice take the default
 * (the side that changed); a both-different field without a choice is refused, naming it.
 */
export function resolve(
  conflicts: readonly FieldConflict[],
  theirs: { version: number },
  choices: Readonly<Record<string, Choice>> = {},
): Resolution {
  const defaults = defaultChoices(conflicts);
  const patch: Record<string, unknown> = {};
  const missing: string[] = [];
  for (const c of conflicts) {
    const choice = choices[c.field] ?? defaults[c.field];
    if (choice === undefined) {
      missing.push(c.field);
      continue;
    }
    const value = choice === 'mine' ? c.mine : choice === 'theirs' ? c.theirs : (choice.value ?? null);
    if (!sameValue(value, c.theirs)) patch[c.field] = value;
  }
  if (missing.length) throw new Error(`Choose a value for: ${missing.join(', ')}.`);
  return { patch, version: theirs.version };
}

/** Whether the changes are all in theirs already (a retried update whose first copy arrived). */
export function changesAlreadyIn(changes: Record<string, unknown>, theirs: RecordLike): boolean {
  const t = fieldsOf(theirs);
  return Object.entries(changes).every(([field, value]) => sameValue(value, t[field]));
}
