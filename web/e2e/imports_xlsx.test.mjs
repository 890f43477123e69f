// The import of an Excel workbook (XLSX) from the Imports page, in Azerbaijani (docs/import.md,
// "XLSX" and "Importing again: sources"), on the server auth.test.mjs started with: the
// administrator creates a special police unit and its investigator, who may create persons. The
// investigator picks the workbook (fixtures/persons.xlsx: sex, birth as Excel dates, stateless;
// three women and men) and the format follows its name; under a source of their own the check
// counts 3 new persons per type and writes nothing, the import creates them. The same file under
// the same source is checked again: its rows have no `_key` column, so the source cannot match
// them and they count as new again — and the check writes nothing. A text file named .xlsx is
// refused with the server's message in the error table, whose first column says "Sətir" (row).
//
// Runs after auth.test.mjs and before path.test.mjs (files run one at a time, in name order).
// All names are made up.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { apiCall, assertAccessible, browserSuite, h1, screenshot, setUpAgenciesAndUsers } from './lib.mjs';

const run = randomBytes(3).toString('hex');
// The agencies' region: a unit of the country's list no other test file's agencies are in (their
// region roles see only this file's records).
const REGION = 'khojavend';
const AGENCIES = { police: { name: `Sınaq xüsusi polis idxal ${run}`, type: 'special_police' } };
const USERS = { police: { login: `e2e.idxal.${run}`, name: 'Sınaq İdxalçı Müstəntiq', agency: 'police', role: 'police_investigator' } };
const WORKBOOK = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'persons.xlsx');
const SOURCE = `sınaq-şəxslər-${run}`;

/** How many persons the user's list counts (the API, from the page's session). */
async function personCount(page, filter = '') {
  const r = await apiCall(page, 'GET', `/records/person?count=true&limit=1${filter}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(typeof r.body.total, 'number', r.text);
  return r.body.total;
}

/** The summary's counts in a row: the type's ('person') or the total's (''). */
async function summaryCounts(page, type) {
  const row = page.locator(`[data-testid=import-summary] tr[data-type="${type}"]`);
  const cell = async (c) => (await row.locator(`td[data-count=${c}]`).textContent()).trim();
  return { created: await cell('created'), updated: await cell('updated'), unchanged: await cell('unchanged') };
}

/** Presses a button of the import form and waits for the server's answer. */
async function submit(page, name) {
  await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/imports' && r.request().method() === 'POST'),
    page.locator('form button', { hasText: name }).click(),
  ]);
}

describe('an Excel workbook imported under a source, in Azerbaijani', () => {
  const { cfg, pages, pageErrors, newPage } = browserSuite('imp');

  it('the administrator creates the police unit and its investigator', async () => {
    await setUpAgenciesAndUsers(newPage, cfg.baseUrl, AGENCIES, USERS, REGION);
  });

  it('the investigator checks the workbook under a source: 3 new persons, nothing written; then imports it', async () => {
    const page = pages.police;
    await page.locator('nav a', { hasText: 'İdxal' }).click();
    await h1(page, 'Qeydlərin idxalı');
    assert.match(await page.locator('main').textContent(), /XLSX/);
    await page.locator('#imp-type').selectOption('person');
    assert.equal(await page.locator('#imp-format').inputValue(), 'csv');
    // The file's name picks the format, and the chooser then offers workbooks.
    await page.locator('#imp-file').setInputFiles(WORKBOOK);
    assert.equal(await page.locator('#imp-format').inputValue(), 'xlsx');
    assert.match(await page.locator('#imp-file').getAttribute('accept'), /\.xlsx/);
    assert.equal(await page.locator('#imp-source').getAttribute('maxlength'), '100');
    await page.locator('#imp-source').fill(SOURCE);
    const before = await personCount(page);
    // The third row: a day formatted as a date in Excel, TRUE in a boolean column.
    const THIRD = '&birth=2001-01-30&stateless=true&sex=female';
    const thirdBefore = await personCount(page, THIRD);

    await submit(page, 'Yoxla');
    const report = page.getByTestId('import-report');
    await report.locator('[data-alert=success]', { hasText: 'Yoxlama uğurludur: 3 sətir idxal oluna bilər.' }).waitFor();
    const summary = page.getByTestId('import-summary');
    await summary.waitFor();
    assert.equal((await summary.locator('tbody tr[data-type=person] th').textContent()).trim(), 'Şəxs');
    assert.deepEqual(await summaryCounts(page, 'person'), { created: '3', updated: '0', unchanged: '0' });
    assert.deepEqual(await summaryCounts(page, ''), { created: '3', updated: '0', unchanged: '0' });
    assert.equal((await summary.locator('tfoot th').textContent()).trim(), 'Cəmi');
    assert.equal(await personCount(page), before, 'a check writes nothing');
    await screenshot(page, 'imp-xlsx-check');
    await assertAccessible(page, 'the import page with the summary of a check');

    await submit(page, 'İdxal et');
    await report.locator('[data-alert=success]', { hasText: 'İdxal olundu: 3 qeyd yaradıldı, 0 qeyd yeniləndi.' }).waitFor();
    assert.deepEqual(await summaryCounts(page, 'person'), { created: '3', updated: '0', unchanged: '0' });
    assert.equal(await personCount(page), before + 3);
    assert.equal(await personCount(page, THIRD), thirdBefore + 1, 'the Excel date became 2001-01-30, TRUE became true');
    await screenshot(page, 'imp-xlsx-done');
  });

  it('the same workbook under the same source: rows without _key are new again, and the check writes nothing', async () => {
    const page = pages.police;
    const before = await personCount(page);
    assert.equal(await page.locator('#imp-source').inputValue(), SOURCE);
    await submit(page, 'Yoxla');
    const report = page.getByTestId('import-report');
    await report.locator('[data-alert=success]', { hasText: 'Yoxlama uğurludur: 3 sətir idxal oluna bilər.' }).waitFor();
    assert.deepEqual(await summaryCounts(page, 'person'), { created: '3', updated: '0', unchanged: '0' });
    assert.equal(await personCount(page), before, 'a check writes nothing');
  });

  it('a text file named .xlsx is refused with the server\'s message, rows labelled "Sətir"', async () => {
    const page = pages.police;
    await page.locator('#imp-format').selectOption('csv');
    await page.locator('#imp-file').setInputFiles({ name: 'şəxslər.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: Buffer.from('sex,birth\nfemale,1990-05-17\n') });
    assert.equal(await page.locator('#imp-format').inputValue(), 'xlsx');
    const before = await personCount(page);
    await submit(page, 'Yoxla');
    const report = page.getByTestId('import-report');
    await report.locator('[data-alert=error]', { hasText: 'Faylda 1 səhv var; heç nə idxal olunmadı.' }).waitFor();
    await report.locator('td', { hasText: 'ZIP' }).waitFor();
    assert.equal((await report.locator('th').first().textContent()).trim(), 'Sətir');
    assert.equal(await page.getByTestId('import-summary').count(), 0);
    assert.equal(await personCount(page), before);
    await screenshot(page, 'imp-xlsx-errors');
    await assertAccessible(page, 'the import page with the errors of a broken workbook');
    assert.deepEqual(pageErrors, []);
  });
});
