// The international returns (S3, issue 24) in the browser, in Azerbaijani, on the server
// auth.test.mjs started with: the administrator creates a special police unit and a statistics
// office with a user each; the police register and identify victims of the current year through
// the API (as a client would). The police, who see the annual report, get no menu entry for the
// international returns and the API answers them 404. The statistician opens the page on the
// current year (the latest with data), computes GLOTIP (its progress shown while the server
// works), sees the preview — the detected victims' table with the international codes and the
// total grown by this run's victims, the notes, the gap stated with its reason, the unmapped
// codes stated — downloads the CSV (the header and the count), the XLSX (a zip: "PK") and the
// CTDC file, whose k is checked at the field (10 and "abc" refused, naming the field and the
// rule) and whose rows written and suppressed are told from the server's headers. The page fits
// a 390×844 phone.
//
// Runs after auth.test.mjs and before path.test.mjs (files run one at a time, in name order).
// All names are made up.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { apiCall, assertAccessible, browserSuite, h1, screenshot, setUpAgenciesAndUsers } from './lib.mjs';

const run = randomBytes(3).toString('hex');
// The agencies' region: a unit of the country's list no other test file's agencies are in (their
// region roles see only this file's records).
const REGION = 'khankendi';
const AGENCIES = {
  police: { name: `Sınaq xüsusi polis (BH) ${run}`, type: 'special_police' },
  statistics: { name: `Sınaq statistika idarəsi ${run}`, type: 'statistics' },
};
const USERS = {
  police: { login: `e2e.bh.police.${run}`, name: 'Sınaq BH Müstəntiq', agency: 'police', role: 'police_investigator' },
  stat: { login: `e2e.bh.stat.${run}`, name: 'Sınaq BH Statistik', agency: 'statistics', role: 'statistician', totp: false },
};
const TODAY = new Date().toISOString().slice(0, 10);
const YEAR = TODAY.slice(0, 4);
/** Victims this run registers and identifies today, each consenting to statistical use. */
const VICTIMS = 12;
const LAST_NAMES = ['Əlizadə', 'Həsənli', 'Quliyeva', 'Məmmədova', 'Kərimli', 'Rzayeva', 'Babayeva', 'Nəsirova', 'Hüseynli', 'Abbasova', 'Cəfərli', 'Şirinova'];
const FIRST_NAMES = ['Aynur', 'Günel', 'Leyla', 'Nigar', 'Səbinə', 'Təranə', 'Ülviyyə', 'Fidan', 'Kəmalə', 'Lalə', 'Nərmin', 'Sevinc'];
const PHONE = { width: 390, height: 844 };
const TITLE = 'Beynəlxalq hesabatlar';

/** A CSV text as rows of cells (quoted cells with commas and doubled quotes). */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows.filter((r) => r.length > 1 || r[0] !== '');
}

/** The GLOTIP total of detected victims of the year, from the API (JSON). */
async function glotipTotal(page) {
  const r = await apiCall(page, 'GET', `/reports/international/glotip?year=${YEAR}&lang=az&format=json`);
  assert.equal(r.status, 200, r.text);
  const t = r.body.tables.find((x) => x.id === 'detected_victims');
  return t.total ?? 0;
}

/** Runs `action` (a click) and returns the downloaded file's name and bytes. */
async function download(page, action) {
  const [d] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), action()]);
  return { name: d.suggestedFilename(), bytes: readFileSync(await d.path()) };
}

/** The page is no wider than the screen: nothing makes it scroll sideways. */
async function assertFits(page, what) {
  const m = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  assert.ok(m.scroll <= m.inner, `${what} scrolls sideways at ${m.inner} px: it is ${m.scroll} px wide`);
}

describe('the international returns, in Azerbaijani', () => {
  const { cfg, pages, pageErrors, newPage } = browserSuite('ir');
  let before;
  let after;

  it('the administrator creates the police unit and the statistics office with their users', async () => {
    await setUpAgenciesAndUsers(newPage, cfg.baseUrl, AGENCIES, USERS, REGION);
    before = await glotipTotal(pages.stat);
  });

  it(`the police register and identify ${VICTIMS} victims of this year through the API`, async () => {
    const page = pages.police;
    for (let i = 0; i < VICTIMS; i++) {
      // Twelve plainly different women (names, years of birth), so that person linkage keeps them apart.
      const person = await apiCall(page, 'POST', '/records/person', {
        pseudonym: `BH-${run}-${i}`,
        last_name: LAST_NAMES[i],
        first_name: FIRST_NAMES[i],
        sex: 'female',
        birth: `${1960 + 3 * i}-0${1 + (i % 9)}-1${i % 10}`,
        citizenship: 'AZ',
      });
      assert.equal(person.status, 201, person.text);
      const vc = await apiCall(page, 'POST', '/records/victim_case', {
        person: person.body.id,
        case_number: `BH-${YEAR}-${run}-${i}`,
        registered_on: TODAY,
        forms_of_exploitation: ['sexual_prostitution'],
        country_of_exploitation: 'TR',
        consent_statistics: true,
      });
      assert.equal(vc.status, 201, vc.text);
      const id = await apiCall(page, 'POST', `/records/victim_case/${vc.body.id}/transitions/identify`, { decision_date: TODAY }, { 'If-Match': `"${vc.body.version}"` });
      assert.equal(id.status, 200, id.text);
      assert.equal(id.body.state, 'identified');
    }
    after = await glotipTotal(pages.stat);
    assert.equal(after, before + VICTIMS, `GLOTIP's detected victims of ${YEAR}: ${before} before, ${after} after`);
  });

  it('the police see the annual report but not the international returns; the API answers them 404', async () => {
    const page = pages.police;
    await page.goto(`${cfg.baseUrl}/`);
    await h1(page, 'Əsas səhifə');
    await page.locator('nav a', { hasText: 'İllik hesabat' }).waitFor({ state: 'attached' });
    assert.equal(await page.locator('nav a', { hasText: TITLE }).count(), 0, 'the police have a menu entry for the international returns');
    assert.equal(await page.locator('nav a[href="/reports/international"]').count(), 0);
    assert.equal((await apiCall(page, 'GET', '/reports/international?lang=az')).status, 404);
    assert.equal((await apiCall(page, 'GET', `/reports/international/glotip?year=${YEAR}`)).status, 403);
    // Typing the address: told in words, no table, no download.
    await page.goto(`${cfg.baseUrl}/reports/international`);
    await h1(page, TITLE);
    await page.locator('[data-alert=error]', { hasText: 'yalnız milli koordinator aparatı və statistiklər üçündür' }).waitFor();
    assert.equal(await page.locator('[data-return]').count(), 0);
  });

  it('the statistician opens the page from the menu on the current year, computes GLOTIP with progress shown, sees the preview', async () => {
    const page = pages.stat;
    await page.goto(`${cfg.baseUrl}/`);
    await h1(page, 'Əsas səhifə');
    await page.locator('nav a', { hasText: TITLE }).click();
    await h1(page, TITLE);
    await page.waitForFunction((y) => document.querySelector('#ir-year')?.value === y, YEAR);
    const glotip = page.locator('[data-return=glotip]');
    await glotip.locator('h2', { hasText: 'GLOTIP' }).waitFor();
    for (const id of ['eurostat', 'ctdc']) await page.locator(`[data-return=${id}] h2`).waitFor();
    // The server answers at once here: hold the answer a moment to see the progress.
    const computing = (url) => url.pathname.endsWith('/api/v1/reports/international/glotip') && url.searchParams.get('format') === 'json';
    await page.route(computing, async (route) => {
      await new Promise((r) => setTimeout(r, 1500));
      await route.continue();
    });
    await glotip.locator('[data-action=compute]').click();
    await glotip.locator('.loading[role=status]', { hasText: 'hesablanır' }).waitFor();
    assert.equal(await glotip.locator('[data-action=compute]').getAttribute('aria-busy'), 'true');
    assert.equal((await glotip.locator('[data-action=compute]').textContent()).trim(), 'Hesablanır…');
    const preview = glotip.getByTestId('ir-preview');
    await preview.waitFor();
    await page.unroute(computing);
    assert.equal(await glotip.locator('.loading').count(), 0);
    assert.equal(await preview.getAttribute('data-year'), YEAR);

    const table = preview.locator('[data-table=detected_victims]');
    await table.locator('h4', { hasText: 'Aşkar edilmiş qurbanlar' }).waitFor();
    // The columns by name, the international codes in the cells, the total in Azerbaijani digits.
    const headings = (await table.locator('thead th').allTextContents()).map((s) => s.trim());
    assert.deepEqual(headings, ['İstismar forması', 'Cins', 'Yaş', 'Dəyər', 'Dərc olunan']);
    const total = new Intl.NumberFormat('en-US').format(after).replace(/,/g, '.');
    assert.equal((await table.getByTestId('ir-total').textContent()).trim(), `Cəmi: ${total}`);
    const totalRow = table.locator('tbody tr').filter({ has: page.locator('td[data-column=form]', { hasText: /^Total$/ }) })
      .filter({ has: page.locator('td[data-column=sex]', { hasText: /^Total$/ }) })
      .filter({ has: page.locator('td[data-column=age]', { hasText: /^Total$/ }) });
    assert.equal((await totalRow.locator('td[data-column=value]').textContent()).trim(), total);
    await table.locator('td[data-column=form]', { hasText: 'Sexual exploitation' }).first().waitFor();
    await table.locator('td[data-column=sex]', { hasText: 'Female' }).first().waitFor();
    // Notes, the gap with its reason, the unmapped codes stated (none, here) — never left out.
    await preview.getByTestId('ir-notes').locator('p', { hasText: 'Hər şəxs bir dəfə sayılır' }).waitFor();
    await preview.getByTestId('ir-gaps').locator('li', { hasText: /^Göstərilmir: Rəsmi əlaqəyə cəlb edilmiş şəxslər, çünki şübhəli şəxslər/ }).waitFor();
    const unmapped = preview.getByTestId('ir-unmapped');
    const n = Number(await unmapped.getAttribute('data-count'));
    if (n === 0) await unmapped.locator('p', { hasText: 'Bütün milli kodların beynəlxalq qarşılığı var.' }).waitFor();
    else assert.equal(await unmapped.locator('tbody tr').count(), n);
    const text = await page.locator('main').innerText();
    assert.doesNotMatch(text, /\[object Object\]|undefined|NaN/);
    await screenshot(page, '90-intl-returns-glotip');
    await assertAccessible(page, 'the international returns with the GLOTIP preview');
  });

  it('downloads the GLOTIP CSV: the header and this year\'s count of detected victims', async () => {
    const page = pages.stat;
    const glotip = page.locator('[data-return=glotip]');
    const file = await download(page, () => glotip.locator('button[data-format=csv]').click());
    assert.equal(file.name, `palermo-glotip-${YEAR}.csv`);
    const rows = parseCsv(file.bytes.toString('utf8'));
    const header = rows[0];
    assert.deepEqual(header.slice(0, 5), ['country', 'year', 'return', 'table', 'indicator']);
    for (const c of ['form', 'sex', 'age', 'value', 'published']) assert.ok(header.includes(c), `the CSV has no column ${c}: ${header}`);
    const col = (name) => header.indexOf(name);
    const total = rows.find(
      (r) => r[col('table')] === 'detected_victims' && r[col('form')] === 'Total' && r[col('sex')] === 'Total' && r[col('age')] === 'Total',
    );
    assert.ok(total, 'no total row of detected victims in the CSV');
    assert.equal(total[col('year')], YEAR);
    assert.equal(Number(total[col('value')]), after);
    assert.ok(after >= VICTIMS);
    await glotip.getByTestId('downloaded').filter({ hasText: `Yükləndi: palermo-glotip-${YEAR}.csv` }).waitFor();
  });

  it('downloads the GLOTIP XLSX (a workbook: a zip, "PK")', async () => {
    const page = pages.stat;
    const glotip = page.locator('[data-return=glotip]');
    const file = await download(page, () => glotip.locator('button[data-format=xlsx]').click());
    assert.match(file.name, /\.xlsx$/);
    assert.equal(file.bytes.subarray(0, 2).toString('latin1'), 'PK');
  });

  it('the CTDC file: k checked at the field, then downloaded with the rows written and suppressed', async () => {
    const page = pages.stat;
    const ctdc = page.locator('[data-return=ctdc]');
    const k = ctdc.locator('#ctdc-k');
    assert.equal(await k.inputValue(), '11');
    let asked = 0;
    const count = (r) => {
      if (r.url().includes('/reports/international/ctdc')) asked++;
    };
    page.on('request', count);
    await k.fill('10');
    await ctdc.locator('[data-action=ctdc-download]').click();
    await page.locator('#ctdc-k-error', { hasText: '«k (anonimlik həddi)» ən azı 11 olmalıdır.' }).waitFor();
    assert.equal(await k.getAttribute('aria-invalid'), 'true');
    await k.fill('abc');
    await ctdc.locator('[data-action=ctdc-download]').click();
    await page.locator('#ctdc-k-error', { hasText: '«k (anonimlik həddi)» tam ədəd olmalıdır (ən azı 11).' }).waitFor();
    assert.equal(asked, 0, 'a k refused at the field was sent to the server');
    page.off('request', count);

    await k.fill('11');
    await page.locator('#ctdc-k-error').waitFor({ state: 'detached' });
    const file = await download(page, () => ctdc.locator('[data-action=ctdc-download]').click());
    assert.equal(file.name, `palermo-ctdc-${YEAR}.csv`);
    const lines = file.bytes.toString('utf8').split(/\r?\n/).filter((l) => l !== '');
    assert.match(lines[0], /^yearOfRegistration,Datasource,gender,ageBroad,/);
    const result = ctdc.getByTestId('ctdc-result');
    await result.waitFor();
    const rows = Number(await result.getAttribute('data-rows'));
    const suppressed = Number(await result.getAttribute('data-suppressed'));
    assert.equal(rows, lines.length - 1, 'the rows told are not the rows of the file');
    // The server's own headers say the same.
    const again = await apiCall(page, 'GET', `/reports/international/ctdc?year=${YEAR}&k=11`);
    assert.equal(again.status, 200);
    assert.equal(Number(again.headers['x-ctdc-rows']), rows);
    assert.equal(Number(again.headers['x-ctdc-suppressed']), suppressed);
    // This run's consenting victims of the year are in the file or suppressed, none lost.
    assert.ok(rows + suppressed >= VICTIMS, `${rows} written + ${suppressed} suppressed < ${VICTIMS}`);
    assert.equal((await result.textContent()).trim(), `Faylda ${rows} sətir var; k-anonimlik üçün ${suppressed} sətir çıxarılıb (k = 11).`);
    // The synthetic variant: counts per combination, each a multiple of k and at least k.
    const synthetic = await download(page, () => ctdc.locator('[data-action=ctdc-synthetic-download]').click());
    assert.equal(synthetic.name, `palermo-ctdc-synthetic-${YEAR}.csv`);
    const slines = synthetic.bytes.toString('utf8').split(/\r?\n/).filter((l) => l !== '');
    assert.equal(slines[0], 'yearOfRegistration,gender,ageBroad,citizenship,CountryOfExploitation,typeOfExploitConcatenated,count');
    for (const l of slines.slice(1)) {
      const count = Number(l.split(',').pop());
      assert.ok(count >= 11 && count % 11 === 0, `a synthetic count of ${count}`);
    }
    await result.waitFor();
    assert.match((await result.textContent()).trim(), /^Faylda \d+ birləşmə var; \d+ qurban göstərilməyib/);
    await screenshot(page, '91-intl-returns-ctdc');
    await assertAccessible(page, 'the international returns after the CTDC download');
  });

  it('fits a phone, the preview included', async () => {
    const page = pages.stat;
    await page.setViewportSize(PHONE);
    await page.goto(`${cfg.baseUrl}/reports/international`);
    await h1(page, TITLE);
    await page.waitForFunction((y) => document.querySelector('#ir-year')?.value === y, YEAR);
    const glotip = page.locator('[data-return=glotip]');
    await glotip.locator('[data-action=compute]').click();
    await glotip.getByTestId('ir-preview').waitFor();
    await assertFits(page, 'the international returns page');
    // The menu reaches the page on a phone too.
    await page.getByTestId('menu-button').click();
    await page.locator('nav a', { hasText: TITLE }).waitFor({ state: 'visible' });
    await screenshot(page, '92-intl-returns-phone');
    assert.deepEqual(pageErrors, []);
  });
});
