// The child-protection screens in the browser, in Azerbaijani, on the server auth.test.mjs
// started with: a DOST worker (child protection officer) fills a raid sheet — a new raid and two
// children, keyboard first — whose first save is refused at the row and cell that lack a value,
// and whose second save creates everything in one import; the commission's secretary records a
// decision from the inbox; the DOST worker finds an overdue visit in the visit calendar and
// records it.
//
// Runs after auth.test.mjs and before path.test.mjs (files run one at a time, in name order): it
// signs the administrator in with the state auth.test.mjs saved, and leaves that state for
// path.test.mjs. Its agencies and users are its own, so it does not depend on child.test.mjs.
// All names are made up.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  assertAccessible,
  browserSuite,
  createRecord,
  h1,
  pickRecord,
  screenshot,
  setUpAgenciesAndUsers,
} from './lib.mjs';

const run = randomBytes(3).toString('hex');
const AZ = {
  home: 'Əsas səhifə',
  changeTitle: 'Şifrənin dəyişdirilməsi',
  totpTitle: 'İkinci amili quraşdırın',
  totpStart: 'Başla',
  sheet: 'Reyd vərəqi',
  visits: 'Səfər təqvimi',
  commissionNav: 'Komissiyanın materialları',
  commission: 'Komissiyanın daxil olan materialları',
  visitDone: 'Baş çəkilib',
};
// One region of their own: the secretary sees the materials of the agencies of that region (an
// agency without a region shares its records with no other agency).
// The agencies' region: a unit of the country's list no other test file's agencies are in (their
// region roles see only this file's records).
const REGION = 'zangilan';
const AGENCIES = {
  dost: { name: `Sınaq DOST vərəq ${run}`, type: 'child_protection' },
  commission: { name: `Sınaq komissiya vərəq ${run}`, type: 'local_authority' },
};
const USERS = {
  dost: { login: `e2e.sheet.${run}`, name: 'Sınaq Vərəq', agency: 'dost', role: 'child_protection_officer' },
  secretary: { login: `e2e.inbox.${run}`, name: 'Sınaq Katibə', agency: 'commission', role: 'juvenile_commission_secretary' },
};

function day(offset) {
  const d = new Date();
  d.setDate(d.getDate() + offset);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}
const today = day(0);

describe('child protection screens, in Azerbaijani', () => {
  const { cfg, pages, pageErrors, newPage } = browserSuite('cs');
  const ids = {};


  it('the administrator creates the agencies and their users', async () => {
    await setUpAgenciesAndUsers(newPage, cfg.baseUrl, AGENCIES, USERS, REGION);
  });

  it('the DOST worker fills a raid sheet: a refused save shows the error at its row and cell, the next one saves all', async () => {
    const page = pages.dost;
    await page.locator('nav a', { hasText: AZ.sheet }).click();
    await h1(page, AZ.sheet);
    await page.locator('#r-raid_on').fill(today);
    await page.locator('#r-region').selectOption('baku');
    await page.locator('#r-place_type').selectOption('market');
    await page.locator('#r-place').fill(`Sınaq bazarı ${run}`);
    // Row 1, keyboard first: Enter moves on, Enter in the last cell adds row 2.
    await page.locator('#c-0-last_name').fill('Vərəqov');
    await page.keyboard.press('Enter');
    await page.keyboard.type('Sınaq');
    await page.locator('#c-0-sex').selectOption('male');
    await page.locator('#c-0-birth').fill('2012');
    await page.locator('#c-0-activity').selectOption('begging');
    await page.locator('#c-0-parents_measures').focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.id === 'c-1-last_name');
    // Row 2 without the activity, which a child found must have: nothing is saved.
    await page.keyboard.type('Vərəqova');
    // A partial birth date typed as the app writes dates (mm.yyyy), not ISO; month 13 is refused
    // at the cell before anything is sent.
    const birth = page.locator('#c-1-birth');
    assert.equal(await birth.getAttribute('placeholder'), 'gg.aa.iiii, aa.iiii, iiii');
    await birth.pressSequentially('13.2014');
    await page.locator('#cell-1-birth .field-error', { hasText: 'Ay 1-dən 12-yə qədər olmalıdır.' }).waitFor();
    assert.equal(await birth.getAttribute('aria-invalid'), 'true');
    await birth.fill('');
    await birth.pressSequentially('05.2014');
    await page.locator('#cell-1-birth .field-error').waitFor({ state: 'detached' });
    assert.equal(await birth.getAttribute('data-iso'), '2014-05');
    await birth.press('Control+Enter');
    await page.getByTestId('sheet-failed').waitFor();
    await page.locator('#cell-1-activity .field-error').waitFor();
    assert.equal(await page.locator('#cell-0-activity .field-error').count(), 0);
    await screenshot(page, '63-raid-sheet-errors');
    await assertAccessible(page, 'the raid sheet with errors');
    await page.locator('#c-1-activity').selectOption('working');
    await page.locator('#c-1-activity').press('Control+Enter');
    await page.getByTestId('sheet-saved').waitFor();
    const children = page.locator('[data-testid=saved-child-list] a');
    assert.equal(await children.count(), 2);
    ids.found = Number((await children.first().getAttribute('href')).split('/').pop());
    ids.raid = Number((await page.getByTestId('saved-raid').getAttribute('href')).split('/').pop());
    assert.ok(ids.found > 0 && ids.raid > 0);
    // The second child's birth went to the import as ISO (yyyy-mm), the first's year as typed.
    const births = await page.evaluate(async (hrefs) => {
      const get = async (path) => (await fetch(`/api/v1${path}`, { headers: { Accept: 'application/json' } })).json();
      const out = [];
      for (const href of hrefs) {
        const found = await get(`/records/child_found/${href.split('/').pop()}`);
        out.push((await get(`/records/person/${found.data.person}`)).data.birth);
      }
      return out;
    }, await children.evaluateAll((as) => as.map((a) => a.getAttribute('href'))));
    assert.deepEqual(births, ['2012', '2014-05']);
    await screenshot(page, '64-raid-sheet-saved');
    await assertAccessible(page, 'the raid sheet');
    await page.getByTestId('saved-children').click();
    await page.waitForURL(new RegExp(`/records/child_found\\?raid=${ids.raid}`));
    await page.getByTestId('list-total').filter({ hasText: '2' }).waitFor();
    // Materials about the first child to the commission (the generated form).
    await page.goto(`${cfg.baseUrl}/records/commission_material/new`);
    await pickRecord(page, 'f-child_found', ids.found);
    await page.locator('#f-subject').selectOption('child');
    await page.locator('#f-sent_on').fill(day(-20));
    ids.material = await createRecord(page, 'commission_material');
  });

  it("the commission's secretary records the decision from the inbox", async () => {
    const page = pages.secretary;
    await page.locator('nav a', { hasText: AZ.commissionNav }).click();
    await h1(page, AZ.commission);
    const row = page.locator(`[data-material="${ids.material}"]`);
    await row.locator('.badge-overdue').waitFor();
    await assertAccessible(page, "the commission's inbox");
    await screenshot(page, '65-commission-inbox');
    await row.locator(`#cm-${ids.material}-decision`).selectOption('warning');
    await row.locator('[data-action=decide]').click();
    await page.locator('[data-alert=success]', { hasText: `№ ${ids.material}` }).waitFor();
    await row.waitFor({ state: 'detached' });
  });

  it('the DOST worker finds an overdue visit in the calendar and records it', async () => {
    const page = pages.dost;
    await page.goto(`${cfg.baseUrl}/records/person/new`);
    await page.locator('#f-last_name').fill('Təqvimova');
    await page.locator('#f-first_name').fill('Sınaq');
    await page.locator('#f-sex').selectOption('female');
    await page.locator('#f-birth').fill('2015');
    const person = await createRecord(page, 'person');
    await page.goto(`${cfg.baseUrl}/records/care_child/new`);
    await pickRecord(page, 'f-person', person);
    await page.locator('#f-care_kind').selectOption('guardianship');
    await page.locator('#f-monitoring_from').fill(day(-30));
    const care = await createRecord(page, 'care_child');
    await page.goto(`${cfg.baseUrl}/records/care_visit/new`);
    await pickRecord(page, 'f-care_child', care);
    await page.locator('#f-planned_on').fill(day(-2));
    const visit = await createRecord(page, 'care_visit');
    await page.locator('nav a', { hasText: AZ.visits }).click();
    await h1(page, AZ.visits);
    const row = page.locator(`[data-visit="${visit}"]`);
    await row.locator('[data-status=overdue]').waitFor();
    await assertAccessible(page, 'the visit calendar');
    await screenshot(page, '66-visit-calendar');
    await row.locator('[data-action=complete]').click();
    await page.waitForURL(new RegExp(`/records/care_visit/${visit}`));
    await page.locator('.transition-panel').waitFor();
    await page.locator('#t-finding').selectOption('no_concerns');
    await page.locator('.transition-panel button[type=submit]').click();
    await page.locator('.transition-panel').waitFor({ state: 'detached' });
    await page.locator('main', { hasText: AZ.visitDone }).waitFor();
    assert.deepEqual(pageErrors, []);
  });
});
