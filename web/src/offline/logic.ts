// The pure side of field work offline in the pages (docs/offline.md): the device form's checks,
// the idle lock, the cached schema for starting without a connection, what a save does when the
// network is down, the query a form is reopened with, the records saved on this device offered by
// a reference field, the words of a sync's outcome. No browser APIs here: unit-tested.

import { ApiError, NETWORK_ERROR, type OfflineSettings, type User } from '../api';
import type { Lang, MessageKey } from '../i18n';
import { titleText, type FieldDef, type Meta, type RoleDef, type Schema, type TypeDef } from '../meta';
import { PIN_MIN_LENGTH } from './crypto';
import { isLocalId, type QueueItemStatus, type SyncResult } from './queue';
import type { DeviceInfo } from './store';

/** The server takes a device name of 1 to 100 bytes (UTF-8). */
export const DEVICE_NAME_MAX_BYTES = 100;

export interface RegisterForm {
  name: string;
  pin: string;
  repeat: string;
}

export type RegisterErrors = Partial<Record<keyof RegisterForm, MessageKey>>;

/** The device form's checks before anything is sent: field -> message key. */
export function checkRegisterForm(f: RegisterForm): RegisterErrors {
  const errors: RegisterErrors = {};
  const name = f.name.trim();
  if (name === '') errors.name = 'field.required';
  else if (new TextEncoder().encode(name).length > DEVICE_NAME_MAX_BYTES) errors.name = 'devices.name_long';
  const pinError = checkPinText(f.pin);
  if (pinError) errors.pin = pinError;
  if (f.repeat === '') errors.repeat = 'field.required';
  else if (f.repeat !== f.pin) errors.repeat = 'devices.pin_mismatch';
  return errors;
}

/** A PIN typed to unlock or register: empty, or shorter than the minimum (in characters). */
export function checkPinText(pin: string): MessageKey | undefined {
  if (pin === '') return 'field.required';
  if ([...pin].length < PIN_MIN_LENGTH) return 'devices.pin_short';
  return undefined;
}

/** Whether an unlocked device has gone `minutes` without input (0 or less: never locks). */
export function idleExpired(lastInput: number, now: number, minutes: number): boolean {
  if (!(minutes > 0)) return false;
  return now - lastInput >= minutes * 60_000;
}

// ---- the schema and roles cached for starting without a connection ----

/** What the application needs to show its forms without the server (nothing in it is secret). */
export interface MetaCache {
  v: 1;
  user: User;
  settings: OfflineSettings;
  schema: Schema;
  roles: RoleDef[];
  savedAt: string;
}

export function metaCacheOf(user: User, settings: OfflineSettings, schema: Schema, roles: RoleDef[], now: Date = new Date()): MetaCache {
  return { v: 1, user, settings, schema, roles, savedAt: now.toISOString() };
}

/** The schema and roles as a Meta holds them (what /schema and /roles answered). */
export function schemaOf(meta: Pick<Meta, 'types' | 'lists' | 'roles'>): { schema: Schema; roles: RoleDef[] } {
  return { schema: { types: [...meta.types.values()], lists: [...meta.lists.values()] }, roles: [...meta.roles] };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Offline settings as the server sends them; undefined for anything else. */
export function readSettings(v: unknown): OfflineSettings | undefined {
  if (!isObject(v) || !Array.isArray(v.types) || !v.types.every((t) => typeof t === 'string')) return undefined;
  const days = typeof v.expire_days === 'number' && v.expire_days > 0 ? v.expire_days : 14;
  const minutes = typeof v.lock_minutes === 'number' && v.lock_minutes >= 0 ? v.lock_minutes : 10;
  return { types: [...(v.types as string[])], expire_days: days, lock_minutes: minutes };
}

/** The cached schema for `userId` (any user when not given); undefined when absent, another user's, or damaged. */
export function readMetaCache(value: unknown, userId?: number): MetaCache | undefined {
  if (!isObject(value) || value.v !== 1) return undefined;
  const user = value.user;
  if (!isObject(user) || typeof user.id !== 'number' || typeof user.display_name !== 'string' || !Array.isArray(user.roles)) return undefined;
  if (userId !== undefined && user.id !== userId) return undefined;
  const settings = readSettings(value.settings);
  const schema = value.schema;
  if (!settings || !isObject(schema) || !Array.isArray(schema.types) || !Array.isArray(schema.lists)) return undefined;
  if (!Array.isArray(value.roles)) return undefined;
  return value as unknown as MetaCache;
}

// ---- the server's device rows ----

export type DeviceState = 'active' | 'revoked' | 'expired';

/** A device as GET /devices lists it (times in Unix seconds, 0 for never). */
export interface DeviceRow {
  id: string;
  user_id: number;
  name: string;
  state: DeviceState;
  created_at: number;
  last_unlock_at: number;
  last_sync_at: number;
  pending: number;
  expires_at: number;
  revoked_at: number;
  revoke_reason?: string;
}

/** A time in Unix seconds as ISO text; undefined for 0 (never) or anything not a time. */
export function fromEpochSeconds(s: unknown): string | undefined {
  return typeof s === 'number' && Number.isFinite(s) && s > 0 ? new Date(s * 1000).toISOString() : undefined;
}

export function deviceStateKey(state: string): MessageKey {
  return state === 'revoked' ? 'devices.state_revoked' : state === 'expired' ? 'devices.state_expired' : 'devices.state_active';
}

// ---- saving without a connection ----

/**
 * Whether a record of `type` may be saved on this device for `userId`: "no" (no device of this
 * user here, or a type not kept offline), "expired" (the device must sync first), else "yes".
 */
export function captureMode(type: string, info: Pick<DeviceInfo, 'userId' | 'offlineTypes' | 'expired'> | undefined, userId: number | undefined): 'no' | 'expired' | 'yes' {
  if (!info || userId === undefined || info.userId !== userId || !info.offlineTypes.includes(type)) return 'no';
  return info.expired ? 'expired' : 'yes';
}

/**
 * A failure that means no answer came from the server: the network (or a proxy before the server
 * saying it is down, with a page of its own). A refusal by the server itself is an answer.
 */
export function noAnswer(e: unknown): boolean {
  if (!(e instanceof ApiError)) return false;
  if (e.code === NETWORK_ERROR) return true;
  return [502, 503, 504].includes(e.status) && e.code === `http.${e.status}`;
}

/** A form's values in an address query (what initialValues reads back): scalars, and lists joined by commas. */
export function valuesQuery(values: Record<string, unknown>): URLSearchParams {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined || v === null || v === '') continue;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') q.set(k, String(v));
    else if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' || typeof x === 'number')) q.set(k, v.join(','));
  }
  return q;
}

/** `href` with `name=value` set in its query (replacing a value already there). */
export function withParam(href: string, name: string, value: string | number): string {
  const at = href.indexOf('?');
  const path = at < 0 ? href : href.slice(0, at);
  const q = new URLSearchParams(at < 0 ? '' : href.slice(at + 1));
  q.set(name, String(value));
  return `${path}?${q.toString()}`;
}

/**
 * The values of a form that may travel in an address (kept in the browser's history, on disk, in
 * clear): the type's fields, never an identity field (names, notes).
 */
export function addressableValues(td: Pick<TypeDef, 'fields'> | undefined, values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of td?.fields ?? []) if (f.sensitivity !== 'identity' && !f.computed && values[f.name] !== undefined) out[f.name] = values[f.name];
  return out;
}

/**
 * The address of a new record of `refType` made from a form of `td` (a child found's "new
 * person"): it comes back to `formPath` with the form's values that may be in an address and the
 * new record in `field`.
 */
export function newRefHref(refType: string, formPath: string, td: Pick<TypeDef, 'fields'> | undefined, values: Record<string, unknown>, field: string): string {
  const back = valuesQuery(addressableValues(td, values));
  back.delete(field);
  const backHref = back.toString() ? `${formPath}?${back.toString()}` : formPath;
  const q = new URLSearchParams({ return: backHref, return_field: field });
  return `/records/${refType}/new?${q.toString()}`;
}

/** Where a new record goes back to (a path of this application only) and in which field; undefined for none. */
export function returnTarget(query: Record<string, string>): { href: string; field: string } | undefined {
  const href = query.return;
  const field = query.return_field;
  if (!href || !field || !/^[a-z][a-z0-9_]*$/.test(field)) return undefined;
  // Only /records/<type>/new of this application: never another site nor another kind of page.
  if (!/^\/records\/[a-z][a-z0-9_]*\/new(\?|$)/.test(href)) return undefined;
  return { href, field };
}

/** A value from the address for a field (a reference may be a record saved on this device: its local id). */
export function queryValue(f: Pick<FieldDef, 'type'>, v: string): unknown {
  if (f.type === 'reference') return isLocalId(v) ? v : Number(v);
  if (f.type === 'integer' || f.type === 'money') return Number(v);
  if (f.type === 'boolean') return v === 'true';
  if (f.type === 'multi_enum') return v.split(',');
  return v;
}

/** A link offered after a record was saved on the device: a new record referring to it. */
export interface LinkedNew {
  type: TypeDef;
  field: FieldDef;
  href: string;
}

/**
 * The new records that may refer to a record just saved (on the device or on the server), among
 * the types kept offline that the user may create: after a raid, its child found.
 */
export function linkedNew(meta: Pick<Meta, 'referencing' | 'may'>, type: string, id: string | number, offlineTypes: readonly string[]): LinkedNew[] {
  return meta
    .referencing(type)
    .filter(([rt]) => offlineTypes.includes(rt.name) && meta.may(rt.name, 'create'))
    .map(([rt, f]) => ({ type: rt, field: f, href: `/records/${rt.name}/new?${new URLSearchParams({ [f.name]: String(id) }).toString()}` }));
}

/**
 * Another new record of the same type under the same "parent" records (a raid's next child): the
 * reference fields of the saved values, except to persons (each record has its own).
 */
export function anotherHref(td: TypeDef, values: Record<string, unknown>): string | undefined {
  const q = new URLSearchParams();
  for (const f of td.fields) {
    if (f.type !== 'reference' || f.computed || f.ref === 'person') continue;
    const v = values[f.name];
    if (isLocalId(v) || (typeof v === 'number' && v > 0)) q.set(f.name, String(v));
  }
  const s = q.toString();
  return s ? `/records/${td.name}/new?${s}` : undefined;
}

// ---- the records saved on this device, offered by reference fields ----

/** A record made on this device and not yet sent, as kept in clear (type and time only). */
export interface LocalRef {
  type: string;
  seq: number;
  savedAt: string;
}

export type LocalIndex = Record<string, LocalRef>;

export function readLocalIndex(v: unknown): LocalIndex {
  if (!isObject(v)) return {};
  const out: LocalIndex = {};
  for (const [id, e] of Object.entries(v)) {
    if (isLocalId(id) && isObject(e) && typeof e.type === 'string' && typeof e.seq === 'number' && typeof e.savedAt === 'string') {
      out[id] = { type: e.type, seq: e.seq, savedAt: e.savedAt };
    }
  }
  return out;
}

/**
 * The index without the records whose create left the queue (sent: the server's id is used from
 * then on), and the records of `type` still waiting, oldest first.
 */
export function liveLocalRefs(index: LocalIndex, queuedSeqs: ReadonlySet<number>, type?: string): { index: LocalIndex; refs: Array<LocalRef & { localId: string }> } {
  const kept: LocalIndex = {};
  const refs: Array<LocalRef & { localId: string }> = [];
  for (const [localId, e] of Object.entries(index)) {
    if (!queuedSeqs.has(e.seq)) continue;
    kept[localId] = e;
    if (type === undefined || e.type === type) refs.push({ ...e, localId });
  }
  refs.sort((a, b) => a.seq - b.seq);
  return { index: kept, refs };
}

// ---- words ----

export function queueStatusKey(status: QueueItemStatus): MessageKey {
  switch (status) {
    case 'conflict':
      return 'sync.status_conflict';
    case 'refused':
      return 'sync.status_refused';
    case 'sent':
      return 'sync.status_sent';
    default:
      return 'sync.status_pending';
  }
}

export interface OutcomeMessage {
  kind: 'success' | 'info' | 'error';
  key: MessageKey;
  params?: Record<string, number>;
}

/** What the user is told after a sync pass. */
export function syncOutcome(r: Pick<SyncResult, 'sent' | 'conflicts' | 'refused' | 'stopped' | 'mustWipe' | 'status'>): OutcomeMessage {
  if (r.mustWipe) {
    return { kind: 'error', key: r.stopped?.reason === 'device' && r.stopped.code === 'device.expired' ? 'offline.wiped_expired' : 'offline.wiped_revoked' };
  }
  const s = r.stopped;
  if (s?.reason === 'offline') return { kind: 'info', key: 'offline.sync_offline', params: { n: r.status.waiting } };
  if (s?.reason === 'session') return { kind: 'error', key: 'offline.sync_session' };
  if (s?.reason === 'device') return { kind: 'error', key: 'offline.device_unknown' };
  if (s?.reason === 'server') return { kind: 'error', key: 'offline.sync_server', params: { n: r.status.waiting } };
  if (r.status.needsUser > 0) return { kind: 'info', key: 'offline.sync_needs_you', params: { n: r.sent, m: r.status.needsUser } };
  return { kind: 'success', key: 'offline.synced', params: { n: r.sent } };
}

/**
 * How a record saved on this device is named in its lists and pickers: its title field, else (for
 * a person) its names — shown only while the device is unlocked — else nothing (the caller says
 * the type and when it was saved).
 */
export function localTitle(td: TypeDef | undefined, data: Record<string, unknown> | undefined, lang: Lang): string {
  if (!td || !data) return '';
  const title = titleText(td, td.title_field ? data[td.title_field] : undefined, lang);
  if (title) return title;
  return td.fields
    .filter((f) => f.name_search && f.type === 'text')
    .map((f) => data[f.name])
    .filter((v): v is string => typeof v === 'string' && v.trim() !== '')
    .join(' ');
}
