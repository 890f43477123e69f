// The pure logic of the child-protection screens (unit-tested): the raid sheet's JSON-lines
// import (a raid, then a person and a child_found per row, all or nothing) and the mapping of the
// import's errors back to the sheet's rows and cells; the visit calendar's grouping; the days a
// commission's material has waited.

/** A column of the raid sheet: which record of the row its value goes to, and how it is typed. */
export interface SheetColumn {
  name: string;
  on: 'person' | 'child_found';
  kind: 'text' | 'partial_date' | 'enum' | 'multi_enum' | 'country';
}

export const SHEET_COLUMNS: readonly SheetColumn[] = [
  { name: 'last_name', on: 'person', kind: 'text' },
  { name: 'first_name', on: 'person', kind: 'text' },
  { name: 'patronymic', on: 'person', kind: 'text' },
  { name: 'sex', on: 'person', kind: 'enum' },
  { name: 'birth', on: 'person', kind: 'partial_date' },
  { name: 'citizenship', on: 'person', kind: 'country' },
  { name: 'activity', on: 'child_found', kind: 'enum' },
  { name: 'accompanied_by', on: 'child_found', kind: 'enum' },
  { name: 'parents_measures', on: 'child_found', kind: 'multi_enum' },
];

export type CellValue = string | string[];

/** One child of the sheet; `uid` stays with the row when rows above it are deleted. */
export interface SheetRow {
  uid: number;
  values: Record<string, CellValue>;
}

let nextUid = 1;
export function emptyRow(): SheetRow {
  return { uid: nextUid++, values: {} };
}

function present(v: CellValue | undefined): boolean {
  return Array.isArray(v) ? v.length > 0 : typeof v === 'string' && v.trim() !== '';
}

/** A row with nothing typed in it (the spare row at the end) is not sent. */
export function isBlankRow(row: SheetRow): boolean {
  return !SHEET_COLUMNS.some((c) => present(row.values[c.name]));
}

/** The raid of the sheet: a new one (its field values) or one already registered. */
export type SheetRaid = { kind: 'new'; values: Record<string, unknown> } | { kind: 'existing'; id: number; raid_on: string };

/** What a line of the import is, so that its errors can be shown where they belong. */
export type ImportLine = { kind: 'raid' } | { kind: 'person'; row: number } | { kind: 'child_found'; row: number };

export interface SheetImport {
  /** The JSON-lines body (one object a line, "\n" after each). */
  body: string;
  /** lines[n - 1] describes line n of the body (the server counts lines from 1). */
  lines: ImportLine[];
  /** The uids of the rows sent, in order. */
  rows: number[];
}

function clean(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined || v === null) continue;
    if (typeof v === 'string') {
      if (v.trim() !== '') out[k] = v.trim();
    } else if (Array.isArray(v)) {
      if (v.length > 0) out[k] = v;
    } else out[k] = v;
  }
  return out;
}

/**
 * The import of a sheet: the raid first (when new, key "raid"), then for each non-blank row a
 * person (key "p<uid>") and a child_found (key "c<uid>") pointing at the raid and the person,
 * found on the raid's date. One POST /imports?format=jsonl: every record or none; the answer's
 * `ids` give the new records' ids by these keys.
 */
export function buildSheetImport(raid: SheetRaid, rows: readonly SheetRow[]): SheetImport {
  const out: string[] = [];
  const lines: ImportLine[] = [];
  const sent: number[] = [];
  let raidRef: unknown;
  let foundOn: unknown;
  if (raid.kind === 'new') {
    out.push(JSON.stringify({ _type: 'raid', _key: 'raid', ...clean(raid.values) }));
    lines.push({ kind: 'raid' });
    raidRef = { _key: 'raid' };
    foundOn = typeof raid.values.raid_on === 'string' && raid.values.raid_on ? raid.values.raid_on : undefined;
  } else {
    raidRef = raid.id;
    foundOn = raid.raid_on || undefined;
  }
  for (const row of rows) {
    if (isBlankRow(row)) continue;
    const person: Record<string, unknown> = {};
    const found: Record<string, unknown> = {};
    for (const c of SHEET_COLUMNS) (c.on === 'person' ? person : found)[c.name] = row.values[c.name];
    const key = `p${row.uid}`;
    out.push(JSON.stringify({ _type: 'person', _key: key, ...clean(person) }));
    lines.push({ kind: 'person', row: row.uid });
    out.push(JSON.stringify({ _type: 'child_found', _key: `c${row.uid}`, raid: raidRef, ...clean({ found_on: foundOn }), person: { _key: key }, ...clean(found) }));
    lines.push({ kind: 'child_found', row: row.uid });
    sent.push(row.uid);
  }
  return { body: out.length ? `${out.join('\n')}\n` : '', lines, rows: sent };
}

/** One error of an import report (POST /imports answers 422 with these). */
export interface ImportErrorItem {
  file?: string;
  line: number;
  field: string;
  code: string;
  message: string;
}

export interface SheetMessage {
  code: string;
  message: string;
}

/** The import's errors placed on the sheet: at a raid field, at a row's cell, at a row, or above all. */
export interface SheetErrors {
  raid: Record<string, SheetMessage[]>;
  /** row uid -> column name (or "" for the row as a whole) -> messages */
  rows: Record<number, Record<string, SheetMessage[]>>;
  general: SheetMessage[];
}

export function noSheetErrors(): SheetErrors {
  return { raid: {}, rows: {}, general: [] };
}

export function hasSheetErrors(e: SheetErrors): boolean {
  return Object.keys(e.raid).length > 0 || Object.keys(e.rows).length > 0 || e.general.length > 0;
}

function push<K extends string | number>(m: Record<K, SheetMessage[]>, k: K, msg: SheetMessage) {
  const list = (m[k] ??= []);
  if (!list.some((x) => x.code === msg.code && x.message === msg.message)) list.push(msg);
}

/** "parents_measures[1]", "roles.0" -> "parents_measures". */
function baseField(field: string): string {
  return field.split(/[.[]/)[0] ?? '';
}

/**
 * Maps an import's errors (line, field) back to the sheet. References that fail only because the
 * line they point at failed are left out: that line's own error says what to fix. A child's
 * found_on is the raid's date, so its errors go to the raid's date when the raid is new.
 */
export function mapImportErrors(errors: readonly ImportErrorItem[], imp: Pick<SheetImport, 'lines'>, raid: SheetRaid['kind']): SheetErrors {
  const out = noSheetErrors();
  const failed = new Set(errors.map((e) => e.line));
  const lineOf = (want: (l: ImportLine) => boolean) => imp.lines.findIndex(want) + 1;
  const raidLine = raid === 'new' ? lineOf((l) => l.kind === 'raid') : 0;
  const columns = new Map(SHEET_COLUMNS.map((c) => [c.name, c]));
  for (const e of errors) {
    const msg = { code: e.code, message: e.message };
    const what = e.line >= 1 ? imp.lines[e.line - 1] : undefined;
    const field = baseField(e.field);
    if (!what) {
      out.general.push(msg);
      continue;
    }
    if (what.kind === 'raid') {
      if (field && !field.startsWith('_')) push(out.raid, field, msg);
      else out.general.push(msg);
      continue;
    }
    const row = (out.rows[what.row] ??= {});
    const col = columns.get(field);
    if (what.kind === 'child_found') {
      if (e.code === 'reference' && field === 'raid' && raidLine && failed.has(raidLine)) continue;
      if (e.code === 'reference' && field === 'person' && failed.has(lineOf((l) => l.kind === 'person' && l.row === what.row))) continue;
      if (field === 'found_on' && raid === 'new') {
        push(out.raid, 'raid_on', msg);
        continue;
      }
    }
    if (col && col.on === what.kind) push(row, col.name, msg);
    else push(row, '', msg);
  }
  for (const [uid, cells] of Object.entries(out.rows)) if (Object.keys(cells).length === 0) delete out.rows[Number(uid)];
  return out;
}

// ---- Dates (calendar days, "YYYY-MM-DD", computed in UTC) ----

function utc(iso: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return undefined;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

function iso(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

const DAY = 86_400_000;

/** Whole days from `from` to `to` (negative when `to` is earlier); undefined for a bad date. */
export function daysBetween(from: string, to: string): number | undefined {
  const a = utc(from);
  const b = utc(to);
  if (a === undefined || b === undefined) return undefined;
  return Math.round((b - a) / DAY);
}

export function addDays(date: string, days: number): string {
  const a = utc(date);
  return a === undefined ? date : iso(a + days * DAY);
}

/** The Monday of the date's week. */
export function weekStart(date: string): string {
  const a = utc(date);
  if (a === undefined) return date;
  const dow = (new Date(a).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return iso(a - dow * DAY);
}

// ---- The visit calendar ----

export type VisitStatus = 'overdue' | 'today' | 'upcoming';

/** A planned visit is due on its day and overdue after it. */
export function visitStatus(plannedOn: string, today: string): VisitStatus {
  const d = daysBetween(today, plannedOn);
  if (d === undefined) return 'upcoming';
  return d < 0 ? 'overdue' : d === 0 ? 'today' : 'upcoming';
}

export interface VisitLike {
  id: number;
  data: Record<string, unknown>;
}

export interface VisitGroup<T extends VisitLike> {
  /** The week's Monday or the month (YYYY-MM); "" for visits without a date. */
  key: string;
  /** First and last day of the period. */
  from: string;
  to: string;
  items: Array<{ visit: T; status: VisitStatus }>;
  overdue: number;
  today: number;
}

/** Planned visits by week (Monday to Sunday) or month, oldest first, each marked due or overdue. */
export function groupVisits<T extends VisitLike>(visits: readonly T[], by: 'week' | 'month', today: string): Array<VisitGroup<T>> {
  const groups = new Map<string, VisitGroup<T>>();
  for (const v of visits) {
    const planned = typeof v.data.planned_on === 'string' ? v.data.planned_on : '';
    let key = '';
    let from = '';
    let to = '';
    if (utc(planned) !== undefined) {
      if (by === 'week') {
        key = from = weekStart(planned);
        to = addDays(from, 6);
      } else {
        key = planned.slice(0, 7);
        from = `${key}-01`;
        const [y, m] = key.split('-').map(Number) as [number, number];
        to = iso(Date.UTC(y, m, 0));
      }
    }
    let g = groups.get(key);
    if (!g) {
      g = { key, from, to, items: [], overdue: 0, today: 0 };
      groups.set(key, g);
    }
    const status = planned ? visitStatus(planned, today) : 'upcoming';
    g.items.push({ visit: v, status });
    if (status === 'overdue') g.overdue++;
    if (status === 'today') g.today++;
  }
  const out = [...groups.values()].sort((a, b) => (a.key === '' ? 1 : b.key === '' ? -1 : a.key.localeCompare(b.key)));
  const day = (x: { visit: T }) => (typeof x.visit.data.planned_on === 'string' ? x.visit.data.planned_on : '');
  for (const g of out) g.items.sort((a, b) => day(a).localeCompare(day(b)) || a.visit.id - b.visit.id);
  return out;
}

// ---- The commission's inbox ----

/** The commission's decision is due within 15 days of the materials being sent (a working target). */
export const COMMISSION_DAYS = 15;

export function materialWaiting(sentOn: unknown, today: string): { days: number; overdue: boolean } | undefined {
  if (typeof sentOn !== 'string') return undefined;
  const days = daysBetween(sentOn, today);
  if (days === undefined) return undefined;
  return { days, overdue: days > COMMISSION_DAYS };
}
