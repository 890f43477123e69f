// Search by words, in Azerbaijani, on the server auth.test.mjs started with: the administrator
// creates a special police unit with an investigator; the investigator registers the facility
// "Yardım Mərkəzi Sumqayıt", types "yardim" (no Azerbaijani letters, lower case) in the header's
// search box and finds it on the search page, grouped under its register, and opens it; a word
// of two letters is refused with the rule named (3 letters or digits); a register with more hits
// than the page shows links to its list filtered by the words (the filter shows them); the
// placement form's facility picker finds the facility by "Yardım" (the start of a word, not the
// whole title); on a phone (390×844) the box folds with the menu, opens from it, and the search
// page does not scroll sideways.
//
// Runs after auth.test.mjs and path.test.mjs (files run one at a time, in name order); the last
// file, it removes the administrators' saved secrets at the end. All names are made up.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import {
  apiCall,
  assertAccessible,
  browserSuite,
  createRecord,
  forgetAdminStateAfterLastFile,
  h1,
  screenshot,
  setUpAgenciesAndUsers,
  readField,
} from './lib.mjs';

const run = randomBytes(3).toString('hex');
// The agencies' region: a unit of the country's list no other test file's agencies are in (their
// region roles see only this file's records).
const REGION = 'shahbuz';
const PHONE = { width: 390, height: 844 };
const AGENCIES = { police: { name: `Sınaq axtarış polisi ${run}`, type: 'special_police' } };
const USERS = {
  police: { login: `e2e.srch.police.${run}`, name: 'Sınaq Axtarış Müstəntiq', agency: 'police', role: 'police_investigator' },
};
const FACILITY = 'Yardım Mərkəzi Sumqayıt';
// A word of this run only: six facilities carry it, one more than the search page shows a register.
const TAG = `x${run}`;
const EXTRA = 6;

/** The page is no wider than the screen: nothing makes it scroll sideways. */
async function assertFits(page, what) {
  const m = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  assert.ok(m.scroll <= m.client, `${what} scrolls sideways at ${m.client} px: it is ${m.scroll} px wide`);
}

/** Types `text` in the header's search box and submits it with Enter; waits for the search page. */
async function searchFromHeader(page, text) {
  const box = page.getByRole('search', { name: 'Reyestrlərdə axtarış' }).getByLabel('Reyestrlərdə axtar', { exact: true });
  await box.fill(text);
  await box.press('Enter');
  await page.waitForURL((u) => u.pathname === '/search' && u.searchParams.get('q') === text);
  await h1(page, 'Axtarış');
}

describe('search by words (the header box, the search page, the list, the picker), in Azerbaijani', () => {
  const { cfg, pages, pageErrors, newPage } = browserSuite('srch');
  const ids = {};
  // The last file by name (after path.test.mjs): it removes the administrators' saved secrets.
  after(() => {
    if (cfg.baseUrl) forgetAdminStateAfterLastFile(cfg.baseUrl, import.meta.url);
  });

  it('the administrator creates the police unit and its investigator; no search box before signing in', async () => {
    const anonymous = await newPage('anonymous');
    await anonymous.goto(`${cfg.baseUrl}/`);
    await h1(anonymous, 'Sistemə giriş');
    assert.equal(await anonymous.getByTestId('header-search').count(), 0);
    await anonymous.context().close();
    delete pages.anonymous;
    await setUpAgenciesAndUsers(newPage, cfg.baseUrl, AGENCIES, USERS, REGION);
  });

  it('the investigator registers the facility "Yardım Mərkəzi Sumqayıt" (and six more of this run)', async () => {
    const page = pages.police;
    await page.goto(`${cfg.baseUrl}/records/facility/new`);
    await h1(page, 'Yeni qeyd: Müəssisə');
    await page.locator('#f-name').fill(FACILITY);
    await page.locator('#f-facility_kind').selectOption('assistance_center');
    await page.locator('#f-operated_by').selectOption('ministry_labour');
    await page.locator('#f-region').selectOption({ label: 'Sumqayıt' });
    ids.facility = await createRecord(page, 'facility');
    // The record reads the region by its name (the list's code is stored).
    assert.equal(await readField(page, 'region'), 'Sumqayıt');
    for (let i = 1; i <= EXTRA; i++) {
      const r = await apiCall(page, 'POST', '/records/facility', { name: `Sınaq evi ${TAG} ${i}`, facility_kind: 'ngo_centre', operated_by: 'ngo' });
      assert.equal(r.status, 201, r.text);
    }
  });

  it('"yardim" in the header box finds the facility on the search page, under its register; it opens', async () => {
    const page = pages.police;
    await page.goto(`${cfg.baseUrl}/`);
    await h1(page, 'Əsas səhifə');
    await searchFromHeader(page, 'yardim');
    // The page's own box holds the words searched.
    assert.equal(await page.getByLabel('Axtarılan sözlər').inputValue(), 'yardim');
    const group = page.locator('[data-testid=search-results] section[data-type=facility]');
    await group.waitFor();
    assert.equal((await group.locator('h2').textContent()).trim(), 'Müəssisə');
    const hit = group.locator(`li[data-hit="${ids.facility}"]`);
    await hit.waitFor();
    assert.equal(await hit.getAttribute('data-match'), 'words');
    const link = hit.locator('a');
    assert.equal((await link.textContent()).trim(), FACILITY);
    assert.equal(await link.getAttribute('href'), `/records/facility/${ids.facility}`);
    // The count is in a live region.
    const status = page.getByTestId('search-status');
    assert.equal(await status.getAttribute('aria-live'), 'polite');
    assert.match((await status.textContent()).trim(), /^Tapılan nəticələr: \d+$/);
    await screenshot(page, '110-search');
    await assertAccessible(page, 'the search page');

    await link.click();
    await page.waitForURL(new RegExp(`/records/facility/${ids.facility}$`));
    await h1(page, FACILITY);
    assert.equal(await page.locator('[data-alert=error]').count(), 0);
  });

  it('a word of two letters is refused, and the message names the rule', async () => {
    const page = pages.police;
    await searchFromHeader(page, 'ya');
    const status = page.locator('[data-testid=search-status][data-refusal=min_length]');
    await status.waitFor();
    assert.equal((await status.textContent()).trim(), 'Axtarış üçün ən azı 3 hərf və ya rəqəmdən ibarət bir söz yazın.');
    assert.equal(await page.getByLabel('Axtarılan sözlər').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('[data-testid=search-results]').count(), 0);
    // Nothing found is said so.
    await page.getByLabel('Axtarılan sözlər').fill(`yoxdur${run}`);
    await page.getByLabel('Axtarılan sözlər').press('Enter');
    await page.getByTestId('search-status').filter({ hasText: `«yoxdur${run}» üzrə heç nə tapılmadı.` }).waitFor();
  });

  it('more hits than the page shows: "all results" opens the list filtered by the words', async () => {
    const page = pages.police;
    await searchFromHeader(page, TAG);
    const group = page.locator('[data-testid=search-results] section[data-type=facility]');
    await group.waitFor();
    assert.equal(await group.locator('li[data-hit]').count(), 5);
    const more = group.locator('a[data-more=facility]');
    assert.equal((await more.textContent()).trim(), 'Bütün nəticələr: Müəssisə');
    await more.click();
    await page.waitForURL((u) => u.pathname === '/records/facility' && u.searchParams.get('words') === TAG);
    await h1(page, 'Müəssisə');
    assert.equal(await page.locator('#list-words').inputValue(), TAG);
    await page.getByTestId('list-total').filter({ hasText: `Cəmi: ${EXTRA}` }).waitFor();
    assert.equal(await page.locator('table.table tbody tr').count(), EXTRA);
    // The filter itself: a word typed there narrows the list (the start of "Yardım", folded).
    await page.locator('#list-words').fill('YARD');
    await page.locator('form.filters button[type=submit]').click();
    await page.waitForURL((u) => u.searchParams.get('words') === 'YARD');
    await page.locator('table.table tbody a', { hasText: FACILITY }).waitFor();
    await screenshot(page, '112-list-words');
    await assertAccessible(page, 'the facility list filtered by words');
  });

  it('the placement form\'s facility picker finds the facility by "Yardım"', async () => {
    const page = pages.police;
    await page.goto(`${cfg.baseUrl}/records/placement/new`);
    await h1(page, 'Yeni qeyd: Yerləşdirmə');
    await page.locator('#f-facility').fill('Yardım');
    const option = page.locator('#f-facility-results button', { hasText: FACILITY });
    await option.waitFor();
    await option.click();
    // The choice shows the facility's title (read once it is chosen: "№ id" until then).
    await page.locator(`a#f-facility[data-ref-id="${ids.facility}"]`, { hasText: FACILITY }).waitFor();
  });

  it('on a phone the box folds with the menu and opens from it; the search page does not scroll sideways', async () => {
    const page = pages.police;
    await page.setViewportSize(PHONE);
    await page.goto(`${cfg.baseUrl}/`);
    await h1(page, 'Əsas səhifə');
    const box = page.getByLabel('Reyestrlərdə axtar', { exact: true });
    assert.equal(await box.isVisible(), false, 'the box is folded away with the menu');
    await page.getByTestId('menu-button').click();
    await box.waitFor({ state: 'visible' });
    await assertFits(page, 'the home page with the menu open');
    await screenshot(page, '113-search-phone-menu');
    await searchFromHeader(page, 'yardim');
    assert.equal(await page.getByTestId('menu-button').getAttribute('aria-expanded'), 'false');
    await page.locator(`[data-testid=search-results] li[data-hit="${ids.facility}"]`).waitFor();
    await assertFits(page, 'the search page');
    await screenshot(page, '111-search-phone');
    await assertAccessible(page, 'the search page on a phone');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('no page errors', () => {
    assert.deepEqual(pageErrors, []);
  });
});
