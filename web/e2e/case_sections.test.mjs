// A victim case people can read (issue 27), in Azerbaijani, on the server auth.test.mjs started
// with: the police register a woman's case on the new-record form grouped under the schema's
// section headings; the case opens in read mode — a summary (state, the agency that registered it,
// the identification deadline, no screening yet), then each section as a heading and its filled
// fields' values (days as dd.mm.yyyy, list codes as words), empty fields left out and counted;
// one section (İstismar) is edited alone: only its fields are sent (a PATCH with If-Match), the
// page returns to read mode with a confirmation, the new values shown and the other sections as
// they were; a change made meanwhile by someone else is a conflict shown in the section, which
// loads the latest version and keeps the user's change; the read mode fits a phone (390×844); the
// print view has the record alone — its PDF (Chromium's page.pdf, read with pdftotext) has the
// section headings and the case number, and no navigation or button.
//
// Runs after auth.test.mjs (files run one at a time, in name order). All names are made up.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { apiCall, assertAccessible, browserSuite, checkValue, createRecord, h1, screenshot, setUpAgenciesAndUsers, takeTransition } from './lib.mjs';

const run = randomBytes(3).toString('hex');
// The agencies' region: a unit of the country's list no other test file's agencies are in (their
// region roles see only this file's records).
const REGION = 'lachin';
const AGENCIES = { police: { name: `Sınaq xüsusi polis bölmələr ${run}`, type: 'special_police' } };
const USERS = { police: { login: `e2e.sec.police.${run}`, name: 'Sınaq Bölmə Müstəntiq', agency: 'police', role: 'police_investigator' } };
const CASE_NUMBER = `BLM-2019-${run}`;
const HEADINGS = ['İş', 'Tanınma', 'İstismar', 'Razılıq', 'Müdafiə və yaşayış icazəsi', 'Repatriasiya'];
// The navigation's words and the page's buttons: none of them belongs on paper.
const NOT_PRINTED = ['Əsas səhifə', 'Reyestrlər', 'Çıxış', 'Menyu', 'Düzəliş et', 'Çap et', 'Çap variantı', 'Qeydə qayıt', 'Tarixçə', 'Əlaqələr'];

/** The page is no wider than the screen: nothing makes it scroll sideways. */
async function assertFits(page, what) {
  const m = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  assert.ok(m.scroll <= m.inner, `${what} scrolls sideways at ${m.inner} px: it is ${m.scroll} px wide`);
}

/** The value a read-mode section shows for a field. */
async function shown(page, section, field) {
  return (await page.locator(`[data-section=${section}][data-mode=read] [data-field=${field}] dd`).textContent()).trim();
}

/** Waits until the read mode shows `text` for the field (labels such as a country's load a moment later). */
async function waitShown(page, section, field, text) {
  await page.locator(`[data-section=${section}][data-mode=read] [data-field=${field}] dd`, { hasText: text }).waitFor({ timeout: 5000 });
  return shown(page, section, field);
}

describe('a victim case people can read: sections, one section edited, the summary, the print view', () => {
  const { cfg, pages, pageErrors, newPage } = browserSuite('sec');
  const ids = {};

  it('the administrator creates the police unit and its investigator', async () => {
    await setUpAgenciesAndUsers(newPage, cfg.baseUrl, AGENCIES, USERS, REGION);
  });

  it("the new case's form is grouped under the section headings", async () => {
    const page = pages.police;
    await page.goto(`${cfg.baseUrl}/records/person/new`);
    await h1(page, 'Yeni qeyd: Şəxs');
    await page.locator('#f-pseudonym').fill(`BLM-${run}`);
    await page.locator('#f-last_name').fill('Bölməliyeva');
    await page.locator('#f-first_name').fill('Sınaq');
    await page.locator('#f-sex').selectOption('female');
    await page.locator('#f-birth').pressSequentially('22.06.1994');
    ids.person = await createRecord(page, 'person');

    await page.goto(`${cfg.baseUrl}/records/victim_case/new?person=${ids.person}`);
    await page.locator(`a#f-person[data-ref-id="${ids.person}"]`).waitFor();
    const headings = (await page.locator('form .form-section > h2').allTextContents()).map((s) => s.trim());
    assert.deepEqual(headings, HEADINGS);
    // Each field under its own heading.
    await page.locator('.form-section[data-section=exploitation] #f-forms_of_exploitation').waitFor();
    await page.locator('.form-section[data-section=consent] #f-consent_given_by').waitFor();
    await page.locator('#f-case_number').fill(CASE_NUMBER);
    await page.locator('#f-registered_on').pressSequentially('01.03.2019');
    await page.locator('#f-consent_share_with input[value=ngo]').check();
    await page.locator('#f-consent_given_by').selectOption('person');
    await page.locator('#f-consent_recorded_on').pressSequentially('02.03.2019');
    await checkValue(page, 'f-forms_of_exploitation', 'sexual_prostitution');
    await page.locator('#f-notes').fill('Sınaq qeydi: ilk müsahibə.');
    await screenshot(page, '95-case-sections-new');
    await assertAccessible(page, 'the new victim case form in sections');
    ids.case = await createRecord(page, 'victim_case');
    assert.deepEqual(pageErrors, []);
  });

  it('the case opens in read mode: the summary, then each section with its values (dd.mm.yyyy)', async () => {
    const page = pages.police;
    const sections = page.locator('.record-sections');
    await sections.waitFor();
    const headings = (await sections.locator('[data-section] h2').allTextContents()).map((s) => s.trim());
    assert.deepEqual(headings, HEADINGS);
    // No form in read mode: values, not inputs.
    assert.equal(await page.locator('.tab-panel input, .tab-panel select, .tab-panel textarea').count(), 0);
    assert.equal(await shown(page, 'case', 'case_number'), CASE_NUMBER);
    assert.equal(await shown(page, 'case', 'registered_on'), '01.03.2019');
    assert.equal(await shown(page, 'case', 'person_birth'), '22.06.1994');
    assert.equal(await shown(page, 'case', 'is_child'), 'Xeyr');
    assert.equal(await shown(page, 'consent', 'consent_recorded_on'), '02.03.2019');
    assert.equal(await shown(page, 'consent', 'consent_given_by'), 'Şəxsin özü');
    assert.equal(await shown(page, 'exploitation', 'forms_of_exploitation'), 'Cinsi istismar – fahişəlik');
    assert.equal(await shown(page, 'case', 'notes'), 'Sınaq qeydi: ilk müsahibə.');
    // Empty fields are left out, and counted.
    assert.equal(await page.locator('[data-section=exploitation] [data-field=country_of_exploitation]').count(), 0);
    assert.match(await page.locator('[data-section=exploitation] [data-testid=section-empty]').textContent(), /^Boş sahələr göstərilmir: \d+\.$/);
    assert.match(await page.locator('[data-section=repatriation]').textContent(), /Bu bölmədə hələ məlumat yoxdur\./);
    // The summary: state, the agency that registered it (by name), the deadline, the screening.
    const summary = page.getByTestId('record-summary');
    assert.equal((await summary.getByTestId('record-state').textContent()).trim(), 'Ehtimal olunan qurban');
    await summary.getByTestId('summary-agency').filter({ hasText: AGENCIES.police.name }).waitFor();
    assert.equal((await summary.getByTestId('summary-agency').textContent()).trim(), `Qeydə alan qurum${AGENCIES.police.name}`);
    assert.match(await summary.getByTestId('deadlines').textContent(), /İdentifikasiya qərarı \(30 gün\): gecikib: \d{2}\.\d{2}\.2019 \d{2}:\d{2}/);
    assert.match(await summary.getByTestId('summary-screening').textContent(), /skrininq aparılmayıb/);
    await screenshot(page, '96-case-sections-read');
    await assertAccessible(page, 'the victim case in read mode');
  });

  it('a workflow step shows in read mode: the decision day as dd.mm.yyyy under Tanınma', async () => {
    const page = pages.police;
    await takeTransition(page, 'identify', async () => {
      await page.locator('#t-decision_date').fill('10.03.2019');
    });
    await page.locator('[data-testid=record-state]', { hasText: 'Qurban kimi tanınıb' }).waitFor();
    await page.locator('[data-section=identification] [data-field=decision_date] dd', { hasText: '10.03.2019' }).waitFor();
  });

  it('one section is edited alone: only its fields are sent; back in read mode, the others untouched', async () => {
    const page = pages.police;
    const before = {
      registered: await shown(page, 'case', 'registered_on'),
      consent: await page.locator('[data-section=consent] dl').textContent(),
      identification: await page.locator('[data-section=identification] dl').textContent(),
    };
    await page.locator('[data-section=exploitation] [data-action=edit-section]').click();
    const section = page.locator('[data-section=exploitation][data-mode=edit]');
    await section.locator('form').waitFor();
    // Only this section is a form; the others stay read, with no Edit button meanwhile.
    assert.equal(await page.locator('[data-mode=edit]').count(), 1);
    assert.equal(await page.locator('[data-action=edit-section]').count(), 0);
    assert.equal(await page.locator('#f-case_number').count(), 0);
    await page.locator('#f-country_of_exploitation').selectOption('TR');
    const country = (await page.locator('#f-country_of_exploitation option:checked').textContent()).trim();
    assert.ok(country && country !== 'TR', 'the country is named, not coded');
    await checkValue(page, 'f-forms_of_exploitation', 'forced_labour');
    await page.locator('#f-place_of_exploitation').fill('İstanbul, tikinti sahəsi');
    await screenshot(page, '97-case-section-edit');
    await assertAccessible(page, 'a section of the victim case in edit mode');
    const [request, response] = await Promise.all([
      page.waitForRequest((r) => r.method() === 'PATCH' && r.url().endsWith(`/api/v1/records/victim_case/${ids.case}`)),
      page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().endsWith(`/api/v1/records/victim_case/${ids.case}`)),
      section.locator('button[type=submit]', { hasText: 'Yadda saxla' }).click(),
    ]);
    assert.equal(response.status(), 200);
    assert.match(request.headers()['if-match'], /^"\d+"$/);
    assert.deepEqual(Object.keys(request.postDataJSON()).sort(), ['country_of_exploitation', 'forms_of_exploitation', 'place_of_exploitation']);
    const read = page.locator('[data-section=exploitation][data-mode=read]');
    await read.locator('[data-alert=success]', { hasText: 'Dəyişikliklər saxlanıldı: «İstismar» bölməsi.' }).waitFor();
    assert.equal(await waitShown(page, 'exploitation', 'country_of_exploitation', country), country);
    assert.equal(await shown(page, 'exploitation', 'forms_of_exploitation'), 'Cinsi istismar – fahişəlik, Məcburi əmək və ya xidmət');
    assert.equal(await shown(page, 'exploitation', 'place_of_exploitation'), 'İstanbul, tikinti sahəsi');
    assert.equal(await shown(page, 'case', 'registered_on'), before.registered);
    assert.equal(await page.locator('[data-section=consent] dl').textContent(), before.consent);
    assert.equal(await page.locator('[data-section=identification] dl').textContent(), before.identification);
    // Focus is back on the section's heading.
    await page.waitForFunction(() => document.activeElement?.textContent === 'İstismar', undefined, { timeout: 5000 });
    assert.deepEqual(pageErrors, []);
  });

  it("someone else's change meanwhile: a conflict shown in the section, then saved on the latest version", async () => {
    const page = pages.police;
    await page.locator('[data-section=case] [data-action=edit-section]').click();
    await page.locator('[data-section=case][data-mode=edit] #f-notes').fill('Sınaq qeydi: ikinci müsahibə.');
    // Meanwhile the decision's number is written elsewhere (the same user in another tab).
    const rec = await apiCall(page, 'GET', `/records/victim_case/${ids.case}`);
    const other = await apiCall(page, 'PATCH', `/records/victim_case/${ids.case}`, { decision_number: `Q-${run}` }, { 'If-Match': `"${rec.body.version}"` });
    assert.equal(other.status, 200);
    const section = page.locator('[data-section=case][data-mode=edit]');
    await section.locator('button[type=submit]').click();
    await section.locator('[data-alert=error]', { hasText: 'başqa istifadəçi tərəfindən dəyişdirilib' }).waitFor();
    await assertAccessible(page, 'a section with a version conflict');
    await section.locator('[data-action=reload-record]').click();
    await section.locator('[data-alert=error]').waitFor({ state: 'detached' });
    assert.equal(await page.locator('#f-notes').inputValue(), 'Sınaq qeydi: ikinci müsahibə.');
    await section.locator('button[type=submit]').click();
    await page.locator('[data-section=case][data-mode=read] [data-alert=success]', { hasText: '«İş» bölməsi' }).waitFor();
    assert.equal(await shown(page, 'case', 'notes'), 'Sınaq qeydi: ikinci müsahibə.');
    assert.equal(await shown(page, 'identification', 'decision_number'), `Q-${run}`);
  });

  it('the read mode fits a phone (390×844): no sideways scroll', async () => {
    const page = pages.police;
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page.locator('.record-sections [data-section=exploitation][data-mode=read]').waitFor();
    await page.getByTestId('record-summary').waitFor();
    await assertFits(page, 'the victim case in read mode');
    await screenshot(page, '98-case-sections-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('the print view: the record alone; its PDF has the section headings and the case number, no navigation', async () => {
    const page = pages.police;
    await page.getByTestId('print-link').click();
    await page.waitForURL(new RegExp(`/records/victim_case/${ids.case}/print$`));
    await h1(page, CASE_NUMBER);
    await page.locator('.print-view [data-section=exploitation] [data-field=country_of_exploitation]').waitFor();
    await page.getByTestId('summary-agency').filter({ hasText: AGENCIES.police.name }).waitFor();
    assert.equal(await page.locator('nav, .site-header, [data-action=edit-section], .tabs').count(), 0);
    assert.equal((await page.getByTestId('print-number').textContent()).trim(), `Qurbanın işi № ${ids.case}`);
    await page.getByTestId('printed').filter({ hasText: AGENCIES.police.name }).waitFor();
    assert.match(await page.getByTestId('printed').textContent(), new RegExp(`^Çap tarixi: \\d{2}\\.\\d{2}\\.\\d{4} \\d{2}:\\d{2}; çap edən: ${USERS.police.name} \\(${AGENCIES.police.name}\\)$`));
    const headings = (await page.locator('.print-view [data-section] h2').allTextContents()).map((s) => s.trim());
    assert.deepEqual(headings, HEADINGS);
    await screenshot(page, '99-case-print-view');
    await assertAccessible(page, 'the print view of the victim case');

    const dir = mkdtempSync(join(tmpdir(), 'palermo-print-'));
    try {
      const file = join(dir, 'case.pdf');
      await page.pdf({ path: file, format: 'A4' });
      assert.equal(readFileSync(file).subarray(0, 4).toString('latin1'), '%PDF');
      const text = execFileSync('/usr/bin/pdftotext', ['-enc', 'UTF-8', file, '-']).toString('utf8');
      const lines = text.split('\n').map((s) => s.trim());
      for (const h of HEADINGS) assert.ok(lines.includes(h), `the heading ${h} is printed`);
      const flat = text.replace(/\s+/g, ' ');
      assert.ok(flat.includes(CASE_NUMBER), 'the case number is printed');
      assert.ok(flat.includes(`Qurbanın işi № ${ids.case}`), 'the record number is printed');
      assert.ok(flat.includes('01.03.2019') && flat.includes('10.03.2019'), 'the days are printed as dd.mm.yyyy');
      assert.ok(flat.includes(USERS.police.name), 'who printed it is printed');
      for (const word of NOT_PRINTED) assert.ok(!flat.includes(word), `"${word}" is not on paper`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.deepEqual(pageErrors, []);
  });
});
