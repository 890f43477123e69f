import { describe, expect, it } from 'vitest';
import { ApiError, NETWORK_ERROR, type User } from '../src/api';
import { catalogs } from '../src/i18n';
import { Meta, type FieldDef, type RoleDef, type Schema, type TypeDef } from '../src/meta';
import { navItems, offlineNavItems } from '../src/nav';
import { matchRoute } from '../src/router';
import {
  anotherHref,
  captureMode,
  checkPinText,
  checkRegisterForm,
  deviceStateKey,
  fromEpochSeconds,
  idleExpired,
  linkedNew,
  liveLocalRefs,
  localTitle,
  metaCacheOf,
  newRefHref,
  noAnswer,
  queryValue,
  queueStatusKey,
  readLocalIndex,
  readMetaCache,
  readSettings,
  returnTarget,
  schemaOf,
  syncOutcome,
  valuesQuery,
  withParam,
} from '../src/offline/logic';
import { newLocalId, QUEUE_STATUSES, type QueueStatus } from '../src/offline/queue';

const field = (name: string, type: FieldDef['type'], extra: Partial<FieldDef> = {}): FieldDef => ({
  name,
  type,
  label: { az: name },
  required: false,
  indexed: false,
  sensitivity: 'statistical',
  ...extra,
});
const raid: TypeDef = {
  name: 'raid',
  label: { az: 'Reyd' },
  title_field: 'place',
  fields: [field('raid_on', 'date', { required: true }), field('place', 'text')],
};
const person: TypeDef = {
  name: 'person',
  label: { az: 'Şəxs' },
  title_field: 'pseudonym',
  fields: [
    field('pseudonym', 'text'),
    field('last_name', 'text', { name_search: true, sensitivity: 'identity' }),
    field('first_name', 'text', { name_search: true, sensitivity: 'identity' }),
    field('birth', 'partial_date'),
  ],
};
const childFound: TypeDef = {
  name: 'child_found',
  label: { az: 'Uşaq' },
  fields: [
    field('raid', 'reference', { ref: 'raid', required: true }),
    field('person', 'reference', { ref: 'person', required: true }),
    field('signal', 'reference', { ref: 'signal', computed: true }),
    field('found_on', 'date'),
    field('notes', 'long_text', { sensitivity: 'identity' }),
  ],
};
const commission: TypeDef = { name: 'commission_material', label: { az: 'Material' }, fields: [field('raid', 'reference', { ref: 'raid' })] };
const schema: Schema = { types: [raid, person, childFound, commission], lists: [{ name: 'sex', label: { az: 'Cins' }, values: [] }] };
const role = (name: string, permissions: Record<string, string[]>): RoleDef => ({ name, label: { az: name }, admin: false, identity: 'write', scope: 'region', agency_types: [], permissions });
const roles = [
  role('police_juvenile_officer', { raid: ['create', 'read'], child_found: ['create', 'read'], person: ['create', 'read'], commission_material: ['create', 'read'] }),
  role('reader', { raid: ['read'] }),
];
const user: User = { id: 7, login: 'leyla', display_name: 'Leyla', roles: ['police_juvenile_officer'], must_change_password: false };
const settings = { types: ['raid', 'child_found', 'person'], expire_days: 14, lock_minutes: 10 };

describe('the device form', () => {
  it('refuses each field at the field before anything is sent', () => {
    expect(checkRegisterForm({ name: '', pin: '', repeat: '' })).toEqual({ name: 'field.required', pin: 'field.required', repeat: 'field.required' });
    expect(checkRegisterForm({ name: '  ', pin: '12345', repeat: '12345' })).toEqual({ name: 'field.required', pin: 'devices.pin_short' });
    expect(checkRegisterForm({ name: 'Planşet', pin: '123456', repeat: '123465' })).toEqual({ repeat: 'devices.pin_mismatch' });
    expect(checkRegisterForm({ name: 'Planşet 3', pin: '482915', repeat: '482915' })).toEqual({});
  });

  it('counts the PIN in characters and the name in bytes, as the server does', () => {
    // Six letters, twelve bytes: long enough.
    expect(checkPinText('əşçğıö')).toBeUndefined();
    expect(checkPinText('əşçğı')).toBe('devices.pin_short');
    expect(checkRegisterForm({ name: 'ə'.repeat(50), pin: '123456', repeat: '123456' })).toEqual({});
    expect(checkRegisterForm({ name: 'ə'.repeat(51), pin: '123456', repeat: '123456' })).toEqual({ name: 'devices.name_long' });
  });
});

describe('the idle lock', () => {
  it('locks after lock_minutes without input, never when 0', () => {
    expect(idleExpired(0, 9 * 60_000, 10)).toBe(false);
    expect(idleExpired(0, 10 * 60_000, 10)).toBe(true);
    expect(idleExpired(0, 10 ** 12, 0)).toBe(false);
    expect(idleExpired(0, 10 ** 12, Number.NaN)).toBe(false);
  });
});

describe('the schema kept for a start without a connection', () => {
  it('round-trips through what a Meta holds, for its user only', () => {
    const meta = new Meta(schema, roles, user.roles);
    const { schema: s, roles: r } = schemaOf(meta);
    const cache = structuredClone(metaCacheOf(user, settings, s, r, new Date('2025-03-01T08:00:00Z')));
    expect(readMetaCache(cache, 7)?.user.display_name).toBe('Leyla');
    expect(readMetaCache(cache)?.settings).toEqual(settings);
    expect(readMetaCache(cache, 8)).toBeUndefined();
    const again = new Meta(cache.schema, cache.roles, cache.user.roles);
    expect(again.may('child_found', 'create')).toBe(true);
    expect(again.type('raid')?.title_field).toBe('place');
  });

  it('gives nothing for damaged or foreign storage, never an error', () => {
    for (const bad of [undefined, null, 'x', [], { v: 2 }, { v: 1, user: { id: 7 } }, { v: 1, user, settings, schema: { types: 'no' }, roles: [] }, { v: 1, user, settings: { types: [1] }, schema, roles: [] }]) {
      expect(readMetaCache(bad)).toBeUndefined();
    }
  });

  it('reads the settings with their defaults', () => {
    expect(readSettings({ types: ['raid'] })).toEqual({ types: ['raid'], expire_days: 14, lock_minutes: 10 });
    expect(readSettings({ types: ['raid'], expire_days: 3, lock_minutes: 0 })).toEqual({ types: ['raid'], expire_days: 3, lock_minutes: 0 });
    expect(readSettings({ types: 'raid' })).toBeUndefined();
  });
});

describe("the server's device rows", () => {
  it('reads Unix seconds, 0 as never', () => {
    expect(fromEpochSeconds(1_700_000_000)).toBe('2023-11-14T22:13:20.000Z');
    expect(fromEpochSeconds(0)).toBeUndefined();
    expect(fromEpochSeconds('1700000000')).toBeUndefined();
  });

  it('names each state in every language', () => {
    expect(['active', 'revoked', 'expired', 'odd'].map(deviceStateKey)).toEqual(['devices.state_active', 'devices.state_revoked', 'devices.state_expired', 'devices.state_active']);
    for (const s of QUEUE_STATUSES) expect(catalogs.az[queueStatusKey(s)]).toBeTruthy();
  });
});

describe('saving without a connection', () => {
  const info = { userId: 7, offlineTypes: ['raid', 'child_found', 'person'], expired: false };

  it('is for the device of the user signed in, for the types it keeps, while it has not expired', () => {
    expect(captureMode('raid', info, 7)).toBe('yes');
    expect(captureMode('signal', info, 7)).toBe('no');
    expect(captureMode('raid', info, 8)).toBe('no');
    expect(captureMode('raid', undefined, 7)).toBe('no');
    expect(captureMode('raid', info, undefined)).toBe('no');
    expect(captureMode('raid', { ...info, expired: true }, 7)).toBe('expired');
  });

  it('takes only a failure with no answer from the server as "no connection"', () => {
    expect(noAnswer(new ApiError({ status: 0, code: NETWORK_ERROR }))).toBe(true);
    // A proxy's own page when the server is down.
    expect(noAnswer(new ApiError({ status: 502, code: 'http.502' }))).toBe(true);
    expect(noAnswer(new ApiError({ status: 504, code: 'http.504' }))).toBe(true);
    // The server answered: a refusal, or its own "database down" (the create may have happened).
    expect(noAnswer(new ApiError({ status: 503, code: 'service.unavailable' }))).toBe(false);
    expect(noAnswer(new ApiError({ status: 422, code: 'validation.failed' }))).toBe(false);
    expect(noAnswer(new Error('x'))).toBe(false);
  });
});

describe('a form reopened from the address', () => {
  const local = newLocalId();

  it('puts scalar values and lists in the query, and reads them back by field type', () => {
    const q = valuesQuery({ raid: local, found_on: '2025-03-01', n: 3, ok: true, measures: ['interview', 'fine'], empty: '', none: null, obj: { a: 1 } });
    expect(Object.fromEntries(q)).toEqual({ raid: local, found_on: '2025-03-01', n: '3', ok: 'true', measures: 'interview,fine' });
    expect(queryValue({ type: 'reference' }, local)).toBe(local);
    expect(queryValue({ type: 'reference' }, '42')).toBe(42);
    expect(queryValue({ type: 'integer' }, '3')).toBe(3);
    expect(queryValue({ type: 'boolean' }, 'true')).toBe(true);
    expect(queryValue({ type: 'multi_enum' }, 'a,b')).toEqual(['a', 'b']);
    expect(queryValue({ type: 'text' }, 'Təzə bazar')).toBe('Təzə bazar');
  });

  it('makes a new person from a child found and comes back to the form with it, never with identity fields in the address', () => {
    const href = newRefHref('person', '/records/child_found/new', childFound, { raid: local, found_on: '2025-03-01', person: 5, notes: 'Anası Leyla', signal: 3, other: 'x' }, 'person');
    const q = new URLSearchParams(href.split('?')[1]);
    expect(href.startsWith('/records/person/new?')).toBe(true);
    const back = returnTarget(Object.fromEntries(q));
    expect(back).toEqual({ href: `/records/child_found/new?raid=${local}&found_on=2025-03-01`, field: 'person' });
    const id = newLocalId();
    expect(withParam(back!.href, back!.field, id)).toBe(`/records/child_found/new?raid=${local}&found_on=2025-03-01&person=${id}`);
    expect(withParam('/records/child_found/new', 'person', 9)).toBe('/records/child_found/new?person=9');
    expect(withParam('/records/child_found/new?person=1', 'person', 9)).toBe('/records/child_found/new?person=9');
  });

  it('goes back only to a new-record form of this application', () => {
    for (const href of ['https://evil.example/records/x/new', '//evil.example/records/x/new', '/records/x/1', '/admin/users', 'javascript:alert(1)', '/records/x/new/../../admin']) {
      expect(returnTarget({ return: href, return_field: 'person' })).toBeUndefined();
    }
    expect(returnTarget({ return: '/records/child_found/new', return_field: 'x;y' })).toBeUndefined();
    expect(returnTarget({ return: '/records/child_found/new' })).toBeUndefined();
    expect(returnTarget({ return: '/records/child_found/new', return_field: 'person' })).toEqual({ href: '/records/child_found/new', field: 'person' });
  });
});

describe('what follows a record saved on the device', () => {
  const meta = new Meta(schema, roles, user.roles);
  const local = newLocalId();

  it('offers the new records of the types kept offline that refer to it: after a raid, its child found', () => {
    const links = linkedNew(meta, 'raid', local, settings.types);
    expect(links.map((l) => l.href)).toEqual([`/records/child_found/new?raid=${local}`]);
    expect(linkedNew(meta, 'person', 12, settings.types).map((l) => l.href)).toEqual(['/records/child_found/new?person=12']);
    expect(linkedNew(new Meta(schema, roles, ['reader']), 'raid', local, settings.types)).toEqual([]);
  });

  it('another record under the same raid, never the same person', () => {
    expect(anotherHref(childFound, { raid: local, person: newLocalId(), signal: 4, found_on: '2025-03-01' })).toBe(`/records/child_found/new?raid=${local}`);
    expect(anotherHref(childFound, { raid: 0 })).toBeUndefined();
    expect(anotherHref(raid, { place: 'x' })).toBeUndefined();
  });

  it('names a record by its title, a person by the names (read only while unlocked)', () => {
    expect(localTitle(raid, { place: 'Təzə bazar' }, 'az')).toBe('Təzə bazar');
    expect(localTitle(person, { last_name: 'Nümunəov', first_name: 'Sınaq' }, 'az')).toBe('Nümunəov Sınaq');
    expect(localTitle(person, { pseudonym: 'Q-17', last_name: 'Nümunəov' }, 'az')).toBe('Q-17');
    expect(localTitle(person, undefined, 'az')).toBe('');
    expect(localTitle(undefined, { place: 'x' }, 'az')).toBe('');
  });
});

describe('the records saved on this device, for reference fields', () => {
  const a = newLocalId();
  const b = newLocalId();
  const c = newLocalId();

  it('keeps only well-formed entries', () => {
    expect(readLocalIndex({ [a]: { type: 'raid', seq: 1, savedAt: 'x' }, 'not-local': { type: 'raid', seq: 2, savedAt: 'x' }, [b]: { type: 'raid' } })).toEqual({ [a]: { type: 'raid', seq: 1, savedAt: 'x' } });
    expect(readLocalIndex('garbage')).toEqual({});
  });

  it('drops what left the queue and lists a type in the order saved', () => {
    const index = {
      [c]: { type: 'raid', seq: 5, savedAt: 't5' },
      [a]: { type: 'raid', seq: 1, savedAt: 't1' },
      [b]: { type: 'person', seq: 2, savedAt: 't2' },
    };
    const live = liveLocalRefs(index, new Set([2, 5]), 'raid');
    expect(live.refs.map((r) => r.localId)).toEqual([c]);
    expect(Object.keys(live.index).sort()).toEqual([b, c].sort());
    expect(liveLocalRefs(index, new Set([1, 2, 5])).refs.map((r) => r.seq)).toEqual([1, 2, 5]);
  });
});

describe("a sync's outcome in words", () => {
  const status = (waiting: number, needsUser: number): QueueStatus => ({
    counts: { pending: waiting, sent: 0, conflict: needsUser, refused: 0 },
    waiting,
    needsUser,
    total: waiting + needsUser,
    lastSync: null,
  });
  const base = { sent: 3, conflicts: 0, refused: 0, mustWipe: false, status: status(0, 0) };

  it('says what was sent, what waits for the user, and why a pass stopped', () => {
    expect(syncOutcome(base)).toEqual({ kind: 'success', key: 'offline.synced', params: { n: 3 } });
    expect(syncOutcome({ ...base, conflicts: 1, status: status(0, 1) })).toEqual({ kind: 'info', key: 'offline.sync_needs_you', params: { n: 3, m: 1 } });
    expect(syncOutcome({ ...base, stopped: { reason: 'offline', detail: '' }, status: status(4, 0) }).key).toBe('offline.sync_offline');
    expect(syncOutcome({ ...base, stopped: { reason: 'session', status: 401, code: 'auth.required', detail: '' } }).key).toBe('offline.sync_session');
    expect(syncOutcome({ ...base, stopped: { reason: 'server', status: 503, code: 'x', detail: '' } }).key).toBe('offline.sync_server');
    expect(syncOutcome({ ...base, stopped: { reason: 'device', status: 403, code: 'device.unknown', detail: '' } }).key).toBe('offline.device_unknown');
  });

  it('a revoked or an expired device is wiped, and said so', () => {
    const stop = (code: string) => ({ reason: 'device' as const, status: 403, code, detail: '' });
    expect(syncOutcome({ ...base, mustWipe: true, stopped: stop('device.revoked') })).toEqual({ kind: 'error', key: 'offline.wiped_revoked' });
    expect(syncOutcome({ ...base, mustWipe: true, stopped: stop('device.expired') })).toEqual({ kind: 'error', key: 'offline.wiped_expired' });
  });
});

describe('navigation', () => {
  const meta = new Meta(schema, roles, user.roles);

  it('the devices page for users whose roles keep types offline', () => {
    expect(navItems(meta, settings.types).map((i) => i.href)).toContain('/devices');
    expect(navItems(meta).map((i) => i.href)).not.toContain('/devices');
    expect(matchRoute('/devices')).toEqual({ page: 'devices' });
    expect(matchRoute('/sync')).toEqual({ page: 'sync' });
  });

  it('without a connection: only the new-record forms of the kept types the user may create, the sync page and the device', () => {
    expect(offlineNavItems(meta, ['raid', 'child_found', 'signal']).map((i) => i.href)).toEqual([
      '/',
      '/records/raid/new',
      '/records/child_found/new',
      '/sync',
      '/devices',
    ]);
    expect(offlineNavItems(new Meta(schema, roles, ['reader']), ['raid']).map((i) => i.href)).toEqual(['/', '/sync', '/devices']);
  });
});
