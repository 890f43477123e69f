// The referral from the special police to an NGO, with no sharing step, in Azerbaijani, on the
// server auth.test.mjs started with: the administrator creates a special police unit with an
// investigator and an NGO (type ngo) with a case worker who also holds the facility directory,
// and a second case worker without it. The investigator registers a person and her victim case
// with consent to share with NGOs, and refers the case to the NGO from the case, the agency picked
// from the agency picker (a choice of agencies, never a typed number). The NGO's worker finds the
// bell at 1, opens the notification, lands on the referral, accepts it (the police's own view of
// it has no Accept: the step is the receiving agency's) and opens the victim case (shared by the
// referral: no 404). A referral to a shelter the person did not consent to is refused at the
// agency's field in Azerbaijani and nothing is sent; once the consent includes shelters it goes,
// and that shelter's worker sees Accept on its own referral and none on the NGO's (which the case
// shared with it brings). The case worker without the facility directory finds the shelter board empty
// and is told which role an administrator must give; the one with it sees the facility.
// Bulk actions: the investigator selects signals on the list (keyboard and mouse), closes two in
// one go after confirming — one changed meanwhile is refused (412) and named with the reason,
// each record sent on its own with its If-Match version — then closes the rest ("select all", the
// closed one left out). A saved filter goes round: saved under a name, listed, opened, kept after
// a reload (per user: the storage key names the user), deleted; corrupt storage is survived. The
// list with the bulk bar (and its dialog) does not scroll sideways at 390×844.
//
// Runs after auth.test.mjs (files run one at a time, in name order). All names are made up.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import {
  apiCall,
  assertAccessible,
  browserSuite,
  checkValue,
  createRecord,
  forgetAdminStateAfterLastFile,
  h1,
  screenshot,
  setUpAgenciesAndUsers,
  startReferral,
  takeTransition,
} from './lib.mjs';

const run = randomBytes(3).toString('hex');
// The agencies' region: a unit of the country's list no other test file's agencies are in (their
// region roles see only this file's records).
const REGION = 'sadarak';
const REGION_NAME = 'Sədərək';
const PHONE = { width: 390, height: 844 };
const AGENCIES = {
  police: { name: `Sınaq QHT yönləndirmə polisi ${run}`, type: 'special_police' },
  ngo: { name: `Sınaq QHT «Ümid» ${run}`, type: 'ngo' },
  shelter: { name: `Sınaq QHT sığınacaq qurumu ${run}`, type: 'shelter' },
};
const USERS = {
  police: { login: `e2e.qht.police.${run}`, name: 'Sınaq Yönləndirən Müstəntiq', agency: 'police', role: 'police_investigator' },
  ngo: { login: `e2e.qht.worker.${run}`, name: 'Sınaq QHT İşçisi', agency: 'ngo', roles: ['case_worker', 'facility_directory'] },
  ngo2: { login: `e2e.qht.worker2.${run}`, name: 'Sınaq Kataloqsuz İşçi', agency: 'ngo', role: 'case_worker' },
  shelter: { login: `e2e.qht.shelter.${run}`, name: 'Sınaq Sığınacaq Qurumu İşçisi', agency: 'shelter', role: 'case_worker' },
};
const CASE_NUMBER = `QHT-${new Date().getFullYear()}-${run}`;
// The test's signals are in units of the region list no demo signal is in (the lists filter by them).
const SIGNAL_REGION = 'gobustan';
const FACILITY = `Sınaq sığınacağı ${run}`;
const HINT = 'Bütün müəssisələri görmək üçün administrator sizə «Müəssisələr kataloqu» rolunu verməlidir.';
const today = new Date().toISOString().slice(0, 10);

function localNow() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** The page is no wider than the screen: nothing makes it scroll sideways. */
async function assertFits(page, what) {
  const m = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  assert.ok(m.scroll <= m.inner, `${what} scrolls sideways at ${m.inner} px: it is ${m.scroll} px wide`);
}

/** Waits for the header's bell to show `n` unread. */
async function bellShows(page, n) {
  const bell = page.locator(`[data-testid=bell][data-unread="${n}"]`);
  await bell.waitFor();
  return bell;
}

describe('a referral from the special police to an NGO, bulk actions and saved filters, in Azerbaijani', () => {
  const { cfg, pages, pageErrors, newPage } = browserSuite('qht');
  const ids = {};
  // Not the last file by name (search.test.mjs is): this leaves the saved secrets, unless it is.
  after(() => {
    if (cfg.baseUrl) forgetAdminStateAfterLastFile(cfg.baseUrl, import.meta.url);
  });

  it('the administrator creates the police unit and the NGO with their users (the NGO worker also with the facility directory)', async () => {
    await setUpAgenciesAndUsers(newPage, cfg.baseUrl, AGENCIES, USERS, REGION);
    const agencies = await apiCall(pages.police, 'GET', '/agencies');
    assert.equal(agencies.status, 200, agencies.text);
    ids.ngoAgency = agencies.body.items.find((a) => a.name === AGENCIES.ngo.name).id;
    assert.ok(Number.isInteger(ids.ngoAgency));
    const me = await apiCall(pages.ngo, 'GET', '/auth/me');
    assert.deepEqual([...me.body.user.roles].sort(), ['case_worker', 'facility_directory']);
  });

  it('the investigator registers the person and the case (consent: NGOs) and refers it to the NGO, the agency picked from the picker', async () => {
    const page = pages.police;
    await page.goto(`${cfg.baseUrl}/records/person/new`);
    await h1(page, 'Yeni qeyd: Şəxs');
    await page.locator('#f-pseudonym').fill(`QHT-${run}`);
    await page.locator('#f-last_name').fill('Yönləndirilənova');
    await page.locator('#f-first_name').fill('Sınaq');
    await page.locator('#f-sex').selectOption('female');
    await page.locator('#f-birth').fill('1997-08');
    ids.person = await createRecord(page, 'person');

    await page.goto(`${cfg.baseUrl}/records/victim_case/new?person=${ids.person}`);
    await page.locator(`a#f-person[data-ref-id="${ids.person}"]`).waitFor();
    await page.locator('#f-case_number').fill(CASE_NUMBER);
    await page.locator('#f-registered_on').fill(today);
    await page.locator('#f-consent_share_with input[value=ngo]').check();
    await page.locator('#f-consent_given_by').selectOption('person');
    await page.locator('#f-consent_recorded_on').fill(today);
    await checkValue(page, 'f-forms_of_exploitation', 'forced_labour');
    ids.case = await createRecord(page, 'victim_case');
    const saved = await apiCall(page, 'GET', `/records/victim_case/${ids.case}`);
    assert.deepEqual(saved.body.data.consent_share_with, ['ngo']);

    // The referral from the case's relations: no sharing tab step first.
    await page.locator('#tab-relations').click();
    await page.locator('a[data-create=referral]').click();
    await page.locator(`a#f-victim_case[data-ref-id="${ids.case}"]`).waitFor();
    await page.locator('#f-to_agency_type').selectOption('ngo');
    // The agency is a choice of agencies by name and region, not a number to type.
    const picker = page.locator('#f-to_agency_id');
    assert.equal(await picker.evaluate((el) => el.tagName), 'SELECT');
    const offered = (await picker.locator('option').allTextContents()).map((s) => s.trim());
    assert.ok(offered.includes(`${AGENCIES.ngo.name} (${REGION_NAME})`), offered.join(' | '));
    assert.ok(!offered.includes(`${AGENCIES.police.name} (${REGION_NAME})`), 'narrowed to NGOs');
    await picker.selectOption({ label: `${AGENCIES.ngo.name} (${REGION_NAME})` });
    await page.locator('#f-sent_at').fill(localNow());
    const [request] = await Promise.all([
      page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/records/referral'),
      (async () => {
        ids.referral = await createRecord(page, 'referral');
      })(),
    ]);
    assert.equal(request.postDataJSON().to_agency_id, ids.ngoAgency);
    // The referral is the sender's to withdraw, not to accept: Accept is the receiving agency's.
    await page.getByTestId('record-state').filter({ hasText: 'Göndərilib' }).waitFor();
    await page.locator('[data-transition=withdraw]').waitFor();
    assert.equal(await page.locator('[data-transition=accept]').count(), 0);
    assert.equal(await page.locator('[data-transition=decline]').count(), 0);
  });

  it("the NGO's worker sees the bell at 1, opens the notification, lands on the referral and accepts it", async () => {
    const page = pages.ngo;
    await page.locator('nav a', { hasText: 'Göndərişlər' }).click();
    await h1(page, 'Göndərişlər');
    const bell = await bellShows(page, 1);
    assert.equal(await bell.getAttribute('aria-label'), 'Bildirişlər: 1 oxunmamış');
    await bell.click();
    await h1(page, 'Bildirişlər');
    const item = page.locator('[data-testid=notifications] li[data-kind=referral_received]');
    await item.waitFor();
    assert.match(await item.textContent(), /Qurumunuza yönləndirmə daxil olub/);
    const link = item.locator('a');
    assert.equal((await link.textContent()).trim(), `Yönləndirmə № ${ids.referral}`);
    const [response] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === `/api/v1/records/referral/${ids.referral}` && r.request().method() === 'GET'),
      link.click(),
    ]);
    assert.equal(response.status(), 200);
    await page.waitForURL(new RegExp(`/records/referral/${ids.referral}$`));
    await page.getByTestId('record-summary').waitFor();
    assert.equal(await page.locator('[data-alert=error]').count(), 0);
    await bellShows(page, 0);
    // Their own agency's referral: Accept is offered.
    await takeTransition(page, 'accept');
    await page.getByTestId('record-state').filter({ hasText: 'Qəbul edilib' }).waitFor();
    await screenshot(page, '120-ngo-referral-accepted');
    await assertAccessible(page, 'the accepted referral');
  });

  it('the NGO worker opens the victim case from the referral (shared by it: no 404)', async () => {
    const page = pages.ngo;
    const caseLink = page.locator(`a[href="/records/victim_case/${ids.case}"]`).first();
    await caseLink.waitFor();
    const [response] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === `/api/v1/records/victim_case/${ids.case}` && r.request().method() === 'GET'),
      caseLink.click(),
    ]);
    assert.equal(response.status(), 200);
    await h1(page, CASE_NUMBER);
    assert.equal(await page.locator('[data-alert=error]').count(), 0);
  });

  it('a referral the person did not consent to is refused at the agency, in Azerbaijani, and nothing is sent', async () => {
    const page = pages.police;
    const before = await apiCall(page, 'GET', '/records/referral?count=true&limit=1');
    assert.equal(before.status, 200, before.text);
    await page.goto(`${cfg.baseUrl}/records/victim_case/${ids.case}`);
    await startReferral(page, ids.case, 'shelter', `${AGENCIES.shelter.name} (${REGION_NAME})`);
    // The name field is for organisations outside the system only, and says so.
    assert.match(await page.locator('label[for=f-to_agency]').textContent(), /Sistemdən kənar təşkilatın adı/);
    await page.locator('#f-sent_at').fill(localNow());
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/v1/records/referral'),
      page.locator('form button[type=submit]').first().click(),
    ]);
    assert.equal(response.status(), 409);
    const refusal = page.locator('#f-to_agency_id-error');
    await refusal.waitFor();
    assert.equal(
      (await refusal.textContent()).trim(),
      'Şəxsin qeydə alınmış razılığına bu növ qurum daxil deyil: heç nə göndərilmədi. Əvvəlcə qurbanın işində razılığı qeyd edin və ya başqa qurum seçin.',
    );
    assert.equal(await page.locator('#f-to_agency_id').getAttribute('aria-invalid'), 'true');
    assert.match(page.url(), /\/records\/referral\/new/);
    await screenshot(page, '119-referral-without-consent');
    await assertAccessible(page, 'the referral refused for want of consent');
    const after = await apiCall(page, 'GET', '/records/referral?count=true&limit=1');
    assert.equal(after.body.total, before.body.total, 'nothing was sent');
    assert.equal((await apiCall(pages.shelter, 'GET', `/records/victim_case/${ids.case}`)).status, 404, 'nothing was shared');
  });

  it("once the consent includes shelters the referral goes; that shelter sees Accept on its own referral, not on the NGO's", async () => {
    const page = pages.police;
    const current = await apiCall(page, 'GET', `/records/victim_case/${ids.case}`);
    const patched = await apiCall(page, 'PATCH', `/records/victim_case/${ids.case}`, { consent_share_with: ['ngo', 'shelter'] }, { 'If-Match': `"${current.body.version}"` });
    assert.equal(patched.status, 200, patched.text);
    await page.goto(`${cfg.baseUrl}/records/victim_case/${ids.case}`);
    await startReferral(page, ids.case, 'shelter', `${AGENCIES.shelter.name} (${REGION_NAME})`);
    await page.locator('#f-sent_at').fill(localNow());
    ids.shelterReferral = await createRecord(page, 'referral');

    const shelter = pages.shelter;
    await shelter.goto(`${cfg.baseUrl}/`);
    await bellShows(shelter, 1);
    await shelter.goto(`${cfg.baseUrl}/records/referral/${ids.shelterReferral}`);
    await shelter.getByTestId('record-state').filter({ hasText: 'Göndərilib' }).waitFor();
    await shelter.locator('[data-transition=accept]').waitFor();
    await shelter.locator('[data-transition=decline]').waitFor();
    // The case shared with the shelter brings the case's other referrals (one link away): the
    // NGO's is readable here, and not this agency's to answer: no Accept, no Decline.
    const [seen] = await Promise.all([
      shelter.waitForResponse((r) => new URL(r.url()).pathname === `/api/v1/records/referral/${ids.referral}` && r.request().method() === 'GET'),
      shelter.goto(`${cfg.baseUrl}/records/referral/${ids.referral}`),
    ]);
    assert.equal(seen.status(), 200);
    await shelter.getByTestId('record-summary').waitFor();
    await shelter.getByTestId('record-state').waitFor();
    assert.equal(await shelter.locator('[data-transition=accept]').count(), 0);
    assert.equal(await shelter.locator('[data-transition=decline]').count(), 0);
    assert.equal(await shelter.locator('[data-alert=error]').count(), 0);
    assert.deepEqual(pageErrors, []);
  });

  it('without the facility directory the shelter board and the facility picker are empty and say which role is missing', async () => {
    // A shelter the police register: every holder of the facility directory reads it.
    const f = await apiCall(pages.police, 'POST', '/records/facility', { name: FACILITY, facility_kind: 'shelter', operated_by: 'ngo', capacity: 8 });
    assert.equal(f.status, 201, f.text);
    ids.facility = f.body.id;

    const withRole = pages.ngo;
    await withRole.goto(`${cfg.baseUrl}/facilities`);
    await h1(withRole, 'Sığınacaqların doluluğu');
    await withRole.locator(`[data-facility="${ids.facility}"]`).waitFor();
    assert.equal(await withRole.getByTestId('facility-directory-hint').count(), 0);

    const page = pages.ngo2;
    await page.locator('nav a', { hasText: 'Sığınacaqlar' }).click();
    await h1(page, 'Sığınacaqların doluluğu');
    const hint = page.getByTestId('facility-directory-hint');
    await hint.waitFor();
    assert.equal((await hint.textContent()).trim(), HINT);
    assert.equal(await page.locator('[data-facility]').count(), 0);
    await screenshot(page, '121-facility-directory-hint');
    await assertAccessible(page, 'the empty shelter board with the hint');

    // The placement form's facility picker: nothing found, and the same hint.
    await page.goto(`${cfg.baseUrl}/records/placement/new`);
    await h1(page, 'Yeni qeyd: Yerləşdirmə');
    await page.locator('#f-facility').fill(`sığınacağı ${run}`);
    await page.locator('#f-facility-results li', { hasText: 'Heç nə tapılmadı' }).waitFor();
    assert.equal((await page.getByTestId('facility-directory-hint').textContent()).trim(), HINT);
    // The worker with the directory finds it in the same picker, without the hint.
    await withRole.goto(`${cfg.baseUrl}/records/placement/new`);
    await withRole.locator('#f-facility').fill(`sığınacağı ${run}`);
    await withRole.locator('#f-facility-results button', { hasText: FACILITY }).waitFor();
    assert.equal(await withRole.getByTestId('facility-directory-hint').count(), 0);
  });

  it('the investigator closes two signals in one go: confirmation, one request each with its version, a refusal named', async () => {
    const page = pages.police;
    ids.signals = [];
    for (let i = 1; i <= 3; i++) {
      const r = await apiCall(page, 'POST', '/records/signal', {
        received_at: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        source: 'hotline_152',
        region: SIGNAL_REGION,
        summary: `Sınaq siqnalı ${i} (${run})`,
      });
      assert.equal(r.status, 201, r.text);
      ids.signals.push(r.body.id);
    }
    const [s1, s2, s3] = ids.signals;
    await page.goto(`${cfg.baseUrl}/records/signal?region=${encodeURIComponent(SIGNAL_REGION)}`);
    await h1(page, 'Siqnal');
    await page.getByTestId('list-total').filter({ hasText: 'Cəmi: 3' }).waitFor();
    assert.equal(await page.getByTestId('bulk-bar').count(), 0, 'no bar before anything is selected');

    // The checkboxes are labelled by the record; the keyboard ticks one, the mouse another.
    const first = page.getByLabel(`Seç: Sınaq siqnalı 1 (${run}) (№ ${s1})`);
    await first.focus();
    await page.keyboard.press('Space');
    assert.equal(await first.isChecked(), true);
    await page.locator(`[data-select="${s2}"]`).check();
    const bar = page.getByTestId('bulk-bar');
    await bar.waitFor();
    assert.equal((await page.getByTestId('bulk-count').textContent()).trim(), 'Seçilib: 2');
    assert.equal(await page.getByTestId('select-all').evaluate((el) => el.indeterminate), true);
    // Only the step that needs no input is offered ("refer" asks for its time).
    assert.equal(await bar.locator('[data-bulk-transition=refer]').count(), 0);
    await screenshot(page, '122-bulk-bar');
    await assertAccessible(page, 'the signal list with the bulk bar');

    // The dialog: what will be done to how many; Escape closes it and nothing is sent.
    const sent = [];
    const listen = (r) => {
      if (r.method() === 'POST' && /\/api\/v1\/records\/signal\/\d+\/transitions\/close$/.test(new URL(r.url()).pathname))
        sent.push({ id: Number(new URL(r.url()).pathname.split('/')[5]), ifMatch: r.headers()['if-match'] });
    };
    page.on('request', listen);
    await bar.locator('[data-bulk-transition=close]', { hasText: 'Bağla' }).click();
    const dialog = page.getByTestId('bulk-dialog');
    await dialog.locator('h2', { hasText: '2 qeyd üçün: Bağla' }).waitFor();
    const targets = await dialog.locator('[data-testid=bulk-targets] li').evaluateAll((els) => els.map((e) => Number(e.dataset.id)));
    assert.deepEqual(targets.sort((a, b) => a - b), [s1, s2]);
    // The focus is on the safe choice.
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.action), 'bulk-cancel');
    await assertAccessible(page, 'the bulk confirmation dialog');
    await page.keyboard.press('Escape');
    await dialog.locator('h2').waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => document.querySelector('[data-testid=bulk-dialog]').open), false);
    assert.deepEqual(sent, []);

    // Someone changes the second one meanwhile: it is refused (412), the first is closed.
    await bar.locator('[data-bulk-transition=close]').click();
    await dialog.locator('h2', { hasText: '2 qeyd üçün: Bağla' }).waitFor();
    const meanwhile = await apiCall(page, 'PATCH', `/records/signal/${s2}`, { channel: 'phone' }, { 'If-Match': '"1"' });
    assert.equal(meanwhile.status, 200, meanwhile.text);
    await dialog.locator('[data-action=bulk-confirm]', { hasText: 'Təsdiq et' }).click();
    const result = page.getByTestId('bulk-result');
    await result.waitFor();
    assert.equal(await result.getAttribute('data-ok'), '1');
    assert.equal(await result.getAttribute('data-failed'), '1');
    assert.match(await result.textContent(), /Bağla: 2 qeyddən 1 qeyd uğurla dəyişdirildi\./);
    assert.match(await result.textContent(), /Dəyişdirilmədi: 1/);
    assert.equal(
      (await result.locator(`li[data-failed-id="${s2}"]`).textContent()).trim(),
      `№ ${s2}: Qeyd bu arada başqa istifadəçi tərəfindən dəyişdirilib; siyahı yeniləndi, onu yenidən seçib təkrar edin.`,
    );
    // The summary has the focus; each record was its own request with the version shown; none retried.
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'bulk-result');
    const byId = (list) => [...list].sort((a, b) => a.id - b.id);
    assert.deepEqual(byId(sent), [{ id: s1, ifMatch: '"1"' }, { id: s2, ifMatch: '"1"' }]);
    await screenshot(page, '123-bulk-result');
    await assertAccessible(page, 'the bulk result');

    // The list reloaded: the first closed, the second not; nothing selected.
    await page.locator(`tr[data-row="${s1}"]`, { hasText: 'Bağlanıb' }).waitFor();
    assert.match(await page.locator(`tr[data-row="${s2}"]`).textContent(), /Qeydə alınıb/);
    assert.equal(await page.getByTestId('bulk-bar').count(), 0);

    // "Select all on this page", then Close again: the closed one is left out, and said so.
    await page.getByLabel('Bu səhifədəki bütün qeydləri seç').check();
    assert.equal((await page.getByTestId('bulk-count').textContent()).trim(), 'Seçilib: 3');
    await bar.locator('[data-bulk-transition=close]', { hasText: 'Bağla (2)' }).click();
    await dialog.locator('h2', { hasText: '2 qeyd üçün: Bağla' }).waitFor();
    assert.match(await dialog.getByTestId('bulk-skipped').textContent(), new RegExp(`№ ${s1}`));
    await dialog.locator('[data-action=bulk-confirm]').click();
    await page.locator('[data-testid=bulk-result][data-ok="2"][data-failed="0"]').waitFor();
    assert.match(await result.textContent(), /Bağla: 2 qeyddən 2 qeyd uğurla dəyişdirildi\./);
    assert.match(await result.textContent(), new RegExp(`Toxunulmadı \\(bu addım onların vəziyyətində mümkün deyil\\): № ${s1}\\.`));
    page.off('request', listen);
    assert.deepEqual(byId(sent.slice(2)), [{ id: s2, ifMatch: '"2"' }, { id: s3, ifMatch: '"1"' }]);
    for (const id of ids.signals) {
      const r = await apiCall(page, 'GET', `/records/signal/${id}`);
      assert.equal(r.body.state, 'closed', `signal ${id}`);
    }
  });

  it('a saved filter goes round: saved under a name, listed, opened, kept after a reload, deleted; corrupt storage survived', async () => {
    const page = pages.police;
    const name = 'Bağlanmış sınaq siqnalları';
    await page.goto(`${cfg.baseUrl}/records/signal?region=${encodeURIComponent(SIGNAL_REGION)}`);
    await h1(page, 'Siqnal');
    const section = page.getByTestId('saved-filters');
    await section.locator('h2', { hasText: 'Saxlanmış filtrlər' }).waitFor();
    await page.locator('#filter-state').selectOption('closed');
    await page.waitForURL((u) => u.searchParams.get('state') === 'closed' && u.searchParams.get('region') === SIGNAL_REGION);
    // No name: refused at the field.
    await section.locator('[data-action=save-filter]').click();
    await section.locator('#saved-name-error', { hasText: 'Filtrə ad verin.' }).waitFor();
    assert.equal(await page.locator('#saved-name').getAttribute('aria-invalid'), 'true');
    await page.getByLabel('Filtrin adı').fill(name);
    await section.locator('[data-action=save-filter]', { hasText: 'Hazırkı filtrləri saxla' }).click();
    await page.getByTestId('saved-status').filter({ hasText: `«${name}» filtri saxlanıldı.` }).waitFor();
    const link = section.locator('.saved-list a', { hasText: name });
    assert.equal(await link.getAttribute('aria-current'), 'true');
    await assertAccessible(page, 'the list with a saved filter');

    // Kept under the signed-in user's id and the type.
    const me = await apiCall(page, 'GET', '/auth/me');
    const key = `palermo.saved_filters.${me.body.user.id}.signal`;
    const stored = JSON.parse(await page.evaluate((k) => localStorage.getItem(k), key));
    assert.deepEqual(stored, [{ name, query: `region=${encodeURIComponent(SIGNAL_REGION).replace(/%20/g, '+')}&state=closed` }]);

    // Cleared, then opened from its link; kept after a reload.
    await page.locator('form.filters button', { hasText: 'Filtrləri sıfırla' }).click();
    await page.waitForURL((u) => u.pathname === '/records/signal' && u.search === '');
    assert.equal(await link.getAttribute('aria-current'), null);
    await page.reload();
    await h1(page, 'Siqnal');
    await link.click();
    await page.waitForURL((u) => u.searchParams.get('state') === 'closed' && u.searchParams.get('region') === SIGNAL_REGION);
    assert.equal(await page.locator('#filter-state').inputValue(), 'closed');
    await page.getByTestId('list-total').filter({ hasText: 'Cəmi: 3' }).waitFor();

    // Deleted with its button (named by the filter).
    await page.getByRole('button', { name: `«${name}» filtrini sil` }).click();
    await page.getByTestId('saved-status').filter({ hasText: `«${name}» filtri silindi.` }).waitFor();
    assert.equal(await section.locator('.saved-list a', { hasText: name }).count(), 0);
    assert.equal(await page.evaluate((k) => localStorage.getItem(k), key), '[]');

    // A corrupt value in the storage: the list still works, says so, and a new save replaces it.
    await page.evaluate((k) => localStorage.setItem(k, '{pozulmuş'), key);
    await page.reload();
    await h1(page, 'Siqnal');
    await page.getByTestId('saved-corrupt').waitFor();
    await page.getByLabel('Filtrin adı').fill('Yenidən');
    await section.locator('[data-action=save-filter]').click();
    await section.locator('.saved-list a', { hasText: 'Yenidən' }).waitFor();
    assert.equal(await page.getByTestId('saved-corrupt').count(), 0);
    assert.equal(JSON.parse(await page.evaluate((k) => localStorage.getItem(k), key)).length, 1);
  });

  it('on a phone (390×844) the list with the bulk bar and its dialog does not scroll sideways', async () => {
    const page = pages.police;
    const region = 'siyazan';
    const r = await apiCall(page, 'POST', '/records/signal', {
      received_at: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      source: 'hotline_152',
      region,
      summary: `Sınaq siqnalı telefonda, uzun bir qısa məzmun ki, dar ekranda sətirlərə bölünsün (${run})`,
    });
    assert.equal(r.status, 201, r.text);
    await page.setViewportSize(PHONE);
    await page.goto(`${cfg.baseUrl}/records/signal?region=${encodeURIComponent(region)}`);
    await h1(page, 'Siqnal');
    await page.getByTestId('list-total').filter({ hasText: 'Cəmi: 1' }).waitFor();
    await page.locator(`[data-select="${r.body.id}"]`).check();
    const bar = page.getByTestId('bulk-bar');
    await bar.waitFor();
    await bar.locator('[data-action=bulk-export]').waitFor();
    await assertFits(page, 'the signal list with the bulk bar');
    await screenshot(page, '124-bulk-bar-phone');
    await assertAccessible(page, 'the signal list with the bulk bar on a phone');
    await bar.locator('[data-bulk-transition=close]').click();
    await page.getByTestId('bulk-dialog').locator('h2', { hasText: '1 qeyd üçün: Bağla' }).waitFor();
    await assertFits(page, 'the bulk dialog');
    await screenshot(page, '125-bulk-dialog-phone');
    await page.keyboard.press('Escape');
    await page.getByTestId('bulk-dialog').locator('h2').waitFor({ state: 'detached' });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('the selected rows download as CSV: the shown case fields, no identity', async () => {
    const page = pages.police;
    await page.goto(`${cfg.baseUrl}/records/signal?region=${encodeURIComponent(SIGNAL_REGION)}`);
    await page.getByTestId('list-total').filter({ hasText: 'Cəmi: 3' }).waitFor();
    await page.getByTestId('select-all').check();
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-action=bulk-export]').click()]);
    assert.match(download.suggestedFilename(), /^signal-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = readFileSync(await download.path(), 'utf8').replace(/^\ufeff/, '');
    const lines = text.trim().split('\r\n');
    assert.equal(lines.length, 4, text);
    assert.match(lines[0], /^№,Qısa məzmun,/);
    for (const id of ids.signals) assert.ok(lines.some((l) => l.startsWith(`${id},`)), `row ${id}`);
    assert.doesNotMatch(text, /Yönləndirilənova/);
    await page.getByText('CSV faylına yazılan qeydlər: 3 (şəxsiyyət məlumatları olmadan).').waitFor();
  });

  it('the investigator assigns the case from the list to a colleague (the worker in charge), confirmed first', async () => {
    const page = pages.police;
    await page.goto(`${cfg.baseUrl}/records/victim_case?words=${run}`);
    await h1(page, 'Qurbanın işi');
    await page.locator('table.table a', { hasText: CASE_NUMBER }).waitFor();
    await page.locator(`[data-select="${ids.case}"]`).check();
    const bar = page.getByTestId('bulk-bar');
    const picker = bar.getByLabel('Məsul işçi');
    await picker.locator('option', { hasText: USERS.police.name }).waitFor({ state: 'attached' });
    assert.equal(await bar.locator('[data-action=bulk-assign]').isDisabled(), true, 'nobody chosen yet');
    await picker.selectOption({ label: USERS.police.name });
    const [request] = await Promise.all([
      page.waitForRequest((r) => r.method() === 'PATCH' && new URL(r.url()).pathname === `/api/v1/records/victim_case/${ids.case}`),
      (async () => {
        await bar.locator('[data-action=bulk-assign]', { hasText: 'Təyin et' }).click();
        const dialog = page.getByTestId('bulk-dialog');
        await dialog.locator('h2', { hasText: `1 qeyd üçün: Məsul işçi: ${USERS.police.name}` }).waitFor();
        await dialog.locator('[data-action=bulk-confirm]').click();
      })(),
    ]);
    const me = await apiCall(page, 'GET', '/auth/me');
    assert.deepEqual(request.postDataJSON(), { assigned_user_id: me.body.user.id });
    assert.match(request.headers()['if-match'], /^"\d+"$/);
    await page.locator('[data-testid=bulk-result][data-ok="1"][data-failed="0"]').waitFor();
    const saved = await apiCall(page, 'GET', `/records/victim_case/${ids.case}`);
    assert.equal(saved.body.data.assigned_user_id, me.body.user.id);
  });

  it('no page errors', () => {
    assert.deepEqual(pageErrors, []);
  });
});
