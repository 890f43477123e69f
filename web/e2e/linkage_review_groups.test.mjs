// The linkage review queue decided by groups of persons (issue 26), in the browser, in
// Azerbaijani, on the server auth.test.mjs started: the administrator creates a special police
// unit and an investigator. Through the API (as a client would) the investigator registers a
// woman with her full name and month of birth, the same woman again in Cyrillic with only the
// year, a namesake born 28 years earlier, and a hotline signal with only a similar name typed
// without Azerbaijani letters — not enough to link, enough to ask (tests/unit/person_links_test.cpp
// does the same on the server). The review page shows the signal's doubts as one group card
// (its persons, each pair with probability, comparison and a choice); Save is disabled until
// something is chosen; "all different persons" chooses every pair of the group; the page is
// checked with axe and fits a 390 px phone; saving creates the decisions one after another,
// says how many were saved, and the group leaves the queue (the API agrees).
//
// Runs after auth.test.mjs (files run one at a time, in name order). All names are made up.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { apiCall, assertAccessible, browserSuite, h1, screenshot, setUpAgenciesAndUsers } from './lib.mjs';

const run = randomBytes(3).toString('hex');
// The agencies' region: a unit of the country's list no other test file's agencies are in (their
// region roles see only this file's records).
const REGION = 'ordubad';
const AGENCIES = { police: { name: `Sınaq xüsusi polis (EQ) ${run}`, type: 'special_police' } };
const USERS = {
  police: { login: `e2e.eq.police.${run}`, name: 'Sınaq EQ Müstəntiq', agency: 'police', role: 'police_investigator' },
};
const TITLE = 'Eyni şəxs ola bilərmi? Yoxlanılacaq cütlər';

/** The queue's items that involve the registration `id` (the API's view, up to 500 items). */
async function itemsWith(page, id) {
  const r = await apiCall(page, 'GET', '/linkage/review?limit=500');
  assert.equal(r.status, 200, r.text);
  return r.body.items.filter((it) => it.first.id === id || it.second.id === id);
}

describe('the linkage review queue by groups, in Azerbaijani', () => {
  const { cfg, pages, pageErrors, newPage } = browserSuite('lg');
  const ids = {};

  it('the administrator creates the special police unit and an investigator', async () => {
    await setUpAgenciesAndUsers(newPage, cfg.baseUrl, AGENCIES, USERS, REGION);
  });

  it('the investigator registers three persons and a signal with only a similar name', async () => {
    const page = pages.police;
    const create = async (type, body) => {
      const r = await apiCall(page, 'POST', `/records/${type}`, body);
      assert.equal(r.status, 201, `${type}: ${r.text}`);
      return r.body.id;
    };
    ids.a = await create('person', {
      pseudonym: `EQ-${run}-1`, last_name: 'Uydurmaova', first_name: 'Xəyalə', birth: '1999-04', sex: 'female', citizenship: 'AZ',
    });
    ids.b = await create('person', { pseudonym: `EQ-${run}-2`, last_name: 'Уйдурмаова', first_name: 'Хаяла', birth: '1999', sex: 'female' });
    ids.c = await create('person', {
      pseudonym: `EQ-${run}-3`, last_name: 'Uydurmaova', first_name: 'Xəyalə', birth: '1971-02-03', sex: 'female',
    });
    ids.signal = await create('signal', {
      received_at: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      source: 'hotline_152',
      summary: 'Uydurma sınaq zəngi (sınaq məlumatı).',
      person_name: 'Xeyale Uydurmova',
      person_sex: 'female',
    });
    // The signal is doubtful: the queue asks about it (the index follows new records; give it a moment).
    let items = [];
    for (let i = 0; i < 20 && items.length === 0; i++) {
      items = await itemsWith(page, ids.signal);
      if (items.length === 0) await page.waitForTimeout(500);
    }
    assert.ok(items.length >= 1, 'the name-only signal is in the review queue');
    ids.apiItems = items.length;
  });

  it('the review page shows the signal\'s group as one card, decided at once with a shortcut', async () => {
    const page = pages.police;
    await page.goto(`${cfg.baseUrl}/linkage/review`);
    await h1(page, TITLE);
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'az');
    await page.getByTestId('review-queue').waitFor();
    const card = page
      .getByTestId('review-group')
      .filter({ has: page.locator(`a[href="/records/signal/${ids.signal}"]`) });
    await card.waitFor();
    assert.equal(await card.count(), 1, 'the signal is in one group');
    // The card's records: the signal and the registrations the group's items show.
    const records = (await card.getAttribute('data-records')).split(' ').map(Number);
    assert.ok(records.includes(ids.signal));
    assert.ok([ids.a, ids.b, ids.c].some((id) => records.includes(id)), `a person registered is in the group: ${records}`);
    const items = card.getByTestId('review-item');
    const n = await items.count();
    assert.ok(n >= ids.apiItems, `every pair of the signal is in its group (${n} on the card, ${ids.apiItems} in the API)`);
    // The signal is asked about against both women named alike (born 28 years apart): two pairs, one card.
    assert.ok(n >= 2, `the group has at least two pairs to decide (${n})`);
    console.log(`# the signal's group: ${n} pair(s), ${await card.getByTestId('review-persons').locator('li').count()} persons`);
    // Each pair is a group of radios with a legend, none chosen: Save is disabled.
    await card.locator('fieldset legend', { hasText: /^Şəxs № \d+ və şəxs № \d+$/ }).first().waitFor();
    await card.getByText('Ehtimal:').first().waitFor();
    assert.equal(await card.locator('input[type=radio][value=undecided]:checked').count(), n);
    assert.ok(await card.getByTestId('review-save').isDisabled());
    // One pair chosen by hand, then the shortcut chooses every pair.
    await items.first().getByLabel('Eyni şəxsdir').check();
    await card.getByTestId('review-chosen').filter({ hasText: `${n} cütdən 1 cüt üçün qərar seçilib.` }).waitFor();
    assert.ok(await card.getByTestId('review-save').isEnabled());
    await card.getByRole('button', { name: 'Hamısı fərqli şəxslərdir' }).click();
    assert.equal(await card.locator('input[type=radio][value=different]:checked').count(), n);
    await card.getByTestId('review-chosen').filter({ hasText: `${n} cütdən ${n} cüt üçün qərar seçilib.` }).waitFor();
    await card.getByLabel('Əsaslandırma (adları yazmayın)').fill('Doğum tarixi və ünvanı uyğun gəlmir (sınaq).');
    await screenshot(page, 'lg-1-group-chosen');
    await assertAccessible(page, 'the linkage review page with a group chosen');
    // On a phone the page fits the width.
    await page.setViewportSize({ width: 390, height: 844 });
    const m = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
    assert.ok(m.scroll <= m.inner, `the review page scrolls sideways at ${m.inner} px: it is ${m.scroll} px wide`);
    await screenshot(page, 'lg-2-phone');
    await page.setViewportSize({ width: 1280, height: 900 });

    // Saving creates the decisions one after another and says how many; the group leaves the queue.
    await card.getByRole('button', { name: 'Qərarları yadda saxla' }).click();
    await page.getByTestId('review-saved').filter({ hasText: `${n} qərar yadda saxlanıldı.` }).waitFor();
    assert.equal(await page.locator('[data-alert=error]').count(), 0);
    // The queue is read again (a moment on a server with many records): the signal's card goes.
    await page.waitForFunction(
      (id) => !document.querySelector(`[data-testid=review-group] a[href="/records/signal/${id}"]`),
      ids.signal,
    );
    await page.locator('[data-testid=review-empty], [data-testid=review-queue]').first().waitFor();
    assert.deepEqual(await itemsWith(page, ids.signal), [], 'the API has no doubt about the signal left');
    await screenshot(page, 'lg-3-saved');
    await assertAccessible(page, 'the linkage review page after saving');
    assert.deepEqual(pageErrors, []);
  });
});
