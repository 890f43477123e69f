// Where the offline store keeps its values: a tiny key-value interface over named stores, in
// IndexedDB in the browser and in memory in tests. Values are structured-cloned (bytes stay
// bytes); a write resolves only when its transaction has completed, so what is acknowledged
// is on disk.

export const STORE_NAMES = ['device', 'records', 'drafts', 'queue', 'meta'] as const;
export type StoreName = (typeof STORE_NAMES)[number];

export interface KVEntry<T = unknown> {
  key: string;
  value: T;
}

export interface KV {
  get<T = unknown>(store: StoreName, key: string): Promise<T | undefined>;
  put(store: StoreName, key: string, value: unknown): Promise<void>;
  delete(store: StoreName, key: string): Promise<void>;
  /** Every entry of the store, in key order. */
  list<T = unknown>(store: StoreName): Promise<KVEntry<T>[]>;
  /** Empties the store. */
  clear(store: StoreName): Promise<void>;
}

/** In memory, for tests: values cloned in and out as IndexedDB would. */
export function memoryKV(): KV & { readonly stores: Map<StoreName, Map<string, unknown>> } {
  const stores = new Map<StoreName, Map<string, unknown>>(STORE_NAMES.map((s) => [s, new Map()]));
  const of = (store: StoreName): Map<string, unknown> => {
    const s = stores.get(store);
    if (!s) throw new Error(`No store "${store}".`);
    return s;
  };
  return {
    stores,
    async get<T>(store: StoreName, key: string) {
      const s = of(store);
      return s.has(key) ? (structuredClone(s.get(key)) as T) : undefined;
    },
    async put(store, key, value) {
      of(store).set(key, structuredClone(value));
    },
    async delete(store, key) {
      of(store).delete(key);
    },
    async list<T>(store: StoreName) {
      return [...of(store).entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, value]) => ({ key, value: structuredClone(value) as T }));
    },
    async clear(store) {
      of(store).clear();
    },
  };
}

const DB_VERSION = 1;

function done(request: IDBRequest): Promise<unknown> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed.'));
  });
}

function completed(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed.'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted (storage full?).'));
  });
}

/** IndexedDB database `dbName`, with one object store per StoreName (out-of-line string keys). */
export function idbKV(dbName: string): KV & { close(): void } {
  let opening: Promise<IDBDatabase> | undefined;
  const db = (): Promise<IDBDatabase> => {
    opening ??= new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(dbName, DB_VERSION);
      request.onupgradeneeded = () => {
        const d = request.result;
        for (const name of STORE_NAMES) if (!d.objectStoreNames.contains(name)) d.createObjectStore(name);
      };
      request.onsuccess = () => {
        const d = request.result;
        // Another tab upgrading or deleting the database: let it, and reopen on next use.
        d.onversionchange = () => {
          d.close();
          opening = undefined;
        };
        resolve(d);
      };
      request.onerror = () => {
        opening = undefined;
        reject(request.error ?? new Error('IndexedDB cannot be opened.'));
      };
      request.onblocked = () => {
        opening = undefined;
        reject(new Error('IndexedDB is blocked by another tab of the application: close it and try again.'));
      };
    });
    return opening;
  };

  // Writes ask for strict durability: the browser flushes to disk before `complete`.
  const write = async (store: StoreName, action: (s: IDBObjectStore) => void): Promise<void> => {
    const tx = (await db()).transaction(store, 'readwrite', { durability: 'strict' });
    const finished = completed(tx);
    try {
      action(tx.objectStore(store)); // throws at once for a value that cannot be cloned
    } catch (e) {
      finished.catch(() => undefined);
      tx.abort();
      throw e;
    }
    await finished;
  };

  return {
    async get<T>(store: StoreName, key: string) {
      const tx = (await db()).transaction(store, 'readonly');
      return (await done(tx.objectStore(store).get(key))) as T | undefined;
    },
    put: (store, key, value) => write(store, (s) => s.put(value, key)),
    delete: (store, key) => write(store, (s) => s.delete(key)),
    clear: (store) => write(store, (s) => s.clear()),
    async list<T>(store: StoreName) {
      const tx = (await db()).transaction(store, 'readonly');
      const s = tx.objectStore(store);
      // Both in key order, in one transaction: they pair up.
      const [keys, values] = await Promise.all([done(s.getAllKeys()), done(s.getAll())]);
      return (keys as IDBValidKey[]).map((key, i) => ({ key: String(key), value: (values as T[])[i] as T }));
    },
    close() {
      void opening?.then((d) => d.close());
      opening = undefined;
    },
  };
}
