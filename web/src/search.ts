// Search by words (docs/records.md, "Finding a record by its words"): the header's box and its page (GET /api/v1/search),
// a register's list filtered by words (GET /records/{type}?words=) and the reference pickers.
// The server folds the text (any script to Latin, accents and case away, ə read as e) and needs
// a word of at least 3 letters or digits. Pure helpers, unit-tested.
import { ApiError } from './api';
import type { TypeDef } from './meta';

/** A word must have this many letters or digits for the server to search by it (or by its start). */
export const MIN_WORD = 3;
/** The longest text the server searches (characters). */
export const MAX_SEARCH = 200;

/** How many hits of each type the search page asks for. */
export const PER_TYPE = 5;

/** One hit of GET /api/v1/search. */
export interface SearchHit {
  type: string;
  id: number;
  /** The record's title field, when it has one and it is set. */
  title?: unknown;
  /** "words": a title's words; "name": a person's name (roles that read identities; the title is the pseudonym). */
  match: 'words' | 'name' | string;
  /** The last hit of a type's search that has more than the page shows. */
  more?: boolean;
}

/** Body of GET /api/v1/search. */
export interface SearchBody {
  results: SearchHit[];
}

/** The hits of one type, in the server's order; `more`: the list that shows the rest, if any. */
export interface SearchGroup {
  type: string;
  hits: SearchHit[];
  more?: 'words' | 'name';
}

/**
 * Whether the text has a word the server searches by (3 letters or digits or more). An
 * approximation of the server's folding (it transliterates, so a rare word may count there and
 * not here, or the other way round): the server's answer decides, this only saves a request.
 */
export function hasSearchWord(text: string): boolean {
  const plain = text.normalize('NFD').replace(/\p{M}+/gu, '');
  return new RegExp(`[\\p{L}\\p{N}]{${MIN_WORD},}`, 'u').test(plain);
}

/** Whether the type has a field searched by its words (a list may be filtered with `words`). */
export function hasWordSearch(td: Pick<TypeDef, 'fields'> | undefined): boolean {
  return !!td?.fields.some((f) => f.word_search === true);
}

/** The search page's address for a text. */
export function searchHref(q: string): string {
  const text = q.trim();
  return text ? `/search?q=${encodeURIComponent(text)}` : '/search';
}

/** The query of GET /api/v1/search for a text. */
export function searchPath(q: string, perType: number = PER_TYPE): string {
  return `/search?q=${encodeURIComponent(q.trim())}&per_type=${perType}`;
}

/** The hits by type, types in the order of `order` (e.g. by label), then any others in the server's order. */
export function groupHits(hits: readonly SearchHit[], order?: (a: string, b: string) => number): SearchGroup[] {
  const groups = new Map<string, SearchGroup>();
  for (const h of hits) {
    let g = groups.get(h.type);
    if (!g) {
      g = { type: h.type, hits: [] };
      groups.set(h.type, g);
    }
    if (g.hits.some((x) => x.id === h.id)) continue;
    g.hits.push(h);
    // The words' list shows the rest of a words search; the name search's (persons) the rest of
    // a name search. Words first: the list's words filter is the one every role has.
    if (h.more && (h.match === 'words' || h.match === 'name') && g.more !== 'words') g.more = h.match;
  }
  const out = [...groups.values()];
  if (order) out.sort((a, b) => order(a.type, b.type));
  return out;
}

/** The register's list with the rest of a type's hits: filtered by words, or by name. */
export function moreHref(type: string, q: string, match: 'words' | 'name'): string {
  return `/records/${type}?${match === 'name' ? 'q' : 'words'}=${encodeURIComponent(q.trim())}`;
}

/** Where a hit leads (a criminal case has a page of its own). */
export function hitHref(h: Pick<SearchHit, 'type' | 'id'>): string {
  return h.type === 'criminal_case' ? `/criminal-cases/${h.id}` : `/records/${h.type}/${h.id}`;
}

/**
 * What a refused search text broke, from the server's 422 (errors[].field "q" for the search,
 * "words" for a list): a word too short ("min_length"), the text too long ("max_length"), a type
 * not searched by words ("not_searchable"). Undefined for any other failure.
 */
export function searchRefusal(error: unknown, field: 'q' | 'words'): 'min_length' | 'max_length' | 'not_searchable' | undefined {
  if (!(error instanceof ApiError) || error.status !== 422) return undefined;
  const e = error.fieldErrors(field)[0];
  if (!e) return undefined;
  if (e.code === 'min_length' || e.code === 'max_length' || e.code === 'not_searchable') return e.code;
  return undefined;
}

/**
 * The searches a reference picker runs for a text: the record of that number; the title's words
 * (types with a word_search field, a text with a word of 3 letters or digits) or else the title
 * as typed (exact); names (types with a name search, for roles with identity access).
 */
export interface RefSearchPlan {
  id?: number;
  words?: string;
  /** [title field, the text]: the exact-title fallback. */
  title?: [string, string];
  names?: string;
}

export function refSearchPlan(text: string, opts: { titleField?: string | undefined; wordSearch: boolean; nameSearch: boolean }): RefSearchPlan {
  const s = text.trim();
  const plan: RefSearchPlan = {};
  if (!s) return plan;
  const digits = /^\d+$/.test(s);
  if (digits && s.length <= 16) plan.id = Number(s);
  if (opts.wordSearch && s.length <= MAX_SEARCH && hasSearchWord(s)) plan.words = s;
  else if (opts.titleField) plan.title = [opts.titleField, s];
  if (opts.nameSearch && s.length >= 2 && !digits) plan.names = s;
  return plan;
}
