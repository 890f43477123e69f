// Saved filters of the record lists (pure; unit-tested): the list's address query (state, values,
// dates, words, sorting) kept under a name the user types, in the browser's storage under a key
// of the signed-in user and the record type — another user of the same computer never sees them
// —, at most 20 per type. The name search (`q`: a person's name) is never kept: names are
// personal data and stay out of the browser's storage. What is stored is read defensively: a
// corrupt or foreign value gives no filters (and is said so), never an error.

export const MAX_SAVED_FILTERS = 20;
export const MAX_FILTER_NAME = 60;
/** Query keys never saved: the name search (identity) and paging. */
export const UNSAVED_KEYS: readonly string[] = ['q', 'cursor'];

export interface SavedFilter {
  name: string;
  /** The list's query without "?" (URLSearchParams text). */
  query: string;
}

export type StorageLike = Pick<Storage, 'getItem' | 'setItem'>;

/** The storage key of a user's filters of a type. */
export function savedFiltersKey(userId: number, type: string): string {
  return `palermo.saved_filters.${userId}.${type}`;
}

/** A name as kept: trimmed, inner runs of spaces made one, Unicode NFC. */
export function normalName(name: string): string {
  return name.normalize('NFC').replace(/\s+/g, ' ').trim();
}

function sameName(a: string, b: string): boolean {
  return normalName(a).toLocaleLowerCase('az') === normalName(b).toLocaleLowerCase('az');
}

/**
 * The query a filter keeps from the list's address query: every non-empty value but the name
 * search and paging, in the address's order. Empty when nothing filters the list.
 */
export function filterQuery(query: Record<string, string>): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (!UNSAVED_KEYS.includes(k) && v !== '') qs.append(k, v);
  return qs.toString();
}

/** Whether the address query carries a name search, which a saved filter leaves out. */
export function dropsNameSearch(query: Record<string, string>): boolean {
  return (query.q ?? '') !== '';
}

/** The list's address with a saved filter's query. */
export function savedFilterHref(type: string, query: string): string {
  return `/records/${type}${query ? `?${query}` : ''}`;
}

/** Whether the list's current query is that of a saved filter (the same values, in any order). */
export function isCurrentFilter(saved: SavedFilter, query: Record<string, string>): boolean {
  const norm = (s: string) => [...new URLSearchParams(s)].map(([k, v]) => `${k}=${v}`).sort().join('&');
  return norm(saved.query) === norm(filterQuery(query));
}

/** The filters in a stored text; `corrupt` when there was a text that is not a list of filters. */
export function parseSavedFilters(raw: string | null | undefined): { items: SavedFilter[]; corrupt: boolean } {
  if (raw === null || raw === undefined || raw === '') return { items: [], corrupt: false };
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return { items: [], corrupt: true };
  }
  if (!Array.isArray(v)) return { items: [], corrupt: true };
  const items: SavedFilter[] = [];
  let corrupt = false;
  for (const x of v) {
    const o = x as Record<string, unknown> | null;
    const name = o && typeof o === 'object' && typeof o.name === 'string' ? normalName(o.name) : '';
    const query = o && typeof o === 'object' && typeof o.query === 'string' ? o.query.replace(/^\?/, '') : undefined;
    if (!name || name.length > MAX_FILTER_NAME || query === undefined || items.some((i) => sameName(i.name, name))) {
      corrupt = true;
      continue;
    }
    // A stored query that carries the name search (written by hand): that part is dropped.
    const clean = filterQuery(Object.fromEntries(new URLSearchParams(query)));
    items.push({ name, query: clean });
  }
  if (items.length > MAX_SAVED_FILTERS) corrupt = true;
  return { items: items.slice(0, MAX_SAVED_FILTERS), corrupt };
}

/** A user's saved filters of a type (none when the storage is unavailable or holds something else). */
export function loadSavedFilters(storage: StorageLike | undefined, userId: number, type: string): { items: SavedFilter[]; corrupt: boolean } {
  try {
    return parseSavedFilters(storage?.getItem(savedFiltersKey(userId, type)));
  } catch {
    return { items: [], corrupt: false };
  }
}

/** Writes a user's filters of a type; false when the storage refuses (full, disabled). */
export function storeSavedFilters(storage: StorageLike | undefined, userId: number, type: string, items: readonly SavedFilter[]): boolean {
  if (!storage) return false;
  try {
    storage.setItem(savedFiltersKey(userId, type), JSON.stringify(items.map((i) => ({ name: i.name, query: i.query }))));
    return true;
  } catch {
    return false;
  }
}

export type AddRefusal = 'name_empty' | 'name_long' | 'nothing' | 'full';

/**
 * The list with a filter added under `name` (a filter of the same name, in any case, replaced in
 * its place: `replaced`), or why not: no name, a name too long, nothing to save, the cap reached.
 */
export function addSavedFilter(
  items: readonly SavedFilter[],
  name: string,
  query: string,
): { items: SavedFilter[]; replaced: boolean } | { error: AddRefusal } {
  const n = normalName(name);
  if (!n) return { error: 'name_empty' };
  if (n.length > MAX_FILTER_NAME) return { error: 'name_long' };
  if (!query) return { error: 'nothing' };
  const at = items.findIndex((i) => sameName(i.name, n));
  if (at >= 0) {
    const next = [...items];
    next[at] = { name: n, query };
    return { items: next, replaced: true };
  }
  if (items.length >= MAX_SAVED_FILTERS) return { error: 'full' };
  return { items: [...items, { name: n, query }], replaced: false };
}

/** The list without the filter named `name`. */
export function removeSavedFilter(items: readonly SavedFilter[], name: string): SavedFilter[] {
  return items.filter((i) => !sameName(i.name, name));
}
