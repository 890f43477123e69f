// Notifications, the case's worker in charge and "my cases" (issue 27), in Azerbaijani, on the
// server auth.test.mjs started with: the administrator creates a special police unit with two
// investigators and a shelter with a case worker. The first investigator registers a person and
// her victim case (consent to share with shelters) and refers it to the shelter from the case —
// no sharing step: the referral shares the case. The shelter's case worker finds the bell at 1 on
// the next page, opens the notifications page (accessible, no sideways scroll on a phone), follows
// the link to the referral (it opens: 200, not "not found") and the bell goes to 0. The
// investigator then assigns the case to the second investigator with the colleague picker in the
// "İş" section (the shelter's worker is not offered; the summary names the agency and the worker);
// the second investigator is told "İş sizə tapşırılıb", finds the case under "Mənim işlərim" on the
// home page and on the list (where the first investigator's own finds none), and marks all read.
// The second investigator hands the case back: the first is told, the history names both.
//
// Runs after auth.test.mjs and before path.test.mjs (files run one at a time, in name order).
// All names are made up.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { apiCall, assertAccessible, browserSuite, checkValue, createRecord, h1, screenshot, setUpAgenciesAndUsers, startReferral } from './lib.mjs';

const run = randomBytes(3).toString('hex');
// The agencies' region: a unit of the country's list no other test file's agencies are in (their
// region roles see only this file's records).
const REGION = 'julfa';
const REGION_NAME = 'Culfa';
const PHONE = { width: 390, height: 844 };
const AGENCIES = {
  police: { name: `Sınaq bildiriş polisi ${run}`, type: 'special_police' },
  shelter: { name: `Sınaq bildiriş sığınacağı ${run}`, type: 'shelter' },
};
const USERS = {
  police: { login: `e2e.bld.police.${run}`, name: 'Sınaq Bildiriş Müstəntiq', agency: 'police', role: 'police_investigator' },
  police2: { login: `e2e.bld.police2.${run}`, name: 'Sınaq İkinci Müstəntiq', agency: 'police', role: 'police_investigator' },
  shelter: { login: `e2e.bld.shelter.${run}`, name: 'Sınaq Sığınacaq İşçisi', agency: 'shelter', role: 'case_worker' },
};
const CASE_NUMBER = `BLD-${new Date().getFullYear()}-${run}`;
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

/** Waits for the header's bell to show `n` unread, and checks what it says to screen readers. */
async function bellShows(page, n) {
  const bell = page.locator(`[data-testid=bell][data-unread="${n}"]`);
  await bell.waitFor();
  assert.equal(await bell.getAttribute('aria-label'), n > 0 ? `Bildirişlər: ${n} oxunmamış` : 'Bildirişlər: oxunmamış yoxdur');
  assert.equal((await bell.textContent()).trim(), n > 0 ? String(n) : '');
  return bell;
}

describe('notifications, the worker in charge and "my cases", in Azerbaijani', () => {
  const { cfg, pages, pageErrors, newPage } = browserSuite('bld');
  const ids = {};

  it('the administrator creates the police unit with two investigators and the shelter with a case worker', async () => {
    await setUpAgenciesAndUsers(newPage, cfg.baseUrl, AGENCIES, USERS, REGION);
    // No bell before one may work: the sign-in page has none.
    const page = await newPage('anonymous');
    await page.goto(`${cfg.baseUrl}/`);
    await h1(page, 'Sistemə giriş');
    assert.equal(await page.getByTestId('bell').count(), 0);
  });

  it('the investigator registers the case with consent to share with shelters and refers it to the shelter', async () => {
    const page = pages.police;
    await page.goto(`${cfg.baseUrl}/records/person/new`);
    await h1(page, 'Yeni qeyd: Şəxs');
    await page.locator('#f-pseudonym').fill(`BLD-${run}`);
    await page.locator('#f-last_name').fill('Bildirişova');
    await page.locator('#f-first_name').fill('Sınaq');
    await page.locator('#f-sex').selectOption('female');
    await page.locator('#f-birth').fill('1998-05');
    ids.person = await createRecord(page, 'person');

    await page.goto(`${cfg.baseUrl}/records/victim_case/new?person=${ids.person}`);
    await page.locator(`a#f-person[data-ref-id="${ids.person}"]`).waitFor();
    await page.locator('#f-case_number').fill(CASE_NUMBER);
    await page.locator('#f-registered_on').fill(today);
    await page.locator('#f-consent_share_with input[value=shelter]').check();
    await page.locator('#f-consent_given_by').selectOption('person');
    await page.locator('#f-consent_recorded_on').fill(today);
    await checkValue(page, 'f-forms_of_exploitation', 'sexual_prostitution');
    ids.case = await createRecord(page, 'victim_case');
    // The summary names the agency that registered the case (the record gives agency_id).
    await page.getByTestId('summary-agency').filter({ hasText: AGENCIES.police.name }).waitFor();

    // The referral from the case's relations; nothing shared by hand first.
    await startReferral(page, ids.case, 'shelter', `${AGENCIES.shelter.name} (${REGION_NAME})`);
    await page.locator('#f-sent_at').fill(localNow());
    ids.referral = await createRecord(page, 'referral');
    // The writer is never told of their own write.
    await bellShows(page, 0);
  });

  it("the shelter's case worker sees the bell at 1, opens the notifications and follows the link to the referral", async () => {
    const page = pages.shelter;
    // The next page shown asks for the count (no reload needed).
    await page.locator('nav a', { hasText: 'Göndərişlər' }).click();
    await h1(page, 'Göndərişlər');
    const bell = await bellShows(page, 1);
    await bell.click();
    await h1(page, 'Bildirişlər');
    assert.equal(await page.locator('[data-testid=bell][aria-current=page]').count(), 1);
    const item = page.locator(`[data-testid=notifications] li[data-kind=referral_received]`);
    await item.waitFor();
    assert.equal(await page.locator('[data-testid=notifications] li').count(), 1);
    assert.equal(await item.getAttribute('data-read'), 'false');
    assert.match(await item.textContent(), /Yeni/);
    assert.match(await item.textContent(), /Qurumunuza yönləndirmə daxil olub/);
    assert.match(await item.locator('time').textContent(), /^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}$/);
    assert.equal((await page.getByTestId('notifications-unread').textContent()).trim(), 'Oxunmamış: 1');
    const link = item.locator('a');
    assert.equal((await link.textContent()).trim(), `Yönləndirmə № ${ids.referral}`);
    assert.equal(await link.getAttribute('href'), `/records/referral/${ids.referral}`);
    await screenshot(page, '100-notifications');
    await assertAccessible(page, 'the notifications page');

    // On a phone: the bell stays in the header beside the menu button, nothing scrolls sideways.
    await page.setViewportSize(PHONE);
    await page.locator('[data-testid=menu-button]').waitFor();
    assert.ok(await page.getByTestId('bell').isVisible(), 'the bell shows on a phone');
    await assertFits(page, 'the notifications page');
    await screenshot(page, '101-notifications-phone');
    await page.setViewportSize({ width: 1280, height: 900 });

    // Following the link marks it read and opens the referral (shared with the shelter by the referral).
    const [response] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === `/api/v1/records/referral/${ids.referral}` && r.request().method() === 'GET'),
      link.click(),
    ]);
    assert.equal(response.status(), 200);
    await page.waitForURL(new RegExp(`/records/referral/${ids.referral}$`));
    await page.getByTestId('record-summary').waitFor();
    assert.equal(await page.locator('[data-alert=error]').count(), 0);
    await bellShows(page, 0);
    // Back on the page, it is read.
    await page.getByTestId('bell').click();
    await page.locator('[data-testid=notifications] li[data-read=true]').waitFor();
    assert.equal((await page.getByTestId('notifications-unread').textContent()).trim(), 'Oxunmamış: 0');
    assert.equal(await page.locator('[data-action=mark-all-read]').isDisabled(), true);
  });

  /** The case's "İş" section in edit mode, its colleague picker once `listed` is offered. */
  async function editCaseSection(page, listed) {
    await page.goto(`${cfg.baseUrl}/records/victim_case/${ids.case}`);
    await page.locator('[data-section=case] [data-action=edit-section]', { hasText: 'Düzəliş et' }).click();
    const section = page.locator('[data-section=case][data-mode=edit]');
    const picker = section.locator('#f-assigned_user_id');
    await picker.locator('option', { hasText: listed }).waitFor({ state: 'attached' });
    return { section, picker };
  }

  /** Saves the section: one PATCH, of the worker in charge only. */
  async function saveAssignment(page, section) {
    const [request] = await Promise.all([
      page.waitForRequest((r) => r.method() === 'PATCH' && r.url().endsWith(`/api/v1/records/victim_case/${ids.case}`)),
      section.locator('button[type=submit]', { hasText: 'Yadda saxla' }).click(),
    ]);
    assert.deepEqual(Object.keys(request.postDataJSON()), ['assigned_user_id']);
  }

  it('the investigator assigns the case to the second investigator with the colleague picker in the "İş" section', async () => {
    const page = pages.police;
    const { section, picker } = await editCaseSection(page, USERS.police2.name);
    // The agency's people by name, nobody else's; an empty choice first.
    const options = (await picker.locator('option').allTextContents()).map((s) => s.trim());
    assert.equal(options[0], '— təyin edilməyib —');
    assert.ok(options.includes(USERS.police.name) && options.includes(USERS.police2.name), options.join(', '));
    assert.ok(!options.includes(USERS.shelter.name), 'another agency\'s worker is not offered');
    await picker.selectOption({ label: USERS.police2.name });
    await assertAccessible(page, 'the case section with the colleague picker');
    await saveAssignment(page, section);
    await page.locator('[data-section=case][data-mode=read] [data-alert=success]', { hasText: 'Dəyişikliklər saxlanıldı: «İş» bölməsi.' }).waitFor();
    // Read mode and the summary name the worker, not their number.
    await page.locator('[data-section=case][data-mode=read] [data-field=assigned_user_id] dd', { hasText: USERS.police2.name }).waitFor();
    await page.getByTestId('summary-assignee').filter({ hasText: USERS.police2.name }).waitFor();
    await screenshot(page, '102-case-assigned');
  });

  it('the second investigator is told "İş sizə tapşırılıb" and finds the case under "Mənim işlərim"', async () => {
    const page = pages.police2;
    await page.goto(`${cfg.baseUrl}/`);
    await h1(page, 'Əsas səhifə');
    await bellShows(page, 1);
    // The home page's panel: one case, and the link to them.
    const panel = page.getByTestId('home-my-cases');
    await panel.locator('[data-testid=my-cases-count][data-count="1"]').waitFor();
    assert.match(await panel.textContent(), /Sizə tapşırılmış işlər: 1/);

    await page.getByTestId('bell').click();
    await h1(page, 'Bildirişlər');
    const item = page.locator('[data-testid=notifications] li[data-kind=case_assigned]');
    await item.waitFor();
    assert.match(await item.textContent(), /İş sizə tapşırılıb/);
    assert.equal((await item.locator('a').textContent()).trim(), `Qurbanın işi № ${ids.case}`);
    // Marking all read: the item and the bell follow.
    await page.locator('[data-action=mark-all-read]', { hasText: 'Hamısını oxunmuş et' }).click();
    await page.locator('[data-alert=success]', { hasText: 'Bütün bildirişlər oxunmuş kimi qeyd olundu.' }).waitFor();
    await page.locator('[data-testid=notifications] li[data-kind=case_assigned][data-read=true]').waitFor();
    await bellShows(page, 0);

    // The list: "Mənim işlərim" filters by the worker in charge.
    await page.locator('nav a', { hasText: 'Reyestrlər' }).click();
    await page.locator('.register-grid a', { hasText: 'Qurbanın işi' }).first().click();
    await h1(page, 'Qurbanın işi');
    await page.locator('[data-testid=my-cases-switch] a[data-view=mine]', { hasText: 'Mənim işlərim' }).click();
    await page.waitForURL(/[?&]assigned_user_id=\d+/);
    await page.locator('[data-testid=my-cases-switch] a[data-view=mine][aria-current=page]').waitFor();
    // The filtered list comes after the address changes: until then the whole list (which has the
    // case too) is still shown, so wait for the count, not for the row.
    await page.getByTestId('list-total').filter({ hasText: /^\s*Cəmi: 1\s*$/ }).waitFor();
    await page.locator('table.table a', { hasText: CASE_NUMBER }).waitFor();
    assert.equal((await page.getByTestId('list-total').textContent()).trim(), 'Cəmi: 1');
    await screenshot(page, '103-my-cases');
    await assertAccessible(page, 'the victim case list with "my cases"');
  });

  it("the first investigator's own cases do not include it", async () => {
    const page = pages.police;
    await page.goto(`${cfg.baseUrl}/records/victim_case`);
    await page.locator('table.table a', { hasText: CASE_NUMBER }).waitFor();
    await page.locator('[data-testid=my-cases-switch] a[data-view=mine]').click();
    await page.waitForURL(/[?&]assigned_user_id=\d+/);
    await page.getByTestId('list-total').filter({ hasText: 'Cəmi: 0' }).waitFor();
    assert.equal(await page.locator('table.table a', { hasText: CASE_NUMBER }).count(), 0);
    await page.locator('[data-testid=my-cases-switch] a[data-view=all]', { hasText: 'Hamısı' }).click();
    await page.locator('table.table a', { hasText: CASE_NUMBER }).waitFor();
    assert.deepEqual(pageErrors, []);
  });

  it('the second investigator hands the case back: the first is told and finds it under "Mənim işlərim", the second no longer', async () => {
    const page = pages.police2;
    const { section, picker } = await editCaseSection(page, USERS.police.name);
    assert.equal(await picker.evaluate((el) => el.options[el.selectedIndex].textContent.trim()), USERS.police2.name);
    await picker.selectOption({ label: USERS.police.name });
    await saveAssignment(page, section);
    await page.getByTestId('summary-assignee').filter({ hasText: USERS.police.name }).waitFor();
    // The history says who had it and who has it now, by name.
    await page.locator('#tab-history').click();
    const change = page.locator('.history-changes tr', { hasText: 'Məsul işçi' }).filter({ hasText: USERS.police.name }).first();
    await change.waitFor();
    assert.match(await change.textContent(), new RegExp(USERS.police2.name));

    const first = pages.police;
    await first.goto(`${cfg.baseUrl}/`);
    await h1(first, 'Əsas səhifə');
    await bellShows(first, 1);
    await first.getByTestId('home-my-cases').locator('[data-testid=my-cases-count][data-count="1"]').waitFor();
    await first.getByTestId('bell').click();
    const item = first.locator('[data-testid=notifications] li[data-kind=case_assigned]');
    await item.waitFor();
    assert.equal((await item.locator('a').textContent()).trim(), `Qurbanın işi № ${ids.case}`);

    // The second investigator's own cases: none now, and nothing new in their bell.
    await page.goto(`${cfg.baseUrl}/records/victim_case`);
    await page.locator('[data-testid=my-cases-switch] a[data-view=mine]').click();
    await page.waitForURL(/[?&]assigned_user_id=\d+/);
    await page.getByTestId('list-total').filter({ hasText: 'Cəmi: 0' }).waitFor();
    await bellShows(page, 0);
    assert.deepEqual(pageErrors, []);
  });

  it('the case list of twelve cases asks the server a handful of times, not once per row (issue 27)', async () => {
    const page = pages.police;
    for (let i = 0; i < 12; i++) {
      const person = await apiCall(page, 'POST', '/records/person', { sex: i % 2 ? 'male' : 'female', pseudonym: `BLD-L${i}-${run}` });
      assert.equal(person.status, 201, person.text);
      const c = await apiCall(page, 'POST', '/records/victim_case', {
        person: person.body.id,
        registered_on: today,
        case_number: `BLD-L${i}-${run}`,
      });
      assert.equal(c.status, 201, c.text);
    }
    const asked = [];
    const count = (r) => {
      if (new URL(r.url()).pathname.startsWith('/api/v1/')) asked.push(new URL(r.url()).pathname);
    };
    page.on('request', count);
    await page.goto(`${cfg.baseUrl}/records/victim_case`);
    await page.locator('table.table a', { hasText: `BLD-L11-${run}` }).first().waitFor();
    await page.waitForLoadState('networkidle');
    page.off('request', count);
    // The schema revalidated, the user, the list, the persons' titles in one batch, and the few
    // lookups every page has (agencies, colleagues, notifications): never one per row.
    assert.ok(asked.length <= 10, `the list page made ${asked.length} API requests: ${asked.join(' ')}`);
    assert.ok(asked.filter((p) => p.startsWith('/api/v1/records/person')).length <= 2, asked.join(' '));
    assert.deepEqual(pageErrors, []);
  });
});
