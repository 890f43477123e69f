import { describe, expect, it } from 'vitest';
import type { FetchLike, RecordBody } from '../src/api';
import { compareRecords, resolve } from '../src/offline/conflicts';
import { randomBytes, toBase64url } from '../src/offline/crypto';
import { memoryKV } from '../src/offline/kv';
import { isLocalId, localIdsIn, newLocalId, replaceLocalIds, SyncQueue } from '../src/offline/queue';
import { DeviceStore } from '../src/offline/store';

const DEVICE = '0123456789abcdef0123456789abcdef';
const PIN = '482915';
const W = toBase64url(randomBytes(32));
const CSRF = 'csrf-abc';

async function device() {
  const kv = memoryKV();
  const clock = { now: Date.parse('2025-03-01T08:00:00Z') };
  const store = new DeviceStore(kv, { now: () => new Date(clock.now) });
  await store.register({
    deviceId: DEVICE,
    userId: 7,
    userName: 'Leyla',
    offlineTypes: ['raid', 'child_found', 'person'],
    expireDays: 14,
    wrappingKey: W,
    pin: PIN,
    iterations: 1000,
  });
  return { kv, store, clock, queue: new SyncQueue(store) };
}

interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  credentials: RequestCredentials | undefined;
  cache: RequestCache | undefined;
}

type Step = Response | Error | ((req: Sent) => Response | Error);

/** A server in a script: each request takes the next step; every request is recorded. */
function fakeServer(...script: Step[]) {
  const sent: Sent[] = [];
  const fetch: FetchLike = async (url, init) => {
    const req: Sent = {
      method: init?.method ?? 'GET',
      url,
      headers: { ...(init?.headers as Record<string, string>) },
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
      credentials: init?.credentials,
      cache: init?.cache,
    };
    sent.push(req);
    const step = script.shift();
    if (!step) throw new Error(`unexpected request ${req.method} ${url}`);
    const answer = typeof step === 'function' ? step(req) : step;
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { fetch, sent, left: () => script.length };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

const problem = (status: number, code: string, errors: unknown[] = []) =>
  new Response(JSON.stringify({ status, code, title: 'Refused', detail: `${code} detail`, errors }), {
    status,
    headers: { 'Content-Type': 'application/problem+json' },
  });

function rec(type: string, id: number, version: number, data: Record<string, unknown>): RecordBody {
  return {
    id,
    type,
    version,
    state: 'registered',
    data,
    created_at: '2025-03-01T08:00:00Z',
    created_by: 7,
    updated_at: '2025-03-01T08:00:00Z',
    updated_by: 7,
  };
}

/** The server's answer to a create: the body as the record, with the id given. */
const created = (id: number) => (req: Sent) => json(201, rec(req.url.split('/').pop() ?? '', id, 1, req.body as Record<string, unknown>));
const deviceSynced = () => json(200, { id: DEVICE, state: 'active' });
const offline = () => new TypeError('Failed to fetch');

const paths = (sent: Sent[]) => sent.map((r) => `${r.method} ${r.url}`);

describe('local ids', () => {
  it('are recognised and replaced at any depth, other strings untouched', () => {
    const a = newLocalId();
    const b = newLocalId();
    expect(isLocalId(a)).toBe(true);
    expect(a).not.toBe(b);
    expect(isLocalId('local-')).toBe(false);
    expect(isLocalId(12)).toBe(false);
    const body = { raid: a, others: [b, 'x'], nested: { ref: a }, note: `about ${a}` };
    expect([...localIdsIn(body)].sort()).toEqual([a, b].sort());
    expect(replaceLocalIds(body, { [a]: 100 })).toEqual({ raid: 100, others: [b, 'x'], nested: { ref: 100 }, note: `about ${a}` });
  });
});

describe('enqueueing', () => {
  it('stores the item before resolving, sealed, in order, with a key made then', async () => {
    const { kv, store, queue } = await device();
    const first = await queue.enqueueCreate('raid', { place: 'Sumqayıt bazarı' });
    const second = await queue.enqueueUpdate('person', 12, { phone: '+994501112233' }, rec('person', 12, 3, {}));
    expect([first.seq, second.seq]).toEqual([1, 2]);
    // On storage already: another store over the same storage sees both.
    expect((await new SyncQueue(new DeviceStore(kv)).status()).counts.pending).toBe(2);
    const stored = [...(kv.stores.get('queue') ?? new Map()).values()];
    expect(stored.map((e) => Object.keys(e).sort())).toEqual([
      ['op', 'savedAt', 'sealed', 'seq', 'status', 'type'],
      ['op', 'savedAt', 'sealed', 'seq', 'status', 'type'],
    ]);
    expect(JSON.stringify(stored)).not.toContain('Sumqay');
    const items = await queue.items();
    expect(items.map((i) => [i.seq, i.op, i.type, i.status])).toEqual([
      [1, 'create', 'raid', 'pending'],
      [2, 'update', 'person', 'pending'],
    ]);
    expect(items[0]?.localId).toBe(first.localId);
    expect(items[0]?.idempotencyKey).toMatch(/^[0-9a-f]{32}$/);
    expect(items[1]?.idempotencyKey).not.toBe(items[0]?.idempotencyKey);
    expect(items[1]).toMatchObject({ target: 12, baseVersion: 3, body: { phone: '+994501112233' } });
    store.lock();
    await expect(queue.items()).rejects.toThrow(/locked/);
  });

  it('refuses types the roles do not keep offline, and an expired device', async () => {
    const { queue, clock } = await device();
    await expect(queue.enqueueCreate('signal', { x: 1 })).rejects.toThrow(/not kept offline/);
    clock.now += 15 * 86_400_000;
    await expect(queue.enqueueCreate('raid', { place: 'x' })).rejects.toThrow(/takes no new changes/);
    expect((await queue.status()).total).toBe(0);
  });
});

describe('sync', () => {
  it('sends in order with the API conventions, replaces the raid local id in the child, caches answers', async () => {
    const { store, queue } = await device();
    const { localId: raidId } = await queue.enqueueCreate('raid', { place: 'Bazar' });
    const { localId: childId } = await queue.enqueueCreate('child_found', { raid: raidId, first_name: 'Murad' });
    await queue.enqueueUpdate('person', 12, { phone: '+994' }, rec('person', 12, 3, { phone: null }));
    await store.putRecord('raid', { id: raidId, data: { place: 'Bazar' } });
    const keys = (await queue.items()).map((i) => i.idempotencyKey);

    const server = fakeServer(created(100), created(200), json(200, rec('person', 12, 4, { phone: '+994' })), deviceSynced());
    const result = await queue.sync({ fetch: server.fetch, csrfToken: CSRF });

    expect(paths(server.sent)).toEqual([
      'POST /api/v1/records/raid',
      'POST /api/v1/records/child_found',
      'PATCH /api/v1/records/person/12',
      `POST /api/v1/devices/${DEVICE}/sync`,
    ]);
    const [raid, child, person, report] = server.sent;
    expect(raid?.headers).toMatchObject({
      'Idempotency-Key': keys[0],
      'Content-Type': 'application/json',
      'X-Palermo-Device': DEVICE,
      'X-CSRF-Token': CSRF,
      Accept: 'application/json, application/problem+json',
    });
    expect(raid?.credentials).toBe('same-origin');
    expect(raid?.cache).toBe('no-store');
    expect(child?.headers['Idempotency-Key']).toBe(keys[1]);
    expect(child?.body).toEqual({ raid: 100, first_name: 'Murad' });
    expect(person?.headers['If-Match']).toBe('"3"');
    expect(person?.headers['Idempotency-Key']).toBeUndefined();
    expect(person?.body).toEqual({ phone: '+994' });
    expect(report?.body).toEqual({ pending: 0 });
    expect(report?.headers['X-CSRF-Token']).toBe(CSRF);

    expect(result).toMatchObject({ sent: 3, conflicts: 0, refused: 0, held: 0, mustWipe: false });
    expect(result.stopped).toBeUndefined();
    expect(result.status.total).toBe(0);
    expect(result.status.lastSync).toBe('2025-03-01T08:00:00.000Z');
    expect(await queue.serverIdOf(raidId)).toBe(100);
    expect(await queue.serverIdOf(childId)).toBe(200);
    expect(await store.getRecord('raid', 100)).toMatchObject({ id: 100, data: { place: 'Bazar' } });
    expect(await store.getRecord('raid', raidId)).toBeUndefined();
    expect(await store.getRecord('person', 12)).toMatchObject({ version: 4 });
  });

  it('maps a local id taken in an earlier pass, and updates a record made offline with its version', async () => {
    const { queue } = await device();
    const { localId: raidId } = await queue.enqueueCreate('raid', { place: 'Bazar' });
    await queue.sync({ fetch: fakeServer(created(100), deviceSynced()).fetch });
    await queue.enqueueCreate('child_found', { raid: raidId });
    await queue.enqueueUpdate('raid', raidId, { place: 'Bazar, 2-ci sıra' }, { data: { place: 'Bazar' } });
    const server = fakeServer(created(200), json(200, rec('raid', 100, 2, { place: 'Bazar, 2-ci sıra' })), deviceSynced());
    await queue.sync({ fetch: server.fetch });
    expect(server.sent[0]?.body).toEqual({ raid: 100 });
    expect(`${server.sent[1]?.method} ${server.sent[1]?.url}`).toBe('PATCH /api/v1/records/raid/100');
    expect(server.sent[1]?.headers['If-Match']).toBe('"1"');
  });

  it('sends a second change of a record with the version the first one gave', async () => {
    const { queue } = await device();
    await queue.enqueueUpdate('person', 12, { phone: '1' }, rec('person', 12, 3, {}));
    await queue.enqueueUpdate('person', 12, { address: 'Bakı' }, rec('person', 12, 3, { phone: '1' }));
    const server = fakeServer(json(200, rec('person', 12, 4, { phone: '1' })), json(200, rec('person', 12, 5, {})), deviceSynced());
    await queue.sync({ fetch: server.fetch });
    expect(server.sent.slice(0, 2).map((r) => r.headers['If-Match'])).toEqual(['"3"', '"4"']);
  });

  it('keeps everything on a network failure and sends the same Idempotency-Key again', async () => {
    const { queue } = await device();
    await queue.enqueueCreate('raid', { place: 'Bazar' });
    await queue.enqueueCreate('raid', { place: 'Tikinti' });

    const down = fakeServer(offline());
    const result = await queue.sync({ fetch: down.fetch });
    expect(result.stopped).toEqual({ reason: 'offline', detail: 'Failed to fetch' });
    expect(down.sent).toHaveLength(1); // stopped at the first
    expect(result.status.counts).toEqual({ pending: 2, sent: 0, conflict: 0, refused: 0 });
    expect(result.status.lastSync).toBeNull();

    const up = fakeServer(created(1), created(2), deviceSynced());
    await queue.sync({ fetch: up.fetch });
    expect(up.sent[0]?.headers['Idempotency-Key']).toBe(down.sent[0]?.headers['Idempotency-Key']);
    expect((await queue.status()).total).toBe(0);
  });

  it('keeps the item on a 5xx, reporting Retry-After, and sends the same key again', async () => {
    const { queue } = await device();
    await queue.enqueueCreate('raid', { place: 'Bazar' });
    const busy = fakeServer(
      new Response('{"status":503,"code":"server.busy"}', { status: 503, headers: { 'Retry-After': '30', 'Content-Type': 'application/problem+json' } }),
    );
    const result = await queue.sync({ fetch: busy.fetch });
    expect(result.stopped).toMatchObject({ reason: 'server', status: 503, code: 'server.busy', retryAfter: 30 });
    expect(result.status.counts.pending).toBe(1);
    const again = fakeServer(created(1), deviceSynced());
    await queue.sync({ fetch: again.fetch });
    expect(again.sent[0]?.headers['Idempotency-Key']).toBe(busy.sent[0]?.headers['Idempotency-Key']);
  });

  it('keeps a create whose answer was lost in the body: sent again, it is replayed', async () => {
    const { queue } = await device();
    await queue.enqueueCreate('raid', { place: 'Bazar' });
    const cut = fakeServer(
      () =>
        new Response(
          new ReadableStream({
            start(c) {
              c.error(new TypeError('network error'));
            },
          }),
          { status: 201 },
        ),
    );
    const result = await queue.sync({ fetch: cut.fetch });
    expect(result.stopped?.reason).toBe('offline');
    expect(result.status.counts.pending).toBe(1);
  });

  it('marks a 412 as a conflict with the server record, holds later changes of that record only', async () => {
    const { queue } = await device();
    const base = rec('person', 12, 3, { phone: '1', address: 'Bakı' });
    const { seq } = await queue.enqueueUpdate('person', 12, { phone: '2' }, base);
    await queue.enqueueUpdate('person', 12, { address: 'Gəncə' }, rec('person', 12, 3, { phone: '2', address: 'Bakı' }));
    await queue.enqueueCreate('raid', { place: 'Bazar' });
    const theirs = rec('person', 12, 5, { phone: '9', address: 'Bakı' });
    const server = fakeServer(problem(412, 'record.version_conflict'), json(200, theirs), created(100), deviceSynced());
    const result = await queue.sync({ fetch: server.fetch });

    expect(paths(server.sent)).toEqual([
      'PATCH /api/v1/records/person/12',
      'GET /api/v1/records/person/12',
      'POST /api/v1/records/raid',
      `POST /api/v1/devices/${DEVICE}/sync`,
    ]);
    expect(server.sent[1]?.headers['X-Palermo-Device']).toBe(DEVICE);
    expect(server.sent[1]?.headers['X-CSRF-Token']).toBeUndefined();
    expect(server.sent[3]?.body).toEqual({ pending: 2 });
    expect(result).toMatchObject({ sent: 1, conflicts: 1, held: 1 });
    const items = await queue.items();
    expect(items.map((i) => [i.seq, i.status])).toEqual([
      [1, 'conflict'],
      [2, 'pending'],
    ]);
    expect(items[0]).toMatchObject({ body: { phone: '2' }, baseRecord: base, theirs });

    // The user keeps their phone: sent with the server's version.
    const conflicts = compareRecords(base, { ...base.data, phone: '2' }, theirs);
    await queue.resolveConflict(seq, resolve(conflicts, theirs, { phone: 'mine' }));
    const next = fakeServer(json(200, rec('person', 12, 6, { phone: '2' })), problem(412, 'record.version_conflict'), json(200, rec('person', 12, 6, { phone: '2', address: 'Bakı' })), deviceSynced());
    const after = await queue.sync({ fetch: next.fetch });
    expect(next.sent[0]?.headers['If-Match']).toBe('"5"');
    expect(next.sent[0]?.body).toEqual({ phone: '2' });
    // The later change was made from version 3: compared again, not sent over the server's.
    expect(next.sent[1]?.headers['If-Match']).toBe('"3"');
    expect(after).toMatchObject({ sent: 1, conflicts: 1 });
  });

  it('drops a 412 whose change the server has already (a retry after a lost answer)', async () => {
    const { store, queue } = await device();
    await queue.enqueueUpdate('person', 12, { phone: '2' }, rec('person', 12, 3, { phone: '1' }));
    const server = fakeServer(problem(412, 'record.version_conflict'), json(200, rec('person', 12, 4, { phone: '2' })), deviceSynced());
    const result = await queue.sync({ fetch: server.fetch });
    expect(result).toMatchObject({ sent: 1, conflicts: 0 });
    expect(result.status.total).toBe(0);
    expect(await store.getRecord('person', 12)).toMatchObject({ version: 4 });
  });

  it('keeps a conflict even when the server record cannot be fetched', async () => {
    const { queue } = await device();
    await queue.enqueueUpdate('person', 12, { phone: '2' }, rec('person', 12, 3, { phone: '1' }));
    const server = fakeServer(problem(412, 'record.version_conflict'), offline(), offline());
    const result = await queue.sync({ fetch: server.fetch });
    expect(result.status.counts.conflict).toBe(1);
    expect(result.stopped?.reason).toBe('offline');
    expect((await queue.items())[0]?.theirs).toBeUndefined();
  });

  it('keeps a 422 with its problem, holds what refers to it, sends the rest', async () => {
    const { queue } = await device();
    const { seq, localId: raidId } = await queue.enqueueCreate('raid', { place: '' });
    await queue.enqueueCreate('child_found', { raid: raidId, first_name: 'Murad' });
    await queue.enqueueCreate('person', { first_name: 'Aysel' });
    const errors = [{ field: 'place', code: 'required', message: 'is required' }];
    const server = fakeServer(problem(422, 'validation.failed', errors), created(300), deviceSynced());
    const result = await queue.sync({ fetch: server.fetch });
    expect(paths(server.sent)).toEqual(['POST /api/v1/records/raid', 'POST /api/v1/records/person', `POST /api/v1/devices/${DEVICE}/sync`]);
    expect(result).toMatchObject({ sent: 1, refused: 1, held: 1 });
    const [refused, child] = await queue.items();
    expect(refused).toMatchObject({ status: 'refused', problem: { status: 422, code: 'validation.failed', errors } });
    expect(child?.status).toBe('pending');

    // Fixed by the user: sent again under a new key, then the child with the raid's id.
    const oldKey = refused?.idempotencyKey;
    await queue.fixRefused(seq, { place: 'Bazar' });
    const again = fakeServer(created(100), created(200), deviceSynced());
    await queue.sync({ fetch: again.fetch });
    expect(again.sent[0]?.body).toEqual({ place: 'Bazar' });
    expect(again.sent[0]?.headers['Idempotency-Key']).not.toBe(oldKey);
    expect(again.sent[1]?.body).toEqual({ raid: 100, first_name: 'Murad' });
    expect((await queue.status()).total).toBe(0);
  });

  it('stops on device.revoked, keeping every item, and says to wipe', async () => {
    const { queue } = await device();
    await queue.enqueueCreate('raid', { place: 'Bazar' });
    await queue.enqueueCreate('raid', { place: 'Tikinti' });
    const server = fakeServer(problem(403, 'device.revoked'));
    const result = await queue.sync({ fetch: server.fetch });
    expect(server.sent).toHaveLength(1);
    expect(result.stopped).toMatchObject({ reason: 'device', code: 'device.revoked' });
    expect(result.mustWipe).toBe(true);
    expect(result.status.counts.pending).toBe(2);
  });

  it('stops on device.expired answered to the sync report too', async () => {
    const { queue } = await device();
    const result = await queue.sync({ fetch: fakeServer(problem(403, 'device.expired')).fetch });
    expect(result).toMatchObject({ mustWipe: true, stopped: { reason: 'device', code: 'device.expired' } });
    expect(result.status.lastSync).toBeNull();
  });

  it('stops for a sign-in (401, a CSRF refusal) without refusing the item; a plain 403 refuses it', async () => {
    const { queue } = await device();
    await queue.enqueueCreate('raid', { place: 'Bazar' });
    const signedOut = await queue.sync({ fetch: fakeServer(problem(401, 'auth.required')).fetch });
    expect(signedOut.stopped).toMatchObject({ reason: 'session', status: 401 });
    const csrf = await queue.sync({ fetch: fakeServer(problem(403, 'auth.csrf')).fetch });
    expect(csrf.stopped).toMatchObject({ reason: 'session', code: 'auth.csrf' });
    expect(csrf.mustWipe).toBe(false);
    expect(csrf.status.counts.pending).toBe(1);
    const forbidden = await queue.sync({ fetch: fakeServer(problem(403, 'auth.forbidden'), deviceSynced()).fetch });
    expect(forbidden.status.counts.refused).toBe(1);
  });

  it('needs the device unlocked: the changes are sealed', async () => {
    const { store, queue } = await device();
    await queue.enqueueCreate('raid', { place: 'Bazar' });
    store.lock();
    const server = fakeServer();
    await expect(queue.sync({ fetch: server.fetch })).rejects.toThrow(/locked/);
    expect(server.sent).toHaveLength(0);
  });

  it('lets the user discard a change', async () => {
    const { queue } = await device();
    const { seq } = await queue.enqueueCreate('raid', { place: '' });
    await queue.sync({ fetch: fakeServer(problem(422, 'validation.failed'), deviceSynced()).fetch });
    await queue.discard(seq);
    expect((await queue.status()).total).toBe(0);
  });
});
