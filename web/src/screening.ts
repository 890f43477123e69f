// The screening's pure logic (unit-tested): which indicator list a screening opens on (labour or
// sexual exploitation, adult or child) from what the victim case records — its forms of
// exploitation and the person's date of birth — with the reason in a form the page words; and
// which of a case's screenings is the latest.
import { displayDate } from './dates';
import type { MessageKey, Params } from './i18n';

export type Focus = 'labour' | 'sexual';

/** Why the list of indicators (labour / sexual) was chosen. */
export type FocusReason =
  | 'sexual' // the case records sexual exploitation only
  | 'mixed' // sexual exploitation and another form: the sexual list, the labour list may also be used
  | 'labour' // only other forms (forced labour, servitude, begging…)
  | 'none'; // no form recorded: the labour list, as before

/** Why adult or child. */
export type ChildReason =
  | 'minor' // under 18 on the screening day, from the date of birth
  | 'adult' // 18 or over on the screening day
  | 'uncertain' // the date of birth (a year or a month) does not tell: presumed a child
  | 'case_child' // no date of birth; the case says a child when registered
  | 'case_adult' // no date of birth; the case says an adult when registered
  | 'unknown'; // nothing known: adult list, the user decides

export interface ListChoice {
  focus: Focus;
  isChild: boolean;
  focusReason: FocusReason;
  childReason: ChildReason;
  /** The age on the screening day when the date of birth tells it. */
  age?: number;
  /** The forms of exploitation the choice was made from. */
  forms: string[];
  /** The date of birth the age was read from. */
  birth?: string;
}

export interface ListSource {
  /** victim_case.forms_of_exploitation (exploitation_form codes). */
  forms?: unknown;
  /** A partial date (yyyy, yyyy-mm, yyyy-mm-dd): victim_case.person_birth or person.birth. */
  birth?: unknown;
  /** victim_case.is_child (computed: a minor when registered). */
  caseIsChild?: unknown;
}

/** An exploitation_form code that the sexual-exploitation indicator list is for. */
export function isSexualForm(code: string): boolean {
  return code.startsWith('sexual_');
}

export function focusFor(forms: unknown): { focus: Focus; reason: FocusReason; forms: string[] } {
  const list = Array.isArray(forms) ? forms.filter((f): f is string => typeof f === 'string' && f !== '') : [];
  const sexual = list.some(isSexualForm);
  const other = list.some((f) => !isSexualForm(f));
  if (sexual && other) return { focus: 'sexual', reason: 'mixed', forms: list };
  if (sexual) return { focus: 'sexual', reason: 'sexual', forms: list };
  if (other) return { focus: 'labour', reason: 'labour', forms: list };
  return { focus: 'labour', reason: 'none', forms: list };
}

/**
 * The whole years between a (partial) date of birth and a day (yyyy-mm-dd), as a range: a year
 * alone or a month leaves the birthday unknown, so the age may be one of two. undefined for a
 * text that is not a date, or a birth after the day.
 */
export function ageRange(birth: unknown, on: string): { min: number; max: number } | undefined {
  if (typeof birth !== 'string') return undefined;
  const b = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(birth.trim());
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(on);
  if (!b || !d) return undefined;
  const [by, bm, bd] = [Number(b[1]), b[2] ? Number(b[2]) : undefined, b[3] ? Number(b[3]) : undefined];
  const [y, m, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
  const years = y - by;
  let min: number;
  let max: number;
  if (bm === undefined) [min, max] = [years - 1, years];
  else if (bm < m) [min, max] = [years, years];
  else if (bm > m) [min, max] = [years - 1, years - 1];
  else if (bd === undefined) [min, max] = [years - 1, years];
  else [min, max] = bd <= day ? [years, years] : [years - 1, years - 1];
  if (max < 0) return undefined;
  return { min: Math.max(min, 0), max };
}

/**
 * The list a screening opens on. A child (under 18) on the screening day gets the child list; when
 * the date of birth is only a year or a month and the person may be under 18, they are presumed a
 * child (as the law presumes a person of uncertain age who may be a child to be one). The user may
 * change both.
 */
export function defaultList(src: ListSource, on: string): ListChoice {
  const f = focusFor(src.forms);
  const range = ageRange(src.birth, on);
  let isChild: boolean;
  let childReason: ChildReason;
  let age: number | undefined;
  if (range) {
    if (range.max < 18) [isChild, childReason] = [true, 'minor'];
    else if (range.min >= 18) [isChild, childReason] = [false, 'adult'];
    else [isChild, childReason] = [true, 'uncertain'];
    if (range.min === range.max) age = range.min;
  } else if (src.caseIsChild === true) [isChild, childReason] = [true, 'case_child'];
  else if (src.caseIsChild === false) [isChild, childReason] = [false, 'case_adult'];
  else [isChild, childReason] = [false, 'unknown'];
  return { focus: f.focus, isChild, focusReason: f.reason, childReason, age, forms: f.forms, ...(range ? { birth: String(src.birth).trim() } : {}) };
}

/**
 * The reasons of a choice as messages (the exploitation list, then adult or child); `formLabel`
 * names an exploitation_form code in the page's language.
 */
export function choiceMessages(choice: ListChoice, formLabel: (code: string) => string): Array<{ key: MessageKey; params?: Params }> {
  const forms = choice.forms.map(formLabel).join(', ');
  const focus: { key: MessageKey; params?: Params } = { key: `screening.why_${choice.focusReason}`, params: { forms } };
  let child: { key: MessageKey; params?: Params };
  const r = choice.childReason;
  if (r === 'minor' || r === 'adult') child = choice.age !== undefined ? { key: `screening.why_${r}_age`, params: { n: choice.age } } : { key: `screening.why_${r}` };
  else if (r === 'uncertain') child = { key: 'screening.why_uncertain', params: { birth: displayDate(choice.birth ?? '') } };
  else child = { key: `screening.why_${r}` };
  return [focus, child];
}

/** The fields of a screening record this module reads. */
export interface ScreeningLike {
  id: number;
  created_at?: string;
  data: Record<string, unknown>;
}

/** The latest screening: the latest screening day, then the latest made, then the highest id. */
export function latestScreening<T extends ScreeningLike>(items: readonly T[]): T | undefined {
  let best: T | undefined;
  const key = (s: T) => [typeof s.data.screened_on === 'string' ? s.data.screened_on : '', s.created_at ?? '', s.id] as const;
  for (const s of items) {
    if (!best) {
      best = s;
      continue;
    }
    const [a, b] = [key(s), key(best)];
    if (a[0] > b[0] || (a[0] === b[0] && (a[1] > b[1] || (a[1] === b[1] && a[2] > b[2])))) best = s;
  }
  return best;
}

/** Where saving a screening lands: the case it was made for, else the record it was opened from. */
export function afterScreeningHref(values: Record<string, unknown>, from: string | undefined, screeningId: number): string {
  if (typeof values.victim_case === 'number' && values.victim_case > 0) return `/records/victim_case/${values.victim_case}?screened=${screeningId}`;
  if (from) {
    const [type, id] = from.split(':');
    if (type && /^[a-z_]+$/.test(type) && id && /^\d+$/.test(id)) return `/records/${type}/${id}?screened=${screeningId}`;
  }
  return `/records/screening/${screeningId}?created=1`;
}

/**
 * Who screened: the screener the record names, else the user who recorded it (the history's
 * creation entry), else undefined.
 */
export function screenedBy(data: Record<string, unknown>, history: ReadonlyArray<{ action: string; by_name?: string }> | undefined): string | undefined {
  if (typeof data.screener === 'string' && data.screener.trim() !== '') return data.screener.trim();
  const created = history?.find((e) => e.action === 'create');
  return created?.by_name?.trim() || undefined;
}
