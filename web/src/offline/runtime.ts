// Field work offline in this browser (docs/offline.md): the one device store and sync queue of the
// page, over IndexedDB; what the status bar shows (the device, locked or not, the connection, the
// changes waiting); registering, unlocking, the idle lock, syncing, wiping; saving records and
// changes on the device; the schema cached for starting without a connection. The pure decisions
// are in ./logic.ts.

import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type OfflineSettings, type RecordBody, type User } from '../api';
import type { MessageKey } from '../i18n';
import { Meta, type RoleDef, type Schema } from '../meta';
import type { RecordLike } from './conflicts';
import { idbKV, type KV } from './kv';
import {
  idleExpired,
  liveLocalRefs,
  metaCacheOf,
  noAnswer,
  readLocalIndex,
  readMetaCache,
  schemaOf,
  syncOutcome,
  type LocalRef,
  type MetaCache,
  type OutcomeMessage,
} from './logic';
import { SyncQueue, type QueueStatus, type SyncResult } from './queue';
import { DeviceStore, type DeviceInfo } from './store';

export const DB_NAME = 'palermo-offline';
const META_KEY = 'app.meta';
const LOCAL_INDEX_KEY = 'local.index';

interface Parts {
  kv: KV;
  store: DeviceStore;
  queue: SyncQueue;
}

let parts: Parts | undefined;

/** Whether this browser can keep a device at all (IndexedDB and WebCrypto, a secure page). */
export function offlineAvailable(): boolean {
  return typeof indexedDB !== 'undefined' && !!globalThis.crypto?.subtle;
}

export function device(): Parts {
  if (!parts) {
    const kv = idbKV(DB_NAME);
    const store = new DeviceStore(kv);
    parts = { kv, store, queue: new SyncQueue(store) };
  }
  return parts;
}

export interface Notice {
  kind: 'success' | 'info' | 'error';
  key: MessageKey;
  params?: Record<string, number | string>;
}

export interface OfflineView {
  /** The device was read once (before that, nothing is shown). */
  ready: boolean;
  info: DeviceInfo | undefined;
  locked: boolean;
  /** The browser says it is online and the last request got an answer. */
  online: boolean;
  status: QueueStatus | undefined;
  syncing: boolean;
  notice: Notice | undefined;
  /** The user signed in (or, started offline, the device's user). */
  userId: number | undefined;
  settings: OfflineSettings | undefined;
  /** A session with the server (false: started without a connection). */
  connected: boolean;
  /** Counts the changes to the device's data, for the lists that show it. */
  changes: number;
}

let failed = false;
const navOnline = () => (typeof navigator === 'undefined' ? true : navigator.onLine !== false);

let view: OfflineView = {
  ready: false,
  info: undefined,
  locked: true,
  online: navOnline(),
  status: undefined,
  syncing: false,
  notice: undefined,
  userId: undefined,
  settings: undefined,
  connected: false,
  changes: 0,
};
const listeners = new Set<() => void>();

function update(patch: Partial<OfflineView>): void {
  view = { ...view, ...patch };
  for (const l of listeners) l();
}

export function offlineView(): OfflineView {
  return view;
}

/** The offline state, re-rendered on every change. */
export function useOfflineView(): OfflineView {
  const [, setTick] = useState(0);
  useEffect(() => {
    init();
    const l = () => setTick((n) => n + 1);
    listeners.add(l);
    return () => {
      listeners.delete(l);
    };
  }, []);
  return view;
}

/** The device is this user's (the status bar, capture and caching are for them only). */
export function isMine(v: OfflineView = view): boolean {
  return !!v.info && v.userId !== undefined && v.info.userId === v.userId;
}

export function setNotice(notice: Notice | undefined): void {
  update({ notice });
}

// ---- the page's life ----

let started = false;
let lastInput = Date.now();
let reconnect: (() => void) | undefined;

/** What App does when the connection is back while it runs without one (its session is looked up again). */
export function setReconnect(fn: (() => void) | undefined): void {
  reconnect = fn;
}

/** Started without a connection: looks the session up again now (the user's "connect" button). */
export function tryReconnect(): void {
  reconnect?.();
}

function init(): void {
  if (started || typeof window === 'undefined') return;
  started = true;
  if (!offlineAvailable()) {
    update({ ready: true });
    return;
  }
  window.addEventListener('online', () => {
    failed = false;
    update({ online: navOnline() });
    if (!view.connected) reconnect?.();
    else void syncSoon();
  });
  window.addEventListener('offline', () => update({ online: false }));
  api.onNetwork((answered) => {
    if (answered === !failed) return;
    failed = !answered;
    update({ online: navOnline() && !failed });
  });
  const touched = () => {
    lastInput = Date.now();
  };
  window.addEventListener('keydown', touched, { capture: true, passive: true });
  window.addEventListener('pointerdown', touched, { capture: true, passive: true });
  // The idle lock: the key leaves memory after lock_minutes without keyboard or pointer.
  window.setInterval(() => {
    if (!parts || parts.store.locked || !view.settings) return;
    if (idleExpired(lastInput, Date.now(), view.settings.lock_minutes)) {
      lock();
      update({ notice: { kind: 'info', key: 'offline.locked_idle' } });
    }
  }, 15_000);
}

/** The session App runs with: the user and their settings (from /auth/me, or the cache when started offline). */
export function setSession(user: User | undefined, settings: OfflineSettings | undefined, connected: boolean): void {
  init();
  const changed = view.userId !== user?.id;
  update({ userId: user?.id, settings, connected });
  // Another user signing in on this page never finds the device open.
  if (changed) lock();
  // The device's database is opened only for those who may keep one (or started from it offline).
  if (user && offlineAvailable() && ((settings?.types.length ?? 0) > 0 || !connected)) {
    void refresh().then(() => (connected ? syncSoon() : undefined));
  } else if (!view.ready) update({ ready: true });
}

/** Reads the device and the queue again. */
export async function refresh(): Promise<void> {
  if (!offlineAvailable()) return;
  const { store, queue } = device();
  try {
    const info = await store.info();
    const status = info ? await queue.status() : undefined;
    update({ ready: true, info, status, locked: store.locked, online: navOnline() && !failed, changes: view.changes + 1 });
  } catch {
    update({ ready: true });
  }
}

// ---- registering, unlocking, locking, wiping ----

interface RegisterAnswer {
  id: string;
  wrapping_key: string;
  offline?: OfflineSettings;
}

/** Registers this browser for `user`: POST /devices, then the store (PIN + W). */
export async function registerDevice(user: User, meta: Meta, settings: OfflineSettings, name: string, pin: string): Promise<void> {
  const { store } = device();
  const r = await api.request<RegisterAnswer>('POST', '/devices', { name: name.trim() });
  const s = r.offline ?? settings;
  try {
    await store.register({
      deviceId: r.id,
      userId: user.id,
      userName: user.display_name,
      offlineTypes: s.types,
      expireDays: s.expire_days,
      wrappingKey: r.wrapping_key,
      pin,
    });
  } catch (e) {
    // Nothing kept here: the server's device would be a dead one; it is revoked at once.
    await api.request('POST', `/devices/${encodeURIComponent(r.id)}/revoke`, { reason: 'registration failed in the browser' }).catch(() => undefined);
    throw e;
  }
  const { schema, roles } = schemaOf(meta);
  await writeMetaCache(metaCacheOf(user, s, schema, roles));
  update({ settings: s, notice: undefined });
  lastInput = Date.now();
  await refresh();
}

/**
 * Unlocks with the PIN and the server's W. Resolves to undefined when unlocked, else to the words
 * of why not; a revoked or expired device is wiped first.
 */
export async function unlockDevice(pin: string): Promise<MessageKey | undefined> {
  try {
    return await unlockWith(pin);
  } catch {
    return 'offline.unlock_failed';
  }
}

async function unlockWith(pin: string): Promise<MessageKey | undefined> {
  const { store } = device();
  const info = await store.info();
  if (!info) return 'offline.no_device';
  let w: string;
  try {
    const r = await api.request<{ wrapping_key: string }>('POST', `/devices/${encodeURIComponent(info.deviceId)}/unlock`);
    w = r.wrapping_key;
  } catch (e) {
    if (noAnswer(e)) return 'offline.unlock_needs_network';
    if (e instanceof ApiError && e.status === 403 && (e.code === 'device.revoked' || e.code === 'device.expired')) {
      const key: MessageKey = e.code === 'device.revoked' ? 'offline.wiped_revoked' : 'offline.wiped_expired';
      await wipe({ kind: 'error', key });
      return key;
    }
    if (e instanceof ApiError && e.status === 404) return 'offline.unlock_not_yours';
    if (e instanceof ApiError && (e.status === 401 || e.code.startsWith('auth.'))) return 'offline.sync_session';
    return 'offline.unlock_failed';
  }
  try {
    await store.unlock(pin, w);
  } catch {
    return 'offline.pin_wrong';
  }
  lastInput = Date.now();
  update({ locked: false, notice: undefined });
  await refresh();
  void syncSoon();
  return undefined;
}

export function lock(): void {
  if (!parts) return;
  parts.store.lock();
  update({ locked: true });
}

/** Deletes everything this browser holds of the device, then says why. */
export async function wipe(notice: Notice): Promise<void> {
  try {
    await device().store.wipe();
  } finally {
    // Locked in any case (the key leaves memory first); an interrupted wipe is done again next time.
    update({ notice, locked: true });
    await refresh();
  }
}

/** Revokes a device of the user's (POST /devices/{id}/revoke); this browser's own is wiped after. */
export async function revokeDevice(id: string, reason: string): Promise<void> {
  await api.request('POST', `/devices/${encodeURIComponent(id)}/revoke`, reason ? { reason } : {});
  if (view.info?.deviceId === id) await wipe({ kind: 'info', key: 'offline.wiped_self' });
}

// ---- syncing ----

let syncing: Promise<SyncResult | undefined> | undefined;

/**
 * One sync pass: /auth/me first (the CSRF token; whether the session holds), then the queue.
 * A revoked or expired device is wiped. Resolves to the pass's result (undefined: not run).
 */
export function syncNow(): Promise<SyncResult | undefined> {
  syncing ??= runSync()
    .catch(() => {
      // The device's storage failed (not the network: the queue keeps everything for next time).
      update({ notice: { kind: 'error', key: 'offline.sync_failed' } });
      return undefined;
    })
    .finally(() => {
      syncing = undefined;
      update({ syncing: false });
    });
  return syncing;
}

async function runSync(): Promise<SyncResult | undefined> {
  const { store, queue } = device();
  const info = await store.info();
  if (!info || !isMine()) return undefined;
  if (store.locked) {
    update({ notice: { kind: 'info', key: 'offline.unlock_to_sync' } });
    return undefined;
  }
  update({ syncing: true });
  try {
    await api.me();
  } catch (e) {
    update({
      notice: noAnswer(e)
        ? { kind: 'info', key: 'offline.sync_offline', params: { n: view.status?.waiting ?? 0 } }
        : { kind: 'error', key: 'offline.sync_session' },
    });
    return undefined;
  }
  let result: SyncResult;
  try {
    result = await queue.sync();
  } catch {
    update({ notice: { kind: 'error', key: 'offline.sync_failed' } });
    await refresh();
    return undefined;
  }
  if (result.stopped?.reason === 'offline') {
    failed = true;
    update({ online: false });
  }
  const words: OutcomeMessage = syncOutcome(result);
  if (result.mustWipe) {
    await wipe({ kind: words.kind, key: words.key });
    return result;
  }
  update({ notice: { kind: words.kind, key: words.key, ...(words.params ? { params: words.params } : {}) } });
  await refresh();
  return result;
}

/** Syncs when there is something to send and it can go now (signed in, online, unlocked). */
export async function syncSoon(): Promise<void> {
  if (!view.connected || !view.online || !parts || parts.store.locked || !isMine()) return;
  try {
    if ((await parts.queue.status()).waiting > 0) await syncNow();
  } catch {
    // The status could not be read: the next save, "sync now" or the connection coming back tries again.
  }
}

// ---- saving on the device ----

async function readIndex(kv: KV) {
  return readLocalIndex(await kv.get('meta', LOCAL_INDEX_KEY));
}

/**
 * Queues a new record (sealed: works while locked); resolves once it is stored. `idempotencyKey`:
 * the key of a create tried online whose answer was lost.
 */
export async function saveCreate(type: string, body: Record<string, unknown>, idempotencyKey?: string): Promise<{ localId: string; seq: number }> {
  const { kv, store, queue } = device();
  const { localId, seq } = await queue.enqueueCreate(type, body, undefined, idempotencyKey);
  const savedAt = new Date().toISOString();
  // Kept for the forms of this device (a child found refers to its raid) until it is sent.
  await store.putRecord(type, { id: localId, type, data: body, savedAt });
  const index = await readIndex(kv);
  index[localId] = { type, seq, savedAt };
  await kv.put('meta', LOCAL_INDEX_KEY, index);
  await refresh();
  return { localId, seq };
}

/** Queues a change of a record (sent with If-Match of `base`'s version); the cached copy shows it. */
export async function saveUpdate(type: string, base: RecordBody, patch: Record<string, unknown>): Promise<RecordBody> {
  const { store, queue } = device();
  await queue.enqueueUpdate(type, base.id, patch, base as unknown as RecordLike);
  const data = { ...base.data };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete data[k];
    else data[k] = v;
  }
  const local: RecordBody = { ...base, data };
  await store.putRecord(type, local);
  await refresh();
  return local;
}

/** Keeps a record the user opened or saved on the device (their offline types, unlocked only); true when kept. */
export async function cacheRecord(type: string, record: RecordBody): Promise<boolean> {
  if (!parts || parts.store.locked || !isMine() || !view.info?.offlineTypes.includes(type)) return false;
  try {
    await parts.store.putRecord(type, record);
    return true;
  } catch {
    return false; // not cached: the page works as before
  }
}

/** The copy of a record on the device, when it is unlocked; undefined otherwise. */
export async function cachedRecord(type: string, id: number): Promise<RecordBody | undefined> {
  if (!parts || parts.store.locked || !isMine()) return undefined;
  try {
    return await parts.store.getRecord<RecordBody>(type, id);
  } catch {
    return undefined;
  }
}

/** A record made on this device and not yet sent, with its values when the device is unlocked. */
export interface LocalRecord extends LocalRef {
  localId: string;
  data?: Record<string, unknown>;
}

/** The records of `type` made on this device and still waiting to be sent, oldest first. */
export async function localRecords(type?: string): Promise<LocalRecord[]> {
  if (!offlineAvailable() || !isMine()) return [];
  const { kv, store, queue } = device();
  const index = await readIndex(kv);
  const seqs = new Set((await queue.entries()).filter((e) => e.op === 'create').map((e) => e.seq));
  const live = liveLocalRefs(index, seqs, type);
  if (Object.keys(live.index).length !== Object.keys(index).length) await kv.put('meta', LOCAL_INDEX_KEY, live.index);
  const out: LocalRecord[] = [];
  for (const r of live.refs) {
    let data: Record<string, unknown> | undefined;
    if (!store.locked) {
      try {
        data = (await store.getRecord<{ data?: Record<string, unknown> }>(r.type, r.localId))?.data;
      } catch {
        data = undefined;
      }
    }
    out.push(data ? { ...r, data } : r);
  }
  return out;
}

// ---- the schema and roles, cached for starting without a connection ----

async function writeMetaCache(cache: MetaCache): Promise<void> {
  try {
    await device().kv.put('meta', META_KEY, cache);
  } catch {
    // Not cached: the application needs the server to start.
  }
}

async function readCache(userId?: number): Promise<MetaCache | undefined> {
  if (!offlineAvailable()) return undefined;
  try {
    return readMetaCache(await device().kv.get('meta', META_KEY), userId);
  } catch {
    return undefined;
  }
}

/**
 * The schema and roles for `user`: from the server, and kept on the device when one of theirs is
 * registered here; without a connection, the kept copy.
 */
export async function loadMetaCached(user: User, settings: OfflineSettings | undefined): Promise<Meta> {
  try {
    const [schema, roles] = await Promise.all([
      api.request<Schema>('GET', '/schema'),
      api.request<{ items: RoleDef[] }>('GET', '/roles'),
    ]);
    if (settings && settings.types.length > 0 && offlineAvailable()) {
      void device()
        .store.info()
        .then((info) => (info && info.userId === user.id ? writeMetaCache(metaCacheOf(user, settings, schema, roles.items)) : undefined))
        .catch(() => undefined);
    }
    return new Meta(schema, roles.items, user.roles);
  } catch (e) {
    if (!noAnswer(e)) throw e;
    const cache = await readCache(user.id);
    if (!cache) throw e;
    return new Meta(cache.schema, cache.roles, user.roles);
  }
}

/** Starting without a connection: the device's user, their settings and the kept schema; undefined when this browser has none. */
export async function offlineStart(): Promise<{ user: User; settings: OfflineSettings; meta: Meta } | undefined> {
  if (!offlineAvailable()) return undefined;
  try {
    const info = await device().store.info();
    if (!info) return undefined;
    const cache = await readCache(info.userId);
    if (!cache) return undefined;
    return { user: cache.user, settings: cache.settings, meta: new Meta(cache.schema, cache.roles, cache.user.roles) };
  } catch {
    return undefined;
  }
}

/** The records of `type` made on this device and not yet sent (for a reference field), kept current. */
export function useLocalRecords(type: string | undefined): LocalRecord[] {
  const v = useOfflineView();
  const [items, setItems] = useState<LocalRecord[]>([]);
  const kept = !!type && isMine(v) && !!v.info?.offlineTypes.includes(type);
  useEffect(() => {
    if (!kept || !type) {
      setItems([]);
      return;
    }
    let live = true;
    localRecords(type).then(
      (x) => live && setItems(x),
      () => live && setItems([]),
    );
    return () => {
      live = false;
    };
  }, [type, kept, v.changes, v.locked]);
  return items;
}
