import { describe, expect, it } from 'vitest';
import { randomBytes, toBase64url } from '../src/offline/crypto';
import { memoryKV, type KV } from '../src/offline/kv';
import { SyncQueue } from '../src/offline/queue';
import { DeviceLockedError, DeviceStore } from '../src/offline/store';

const PIN = '482915';
const W = toBase64url(randomBytes(32));
const T0 = Date.parse('2025-03-01T08:00:00Z');
const DAY = 86_400_000;

/** A registered device over `kv`; `clock.now` moves the store's time. */
async function registered(kv: KV = memoryKV(), w: string = W) {
  const clock = { now: T0 };
  const store = new DeviceStore(kv, { now: () => new Date(clock.now) });
  await store.register({
    deviceId: '0123456789abcdef0123456789abcdef',
    userId: 7,
    userName: 'Leyla Hüseynova',
    offlineTypes: ['raid', 'child_found', 'person'],
    expireDays: 14,
    wrappingKey: w,
    pin: PIN,
    iterations: 1000,
  });
  return { kv, store, clock };
}

/** Every stored value as text (bytes read as Latin-1), to look for what must not be there. */
function everythingStored(kv: ReturnType<typeof memoryKV>): string {
  const parts: string[] = [];
  const walk = (v: unknown): void => {
    if (v instanceof Uint8Array) parts.push(String.fromCharCode(...v), new TextDecoder().decode(v));
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.entries(v).forEach(([k, x]) => (parts.push(k), walk(x)));
    else parts.push(String(v));
  };
  for (const [, s] of kv.stores) for (const [k, v] of s) (parts.push(k), walk(v));
  return parts.join('\n');
}

const raid = (id: number | string, data: Record<string, unknown>) => ({ id, type: 'raid', version: 1, data });

describe('registering a device', () => {
  it('keeps who and what in clear, and is left unlocked', async () => {
    const { store } = await registered();
    expect(await store.isRegistered()).toBe(true);
    expect(store.locked).toBe(false);
    expect(await store.info()).toEqual({
      deviceId: '0123456789abcdef0123456789abcdef',
      userId: 7,
      userName: 'Leyla Hüseynova',
      offlineTypes: ['raid', 'child_found', 'person'],
      expireDays: 14,
      registeredAt: '2025-03-01T08:00:00.000Z',
      lastSync: null,
      expiresAt: '2025-03-15T08:00:00.000Z',
      expired: false,
    });
  });

  it('never stores W, the PIN or the private key in clear', async () => {
    const w = randomBytes(32);
    const kv = memoryKV();
    await registered(kv, toBase64url(w));
    const stored = everythingStored(kv);
    expect(stored).not.toContain(String.fromCharCode(...w));
    expect(stored).not.toContain(toBase64url(w));
    expect(stored).not.toContain(PIN);
  });

  it('refuses a short PIN and a second registration', async () => {
    const store = new DeviceStore(memoryKV());
    const reg = { deviceId: 'd', userId: 1, userName: 'U', offlineTypes: ['raid'], expireDays: 14, wrappingKey: W, iterations: 1000 };
    await expect(store.register({ ...reg, pin: '12345' })).rejects.toThrow(/at least 6 characters/);
    expect(await store.isRegistered()).toBe(false);
    await store.register({ ...reg, pin: PIN });
    await expect(store.register({ ...reg, pin: PIN })).rejects.toThrow(/registered .* already/);
  });
});

describe('locking', () => {
  it('refuses to read records and drafts while locked, but still writes them', async () => {
    const { store } = await registered();
    store.lock();
    expect(store.locked).toBe(true);
    await store.putRecord('raid', raid(5, { place: 'Bazar' }));
    await store.putDraft('person', { id: 'local-1', name: 'Aysel' });
    await expect(store.listRecords('raid')).rejects.toThrow(/locked/);
    await expect(store.listRecords('raid')).rejects.toBeInstanceOf(DeviceLockedError);
    // Even a type with nothing cached: while locked, the store does not say what it holds.
    await expect(store.listRecords('child_found')).rejects.toThrow(/locked/);
    await expect(store.getRecord('raid', 5)).rejects.toThrow(/locked/);
    await expect(store.listDrafts('person')).rejects.toThrow(/locked/);
    await expect(store.getDraft('person', 'local-1')).rejects.toThrow(/locked/);

    await store.unlock(PIN, W);
    expect(store.locked).toBe(false);
    expect(await store.getRecord('raid', 5)).toEqual(raid(5, { place: 'Bazar' }));
    expect(await store.listDrafts('person')).toEqual([{ id: 'local-1', name: 'Aysel' }]);
  });

  it('stays locked after a wrong PIN or a wrong W', async () => {
    const { store } = await registered();
    store.lock();
    await expect(store.unlock('000000', W)).rejects.toThrow(/Wrong PIN/);
    expect(store.locked).toBe(true);
    await expect(store.unlock(PIN, toBase64url(randomBytes(32)))).rejects.toThrow(/Wrong PIN/);
    expect(store.locked).toBe(true);
  });

  it('opens after the browser restarts: a new store over the same storage, PIN and W', async () => {
    const { kv, store } = await registered();
    await store.putRecord('raid', raid(5, { place: 'Bazar' }));
    const restarted = new DeviceStore(kv);
    expect(restarted.locked).toBe(true);
    await restarted.putRecord('raid', raid(6, { place: 'Tikinti' })); // written while locked
    await restarted.unlock(PIN, W);
    expect(await restarted.listRecords('raid')).toEqual([raid(5, { place: 'Bazar' }), raid(6, { place: 'Tikinti' })]);
  });

  it('still counts the queue while locked, never showing its contents', async () => {
    const { kv, store } = await registered();
    const queue = new SyncQueue(store);
    store.lock();
    await queue.enqueueCreate('raid', { place: 'Sumqayıt bazarı' });
    await queue.enqueueCreate('child_found', { first_name: 'Murad' });
    const status = await queue.status();
    expect(status.counts).toEqual({ pending: 2, sent: 0, conflict: 0, refused: 0 });
    expect(status.waiting).toBe(2);
    await expect(queue.items()).rejects.toThrow(/locked/);
    const stored = everythingStored(kv as ReturnType<typeof memoryKV>);
    expect(stored).not.toContain('Murad');
    expect(stored).not.toContain('Sumqay');
  });
});

describe('records and drafts', () => {
  it('are sealed, listed by type, replaced by id, deleted', async () => {
    const { kv, store } = await registered();
    await store.putRecord('raid', raid(1, { place: 'Xırdalan' }));
    await store.putRecord('raid', raid(2, { place: 'Gəncə' }));
    await store.putRecord('person', { id: 3, type: 'person', version: 1, data: { first_name: 'Nərmin' } });
    await store.putRecord('raid', { ...raid(2, { place: 'Gəncə bazarı' }), version: 2 });
    expect((await store.listRecords<{ id: number }>('raid')).map((r) => r.id)).toEqual([1, 2]);
    expect(await store.getRecord('raid', 2)).toMatchObject({ version: 2, data: { place: 'Gəncə bazarı' } });
    expect(await store.getRecord('raid', 9)).toBeUndefined();
    await store.deleteRecord('raid', 1);
    expect((await store.listRecords<{ id: number }>('raid')).map((r) => r.id)).toEqual([2]);
    expect(everythingStored(kv as ReturnType<typeof memoryKV>)).not.toContain('Nərmin');
  });
});

describe('expiry', () => {
  it('counts expire days from the last sync, else from registration', async () => {
    const { store, clock } = await registered();
    clock.now = T0 + 14 * DAY;
    expect((await store.info())?.expired).toBe(false);
    clock.now = T0 + 14 * DAY + 1;
    expect((await store.info())?.expired).toBe(true);
    await store.setLastSync(new Date(T0 + 10 * DAY));
    const info = await store.info();
    expect(info?.lastSync).toBe('2025-03-11T08:00:00.000Z');
    expect(info?.expiresAt).toBe('2025-03-25T08:00:00.000Z');
    expect(info?.expired).toBe(false);
  });
});

describe('wiping', () => {
  it('deletes everything and forgets the key', async () => {
    const { kv, store } = await registered();
    const queue = new SyncQueue(store);
    await store.putRecord('raid', raid(1, { place: 'Xırdalan' }));
    await store.putDraft('raid', { id: 'local-x', place: 'Bakı' });
    await queue.enqueueCreate('raid', { place: 'Bakı' });
    await store.wipe();
    expect(store.locked).toBe(true);
    expect(await store.isRegistered()).toBe(false);
    expect(await store.info()).toBeUndefined();
    for (const [name, s] of (kv as ReturnType<typeof memoryKV>).stores) expect([name, s.size]).toEqual([name, 0]);
    await expect(store.unlock(PIN, W)).rejects.toThrow(/no registered device/);
  });
});
