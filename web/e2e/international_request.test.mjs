// International requests in the browser, in Azerbaijani (P4), on the server auth.test.mjs started
// with: the administrator creates the coordinator's office and a ministry with the office's user
// and the ministry's focal point. The coordinator records a request of a UN Special Rapporteur
// whose answer is already due, asks the ministry for a contribution (the request and today filled
// in, the ministry chosen with the agency picker, its name filled in) due in the past, and shares
// it with the ministry. The focal point finds the overdue contribution among its home tasks, opens
// it and submits it; the coordinator accepts it. The request page lists the contribution
// (accepted, the ministry by name, its submitted day) and offers no bare "answer" step; the
// coordinator sends the answer quoting victims identified last year, first with the period
// "20x0" (the server's error at that row's period, nothing written), then with the year: the
// request is answered and its page shows the one figure quoted, as it was that day.
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
  shownDate,
  readField,
} from './lib.mjs';

const run = randomBytes(3).toString('hex');
// The agencies' region: a unit of the country's list no other test file's agencies are in (their
// region roles see only this file's records).
const REGION = 'shusha';
const REGION_NAME = 'Şuşa';
const AGENCIES = {
  coordinator: { name: `Sınaq koordinator aparatı (sorğular) ${run}`, type: 'coordinator' },
  ministry: { name: `Sınaq Ailə Komitəsi ${run}`, type: 'ministry' },
};
const USERS = {
  coordinator: { login: `e2e.intl.koord.${run}`, name: 'Sınaq Sorğu Koordinatoru', agency: 'coordinator', role: 'coordinator', totp: false },
  focal: { login: `e2e.intl.fokal.${run}`, name: 'Sınaq Komitə Əlaqələndiricisi', agency: 'ministry', role: 'focal_point', totp: false },
};
/** Today in the browser's (this machine's) zone, as the app fills dates in. */
const LOCAL_TODAY = ((d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`)(new Date());
const LAST_YEAR = String(new Date().getFullYear() - 1);
const AZ = {
  home: 'Əsas səhifə',
  newRequest: 'Yeni qeyd: Beynəlxalq qurumun sorğusu',
  newContribution: 'Yeni qeyd: Sorğuya töhfə',
  received: 'Daxil olub',
  answered: 'Cavab göndərilib',
  requested: 'Gözlənilir',
  submitted: 'Təqdim edilib',
  accepted: 'Qəbul edilib',
  quoted: 'Cavabda göstərilmiş rəqəmlər (həmin gün olduğu kimi)',
};
const TITLE = `Qadın və uşaq alverinə dair sorğu vərəqəsi (sınaq ${run})`;

describe('international requests and their answers, in Azerbaijani', () => {
  const { cfg, pages, pageErrors, newPage } = browserSuite('intl');
  const ids = {};
  const requestUrl = () => `${cfg.baseUrl}/records/international_request/${ids.request}`;
  const contributionRow = (page) => page.locator(`[data-testid=contributions] tr[data-contribution="${ids.contribution}"]`);


  it("the administrator creates the coordinator's office, the ministry and their users", async () => {
    await setUpAgenciesAndUsers(newPage, cfg.baseUrl, AGENCIES, USERS, REGION);
  });

  it('the coordinator records the request and asks the ministry for an overdue contribution', async () => {
    const page = pages.coordinator;
    await page.goto(`${cfg.baseUrl}/records/international_request/new`);
    await h1(page, AZ.newRequest);
    await page.locator('#f-body').selectOption('un_special_rapporteur');
    await page.locator('#f-title').fill(TITLE);
    await page.locator('#f-received_on').fill(dayFromToday(-40));
    await page.locator('#f-deadline').fill(dayFromToday(-3));
    await page.locator('#f-questions').fill('1. Son beş ildə müəyyən edilmiş qurbanların sayı.');
    ids.request = await createRecord(page, 'international_request');
    await page.locator('[data-testid=record-state]', { hasText: AZ.received }).waitFor();
    // The answer is due already; the request is answered through its own form, not a bare step.
    await page.locator('[data-testid=deadlines] li.overdue', { hasText: 'Beynəlxalq sorğuya cavab' }).waitFor();
    await page.getByTestId('open-answer').waitFor();
    assert.equal(await page.locator('[data-transition=answer]').count(), 0);
    await page.locator('[data-transition=prepare]').waitFor();
    const section = page.getByTestId('request-contributions');
    await section.locator('h2', { hasText: 'Qurumların töhfələri' }).waitFor();
    await page.getByTestId('no-contributions').waitFor();
    assert.equal(await page.getByTestId('quoted-figures-section').count(), 0);

    await page.getByTestId('new-contribution').click();
    await h1(page, AZ.newContribution);
    await page.locator(`a#f-request[data-ref-id="${ids.request}"]`).waitFor();
    assert.equal(await page.locator('#f-asked_on').inputValue(), shownDate(LOCAL_TODAY));
    const picker = page.locator('select#f-contributing_agency_id');
    await picker.locator('option', { hasText: AGENCIES.ministry.name }).waitFor({ state: 'attached' });
    await picker.selectOption({ label: `${AGENCIES.ministry.name} (${REGION_NAME})` });
    // The body's name (the contribution's title) follows the agency chosen.
    assert.equal(await page.locator('#f-body_name').inputValue(), AGENCIES.ministry.name);
    await page.locator('#f-due_on').fill(dayFromToday(-5));
    await page.locator('#f-questions').fill('Erkən nikahın qarşısının alınması üzrə görülmüş tədbirlər.');
    ids.contribution = await createRecord(page, 'request_contribution');
    await page.locator('[data-testid=record-state]', { hasText: AZ.requested }).waitFor();

    await page.locator('#tab-sharing').click();
    await page.locator('#share-agency').selectOption({ label: AGENCIES.ministry.name });
    await page.locator('#share-reason').fill('Beynəlxalq sorğuya töhfə (sınaq)');
    await page.locator('form button[type=submit]', { hasText: 'Paylaş' }).click();
    await page.locator('[data-alert=success]', { hasText: AGENCIES.ministry.name }).waitFor();

    // The request lists it, overdue.
    await page.goto(requestUrl());
    await contributionRow(page).waitFor();
    assert.equal(await contributionRow(page).getAttribute('data-overdue'), 'true');
    assert.equal(await contributionRow(page).getAttribute('data-state'), 'requested');
    assert.match(await contributionRow(page).getByTestId('overdue').textContent(), /gecikib/);
  });

  it('the focal point finds the overdue contribution among its tasks, opens it and submits it', async () => {
    const page = pages.focal;
    await page.goto(`${cfg.baseUrl}/`);
    await h1(page, AZ.home);
    const group = page.getByTestId('tasks-contribution_due');
    const task = group.locator(`a[href="/records/request_contribution/${ids.contribution}"]`);
    await task.waitFor();
    assert.equal((await task.textContent()).trim(), AGENCIES.ministry.name);
    assert.match(await group.textContent(), /Beynəlxalq sorğuya töhfə/);
    assert.match(await group.textContent(), /gecikib/);
    await screenshot(page, '97-contribution-task');
    await task.click();
    await page.waitForURL(new RegExp(`/records/request_contribution/${ids.contribution}$`));
    await page.locator('[data-testid=record-state]', { hasText: AZ.requested }).waitFor();
    await takeTransition(page, 'submit', async () => {
      assert.match(await page.locator('#transition-h').textContent(), /Təqdim et/);
      assert.equal(await page.locator('#t-submitted_on').inputValue(), shownDate(LOCAL_TODAY));
      await page.locator('#t-contribution').fill('Komitə 2023-cü ildə erkən nikahın qarşısının alınmasına dair 14 seminar keçirib.');
    });
    await page.locator('[data-testid=record-state]', { hasText: AZ.submitted }).waitFor();
    // No longer its task.
    await page.goto(`${cfg.baseUrl}/`);
    await h1(page, AZ.home);
    await page.locator('[aria-labelledby=tasks-h] .muted, [aria-labelledby=tasks-h] .task-group').first().waitFor();
    assert.equal(await page.locator(`[aria-labelledby=tasks-h] a[href="/records/request_contribution/${ids.contribution}"]`).count(), 0);
  });

  it('the coordinator accepts the contribution; the request lists it accepted', async () => {
    const page = pages.coordinator;
    await page.goto(`${cfg.baseUrl}/records/request_contribution/${ids.contribution}`);
    await page.locator('[data-testid=record-state]', { hasText: AZ.submitted }).waitFor();
    await takeTransition(page, 'accept');
    await page.locator('[data-testid=record-state]', { hasText: AZ.accepted }).waitFor();

    await page.goto(requestUrl());
    const row = contributionRow(page);
    await row.waitFor();
    assert.equal(await row.getAttribute('data-state'), 'accepted');
    assert.equal(await row.getAttribute('data-overdue'), null);
    assert.equal((await row.getByTestId('contributing-body').textContent()).trim(), AGENCIES.ministry.name);
    assert.match(await row.textContent(), new RegExp(AZ.accepted));
    const headings = (await page.locator('[data-testid=contributions] thead th').allTextContents()).map((s) => s.trim());
    assert.deepEqual(headings, ['Töhfə verən qurum', 'Töhfənin müddəti', 'Vəziyyət', 'Təqdim tarixi']);
  });

  it('the coordinator sends the answer quoting a figure: a bad period is shown at its row, then the answer goes', async () => {
    const page = pages.coordinator;
    await page.goto(requestUrl());
    await page.locator('[data-testid=record-state]', { hasText: AZ.received }).waitFor();
    await page.getByTestId('open-answer').click();
    const form = page.getByTestId('answer-form');
    await form.locator('#answer-h', { hasText: 'Cavabın göndərilməsi' }).waitFor();
    assert.equal(await page.locator('#answer-answered_on').inputValue(), shownDate(LOCAL_TODAY));
    await page.locator('#answer-answer_text').fill(`Hörmətli xüsusi məruzəçi, ${LAST_YEAR}-ci ildə müəyyən edilmiş qurbanların sayı əlavə olunur.`);
    // Two rows: the second one added and removed again.
    await page.getByTestId('add-figure').click();
    const rows = form.locator('[data-figure-row]');
    assert.equal(await rows.count(), 2);
    await rows.nth(1).locator('[data-action=remove-figure]').click();
    assert.equal(await rows.count(), 1);
    const row = rows.first();
    const indicator = row.locator('[data-part=indicator] select');
    await indicator.locator('option[value=victims_identified]').waitFor({ state: 'attached' });
    await indicator.selectOption('victims_identified');
    await row.locator('[data-part=period] input').fill('20x0');
    const [bad] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && /\/international-requests\/\d+\/answer$/.test(r.url())),
      page.getByTestId('send-answer').click(),
    ]);
    assert.equal(bad.status(), 422);
    assert.equal(bad.request().headers()['if-match'], '"1"');
    // The error is at that row's period, in Azerbaijani; the indicator is fine.
    const periodError = row.locator('[data-part=period] .field-error');
    await periodError.waitFor();
    assert.match(await periodError.textContent(), /Dövrü il \(2019\)/);
    assert.equal(await row.locator('[data-part=period] input').getAttribute('aria-invalid'), 'true');
    assert.equal(await row.locator('[data-part=indicator] .field-error').count(), 0);
    await form.locator('[data-alert=error]', { hasText: 'Formada səhvlər var' }).waitFor();
    await page.locator('[data-testid=record-state]', { hasText: AZ.received }).waitFor();
    await screenshot(page, '98-answer-period-error');
    await assertAccessible(page, 'the answer form with an error');

    await row.locator('[data-part=period] input').fill(LAST_YEAR);
    const [good] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && /\/international-requests\/\d+\/answer$/.test(r.url())),
      page.getByTestId('send-answer').click(),
    ]);
    assert.equal(good.status(), 200, await good.text());
    await page.locator('[data-testid=record-state]', { hasText: AZ.answered }).waitFor();
    await page.locator('[data-alert=success]', { hasText: 'Cavab göndərildi; göstərilən rəqəmlər: 1.' }).waitFor();
    assert.equal(await page.getByTestId('answer-form').count(), 0);
    assert.equal(await page.getByTestId('open-answer').count(), 0);
    // The answer's day and text are on the request now.
    assert.equal(await readField(page, 'answered_on'), shownDate(LOCAL_TODAY));
    assert.match(await readField(page, 'answer_text'), /xüsusi məruzəçi/);
  });

  it('the request page shows the answered state and the one figure quoted, as it was that day', async () => {
    const page = pages.coordinator;
    await page.goto(requestUrl());
    await page.locator('[data-testid=record-state]', { hasText: AZ.answered }).waitFor();
    const section = page.getByTestId('quoted-figures-section');
    await section.locator('h2', { hasText: AZ.quoted }).waitFor();
    const quoted = section.locator('[data-testid=quoted-figures] tbody tr');
    await quoted.first().waitFor();
    assert.equal(await quoted.count(), 1);
    const q = quoted.first();
    assert.equal(await q.getAttribute('data-indicator'), 'victims_identified');
    assert.equal(await q.getAttribute('data-period'), LAST_YEAR);
    assert.equal((await q.getByTestId('quoted-period').textContent()).trim(), LAST_YEAR);
    assert.equal((await q.getByTestId('quoted-version').textContent()).trim(), '1');
    assert.ok((await q.getByTestId('quoted-value').textContent()).trim().length > 0);
    // The indicator by its name in Azerbaijani, not its id.
    assert.doesNotMatch(await q.locator('th').textContent(), /victims_identified/);
    const headings = (await section.locator('thead th').allTextContents()).map((s) => s.trim());
    assert.deepEqual(headings, ['Göstəricinin adı', 'Dövr', 'Göstərilən', 'Nəşr', 'Hesablanıb', 'Göstəricinin versiyası']);
    // Answered: no answer form, no new contribution, the answer no longer a task.
    assert.equal(await page.getByTestId('open-answer').count(), 0);
    assert.equal(await page.getByTestId('new-contribution').count(), 0);
    assert.equal(await page.locator('[data-testid=deadlines] li.overdue').count(), 0);
    await contributionRow(page).waitFor();
    await screenshot(page, '99-international-request');
    await assertAccessible(page, 'the international request page');
    assert.deepEqual(pageErrors, []);
  });
});
