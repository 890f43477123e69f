// Individual rehabilitation plans in the browser, in Azerbaijani, on the server auth.test.mjs
// started with: the administrator creates a special police agency, an NGO and an assistance
// centre with a police investigator and a case worker in each of the other two. The police
// register a person and a victim case whose consent allows sharing with NGOs and assistance
// centres, and share it with both. The NGO's case worker draws up a rehabilitation plan from the
// case (the case filled in), approves it with the person's consent, adds a measure for the NGO
// itself (due in the future) and one for the assistance centre (due 10 days ago), both through the
// agency picker ("name (region)"), and marks the NGO's measure done. The plan page lists the
// measures with their agencies by name and the late one marked; the centre's case worker finds
// that measure among the tasks on the home page, the NGO's case worker does not.
//
// Named so that it runs after auth.test.mjs and before path.test.mjs (files run one at a time,
// in name order; path.test.mjs forgets the administrator's state at its end). Names are made up.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  assertAccessible,
  browserSuite,
  createRecord,
  dayFromToday,
  h1,
  screenshot,
  setUpAgenciesAndUsers,
  takeTransition,
  shownDate,
  readField,
} from './lib.mjs';

const run = randomBytes(3).toString('hex');
// The agencies' region: a unit of the country's list no other test file's agencies are in (their
// region roles see only this file's records).
const REGION = 'jabrayil';
const REGION_NAME = 'Cəbrayıl';
const AGENCIES = {
  police: { name: `Sınaq xüsusi polis idarəsi ${run}`, type: 'special_police' },
  ngo: { name: `Sınaq QHT «Yeni həyat» ${run}`, type: 'ngo' },
  center: { name: `Sınaq yardım mərkəzi ${run}`, type: 'assistance_center' },
};
const USERS = {
  police: { login: `e2e.rehab.polis.${run}`, name: 'Sınaq Müstəntiq Reab', agency: 'police', role: 'police_investigator' },
  ngo: { login: `e2e.rehab.qht.${run}`, name: 'Sınaq QHT İşçisi', agency: 'ngo', role: 'case_worker' },
  center: { login: `e2e.rehab.merkez.${run}`, name: 'Sınaq Mərkəz İşçisi', agency: 'center', role: 'case_worker' },
};
/** An agency as the picker offers it: "name (region)". */
const pickerLabel = (key) => `${AGENCIES[key].name} (${REGION_NAME})`;

const TODAY = dayFromToday(0);
/** Today in the browser's (this machine's) zone, as the app fills dates in. */
const LOCAL_TODAY = ((d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`)(new Date());
const NGO_DUE = dayFromToday(20);
const CENTER_DUE = dayFromToday(-10);
const AZ = {
  home: 'Əsas səhifə',
  newPlan: 'Yeni qeyd: Fərdi reabilitasiya planı',
  newMeasure: 'Yeni qeyd: Reabilitasiya tədbiri',
  draft: 'Layihə',
  inForce: 'İcra olunur',
  planned: 'Planlaşdırılıb',
  done: 'İcra edildi',
  doneState: 'İcra edilib',
  shareButton: 'Paylaş',
};
const NGO_MEASURE = 'Psixoloji dəstək seansları (sınaq)';
const CENTER_MEASURE = 'Peşə kursuna yazılma (sınaq)';

describe('individual rehabilitation plans, in Azerbaijani', () => {
  const { cfg, pages, pageErrors, newPage } = browserSuite('rehab');
  const ids = {};
  const planUrl = () => `${cfg.baseUrl}/records/rehabilitation_plan/${ids.plan}`;
  const measureRow = (page, id) => page.locator(`[data-testid=rehabilitation-measures] tr[data-measure="${id}"]`);
  const labelOf = async (page, id) => (await page.locator(`label[for=${id}]`).textContent()).replace(/\*/g, '').trim();


  it('the administrator creates the police, the NGO and the assistance centre and their users', async () => {
    await setUpAgenciesAndUsers(newPage, cfg.baseUrl, AGENCIES, USERS, REGION);
  });

  it('the police register the person and the victim case and share it with the NGO and the centre', async () => {
    const page = pages.police;
    await page.goto(`${cfg.baseUrl}/records/person/new`);
    await h1(page, 'Yeni qeyd: Şəxs');
    await page.locator('#f-pseudonym').fill(`REAB-${run}`);
    await page.locator('#f-last_name').fill('Uydurmalı');
    await page.locator('#f-first_name').fill('Sınaqgül');
    await page.locator('#f-sex').selectOption('female');
    ids.person = await createRecord(page, 'person');

    await page.locator('#tab-relations').click();
    await page.locator('a[data-create=victim_case]').click();
    await page.locator(`a#f-person[data-ref-id="${ids.person}"]`).waitFor();
    await page.locator('#f-case_number').fill(`REAB-${run}`);
    await page.locator('#f-registered_on').fill(TODAY);
    for (const type of ['ngo', 'assistance_center']) await page.locator(`#f-consent_share_with input[value=${type}]`).check();
    await page.locator('#f-consent_given_by').selectOption('person');
    await page.locator('#f-consent_recorded_on').fill(TODAY);
    ids.victimCase = await createRecord(page, 'victim_case');

    await page.locator('#tab-sharing').click();
    for (const key of ['ngo', 'center']) {
      await page.locator('#share-agency').selectOption({ label: AGENCIES[key].name });
      await page.locator('#share-reason').fill('Reabilitasiya planı üçün (sınaq)');
      await page.locator('form button[type=submit]', { hasText: AZ.shareButton }).click();
      await page.locator('[data-alert=success]', { hasText: AGENCIES[key].name }).waitFor();
    }
  });

  it("the NGO's case worker draws up a plan from the case and approves it with consent", async () => {
    const page = pages.ngo;
    await page.goto(`${cfg.baseUrl}/records/victim_case/${ids.victimCase}`);
    const section = page.getByTestId('rehabilitation-plans');
    await section.locator('h2', { hasText: 'Fərdi reabilitasiya planları' }).waitFor();
    await section.getByText('Bu iş üzrə hələ reabilitasiya planı yoxdur.').waitFor();
    await page.getByTestId('new-rehabilitation-plan').click();
    await h1(page, AZ.newPlan);
    // The case and the day are filled in; the labels are the schema's, in Azerbaijani.
    await page.locator(`a#f-victim_case[data-ref-id="${ids.victimCase}"]`, { hasText: `REAB-${run}` }).waitFor();
    assert.equal(await page.locator('#f-drawn_up_on').inputValue(), shownDate(LOCAL_TODAY));
    assert.equal(await labelOf(page, 'f-goals'), 'Məqsədlər');
    assert.equal(await labelOf(page, 'f-victim_participated'), 'Şəxs planın tərtibində iştirak edib');
    await page.locator('#f-needs').fill('Psixoloji dəstək, peşə hazırlığı, sənədlərin bərpası.');
    await page.locator('#f-goals').fill('Bir il ərzində işə düzəlmək və müstəqil yaşamaq.');
    await page.locator('#f-victim_participated').selectOption('true');
    await page.locator('#f-next_review_on').fill(dayFromToday(90));
    ids.plan = await createRecord(page, 'rehabilitation_plan');
    await page.locator('[data-testid=record-state]', { hasText: AZ.draft }).waitFor();
    await page.getByTestId('no-rehabilitation-measures').waitFor();

    await takeTransition(page, 'approve', async () => {
      assert.match(await page.locator('#transition-h').textContent(), /Razılıqla təsdiq et/);
      await page.locator('#t-consent_given_by').selectOption('person');
      assert.equal(await page.locator('#t-consent_on').inputValue(), shownDate(LOCAL_TODAY));
    });
    await page.locator('[data-testid=record-state]', { hasText: AZ.inForce }).waitFor();

    // The case lists the plan, in force.
    await page.goto(`${cfg.baseUrl}/records/victim_case/${ids.victimCase}`);
    await page.locator(`[data-testid=rehabilitation-plans] li[data-plan="${ids.plan}"][data-state=active]`, { hasText: AZ.inForce }).waitFor();
  });

  it('adds a measure for the NGO and an overdue one for the centre through the agency picker, and marks its own done', async () => {
    const page = pages.ngo;
    const addMeasure = async (title, kind, agencyKey, due) => {
      await page.goto(planUrl());
      await page.getByTestId('new-rehabilitation-measure').click();
      await h1(page, AZ.newMeasure);
      await page.locator(`a#f-plan[data-ref-id="${ids.plan}"]`).waitFor();
      await page.locator(`a#f-victim_case[data-ref-id="${ids.victimCase}"]`).waitFor();
      await page.locator('#f-kind').selectOption(kind);
      await page.locator('#f-title').fill(title);
      // An agency is chosen by name and region, not typed as a number.
      const picker = page.locator('select#f-responsible_agency_id');
      assert.equal(await labelOf(page, 'f-responsible_agency_id'), 'Məsul qurum');
      await picker.locator('option', { hasText: AGENCIES.center.name }).waitFor({ state: 'attached' });
      await picker.selectOption({ label: pickerLabel(agencyKey) });
      await page.locator('#f-due_on').fill(due);
      return createRecord(page, 'rehabilitation_measure');
    };
    ids.ngoMeasure = await addMeasure(NGO_MEASURE, 'psychological', 'ngo', NGO_DUE);
    await page.locator('[data-testid=record-state]', { hasText: AZ.planned }).waitFor();
    // The saved measure reads the agency by name, and the case the server took from the plan.
    const agency = page.locator('.tab-panel [data-field=responsible_agency_id] dd');
    await agency.filter({ hasText: AGENCIES.ngo.name }).waitFor();
    assert.equal(await readField(page, 'responsible_agency_id'), AGENCIES.ngo.name);
    await page.locator(`.tab-panel [data-field=victim_case] a[href="/records/victim_case/${ids.victimCase}"]`).waitFor();
    ids.centerMeasure = await addMeasure(CENTER_MEASURE, 'vocational_course', 'center', CENTER_DUE);
    await page.locator('[data-testid=deadlines] li.overdue', { hasText: 'Reabilitasiya tədbirinin müddəti' }).waitFor();

    await page.goto(`${cfg.baseUrl}/records/rehabilitation_measure/${ids.ngoMeasure}`);
    await page.locator('[data-testid=record-state]', { hasText: AZ.planned }).waitFor();
    await takeTransition(page, 'complete', async () => {
      assert.match(await page.locator('#transition-h').textContent(), new RegExp(AZ.done));
      assert.equal(await page.locator('#t-done_on').inputValue(), shownDate(LOCAL_TODAY));
    });
    await page.locator('[data-testid=record-state]', { hasText: AZ.doneState }).waitFor();
  });

  it('the plan page lists the measures: agencies by name, the late one marked', async () => {
    const page = pages.ngo;
    await page.goto(planUrl());
    await page.locator('[data-testid=record-state]', { hasText: AZ.inForce }).waitFor();
    const ngoRow = measureRow(page, ids.ngoMeasure);
    const centerRow = measureRow(page, ids.centerMeasure);
    await centerRow.waitFor();
    assert.equal(await page.locator('[data-testid=rehabilitation-measures] tbody tr').count(), 2);
    // By due day: the centre's (10 days ago) first.
    assert.equal(await page.locator('[data-testid=rehabilitation-measures] tbody tr').first().getAttribute('data-measure'), String(ids.centerMeasure));
    assert.equal(await ngoRow.getAttribute('data-state'), 'done');
    assert.equal(await ngoRow.getAttribute('data-overdue'), null);
    assert.equal((await ngoRow.getByTestId('responsible-agency').textContent()).trim(), AGENCIES.ngo.name);
    assert.match(await ngoRow.textContent(), new RegExp(AZ.doneState));
    assert.match(await ngoRow.textContent(), /Psixoloji/);
    assert.equal(await centerRow.getAttribute('data-state'), 'planned');
    assert.equal(await centerRow.getAttribute('data-overdue'), 'true');
    assert.equal((await centerRow.getByTestId('responsible-agency').textContent()).trim(), AGENCIES.center.name);
    assert.match(await centerRow.getByTestId('overdue').textContent(), /gecikib/);
    assert.match(await centerRow.textContent(), new RegExp(AZ.planned));
    assert.equal(
      (await page.getByTestId('rehabilitation-summary').textContent()).trim(),
      'Tədbirlər: 2; icra edilib: 1; icra olunmalıdır: 1 (gecikib: 1).',
    );
    const headings = (await page.locator('[data-testid=rehabilitation-measures] thead th').allTextContents()).map((s) => s.trim());
    assert.deepEqual(headings, ['Tədbir', 'Yardımın növü', 'Məsul qurum', 'İcra müddəti', 'Vəziyyət', 'İcra tarixi']);
    await screenshot(page, '95-rehabilitation-plan');
    await assertAccessible(page, 'the rehabilitation plan page');
  });

  it("the centre's case worker finds the overdue measure among its tasks; the NGO's does not", async () => {
    const center = pages.center;
    await center.goto(`${cfg.baseUrl}/`);
    await h1(center, AZ.home);
    const group = center.getByTestId('tasks-rehabilitation_measure_due');
    const task = group.locator(`a[href="/records/rehabilitation_measure/${ids.centerMeasure}"]`);
    await task.waitFor();
    assert.equal((await task.textContent()).trim(), CENTER_MEASURE);
    assert.match(await group.textContent(), /Reabilitasiya tədbirinin müddəti/);
    assert.match(await group.textContent(), /gecikib/);
    assert.equal(await group.locator(`a[href="/records/rehabilitation_measure/${ids.ngoMeasure}"]`).count(), 0);
    await screenshot(center, '96-rehabilitation-tasks');
    // The task opens the measure; the centre reads it and its agency by name.
    await task.click();
    await center.waitForURL(new RegExp(`/records/rehabilitation_measure/${ids.centerMeasure}$`));
    await center.locator('[data-testid=record-state]', { hasText: AZ.planned }).waitFor();
    const agency = center.locator('.tab-panel [data-field=responsible_agency_id] dd');
    await agency.filter({ hasText: AGENCIES.center.name }).waitFor(); // once the agencies are listed
    assert.equal(await readField(center, 'responsible_agency_id'), AGENCIES.center.name);

    const ngo = pages.ngo;
    await ngo.goto(`${cfg.baseUrl}/`);
    await h1(ngo, AZ.home);
    await ngo.locator('[aria-labelledby=tasks-h] .muted, [aria-labelledby=tasks-h] .task-group').first().waitFor();
    assert.equal(await ngo.locator(`[aria-labelledby=tasks-h] a[href="/records/rehabilitation_measure/${ids.centerMeasure}"]`).count(), 0);
    assert.equal(await ngo.getByTestId('tasks-rehabilitation_measure_due').count(), 0);
    assert.deepEqual(pageErrors, []);
  });
});
