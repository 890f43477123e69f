// The device's encrypted store (docs/offline.md): the device entry (in clear: who, which types,
// the public key, the sealed private key, the dates), cached records and drafts sealed to the
// device's public key. Writing needs only the public key; reading needs the private key, which
// lives in this object's memory only, between unlock (PIN + the server's W) and lock.

import {
  derivePinKey,
  deriveKek,
  exportPublicKey,
  importPublicKey,
  newDeviceKeys,
  openJson,
  openPrivateKey,
  PBKDF2_ITERATIONS,
  randomBytes,
  sealJson,
  sealPrivateKey,
  wrappingKeyFrom,
  type Bytes,
  type Sealed,
  type SealedKey,
} from './crypto';
import type { KV } from './kv';

const DAY_MS = 86_400_000;
const DEVICE_KEY = 'device';
const SALT_BYTES = 16;

/** The device entry as stored, in clear: nothing in it is a record's content. */
interface DeviceEntry {
  deviceId: string;
  userId: number;
  userName: string;
  offlineTypes: string[];
  expireDays: number;
  publicKey: Bytes;
  privateKey: SealedKey;
  salt: Bytes;
  iterations: number;
  registeredAt: string;
  lastSync: string | null;
}

export interface DeviceRegistration {
  /** The server's id of the device (POST /api/v1/devices answers it). */
  deviceId: string;
  userId: number;
  userName: string;
  offlineTypes: string[];
  expireDays: number;
  /** W, as the server sends it (base64url) or as bytes. Used here, never stored. */
  wrappingKey: string | Uint8Array;
  pin: string;
  /** PBKDF2 iterations; lowered in tests only. */
  iterations?: number;
}

/** What is known about the device while it is locked. */
export interface DeviceInfo {
  deviceId: string;
  userId: number;
  userName: string;
  offlineTypes: string[];
  expireDays: number;
  registeredAt: string;
  /** The last sync the server acknowledged; null before the first. */
  lastSync: string | null;
  /** (last sync, else registration) + expireDays: past it, nothing new is taken. */
  expiresAt: string;
  expired: boolean;
}

/** Reading the device's data while it is locked. */
export class DeviceLockedError extends Error {
  constructor() {
    super('The device is locked: unlock it with the PIN (online) to read its data.');
    this.name = 'DeviceLockedError';
  }
}

export class DeviceNotRegisteredError extends Error {
  constructor() {
    super('This browser holds no registered device.');
    this.name = 'DeviceNotRegisteredError';
  }
}

/** A record or draft as cached: anything with an id (a server id, or a local id). */
export interface HasId {
  id: number | string;
}

const itemKey = (type: string, id: number | string) => `${type}/${id}`;

export class DeviceStore {
  readonly kv: KV;
  private readonly now: () => Date;
  private privateKey: CryptoKey | undefined;
  private publicKeyCache: Promise<CryptoKey> | undefined;

  constructor(kv: KV, options: { now?: () => Date } = {}) {
    this.kv = kv;
    this.now = options.now ?? (() => new Date());
  }

  // ---- the device ----

  /**
   * Makes the device's key pair, stores the public key in clear and the private key sealed
   * under the KEK (PIN + W). The device is left unlocked. Refuses when a device is registered
   * here already (wipe it first).
   */
  async register(reg: DeviceRegistration): Promise<DeviceInfo> {
    if (await this.isRegistered()) throw new Error('A device is registered in this browser already: wipe it first.');
    const iterations = reg.iterations ?? PBKDF2_ITERATIONS;
    const salt = randomBytes(SALT_BYTES);
    const kek = await deriveKek(await derivePinKey(reg.pin, salt, iterations), wrappingKeyFrom(reg.wrappingKey));
    const keys = await newDeviceKeys();
    const entry: DeviceEntry = {
      deviceId: reg.deviceId,
      userId: reg.userId,
      userName: reg.userName,
      offlineTypes: [...reg.offlineTypes],
      expireDays: reg.expireDays,
      publicKey: await exportPublicKey(keys.publicKey),
      privateKey: await sealPrivateKey(kek, keys.privateKey),
      salt,
      iterations,
      registeredAt: this.now().toISOString(),
      lastSync: null,
    };
    await this.kv.put('device', DEVICE_KEY, entry);
    // Kept as a non-extractable key, as unlock would give it.
    this.privateKey = await openPrivateKey(kek, entry.privateKey);
    this.publicKeyCache = undefined;
    return this.describe(entry);
  }

  async isRegistered(): Promise<boolean> {
    return (await this.kv.get('device', DEVICE_KEY)) !== undefined;
  }

  /** The device as known while locked; undefined when none is registered. */
  async info(): Promise<DeviceInfo | undefined> {
    const entry = await this.kv.get<DeviceEntry>('device', DEVICE_KEY);
    return entry && this.describe(entry);
  }

  /** Opens the private key with the PIN and the server's W; it stays in memory only. */
  async unlock(pin: string, wrappingKey: string | Uint8Array): Promise<void> {
    const entry = await this.entry();
    const kek = await deriveKek(await derivePinKey(pin, entry.salt, entry.iterations), wrappingKeyFrom(wrappingKey));
    this.privateKey = await openPrivateKey(kek, entry.privateKey);
  }

  lock(): void {
    this.privateKey = undefined;
  }

  get locked(): boolean {
    return this.privateKey === undefined;
  }

  /** Notes a sync the server acknowledged: it moves the expiry date. */
  async setLastSync(at: Date = this.now()): Promise<void> {
    const entry = await this.entry();
    await this.kv.put('device', DEVICE_KEY, { ...entry, lastSync: at.toISOString() });
  }

  /** Deletes everything this browser holds of the device (revoked, expired, or given up). */
  async wipe(): Promise<void> {
    this.lock();
    this.publicKeyCache = undefined;
    // The device entry last: an interrupted wipe still looks registered and is wiped again.
    for (const store of ['records', 'drafts', 'queue', 'meta'] as const) await this.kv.clear(store);
    await this.kv.clear('device');
  }

  // ---- sealing (only the public key) and opening (the private key) ----

  async seal(value: unknown): Promise<Sealed> {
    this.publicKeyCache ??= this.entry().then((e) => importPublicKey(e.publicKey));
    try {
      return await sealJson(await this.publicKeyCache, value);
    } catch (e) {
      this.publicKeyCache = undefined;
      throw e;
    }
  }

  async open<T = unknown>(sealed: Sealed): Promise<T> {
    if (!this.privateKey) throw new DeviceLockedError();
    return openJson<T>(this.privateKey, sealed);
  }

  // ---- cached records and drafts ----

  putRecord<T extends HasId>(type: string, record: T): Promise<void> {
    return this.putSealed('records', type, record);
  }
  getRecord<T = unknown>(type: string, id: number | string): Promise<T | undefined> {
    return this.getSealed<T>('records', type, id);
  }
  listRecords<T = unknown>(type: string): Promise<T[]> {
    return this.listSealed<T>('records', type);
  }
  deleteRecord(type: string, id: number | string): Promise<void> {
    return this.kv.delete('records', itemKey(type, id));
  }

  putDraft<T extends HasId>(type: string, draft: T): Promise<void> {
    return this.putSealed('drafts', type, draft);
  }
  getDraft<T = unknown>(type: string, id: number | string): Promise<T | undefined> {
    return this.getSealed<T>('drafts', type, id);
  }
  listDrafts<T = unknown>(type: string): Promise<T[]> {
    return this.listSealed<T>('drafts', type);
  }
  deleteDraft(type: string, id: number | string): Promise<void> {
    return this.kv.delete('drafts', itemKey(type, id));
  }

  // ---- internals ----

  private async entry(): Promise<DeviceEntry> {
    const entry = await this.kv.get<DeviceEntry>('device', DEVICE_KEY);
    if (!entry) throw new DeviceNotRegisteredError();
    return entry;
  }

  private describe(e: DeviceEntry): DeviceInfo {
    const since = Date.parse(e.lastSync ?? e.registeredAt);
    const expiresAt = new Date(since + e.expireDays * DAY_MS);
    return {
      deviceId: e.deviceId,
      userId: e.userId,
      userName: e.userName,
      offlineTypes: [...e.offlineTypes],
      expireDays: e.expireDays,
      registeredAt: e.registeredAt,
      lastSync: e.lastSync,
      expiresAt: expiresAt.toISOString(),
      expired: this.now().getTime() > expiresAt.getTime(),
    };
  }

  private async putSealed(store: 'records' | 'drafts', type: string, value: HasId): Promise<void> {
    if (value.id === undefined || value.id === null || value.id === '') throw new Error('A cached item needs an id.');
    await this.kv.put(store, itemKey(type, value.id), await this.seal(value));
  }

  private async getSealed<T>(store: 'records' | 'drafts', type: string, id: number | string): Promise<T | undefined> {
    if (!this.privateKey) throw new DeviceLockedError();
    const sealed = await this.kv.get<Sealed>(store, itemKey(type, id));
    return sealed && this.open<T>(sealed);
  }

  private async listSealed<T>(store: 'records' | 'drafts', type: string): Promise<T[]> {
    if (!this.privateKey) throw new DeviceLockedError();
    const prefix = `${type}/`;
    const out: T[] = [];
    for (const { key, value } of await this.kv.list<Sealed>(store)) {
      if (key.startsWith(prefix)) out.push(await this.open<T>(value));
    }
    return out;
  }
}
