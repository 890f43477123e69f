// The sync queue (docs/offline.md, "Sync"): each change saved offline, as the request it will
// be, sealed to the device's public key, sent in the order it was saved through the ordinary
// records API. An item leaves the queue only when the server has taken it (2xx) or the user
// discards it; a conflict (412) or a refusal (4xx, e.g. 422) stays for the user, and what
// depends on it waits. The status, type, sequence and time of each item are in clear, so that
// the status bar counts them while the device is locked.

import { api, newIdempotencyKey, parseProblem, type FetchLike, type FieldError, type RecordBody } from '../api';
import { changesAlreadyIn, type RecordLike, type Resolution } from './conflicts';
import type { Sealed } from './crypto';
import { DeviceLockedError, DeviceNotRegisteredError, type DeviceStore } from './store';

export type QueueItemStatus = 'pending' | 'sent' | 'conflict' | 'refused';
export const QUEUE_STATUSES: readonly QueueItemStatus[] = ['pending', 'sent', 'conflict', 'refused'];

/** A queued change as stored: in clear only what the status bar needs. */
interface QueueEntry {
  seq: number;
  /** `sent`: the request went out and no answer came back yet (the page closed meanwhile); sent again. */
  status: QueueItemStatus;
  type: string;
  op: 'create' | 'update';
  savedAt: string;
  sealed: Sealed;
}

/** The server's refusal, kept to show at the fields as the online form does. */
export interface RefusalProblem {
  status: number;
  code: string;
  title: string;
  detail: string;
  errors: FieldError[];
}

/** The sealed part of a queued change. */
interface QueueContent {
  /** Made when the user saved the change: the same create sent again is one record. */
  idempotencyKey: string;
  /** A create: the record's local id (newLocalId). */
  localId?: string;
  /** An update: the record's server id, or the local id of a record made offline. */
  target?: number | string;
  /** The create's fields, or the update's changed fields (null clears one). */
  body: Record<string, unknown>;
  /** An update: the version the change was made from; null for a record made offline. */
  baseVersion: number | null;
  /** An update: the record the change was made from (shown in a conflict). */
  baseRecord?: unknown;
  /** After a conflict was resolved: the server's version the resolution was made against. */
  ifMatch?: number;
  problem?: RefusalProblem;
  /** A conflict: the server's record when it answered 412 (absent when it could not be fetched). */
  theirs?: RecordBody;
}

/** A queued change as known while the device is locked. */
export type QueueEntryInfo = Omit<QueueEntry, 'sealed'>;

/** A queued change opened (device unlocked), for the pages that show conflicts and refusals. */
export interface QueueItem extends Omit<QueueEntry, 'sealed'>, QueueContent {}

export interface QueueStatus {
  counts: Record<QueueItemStatus, number>;
  /** Changes still to be sent (pending + sent). */
  waiting: number;
  /** Changes that need the user (conflict + refused). */
  needsUser: number;
  total: number;
  lastSync: string | null;
}

/** Why a sync pass ended before its end. Nothing is lost in any case. */
export type SyncStop =
  | { reason: 'offline'; detail: string }
  /** device.revoked / device.expired (the caller wipes the device) or device.unknown. */
  | { reason: 'device'; status: number; code: string; detail: string }
  /** Signed out, or the session needs something first (CSRF token, password change): sign in again. */
  | { reason: 'session'; status: number; code: string; detail: string }
  /** 5xx, 429, 408 or an answer that cannot be read: try again later. */
  | { reason: 'server'; status: number; code: string; detail: string; retryAfter?: number };

export interface SyncResult {
  /** Changes the server took in this pass. */
  sent: number;
  /** New conflicts (412) and refusals in this pass. */
  conflicts: number;
  refused: number;
  /** Changes not sent because they depend on a conflict or a refusal (or on its record). */
  held: number;
  /** Absent: the pass went through the queue and the server acknowledged the sync. */
  stopped?: SyncStop;
  /** The server said the device is revoked or expired: wipe it. */
  mustWipe: boolean;
  status: QueueStatus;
}

export interface SyncOptions {
  fetch?: FetchLike;
  /** The device's id (default: the registered device's). */
  deviceId?: string;
  /** The session's CSRF token (default: the shared ApiClient's, from GET /auth/me). */
  csrfToken?: string | (() => string);
  /** Sent as Accept-Language (default: the page's language). */
  language?: () => string;
  base?: string;
}

const LOCAL_ID = /^local-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DEVICE_CODES = new Set(['device.revoked', 'device.expired', 'device.unknown']);
const WIPE_CODES = new Set(['device.revoked', 'device.expired']);
const SEQ_KEY = 'queue.seq';
const REFS_KEY = 'queue.refs';
const SEND_LOCK = 'palermo-offline-queue';
const ENQUEUE_LOCK = 'palermo-offline-queue-enqueue';

/** A new local id for a record made offline (replaced by the server's id once it is created). */
export function newLocalId(): string {
  if (typeof globalThis.crypto.randomUUID === 'function') return `local-${globalThis.crypto.randomUUID()}`;
  const hex = newIdempotencyKey();
  return `local-${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function isLocalId(value: unknown): value is string {
  return typeof value === 'string' && LOCAL_ID.test(value);
}

/** Every local id a body refers to (in any field, at any depth). */
export function localIdsIn(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (isLocalId(value)) out.add(value);
  else if (Array.isArray(value)) for (const v of value) localIdsIn(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) localIdsIn(v, out);
  return out;
}

/** The body with each local id the server has answered replaced by the server's id. */
export function replaceLocalIds<T>(value: T, ids: Readonly<Record<string, number>>): T {
  if (isLocalId(value)) return (ids[value] ?? value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => replaceLocalIds(v, ids)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = replaceLocalIds(v, ids);
    return out as T;
  }
  return value;
}

/**
 * What the device learnt from the server's answers, kept (sealed) between passes: the server id
 * of each local id, and for each record the version its last change sent from this device gave
 * (so that the next queued change of it, made from the same base, is sent with that version).
 */
interface Refs {
  ids: Record<string, number>;
  versions: Record<string, { from: number | null; to: number }>;
}

const queueKey = (seq: number) => String(seq).padStart(12, '0');

function isRecordBody(v: unknown): v is RecordBody {
  return !!v && typeof v === 'object' && typeof (v as RecordBody).id === 'number' && typeof (v as RecordBody).version === 'number';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The record id at the end of a Location header (/api/v1/records/{type}/{id}). */
function idFromLocation(location: string | null): number | undefined {
  const m = location ? /\/(\d+)\/?$/.exec(location) : null;
  return m ? Number(m[1]) : undefined;
}

type Answer = { ok: true; status: number; headers: Headers; text: string } | { ok: false; detail: string };

/** The HTTP side of a sync: the records API's conventions (web/src/api.ts) plus X-Palermo-Device. */
function client(o: SyncOptions, deviceId: string) {
  const fetchFn: FetchLike = o.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const base = o.base ?? '/api/v1';
  const csrf = () => (typeof o.csrfToken === 'function' ? o.csrfToken() : (o.csrfToken ?? api.csrfToken));
  const language =
    o.language ?? (() => (typeof document !== 'undefined' && document.documentElement.lang) || 'az');
  return async (method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<Answer> => {
    const headers: Record<string, string> = {
      Accept: 'application/json, application/problem+json',
      'Accept-Language': language(),
      'X-Palermo-Device': deviceId,
      ...extra,
    };
    // Personal data: nothing is kept by the browser's HTTP cache.
    const init: RequestInit = { method, headers, credentials: 'same-origin', cache: 'no-store' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const token = csrf();
    if (method !== 'GET' && method !== 'HEAD' && token) headers['X-CSRF-Token'] = token;
    try {
      const response = await fetchFn(base + path, init);
      // A body cut off on the way is a network failure too: the item stays and is sent again.
      const text = await response.text();
      return { ok: true, status: response.status, headers: response.headers, text };
    } catch (e) {
      return { ok: false, detail: e instanceof Error ? e.message : String(e) };
    }
  };
}

function refusalOf(a: { status: number; headers: Headers; text: string }): RefusalProblem {
  const p = parseProblem(a.status, a.headers.get('Content-Type'), a.text);
  return { status: p.status, code: p.code, title: p.title, detail: p.detail, errors: [...p.errors] };
}

/** How an answer other than 2xx and 412 ends an item: stop the pass, or refuse the item. */
function stopFor(a: { status: number; headers: Headers; text: string }): SyncStop | undefined {
  const p = parseProblem(a.status, a.headers.get('Content-Type'), a.text, a.headers.get('Retry-After'));
  const { status, code, detail } = p;
  if (status === 403 && DEVICE_CODES.has(code)) return { reason: 'device', status, code, detail };
  if (status === 401 || (status === 403 && code.startsWith('auth.') && code !== 'auth.forbidden')) {
    return { reason: 'session', status, code, detail };
  }
  if (status >= 400 && status < 500 && status !== 408 && status !== 425 && status !== 429) return undefined;
  const stop: SyncStop = { reason: 'server', status, code, detail };
  if (p.retryAfter !== undefined) stop.retryAfter = p.retryAfter;
  return stop;
}

export class SyncQueue {
  readonly store: DeviceStore;
  private chains = new Map<string, Promise<unknown>>();

  constructor(store: DeviceStore) {
    this.store = store;
  }

  // ---- saving changes (needs only the public key: works while locked) ----

  /** Queues a new record of `type`; resolves, once stored, to its sequence number and local id. */
  async enqueueCreate(
    type: string,
    body: Record<string, unknown>,
    localId: string = newLocalId(),
    /** The key of a create already tried online (its answer lost): the server gives that record. */
    idempotencyKey: string = newIdempotencyKey(),
  ): Promise<{ seq: number; localId: string }> {
    if (!isLocalId(localId)) throw new Error(`"${localId}" is not a local id (see newLocalId).`);
    const seq = await this.enqueue(type, 'create', { idempotencyKey, localId, body, baseVersion: null });
    return { seq, localId };
  }

  /**
   * Queues a change of a record (its server id, or the local id of one made offline): `changes`
   * are the changed fields, `baseRecord` the record as the change was made from (its version is
   * sent as If-Match; a record made offline has none yet).
   */
  async enqueueUpdate(
    type: string,
    idOrLocalId: number | string,
    changes: Record<string, unknown>,
    baseRecord: RecordLike,
  ): Promise<{ seq: number }> {
    let baseVersion: number | null = null;
    if (!isLocalId(idOrLocalId)) {
      if (typeof idOrLocalId !== 'number' || !Number.isInteger(idOrLocalId) || idOrLocalId <= 0) {
        throw new Error(`"${String(idOrLocalId)}" is neither a record's id nor a local id.`);
      }
      const version = (baseRecord as { version?: unknown }).version;
      if (typeof version !== 'number') throw new Error('The base record has no version to send as If-Match.');
      baseVersion = version;
    }
    const seq = await this.enqueue(type, 'update', {
      idempotencyKey: newIdempotencyKey(),
      target: idOrLocalId,
      body: changes,
      baseVersion,
      baseRecord,
    });
    return { seq };
  }

  // ---- reading (status: while locked; items: unlocked) ----

  /** Counts by status and the last sync: readable while the device is locked. */
  async status(): Promise<QueueStatus> {
    const counts: Record<QueueItemStatus, number> = { pending: 0, sent: 0, conflict: 0, refused: 0 };
    const entries = await this.store.kv.list<QueueEntry>('queue');
    for (const { value } of entries) counts[value.status] = (counts[value.status] ?? 0) + 1;
    return {
      counts,
      waiting: counts.pending + counts.sent,
      needsUser: counts.conflict + counts.refused,
      total: entries.length,
      lastSync: (await this.store.info())?.lastSync ?? null,
    };
  }

  /** The queued changes as known while locked (what is in clear), in order. */
  async entries(): Promise<QueueEntryInfo[]> {
    return (await this.store.kv.list<QueueEntry>('queue')).map(({ value: { sealed: _sealed, ...clear } }) => clear);
  }

  /** The queued changes opened, in order (the device must be unlocked). */
  async items(): Promise<QueueItem[]> {
    if (this.store.locked) throw new DeviceLockedError();
    const out: QueueItem[] = [];
    for (const { value } of await this.store.kv.list<QueueEntry>('queue')) {
      const { sealed, ...clear } = value;
      out.push({ ...clear, ...(await this.store.open<QueueContent>(sealed)) });
    }
    return out;
  }

  /** The server's id of a record made offline, once its create was answered. */
  async serverIdOf(localId: string): Promise<number | undefined> {
    return (await this.loadRefs()).ids[localId];
  }

  // ---- the user's decisions ----

  /** Drops a change the user gave up (a refusal they will not fix, a conflict they let go). */
  discard(seq: number): Promise<void> {
    return this.exclusive(SEND_LOCK, () => this.store.kv.delete('queue', queueKey(seq)));
  }

  /**
   * A conflict resolved (conflicts.resolve): its PATCH is sent next time with the server's
   * version. Nothing to send (the server's values kept everywhere) removes the change.
   */
  resolveConflict(seq: number, resolution: Resolution): Promise<void> {
    return this.exclusive(SEND_LOCK, async () => {
      const { entry, content } = await this.load(seq);
      if (entry.status !== 'conflict') throw new Error(`Change ${seq} is not a conflict.`);
      if (Object.keys(resolution.patch).length === 0) {
        if (content.theirs && content.target !== undefined) await this.store.putRecord(entry.type, content.theirs);
        await this.store.kv.delete('queue', queueKey(seq));
        return;
      }
      delete content.theirs;
      await this.save({ ...entry, status: 'pending' }, { ...content, body: resolution.patch, ifMatch: resolution.version });
    });
  }

  /** A refused change corrected by the user: sent again (a create under a new key: nothing was made). */
  fixRefused(seq: number, body: Record<string, unknown>): Promise<void> {
    return this.exclusive(SEND_LOCK, async () => {
      const { entry, content } = await this.load(seq);
      if (entry.status !== 'refused') throw new Error(`Change ${seq} was not refused.`);
      delete content.problem;
      const idempotencyKey = entry.op === 'create' ? newIdempotencyKey() : content.idempotencyKey;
      await this.save({ ...entry, status: 'pending' }, { ...content, body, idempotencyKey });
    });
  }

  // ---- sync ----

  /** Sends the queue in order (the device must be unlocked: the changes are sealed). */
  sync(options: SyncOptions = {}): Promise<SyncResult> {
    return this.exclusive(SEND_LOCK, () => this.syncNow(options));
  }

  private async syncNow(o: SyncOptions): Promise<SyncResult> {
    if (this.store.locked) throw new DeviceLockedError();
    const info = await this.store.info();
    if (!info) throw new DeviceNotRegisteredError();
    const deviceId = o.deviceId ?? info.deviceId;
    const send = client(o, deviceId);
    const refs = await this.loadRefs();
    const result = { sent: 0, conflicts: 0, refused: 0, held: 0 };
    // Records with a change that cannot go now: their later changes wait behind it.
    const blocked = new Set<string>();
    const recordKey = (type: string, target: number | string) => {
      const id = isLocalId(target) ? refs.ids[target] : target;
      return id === undefined ? String(target) : `${type}/${id}`;
    };
    let stopped: SyncStop | undefined;

    for (const { key, value: entry } of await this.store.kv.list<QueueEntry>('queue')) {
      let content: QueueContent;
      try {
        content = await this.store.open<QueueContent>(entry.sealed);
      } catch {
        result.held++; // damaged: it cannot be sent, but it does not stop the others
        continue;
      }
      const target = entry.op === 'create' ? content.localId : content.target;
      if (target === undefined) continue; // not written by this module
      const rkey = recordKey(entry.type, target);
      if (entry.status === 'conflict' || entry.status === 'refused') {
        blocked.add(rkey);
        continue;
      }
      // Waits for a record it refers to (not created yet) or for an earlier change of its record.
      const waitsForCreate = [...localIdsIn(content.body)].some((id) => refs.ids[id] === undefined);
      const serverId = entry.op === 'update' ? (isLocalId(target) ? refs.ids[target] : target) : undefined;
      const chain = serverId !== undefined ? refs.versions[`${entry.type}/${serverId}`] : undefined;
      const version =
        content.ifMatch ?? (chain && chain.from === content.baseVersion ? chain.to : (content.baseVersion ?? undefined));
      if (blocked.has(rkey) || waitsForCreate || (entry.op === 'update' && (serverId === undefined || version === undefined))) {
        blocked.add(rkey);
        result.held++;
        continue;
      }

      const body = replaceLocalIds(content.body, refs.ids);
      const type = encodeURIComponent(entry.type);
      await this.store.kv.put('queue', key, { ...entry, status: 'sent' } satisfies QueueEntry);
      const answer =
        entry.op === 'create'
          ? await send('POST', `/records/${type}`, body, { 'Idempotency-Key': content.idempotencyKey })
          : await send('PATCH', `/records/${type}/${serverId}`, body, { 'If-Match': `"${version}"` });
      const keepPending = () => this.store.kv.put('queue', key, { ...entry, status: 'pending' } satisfies QueueEntry);

      if (!answer.ok) {
        await keepPending();
        stopped = { reason: 'offline', detail: answer.detail };
        break;
      }
      if (answer.status >= 200 && answer.status < 300) {
        const record = parseJson(answer.text);
        if (entry.op === 'create') {
          const localId = target as string;
          const id = isRecordBody(record) ? record.id : idFromLocation(answer.headers.get('Location'));
          if (id === undefined) {
            // Made, but we cannot tell which record: sent again, the same key answers it.
            await keepPending();
            stopped = { reason: 'server', status: answer.status, code: 'http.bad_response', detail: 'The answer names no record.' };
            break;
          }
          refs.ids[localId] = id;
          if (isRecordBody(record)) refs.versions[`${entry.type}/${id}`] = { from: null, to: record.version };
          await this.saveRefs(refs);
          await this.store.deleteRecord(entry.type, localId);
        } else {
          const vkey = `${entry.type}/${serverId}`;
          // A resolved conflict does not carry later changes along: they are compared again.
          if (isRecordBody(record)) refs.versions[vkey] = { from: content.ifMatch ?? content.baseVersion, to: record.version };
          else delete refs.versions[vkey];
          await this.saveRefs(refs);
        }
        if (isRecordBody(record)) await this.store.putRecord(entry.type, record);
        await this.store.kv.delete('queue', key);
        result.sent++;
        continue;
      }
      if (answer.status === 412 && entry.op === 'update') {
        // The server's record now: to show the conflict, and to see whether the change is in
        // already (an earlier copy of it arrived, its answer lost).
        const current = await send('GET', `/records/${type}/${serverId}`);
        const theirs = current.ok && current.status === 200 ? parseJson(current.text) : undefined;
        if (isRecordBody(theirs) && changesAlreadyIn(body, theirs)) {
          await this.store.putRecord(entry.type, theirs);
          await this.store.kv.delete('queue', key);
          result.sent++;
          continue;
        }
        const withTheirs: QueueContent = { ...content };
        if (isRecordBody(theirs)) withTheirs.theirs = theirs;
        else delete withTheirs.theirs;
        await this.save({ ...entry, status: 'conflict' }, withTheirs);
        blocked.add(rkey);
        result.conflicts++;
        continue;
      }
      const stop = stopFor(answer);
      if (stop) {
        await keepPending();
        stopped = stop;
        break;
      }
      await this.save({ ...entry, status: 'refused' }, { ...content, problem: refusalOf(answer) });
      blocked.add(rkey);
      result.refused++;
    }

    // The pass reached the end: tell the server (it keeps the device alive and counts what waits).
    if (!stopped) {
      const pending = (await this.store.kv.list('queue')).length;
      const answer = await send('POST', `/devices/${encodeURIComponent(deviceId)}/sync`, { pending });
      if (!answer.ok) stopped = { reason: 'offline', detail: answer.detail };
      else if (answer.status >= 200 && answer.status < 300) await this.store.setLastSync();
      else {
        const { status, code, detail } = refusalOf(answer);
        stopped = stopFor(answer) ?? { reason: 'server', status, code, detail };
      }
    }

    return {
      ...result,
      ...(stopped ? { stopped } : {}),
      mustWipe: stopped?.reason === 'device' && WIPE_CODES.has(stopped.code),
      status: await this.status(),
    };
  }

  // ---- internals ----

  private async enqueue(type: string, op: 'create' | 'update', content: QueueContent): Promise<number> {
    const info = await this.store.info();
    if (!info) throw new DeviceNotRegisteredError();
    if (info.expired) {
      throw new Error(`This device has not synced since ${info.lastSync ?? info.registeredAt}: it takes no new changes until it syncs.`);
    }
    if (!info.offlineTypes.includes(type)) throw new Error(`Records of type "${type}" are not kept offline by your roles.`);
    const sealed = await this.store.seal(content);
    return this.exclusive(ENQUEUE_LOCK, async () => {
      const seq = ((await this.store.kv.get<number>('meta', SEQ_KEY)) ?? 0) + 1;
      await this.store.kv.put('meta', SEQ_KEY, seq);
      const entry: QueueEntry = { seq, status: 'pending', type, op, savedAt: new Date().toISOString(), sealed };
      await this.store.kv.put('queue', queueKey(seq), entry);
      return seq;
    });
  }

  private async load(seq: number): Promise<{ entry: QueueEntry; content: QueueContent }> {
    const entry = await this.store.kv.get<QueueEntry>('queue', queueKey(seq));
    if (!entry) throw new Error(`No queued change ${seq}.`);
    return { entry, content: await this.store.open<QueueContent>(entry.sealed) };
  }

  private async save(entry: QueueEntry, content: QueueContent): Promise<void> {
    await this.store.kv.put('queue', queueKey(entry.seq), { ...entry, sealed: await this.store.seal(content) } satisfies QueueEntry);
  }

  private async loadRefs(): Promise<Refs> {
    const sealed = await this.store.kv.get<Sealed>('meta', REFS_KEY);
    return sealed ? this.store.open<Refs>(sealed) : { ids: {}, versions: {} };
  }

  private async saveRefs(refs: Refs): Promise<void> {
    await this.store.kv.put('meta', REFS_KEY, await this.store.seal(refs));
  }

  /** One at a time per lock name: in this page, and across the application's tabs (Web Locks). */
  private exclusive<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    const run = () => (locks ? locks.request(name, fn) : fn());
    const next = (this.chains.get(name) ?? Promise.resolve()).then(run, run);
    this.chains.set(
      name,
      next.catch(() => undefined),
    );
    return next;
  }
}

/** One sync pass over the store's queue (SyncQueue.sync). */
export function sync(options: SyncOptions & { store: DeviceStore }): Promise<SyncResult> {
  const { store, ...rest } = options;
  return new SyncQueue(store).sync(rest);
}
