// The schema (GET /api/v1/schema), the roles (GET /api/v1/roles) and what follows from them for
// the signed-in user: labels in a language, field conditions, permissions. Pure: unit-tested.
import { formatDate } from './format';
import type { Lang } from './i18n';

export type Label = { az: string; en?: string; ru?: string };

export interface Condition {
  field: string;
  equals?: unknown;
  in?: unknown[];
  present?: boolean;
}

export type FieldType =
  | 'text'
  | 'long_text'
  | 'integer'
  | 'money'
  | 'decimal'
  | 'date'
  | 'partial_date'
  | 'datetime'
  | 'boolean'
  | 'enum'
  | 'multi_enum'
  | 'country'
  | 'reference'
  | 'attachment';

export interface FieldDef {
  name: string;
  type: FieldType;
  label: Label;
  help?: Label;
  required: boolean;
  indexed: boolean;
  sensitivity: 'identity' | 'case' | 'statistical';
  values?: string; // list name
  ref?: string; // record type
  max_length?: number;
  min?: number;
  max?: number;
  scale?: number;
  pattern?: string;
  name_search?: boolean;
  /** Searched by its words or their starts (3+ letters or digits): list `words`, pickers, the search box. */
  word_search?: boolean;
  computed?: unknown;
  visible_if?: Condition;
  required_if?: Condition;
  accept?: string[];
  max_bytes?: number;
}

export interface StateDef {
  name: string;
  label: Label;
}
export interface TransitionDef {
  name: string;
  label: Label;
  from: string[];
  to: string;
  permission: string;
  requires: string[];
  /** Only users of the agency the record names in this field may take it (a referral's receiver). */
  actor_agency_field?: string;
}

/**
 * Whether the user's agency may take a transition the workflow keeps to the agency a record
 * names (referral.to_agency_id): when the record names none, anyone with the permission may.
 */
export function agencyMayTake(tr: Pick<TransitionDef, 'actor_agency_field'>, data: Record<string, unknown>, agencyId: number | null | undefined): boolean {
  if (!tr.actor_agency_field) return true;
  const named = data[tr.actor_agency_field];
  if (named === undefined || named === null || named === '') return true;
  return named === agencyId;
}
/** A validation rule between two figures of a record ("referred_to_police <= screened"). */
export interface CheckDef {
  left: string;
  op: string;
  right: string;
  message: Label;
}
/** A record type that is a periodic return (docs/returns.md): who reports it, how often, by when. */
export interface PeriodicReturnDef {
  period: 'month' | 'quarter' | 'year';
  agency_types: string[];
  due_days: number;
  /** The first day of the first period owed, YYYY-MM-DD. */
  since: string;
}
/** A part of a long record, read and edited on its own (docs/records.md, "Sections"). */
export interface SectionDef {
  name: string;
  label: Label;
  /** Field names, in the order the section shows them; a field is in one section at most. */
  fields: string[];
}
export interface TypeDef {
  name: string;
  label: Label;
  title_field?: string;
  fields: FieldDef[];
  /** The record page's parts, in order; fields in none come last, under "Other". */
  sections?: SectionDef[];
  workflow?: { initial: string; states: StateDef[]; transitions: TransitionDef[] };
  /** Shown prominently at the top of the type's form (e.g. never upload the material itself). */
  notice?: Label;
  /** "never": the type takes no file at all (no upload control may appear). */
  attachments?: 'never';
  checks?: CheckDef[];
  periodic_return?: PeriodicReturnDef;
}
export interface ListValue {
  code: string;
  label: Label;
  retired?: boolean;
}
export interface ListDef {
  name: string;
  label: Label;
  values: ListValue[];
}
export interface Schema {
  types: TypeDef[];
  lists: ListDef[];
}
export interface RoleDef {
  name: string;
  label: Label;
  admin: boolean;
  identity: 'none' | 'read' | 'write';
  scope: string;
  agency_types: string[];
  permissions: Record<string, string[]>;
  second_factor?: boolean;
  break_glass?: boolean;
}

export function label(l: Label | undefined | null, lang: Lang): string {
  if (!l) return '';
  return l[lang] || l.az || '';
}

/** A value counts as absent when null, undefined, blank text or an empty list (as the server says). */
export function isAbsent(v: unknown): boolean {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

/** Whether a visible_if / required_if condition holds for the values of a form. */
export function holds(c: Condition | undefined, values: Record<string, unknown>): boolean {
  if (!c) return true;
  const v = values[c.field];
  if (c.present !== undefined) return c.present ? !isAbsent(v) : isAbsent(v);
  if (c.in !== undefined) {
    if (Array.isArray(v)) return v.some((x) => c.in!.includes(x));
    return c.in.includes(v);
  }
  if ('equals' in c) {
    if (Array.isArray(v)) return v.includes(c.equals);
    return v === c.equals;
  }
  return true;
}

export function isVisible(f: FieldDef, values: Record<string, unknown>): boolean {
  return holds(f.visible_if, values);
}

export function isRequired(f: FieldDef, values: Record<string, unknown>): boolean {
  return f.required || (f.required_if !== undefined && holds(f.required_if, values));
}

export class Meta {
  readonly types = new Map<string, TypeDef>();
  readonly lists = new Map<string, ListDef>();
  private readonly mine: RoleDef[];
  private readonly userRoles: readonly string[];

  constructor(
    schema: Schema,
    readonly roles: RoleDef[],
    userRoles: readonly string[],
  ) {
    for (const t of schema.types) this.types.set(t.name, t);
    for (const l of schema.lists) this.lists.set(l.name, l);
    this.userRoles = [...userRoles];
    this.mine = roles.filter((r) => userRoles.includes(r.name));
  }

  /** Whether the signed-in user holds the role (by name, whether or not /roles describes it). */
  hasRole(name: string): boolean {
    return this.userRoles.includes(name);
  }

  /**
   * Whether a role of the user reads the type nationally (scope "national"): every record of it,
   * not only those of the user's agency or shared with it.
   */
  readsNationally(type: string): boolean {
    return this.mine.some((r) => {
      if (r.scope !== 'national') return false;
      const own = r.permissions[type] ?? r.permissions['*'] ?? [];
      return own.includes('read') || own.includes('*');
    });
  }

  type(name: string): TypeDef | undefined {
    return this.types.get(name);
  }

  /** action: read, create, update, export, share... or a transition's name; "*" in a role = every action. */
  may(type: string, action: string): boolean {
    return this.mine.some((r) => {
      const own = r.permissions[type] ?? r.permissions['*'] ?? [];
      return own.includes(action) || own.includes('*');
    });
  }

  mayPermission(permission: string): boolean {
    const dot = permission.lastIndexOf('.');
    return dot > 0 && this.may(permission.slice(0, dot), permission.slice(dot + 1));
  }

  /** May open one record outside the scope for an hour, with a reason (audited). */
  get mayBreakGlass(): boolean {
    return this.mine.some((r) => r.break_glass === true);
  }

  get isAdmin(): boolean {
    return this.mine.some((r) => r.admin);
  }

  /** The widest identity access among the user's roles that read the type. */
  identity(type: string): 'none' | 'read' | 'write' {
    let best: 'none' | 'read' | 'write' = 'none';
    for (const r of this.mine) {
      const own = r.permissions[type] ?? r.permissions['*'];
      if (!own || !(own.includes('read') || own.includes('*'))) continue;
      if (r.identity === 'write') return 'write';
      if (r.identity === 'read') best = 'read';
    }
    return best;
  }

  /** The periodic return types the user reads (the returns page), in schema order. */
  returnTypes(): TypeDef[] {
    return [...this.types.values()].filter((t) => t.periodic_return && this.may(t.name, 'read'));
  }

  /** May export the block list of monitoring items: export permission and identity access (the server's rule). */
  get mayExportBlockList(): boolean {
    return this.types.has('monitoring_item') && this.may('monitoring_item', 'export') && this.identity('monitoring_item') !== 'none';
  }

  /**
   * May read exact statistics (the restricted edition, the international returns): national
   * export of every register, as the server's StatsService::mayRestricted asks of the registers
   * its indicators count. The client checks every type of the schema (a superset), so that at
   * worst it hides an entry the server would allow, never shows one that answers 404.
   */
  get mayExactStatistics(): boolean {
    if (this.types.size === 0) return false;
    for (const type of this.types.keys()) {
      const ok = this.mine.some((r) => {
        if (r.scope !== 'national') return false;
        const own = r.permissions[type] ?? r.permissions['*'] ?? [];
        return own.includes('export') || own.includes('*');
      });
      if (!ok) return false;
    }
    return true;
  }

  readableTypes(): TypeDef[] {
    return [...this.types.values()].filter((t) => this.may(t.name, 'read'));
  }

  listValues(list: string | undefined): ListValue[] {
    return (list && this.lists.get(list)?.values) || [];
  }

  valueLabel(list: string | undefined, code: string, lang: Lang): string {
    const v = this.listValues(list).find((x) => x.code === code);
    return v ? label(v.label, lang) : code;
  }

  stateLabel(type: string, state: string | undefined, lang: Lang): string {
    if (!state) return '';
    const s = this.type(type)?.workflow?.states.find((x) => x.name === state);
    return s ? label(s.label, lang) : state;
  }

  roleLabel(role: string, lang: Lang): string {
    const r = this.roles.find((x) => x.name === role);
    return r ? label(r.label, lang) : role;
  }

  /** Types with a reference field pointing at `type`: [type, field] pairs (for "create linked"). */
  referencing(type: string): Array<[TypeDef, FieldDef]> {
    const out: Array<[TypeDef, FieldDef]> = [];
    for (const t of this.types.values())
      for (const f of t.fields) if (f.type === 'reference' && f.ref === type && !f.computed) out.push([t, f]);
    return out;
  }
}

/**
 * A title field's value as a title: text as it is; a day (a type titled by a date, such as a
 * rehabilitation plan by the day it was drawn up) as "<type label>, 6 dekabr 2026". Empty when absent.
 */
export function titleText(t: TypeDef | undefined, v: unknown, lang: Lang): string {
  if (typeof v !== 'string' || !v.trim()) return '';
  const f = t?.title_field ? t.fields.find((x) => x.name === t.title_field) : undefined;
  if (f?.type === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return `${label(t?.label, lang)}, ${formatDate(v, lang)}`;
  return v;
}

/** The title of a record: its title field, else "<type label> № id". */
export function recordTitle(t: TypeDef | undefined, rec: { id: number; data: Record<string, unknown> }, lang: Lang): string {
  const tf = t?.title_field;
  const v = titleText(t, tf ? rec.data[tf] : undefined, lang);
  if (v) return v.length > 80 ? `${v.slice(0, 77)}…` : v;
  return `${label(t?.label, lang)} № ${rec.id}`;
}

/** Fields worth a column in a list: the title, then indexed non-identity fields. */
export function listColumns(t: TypeDef, max = 4): FieldDef[] {
  return t.fields
    .filter((f) => f.name !== t.title_field && f.indexed && f.sensitivity !== 'identity' && !f.computed)
    .filter((f) => f.type !== 'long_text' && f.type !== 'attachment')
    .slice(0, max);
}

/** Changed values only, for a PATCH: absent values are sent as null (which clears them). */
export function diff(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const k of keys) {
    const a = before[k];
    const b = after[k];
    if (isAbsent(a) && isAbsent(b)) continue;
    if (JSON.stringify(a) !== JSON.stringify(b)) out[k] = isAbsent(b) ? null : b;
  }
  return out;
}

/** Form values without absent ones, for a POST. */
export function compact(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) if (!isAbsent(v)) out[k] = v;
  return out;
}

/** The values without those of fields whose visible_if does not hold (the server refuses them). */
export function visibleValues(t: TypeDef, values: Record<string, unknown>): Record<string, unknown> {
  const out = { ...values };
  for (const f of t.fields) if (!isVisible(f, values)) delete out[f.name];
  return out;
}
