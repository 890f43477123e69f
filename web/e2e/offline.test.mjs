// Field work offline in the browser (docs/offline.md), in Azerbaijani, with the network switched off
// through the browser's offline mode: a police juvenile officer registers this browser as a device
// (a PIN, checked at the field, never sent), records a raid and three children found in it without
// a connection, closes the browser and starts it again (the same profile: IndexedDB, the service
// worker), comes back online, unlocks with the PIN and syncs: one raid and three children on the
// server, each with its audit entry, the children referring to the server's raid. Then a record kept
// on the device is changed offline while the same field is changed on the server: the sync page
// shows the conflict field by field, the officer picks, the server ends with the choice. Raids
// saved offline without their date are refused at sync: one is fixed at the field, one discarded.
// Last, the administrator revokes the device: it can no longer sync (its queued raid never arrives,
// the device is wiped) and, registered again and revoked again, no longer unlock.
//
// Runs after auth.test.mjs (it signs the administrators in with the state auth.test.mjs saved).
// All names are made up.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  apiCall,
  assertAccessible,
  browserSuite,
  editRecord,
  h1,
  launchWithProfile,
  openUsers,
  screenshot,
  setUpAgenciesAndUsers,
} from './lib.mjs';

const run = randomBytes(3).toString('hex');
const PIN = '482915';
const AZ = {
  devices: 'Cihazlar',
  sync: 'Sinxronlaşdırma',
  newRaid: 'Yeni qeyd: Uşaq əməyi və dilənçiliyə qarşı reyd',
  newChild: 'Yeni qeyd: Reyddə aşkar edilmiş uşaq',
  newPerson: 'Yeni qeyd: Şəxs',
  offlineHome: 'Şəbəkəsiz iş',
  online: 'Şəbəkə var',
  offline: 'Şəbəkə yoxdur',
  locked: 'Cihaz kilidlidir',
  unlocked: 'Cihazın kilidi açıqdır',
  savedHere: 'Bu cihazda saxlanıldı; şəbəkə olanda göndəriləcək.',
  pinShort: 'PIN ən azı 6 simvol olmalıdır.',
  pinMismatch: 'PIN-lər üst-üstə düşmür.',
  pinWrong: 'PIN yanlışdır.',
  waiting: (n) => `Göndərilməyi gözləyir: ${n}`,
  needsYou: (n) => `Qərarınızı gözləyir: ${n}`,
  wipedRevoked: 'Bu cihaz ləğv edilib: onun bu brauzerdəki bütün məlumatları silindi.',
};
const AGENCIES = { juvenile: { name: `Sınaq RPİ sahə şöbəsi ${run}`, type: 'police' } };
const USERS = {
  officer: { login: `e2e.sahe.${run}`, name: 'Sınaq Sahə İnspektoru', agency: 'juvenile', role: 'police_juvenile_officer' },
};
const PLACE = `Köhnə bazar ${run}`;
const CHILDREN = [
  { last: 'Nümunəov', first: 'Birinci', sex: 'male', birth: '2012' },
  { last: 'Nümunəova', first: 'İkinci', sex: 'female', birth: '2013' },
  { last: 'Nümunəov', first: 'Üçüncü', sex: 'male', birth: '2015' },
];
const today = new Date().toISOString().slice(0, 10);

describe('field work offline, in Azerbaijani', () => {
  const { cfg, pages, pageErrors, newPage } = browserSuite('offline');
  // The officer's browser: a profile of its own, kept across a restart.
  const profile = mkdtempSync(join(tmpdir(), 'palermo-e2e-offline-'));
  let officer; // its context
  const sentBodies = [];
  const openOfficer = async () => {
    officer = await launchWithProfile(profile);
    const page = officer.pages()[0] ?? (await officer.newPage());
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (e) => pageErrors.push(`officer: ${e}`));
    page.on('request', (r) => {
      if (r.url().includes('/api/')) sentBodies.push(r.postData() ?? '');
    });
    pages.officer = page;
    return page;
  };
  after(async () => {
    await officer?.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  });
  const ids = {};
  const bar = (page, testId) => page.locator(`[data-testid=sync-bar] [data-testid=${testId}]`);
  const waiting = (page, n) => bar(page, 'sync-waiting').filter({ hasText: AZ.waiting(n) }).waitFor();
  const submit = (page) => page.locator('main form button[type=submit]').first().click();

  it('the administrator creates a police juvenile unit and its officer', async () => {
    await setUpAgenciesAndUsers((name) => (name === 'officer' ? openOfficer() : newPage(name)), cfg.baseUrl, AGENCIES, USERS, 'kangarli');
  });

  it('the officer registers this browser as a device: the PIN checked at the field, never sent', async () => {
    const page = pages.officer;
    await page.locator('nav a', { hasText: AZ.devices }).click();
    await h1(page, AZ.devices);
    const intro = await page.getByTestId('devices-intro').textContent();
    assert.match(intro, /şəbəkə olmadan da işləyə bilərsiniz/);
    assert.match(intro, /PIN heç yerə göndərilmir/);
    const registrations = [];
    page.on('request', (r) => r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/devices' && registrations.push(r.postData()));
    await page.locator('#device-name').fill('Sınaq planşeti');
    await page.locator('#device-pin').fill('48291');
    await page.locator('#device-pin-repeat').fill('48291');
    await submit(page);
    await page.getByTestId('device-pin-error').filter({ hasText: AZ.pinShort }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'device-pin');
    assert.equal(await page.locator('#device-pin').getAttribute('aria-invalid'), 'true');
    await page.locator('#device-pin').fill(PIN);
    await page.locator('#device-pin-repeat').fill('482916');
    await submit(page);
    await page.getByTestId('device-pin-repeat-error').filter({ hasText: AZ.pinMismatch }).waitFor();
    assert.equal(registrations.length, 0, 'nothing sent while the form is refused');
    await page.locator('#device-pin-repeat').fill(PIN);
    await submit(page);
    await page.getByTestId('device-registered').waitFor();
    assert.deepEqual(registrations.map((b) => JSON.parse(b)), [{ name: 'Sınaq planşeti' }]);
    await page.getByTestId('this-device-lock').filter({ hasText: AZ.unlocked }).waitFor();
    assert.equal((await page.getByTestId('this-device-waiting').textContent()).trim(), '0');
    // Valid 14 days (offline.expire_days) from now, unless it syncs before.
    const expires = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
    assert.match(await page.getByTestId('this-device-expires').textContent(), new RegExp(`^${Number(expires.slice(8))} \\S+ ${expires.slice(0, 4)}`));
    await page.locator('[data-testid=devices] tr[data-state=active]', { hasText: 'bu cihaz' }).waitFor();
    await bar(page, 'sync-connection').filter({ hasText: AZ.online }).waitFor();
    await waiting(page, 0);
    await screenshot(page, '90-devices');
    await assertAccessible(page, 'the devices page');
    // The application itself is kept by the service worker, for a start without a connection.
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await page.waitForFunction(async () => !!(await caches.match('/index.html')));
  });

  it('offline, the officer records a raid and three children found in it, each saved on the device', async () => {
    const page = pages.officer;
    await officer.setOffline(true);
    await bar(page, 'sync-connection').filter({ hasText: AZ.offline }).waitFor();
    await bar(page, 'sync-page-link').click();
    await h1(page, AZ.sync);
    await page.locator('[data-testid=offline-new] a[data-new=raid]').click();
    await h1(page, AZ.newRaid);
    await page.getByTestId('offline-form-note').waitFor();
    await page.locator('#f-raid_on').fill(today);
    await page.locator('#f-region').selectOption('baku');
    await page.locator('#f-place_type').selectOption('market');
    await page.locator('#f-place').fill(PLACE);
    await submit(page);
    await page.getByTestId('saved-on-device').filter({ hasText: AZ.savedHere }).waitFor();
    await waiting(page, 1);
    for (const [i, child] of CHILDREN.entries()) {
      // The first from the raid's confirmation, the next ones from the child's: the raid stays chosen.
      await page.locator(i === 0 ? 'a[data-create=child_found]' : 'a[data-action=another]').click();
      await h1(page, AZ.newChild);
      await page.locator('#f-raid[data-local=true]', { hasText: PLACE }).waitFor();
      await page.locator('#f-found_on').fill(today);
      // The child is a person: recorded on the device too, and the form comes back with it.
      await page.locator('a[data-new-ref=person]').click();
      await h1(page, AZ.newPerson);
      await page.locator('#f-last_name').fill(child.last);
      await page.locator('#f-first_name').fill(child.first);
      await page.locator('#f-sex').selectOption(child.sex);
      await page.locator('#f-birth').fill(child.birth);
      await submit(page);
      await h1(page, AZ.newChild);
      await page.locator('#f-person[data-local=true]', { hasText: `${child.last} ${child.first}` }).waitFor();
      await page.locator('#f-raid[data-local=true]', { hasText: PLACE }).waitFor();
      assert.equal(await page.locator('#f-found_on').inputValue(), today.split('-').reverse().join('.'), 'the form came back with its values');
      if (i === 0) {
        await screenshot(page, '91-child-offline');
        await assertAccessible(page, "a child found's form offline");
      }
      await page.locator('#f-activity').selectOption('begging');
      await submit(page);
      await page.getByTestId('saved-on-device').waitFor();
      await waiting(page, 3 + 2 * i);
    }
    await bar(page, 'sync-page-link').click();
    await h1(page, AZ.sync);
    const rows = page.locator('[data-testid=sync-queue] tbody tr');
    await rows.nth(6).waitFor();
    assert.equal(await rows.count(), 7);
    assert.equal(await page.locator('[data-testid=sync-queue] tr[data-status=pending]').count(), 7);
    assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.type)), ['raid', 'person', 'child_found', 'person', 'child_found', 'person', 'child_found']);
    await screenshot(page, '91-offline-queue');
    await assertAccessible(page, 'the sync page offline');
  });

  it('the browser closed and started again without a connection shows the device, locked, with its seven changes', async () => {
    await officer.close();
    const page = await openOfficer();
    await officer.setOffline(true);
    await page.goto(`${cfg.baseUrl}/`);
    await h1(page, AZ.offlineHome);
    await page.getByTestId('nav-user').filter({ hasText: 'Sınaq Sahə İnspektoru — şəbəkəsiz iş' }).waitFor();
    await bar(page, 'sync-connection').filter({ hasText: AZ.offline }).waitFor();
    await bar(page, 'sync-lock').filter({ hasText: AZ.locked }).waitFor();
    await waiting(page, 7);
    await page.locator('nav a', { hasText: AZ.sync }).click();
    await h1(page, AZ.sync);
    await page.getByTestId('sync-locked-note').waitFor();
    assert.equal(await page.locator('[data-testid=sync-queue] tr[data-status=pending]').count(), 7);
    await screenshot(page, '92-offline-restart');
    await assertAccessible(page, 'the sync page after a restart offline');
  });

  it('back online, the officer unlocks with the PIN and the device syncs: one raid and three children on the server, audited', async () => {
    const page = pages.officer;
    await officer.setOffline(false);
    await bar(page, 'sync-connection').filter({ hasText: AZ.online }).waitFor();
    await page.locator('#unlock-pin').fill('000000');
    await page.locator('[data-action=unlock]').click();
    await page.getByTestId('unlock-error').filter({ hasText: AZ.pinWrong }).waitFor();
    await page.locator('#unlock-pin').fill(PIN);
    await page.locator('[data-action=unlock]').click();
    await bar(page, 'sync-lock').filter({ hasText: AZ.unlocked }).waitFor();
    // Unlocked online, the device sends what it holds.
    await waiting(page, 0);
    await bar(page, 'sync-last').filter({ hasText: 'Son sinxronlaşdırma:' }).waitFor();
    await page.getByTestId('sync-empty').waitFor();

    const raids = await apiCall(page, 'GET', `/records/raid?place=${encodeURIComponent(PLACE)}`);
    assert.equal(raids.status, 200, raids.text);
    assert.equal(raids.body.items.length, 1, 'one raid');
    ids.raid = raids.body.items[0].id;
    const found = await apiCall(page, 'GET', `/records/child_found?raid=${ids.raid}`);
    assert.equal(found.status, 200, found.text);
    assert.equal(found.body.items.length, 3, 'three children found in it');
    const admin = pages.admin;
    for (const c of found.body.items) {
      assert.equal(c.data.raid, ids.raid, "the child refers to the server's raid");
      assert.equal(c.data.found_on, today);
      const person = await apiCall(page, 'GET', `/records/person/${c.data.person}`);
      assert.equal(person.status, 200, person.text);
      const audit = await apiCall(admin, 'GET', `/audit?record_type=child_found&record_id=${c.id}`);
      assert.equal(audit.status, 200, audit.text);
      assert.ok(audit.body.items.some((e) => /create/.test(e.action)), `the child's create is audited: ${audit.text}`);
    }
    const names = await Promise.all(found.body.items.map(async (c) => (await apiCall(page, 'GET', `/records/person/${c.data.person}`)).body.data.first_name));
    assert.deepEqual(names.sort(), CHILDREN.map((c) => c.first).sort());
    const raidAudit = await apiCall(admin, 'GET', `/audit?record_type=raid&record_id=${ids.raid}`);
    assert.ok(raidAudit.body.items.some((e) => /create/.test(e.action)), raidAudit.text);
    // The PIN never left the browser.
    assert.ok(!sentBodies.some((b) => b.includes(PIN)), 'the PIN was never sent');
  });

  it('a record kept on the device is changed offline while the server changes the same field: the officer picks field by field', async () => {
    const page = pages.officer;
    await page.goto(`${cfg.baseUrl}/records/raid/${ids.raid}`);
    await h1(page, PLACE);
    // Opened anew, the page is locked: unlocked, the record is kept on the device.
    await page.locator('#unlock-pin').fill(PIN);
    await page.locator('[data-action=unlock]').click();
    await page.getByTestId('kept-on-device').waitFor();
    await officer.setOffline(true);
    await bar(page, 'sync-connection').filter({ hasText: AZ.offline }).waitFor();
    const mine = `Yeni bazar ${run}`;
    const theirs = `Mərkəzi bazar ${run}`;
    await editRecord(page);
    await page.locator('.tab-panel #f-place').fill(mine);
    await page.locator('.tab-panel form button[type=submit]').click();
    await page.locator('.tab-panel [data-testid=saved-on-device]').waitFor();
    await waiting(page, 1);
    // Meanwhile, from elsewhere (the officer's office computer): the place and the notes.
    const base = cfg.baseUrl;
    const me = await (await officer.request.get(`${base}/api/v1/auth/me`)).json();
    const current = await (await officer.request.get(`${base}/api/v1/records/raid/${ids.raid}`)).json();
    const changed = await officer.request.patch(`${base}/api/v1/records/raid/${ids.raid}`, {
      headers: { 'X-CSRF-Token': me.csrf_token, 'If-Match': `"${current.version}"`, Accept: 'application/json' },
      data: { place: theirs, notes: 'Ofisdən əlavə edilib.' },
    });
    assert.equal(changed.status(), 200, await changed.text());

    await officer.setOffline(false);
    await bar(page, 'sync-needs-you').filter({ hasText: AZ.needsYou(1) }).click();
    await h1(page, AZ.sync);
    const conflict = page.getByTestId('conflict');
    const place = conflict.locator('tr[data-field=place]');
    assert.equal((await place.locator('[data-side=base]').textContent()).trim(), PLACE);
    assert.equal((await place.locator('[data-side=mine]').textContent()).trim(), mine);
    assert.equal((await place.locator('[data-side=theirs]').textContent()).trim(), theirs);
    assert.equal(await conflict.locator('tr[data-field=notes]').getAttribute('data-kind'), 'theirs-only');
    await screenshot(page, '93-conflict');
    await assertAccessible(page, 'the conflict on the sync page');
    // Nothing chosen for the place: said so, nothing sent.
    await conflict.locator('[data-action=resolve]').click();
    await conflict.getByTestId('conflict-error').filter({ hasText: 'Yer' }).waitFor();
    await place.locator('input[type=radio][value=mine]').check();
    await conflict.locator('[data-action=resolve]').click();
    await page.getByTestId('sync-empty').waitFor();
    await waiting(page, 0);
    const after = await apiCall(page, 'GET', `/records/raid/${ids.raid}`);
    assert.equal(after.body.data.place, mine, 'the place the officer chose');
    assert.equal(after.body.data.notes, 'Ofisdən əlavə edilib.', "the server's notes kept");
  });

  it('raids saved offline without their date are refused at sync: one fixed at the field and sent, the other discarded', async () => {
    const page = pages.officer;
    await officer.setOffline(true);
    await bar(page, 'sync-connection').filter({ hasText: AZ.offline }).waitFor();
    const fixed = `Tarixsiz bazar ${run}`;
    const dropped = `Silinəcək bazar ${run}`;
    await bar(page, 'sync-page-link').click();
    await page.locator('[data-testid=offline-new] a[data-new=raid]').click();
    for (const [i, place] of [fixed, dropped].entries()) {
      if (i > 0) await page.locator('a[data-action=new-blank]').click();
      await h1(page, AZ.newRaid);
      await page.locator('#f-place_type').selectOption('street');
      await page.locator('#f-place').fill(place);
      await submit(page);
      await page.getByTestId('saved-on-device').waitFor();
    }
    await waiting(page, 2);
    await officer.setOffline(false);
    await bar(page, 'sync-needs-you').filter({ hasText: AZ.needsYou(2) }).click();
    await h1(page, AZ.sync);
    const refused = page.getByTestId('refused');
    await refused.nth(1).waitFor();
    const first = refused.filter({ has: page.locator('h2', { hasText: fixed }) });
    const second = refused.filter({ has: page.locator('h2', { hasText: dropped }) });
    // The server's refusal at the field, as the online form shows it.
    await first.locator('.field-error', { hasText: 'Bu sahə doldurulmalıdır.' }).waitFor();
    await assertAccessible(page, 'a refusal on the sync page');
    await first.locator('input[id$=-raid_on]').fill(today);
    await first.locator('[data-action=send-fixed]').click();
    await page.getByTestId('refused').nth(1).waitFor({ state: 'detached' });
    await second.locator('[data-action=discard]').click();
    await second.getByTestId('discard-confirm').waitFor();
    await second.locator('[data-action=confirm-discard]').click();
    await page.getByTestId('sync-empty').waitFor();
    await waiting(page, 0);
    const sent = await apiCall(page, 'GET', `/records/raid?place=${encodeURIComponent(fixed)}`);
    assert.equal(sent.body.items.length, 1);
    assert.equal(sent.body.items[0].data.raid_on, today);
    const gone = await apiCall(page, 'GET', `/records/raid?place=${encodeURIComponent(dropped)}`);
    assert.equal(gone.body.items.length, 0, 'the discarded raid never reached the server');
  });

  it('the administrator revokes the device: it can no longer sync, its data is wiped', async () => {
    const page = pages.officer;
    await officer.setOffline(true);
    await bar(page, 'sync-connection').filter({ hasText: AZ.offline }).waitFor();
    await bar(page, 'sync-page-link').click();
    await page.locator('[data-testid=offline-new] a[data-new=raid]').click();
    await h1(page, AZ.newRaid);
    const lost = `Qaçaq bazar ${run}`;
    await page.locator('#f-raid_on').fill(today);
    await page.locator('#f-place_type').selectOption('street');
    await page.locator('#f-place').fill(lost);
    await submit(page);
    await page.getByTestId('saved-on-device').waitFor();
    await waiting(page, 1);

    await revokeAsAdmin(pages.admin, 'Sınaq planşeti');

    await officer.setOffline(false);
    await bar(page, 'sync-notice').filter({ hasText: AZ.wipedRevoked }).waitFor();
    await bar(page, 'sync-waiting').waitFor({ state: 'detached' });
    const raids = await apiCall(page, 'GET', `/records/raid?place=${encodeURIComponent(lost)}`);
    assert.equal(raids.body.items.length, 0, 'the revoked device synced nothing');
    assert.deepEqual(await deviceStores(page), { device: 0, queue: 0, records: 0 });
  });

  it('registered again and revoked again, the device cannot be unlocked: the PIN form says so and its data is wiped', async () => {
    const page = pages.officer;
    await page.locator('nav a', { hasText: AZ.devices }).click();
    await h1(page, AZ.devices);
    await page.locator('#device-name').fill('Sınaq planşeti 2');
    await page.locator('#device-pin').fill(PIN);
    await page.locator('#device-pin-repeat').fill(PIN);
    await submit(page);
    await page.getByTestId('device-registered').waitFor();
    // A page opened anew: locked (the key lives in the page's memory only).
    await page.reload();
    await h1(page, AZ.devices);
    await bar(page, 'sync-lock').filter({ hasText: AZ.locked }).waitFor();

    await revokeAsAdmin(pages.admin, 'Sınaq planşeti 2');

    await page.locator('#unlock-pin').fill(PIN);
    await page.locator('[data-action=unlock]').click();
    await bar(page, 'sync-notice').filter({ hasText: AZ.wipedRevoked }).waitFor();
    await page.locator('#unlock-pin').waitFor({ state: 'detached' });
    assert.deepEqual(await deviceStores(page), { device: 0, queue: 0, records: 0 });
    await page.locator('#device-name').waitFor(); // the registration form again
    await screenshot(page, '94-revoked');
    assert.deepEqual(pageErrors, []);
  });

  /** On the administrator's Users page: the officer's devices, the active one named `name` revoked. */
  async function revokeAsAdmin(admin, name) {
    await openUsers(admin);
    const row = admin.locator(`tr[data-login="${USERS.officer.login}"]`);
    await row.locator('button', { hasText: 'Dəyiş' }).click();
    const devices = admin.getByTestId('user-devices');
    const device = devices.locator('tr[data-state=active]', { hasText: name });
    await device.locator('[data-action=revoke-device]').click();
    await device.getByTestId('revoke-confirm').waitFor();
    await device.locator('input[type=text]').fill('Planşet itib');
    await device.locator('[data-action=confirm-revoke]').click();
    await devices.getByTestId('device-revoked').waitFor();
    await devices.locator('tr[data-state=revoked]', { hasText: name }).first().waitFor();
    await assertAccessible(admin, "the administrator's view of the user's devices");
  }
});

/** How many entries the page's device database holds in its stores of device, queue and records. */
function deviceStores(page) {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('palermo-offline');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['device', 'queue', 'records'], 'readonly');
          const out = {};
          let left = 3;
          for (const name of ['device', 'queue', 'records']) {
            const r = tx.objectStore(name).count();
            r.onsuccess = () => {
              out[name] = r.result;
              if (--left === 0) {
                db.close();
                resolve(out);
              }
            };
          }
        };
      }),
  );
}
