// The screening from a victim case and the identification decision beside it, and the date
// fields' calendar, in Azerbaijani, on the server auth.test.mjs started with (issue 27): the
// police register a woman sexually exploited (the case's registration day picked from the
// calendar with the keyboard and the mouse: Azerbaijani month names, Page Up, arrows, Enter,
// Escape); the screening opened from the case is on the sexual-exploitation adult list and says
// why (the list can still be changed); saving it lands back on the case with a confirmation; the
// identify step shows the screening's result in words, its day and who screened. A second case, a
// boy of 16 in forced labour, has no screening: the identify step warns and leads to a screening on
// the child labour list.
//
// Runs after auth.test.mjs and before path.test.mjs (files run one at a time, in name order).
// All names are made up.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { assertAccessible, browserSuite, checkValue, createRecord, h1, screenshot, setUpAgenciesAndUsers, shownDate, takeTransition } from './lib.mjs';

const run = randomBytes(3).toString('hex');
// The agencies' region: a unit of the country's list no other test file's agencies are in (their
// region roles see only this file's records).
const REGION = 'kalbajar';
const AGENCIES = { police: { name: `Sınaq xüsusi polis skrininq ${run}`, type: 'special_police' } };
const USERS = { police: { login: `e2e.scr.police.${run}`, name: 'Sınaq Skrininq Müstəntiq', agency: 'police', role: 'police_investigator' } };
const AZ_MONTHS = ['yanvar', 'fevral', 'mart', 'aprel', 'may', 'iyun', 'iyul', 'avqust', 'sentyabr', 'oktyabr', 'noyabr', 'dekabr'];

function todayIso() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** A day as the case page reads it in Azerbaijani ("10 mart 2019"). */
function azDay(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  return `${d} ${AZ_MONTHS[m - 1]} ${y}`;
}

/** Waits for the calendar's focus to be on a day. */
async function focusedDay(page, iso) {
  await page.waitForFunction((d) => document.activeElement?.dataset.iso === d, iso, { timeout: 5000 });
}

async function newPerson(page, baseUrl, last, birth, sex) {
  await page.goto(`${baseUrl}/records/person/new`);
  await h1(page, 'Yeni qeyd: Şəxs');
  await page.locator('#f-pseudonym').fill(`SKR-${last}-${run}`);
  await page.locator('#f-last_name').fill(last);
  await page.locator('#f-first_name').fill('Sınaq');
  await page.locator('#f-sex').selectOption(sex);
  await page.locator('#f-birth').pressSequentially(birth);
  return createRecord(page, 'person');
}

async function caseForm(page, baseUrl, person, number) {
  await page.goto(`${baseUrl}/records/victim_case/new?person=${person}`);
  await page.locator(`a#f-person[data-ref-id="${person}"]`).waitFor();
  await page.locator('#f-case_number').fill(number);
  await page.locator('#f-consent_share_with input[value=ngo]').check();
  await page.locator('#f-consent_given_by').selectOption('person');
}

describe('the screening from a victim case and the decision beside it; the calendar, in Azerbaijani', () => {
  const { cfg, pages, pageErrors, newPage } = browserSuite('scr');
  const ids = {};

  it('the administrator creates the police unit and its investigator', async () => {
    await setUpAgenciesAndUsers(newPage, cfg.baseUrl, AGENCIES, USERS, REGION);
  });

  it("the case's days are picked from the calendar, with the keyboard and the mouse", async () => {
    const page = pages.police;
    ids.woman = await newPerson(page, cfg.baseUrl, 'Təqvimova', '22.06.1994', 'female');
    await caseForm(page, cfg.baseUrl, ids.woman, `SKR-2019-${run}`);
    const field = page.locator('#f-registered_on');
    const toggle = page.locator('button[data-calendar-for=f-registered_on]');
    const calendar = page.locator('#f-registered_on-calendar');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    assert.equal(await toggle.getAttribute('aria-label'), 'Təqvimdən tarix seçin');
    // Opened on the day typed, the focus on it; the month named in Azerbaijani, Monday first.
    await field.pressSequentially('15.03.2019');
    await toggle.click();
    await calendar.waitFor();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    assert.equal(await calendar.getAttribute('role'), 'dialog');
    assert.equal((await calendar.locator('.calendar-title').textContent()).trim(), 'Mart 2019');
    await focusedDay(page, '2019-03-15');
    assert.equal(await calendar.locator('th').first().getAttribute('abbr'), 'bazar ertəsi');
    assert.equal(await calendar.locator('button[data-iso="2019-03-15"]').getAttribute('aria-pressed'), 'true');
    assert.match(await calendar.locator('button[data-iso="2019-03-10"]').getAttribute('aria-label'), /^bazar, 10 mart 2019$/);
    await screenshot(page, '90-calendar');
    await assertAccessible(page, 'the victim case form with the calendar open');
    // The keyboard: a day on, a month back, Home to Monday; Enter picks it.
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('PageUp');
    await calendar.locator('.calendar-title', { hasText: 'Fevral 2019' }).waitFor();
    await focusedDay(page, '2019-02-16');
    await page.keyboard.press('Home');
    await focusedDay(page, '2019-02-11');
    await page.keyboard.press('ArrowDown');
    // As a user would, Enter once the day reached has the focus (a loaded CI machine renders late).
    await focusedDay(page, '2019-02-18');
    await page.keyboard.press('Enter');
    await calendar.waitFor({ state: 'detached' });
    assert.equal(await field.inputValue(), '18.02.2019');
    assert.equal(await field.getAttribute('data-iso'), '2019-02-18');
    await page.waitForFunction(() => document.activeElement?.id === 'f-registered_on', undefined, { timeout: 5000 });
    // Escape closes it and gives the focus back to its button; Alt+ArrowDown opens it from the text.
    await field.press('Alt+ArrowDown');
    await calendar.waitFor();
    // Escape once the calendar has the focus (its effect moves it there; a busy machine is late).
    await focusedDay(page, '2019-02-18');
    await page.keyboard.press('Escape');
    await calendar.waitFor({ state: 'detached' });
    await page.waitForFunction(() => document.activeElement?.dataset.calendarFor === 'f-registered_on', undefined, { timeout: 5000 });
    // The mouse: the next month's arrow, then a day.
    await toggle.click();
    await calendar.locator('button[data-step="1"]').click();
    await calendar.locator('.calendar-title', { hasText: 'Mart 2019' }).waitFor();
    await calendar.locator('button[data-iso="2019-03-01"]').click();
    await calendar.waitFor({ state: 'detached' });
    assert.equal(await field.inputValue(), '01.03.2019');
    // The consent's day from the calendar's "today".
    await page.locator('button[data-calendar-for=f-consent_recorded_on]').click();
    await page.locator('#f-consent_recorded_on-calendar [data-action=today]').click();
    assert.equal(await page.locator('#f-consent_recorded_on').getAttribute('data-iso'), todayIso());
    await checkValue(page, 'f-forms_of_exploitation', 'sexual_prostitution');
    ids.womanCase = await createRecord(page, 'victim_case');
    // The case opens in read mode: the day picked, as dd.mm.yyyy.
    assert.equal((await page.locator('[data-section=case] [data-field=registered_on] dd').textContent()).trim(), '01.03.2019');
    assert.deepEqual(pageErrors, []);
  });

  it('the screening from a case of sexual exploitation opens on the sexual list and says why; saving lands on the case', async () => {
    const page = pages.police;
    await page.locator('#tab-relations').click();
    await page.locator('a[data-create=screening]').click();
    await h1(page, 'İdentifikasiya skrininqi');
    const reason = page.getByTestId('screening-list-reason');
    await reason.waitFor();
    assert.equal(await reason.getAttribute('data-focus'), 'sexual');
    assert.equal(await reason.getAttribute('data-child'), 'false');
    assert.equal(await page.locator('#sc-exploitation_focus').inputValue(), 'sexual');
    assert.equal(await page.locator('#sc-is_child').inputValue(), 'false');
    const why = await reason.textContent();
    assert.match(why, /Cinsi istismar siyahısı: işdə Cinsi istismar – fahişəlik qeyd olunub\./);
    assert.match(why, /Böyüklər siyahısı: yoxlama günü \d+ yaşı var\./);
    // Still the user's to change (and the page says so); back to the sexual list.
    // The questions are the adult sexual-exploitation list's.
    await page.locator('section[data-list=adult_sexual] [data-dimension] input[value=yes]').first().waitFor();
    await page.locator('#sc-exploitation_focus').selectOption('labour');
    await page.getByTestId('screening-list-changed').waitFor();
    await page.locator('section[data-list=adult_labour] [data-dimension]').first().waitFor();
    await page.locator('#sc-exploitation_focus').selectOption('sexual');
    await page.getByTestId('screening-list-changed').waitFor({ state: 'detached' });
    await page.locator('section[data-list=adult_sexual] [data-dimension]').first().waitFor();
    await page.waitForLoadState('networkidle');
    for (const radio of await page.locator('[data-dimension] input[value=yes]').all()) await radio.check();
    await page.locator('[data-testid=screening-result][data-result=indicated]').waitFor();
    await screenshot(page, '91-screening-sexual');
    await assertAccessible(page, 'the screening on the sexual list');
    await page.locator('form button[type=submit]').click();
    await page.waitForURL(new RegExp(`/records/victim_case/${ids.womanCase}\\?screened=\\d+$`));
    const saved = page.getByTestId('screening-saved');
    await saved.waitFor();
    ids.screening = Number(new URL(page.url()).searchParams.get('screened'));
    assert.match(await saved.textContent(), new RegExp(`Skrininq № ${ids.screening} saxlanıldı`));
    assert.equal(await saved.locator('a').getAttribute('href'), `/records/screening/${ids.screening}`);
  });

  it('the identify step shows the latest screening: its result in words, day and who screened', async () => {
    const page = pages.police;
    await takeTransition(page, 'identify', async () => {
      const box = page.locator('.transition-panel [data-testid=decision-screening]');
      await box.waitFor();
      assert.equal(await box.getAttribute('data-result'), 'indicated');
      assert.equal(await box.getAttribute('data-screening'), String(ids.screening));
      assert.equal((await box.getByTestId('decision-screening-result').textContent()).trim(), 'Qurban olma əlamətləri var (qayda ödənilir)');
      assert.equal((await box.getByTestId('decision-screening-date').textContent()).trim(), azDay(todayIso()));
      assert.equal((await box.getByTestId('decision-screening-by').textContent()).trim(), USERS.police.name);
      assert.match(await box.textContent(), /Cinsi istismar, böyük/);
      await screenshot(page, '92-identify-with-screening');
      await assertAccessible(page, 'the identify step with the screening');
      await page.locator('#t-decision_date').fill('10.03.2019');
    });
    await page.locator('[data-testid=record-state]', { hasText: 'Qurban kimi tanınıb' }).waitFor();
  });

  it('a case with no screening: the identify step warns and leads to the child labour list for a boy of 16', async () => {
    const page = pages.police;
    const now = new Date();
    const birthYear = now.getFullYear() - 16;
    ids.boy = await newPerson(page, cfg.baseUrl, 'Əməkov', `01.01.${birthYear}`, 'male');
    await caseForm(page, cfg.baseUrl, ids.boy, `SKR-U-${run}`);
    await page.locator('#f-registered_on').pressSequentially(shownDate(todayIso()));
    await page.locator('#f-consent_recorded_on').pressSequentially(shownDate(todayIso()));
    await checkValue(page, 'f-forms_of_exploitation', 'forced_labour');
    ids.boyCase = await createRecord(page, 'victim_case');
    await page.locator('[data-transition=identify]').click();
    const warning = page.locator('.transition-panel [data-testid=decision-no-screening]');
    await warning.waitFor();
    assert.match(await warning.textContent(), /skrininq qeyd olunmayıb/);
    await assertAccessible(page, 'the identify step without a screening');
    await warning.locator('[data-action=screen-now]').click();
    await h1(page, 'İdentifikasiya skrininqi');
    const reason = page.getByTestId('screening-list-reason');
    await reason.waitFor();
    assert.equal(await reason.getAttribute('data-focus'), 'labour');
    assert.equal(await reason.getAttribute('data-child'), 'true');
    assert.equal(await page.locator('#sc-is_child').inputValue(), 'true');
    const why = await reason.textContent();
    assert.match(why, /Əmək istismarı siyahısı: işdə Məcburi əmək və ya xidmət qeyd olunub\./);
    assert.match(why, /Uşaq siyahısı: yoxlama günü 16 yaşı var\./);
    // The child labour list's questions, and the child's interview fields.
    await page.locator('section[data-list=child_labour] [data-dimension]').first().waitFor();
    await page.locator('#sc-legal_representative_present').waitFor();
    await page.locator('[data-dimension] input[value=yes]').first().waitFor();
    await screenshot(page, '93-screening-child-labour');
    assert.deepEqual(pageErrors, []);
  });
});
