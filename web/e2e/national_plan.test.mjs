// Action plans in the browser, in Azerbaijani (docs/prevention-plans-cooperation.md, P3), on the
// server auth.test.mjs started with: the administrator creates the coordinator's office and a
// ministry with its focal point. The coordinator writes a plan and a measure whose due day has
// passed and shares the measure with the ministry; the focal point finds it overdue on the plan
// dashboard and among the home page's tasks, and files a progress report from the dashboard (the
// measure, body and period filled in) with an evidence PDF; the coordinator accepts the report and
// marks the measure done; the dashboard shows it done and no longer overdue.
//
// Named so that it runs after auth.test.mjs and before path.test.mjs (files run one at a time,
// in name order). All names are made up.
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
} from './lib.mjs';

const run = randomBytes(3).toString('hex');
const AGENCIES = {
  ministry: { name: `Sınaq Təhsil Nazirliyi ${run}`, type: 'education' },
  coordinator: { name: `Sınaq koordinator aparatı ${run}`, type: 'coordinator' },
};
const USERS = {
  coordinator: { login: `e2e.plan.koord.${run}`, name: 'Sınaq Plan Koordinatoru', agency: 'coordinator', role: 'coordinator', totp: false },
  focal: { login: `e2e.plan.fokal.${run}`, name: 'Sınaq Əlaqələndirici', agency: 'ministry', role: 'focal_point', totp: false },
};
const AZ = {
  nav: 'Fəaliyyət planları',
  title: 'Fəaliyyət planlarının icrası',
  newRecord: 'Yeni qeyd',
  open: 'İcradadır',
  done: 'İcra edilib',
  submitted: 'Təqdim edilib',
  accepted: 'Qəbul edilib',
  inProgress: 'İcra edilir',
};
const PLAN = `Sınaq Milli Fəaliyyət Planı ${run}`;
const DUE = dayFromToday(-20);
const YEAR = DUE.slice(0, 4);

/** A small valid PDF (header, one empty object, trailer, end marker). */
function pdf() {
  return Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
}

/** Opens the plan dashboard from the navigation at our plan and the measure's year. */
async function openDashboard(page, planId) {
  await page.locator('nav a', { hasText: AZ.nav }).click();
  await h1(page, AZ.title);
  await page.locator('#plans-plan').selectOption(String(planId));
  await page.locator('#plans-year').selectOption(YEAR);
  await page.locator('[data-testid=plan-measures]').waitFor();
}

describe('action plans, in Azerbaijani', () => {
  const { cfg, pages, pageErrors, newPage } = browserSuite('plan');
  const ids = {};
  const row = (page) => page.locator(`[data-testid=plan-measures] tr[data-measure="${ids.measure}"]`);


  it("the administrator creates the coordinator's office, the ministry and their users", async () => {
    await setUpAgenciesAndUsers(newPage, cfg.baseUrl, AGENCIES, USERS, 'fuzuli');
  });

  it('the coordinator writes a plan and an overdue measure and shares it with the ministry', async () => {
    const page = pages.coordinator;
    await page.locator('nav a', { hasText: AZ.nav }).click();
    await h1(page, AZ.title);
    await page.getByTestId('new-plan').click();
    await h1(page, AZ.newRecord);
    await page.locator('#f-title_az').fill(PLAN);
    await page.locator('#f-period_from').fill(String(Number(YEAR) - 1));
    await page.locator('#f-period_to').fill(String(Number(YEAR) + 1));
    ids.plan = await createRecord(page, 'action_plan');

    await page.locator('nav a', { hasText: AZ.nav }).click();
    await h1(page, AZ.title);
    await page.locator('#plans-plan').selectOption(String(ids.plan));
    await page.getByTestId('no-measures').waitFor();
    await page.getByTestId('new-measure').click();
    await h1(page, AZ.newRecord);
    await page.locator(`a#f-plan[data-ref-id="${ids.plan}"]`).waitFor();
    await page.locator('#f-number').fill('7.11');
    await page.locator('#f-chapter').fill('Uşaqların müdafiəsi');
    await page.locator('#f-text_az').fill('Risk qrupundakı uşaqlar üçün məktəblərdə maarifləndirmə');
    await page.locator('#f-text_en').fill('Awareness-raising in schools for children at risk');
    await page.locator('#f-text_ru').fill('Просвещение в школах для детей из групп риска');
    await page.locator('#f-responsible_body').fill(AGENCIES.ministry.name);
    await page.locator('#f-due_on').fill(DUE);
    ids.measure = await createRecord(page, 'plan_measure');
    await page.locator('[data-testid=record-state]', { hasText: AZ.open }).waitFor();

    await page.locator('#tab-sharing').click();
    await page.locator('#share-agency').selectOption({ label: AGENCIES.ministry.name });
    await page.locator('#share-reason').fill('Məsul icraçı (sınaq)');
    await page.locator('form button[type=submit]', { hasText: 'Paylaş' }).click();
    await page.locator('[data-alert=success]', { hasText: AGENCIES.ministry.name }).waitFor();
  });

  it('the focal point finds the measure overdue among its tasks and on the dashboard', async () => {
    const page = pages.focal;
    await page.goto(`${cfg.baseUrl}/`);
    await h1(page, 'Əsas səhifə');
    const task = page.locator(`[data-testid=tasks-measure_due] a[href="/records/plan_measure/${ids.measure}"]`);
    await task.waitFor();
    assert.match(await page.getByTestId('tasks-measure_due').textContent(), /gecikib/i);
    await screenshot(page, '90-plan-tasks');
    await page.getByTestId('tasks-measure_due').getByTestId('plans-link').click();
    await h1(page, AZ.title);
    await page.locator('#plans-plan').selectOption(String(ids.plan));
    await page.locator('#plans-year').selectOption(YEAR);
    await row(page).waitFor();
    // The focal point sees its own body's measures only: this one.
    assert.equal(await page.locator('[data-testid=plan-measures] tr[data-measure]').count(), 1);
    assert.equal(await row(page).getAttribute('data-overdue'), 'true');
    assert.equal(await row(page).getAttribute('data-state'), 'open');
    assert.match(await row(page).textContent(), /Risk qrupundakı uşaqlar/);
    assert.match(await row(page).getByTestId('overdue').textContent(), /gecikib/);
    assert.match(await page.locator('[data-testid=plan-measures] tbody[data-chapter="Uşaqların müdafiəsi"]').textContent(), /7\.11/);
    const totals = page.locator(`[data-testid=plan-totals] tr[data-body="${AGENCIES.ministry.name}"]`);
    assert.equal((await totals.locator('[data-count=overdue]').textContent()).trim(), '1');
    assert.equal((await totals.locator('[data-count=done]').textContent()).trim(), '0');
    // No implementation report for a focal point.
    assert.equal(await page.getByTestId('implementation-report').count(), 0);
    await screenshot(page, '91-plan-dashboard-overdue');
    await assertAccessible(page, 'the plan dashboard');
  });

  it('the focal point files a progress report with an evidence PDF from the dashboard', async () => {
    const page = pages.focal;
    await row(page).locator('a[data-action=report]').click();
    await h1(page, AZ.newRecord);
    await page.locator(`a#f-measure[data-ref-id="${ids.measure}"]`).waitFor();
    assert.equal(await page.locator('#f-body').inputValue(), AGENCIES.ministry.name);
    assert.equal(await page.locator('#f-period').inputValue(), YEAR);
    await page.locator('#f-status').selectOption('in_progress');
    await page.locator('#f-report').fill('Məktəblərdə 12 seminar keçirilib, 640 şagird iştirak edib.');
    await page.locator('#f-evidence').setInputFiles({ name: 'seminarlar-sınaq.pdf', mimeType: 'application/pdf', buffer: pdf() });
    await page.locator('[data-field=evidence] a', { hasText: 'seminarlar-sınaq.pdf' }).waitFor();
    await screenshot(page, '92-progress-report-form');
    ids.report = await createRecord(page, 'progress_report');
    await page.locator('[data-testid=record-state]', { hasText: AZ.submitted }).waitFor();
    await page.locator('[data-field=evidence] a', { hasText: 'seminarlar-sınaq.pdf' }).waitFor();

    await openDashboard(page, ids.plan);
    const latest = row(page).getByTestId('latest-report');
    await latest.locator(`a[href="/records/progress_report/${ids.report}"][data-report-state=submitted]`).waitFor();
    assert.match(await latest.textContent(), new RegExp(`${YEAR}: ${AZ.inProgress}`));
  });

  it('the coordinator accepts the report and marks the measure done; the dashboard shows it done', async () => {
    const page = pages.coordinator;
    await openDashboard(page, ids.plan);
    assert.equal(await row(page).getAttribute('data-overdue'), 'true');
    const pdfLink = page.locator('[data-testid=implementation-report] a[data-format=pdf]');
    assert.equal(await pdfLink.getAttribute('href'), `/api/v1/plans/${ids.plan}/implementation-report?year=${YEAR}&lang=az&format=pdf`);
    assert.match(await page.locator('[data-testid=implementation-report] a[data-format=odt]').getAttribute('href'), /format=odt$/);
    await row(page).locator(`a[href="/records/progress_report/${ids.report}"]`).click();
    await page.waitForURL(new RegExp(`/records/progress_report/${ids.report}$`));
    await page.locator('[data-testid=record-state]', { hasText: AZ.submitted }).waitFor();
    await takeTransition(page, 'accept');
    await page.locator('[data-testid=record-state]', { hasText: AZ.accepted }).waitFor();

    await page.goto(`${cfg.baseUrl}/records/plan_measure/${ids.measure}`);
    await page.locator('[data-testid=record-state]', { hasText: AZ.open }).waitFor();
    await takeTransition(page, 'mark_done');
    await page.locator('[data-testid=record-state]', { hasText: AZ.done }).waitFor();
    await page.getByTestId('plan-dashboard-link').click();
    await h1(page, AZ.title);
    await page.locator('#plans-year').selectOption(YEAR);
    await row(page).waitFor();
    assert.equal(await row(page).getAttribute('data-state'), 'done');
    assert.equal(await row(page).getAttribute('data-overdue'), null);
    assert.equal(await row(page).getByTestId('overdue').count(), 0);
    await row(page).locator('[data-report-state=accepted]').waitFor();
    const totals = page.locator(`[data-testid=plan-totals] tr[data-body="${AGENCIES.ministry.name}"]`);
    assert.equal((await totals.locator('[data-count=done]').textContent()).trim(), '1');
    assert.equal((await totals.locator('[data-count=overdue]').textContent()).trim(), '0');
    await screenshot(page, '93-plan-dashboard-done');
    await assertAccessible(page, 'the plan dashboard of the office');
  });

  it('the focal point sees the measure done, and no longer among its overdue tasks', async () => {
    const page = pages.focal;
    await openDashboard(page, ids.plan);
    await row(page).locator('[data-report-state=accepted]').waitFor();
    assert.equal(await row(page).getAttribute('data-state'), 'done');
    assert.equal(await row(page).getAttribute('data-overdue'), null);
    assert.match(await row(page).textContent(), new RegExp(AZ.done));
    await page.goto(`${cfg.baseUrl}/`);
    await h1(page, 'Əsas səhifə');
    await page.locator('[aria-labelledby=tasks-h] .muted, [aria-labelledby=tasks-h] .task-group').first().waitFor();
    assert.equal(await page.locator(`[data-testid=tasks-measure_due] a[href="/records/plan_measure/${ids.measure}"]`).count(), 0);
    assert.deepEqual(pageErrors, []);
  });
});
