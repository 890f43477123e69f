// The daily work of each role on a phone (390×844), in Azerbaijani, on the server auth.test.mjs
// started with (issue 27): the administrator creates a special police unit, an NGO, a hotline and
// the coordinator's office with a user each; the police register a person and her victim case
// typing the days as dd.mm.yyyy (31.02.2019 refused at the field), identify her on 10.03.2019 and
// refer her to the NGO. Every page used stays within the screen's width (measured), the menu
// opens from its button (aria-expanded, Escape), the record's history shows no "[object Object]",
// the case page no raw ISO day or timestamp, the hotline's possible matches come right under the
// name fields, the screening's grades are words, the audit viewer shows no JSON, the dashboard
// and the annual report open on the latest year with data (2019 here, not the current year of
// zeros) and show no computation time.
//
// Runs after auth.test.mjs and before path.test.mjs (files run one at a time, in name order).
// All names are made up.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  assertAccessible,
  browserSuite,
  createRecord,
  h1,
  screenshot,
  setUpAgenciesAndUsers,
  takeTransition,
  readField,
} from './lib.mjs';

const run = randomBytes(3).toString('hex');
const PHONE = { width: 390, height: 844 };
// The agencies' region: a unit of the country's list no other test file's agencies are in (their
// region roles see only this file's records).
const REGION = 'gubadli';
const REGION_NAME = 'Qubadlı';
const AGENCIES = {
  police: { name: `Sınaq xüsusi polis ${run}`, type: 'special_police' },
  ngo: { name: `Sınaq QHT ${run}`, type: 'ngo' },
  hotline: { name: `Sınaq qaynar xətt ${run}`, type: 'hotline' },
  coordinator: { name: `Sınaq koordinator ${run}`, type: 'coordinator' },
};
const USERS = {
  police: { login: `e2e.ph.police.${run}`, name: 'Sınaq Telefon Müstəntiq', agency: 'police', role: 'police_investigator' },
  ngo: { login: `e2e.ph.ngo.${run}`, name: 'Sınaq Telefon Sosial İşçi', agency: 'ngo', role: 'case_worker' },
  hotline: { login: `e2e.ph.hotline.${run}`, name: 'Sınaq Telefon Operator', agency: 'hotline', role: 'hotline_operator' },
  coord: { login: `e2e.ph.coord.${run}`, name: 'Sınaq Telefon Koordinator', agency: 'coordinator', role: 'coordinator', totp: false },
};
const THIS_YEAR = String(new Date().getFullYear());

/** The page is no wider than the screen: nothing makes it scroll sideways. */
async function assertFits(page, what) {
  const m = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  assert.ok(m.scroll <= m.inner, `${what} scrolls sideways at ${m.inner} px: it is ${m.scroll} px wide`);
}

/** Text a user sees in the main part of the page, the values of its fields included. */
async function visibleText(page) {
  return page.evaluate(() => {
    const main = document.querySelector('main');
    const values = [...main.querySelectorAll('input, textarea, select')]
      .filter((e) => !['checkbox', 'radio', 'file', 'hidden', 'search'].includes(e.type))
      .map((e) => (e.tagName === 'SELECT' ? e.selectedOptions[0]?.textContent ?? '' : e.value));
    return `${main.innerText}\n${values.join('\n')}`;
  });
}

const RAW_ISO = /\b\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}[^\s]*)?\b/;

describe('the daily work on a phone, in Azerbaijani', () => {
  const { cfg, pages, pageErrors, newPage } = browserSuite('phone');
  const ids = {};

  it('the administrator creates the agencies and their users', async () => {
    await setUpAgenciesAndUsers(newPage, cfg.baseUrl, AGENCIES, USERS, REGION);
    for (const p of Object.values(pages)) await p.setViewportSize(PHONE);
  });

  it('the home page fits the phone; the menu opens from its button, with the keyboard too', async () => {
    const page = pages.police;
    await page.goto(`${cfg.baseUrl}/`);
    await h1(page, 'Əsas səhifə');
    await assertFits(page, 'the home page');
    const button = page.getByTestId('menu-button');
    const link = page.locator('nav a', { hasText: 'Göndərişlər' });
    assert.equal(await button.getAttribute('aria-expanded'), 'false');
    assert.equal(await link.isVisible(), false, 'the navigation is folded away');
    const header = await page.locator('header').boundingBox();
    assert.ok(header.height < 120, `the folded header takes ${header.height} px`);
    await button.click();
    assert.equal(await button.getAttribute('aria-expanded'), 'true');
    await link.waitFor({ state: 'visible' });
    await page.getByRole('button', { name: 'Çıxış' }).waitFor({ state: 'visible' });
    await assertFits(page, 'the home page with the menu open');
    await screenshot(page, '80-phone-menu');
    await assertAccessible(page, 'the home page on a phone, menu open');
    // Escape folds it and gives the focus back to the button; Enter opens it again.
    await page.keyboard.press('Escape');
    assert.equal(await button.getAttribute('aria-expanded'), 'false');
    await page.waitForFunction(() => document.activeElement?.dataset.testid === 'menu-button', undefined, { timeout: 5000 });
    await page.keyboard.press('Enter');
    assert.equal(await button.getAttribute('aria-expanded'), 'true');
    // A page chosen from the menu folds it.
    await link.click();
    await h1(page, 'Göndərişlər');
    assert.equal(await button.getAttribute('aria-expanded'), 'false');
  });

  it('the police register the person and the case typing days as dd.mm.yyyy; 31.02.2019 is refused at the field', async () => {
    const page = pages.police;
    await page.goto(`${cfg.baseUrl}/records/person/new`);
    await h1(page, 'Yeni qeyd: Şəxs');
    await page.locator('#f-pseudonym').fill(`TEL-${run}`);
    await page.locator('#f-last_name').fill('Telefonova');
    await page.locator('#f-first_name').fill('Sınaq');
    await page.locator('#f-sex').selectOption('female');
    await page.locator('#f-birth').pressSequentially('22.06.1994');
    await page.locator('#f-citizenship').selectOption('AZ');
    await assertFits(page, 'the new person form');
    ids.person = await createRecord(page, 'person');
    assert.equal(await readField(page, 'birth'), '22.06.1994');

    await page.goto(`${cfg.baseUrl}/records/victim_case/new?person=${ids.person}`);
    await page.locator(`a#f-person[data-ref-id="${ids.person}"]`).waitFor();
    await page.locator('#f-case_number').fill(`TEL-2019-${run}`);
    // A day the calendar has not: refused at the field, in Azerbaijani.
    const registered = page.locator('#f-registered_on');
    await registered.pressSequentially('31.02.2019');
    await page.locator('#f-registered_on-error', { hasText: 'Bu ayda belə gün yoxdur.' }).waitFor();
    assert.equal(await registered.getAttribute('aria-invalid'), 'true');
    await registered.fill('');
    await registered.pressSequentially('01.03.2019');
    await page.locator('#f-registered_on-error').waitFor({ state: 'detached' });
    assert.equal(await registered.getAttribute('placeholder'), 'gg.aa.iiii');
    await page.locator('#f-consent_share_with input[value=ngo]').check();
    await page.locator('#f-consent_given_by').selectOption('person');
    await page.locator('#f-consent_recorded_on').pressSequentially('01.03.2019');
    await page.locator('#f-forms_of_exploitation input[type=checkbox]').first().check();
    await assertFits(page, 'the new victim case form');
    await screenshot(page, '81-phone-victim-case-new');
    ids.victimCase = await createRecord(page, 'victim_case');
    // The case opens in read mode (its sections), the days as typed.
    const shown = async (section, field) => (await page.locator(`[data-section=${section}] [data-field=${field}] dd`).textContent()).trim();
    assert.equal(await shown('case', 'registered_on'), '01.03.2019');
    // The file chooser speaks the page's language (the consent section in edit mode).
    await page.locator('[data-section=consent] [data-action=edit-section]').click();
    const picker = page.locator('[data-field=consent_document] .file-picker');
    assert.equal((await picker.locator('.file-button').textContent()).trim(), 'Fayl seçin');
    assert.equal((await picker.locator('.file-name').textContent()).trim(), 'Fayl seçilməyib');
    await assertFits(page, 'a section of the victim case in edit mode');
    await page.locator('[data-section=consent] button', { hasText: 'Ləğv et' }).click();
    await page.locator('[data-section=consent][data-mode=read]').waitFor();

    // Identified on 10.03.2019, typed so.
    await takeTransition(page, 'identify', async () => {
      // The step fills in today (06.12.2026 style); the officer types the decision's day over it.
      assert.match(await page.locator('#t-decision_date').inputValue(), /^\d{2}\.\d{2}\.\d{4}$/);
      await page.locator('#t-decision_date').fill('10.03.2019');
    });
    await page.locator('[data-testid=record-state]', { hasText: 'Qurban kimi tanınıb' }).waitFor();
    assert.equal(await shown('identification', 'decision_date'), '10.03.2019');
  });

  it('the case page fits the phone and shows no raw ISO day or timestamp, in its details or its history', async () => {
    const page = pages.police;
    await page.goto(`${cfg.baseUrl}/records/victim_case/${ids.victimCase}`);
    await page.locator('[data-section=case] [data-field=case_number]').waitFor();
    await assertFits(page, 'the victim case');
    const details = await visibleText(page);
    assert.doesNotMatch(details, RAW_ISO, 'a raw ISO date on the case page');
    await page.locator('#tab-history').click();
    await page.locator('.history li').first().waitFor();
    await page.locator('.history li', { hasText: 'Qurban kimi tanı' }).waitFor();
    await assertFits(page, 'the case history');
    const history = await visibleText(page);
    assert.doesNotMatch(history, RAW_ISO, 'a raw ISO date in the case history');
    assert.match(history, /10 mart 2019/);
    await screenshot(page, '82-phone-victim-case-history');
    await assertAccessible(page, 'the victim case history on a phone');
  });

  it("the person's history names identity changes without showing them: no [object Object]", async () => {
    const page = pages.police;
    await page.goto(`${cfg.baseUrl}/records/person/${ids.person}`);
    await page.locator('#tab-history').click();
    await page.locator('.history li').first().waitFor();
    const text = await visibleText(page);
    assert.doesNotMatch(text, /\[object Object\]/);
    assert.doesNotMatch(text, RAW_ISO);
    await page.locator('.history tr[data-hidden-change]', { hasText: 'şəxsiyyət məlumatları tarixçədə göstərilmir' }).first().waitFor();
    await assertFits(page, 'the person history');
  });

  it('the police share the case with the NGO and refer it there (the date and time typed dd.mm.yyyy HH:MM)', async () => {
    const page = pages.police;
    await page.goto(`${cfg.baseUrl}/records/victim_case/${ids.victimCase}`);
    await page.locator('#tab-sharing').click();
    await page.locator('#share-agency').selectOption({ label: AGENCIES.ngo.name });
    await page.locator('#share-reason').fill('Yardım üçün (sınaq)');
    await page.locator('form button[type=submit]', { hasText: 'Paylaş' }).click();
    await page.locator('[data-alert=success]', { hasText: AGENCIES.ngo.name }).waitFor();
    await page.goto(`${cfg.baseUrl}/records/referral/new?victim_case=${ids.victimCase}`);
    await page.locator(`a#f-victim_case[data-ref-id="${ids.victimCase}"]`).waitFor();
    await page.locator('#f-to_agency_type').selectOption('ngo');
    await page.locator('#f-to_agency_id').selectOption({ label: `${AGENCIES.ngo.name} (${REGION_NAME})` });
    await page.locator('#f-sent_at').pressSequentially('11.03.2019 10:47');
    ids.referral = await createRecord(page, 'referral');
    assert.equal(await readField(page, 'sent_at'), '11.03.2019 10:47');
    assert.doesNotMatch(await visibleText(page), RAW_ISO);
  });

  it("the screening page fits the phone; the indicators' grades are words", async () => {
    const page = pages.police;
    await page.goto(`${cfg.baseUrl}/screening?victim_case=${ids.victimCase}`);
    await h1(page, 'İdentifikasiya skrininqi');
    await page.locator('[data-dimension] input[value=yes]').first().waitFor();
    await assertFits(page, 'the screening page');
    const grades = await page.locator('[data-dimension] td[data-grade]').allTextContents();
    assert.ok(grades.length > 0);
    for (const g of grades) assert.match(g.trim(), /^(güclü|orta|zəif) göstərici$/);
    await page.locator('[data-dimension] label', { hasText: 'Bəli' }).first().click();
    assert.equal(await page.locator('[data-dimension] input[value=yes]').first().isChecked(), true);
    await screenshot(page, '83-phone-screening');
  });

  it('the hotline page fits the phone; possible matches come right under the name fields', async () => {
    const page = pages.hotline;
    await page.goto(`${cfg.baseUrl}/hotline`);
    await h1(page, 'Qaynar xətt: zəngin qeydiyyatı');
    await assertFits(page, 'the hotline page');
    await page.locator('#p-last_name').fill('Telefonova');
    await page.locator('#p-first_name').fill('Sınaq');
    const matches = page.locator('.matches');
    await matches.waitFor();
    const name = await page.locator('#p-patronymic').boundingBox();
    const box = await matches.boundingBox();
    assert.ok(box.y > name.y && box.y - (name.y + name.height) < 120, `the matches are ${Math.round(box.y - name.y)} px below the last name field`);
    await assertFits(page, 'the hotline page with matches');
    await screenshot(page, '84-phone-hotline');
    await assertAccessible(page, 'the hotline page on a phone');
  });

  it('the referral inbox fits the phone (its table scrolls in its own box)', async () => {
    const page = pages.ngo;
    await page.goto(`${cfg.baseUrl}/referrals`);
    await h1(page, 'Göndərişlər');
    await page.locator(`[data-referral="${ids.referral}"]`).waitFor();
    await assertFits(page, 'the referral inbox');
    await screenshot(page, '85-phone-referrals');
  });

  it('the audit viewer shows actions and details in words, no JSON', async () => {
    const page = pages.admin;
    await page.goto(`${cfg.baseUrl}/admin/audit`);
    const table = page.getByTestId('audit');
    await table.locator('tbody tr').first().waitFor();
    await assertFits(page, 'the audit viewer');
    assert.doesNotMatch(await table.innerText(), /[{}]|":/, 'JSON in the audit viewer');
    // The users created above, with the agency by name and the role by its label (the
    // coordinator's, given at once: roles with identity access wait for a second administrator).
    await page.locator('#audit-action').fill('user.create');
    await page.locator('form button[type=submit]').click();
    const row = table.locator('tr', { hasText: AGENCIES.coordinator.name }).filter({ hasText: 'Milli koordinator aparatı' }).first();
    await row.waitFor();
    assert.match(await row.innerText(), /İstifadəçi yaradılıb/);
    assert.doesNotMatch(await table.innerText(), /[{}]|":/, 'JSON in the audit viewer');
    // The second administrator's approval of a role with identity access, in words too.
    await page.locator('#audit-action').fill('user.roles_approved');
    await page.locator('form button[type=submit]').click();
    const approved = table.locator('tr', { hasText: 'Rollar təsdiq edilib' }).filter({ hasText: 'Sosial işçi' }).first();
    await approved.waitFor();
    assert.doesNotMatch(await table.innerText(), /[{}]|":/, 'JSON in the audit viewer');
    await screenshot(page, '86-phone-audit');
  });

  it('the dashboard opens on the latest year with data, not the current year of zeros, and fits the phone', async () => {
    const page = pages.coord;
    // This run's only identified victim was identified in 2019; the current year has no victims.
    const current = await page.evaluate(async (y) => {
      const r = await fetch(`/api/v1/statistics/indicators/victims_identified?period=${y}`, { credentials: 'same-origin' });
      return r.json();
    }, THIS_YEAR);
    await page.goto(`${cfg.baseUrl}/dashboard`);
    await h1(page, 'Göstəricilər');
    await page.getByTestId('key-figures').waitFor();
    const year = await page.locator('#dash-year').inputValue();
    if (!current.available && !current.value) {
      assert.notEqual(year, THIS_YEAR, 'the dashboard opened on the current year, which has no data');
      assert.equal(year, '2019');
    }
    await page.locator('.chart-figure').first().waitFor();
    await assertFits(page, 'the dashboard');
    assert.doesNotMatch(await page.locator('main').innerText(), /ms-də|\d\s*ms\b/);
    await screenshot(page, '87-phone-dashboard');
    await assertAccessible(page, 'the dashboard on a phone');
  });

  it('the annual report opens on the same year and shows no computation time', async () => {
    const page = pages.coord;
    await page.goto(`${cfg.baseUrl}/reports/annual`);
    await h1(page, 'İllik hesabat');
    await page.waitForFunction(() => document.querySelector('#report-year')?.value === '2019');
    await page.locator('form button[type=submit]').click();
    await page.getByTestId('report-preview').waitFor({ timeout: 60_000 });
    await assertFits(page, 'the annual report');
    assert.doesNotMatch(await page.locator('main').innerText(), /ms-də|\d\s*ms\b/);
    assert.deepEqual(pageErrors, []);
  });
});
